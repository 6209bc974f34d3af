#include "auth/repository.hpp"

#include <array>

#include "auth/embedded.hpp"
#include "storage/named_queries.hpp"
#include "storage/params.hpp"

namespace dihya::auth {

namespace {

using storage::Rows;
using storage::Value;

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q = [] {
        auto parsed =
            storage::NamedQueries::Parse(sql::EmbeddedFile("queries/accounts.sql"), "auth/queries/accounts.sql");
        return parsed;
    }();
    return q;
}

/// A statement with the user column list in place of {columns}.
std::string_view UserSql(std::string_view name) {
    static const auto expand = [](std::string_view n) {
        std::string s(Q()[n]);
        const std::string cols(Q()["user_columns"]);
        s.replace(s.find("{columns}"), 9, cols);
        return s;
    };
    static const std::array<std::pair<std::string_view, std::string>, 3> kExpanded{{
        {"find_user", expand("find_user")},
        {"find_user_by_email", expand("find_user_by_email")},
        {"list_users", expand("list_users")},
    }};
    for (const auto& [n, s] : kExpanded) {
        if (n == name) return s;
    }
    return Q()[name];
}

std::string Text(const Rows& r, std::size_t i, std::string_view col) {
    return r.GetText(i, col).value_or("");
}

UserRow ReadUser(const Rows& r, std::size_t i) {
    UserRow u;
    u.id = Text(r, i, "id");
    u.email_enc = Text(r, i, "email_enc");
    u.email_index = Text(r, i, "email_index");
    u.display_name_enc = r.GetText(i, "display_name_enc");
    u.locale = Text(r, i, "locale");
    u.avatar_url = r.GetText(i, "avatar_url");
    u.password_hash = r.GetText(i, "password_hash");
    u.role = Text(r, i, "role");
    u.email_verified_at = r.GetText(i, "email_verified_at");
    u.disabled_at = r.GetText(i, "disabled_at");
    u.created_at = Text(r, i, "created_at");
    u.updated_at = Text(r, i, "updated_at");
    u.last_login_at = r.GetText(i, "last_login_at");
    u.password_changed_at = r.GetText(i, "password_changed_at");
    return u;
}

Result<void> Void(Result<std::int64_t> r) {
    if (!r) return r.take_error();
    return Ok();
}

Result<bool> Changed(Result<std::int64_t> r) {
    if (!r) return r.take_error();
    return *r > 0;
}

std::string Pad(const std::vector<std::string>& v, std::size_t i) {
    if (v.empty()) return "";
    return v[std::min(i, v.size() - 1)];
}

std::int64_t Count(const Rows& r) {
    return r.empty() ? 0 : r.GetInt(0, "n").value_or(0);
}

}  // namespace

Result<void> AccountsRepository::InsertUser(S& s, const UserRow& u) const {
    return Void(storage::Execute(s, Q()["insert_user"], u.id, u.email_enc, u.email_index, u.display_name_enc, u.locale,
                                 u.avatar_url, u.password_hash, u.role, u.email_verified_at, u.created_at,
                                 u.password_changed_at));
}

Result<std::optional<UserRow>> AccountsRepository::FindUser(S& s, const std::string& id) const {
    auto r = storage::Query(s, UserSql("find_user"), id);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<UserRow>();
    return std::optional<UserRow>(ReadUser(*r, 0));
}

Result<std::optional<UserRow>> AccountsRepository::FindUserByEmail(S& s, const std::vector<std::string>& idx) const {
    auto r = storage::Query(s, UserSql("find_user_by_email"), Pad(idx, 0), Pad(idx, 1), Pad(idx, 2));
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<UserRow>();
    return std::optional<UserRow>(ReadUser(*r, 0));
}

Result<std::vector<UserRow>> AccountsRepository::ListUsers(S& s, const std::string& after_created_at,
                                                           const std::string& after_id, const UserFilter& filter,
                                                           std::int64_t limit) const {
    auto r = storage::Query(s, UserSql("list_users"), after_created_at, after_id, filter.role, filter.status, limit);
    if (!r) return r.take_error();
    std::vector<UserRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ReadUser(*r, i));
    return out;
}

