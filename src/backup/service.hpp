#pragma once

// Backups of the whole platform state — the database: accounts, projects with their generated files, audit log,
// jobs, notifications (docs/operations.md). SQLite is copied with its online backup API in one read transaction
// (a consistent snapshot while writes go on); PostgreSQL with pg_dump (one repeatable-read snapshot). The copy goes
// into an encrypted, compressed, checksummed archive (backup/archive.hpp). Restoring refuses a target that holds
// data unless forced, and writes all or nothing (SQLite: a rename; PostgreSQL: pg_restore in one transaction).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "backup/archive.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::backup {

/// The keys of the configuration: backup.key when set (it encrypts), then the one derived from the secret (it
/// still opens backups made before backup.key was set). kInvalidArgument naming backup.key when malformed.
Result<std::vector<BackupKey>> KeysOf(const Config& config);

/// Writes a backup of the database at `database_url` (which `db` has open) into `out`; `note` hears each step.
Result<ArchiveInfo> MakeBackup(storage::Db& db, const std::string& database_url, const BackupKey& key,
                               const std::filesystem::path& out, const std::function<void(const std::string&)>& note);

struct RestoreOptions {
    bool force = false;  // replace a database that holds data
};

/// Restores the backup `in` into the database at `database_url` (sqlite:///path or postgresql://...), which must be
/// empty or missing unless options.force; the server must not be running on it. Returns the backup's manifest.
/// kConflict for a target with data, kInvalidArgument for a damaged backup, a wrong key, a backup of the other
/// kind of database or one made by a newer dihya.
Result<boost::json::object> Restore(const std::filesystem::path& in, std::span<const BackupKey> keys,
                                    const std::string& database_url, RestoreOptions options,
                                    const std::function<void(const std::string&)>& note);

struct BackupFile {
    std::string name;
    std::uint64_t bytes = 0;
    std::string created_at;
};

/// The backups of backup.dir: what the scheduled job "backup" makes and the admin API lists and serves.
class Backups final {
public:
    Backups(storage::Db& db, const Config& config, std::vector<BackupKey> keys, const Clock& clock, Logger& log);

    /// Makes one (named dihya-<UTC time>.backup), then deletes the oldest beyond backup.keep. Returns what it made:
    /// name, bytes, sha256, and what it deleted.
    Result<boost::json::object> Make(const std::function<void(const std::string&)>& note);
    /// Newest first.
    Result<std::vector<BackupFile>> List() const;
    /// The file of the backup `name`; kNotFound for anything that is not one of List()'s names.
    Result<std::filesystem::path> PathOf(const std::string& name) const;

private:
    storage::Db& db_;
    const Config& config_;
    std::vector<BackupKey> keys_;
    const Clock& clock_;
    Logger& log_;
    std::filesystem::path dir_;
};

}  // namespace dihya::backup
