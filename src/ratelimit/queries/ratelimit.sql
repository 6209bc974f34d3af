-- Token buckets shared by the nodes of a cluster (ratelimit/shared_buckets.cpp): one row per client address,
-- refilled and taken from in one statement, so that two nodes taking at once both see the other's take.
-- $1 key, $2 burst, $3 refill per second, $4 now (seconds since the epoch, the node's clock: a node behind the
-- others refills nothing rather than twice). `allowed` is 1 when a token was taken.

-- name: take_postgres
INSERT INTO rate_buckets (key, tokens, allowed, updated_at)
VALUES ($1, $2::double precision - 1, 1, $4::double precision)
ON CONFLICT (key) DO UPDATE SET
    tokens = LEAST($2::double precision,
                   rate_buckets.tokens + GREATEST(0, $4::double precision - rate_buckets.updated_at) * $3::double precision)
             - CASE WHEN LEAST($2::double precision, rate_buckets.tokens
                               + GREATEST(0, $4::double precision - rate_buckets.updated_at) * $3::double precision) >= 1
                    THEN 1 ELSE 0 END,
    allowed = CASE WHEN LEAST($2::double precision, rate_buckets.tokens
                              + GREATEST(0, $4::double precision - rate_buckets.updated_at) * $3::double precision) >= 1
                   THEN 1 ELSE 0 END,
    updated_at = GREATEST(rate_buckets.updated_at, $4::double precision)
RETURNING tokens, allowed;

-- name: take_sqlite
INSERT INTO rate_buckets (key, tokens, allowed, updated_at)
VALUES ($1, $2 - 1, 1, $4)
ON CONFLICT (key) DO UPDATE SET
    tokens = MIN($2, rate_buckets.tokens + MAX(0, $4 - rate_buckets.updated_at) * $3)
             - CASE WHEN MIN($2, rate_buckets.tokens + MAX(0, $4 - rate_buckets.updated_at) * $3) >= 1 THEN 1 ELSE 0 END,
    allowed = CASE WHEN MIN($2, rate_buckets.tokens + MAX(0, $4 - rate_buckets.updated_at) * $3) >= 1 THEN 1 ELSE 0 END,
    updated_at = MAX(rate_buckets.updated_at, $4)
RETURNING tokens, allowed;

-- name: prune
-- Buckets full again since: nothing worth keeping.
DELETE FROM rate_buckets WHERE updated_at < $1;
