-- The installation itself: exactly one row, written on first start.
-- `singleton` (always 1, unique) makes a second row impossible on both dialects.
CREATE TABLE instance (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    singleton INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1)
);
