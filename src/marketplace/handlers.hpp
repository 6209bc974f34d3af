#pragma once

#include "http/app.hpp"
#include "marketplace/marketplace.hpp"

namespace dihya::marketplace {

/// /api/v1/marketplace/... (browse, search, publish, install, rate) and /api/v1/admin/marketplace/... (review).
void Register(http::App& app, Marketplace& market);

}  // namespace dihya::marketplace
