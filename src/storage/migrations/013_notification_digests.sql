-- The mail digests of unread notifications (issue #7; the scheduled job "notification-digest"): per user, the
-- newest notification a digest already told about, so the next one tells only what came after. Erased with the
-- account.
CREATE TABLE notification_digests (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sent_up_to TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
