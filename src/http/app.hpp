#pragma once

#include "core/config.hpp"
#include "core/log.hpp"
#include "http/metrics.hpp"
#include "http/openapi.hpp"
#include "http/router.hpp"

namespace dihya::storage {
class Db;
}

namespace dihya::http {

/// What a module receives to register itself: `void Register(App&)`. Built once in main.
struct App {
    const Config& config;
    Logger& log;
    Router& router;
    Metrics& metrics;
    storage::Db& db;
    /// OpenAPI tags: a module adds the tag its routes use, with a description.
    std::vector<TagDoc>& tags;
};

/// ETag support: a strong tag of the body, and 304 when If-None-Match matches it.
std::string StrongEtag(std::string_view body);
bool IfNoneMatch(const Request& request, std::string_view etag);

}  // namespace dihya::http
