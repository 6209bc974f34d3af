#include "http/middleware/security_headers.hpp"

namespace dihya::http {

void SecurityHeadersMiddleware::OnResponse(const Request& request, Response& response) {
    if (!response.headers.Has("Content-Security-Policy")) {
        response.headers.Set("Content-Security-Policy",
                             "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
    response.headers.Set("X-Content-Type-Options", "nosniff");
    response.headers.Set("X-Frame-Options", "DENY");
    response.headers.Set("Referrer-Policy", "no-referrer");
    response.headers.Set("Cross-Origin-Opener-Policy", "same-origin");
    response.headers.Set("Cross-Origin-Resource-Policy", "same-origin");
    if (request.tls) {
        response.headers.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    if (!response.headers.Has("Cache-Control")) {
        response.headers.Set("Cache-Control", "no-store");
    }
}

}  // namespace dihya::http
