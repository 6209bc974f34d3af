#include "auth/oauth.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "auth/jwt.hpp"
#include "auth/permissions.hpp"

namespace dihya::auth {

using net::CheckOutgoingUrl;
using net::FormBody;
using net::FormEncode;
using net::HttpCall;
using net::JsonOf;

namespace json = boost::json;

namespace {

constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";

bool IsGithub(const OAuthProviderConfig& p) {
    return p.kind == "github";
}

Error Refused(const OAuthProviderConfig& p, const std::string& why) {
    return MakeError(ErrorCode::kUnauthenticated, p.name + ": " + why);
}

/// A provider's error code when it is a plain token (access_denied, invalid_grant, ...); "" for anything else, so
/// that no text chosen by the provider or an attacker reaches a response or a log.
std::string SafeCode(std::string_view code) {
    if (code.empty() || code.size() > 64) return "";
    const bool plain = std::all_of(code.begin(), code.end(), [](unsigned char ch) {
        return std::isalnum(ch) != 0 || ch == '_' || ch == '-' || ch == '.';
    });
    return plain ? std::string(code) : "";
}

std::string Str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> OptStr(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string() || v->as_string().empty()) return std::nullopt;
    return std::string(v->as_string());
}

/// email_verified as a boolean, or as the string "true" (some providers send that).
bool Verified(const json::object& o) {
    const auto* v = o.if_contains("email_verified");
    if (v == nullptr) return false;
    if (v->is_bool()) return v->as_bool();
    return v->is_string() && v->as_string() == "true";
}

std::int64_t Seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string StandardBase64(std::string_view bytes) {
    std::string b64 = crypto::Base64UrlEncode(bytes);
    for (char& ch : b64) {
        if (ch == '-') ch = '+';
        if (ch == '_') ch = '/';
    }
    while (b64.size() % 4 != 0) b64.push_back('=');
    return b64;
}

bool AcceptedAlg(const json::object& header) {
    const auto* alg = header.if_contains("alg");
    return alg != nullptr && alg->is_string() && (alg->as_string() == "RS256" || alg->as_string() == "ES256");
}

/// The algorithm a key verifies: RS256 for RSA, ES256 for EC P-256; "" for anything else.
std::string AlgOfKey(const json::object& jwk) {
    const std::string kty = Str(jwk, "kty");
    if (kty == "RSA") return "RS256";
    if (kty == "EC" && Str(jwk, "crv") == "P-256") return "ES256";
    return "";
}

std::string TrimSlash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

}  // namespace

std::string PkceChallenge(std::string_view verifier) {
    return crypto::Base64UrlEncode(crypto::Sha256(verifier));
}

Result<void> CheckReturnTo(std::string_view rt, const std::vector<std::string>& allowed_origins) {
    auto bad = [](const std::string& why) {
        return MakeError(ErrorCode::kInvalidArgument, "return_to " + why, {{"return_to", why}});
    };
    if (rt.empty() || rt.size() > 2048) return bad("must be 1 to 2048 characters");
    const bool clean = std::all_of(rt.begin(), rt.end(),
                                   [](unsigned char ch) { return ch > 0x20 && ch < 0x7f && ch != '\\' && ch != '#'; });
    if (!clean) return bad("must not contain spaces, control characters, backslashes or a fragment");
    if (rt.front() == '/') {
        if (rt.size() > 1 && rt[1] == '/') return bad("must be a path on this site (not //host)");
        return Ok();
    }
    auto u = boost::urls::parse_absolute_uri(rt);
    if (!u || (u->scheme() != "https" && u->scheme() != "http") || u->has_userinfo() || u->host().empty()) {
        return bad("must be a path starting with / or an URL of an origin in cors.allowed_origins");
    }
    std::string origin = std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port());
    for (const auto& allowed : allowed_origins) {
        if (allowed != "*" && TrimSlash(allowed) == origin) return Ok();
    }
    return bad("names an origin that is not in cors.allowed_origins");
}

std::string AppendQuery(std::string_view url, const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out(url);
    const std::string query = FormBody(params);
    if (query.empty()) return out;
    if (out.find('?') == std::string::npos) {
        out.push_back('?');
    } else if (out.back() != '?' && out.back() != '&') {
        out.push_back('&');
    }
    return out + query;
}

