#include "http/middleware/cors.hpp"

#include <algorithm>

namespace dihya::http {

namespace {
constexpr std::string_view kAllowMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kAllowHeaders =
    "Authorization, Content-Type, Idempotency-Key, If-None-Match, If-Match, X-Request-Id, Last-Event-ID";
constexpr std::string_view kExposeHeaders =
    "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id";
}  // namespace

CorsMiddleware::CorsMiddleware(std::vector<std::string> allowed_origins) : allowed_(std::move(allowed_origins)) {
    any_ = std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end();
}

bool CorsMiddleware::Allowed(std::string_view origin) const {
    return any_ || std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end();
}

std::optional<Response> CorsMiddleware::OnRequest(Request& request) {
    if (request.method != "OPTIONS") return std::nullopt;
    auto origin = request.headers.Get("Origin");
    auto wanted = request.headers.Get("Access-Control-Request-Method");
    if (!origin || !wanted) return std::nullopt;  // not a preflight
    if (!Allowed(*origin)) {
        return Response::Problem(403, "Origin not allowed",
                                 "this origin is not in the server's CORS allow-list (cors.allowed_origins)",
                                 request.request_id);
    }
    Response r = Response::Empty(204);
    r.headers.Set("Access-Control-Allow-Methods", std::string(kAllowMethods));
    r.headers.Set("Access-Control-Allow-Headers", std::string(kAllowHeaders));
    r.headers.Set("Access-Control-Max-Age", "600");
    return r;
}

void CorsMiddleware::OnResponse(const Request& request, Response& response) {
    auto origin = request.headers.Get("Origin");
    response.headers.Add("Vary", "Origin");
    if (!origin || !Allowed(*origin)) return;
    response.headers.Set("Access-Control-Allow-Origin", any_ ? std::string("*") : std::string(*origin));
    response.headers.Set("Access-Control-Expose-Headers", std::string(kExposeHeaders));
}

}  // namespace dihya::http
