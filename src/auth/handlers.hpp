#pragma once

#include "auth/service.hpp"
#include "http/app.hpp"

namespace dihya::auth {

/// Routes of accounts and authentication: /api/v1/auth/*, /api/v1/users/me[/...], /api/v1/admin/users,
/// /.well-known/jwks.json.
void Register(http::App& app, AuthService& service, SigningKeys& keys);

/// The JSON form of a user (shared with modules that show users).
boost::json::object UserJson(const User& u);

}  // namespace dihya::auth
