#pragma once

#include "backup/service.hpp"
#include "http/app.hpp"
#include "scheduler/scheduler.hpp"

namespace dihya::backup {

/// /api/v1/admin/backups[/{name}] (admins: backups:manage); making one runs the scheduled job "backup".
void Register(http::App& app, Backups& backups, scheduler::Scheduler& scheduler);

}  // namespace dihya::backup
