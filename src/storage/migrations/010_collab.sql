-- Project sharing and collaborative editing (issue #7).
--
-- Members of a project other than its owner, each with a role: viewer (reads the project, its generations and the
-- collaborative document) or editor (also changes the specification, edits the document together, generates).
CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    added_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members (user_id, created_at, project_id);

-- The collaborative document of a project's specification (a Yjs document whose Y.Text "spec" holds the text):
-- the updates as clients sent them, in order; replaced by their merge when they grow past collab.compact_bytes.
CREATE TABLE collab_updates (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (project_id, seq)
);