Result<JwkSet> ParseJwks(const json::value& document) {
    JwkSet out;
    if (document.is_object()) {
        if (const auto* keys = document.as_object().if_contains("keys"); keys != nullptr && keys->is_array()) {
            for (const auto& k : keys->as_array()) {
                if (k.is_object() && k.as_object().if_contains("kty") != nullptr) out.push_back(k.as_object());
            }
        }
    }
    if (out.empty()) return MakeError(ErrorCode::kUnavailable, "the JWKS document has no keys");
    return out;
}

const json::object* SelectJwk(const JwkSet& keys, const json::object& header) {
    if (!AcceptedAlg(header)) return nullptr;
    const std::string alg = Str(header, "alg");
    const auto* kid = header.if_contains("kid");
    auto suitable = [&](const json::object& k) {
        if (AlgOfKey(k) != alg) return false;
        if (const auto* use = k.if_contains("use"); use != nullptr && !(use->is_string() && use->as_string() == "sig"))
            return false;
        if (const auto* a = k.if_contains("alg"); a != nullptr && !(a->is_string() && a->as_string() == alg))
            return false;
        return true;
    };
    if (kid != nullptr) {
        if (!kid->is_string()) return nullptr;
        for (const auto& k : keys) {
            if (Str(k, "kid") == kid->as_string() && suitable(k)) return &k;
        }
        return nullptr;
    }
    const json::object* only = nullptr;
    for (const auto& k : keys) {
        if (!suitable(k)) continue;
        if (only != nullptr) return nullptr;  // several candidates and no kid to choose
        only = &k;
    }
    return only;
}

Result<json::object> VerifyIdToken(std::string_view token, const JwkSet& keys, const IdTokenChecks& checks) {
    auto rejected = [](const std::string& why) {
        return MakeError(ErrorCode::kUnauthenticated, "the ID token was rejected: " + why);
    };
    auto header = PeekJwtHeader(token);
    if (!header) return rejected("it is not a signed JWT");
    if (!AcceptedAlg(*header)) return rejected("its algorithm must be RS256 or ES256");
    const json::object* jwk = SelectJwk(keys, *header);
    if (jwk == nullptr) return rejected("no key of the provider matches its kid");
    auto pem = JwkToPem(*jwk);
    if (!pem) return rejected("the provider's key is unusable");
    // The algorithm comes from the key (VerifyJwt also requires the header to say the same).
    auto claims = VerifyJwt(token, AlgOfKey(*jwk), *pem);
    if (!claims) return rejected("bad signature");
    std::string issuer = checks.issuer;
    if (!checks.alternate_issuer.empty() && Str(*claims, "iss") == checks.alternate_issuer) {
        issuer = checks.alternate_issuer;
    }
    if (auto c = CheckClaims(*claims, {issuer, checks.client_id, checks.now, checks.leeway}); !c) {
        std::string why = c.error().message;
        if (why.rfind("invalid token: ", 0) == 0) why = why.substr(15);
        return rejected(why);
    }
    if (claims->if_contains("iat") == nullptr || !claims->at("iat").is_number()) return rejected("no iat");
    if (const auto* azp = claims->if_contains("azp");
        azp != nullptr && !(azp->is_string() && azp->as_string() == checks.client_id)) {
        return rejected("wrong authorized party (azp)");
    }
    if (const auto* aud = claims->if_contains("aud");
        aud != nullptr && aud->is_array() && aud->as_array().size() > 1 && claims->if_contains("azp") == nullptr) {
        return rejected("several audiences and no azp");
    }
    if (Str(*claims, "sub").empty()) return rejected("no subject (sub)");
    const std::string nonce = Str(*claims, "nonce");
    if (checks.nonce.empty() || !crypto::ConstantTimeEquals(nonce, checks.nonce)) return rejected("wrong nonce");
    return claims;
}

OAuthService::OAuthService(OAuthDeps deps) : d_(std::move(deps)) {
    d_.public_url = TrimSlash(d_.public_url);
}

