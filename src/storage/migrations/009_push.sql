-- Web Push (issue #7): the browsers a user subscribed (endpoint and keys of their PushSubscription, encrypted: the
-- endpoint is a capability URL) and the server's VAPID key (RFC 8292; its private key encrypted), made once.
CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint_index TEXT NOT NULL,
    subscription TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, endpoint_index)
);

CREATE TABLE vapid_keys (
    id TEXT PRIMARY KEY,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
