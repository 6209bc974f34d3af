-- Template packs a user imported (packs/document.hpp; docs/packs.md "Import and export"): private to their owner
-- until published. `document` is the pack's canonical JSON document, `digest` its SHA-256.
CREATE TABLE user_packs (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    digest TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (owner_id, name, version)
);
CREATE INDEX user_packs_owner ON user_packs (owner_id, created_at, id);