Result<std::vector<std::string>> AccountsRepository::AllUserIds(S& s) const {
    auto r = s.Query(Q()["all_user_ids"]);
    if (!r) return r.take_error();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(Text(*r, i, "id"));
    return out;
}

Result<void> AccountsRepository::UpdateProfile(S& s, const std::string& id, const std::optional<std::string>& name,
                                               const std::string& locale, const std::optional<std::string>& avatar,
                                               const std::string& now) const {
    return Void(storage::Execute(s, Q()["update_profile"], id, name, locale, avatar, now));
}

Result<void> AccountsRepository::UpdateEmail(S& s, const std::string& id, const std::string& enc,
                                             const std::string& index, const std::string& now) const {
    return Void(storage::Execute(s, Q()["update_email"], id, enc, index, now));
}

Result<void> AccountsRepository::UpdatePassword(S& s, const std::string& id, const std::string& hash,
                                                const std::string& now) const {
    return Void(storage::Execute(s, Q()["update_password"], id, hash, now));
}

Result<bool> AccountsRepository::SetVerified(S& s, const std::string& id, const std::string& now) const {
    return Changed(storage::Execute(s, Q()["set_verified"], id, now));
}

Result<void> AccountsRepository::SetRole(S& s, const std::string& id, const std::string& role,
                                         const std::string& now) const {
    return Void(storage::Execute(s, Q()["set_role"], id, role, now));
}

Result<void> AccountsRepository::SetDisabled(S& s, const std::string& id, const std::optional<std::string>& at,
                                             const std::string& now) const {
    return Void(storage::Execute(s, Q()["set_disabled"], id, at, now));
}

Result<void> AccountsRepository::TouchLogin(S& s, const std::string& id, const std::string& now) const {
    return Void(storage::Execute(s, Q()["touch_login"], id, now));
}

Result<bool> AccountsRepository::DeleteUser(S& s, const std::string& id) const {
    return Changed(storage::Execute(s, Q()["delete_user"], id));
}

Result<std::int64_t> AccountsRepository::CountActiveAdmins(S& s) const {
    auto r = s.Query(Q()["count_active_admins"]);
    if (!r) return r.take_error();
    return Count(*r);
}

Result<std::int64_t> AccountsRepository::CountUsers(S& s) const {
    auto r = s.Query(Q()["count_users"]);
    if (!r) return r.take_error();
    return Count(*r);
}

Result<std::vector<std::string>> AccountsRepository::StaleUnverifiedUsers(S& s, const std::string& before) const {
    auto r = storage::Query(s, Q()["stale_unverified_users"], before);
    if (!r) return r.take_error();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(Text(*r, i, "id"));
    return out;
}

Result<void> AccountsRepository::InsertSession(S& s, const std::string& id, const std::string& user_id,
                                               const std::string& kind, const std::string& now,
                                               const std::string& expires_at) const {
    return Void(storage::Execute(s, Q()["insert_session"], id, user_id, kind, now, expires_at));
}

Result<std::optional<SessionRow>> AccountsRepository::FindSession(S& s, const std::string& id) const {
    auto r = storage::Query(s, Q()["find_session"], id);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<SessionRow>();
    SessionRow row{Text(*r, 0, "id"),         Text(*r, 0, "user_id"),      Text(*r, 0, "kind"),
                   Text(*r, 0, "created_at"), Text(*r, 0, "expires_at"),   r->GetText(0, "revoked_at"),
                   Text(*r, 0, "role"),       r->GetText(0, "disabled_at")};
    return std::optional<SessionRow>(std::move(row));
}

Result<void> AccountsRepository::TouchSession(S& s, const std::string& id, const std::string& now) const {
    return Void(storage::Execute(s, Q()["touch_session"], id, now));
}

Result<bool> AccountsRepository::RevokeSession(S& s, const std::string& id, const std::string& now,
                                               const std::string& reason) const {
    return Changed(storage::Execute(s, Q()["revoke_session"], id, now, reason));
}

