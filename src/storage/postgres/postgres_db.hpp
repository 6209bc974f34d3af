#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::storage::postgres {

/// Connects to the PostgreSQL server at `url` (`postgresql://` or `postgres://`, libpq URI syntax).
/// One connection is opened eagerly so a bad URL or an unreachable server fails here; the pool
/// then grows on demand up to `options.pool_size`. A caller waits up to `options.busy_timeout_ms`
/// for a free connection (then kUnavailable). A broken connection is reset and, outside a
/// transaction, the statement is retried once.
Result<std::unique_ptr<Db>> OpenPostgresDatabase(const std::string& url, const DbOptions& options);

}  // namespace dihya::storage::postgres