Result<void> OAuthService::CheckProviders() const {
    for (const auto& p : d_.providers) {
        for (const auto& [field, value] : {std::pair<std::string, const std::string*>{"issuer", &p.issuer},
                                           {"authorization_endpoint", &p.authorization_endpoint},
                                           {"token_endpoint", &p.token_endpoint},
                                           {"userinfo_endpoint", &p.userinfo_endpoint},
                                           {"api_url", &p.api_url}}) {
            if (value->empty()) continue;
            const std::string key = "oauth." + p.name + "." + field;
            if (auto ok = CheckOutgoingUrl(*value, key); !ok) {
                return MakeError(ErrorCode::kInvalidArgument, ok.error().message, {{key, ok.error().message}});
            }
        }
    }
    return Ok();
}

const OAuthProviderConfig* OAuthService::Find(std::string_view name) const {
    for (const auto& p : d_.providers) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

std::string OAuthService::StartPath(std::string_view provider) {
    return "/api/v1/auth/oauth/" + std::string(provider) + "/start";
}

std::string OAuthService::RedirectUri(std::string_view provider) const {
    return d_.public_url + "/api/v1/auth/oauth/" + std::string(provider) + "/callback";
}

bool OAuthService::Fresh(TimePoint fetched_at) const {
    return d_.clock.Now() - fetched_at < std::chrono::seconds(d_.cache_ttl_seconds);
}

Result<OAuthService::Discovery> OAuthService::Discover(const OAuthProviderConfig& p) {
    {
        std::lock_guard lock(mu_);
        if (auto it = discovery_.find(p.name); it != discovery_.end() && Fresh(it->second.fetched_at)) {
            return it->second;
        }
    }
    const std::string what = p.name + " discovery document";
    auto reply = d_.http.Send(
        {"GET", TrimSlash(p.issuer) + std::string(kDiscoveryPath), {"Accept: application/json"}, "", what});
    if (!reply) return reply.take_error();
    auto doc = JsonOf(*reply, what);
    if (!doc) return doc.take_error();
    if (!doc->is_object()) return MakeError(ErrorCode::kUnavailable, what + " is not a JSON object");
    const json::object& o = doc->as_object();
    Discovery disc;
    disc.issuer = Str(o, "issuer");
    if (disc.issuer != p.issuer) {
        return MakeError(ErrorCode::kUnavailable,
                         what + ": its issuer differs from oauth." + p.name + ".issuer (they must be identical)");
    }
    disc.authorization_endpoint =
        p.authorization_endpoint.empty() ? Str(o, "authorization_endpoint") : p.authorization_endpoint;
    disc.token_endpoint = p.token_endpoint.empty() ? Str(o, "token_endpoint") : p.token_endpoint;
    disc.userinfo_endpoint = p.userinfo_endpoint.empty() ? Str(o, "userinfo_endpoint") : p.userinfo_endpoint;
    disc.jwks_uri = Str(o, "jwks_uri");
    for (const auto& [field, value] :
         {std::pair<std::string, const std::string*>{"authorization_endpoint", &disc.authorization_endpoint},
          {"token_endpoint", &disc.token_endpoint},
          {"jwks_uri", &disc.jwks_uri}}) {
        if (value->empty()) return MakeError(ErrorCode::kUnavailable, what + " has no " + field);
        if (auto ok = CheckOutgoingUrl(*value, what + ": " + field); !ok) {
            return MakeError(ErrorCode::kUnavailable, ok.error().message);
        }
    }
    if (!disc.userinfo_endpoint.empty()) {
        if (auto ok = CheckOutgoingUrl(disc.userinfo_endpoint, what + ": userinfo_endpoint"); !ok) {
            return MakeError(ErrorCode::kUnavailable, ok.error().message);
        }
    }
    // client_secret_basic is the default (RFC 8414); client_secret_post when only that is offered.
    if (const auto* m = o.if_contains("token_endpoint_auth_methods_supported"); m != nullptr && m->is_array()) {
        bool basic = false;
        bool post = false;
        for (const auto& x : m->as_array()) {
            basic = basic || (x.is_string() && x.as_string() == "client_secret_basic");
            post = post || (x.is_string() && x.as_string() == "client_secret_post");
        }
        disc.basic_auth = basic || !post;
    }
    disc.fetched_at = d_.clock.Now();
    std::lock_guard lock(mu_);
    discovery_[p.name] = disc;
    return disc;
}

Result<JwkSet> OAuthService::Jwks(const OAuthProviderConfig& p, const Discovery& disc, bool refresh) {
    if (!refresh) {
        std::lock_guard lock(mu_);
        if (auto it = jwks_.find(p.name); it != jwks_.end() && Fresh(it->second.fetched_at)) return it->second.keys;
    }
    const std::string what = p.name + " JWKS";
    auto reply = d_.http.Send({"GET", disc.jwks_uri, {"Accept: application/json"}, "", what});
    if (!reply) return reply.take_error();
    auto doc = JsonOf(*reply, what);
    if (!doc) return doc.take_error();
    auto keys = ParseJwks(*doc);
    if (!keys) return MakeError(ErrorCode::kUnavailable, what + ": " + keys.error().message);
    std::lock_guard lock(mu_);
    jwks_[p.name] = Keys{*keys, d_.clock.Now()};
    return std::move(*keys);
}

Result<std::string> OAuthService::Start(std::string_view name, const std::optional<std::string>& return_to,
                                        const std::optional<Principal>& link, const RequestContext& ctx,
                                        const std::string& browser) {
    (void)ctx;
    const OAuthProviderConfig* p = Find(name);
    if (p == nullptr) return MakeError(ErrorCode::kNotFound, "no OAuth provider named " + std::string(name));
    if (return_to) {
        if (auto ok = CheckReturnTo(*return_to, d_.allowed_origins); !ok) return ok.take_error();
    }
    if (link) {
        if (!link->authenticated()) {
            return MakeError(ErrorCode::kUnauthenticated, "sign in first to link a provider to your account");
        }
        if (auto a = Authorize(*link, Action::kAccountWrite); !a) return a.take_error();
    }
    std::string endpoint = p->authorization_endpoint;
    if (!IsGithub(*p)) {
        auto disc = Discover(*p);
        if (!disc) return disc.take_error();
        endpoint = disc->authorization_endpoint;
    }
    if (auto ok = CheckOutgoingUrl(endpoint, p->name + " authorization endpoint"); !ok) {
        return MakeError(ErrorCode::kUnavailable, ok.error().message);
    }

    const std::string state = crypto::RandomToken(32);
    const std::string verifier = crypto::RandomToken(48);  // 64 characters of [A-Za-z0-9_-] (RFC 7636: 43 to 128)
    const std::string nonce = crypto::RandomToken(24);
    const std::string state_hash = crypto::Sha256Hex(state);
    OAuthStateRow row;
    row.provider = p->name;
    row.code_verifier_enc = d_.cipher.Encrypt(verifier, VerifierAd(state_hash));
    row.nonce = nonce;
    row.return_to = return_to;
    if (link) row.link_user_id = link->user_id;
    if (!browser.empty()) row.browser_hash = crypto::Sha256Hex(browser);
    row.expires_at = FormatTime(d_.clock.Now() + std::chrono::seconds(d_.state_ttl_seconds));
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        return repo_.InsertOAuthState(s, state_hash, row, FormatTime(d_.clock.Now()));
    });
    if (!w) return w.take_error();

    std::vector<std::string> scopes = p->scopes;
    if (!IsGithub(*p) && std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) {
        scopes.insert(scopes.begin(), "openid");
    }
    std::string scope;
    for (const auto& s : scopes) scope += (scope.empty() ? "" : " ") + s;
    std::vector<std::pair<std::string, std::string>> params = {{"response_type", "code"},
                                                               {"client_id", p->client_id},
                                                               {"redirect_uri", RedirectUri(p->name)},
                                                               {"scope", scope},
                                                               {"state", state},
                                                               {"code_challenge", PkceChallenge(verifier)},
                                                               {"code_challenge_method", "S256"}};
    if (!IsGithub(*p)) params.emplace_back("nonce", nonce);
    return AppendQuery(endpoint, params);
}

