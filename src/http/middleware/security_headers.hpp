#pragma once

#include "http/middleware/middleware.hpp"

namespace dihya::http {

/// Strict defaults on every response: CSP (a handler may set its own, e.g. the docs page),
/// nosniff, frame denial, no referrer, HSTS when served over TLS, no caching of API answers.
class SecurityHeadersMiddleware final : public Middleware {
public:
    void OnResponse(const Request& request, Response& response) override;
};

}  // namespace dihya::http
