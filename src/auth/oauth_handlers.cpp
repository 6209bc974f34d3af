#include "auth/oauth_handlers.hpp"

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include "auth/middleware.hpp"
#include "core/crypto.hpp"
#include "core/dto.hpp"
#include "core/problem.hpp"

namespace dihya::auth::oauth_dto {

struct ProviderDto {
    std::string name;
    std::string title;
    std::string kind;
    std::string start_url;
};
BOOST_DESCRIBE_STRUCT(ProviderDto, (), (name, title, kind, start_url))

struct ProviderList {
    std::vector<ProviderDto> items;
};
BOOST_DESCRIBE_STRUCT(ProviderList, (), (items))

struct AuthorizationUrl {
    std::string authorization_url;
};
BOOST_DESCRIBE_STRUCT(AuthorizationUrl, (), (authorization_url))

struct SignedIn {
    std::string access_token;
    std::string refresh_token;
    std::string token_type;
    std::int64_t expires_in;
    std::int64_t refresh_expires_in;
};
BOOST_DESCRIBE_STRUCT(SignedIn, (), (access_token, refresh_token, token_type, expires_in, refresh_expires_in))

struct Linked {
    bool linked;
    std::string provider;
};
BOOST_DESCRIBE_STRUCT(Linked, (), (linked, provider))

}  // namespace dihya::auth::oauth_dto

template <>
struct dihya::dto::Rules<dihya::auth::oauth_dto::ProviderDto> {
    static FieldRules Get() {
        return {{"name", {.description = "the provider's key in the configuration (oauth.<name>)"}},
                {"title", {.description = "what to write on the sign-in button"}},
                {"kind", {.one_of = {"github", "google", "oidc"}}},
                {"start_url", {.description = "send the browser here to sign in (add ?return_to=...)"}}};
    }
};

