#pragma once

#include "auth/service.hpp"
#include "graphql/executor.hpp"
#include "graphql/schema.hpp"
#include "http/app.hpp"
#include "realtime/hub.hpp"

namespace dihya::graphql {

/// POST /graphql (queries and mutations, GraphQL over HTTP), GET /graphql (GraphiQL; a WebSocket upgrade with the
/// graphql-transport-ws subprotocol for subscriptions) and GraphiQL's assets. `schema` is BuildApiSchema's.
void Register(http::App& app, const Schema& schema, realtime::Hub& hub, auth::AuthService& auth);

}  // namespace dihya::graphql
