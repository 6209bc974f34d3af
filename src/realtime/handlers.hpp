#pragma once

#include <functional>
#include <string_view>

#include "auth/service.hpp"
#include "http/app.hpp"
#include "realtime/channels.hpp"
#include "realtime/hub.hpp"

namespace dihya::realtime {

/// Who calls a live endpoint: `Authorization` (already read by the auth middleware) or, for browsers'
/// EventSource and WebSocket, `?ticket=` from POST /api/v1/auth/ticket — not both. kUnauthenticated when neither.
Result<auth::Principal> LiveCaller(http::Request& req, auth::AuthService& auth);

/// Checks a credential a live connection sends in a message: kind "ticket" (POST /api/v1/auth/ticket), else an
/// access token or API key.
std::function<Result<auth::Principal>(std::string_view kind, std::string_view credential)> CredentialChecker(
    auth::AuthService& auth);

/// GET /api/v1/ws (WebSocket) and GET /api/v1/events (server-sent events), with the hub's metrics.
void Register(http::App& app, Hub& hub, const ChannelGuard& guard, auth::AuthService& auth);

}  // namespace dihya::realtime