Result<std::int64_t> AccountsRepository::RevokeUserSessions(S& s, const std::string& user_id,
                                                            const std::string& except_id, const std::string& now,
                                                            const std::string& reason) const {
    return storage::Execute(s, Q()["revoke_user_sessions"], user_id, now, reason, except_id);
}

Result<std::vector<SessionInfo>> AccountsRepository::ListSessions(S& s, const std::string& user_id) const {
    auto r = storage::Query(s, Q()["list_sessions"], user_id);
    if (!r) return r.take_error();
    std::vector<SessionInfo> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.push_back({Text(*r, i, "id"), Text(*r, i, "kind"), Text(*r, i, "created_at"), Text(*r, i, "last_used_at"),
                       Text(*r, i, "expires_at"), r->GetText(i, "revoked_at"), r->GetText(i, "revoked_reason")});
    }
    return out;
}

Result<std::int64_t> AccountsRepository::PurgeSessions(S& s, const std::string& before) const {
    return storage::Execute(s, Q()["purge_sessions"], before);
}

Result<void> AccountsRepository::InsertRefresh(S& s, const std::string& hash, const std::string& session_id,
                                               const std::string& now) const {
    return Void(storage::Execute(s, Q()["insert_refresh"], hash, session_id, now));
}

Result<std::optional<RefreshRow>> AccountsRepository::FindRefresh(S& s, const std::string& hash) const {
    auto r = storage::Query(s, Q()["find_refresh"], hash);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<RefreshRow>();
    RefreshRow row{Text(*r, 0, "token_hash"), Text(*r, 0, "session_id"), r->GetText(0, "used_at"),
                   Text(*r, 0, "user_id"),    Text(*r, 0, "expires_at"), r->GetText(0, "revoked_at")};
    return std::optional<RefreshRow>(std::move(row));
}

Result<bool> AccountsRepository::SpendRefresh(S& s, const std::string& hash, const std::string& now) const {
    return Changed(storage::Execute(s, Q()["spend_refresh"], hash, now));
}

Result<void> AccountsRepository::InsertApiKey(S& s, const ApiKeyRow& k, const std::string& key_hash) const {
    return Void(storage::Execute(s, Q()["insert_api_key"], k.id, k.user_id, k.name, k.prefix, key_hash, k.scopes,
                                 k.created_at, k.expires_at));
}

namespace {

ApiKeyRow ReadApiKey(const Rows& r, std::size_t i) {
    ApiKeyRow k;
    k.id = Text(r, i, "id");
    k.user_id = Text(r, i, "user_id");
    k.name = Text(r, i, "name");
    k.prefix = Text(r, i, "prefix");
    k.scopes = Text(r, i, "scopes");
    k.created_at = Text(r, i, "created_at");
    k.last_used_at = r.GetText(i, "last_used_at");
    k.expires_at = r.GetText(i, "expires_at");
    k.revoked_at = r.GetText(i, "revoked_at");
    if (r.column("role") >= 0) k.role = Text(r, i, "role");
    if (r.column("disabled_at") >= 0) k.user_disabled_at = r.GetText(i, "disabled_at");
    return k;
}

}  // namespace

Result<std::optional<ApiKeyRow>> AccountsRepository::FindApiKey(S& s, const std::string& key_hash) const {
    auto r = storage::Query(s, Q()["find_api_key"], key_hash);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<ApiKeyRow>();
    return std::optional<ApiKeyRow>(ReadApiKey(*r, 0));
}

Result<std::vector<ApiKeyRow>> AccountsRepository::ListApiKeys(S& s, const std::string& user_id) const {
    auto r = storage::Query(s, Q()["list_api_keys"], user_id);
    if (!r) return r.take_error();
    std::vector<ApiKeyRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(ReadApiKey(*r, i));
    return out;
}

Result<bool> AccountsRepository::RevokeApiKey(S& s, const std::string& id, const std::string& user_id,
                                              const std::string& now) const {
    return Changed(storage::Execute(s, Q()["revoke_api_key"], id, user_id, now));
}

