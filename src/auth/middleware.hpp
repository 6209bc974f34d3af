#pragma once

#include "auth/principal.hpp"
#include "auth/service.hpp"
#include "core/request_context.hpp"
#include "http/middleware/middleware.hpp"

namespace dihya::auth {

/// Establishes who is calling: `Authorization: Bearer <access token | API key>`. A credential that does not check
/// out is a 401 (never silently a guest); no credential is a guest. Credentials in the query string are refused
/// (400), except where a protocol needs one and the route reads it itself (realtime tickets).
class AuthMiddleware final : public http::Middleware {
public:
    explicit AuthMiddleware(AuthService& service) : service_(service) {}
    std::optional<http::Response> OnRequest(http::Request& request) override;

private:
    AuthService& service_;
};

/// The caller established by AuthMiddleware.
Principal PrincipalOf(const http::Request& request);
/// Stores `p` on the request as AuthMiddleware does (realtime routes that accept tickets use it).
void SetPrincipal(http::Request& request, const Principal& p);
RequestContext ContextOf(const http::Request& request);

}  // namespace dihya::auth
