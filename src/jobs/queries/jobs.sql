-- Statements of the job queue (jobs/queue.cpp).

-- name: insert
INSERT INTO jobs (id, kind, owner_id, subject_id, status, input, created_at) VALUES ($1, $2, $3, $4, 'queued', $5, $6);

-- name: columns
id, kind, owner_id, subject_id, status, input, result, error, step, progress_done, progress_total, attempts,
created_at, started_at, finished_at

-- name: find
SELECT {columns} FROM jobs WHERE id = $1;

-- name: list_owner
SELECT {columns} FROM jobs WHERE owner_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT $3;

-- name: list_subject
SELECT {columns} FROM jobs WHERE subject_id = $1 AND kind = $2 AND ($3 = '' OR created_at < $3 OR (created_at = $3 AND id < $4))
ORDER BY created_at DESC, id DESC LIMIT $5;

-- name: next_queued_sqlite
SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < $1) ORDER BY created_at, id LIMIT 1;

-- name: next_queued_postgres
SELECT id FROM jobs WHERE status = 'queued' OR (status = 'running' AND lease_until < $1) ORDER BY created_at, id
LIMIT 1 FOR UPDATE SKIP LOCKED;

-- name: claim
UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = $2, lease_until = $3, lease_owner = $4
WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND lease_until < $2));

-- name: running_on_host
SELECT id, lease_owner FROM jobs WHERE status = 'running' AND lease_owner LIKE $1 ESCAPE '!';

-- name: release
UPDATE jobs SET lease_until = $2 WHERE id = $1 AND status = 'running' AND lease_owner = $3;

-- name: renew
UPDATE jobs SET lease_until = $2 WHERE id = $1 AND status = 'running';

-- name: renew_owned
UPDATE jobs SET lease_until = $2 WHERE status = 'running' AND lease_owner = $1;

-- name: progress
UPDATE jobs SET step = $2, progress_done = $3, progress_total = $4, lease_until = $5 WHERE id = $1 AND status = 'running';

-- name: finish
UPDATE jobs SET status = $2, result = $3, error = $4, finished_at = $5, lease_until = NULL WHERE id = $1;

-- name: cancel
UPDATE jobs SET status = 'cancelled', finished_at = $2 WHERE id = $1 AND status = 'queued';

-- name: next_event_seq
SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM job_events WHERE job_id = $1;

-- name: insert_event
INSERT INTO job_events (job_id, seq, at, message) VALUES ($1, $2, $3, $4);

-- name: events
SELECT seq, at, message FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3;

-- name: events_tail
SELECT seq, at, message FROM job_events WHERE job_id = $1 ORDER BY seq DESC LIMIT $2;

-- name: delete_owner
DELETE FROM jobs WHERE owner_id = $1;

-- name: all_subject
SELECT {columns} FROM jobs WHERE subject_id = $1 AND kind = $2 ORDER BY created_at DESC, id DESC;

-- name: delete_subject
DELETE FROM jobs WHERE subject_id = $1 AND kind = $2;

-- name: old_finished
SELECT id, kind, result FROM jobs WHERE kind = $1 AND finished_at IS NOT NULL AND finished_at < $2 ORDER BY finished_at LIMIT 500;

-- name: delete
DELETE FROM jobs WHERE id = $1;
