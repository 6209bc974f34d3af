-- Statements of the scheduler (scheduler/scheduler.cpp).

-- name: insert
INSERT INTO schedules (name, cron, time_zone, paused, next_run_at, updated_at) VALUES ($1, $2, $3, 0, $4, $5)
ON CONFLICT (name) DO NOTHING;

-- name: find
SELECT name, cron, time_zone, paused, next_run_at, last_due_at, last_job_id FROM schedules WHERE name = $1;

-- name: all
SELECT name, cron, time_zone, paused, next_run_at, last_due_at, last_job_id FROM schedules ORDER BY name;

-- name: set_timing
UPDATE schedules SET cron = $2, time_zone = $3, next_run_at = $4, updated_at = $5 WHERE name = $1;

-- name: earliest_due
SELECT MIN(next_run_at) AS next_run_at FROM schedules WHERE paused = 0 AND next_run_at IS NOT NULL;

-- name: due_sqlite
SELECT name, next_run_at, last_job_id FROM schedules WHERE paused = 0 AND next_run_at IS NOT NULL
AND next_run_at <= $1 ORDER BY next_run_at, name;

-- name: due_postgres
SELECT name, next_run_at, last_job_id FROM schedules WHERE paused = 0 AND next_run_at IS NOT NULL
AND next_run_at <= $1 ORDER BY next_run_at, name FOR UPDATE SKIP LOCKED;

-- name: advance
UPDATE schedules SET next_run_at = $3, last_due_at = $2, last_job_id = COALESCE($4, last_job_id), updated_at = $5
WHERE name = $1 AND next_run_at = $2;

-- name: lock_postgres
SELECT name, last_job_id FROM schedules WHERE name = $1 FOR UPDATE;

-- name: lock_sqlite
SELECT name, last_job_id FROM schedules WHERE name = $1;

-- name: set_last_job
UPDATE schedules SET last_job_id = $2, updated_at = $3 WHERE name = $1;

-- name: set_paused
UPDATE schedules SET paused = $2, next_run_at = $3, updated_at = $4 WHERE name = $1;

-- name: job_status
SELECT status FROM jobs WHERE id = $1;
