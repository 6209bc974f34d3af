-- Web Push waiting for its push service (issue #7), as mail_queue waits for the SMTP server (migration 008, same
-- columns; delivery/queue.cpp drives both): one row per browser to reach, deleted once the push service accepted
-- it, retried with back-off while it is down or busy, so a restart loses nothing and sends nothing twice. message
-- holds the subscription's id and the payload, encrypted; user_id erases it with the account.
CREATE TABLE push_queue (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    lease_owner TEXT,
    last_error TEXT,
    gave_up_at TEXT
);
CREATE INDEX push_queue_due ON push_queue (gave_up_at, next_attempt_at);
CREATE INDEX push_queue_user ON push_queue (user_id);
