#pragma once

#include "http/app.hpp"

namespace dihya::ops {

/// /healthz (live), /readyz (database reachable, schema version), /metrics (Prometheus).
void Register(http::App& app);

}  // namespace dihya::ops
