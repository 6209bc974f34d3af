-- Statements of a persisted delivery queue (delivery/queue.cpp): {table} is the queue's table (mail_queue,
-- push_queue), all with the same columns. Placeholders $1, $2... on both dialects.

-- name: insert
INSERT INTO {table} (id, user_id, kind, message, created_at, attempts, next_attempt_at)
VALUES ($1, $2, $3, $4, $5, 0, $5);

-- name: due
SELECT id FROM {table}
WHERE gave_up_at IS NULL AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
ORDER BY next_attempt_at, id
LIMIT $2;

-- name: claim
UPDATE {table} SET lease_until = $2, lease_owner = $3
WHERE id = $1 AND gave_up_at IS NULL AND (lease_until IS NULL OR lease_until < $4);

-- name: find
SELECT id, kind, message, attempts FROM {table} WHERE id = $1 AND lease_owner = $2;

-- name: sent
DELETE FROM {table} WHERE id = $1 AND lease_owner = $2;

-- name: retry
UPDATE {table} SET attempts = $3, next_attempt_at = $4, last_error = $5, lease_until = NULL, lease_owner = NULL
WHERE id = $1 AND lease_owner = $2;

-- name: give_up
UPDATE {table} SET attempts = $3, gave_up_at = $4, last_error = $5, message = '', lease_until = NULL,
                      lease_owner = NULL
WHERE id = $1 AND lease_owner = $2;

-- name: next_due
SELECT MIN(next_attempt_at) AS at FROM {table} WHERE gave_up_at IS NULL;

-- name: pending_count
SELECT COUNT(*) AS n FROM {table} WHERE gave_up_at IS NULL;

-- name: of_user
SELECT kind, created_at, attempts, gave_up_at FROM {table} WHERE user_id = $1 ORDER BY created_at, id;

-- name: delete_given_up_before
DELETE FROM {table} WHERE gave_up_at IS NOT NULL AND gave_up_at < $1;