namespace dihya::auth {

using net::FormBody;
using net::FormEncode;

namespace json = boost::json;
namespace od = oauth_dto;
using http::Request;
using http::Response;
using http::Work;

namespace {

constexpr std::string_view kFlowCookie = "dihya_oauth";

/// The value of cookie `name` in the request's Cookie header, or "".
std::string CookieValue(const Request& req, std::string_view name) {
    const auto header = req.headers.Get("Cookie");
    if (!header) return "";
    std::string_view h = *header;
    while (!h.empty()) {
        const auto semi = h.find(';');
        std::string_view part = h.substr(0, semi);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        const auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
        if (semi == std::string_view::npos) break;
        h.remove_prefix(semi + 1);
    }
    return "";
}

Response NoStore(Response r) {
    r.headers.Set("Cache-Control", "no-store");
    r.headers.Set("Pragma", "no-cache");
    return r;
}

Response Problem(const Request& req, const Error& e) {
    return NoStore(Response::Problem(e, req.request_id));
}

/// The decoded value of a query parameter ('+' as a space, %XX decoded).
std::optional<std::string> Param(const Request& req, std::string_view name) {
    auto params = boost::urls::parse_query(req.query);
    if (!params) return std::nullopt;
    for (const auto& p : *params) {
        if (p.key.decode() != name) continue;
        if (!p.has_value) return std::string();
        boost::urls::encoding_opts opts;
        opts.space_as_plus = true;
        return p.value.decode(opts);
    }
    return std::nullopt;
}

Response Redirect(const std::string& location) {
    Response r = Response::Empty(302);
    r.headers.Set("Location", location);
    return NoStore(std::move(r));
}

bool WantsJson(const Request& req) {
    const auto accept = req.headers.Get("Accept");
    return accept && accept->find("application/json") != std::string_view::npos;
}

}  // namespace

void RegisterOAuth(http::App& app, OAuthService& service) {
    auto& r = app.router;
    OAuthService& s = service;
    const std::string public_url = app.config.EffectivePublicUrl();

    r.Add({.method = "GET",
           .path = "/api/v1/auth/providers",
           .operation_id = "listOAuthProviders",
           .summary = "The OAuth / OpenID Connect providers you can sign in with",
           .description = "Configured under `oauth.<name>` (README, \"Sign-in with GitHub, Google or OpenID "
                          "Connect\"). Empty when none is.",
           .tag = "auth",
           .responses = {{200, "Providers", dto::Schema<od::ProviderList>()}},
           .handler = [&s, public_url](Request&) {
               od::ProviderList out;
               for (const auto& p : s.providers()) {
                   out.items.push_back({p.name, p.title, p.kind, public_url + OAuthService::StartPath(p.name)});
               }
               return Response::Json(200, dto::Encode(out));
           }});

    r.Add({.method = "GET",
           .path = "/api/v1/auth/oauth/{provider}/start",
           .operation_id = "startOAuth",
           .summary = "Start signing in with a provider (authorization code + PKCE)",
           .description =
               "Answers 302 to the provider's authorization page, with a fresh single-use `state` (valid 10 minutes), "
               "a PKCE S256 challenge and, for OpenID Connect, a `nonce`. Open it in the browser (a top-level "
               "navigation). With `Accept: application/json` the answer is 200 `{authorization_url}` instead, for "
               "pages that navigate themselves.\n\n"
               "`return_to`: where the browser goes once signed in — a path on this site (`/app`) or an URL whose "
               "origin is in `cors.allowed_origins`; the tokens are then in its fragment. Without it, the callback "
               "answers the tokens as JSON.\n\n"
               "`link=true` with `Authorization: Bearer <access token>` links the provider's identity to your "
               "account instead of signing in (call it with fetch and `Accept: application/json`, since browsers "
               "do not send the header when navigating).\n\n"
               "The redirect URI to register with the provider is `<public_url>/api/v1/auth/oauth/{provider}/"
               "callback`.",
           .tag = "auth",
           .params = {{"return_to", "query", "a path on this site, or an URL of an allowed origin",
                       json::object{{"type", "string"}, {"maxLength", 2048}}},
                      {"link", "query", "true: link to the signed-in account", json::object{{"type", "boolean"}}}},
           .responses = {{200, "With Accept: application/json: the URL to open", dto::Schema<od::AuthorizationUrl>()},
                         {302, "To the provider's authorization page (Location)"},
                         {400, "return_to not allowed"},
                         {401, "link=true without a valid access token"},
                         {404, "No such provider"},
                         {503, "The provider's discovery document cannot be had"}},
           .work = Work::kAuth,
           .handler = [&s](Request& req) {
               std::optional<Principal> link;
               if (const auto l = Param(req, "link"); l && (*l == "true" || *l == "1")) link = PrincipalOf(req);
               // Ties the flow to this browser: the callback must bring the cookie back (login CSRF).
               const std::string browser = crypto::RandomToken(24);
               auto url = s.Start(req.path_params["provider"], Param(req, "return_to"), link, ContextOf(req), browser);
               if (!url) return Problem(req, url.error());
               Response res = WantsJson(req) ? NoStore(Response::Json(200, dto::Encode(od::AuthorizationUrl{*url})))
                                             : Redirect(*url);
               res.headers.Set("Set-Cookie", std::string(kFlowCookie) + "=" + browser + "; Path=/api/v1/auth/oauth/" +
                                                 req.path_params["provider"] +
                                                 "/callback; Max-Age=600; HttpOnly; SameSite=Lax" +
                                                 (req.tls ? "; Secure" : ""));
               return res;
           }});

    r.Add(
        {.method = "GET",
         .path = "/api/v1/auth/oauth/{provider}/callback",
         .operation_id = "finishOAuth",
         .summary = "The redirect URI: the provider sends the browser back here",
         .description =
             "Checks and spends the `state` (a second use is refused), trades the `code` for the provider's tokens "
             "with the PKCE verifier, and for OpenID Connect verifies the ID token (RS256 or ES256 signature from "
             "the provider's JWKS, issuer, audience, expiry, nonce). The account: the one already linked to this "
             "identity; else the account with the same email when the provider says the email is verified "
             "(linking it); else a new account. An existing account whose email the provider did not verify is "
             "not linked (409): sign in with its password, then link.\n\n"
             "When the flow was started with `return_to`: 302 there with `#access_token=...&refresh_token=..."
             "&token_type=Bearer&expires_in=...&refresh_expires_in=...` in the fragment (never sent to servers, "
             "so in no access log); a link ends with `#linked=<provider>`; a failure once the flow is recognised "
             "(the provider refused, the ID token did not check out, the account is disabled or its email "
             "unverified, the provider is unreachable) ends with `#error=<problem type>&error_description=..."
             "&status=<HTTP status>&request_id=...`. Otherwise 200 with the tokens, as "
             "POST /api/v1/auth/login (or `{linked, provider}`).",
         .tag = "auth",
         .params = {{"code", "query", "authorization code from the provider", json::object{{"type", "string"}}},
                    {"state", "query", "the state sent with the authorization request",
                     json::object{{"type", "string"}}},
                    {"error", "query", "the provider's error code when it refused", json::object{{"type", "string"}}}},
         .responses = {{200, "Signed in (no return_to): the tokens; or, for a link, {linked, provider}",
                        json::object{{"oneOf", json::array{dto::Schema<od::SignedIn>(), dto::Schema<od::Linked>()}}}},
                       {302, "To return_to: signed in (tokens in the fragment) or failed (#error=...)"},
                       {400, "Missing code, or unknown, expired or already used state"},
                       {401, "The provider refused, or its answer did not check out (ID token, code, PKCE)"},
                       {403, "Account disabled, or registration closed"},
                       {404, "No such provider"},
                       {409, "An account with this email exists and the provider did not verify the email"},
                       {503, "The provider cannot be reached"}},
         .work = Work::kAuth,
         .handler = [&s](Request& req) {
             OAuthCallback cb;
             cb.code = Param(req, "code").value_or("");
             cb.state = Param(req, "state").value_or("");
             cb.error = Param(req, "error").value_or("");
             cb.browser = CookieValue(req, kFlowCookie);
             auto out = s.Finish(req.path_params["provider"], cb, ContextOf(req));
             if (!out) return Problem(req, out.error());
             if (out->error) {  // only with a return_to: back to the app, the error in the fragment
                 const ProblemKind kind = ProblemKindOf(out->error->code);
                 return Redirect(*out->return_to + "#" +
                                 FormBody({{"error", std::string(kind.slug)},
                                           {"error_description", out->error->message},
                                           {"status", std::to_string(kind.status)},
                                           {"request_id", ContextOf(req).request_id}}));
             }
             if (out->linked) {
                 if (out->return_to) return Redirect(*out->return_to + "#linked=" + FormEncode(out->provider));
                 return NoStore(Response::Json(200, dto::Encode(od::Linked{true, out->provider})));
             }
             const TokenPair& t = *out->tokens;
             if (out->return_to) {
                 return Redirect(*out->return_to + "#" +
                                 FormBody({{"access_token", t.access_token},
                                           {"refresh_token", t.refresh_token},
                                           {"token_type", "Bearer"},
                                           {"expires_in", std::to_string(t.expires_in)},
                                           {"refresh_expires_in", std::to_string(t.refresh_expires_in)}}));
             }
             return NoStore(Response::Json(200, dto::Encode(od::SignedIn{t.access_token, t.refresh_token, "Bearer",
                                                                         t.expires_in, t.refresh_expires_in})));
         }});
}

}  // namespace dihya::auth
