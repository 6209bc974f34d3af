-- Accounts, sessions, tokens and consents (issue #3). Times are ISO-8601 UTC text (core/clock.hpp), which sorts
-- in time order on both dialects. Personal data is stored encrypted (*_enc, core/crypto.hpp FieldCipher) with
-- keyed blind indexes (*_index) for equality lookups; secrets (passwords, tokens, keys) only as hashes.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email_enc TEXT NOT NULL,
    email_index TEXT NOT NULL UNIQUE,
    display_name_enc TEXT,
    locale TEXT NOT NULL,
    avatar_url TEXT,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'user', 'guest')),
    email_verified_at TEXT,
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_login_at TEXT,
    password_changed_at TEXT
);
CREATE INDEX users_created ON users (created_at, id);
CREATE INDEX users_role ON users (role);

-- A login session: one family of rotating refresh tokens.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- Single-use links sent by mail: email verification and password reset.
CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id);

-- Failed logins per account (blind index of the email, known or not) and per client address.
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    blocked_until TEXT
);

-- Access-token signing keys (ES256). Private keys are encrypted like personal data.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    private_key_enc TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    created_at TEXT NOT NULL,
    retire_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE oauth_identities (
    provider TEXT NOT NULL,
    subject_index TEXT NOT NULL,
    subject_enc TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_login_at TEXT,
    PRIMARY KEY (provider, subject_index)
);
CREATE INDEX oauth_identities_user ON oauth_identities (user_id);

-- An OAuth login in progress (state → PKCE verifier and nonce), so any node can finish it.
CREATE TABLE oauth_states (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    code_verifier_enc TEXT NOT NULL,
    nonce TEXT NOT NULL,
    return_to TEXT,
    link_user_id TEXT,
    browser_hash TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    policy_version TEXT NOT NULL,
    accepted TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX consents_user ON consents (user_id, created_at);
