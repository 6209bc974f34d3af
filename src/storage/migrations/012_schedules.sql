-- Scheduled jobs (scheduler/scheduler.cpp): one row per job with its timing and when it is next due. A node that
-- finds a job due enqueues one run (a row of `jobs`, kind 'scheduled', subject the job's name) and moves
-- next_run_at past now in the same transaction, guarded by the old value (and FOR UPDATE SKIP LOCKED on
-- PostgreSQL), so each due time runs once in a cluster and a downtime's missed times run once, not once each.
CREATE TABLE schedules (
    name TEXT PRIMARY KEY,
    cron TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    next_run_at TEXT,
    last_due_at TEXT,
    last_job_id TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX schedules_due ON schedules (paused, next_run_at);
