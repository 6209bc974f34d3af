#pragma once

#include "auth/service.hpp"
#include "collab/rooms.hpp"
#include "http/app.hpp"

namespace dihya::collab {

/// GET /api/v1/collab/{id} (WebSocket, y-websocket protocol), GET /api/v1/projects/{id}/collab and
/// POST /api/v1/projects/{id}/collab/save.
void Register(http::App& app, Rooms& rooms, auth::AuthService& auth);

}  // namespace dihya::collab
