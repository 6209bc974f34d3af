-- Token buckets shared by the processes of one database (ratelimit/shared_buckets.cpp); a SQLite server is one
-- process, which keeps its buckets in memory: the table exists so that both dialects have the same schema.
CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    allowed INTEGER NOT NULL,
    updated_at REAL NOT NULL
);
