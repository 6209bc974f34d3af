#pragma once

#include "cli/composition.hpp"
#include "core/result.hpp"

namespace dihya::cli {

/// Adds the built-in scheduled jobs (docs/operations.md) to s.scheduler, timed by the configuration.
Result<void> AddScheduledJobs(Services& s);

}  // namespace dihya::cli
