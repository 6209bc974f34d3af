-- Notifications (issue #7): what the platform tells a user in the console (in-app), by mail, and later by push.
--
-- kind names an entry of src/notifications/kinds.yaml (its texts in fr, en and ar); data holds the values its
-- texts use (JSON object: a project's title, a generation's id...), so a notification reads in the user's current
-- language. link is the console path it leads to. read_at is NULL while unread.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);

-- A user's choices per kind and channel (in_app, email); a kind and channel without a row has the default of
-- kinds.yaml.
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);
