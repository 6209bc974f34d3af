#pragma once

// Accounts and authentication: registration, email verification, login with throttling, rotating refresh tokens
// with reuse detection, password reset and change, profile, personal API keys, admin operations, and logins
// through OAuth identities. No HTTP types: handlers.cpp maps these to routes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/principal.hpp"
#include "auth/repository.hpp"
#include "auth/signing_keys.hpp"
#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "mail/mailer.hpp"
#include "storage/db.hpp"

namespace dihya::auth {

struct User {
    std::string id;
    std::string email;
    std::optional<std::string> display_name;
    std::string locale;
    std::optional<std::string> avatar_url;
    std::string role;
    bool email_verified = false;
    bool disabled = false;
    bool has_password = false;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> last_login_at;
};

struct Consent {
    std::string policy_version;
    std::vector<std::string> accepted;  // purposes, e.g. "terms", "privacy", "newsletter"
};

struct NewAccount {
    std::string email;
    std::string password;
    std::optional<std::string> display_name;
    std::optional<std::string> locale;
    std::optional<Consent> consent;
};

struct TokenPair {
    std::string access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;          // seconds, access token
    std::int64_t refresh_expires_in = 0;  // seconds, session
};

struct ProfilePatch {
    std::optional<std::optional<std::string>> display_name;  // set to nullopt inside = clear
    std::optional<std::string> locale;
    std::optional<std::optional<std::string>> avatar_url;
};

struct ApiKeyInfo {
    std::string id;
    std::string name;
    std::string prefix;  // first characters, to recognise a key
    std::vector<std::string> scopes;
    std::string created_at;
    std::optional<std::string> last_used_at;
    std::optional<std::string> expires_at;
    std::optional<std::string> revoked_at;
};

struct NewApiKey {
    ApiKeyInfo info;
    std::string key;  // shown once
};

struct UserPage {
    std::vector<User> users;
    std::optional<std::string> next_cursor;
};

struct UserQuery {
    std::string q;       // exact email, or part of the display name
    std::string role;    // admin | user | guest
    std::string status;  // active | disabled
    std::string cursor;
    std::int64_t limit = 50;
};

struct AdminPatch {
    std::optional<std::string> role;
    std::optional<bool> disabled;
};

/// What an OAuth provider said about the person signing in.
struct ExternalIdentity {
    std::string provider;
    std::string subject;
    std::string email;
    bool email_verified = false;
    std::optional<std::string> display_name;
    std::optional<std::string> avatar_url;
    std::optional<std::string> locale;
};

struct AuthDeps {
    storage::Db& db;
    const crypto::FieldCipher& cipher;
    const crypto::PasswordHasher& hasher;
    SigningKeys& keys;
    mail::Mailer& mailer;
    AuditSink& audit;
    const Clock& clock;
    Logger& log;
    AuthConfig config;
    std::string public_url;
    std::string policy_version;
};

class AuthService final {
public:
    explicit AuthService(AuthDeps deps);

    Result<User> Register(const NewAccount& account, const RequestContext& ctx);
    /// Trusted creation (CLI bootstrap, tests): no registration switch, email counted as verified.
    Result<User> CreateUser(const NewAccount& account, Role role, const RequestContext& ctx);
    Result<void> VerifyEmail(const std::string& token, const RequestContext& ctx);
    Result<void> ResendVerification(const Principal& who, const RequestContext& ctx);

    Result<TokenPair> Login(const std::string& email, const std::string& password, const RequestContext& ctx);
    Result<TokenPair> Refresh(const std::string& refresh_token, const RequestContext& ctx);
    /// Ends the session of `refresh_token`, or the caller's current session.
    Result<void> Logout(const Principal& who, const std::optional<std::string>& refresh_token,
                        const RequestContext& ctx);
    /// Always succeeds (no account enumeration); mails a link when the account exists.
    Result<void> RequestPasswordReset(const std::string& email, const RequestContext& ctx);
    Result<void> ResetPassword(const std::string& token, const std::string& new_password, const RequestContext& ctx);
    /// Revokes every other session of the account.
    Result<void> ChangePassword(const Principal& who, const std::string& current, const std::string& next,
                                const RequestContext& ctx);

    Result<User> GetMe(const Principal& who);
    Result<User> UpdateMe(const Principal& who, const ProfilePatch& patch, const RequestContext& ctx);
    Result<std::vector<SessionInfo>> Sessions(const Principal& who);
    Result<void> RevokeSession(const Principal& who, const std::string& session_id, const RequestContext& ctx);

