-- Saved projects (issue #4): a user's specifications, and the files of their generations.
--
-- spec is the normalised structured model (model::ToSpec) as JSON text; source_text the free text it was analysed
-- from, if any, with the analyser's assumptions (a JSON array). version counts changes for optimistic concurrency
-- (ETag / If-Match).
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    spec TEXT NOT NULL,
    source_text TEXT,
    assumptions TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX projects_owner ON projects (owner_id, created_at, id);

-- Idempotency-Key of POST /api/v1/projects: the same key with the same body gives the same project.
CREATE TABLE project_idempotency_keys (
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (owner_id, idempotency_key)
);

-- The rendered files of a generation (a job of kind "generation", whose subject is the project). Kept in the
-- database rather than on a node's disk so that every node of a cluster serves them, backups include them and
-- erasure removes them in the same transaction; archives are rebuilt from them byte for byte (reproducible).
CREATE TABLE generation_files (
    generation_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    executable INTEGER NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (generation_id, path)
);
