#include "auth/middleware.hpp"

#include <boost/url/parse_query.hpp>

#include "auth/permissions.hpp"

namespace dihya::auth {

namespace {

constexpr std::string_view kRole = "auth.role";
constexpr std::string_view kSession = "auth.session";
constexpr std::string_view kApiKey = "auth.api_key";
constexpr std::string_view kScopes = "auth.scopes";
constexpr std::string_view kTime = "auth.time";

bool CredentialInQuery(std::string_view query) {
    if (query.empty()) return false;
    auto params = boost::urls::parse_query(query);
    if (!params) return false;
    for (const auto& p : *params) {
        if (p.key == "access_token" || p.key == "api_key" || p.key == "apikey" || p.key == "refresh_token" ||
            p.key == "bearer") {
            return true;
        }
    }
    return false;
}

}  // namespace

void SetPrincipal(http::Request& request, const Principal& p) {
    auto& a = request.attributes;
    a[std::string(http::kAuthUserAttribute)] = p.user_id;
    a[std::string(kRole)] = std::string(RoleName(p.role));
    a[std::string(kSession)] = p.session_id;
    a[std::string(kApiKey)] = p.api_key_id;
    std::string scopes;
    for (const auto& s : p.scopes) scopes += (scopes.empty() ? "" : " ") + s;
    a[std::string(kScopes)] = scopes;
    a[std::string(kTime)] = p.auth_time;
}

Principal PrincipalOf(const http::Request& request) {
    const auto& a = request.attributes;
    auto get = [&](std::string_view k) -> std::string {
        auto it = a.find(std::string(k));
        return it == a.end() ? "" : it->second;
    };
    Principal p;
    p.user_id = get(http::kAuthUserAttribute);
    if (p.user_id.empty()) return p;
    p.role = ParseRole(get(kRole)).value_or(Role::kGuest);
    p.session_id = get(kSession);
    p.api_key_id = get(kApiKey);
    const std::string scopes = get(kScopes);
    std::size_t pos = 0;
    while (pos < scopes.size()) {
        auto end = scopes.find(' ', pos);
        if (end == std::string::npos) end = scopes.size();
        if (end > pos) p.scopes.push_back(scopes.substr(pos, end - pos));
        pos = end + 1;
    }
    p.auth_time = get(kTime);
    return p;
}

RequestContext ContextOf(const http::Request& request) {
    return {request.request_id, request.remote_ip};
}

std::optional<http::Response> AuthMiddleware::OnRequest(http::Request& request) {
    // Only the API reads credentials; health checks, docs and static pages ignore whatever a proxy sends.
    const bool api = request.path.rfind("/api/", 0) == 0 || request.path == "/graphql";
    if (!api) return std::nullopt;
    if (CredentialInQuery(request.query)) {
        return http::Response::Problem(
            Error{ErrorCode::kInvalidArgument,
                  "credentials are not accepted in the query string (they would end up in logs and browser history); "
                  "send Authorization: Bearer <token>",
                  {}},
            request.request_id);
    }
    const auto header = request.headers.Get("Authorization");
    if (!header) return std::nullopt;
    std::string_view h = *header;
    constexpr std::string_view kBearer = "bearer ";
    if (h.size() <= kBearer.size() || !http::IEquals(h.substr(0, kBearer.size()), kBearer)) {
        http::Response r = http::Response::Problem(
            Error{ErrorCode::kUnauthenticated, "use Authorization: Bearer <access token or API key>", {}},
            request.request_id);
        return r;
    }
    std::string_view credential = h.substr(kBearer.size());
    while (!credential.empty() && credential.front() == ' ') credential.remove_prefix(1);
    auto principal = service_.Authenticate(credential);
    if (!principal) {
        http::Response r = http::Response::Problem(principal.error(), request.request_id);
        if (principal.error().code == ErrorCode::kUnauthenticated) {
            r.headers.Set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        return r;
    }
    SetPrincipal(request, *principal);
    return std::nullopt;
}

}  // namespace dihya::auth
