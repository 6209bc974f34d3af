#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::storage {

/// One schema change. Files live in src/storage/migrations/ as `NNN_name.sql` (both dialects) or as
/// the pair `NNN_name.sqlite.sql` + `NNN_name.postgres.sql`. Each runs in its own transaction, so a
/// file must not contain BEGIN/COMMIT or statements that cannot run in a transaction.
struct Migration {
    int version = 0;
    std::string name;
    std::string_view sql;
};

/// A migration file as embedded: `name` is its path (only the part after the last '/' is parsed).
struct MigrationFile {
    std::string_view name;
    std::string_view sql;
};

/// Picks the files for `dialect`, sorted by version. Fails (kInvalidArgument) on a malformed name,
/// a duplicate version, or a per-dialect file without its counterpart for the other dialect.
Result<std::vector<Migration>> ParseMigrations(Dialect dialect, std::span<const MigrationFile> files);

/// The migrations embedded in this binary for `dialect`, sorted by version.
/// Throws std::logic_error when the embedded set is invalid (a build defect, caught by the tests).
std::vector<Migration> EmbeddedMigrations(Dialect dialect);

/// Checksum recorded for an applied migration (line endings normalised).
std::string MigrationChecksum(std::string_view sql);

struct MigrationState {
    int version = 0;
    std::string name;
    bool applied = false;
    std::string applied_at;  // ISO 8601 UTC, empty when pending
    bool modified = false;   // applied, but the file changed since
    bool unknown = false;    // applied, but this binary does not know it (database is newer)
};

/// Known migrations plus any applied ones the binary does not know, sorted by version.
Result<std::vector<MigrationState>> MigrationStatus(Db& db, const std::vector<Migration>& migrations);

/// Applies the pending migrations in order, each in its own transaction, and records them in
/// schema_migrations(version, name, checksum, applied_at). Returns the ones applied now.
/// Refuses (kConflict) when an applied migration was edited, when the database has migrations this
/// binary does not know (it is newer), or when a pending migration sorts before an applied one.
/// Concurrent migrators are serialised (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
Result<std::vector<Migration>> Migrate(Db& db, const std::vector<Migration>& migrations);

/// Highest applied version; 0 for an empty database.
Result<int> SchemaVersion(Db& db);

}  // namespace dihya::storage
