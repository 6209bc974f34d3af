-- Token buckets shared by the nodes of a cluster (ratelimit/shared_buckets.cpp). Unlogged: a crash may empty it,
-- which only refills every bucket; not worth a write-ahead log record per request.
CREATE UNLOGGED TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    allowed BIGINT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
