-- Statements of the persisted mail queue (mail/queue.cpp). Placeholders $1, $2... on both dialects.

-- name: insert
INSERT INTO mail_queue (id, user_id, kind, message, created_at, attempts, next_attempt_at)
VALUES ($1, $2, $3, $4, $5, 0, $5);

-- name: due
SELECT id FROM mail_queue
WHERE gave_up_at IS NULL AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
ORDER BY next_attempt_at, id
LIMIT $2;

-- name: claim
UPDATE mail_queue SET lease_until = $2, lease_owner = $3
WHERE id = $1 AND gave_up_at IS NULL AND (lease_until IS NULL OR lease_until < $4);

-- name: find
SELECT id, kind, message, attempts FROM mail_queue WHERE id = $1 AND lease_owner = $2;

-- name: sent
DELETE FROM mail_queue WHERE id = $1 AND lease_owner = $2;

-- name: retry
UPDATE mail_queue SET attempts = $3, next_attempt_at = $4, last_error = $5, lease_until = NULL, lease_owner = NULL
WHERE id = $1 AND lease_owner = $2;

-- name: give_up
UPDATE mail_queue SET attempts = $3, gave_up_at = $4, last_error = $5, message = '', lease_until = NULL,
                      lease_owner = NULL
WHERE id = $1 AND lease_owner = $2;

-- name: next_due
SELECT MIN(next_attempt_at) AS at FROM mail_queue WHERE gave_up_at IS NULL;

-- name: pending_count
SELECT COUNT(*) AS n FROM mail_queue WHERE gave_up_at IS NULL;

-- name: of_user
SELECT kind, created_at, attempts, gave_up_at FROM mail_queue WHERE user_id = $1 ORDER BY created_at, id;

-- name: delete_given_up_before
DELETE FROM mail_queue WHERE gave_up_at IS NOT NULL AND gave_up_at < $1;
