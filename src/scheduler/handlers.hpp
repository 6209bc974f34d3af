#pragma once

#include "http/app.hpp"
#include "scheduler/scheduler.hpp"

namespace dihya::scheduler {

/// /api/v1/admin/jobs[/{name}[/pause|/resume|/run|/runs]] (admins: jobs:manage).
void Register(http::App& app, Scheduler& scheduler);

}  // namespace dihya::scheduler