Result<std::optional<OAuthStateRow>> OAuthService::TakeState(const std::string& state_hash) {
    std::optional<OAuthStateRow> out;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto row = repo_.TakeOAuthState(s, state_hash);
        if (!row) return row.take_error();
        out = std::move(*row);
        return Ok();
    });
    if (!w) return w.take_error();
    return out;
}

Result<json::object> OAuthService::ExchangeCode(const OAuthProviderConfig& p, const std::string& token_endpoint,
                                                bool basic_auth, const std::string& code, const std::string& verifier) {
    const std::string what = p.name + " token endpoint";
    std::vector<std::pair<std::string, std::string>> form = {{"grant_type", "authorization_code"},
                                                             {"code", code},
                                                             {"redirect_uri", RedirectUri(p.name)},
                                                             {"code_verifier", verifier}};
    HttpCall call{"POST",
                  token_endpoint,
                  {"Accept: application/json", "Content-Type: application/x-www-form-urlencoded"},
                  "",
                  what};
    if (basic_auth) {
        // RFC 6749 2.3.1: the id and secret are form-encoded before the Basic encoding.
        call.headers.push_back("Authorization: Basic " +
                               StandardBase64(FormEncode(p.client_id) + ":" + FormEncode(p.client_secret)));
    } else {
        form.emplace_back("client_id", p.client_id);
        form.emplace_back("client_secret", p.client_secret);
    }
    call.body = FormBody(form);
    auto reply = d_.http.Send(call);
    if (!reply) return reply.take_error();
    if (reply->status >= 500) {
        return MakeError(ErrorCode::kUnavailable, what + " answered HTTP " + std::to_string(reply->status));
    }
    boost::system::error_code ec;
    json::value v = json::parse(reply->body, ec);
    if (ec || !v.is_object()) {
        if (reply->status >= 400)
            return Refused(p,
                           "the provider refused the authorization code (HTTP " + std::to_string(reply->status) + ")");
        return MakeError(ErrorCode::kUnavailable, what + " did not answer a JSON object");
    }
    json::object& o = v.as_object();
    // GitHub reports errors with status 200 and an `error` member.
    if (reply->status >= 400 || o.if_contains("error") != nullptr) {
        const std::string code_text = SafeCode(Str(o, "error"));
        return Refused(p, "the provider refused the authorization code" +
                              (code_text.empty() ? std::string() : " (" + code_text + ")"));
    }
    if (Str(o, "access_token").empty()) return Refused(p, "the provider's token response has no access_token");
    return std::move(o);
}

