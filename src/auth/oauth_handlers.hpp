#pragma once

#include "auth/oauth.hpp"
#include "http/app.hpp"

namespace dihya::auth {

/// Routes of OAuth sign-in: GET /api/v1/auth/providers, /api/v1/auth/oauth/{provider}/start and /callback.
void RegisterOAuth(http::App& app, OAuthService& service);

}  // namespace dihya::auth