    Result<NewApiKey> CreateApiKey(const Principal& who, const std::string& name,
                                   const std::vector<std::string>& scopes, std::optional<std::int64_t> expires_days,
                                   const RequestContext& ctx);
    Result<std::vector<ApiKeyInfo>> ApiKeys(const Principal& who);
    Result<void> RevokeApiKey(const Principal& who, const std::string& id, const RequestContext& ctx);

    Result<std::vector<Consent>> ConsentsOf(const Principal& who);
    Result<void> RecordConsent(const Principal& who, const Consent& consent, const RequestContext& ctx);

    /// A bearer credential → who. API keys start with "dih_"; anything else is an access JWT.
    Result<Principal> Authenticate(std::string_view credential);
    /// A short-lived ticket for WebSocket/EventSource URLs (audience dihya-realtime, 60 s).
    Result<std::string> IssueRealtimeTicket(const Principal& who);
    /// Checks a realtime ticket (and the session behind it).
    Result<Principal> AuthenticateTicket(std::string_view ticket);

    Result<UserPage> ListUsers(const Principal& who, const UserQuery& query);
    Result<User> GetUser(const Principal& who, const std::string& id);
    Result<User> AdminUpdate(const Principal& who, const std::string& id, const AdminPatch& patch,
                             const RequestContext& ctx);

    /// Signs in with an identity from an OAuth provider: the linked account, else an account with the same email
    /// when the provider says the email is verified (linking it), else a new account.
    Result<TokenPair> LoginWithIdentity(const ExternalIdentity& identity, const RequestContext& ctx);
    /// Links an identity to the signed-in account.
    Result<void> LinkIdentity(const Principal& who, const ExternalIdentity& identity, const RequestContext& ctx);

    /// The user as stored, decrypted (GDPR export, internal use). No permission check.
    Result<User> LoadUser(storage::Session& s, const std::string& id) const;
    Result<User> LoadUser(const std::string& id);
    /// The enabled account with this email, if any (sharing a project by email). No permission check.
    Result<std::optional<User>> FindByEmail(std::string_view email);
    /// Re-encrypts personal data and recomputes blind indexes under the current key; returns rows changed.
    Result<std::int64_t> ReEncryptAll();
    /// Deletes expired sessions, tokens, throttle entries and OAuth states; and unverified accounts older than
    /// `unverified_before` (when set). Returns what was deleted, by kind.
    Result<boost::json::object> Purge(std::optional<TimePoint> unverified_before, TimePoint sessions_ended_before);

    const AccountsRepository& repository() const { return repo_; }
    const crypto::FieldCipher& cipher() const { return d_.cipher; }
    /// Checks the password of a password account (erasure confirmation); throttled like logins.
    Result<void> ConfirmPassword(const Principal& who, const std::string& password, const RequestContext& ctx);

private:
    struct Throttled {
        bool blocked = false;
        std::int64_t retry_after = 0;
    };
    Result<User> Decrypt(const UserRow& row) const;
    std::string EmailAd(const std::string& id) const { return "users.email:" + id; }
    std::string NameAd(const std::string& id) const { return "users.display_name:" + id; }
    std::string SubjectAd(const std::string& provider, const std::string& user_id) const {
        return "oauth_identities.subject:" + provider + ":" + user_id;
    }
    Result<User> Create(const NewAccount& account, Role role, bool verified, const RequestContext& ctx,
                        const std::string& action);
    /// Tokens made inside a transaction; the access token is signed after it commits (SignAccess), because
    /// signing may need the key store's own transaction.
    struct Issued {
        TokenPair pair;
        std::string user_id;
        std::string session_id;
        std::string role;
    };
    Result<Issued> StartSession(storage::Session& s, const std::string& user_id, const std::string& kind,
                                const std::string& role);
    Result<Issued> IssueTokens(storage::Session& s, const std::string& session_id, const std::string& user_id,
                               const std::string& role, const TimePoint& session_expires);
    Result<TokenPair> SignAccess(Issued issued);
    Result<Throttled> CheckThrottle(storage::Session& s, const std::string& key);
    Result<void> RecordFailure(storage::Session& s, const std::string& key, std::int64_t free_failures);
    void MailToken(const User& user, const std::string& purpose, const std::string& token);
    Result<void> Audit(storage::Session& s, const std::string& actor, const std::string& action,
                       const std::string& target_id, const RequestContext& ctx, boost::json::object details = {});
    std::string Now() const { return FormatTime(d_.clock.Now()); }

    AuthDeps d_;
    AccountsRepository repo_;
};

/// Lower-cased, trimmed email; kInvalidArgument when it is not an address.
Result<std::string> NormaliseEmail(std::string_view email);

}  // namespace dihya::auth