Result<ExternalIdentity> OAuthService::OidcIdentity(const OAuthProviderConfig& p, const std::string& code,
                                                    const std::string& verifier, const std::string& nonce) {
    auto disc = Discover(p);
    if (!disc) return disc.take_error();
    auto tokens = ExchangeCode(p, disc->token_endpoint, disc->basic_auth, code, verifier);
    if (!tokens) return tokens.take_error();
    const std::string id_token = Str(*tokens, "id_token");
    if (id_token.empty()) return Refused(p, "the provider sent no ID token");
    auto header = PeekJwtHeader(id_token);
    if (!header) return Refused(p, "the ID token was rejected: it is not a signed JWT");
    auto keys = Jwks(p, *disc, false);
    if (!keys) return keys.take_error();
    if (AcceptedAlg(*header) && SelectJwk(*keys, *header) == nullptr) {
        keys = Jwks(p, *disc, true);  // the provider may have rotated its keys: look once more
        if (!keys) return keys.take_error();
    }
    // Google's ID tokens may name the issuer without the scheme.
    const std::string alternate = p.kind == "google" ? "accounts.google.com" : "";
    auto claims =
        VerifyIdToken(id_token, *keys, {disc->issuer, p.client_id, nonce, Seconds(d_.clock.Now()), 60, alternate});
    if (!claims) return Refused(p, claims.error().message);

    ExternalIdentity id;
    id.provider = p.name;
    id.subject = Str(*claims, "sub");
    id.email = Str(*claims, "email");
    id.email_verified = Verified(*claims);
    id.display_name = OptStr(*claims, "name");
    id.avatar_url = OptStr(*claims, "picture");
    id.locale = OptStr(*claims, "locale");
    // The userinfo endpoint when the ID token does not say the email, or not whether it is verified.
    if ((id.email.empty() || claims->if_contains("email_verified") == nullptr) && !disc->userinfo_endpoint.empty()) {
        const std::string what = p.name + " userinfo endpoint";
        auto reply =
            d_.http.Send({"GET",
                          disc->userinfo_endpoint,
                          {"Accept: application/json", "Authorization: Bearer " + Str(*tokens, "access_token")},
                          "",
                          what});
        if (!reply) return reply.take_error();
        auto info = JsonOf(*reply, what);
        if (!info) return info.take_error();
        if (!info->is_object()) return MakeError(ErrorCode::kUnavailable, what + " did not answer a JSON object");
        const json::object& u = info->as_object();
        // OpenID Connect Core 5.3.2: the userinfo subject must be the ID token's.
        if (Str(u, "sub") != id.subject) return Refused(p, "the userinfo subject differs from the ID token's");
        if (!Str(u, "email").empty()) {
            id.email = Str(u, "email");
            id.email_verified = Verified(u);
        }
        if (!id.display_name) id.display_name = OptStr(u, "name");
        if (!id.avatar_url) id.avatar_url = OptStr(u, "picture");
        if (!id.locale) id.locale = OptStr(u, "locale");
    }
    if (id.email.empty()) return Refused(p, "the provider gave no email address (ask for the email scope)");
    return id;
}

