#pragma once

// Accounts storage: users, sessions, refresh tokens, API keys, mailed tokens, login throttle, signing keys,
// OAuth identities and states, consents. SQL in queries/accounts.sql. Values are stored as given: encryption and
// hashing are the service's (personal data arrives here already encrypted, secrets already hashed).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::auth {

struct UserRow {
    std::string id;
    std::string email_enc;
    std::string email_index;
    std::optional<std::string> display_name_enc;
    std::string locale;
    std::optional<std::string> avatar_url;
    std::optional<std::string> password_hash;
    std::string role;
    std::optional<std::string> email_verified_at;
    std::optional<std::string> disabled_at;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> last_login_at;
    std::optional<std::string> password_changed_at;
};

struct SessionRow {
    std::string id;
    std::string user_id;
    std::string kind;  // password | oauth:<provider> | cli
    std::string created_at;
    std::string expires_at;
    std::optional<std::string> revoked_at;
    std::string role;  // the user's role now
    std::optional<std::string> user_disabled_at;
};

struct SessionInfo {
    std::string id;
    std::string kind;
    std::string created_at;
    std::string last_used_at;
    std::string expires_at;
    std::optional<std::string> revoked_at;
    std::optional<std::string> revoked_reason;
};

struct RefreshRow {
    std::string token_hash;
    std::string session_id;
    std::optional<std::string> used_at;
    std::string user_id;
    std::string session_expires_at;
    std::optional<std::string> session_revoked_at;
};

struct ApiKeyRow {
    std::string id;
    std::string user_id;
    std::string name;
    std::string prefix;
    std::string scopes;  // space-separated
    std::string created_at;
    std::optional<std::string> last_used_at;
    std::optional<std::string> expires_at;
    std::optional<std::string> revoked_at;
    std::string role;  // owner's role (find only)
    std::optional<std::string> user_disabled_at;
};

struct ThrottleRow {
    std::int64_t failures = 0;
    std::string last_failure_at;
    std::optional<std::string> blocked_until;
};

struct SigningKeyRow {
    std::string kid;
    std::string alg;
    std::string private_key_enc;
    std::string public_key_pem;
    std::string created_at;
    std::string retire_at;
    std::string expires_at;
};

struct ConsentRow {
    std::string id;
    std::string policy_version;
    std::string accepted;  // JSON array of purposes
    std::string created_at;
};

struct IdentityRow {
    std::string provider;
    std::string subject_index;
    std::string subject_enc;
    std::string created_at;
    std::optional<std::string> last_login_at;
};

struct OAuthStateRow {
    std::string provider;
    std::string code_verifier_enc;
    std::string nonce;
    std::optional<std::string> return_to;
    std::optional<std::string> link_user_id;
    std::string expires_at;
    /// SHA-256 of the value of the cookie set in the browser that started the flow (login CSRF defence).
    std::optional<std::string> browser_hash;
};

struct UserFilter {
    std::string role;    // "" = any
    std::string status;  // "" | active | disabled
};

class AccountsRepository final {
public:
    using S = storage::Session;

    Result<void> InsertUser(S& s, const UserRow& u) const;
    Result<std::optional<UserRow>> FindUser(S& s, const std::string& id) const;
    /// By blind index: up to three indexes (the current key's and older ones during a rotation).
    Result<std::optional<UserRow>> FindUserByEmail(S& s, const std::vector<std::string>& indexes) const;
    /// Created after (after_created_at, after_id), in creation order.
    Result<std::vector<UserRow>> ListUsers(S& s, const std::string& after_created_at, const std::string& after_id,
                                           const UserFilter& filter, std::int64_t limit) const;
    Result<std::vector<std::string>> AllUserIds(S& s) const;
    Result<void> UpdateProfile(S& s, const std::string& id, const std::optional<std::string>& display_name_enc,
                               const std::string& locale, const std::optional<std::string>& avatar_url,
                               const std::string& now) const;
    Result<void> UpdateEmail(S& s, const std::string& id, const std::string& email_enc, const std::string& email_index,
                             const std::string& now) const;
    Result<void> UpdatePassword(S& s, const std::string& id, const std::string& hash, const std::string& now) const;
    Result<bool> SetVerified(S& s, const std::string& id, const std::string& now) const;
    Result<void> SetRole(S& s, const std::string& id, const std::string& role, const std::string& now) const;
    Result<void> SetDisabled(S& s, const std::string& id, const std::optional<std::string>& disabled_at,
                             const std::string& now) const;
    Result<void> TouchLogin(S& s, const std::string& id, const std::string& now) const;
    Result<bool> DeleteUser(S& s, const std::string& id) const;
    Result<std::int64_t> CountActiveAdmins(S& s) const;
    Result<std::int64_t> CountUsers(S& s) const;
    Result<std::vector<std::string>> StaleUnverifiedUsers(S& s, const std::string& created_before) const;

