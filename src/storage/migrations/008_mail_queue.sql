-- Mail waiting for the SMTP server (issue #7): with mail.smtp_url, every message is written here first and a
-- worker delivers it, retrying with exponential back-off, so that nothing is lost across a restart and nothing
-- is sent twice (a message is deleted once the server accepted it). message holds the recipient, subject and
-- text, encrypted like other personal data; user_id ties it to the account it goes to (erased with it).
-- lease_until/lease_owner: the node delivering it now (another takes it only after the lease ran out).
CREATE TABLE mail_queue (
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
CREATE INDEX mail_queue_due ON mail_queue (gave_up_at, next_attempt_at);
CREATE INDEX mail_queue_user ON mail_queue (user_id);
