#pragma once

#include "auth/service.hpp"
#include "http/app.hpp"
#include "realtime/channels.hpp"
#include "realtime/hub.hpp"

namespace dihya::realtime {

/// Who calls a live endpoint: `Authorization` (already read by the auth middleware) or, for browsers'
/// EventSource and WebSocket, `?ticket=` from POST /api/v1/auth/ticket — not both. kUnauthenticated when neither.
Result<auth::Principal> LiveCaller(http::Request& req, auth::AuthService& auth);

/// GET /api/v1/ws (WebSocket) and GET /api/v1/events (server-sent events), with the hub's metrics.
void Register(http::App& app, Hub& hub, const ChannelGuard& guard, auth::AuthService& auth);

}  // namespace dihya::realtime
