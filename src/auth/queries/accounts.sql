-- Statements of the accounts repository (auth/repository.cpp). Placeholders $1, $2... on both dialects.

-- name: insert_user
INSERT INTO users (id, email_enc, email_index, display_name_enc, locale, avatar_url, password_hash, role,
                   email_verified_at, created_at, updated_at, password_changed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11);

-- name: user_columns
id, email_enc, email_index, display_name_enc, locale, avatar_url, password_hash, role, email_verified_at,
disabled_at, created_at, updated_at, last_login_at, password_changed_at

-- name: find_user
SELECT {columns} FROM users WHERE id = $1;

-- name: find_user_by_email
SELECT {columns} FROM users WHERE email_index IN ($1, $2, $3);

-- name: list_users
SELECT {columns} FROM users
WHERE ($1 = '' OR created_at > $1 OR (created_at = $1 AND id > $2))
  AND ($3 = '' OR role = $3)
  AND ($4 = '' OR ($4 = 'active' AND disabled_at IS NULL) OR ($4 = 'disabled' AND disabled_at IS NOT NULL))
ORDER BY created_at, id
LIMIT $5;

-- name: all_user_ids
SELECT id FROM users ORDER BY id;

-- name: update_profile
UPDATE users SET display_name_enc = $2, locale = $3, avatar_url = $4, updated_at = $5 WHERE id = $1;

-- name: update_email
UPDATE users SET email_enc = $2, email_index = $3, updated_at = $4 WHERE id = $1;

-- name: update_password
UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1;

-- name: set_verified
UPDATE users SET email_verified_at = $2, updated_at = $2 WHERE id = $1 AND email_verified_at IS NULL;

-- name: set_role
UPDATE users SET role = $2, updated_at = $3 WHERE id = $1;

-- name: set_disabled
UPDATE users SET disabled_at = $2, updated_at = $3 WHERE id = $1;

-- name: touch_login
UPDATE users SET last_login_at = $2 WHERE id = $1;

-- name: delete_user
DELETE FROM users WHERE id = $1;

-- name: count_active_admins
SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL;

-- name: count_users
SELECT COUNT(*) AS n FROM users;

-- name: stale_unverified_users
SELECT id FROM users WHERE email_verified_at IS NULL AND created_at < $1 AND role <> 'admin' ORDER BY id LIMIT 500;

-- name: insert_session
INSERT INTO sessions (id, user_id, kind, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5);

-- name: find_session
SELECT s.id, s.user_id, s.kind, s.created_at, s.expires_at, s.revoked_at, u.role, u.disabled_at
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1;

-- name: touch_session
UPDATE sessions SET last_used_at = $2 WHERE id = $1;

-- name: revoke_session
UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL;

-- name: revoke_user_sessions
UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND id <> $4 AND revoked_at IS NULL;

-- name: list_sessions
SELECT id, kind, created_at, last_used_at, expires_at, revoked_at, revoked_reason FROM sessions
WHERE user_id = $1 ORDER BY created_at DESC;

-- name: purge_sessions
DELETE FROM sessions WHERE (revoked_at IS NOT NULL AND revoked_at < $1) OR expires_at < $1;

-- name: insert_refresh
INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3);

-- name: find_refresh
SELECT r.token_hash, r.session_id, r.used_at, s.user_id, s.expires_at, s.revoked_at
FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = $1;

-- name: spend_refresh
UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL;

-- name: insert_api_key
INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: find_api_key
SELECT k.id, k.user_id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.expires_at, k.revoked_at,
       u.role, u.disabled_at
FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1;

-- name: list_api_keys
SELECT id, user_id, name, prefix, scopes, created_at, last_used_at, expires_at, revoked_at FROM api_keys
WHERE user_id = $1 ORDER BY created_at DESC, id;

-- name: revoke_api_key
UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL;

-- name: touch_api_key
UPDATE api_keys SET last_used_at = $2 WHERE id = $1;

-- name: insert_user_token
INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5);

-- name: spend_user_token
UPDATE user_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3;

-- name: find_user_token
SELECT user_id FROM user_tokens WHERE token_hash = $1 AND purpose = $2;

-- name: drop_user_tokens
DELETE FROM user_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL;

-- name: purge_user_tokens
DELETE FROM user_tokens WHERE expires_at < $1;

-- name: get_throttle
SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE throttle_key = $1;

-- name: put_throttle
INSERT INTO login_throttle (throttle_key, failures, last_failure_at, blocked_until) VALUES ($1, $2, $3, $4)
ON CONFLICT (throttle_key) DO UPDATE SET failures = $2, last_failure_at = $3, blocked_until = $4;

-- name: clear_throttle
DELETE FROM login_throttle WHERE throttle_key = $1;

-- name: clear_throttle_prefix
DELETE FROM login_throttle WHERE throttle_key LIKE $1 ESCAPE '!';

-- name: purge_throttle
DELETE FROM login_throttle WHERE last_failure_at < $1 AND (blocked_until IS NULL OR blocked_until < $1);

-- name: list_signing_keys
SELECT kid, alg, private_key_enc, public_key_pem, created_at, retire_at, expires_at FROM signing_keys
WHERE expires_at > $1 ORDER BY created_at DESC;

-- name: insert_signing_key
INSERT INTO signing_keys (kid, alg, private_key_enc, public_key_pem, created_at, retire_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: all_signing_keys
SELECT kid, private_key_enc FROM signing_keys;

-- name: update_signing_key
UPDATE signing_keys SET private_key_enc = $2 WHERE kid = $1;

-- name: purge_signing_keys
DELETE FROM signing_keys WHERE expires_at < $1;

-- name: insert_consent
INSERT INTO consents (id, user_id, policy_version, accepted, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: list_consents
SELECT id, policy_version, accepted, created_at FROM consents WHERE user_id = $1 ORDER BY created_at DESC, id;

-- name: insert_identity
INSERT INTO oauth_identities (provider, subject_index, subject_enc, user_id, created_at, last_login_at)
VALUES ($1, $2, $3, $4, $5, $5);

-- name: find_identity
SELECT provider, subject_index, user_id FROM oauth_identities WHERE provider = $1 AND subject_index IN ($2, $3, $4);

-- name: list_identities
SELECT provider, subject_index, subject_enc, created_at, last_login_at FROM oauth_identities WHERE user_id = $1
ORDER BY provider;

-- name: touch_identity
UPDATE oauth_identities SET last_login_at = $3 WHERE provider = $1 AND subject_index = $2;

-- name: update_identity
UPDATE oauth_identities SET subject_index = $3, subject_enc = $4 WHERE provider = $1 AND subject_index = $2;

-- name: insert_oauth_state
INSERT INTO oauth_states (state_hash, provider, code_verifier_enc, nonce, return_to, link_user_id, created_at,
                          expires_at, browser_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: take_oauth_state
DELETE FROM oauth_states WHERE state_hash = $1 RETURNING provider, code_verifier_enc, nonce, return_to, link_user_id,
                                                         expires_at, browser_hash;

-- name: purge_oauth_states
DELETE FROM oauth_states WHERE expires_at < $1;
