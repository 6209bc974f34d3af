-- Audit log: append-only and hash-chained (see docs/audit.md and src/audit/).
-- Hashes, digests and salts are lower-case hex. Times are ISO 8601 UTC with milliseconds.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY CHECK (seq > 0),  -- contiguous from 1
    at TEXT NOT NULL,
    actor_id TEXT,                           -- user id; NULL = system or guest (personal)
    action TEXT NOT NULL,                    -- e.g. auth.login, gdpr.erasure
    target_type TEXT,
    target_id TEXT,                          -- personal when target_type = 'user'
    request_id TEXT,
    ip TEXT,                                 -- truncated (IPv4 /24, IPv6 /48) (personal)
    details TEXT NOT NULL,                   -- JSON object; never secrets or personal data
    pii_salt TEXT,                           -- 16 random bytes; NULL once pseudonymised
    pii_digest TEXT NOT NULL,                -- SHA-256 over the salt and the personal fields
    pseudonymised_at TEXT,
    prev_hash TEXT NOT NULL,                 -- hash of seq - 1 (64 zeros for seq 1)
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain's head: exactly one row. Appends lock it first, so they serialise; verification
-- compares it with the last entry, so deleting entries at the tail is detected too.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