Result<void> AccountsRepository::TouchApiKey(S& s, const std::string& id, const std::string& now) const {
    return Void(storage::Execute(s, Q()["touch_api_key"], id, now));
}

Result<void> AccountsRepository::InsertUserToken(S& s, const std::string& hash, const std::string& user_id,
                                                 const std::string& purpose, const std::string& now,
                                                 const std::string& expires_at) const {
    return Void(storage::Execute(s, Q()["insert_user_token"], hash, user_id, purpose, now, expires_at));
}

Result<std::optional<std::string>> AccountsRepository::SpendUserToken(S& s, const std::string& hash,
                                                                      const std::string& purpose,
                                                                      const std::string& now) const {
    auto spent = storage::Execute(s, Q()["spend_user_token"], hash, purpose, now);
    if (!spent) return spent.take_error();
    if (*spent == 0) return std::optional<std::string>();
    auto r = storage::Query(s, Q()["find_user_token"], hash, purpose);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<std::string>();
    return std::optional<std::string>(Text(*r, 0, "user_id"));
}

Result<void> AccountsRepository::DropUserTokens(S& s, const std::string& user_id, const std::string& purpose) const {
    return Void(storage::Execute(s, Q()["drop_user_tokens"], user_id, purpose));
}

Result<std::int64_t> AccountsRepository::PurgeUserTokens(S& s, const std::string& now) const {
    return storage::Execute(s, Q()["purge_user_tokens"], now);
}

Result<std::optional<ThrottleRow>> AccountsRepository::GetThrottle(S& s, const std::string& key) const {
    auto r = storage::Query(s, Q()["get_throttle"], key);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<ThrottleRow>();
    return std::optional<ThrottleRow>(ThrottleRow{r->GetInt(0, "failures").value_or(0), Text(*r, 0, "last_failure_at"),
                                                  r->GetText(0, "blocked_until")});
}

Result<void> AccountsRepository::PutThrottle(S& s, const std::string& key, const ThrottleRow& row) const {
    return Void(storage::Execute(s, Q()["put_throttle"], key, row.failures, row.last_failure_at, row.blocked_until));
}

Result<void> AccountsRepository::ClearThrottle(S& s, const std::string& key) const {
    return Void(storage::Execute(s, Q()["clear_throttle"], key));
}

Result<void> AccountsRepository::ClearThrottlePrefix(S& s, const std::string& prefix) const {
    std::string pattern;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '!') pattern += '!';
        pattern += c;
    }
    return Void(storage::Execute(s, Q()["clear_throttle_prefix"], pattern + "%"));
}

Result<std::int64_t> AccountsRepository::PurgeThrottle(S& s, const std::string& before) const {
    return storage::Execute(s, Q()["purge_throttle"], before);
}

Result<std::vector<SigningKeyRow>> AccountsRepository::ListSigningKeys(S& s, const std::string& now) const {
    auto r = storage::Query(s, Q()["list_signing_keys"], now);
    if (!r) return r.take_error();
    std::vector<SigningKeyRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.push_back({Text(*r, i, "kid"), Text(*r, i, "alg"), Text(*r, i, "private_key_enc"),
                       Text(*r, i, "public_key_pem"), Text(*r, i, "created_at"), Text(*r, i, "retire_at"),
                       Text(*r, i, "expires_at")});
    }
    return out;
}

Result<void> AccountsRepository::InsertSigningKey(S& s, const SigningKeyRow& k) const {
    return Void(storage::Execute(s, Q()["insert_signing_key"], k.kid, k.alg, k.private_key_enc, k.public_key_pem,
                                 k.created_at, k.retire_at, k.expires_at));
}

Result<std::vector<std::pair<std::string, std::string>>> AccountsRepository::AllSigningKeys(S& s) const {
    auto r = s.Query(Q()["all_signing_keys"]);
    if (!r) return r.take_error();
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.emplace_back(Text(*r, i, "kid"), Text(*r, i, "private_key_enc"));
    return out;
}

Result<void> AccountsRepository::UpdateSigningKey(S& s, const std::string& kid, const std::string& enc) const {
    return Void(storage::Execute(s, Q()["update_signing_key"], kid, enc));
}

