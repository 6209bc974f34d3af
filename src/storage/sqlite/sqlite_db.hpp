#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::storage::sqlite {

/// Path that selects a private in-memory database (one shared connection).
inline constexpr std::string_view kMemoryPath = ":memory:";

/// Opens the SQLite database at `path` (created, with its parent directory, when missing) in WAL mode.
/// Connections: one writer guarded by a mutex (write transactions use BEGIN IMMEDIATE) plus up to
/// `options.pool_size` query-only readers; read-only statements passed to Query run on a reader.
Result<std::unique_ptr<Db>> OpenSqliteDatabase(const std::string& path, const DbOptions& options);

}  // namespace dihya::storage::sqlite