    Result<void> InsertSession(S& s, const std::string& id, const std::string& user_id, const std::string& kind,
                               const std::string& now, const std::string& expires_at) const;
    Result<std::optional<SessionRow>> FindSession(S& s, const std::string& id) const;
    Result<void> TouchSession(S& s, const std::string& id, const std::string& now) const;
    Result<bool> RevokeSession(S& s, const std::string& id, const std::string& now, const std::string& reason) const;
    /// Every active session of the user but `except_id`; returns how many.
    Result<std::int64_t> RevokeUserSessions(S& s, const std::string& user_id, const std::string& except_id,
                                            const std::string& now, const std::string& reason) const;
    Result<std::vector<SessionInfo>> ListSessions(S& s, const std::string& user_id) const;
    Result<std::int64_t> PurgeSessions(S& s, const std::string& ended_before) const;

    Result<void> InsertRefresh(S& s, const std::string& hash, const std::string& session_id,
                               const std::string& now) const;
    Result<std::optional<RefreshRow>> FindRefresh(S& s, const std::string& hash) const;
    /// Marks the token used; false when it already was (a concurrent or repeated use).
    Result<bool> SpendRefresh(S& s, const std::string& hash, const std::string& now) const;

    Result<void> InsertApiKey(S& s, const ApiKeyRow& k, const std::string& key_hash) const;
    Result<std::optional<ApiKeyRow>> FindApiKey(S& s, const std::string& key_hash) const;
    Result<std::vector<ApiKeyRow>> ListApiKeys(S& s, const std::string& user_id) const;
    Result<bool> RevokeApiKey(S& s, const std::string& id, const std::string& user_id, const std::string& now) const;
    Result<void> TouchApiKey(S& s, const std::string& id, const std::string& now) const;

    Result<void> InsertUserToken(S& s, const std::string& hash, const std::string& user_id, const std::string& purpose,
                                 const std::string& now, const std::string& expires_at) const;
    /// Spends a valid, unused, unexpired token; returns its user.
    Result<std::optional<std::string>> SpendUserToken(S& s, const std::string& hash, const std::string& purpose,
                                                      const std::string& now) const;
    Result<void> DropUserTokens(S& s, const std::string& user_id, const std::string& purpose) const;
    Result<std::int64_t> PurgeUserTokens(S& s, const std::string& now) const;

    Result<std::optional<ThrottleRow>> GetThrottle(S& s, const std::string& key) const;
    Result<void> PutThrottle(S& s, const std::string& key, const ThrottleRow& row) const;
    Result<void> ClearThrottle(S& s, const std::string& key) const;
    /// Deletes every throttle entry whose key starts with `prefix`.
    Result<void> ClearThrottlePrefix(S& s, const std::string& prefix) const;
    Result<std::int64_t> PurgeThrottle(S& s, const std::string& before) const;

    Result<std::vector<SigningKeyRow>> ListSigningKeys(S& s, const std::string& now) const;
    Result<void> InsertSigningKey(S& s, const SigningKeyRow& k) const;
    /// (kid, private_key_enc) of every key, for re-encryption.
    Result<std::vector<std::pair<std::string, std::string>>> AllSigningKeys(S& s) const;
    Result<void> UpdateSigningKey(S& s, const std::string& kid, const std::string& private_key_enc) const;
    Result<std::int64_t> PurgeSigningKeys(S& s, const std::string& now) const;

    Result<void> InsertConsent(S& s, const std::string& id, const std::string& user_id, const ConsentRow& c) const;
    Result<std::vector<ConsentRow>> ListConsents(S& s, const std::string& user_id) const;

    Result<void> InsertIdentity(S& s, const std::string& provider, const std::string& subject_index,
                                const std::string& subject_enc, const std::string& user_id,
                                const std::string& now) const;
    /// The user linked to (provider, subject) under any of the indexes.
    Result<std::optional<std::pair<std::string, std::string>>> FindIdentity(
        S& s, const std::string& provider, const std::vector<std::string>& subject_indexes) const;
    Result<std::vector<IdentityRow>> ListIdentities(S& s, const std::string& user_id) const;
    Result<void> TouchIdentity(S& s, const std::string& provider, const std::string& subject_index,
                               const std::string& now) const;
    Result<void> UpdateIdentity(S& s, const std::string& provider, const std::string& old_index,
                                const std::string& new_index, const std::string& subject_enc) const;

    Result<void> InsertOAuthState(S& s, const std::string& state_hash, const OAuthStateRow& row,
                                  const std::string& now) const;
    /// Deletes and returns the state: a state works once.
    Result<std::optional<OAuthStateRow>> TakeOAuthState(S& s, const std::string& state_hash) const;
    Result<std::int64_t> PurgeOAuthStates(S& s, const std::string& now) const;
};

}  // namespace dihya::auth
