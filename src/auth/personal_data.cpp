#include "auth/personal_data.hpp"

#include <boost/json.hpp>

#include "auth/handlers.hpp"

namespace dihya::auth {

namespace json = boost::json;

Result<json::value> AccountData::Export(storage::Session& s, const std::string& user_id) {
    const auto& repo = service_.repository();
    auto user = service_.LoadUser(s, user_id);
    if (!user) return user.take_error();
    json::object out{{"profile", UserJson(*user)}};
    auto sessions = repo.ListSessions(s, user_id);
    if (!sessions) return sessions.take_error();
    json::array sa;
    for (const auto& x : *sessions) {
        json::object o{{"id", x.id},
                       {"kind", x.kind},
                       {"created_at", x.created_at},
                       {"last_used_at", x.last_used_at},
                       {"expires_at", x.expires_at}};
        if (x.revoked_at) o["revoked_at"] = *x.revoked_at;
        if (x.revoked_reason) o["revoked_reason"] = *x.revoked_reason;
        sa.push_back(std::move(o));
    }
    out["sessions"] = std::move(sa);
    auto keys = repo.ListApiKeys(s, user_id);
    if (!keys) return keys.take_error();
    json::array ka;
    for (const auto& k : *keys) {
        json::object o{
            {"id", k.id}, {"name", k.name}, {"prefix", k.prefix}, {"scopes", k.scopes}, {"created_at", k.created_at}};
        if (k.last_used_at) o["last_used_at"] = *k.last_used_at;
        if (k.expires_at) o["expires_at"] = *k.expires_at;
        if (k.revoked_at) o["revoked_at"] = *k.revoked_at;
        ka.push_back(std::move(o));
    }
    out["api_keys"] = std::move(ka);
    auto consents = repo.ListConsents(s, user_id);
    if (!consents) return consents.take_error();
    json::array ca;
    for (const auto& c : *consents) {
        boost::system::error_code ec;
        json::value accepted = json::parse(c.accepted, ec);
        ca.push_back(json::object{{"policy_version", c.policy_version},
                                  {"accepted", ec ? json::value(json::array{}) : accepted},
                                  {"at", c.created_at}});
    }
    out["consents"] = std::move(ca);
    auto identities = repo.ListIdentities(s, user_id);
    if (!identities) return identities.take_error();
    json::array ia;
    for (const auto& i : *identities) {
        auto subject =
            service_.cipher().Decrypt(i.subject_enc, "oauth_identities.subject:" + i.provider + ":" + user_id);
        json::object o{{"provider", i.provider},
                       {"subject", subject ? *subject : std::string("(unreadable)")},
                       {"linked_at", i.created_at}};
        if (i.last_login_at) o["last_login_at"] = *i.last_login_at;
        ia.push_back(std::move(o));
    }
    out["sign_in_providers"] = std::move(ia);
    return json::value(std::move(out));
}

Result<void> AccountData::Erase(storage::Session& s, const std::string& user_id) {
    auto deleted = service_.repository().DeleteUser(s, user_id);
    if (!deleted) return deleted.take_error();
    return Ok();
}

}  // namespace dihya::auth
