#pragma once

// Dihya's GraphQL schema (docs/graphql.md): the same services as the REST API, with the same authorization (each
// resolver calls the service with the caller's Principal, API-key scopes included).

#include <atomic>
#include <chrono>
#include <memory>

#include "analyze/analyzer.hpp"
#include "auth/principal.hpp"
#include "auth/service.hpp"
#include "catalog/catalog.hpp"
#include "core/request_context.hpp"
#include "graphql/schema.hpp"
#include "model/project_model.hpp"
#include "notifications/service.hpp"
#include "projects/service.hpp"
#include "realtime/channels.hpp"

namespace dihya::graphql {

/// Who asks, per request: the context every resolver gets (std::any holding a Caller).
struct Caller {
    auth::Principal who;
    RequestContext request;
    /// Long work (analysis) stops at this deadline or when the client leaves.
    std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();
    std::shared_ptr<const std::atomic<bool>> cancelled;
};

struct ApiDeps {
    auth::AuthService& auth;
    projects::ProjectsService& projects;
    notifications::NotificationsService& notifications;
    const catalog::Catalog& catalog;
    analyze::Analyzer& analyzer;
    const model::Vocabulary& vocabulary;
    const realtime::ChannelGuard& channels;
    std::chrono::milliseconds analyze_budget{5000};
};

/// The schema, finished; kInternal when it does not hold together (a programming error).
Result<std::unique_ptr<Schema>> BuildApiSchema(const ApiDeps& deps);

}  // namespace dihya::graphql
