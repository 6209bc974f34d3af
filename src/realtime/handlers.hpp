#pragma once

#include "auth/service.hpp"
#include "http/app.hpp"
#include "realtime/channels.hpp"
#include "realtime/hub.hpp"

namespace dihya::realtime {

/// GET /api/v1/ws (WebSocket) and GET /api/v1/events (server-sent events), with the hub's metrics.
void Register(http::App& app, Hub& hub, const ChannelGuard& guard, auth::AuthService& auth);

}  // namespace dihya::realtime