Result<ExternalIdentity> OAuthService::GithubIdentity(const OAuthProviderConfig& p, const std::string& code,
                                                      const std::string& verifier) {
    // GitHub takes the client credentials in the form.
    auto tokens = ExchangeCode(p, p.token_endpoint, false, code, verifier);
    if (!tokens) return tokens.take_error();
    const std::vector<std::string> headers = {"Accept: application/vnd.github+json", "X-GitHub-Api-Version: 2022-11-28",
                                              "Authorization: Bearer " + Str(*tokens, "access_token")};
    const std::string api = TrimSlash(p.api_url);
    auto user_reply = d_.http.Send({"GET", api + "/user", headers, "", p.name + " user API"});
    if (!user_reply) return user_reply.take_error();
    if (user_reply->status == 401 || user_reply->status == 403) {
        return Refused(p,
                       "the provider refused its own access token (HTTP " + std::to_string(user_reply->status) + ")");
    }
    auto user = JsonOf(*user_reply, p.name + " user API");
    if (!user) return user.take_error();
    if (!user->is_object()) return MakeError(ErrorCode::kUnavailable, p.name + " user API did not answer an object");
    const json::object& u = user->as_object();
    const auto* gid = u.if_contains("id");
    if (gid == nullptr || !(gid->is_int64() || gid->is_uint64()))
        return Refused(p, "the GitHub user has no numeric id");
    ExternalIdentity id;
    id.provider = p.name;
    id.subject = gid->is_int64() ? std::to_string(gid->as_int64()) : std::to_string(gid->as_uint64());
    id.display_name = OptStr(u, "name");
    if (!id.display_name) id.display_name = OptStr(u, "login");
    id.avatar_url = OptStr(u, "avatar_url");

    auto emails_reply = d_.http.Send({"GET", api + "/user/emails", headers, "", p.name + " emails API"});
    if (!emails_reply) return emails_reply.take_error();
    auto emails = JsonOf(*emails_reply, p.name + " emails API (the user:email scope is needed)");
    if (!emails) return emails.take_error();
    if (!emails->is_array()) return MakeError(ErrorCode::kUnavailable, p.name + " emails API did not answer a list");
    for (const auto& e : emails->as_array()) {
        if (!e.is_object()) continue;
        const json::object& o = e.as_object();
        const auto* primary = o.if_contains("primary");
        if (primary == nullptr || !primary->is_bool() || !primary->as_bool()) continue;
        id.email = Str(o, "email");
        const auto* verified = o.if_contains("verified");
        id.email_verified = verified != nullptr && verified->is_bool() && verified->as_bool();
        break;
    }
    if (id.email.empty()) return Refused(p, "the GitHub account has no primary email address");
    return id;
}