Result<std::int64_t> AccountsRepository::PurgeSigningKeys(S& s, const std::string& now) const {
    return storage::Execute(s, Q()["purge_signing_keys"], now);
}

Result<void> AccountsRepository::InsertConsent(S& s, const std::string& id, const std::string& user_id,
                                               const ConsentRow& c) const {
    return Void(storage::Execute(s, Q()["insert_consent"], id, user_id, c.policy_version, c.accepted, c.created_at));
}

Result<std::vector<ConsentRow>> AccountsRepository::ListConsents(S& s, const std::string& user_id) const {
    auto r = storage::Query(s, Q()["list_consents"], user_id);
    if (!r) return r.take_error();
    std::vector<ConsentRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.push_back(
            {Text(*r, i, "id"), Text(*r, i, "policy_version"), Text(*r, i, "accepted"), Text(*r, i, "created_at")});
    }
    return out;
}

Result<void> AccountsRepository::InsertIdentity(S& s, const std::string& provider, const std::string& subject_index,
                                                const std::string& subject_enc, const std::string& user_id,
                                                const std::string& now) const {
    return Void(storage::Execute(s, Q()["insert_identity"], provider, subject_index, subject_enc, user_id, now));
}

Result<std::optional<std::pair<std::string, std::string>>> AccountsRepository::FindIdentity(
    S& s, const std::string& provider, const std::vector<std::string>& idx) const {
    auto r = storage::Query(s, Q()["find_identity"], provider, Pad(idx, 0), Pad(idx, 1), Pad(idx, 2));
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<std::pair<std::string, std::string>>();
    return std::optional<std::pair<std::string, std::string>>(
        std::pair{Text(*r, 0, "user_id"), Text(*r, 0, "subject_index")});
}

Result<std::vector<IdentityRow>> AccountsRepository::ListIdentities(S& s, const std::string& user_id) const {
    auto r = storage::Query(s, Q()["list_identities"], user_id);
    if (!r) return r.take_error();
    std::vector<IdentityRow> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.push_back({Text(*r, i, "provider"), Text(*r, i, "subject_index"), Text(*r, i, "subject_enc"),
                       Text(*r, i, "created_at"), r->GetText(i, "last_login_at")});
    }
    return out;
}

Result<void> AccountsRepository::TouchIdentity(S& s, const std::string& provider, const std::string& subject_index,
                                               const std::string& now) const {
    return Void(storage::Execute(s, Q()["touch_identity"], provider, subject_index, now));
}

Result<void> AccountsRepository::UpdateIdentity(S& s, const std::string& provider, const std::string& old_index,
                                                const std::string& new_index, const std::string& enc) const {
    return Void(storage::Execute(s, Q()["update_identity"], provider, old_index, new_index, enc));
}

Result<void> AccountsRepository::InsertOAuthState(S& s, const std::string& state_hash, const OAuthStateRow& row,
                                                  const std::string& now) const {
    return Void(storage::Execute(s, Q()["insert_oauth_state"], state_hash, row.provider, row.code_verifier_enc,
                                 row.nonce, row.return_to, row.link_user_id, now, row.expires_at, row.browser_hash));
}

Result<std::optional<OAuthStateRow>> AccountsRepository::TakeOAuthState(S& s, const std::string& state_hash) const {
    auto r = storage::Query(s, Q()["take_oauth_state"], state_hash);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<OAuthStateRow>();
    return std::optional<OAuthStateRow>(OAuthStateRow{
        Text(*r, 0, "provider"), Text(*r, 0, "code_verifier_enc"), Text(*r, 0, "nonce"), r->GetText(0, "return_to"),
        r->GetText(0, "link_user_id"), Text(*r, 0, "expires_at"), r->GetText(0, "browser_hash")});
}

Result<std::int64_t> AccountsRepository::PurgeOAuthStates(S& s, const std::string& now) const {
    return storage::Execute(s, Q()["purge_oauth_states"], now);
}

}  // namespace dihya::auth
