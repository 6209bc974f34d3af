-- Background jobs (exports, generations, ...) shared by every node: a node claims a queued job by taking a lease;
-- a job whose node died is taken again when the lease runs out. Progress and a timestamped log per job.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner_id TEXT,
    subject_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    input TEXT NOT NULL,
    result TEXT,
    error TEXT,
    step TEXT,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    lease_until TEXT
);
CREATE INDEX jobs_queue ON jobs (status, created_at);
CREATE INDEX jobs_owner ON jobs (owner_id, kind, created_at);
CREATE INDEX jobs_subject ON jobs (subject_id, created_at);

CREATE TABLE job_events (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