Result<OAuthOutcome> OAuthService::Finish(std::string_view name, const OAuthCallback& cb, const RequestContext& ctx) {
    const OAuthProviderConfig* p = Find(name);
    if (p == nullptr) return MakeError(ErrorCode::kNotFound, "no OAuth provider named " + std::string(name));
    if (cb.state.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "state is missing", {{"state", "is required"}});
    }
    if (cb.state.size() > 512) {
        return MakeError(ErrorCode::kInvalidArgument, "state is unknown", {{"state", "is unknown"}});
    }
    const std::string state_hash = crypto::Sha256Hex(cb.state);
    auto taken = TakeState(state_hash);
    if (!taken) return taken.take_error();
    const auto unknown = [] {
        return MakeError(ErrorCode::kInvalidArgument,
                         "this sign-in is unknown, expired or already finished; start again",
                         {{"state", "is unknown, expired or already used"}});
    };
    if (!*taken) return unknown();
    const OAuthStateRow& row = **taken;
    const auto expires = ParseTime(row.expires_at);
    if (row.provider != p->name || !expires || *expires <= d_.clock.Now()) return unknown();
    if (row.browser_hash && !crypto::ConstantTimeEquals(crypto::Sha256Hex(cb.browser), *row.browser_hash)) {
        d_.log.Warn("oauth sign-in failed", {{"provider", p->name},
                                             {"reason", "finished in another browser than the one that started it"},
                                             {"request_id", ctx.request_id}});
        return MakeError(ErrorCode::kInvalidArgument,
                         "this sign-in was started in another browser (or its cookie was refused): start again here",
                         {{"state", "belongs to another browser"}});
    }

    auto fail = [&](Error e) -> Result<OAuthOutcome> {
        if (e.code == ErrorCode::kUnauthenticated || e.code == ErrorCode::kConflict ||
            e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kTimeout) {
            d_.log.Warn("oauth sign-in failed",
                        {{"provider", p->name}, {"reason", e.message}, {"request_id", ctx.request_id}});
        }
        if (!row.return_to) return e;
        OAuthOutcome back;
        back.provider = p->name;
        back.return_to = row.return_to;
        back.error = std::move(e);
        return back;
    };
    if (!cb.error.empty()) {
        const std::string code_text = SafeCode(cb.error);
        return fail(Refused(*p, "the provider did not authorize the sign-in" +
                                    (code_text.empty() ? std::string() : " (" + code_text + ")")));
    }
    if (cb.code.empty()) {
        return fail(MakeError(ErrorCode::kInvalidArgument, "code is missing", {{"code", "is required"}}));
    }
    auto verifier = d_.cipher.Decrypt(row.code_verifier_enc, VerifierAd(state_hash));
    if (!verifier) return MakeError(ErrorCode::kInternal, "cannot read the sign-in state: " + verifier.error().message);

    auto identity =
        IsGithub(*p) ? GithubIdentity(*p, cb.code, *verifier) : OidcIdentity(*p, cb.code, *verifier, row.nonce);
    if (!identity) return fail(identity.take_error());

    OAuthOutcome out;
    out.provider = p->name;
    out.return_to = row.return_to;
    if (row.link_user_id) {
        auto user = d_.auth.LoadUser(*row.link_user_id);
        if (!user) return fail(Refused(*p, "the account that started linking no longer exists"));
        if (user->disabled) {
            return fail(MakeError(ErrorCode::kPermissionDenied, "this account is disabled; contact an administrator"));
        }
        Principal who;
        who.user_id = user->id;
        who.role = ParseRole(user->role).value_or(Role::kGuest);
        if (auto l = d_.auth.LinkIdentity(who, *identity, ctx); !l) return fail(l.take_error());
        out.linked = true;
        return out;
    }
    auto tokens = d_.auth.LoginWithIdentity(*identity, ctx);
    if (!tokens) return fail(tokens.take_error());
    out.tokens = std::move(*tokens);
    return out;
}

}  // namespace dihya::auth
