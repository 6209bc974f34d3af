#include "storage/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <stdexcept>

#include "storage/embedded_sql.hpp"

namespace dihya::storage {

namespace {

constexpr std::string_view kMigrationsDir = "migrations/";

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";

// Per schema, so that databases sharing a server (and tests in their own schemas) do not wait on each other.
constexpr std::string_view kPostgresLock =
    "SELECT pg_advisory_xact_lock(hashtext('dihya:migrate:' || coalesce(current_schema(), '')))";

struct ParsedName {
    int version = 0;
    std::string name;
    std::optional<Dialect> dialect;  // nullopt: both
};

std::optional<ParsedName> ParseFileName(std::string_view path) {
    std::string_view file = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    if (!file.ends_with(".sql")) return std::nullopt;
    file.remove_suffix(4);
    ParsedName parsed;
    if (file.ends_with(".sqlite")) {
        parsed.dialect = Dialect::kSqlite;
        file.remove_suffix(7);
    } else if (file.ends_with(".postgres")) {
        parsed.dialect = Dialect::kPostgres;
        file.remove_suffix(9);
    }
    std::size_t underscore = file.find('_');
    if (underscore == std::string_view::npos || underscore == 0 || underscore + 1 == file.size()) return std::nullopt;
    auto [end, ec] = std::from_chars(file.data(), file.data() + underscore, parsed.version);
    if (ec != std::errc{} || end != file.data() + underscore || parsed.version <= 0) return std::nullopt;
    parsed.name = std::string(file.substr(underscore + 1));
    bool valid = std::all_of(parsed.name.begin(), parsed.name.end(),
                             [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
    if (!valid) return std::nullopt;
    return parsed;
}

std::string UtcNow() {
    std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

std::string Label(const Migration& m) {
    std::string v = std::to_string(m.version);
    if (v.size() < 3) v.insert(0, 3 - v.size(), '0');
    return v + "_" + m.name;
}

struct AppliedRow {
    std::string name;
    std::string checksum;
    std::string applied_at;
};

Result<std::map<int, AppliedRow>> ReadApplied(const Rows& rows) {
    std::map<int, AppliedRow> applied;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto version = rows.GetInt(i, "version");
        if (!version) return MakeError(ErrorCode::kInternal, "schema_migrations has a row without a version");
        applied[static_cast<int>(*version)] =
            AppliedRow{rows.GetText(i, "name").value_or(""), rows.GetText(i, "checksum").value_or(""),
                       rows.GetText(i, "applied_at").value_or("")};
    }
    return applied;
}

constexpr std::string_view kSelectApplied =
    "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version";

Result<bool> TableExists(Db& db) {
    std::string_view sql =
        db.dialect() == Dialect::kSqlite
            ? "SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            : "SELECT 1 AS present WHERE to_regclass('schema_migrations') IS NOT NULL";
    auto rows = db.Query(sql);
    if (!rows) return rows.take_error();
    return !rows->empty();
}

Result<std::map<int, AppliedRow>> LoadApplied(Db& db) {
    auto exists = TableExists(db);
    if (!exists) return exists.take_error();
    if (!*exists) return std::map<int, AppliedRow>{};
    auto rows = db.Query(kSelectApplied);
    if (!rows) return rows.take_error();
    return ReadApplied(*rows);
}

Result<void> CheckSorted(const std::vector<Migration>& migrations) {
    for (std::size_t i = 1; i < migrations.size(); ++i) {
        if (migrations[i].version <= migrations[i - 1].version) {
            return MakeError(ErrorCode::kInvalidArgument, "migrations must be sorted by version without duplicates");
        }
    }
    return Ok();
}

/// Refuses a database that does not match the known migrations; returns the first pending one.
Result<const Migration*> CheckApplied(const std::map<int, AppliedRow>& applied,
                                      const std::vector<Migration>& migrations) {
    int known_max = migrations.empty() ? 0 : migrations.back().version;
    for (const auto& [version, row] : applied) {
        auto it = std::find_if(migrations.begin(), migrations.end(),
                               [v = version](const Migration& m) { return m.version == v; });
        if (it == migrations.end()) {
            return MakeError(ErrorCode::kConflict,
                             "the database has migration " + std::to_string(version) + " (" + row.name +
                                 ") which this binary does not know (it knows up to version " +
                                 std::to_string(known_max) + "); the database is newer than this binary");
        }
        if (row.checksum != MigrationChecksum(it->sql)) {
            return MakeError(ErrorCode::kConflict, "migration " + Label(*it) +
                                                       " was changed after it was applied (checksum mismatch); "
                                                       "add a new migration instead of editing an applied one");
        }
    }
    const Migration* pending = nullptr;
    for (const Migration& m : migrations) {
        if (applied.contains(m.version)) continue;
        pending = &m;
        break;
    }
    if (pending != nullptr && !applied.empty() && applied.rbegin()->first > pending->version) {
        return MakeError(ErrorCode::kConflict, "migration " + Label(*pending) + " is pending but the later migration " +
                                                   std::to_string(applied.rbegin()->first) + " is already applied");
    }
    return pending;
}

}  // namespace

std::string MigrationChecksum(std::string_view sql) {
    // FNV-1a, 64 bits: detects edits; not a defence against a malicious editor.
    std::uint64_t hash = 14695981039346656037ULL;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '\r' && i + 1 < sql.size() && sql[i + 1] == '\n') continue;
        hash ^= static_cast<unsigned char>(sql[i]);
        hash *= 1099511628211ULL;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 0xf];
    return out;
}

Result<std::vector<Migration>> ParseMigrations(Dialect dialect, std::span<const MigrationFile> files) {
    struct Slot {
        std::optional<Migration> common;
        std::optional<Migration> sqlite;
        std::optional<Migration> postgres;
        std::vector<std::string_view> names;
    };
    std::map<int, Slot> slots;
    for (const MigrationFile& file : files) {
        auto parsed = ParseFileName(file.name);
        if (!parsed) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "bad migration file name '" + std::string(file.name) +
                                 "': expected NNN_name.sql, NNN_name.sqlite.sql or NNN_name.postgres.sql "
                                 "(name in [a-z0-9_])");
        }
        Slot& slot = slots[parsed->version];
        slot.names.push_back(file.name);
        auto& target = !parsed->dialect                       ? slot.common
                       : *parsed->dialect == Dialect::kSqlite ? slot.sqlite
                                                              : slot.postgres;
        bool clash = target.has_value() || (parsed->dialect && slot.common) ||
                     (!parsed->dialect && (slot.sqlite || slot.postgres));
        for (const auto& other : {slot.common, slot.sqlite, slot.postgres}) {
            clash = clash || (other && other->name != parsed->name);
        }
        if (clash) {
            std::string list;
            for (auto n : slot.names) list += (list.empty() ? "" : ", ") + std::string(n);
            return MakeError(ErrorCode::kInvalidArgument,
                             "duplicate migration version " + std::to_string(parsed->version) + ": " + list);
        }
        target = Migration{parsed->version, parsed->name, file.sql};
    }
    std::vector<Migration> out;
    for (auto& [version, slot] : slots) {
        if (slot.common) {
            out.push_back(*slot.common);
            continue;
        }
        if (!slot.sqlite || !slot.postgres) {
            return MakeError(ErrorCode::kInvalidArgument, "migration " + std::to_string(version) +
                                                              " needs both a .sqlite.sql and a .postgres.sql file");
        }
        out.push_back(dialect == Dialect::kSqlite ? *slot.sqlite : *slot.postgres);
    }
    return out;  // std::map iterates in version order
}

std::vector<Migration> EmbeddedMigrations(Dialect dialect) {
    std::vector<MigrationFile> files;
    for (std::size_t i = 0; i < sql::EmbeddedFileCount(); ++i) {
        std::string_view name = sql::EmbeddedFileName(i);
        if (!name.starts_with(kMigrationsDir) ||
            name.substr(kMigrationsDir.size()).find('/') != std::string_view::npos) {
            continue;
        }
        files.push_back(MigrationFile{name, sql::EmbeddedFile(name)});
    }
    auto parsed = ParseMigrations(dialect, files);
    if (!parsed) throw std::logic_error("embedded migrations are invalid: " + parsed.error().message);
    return std::move(*parsed);
}

Result<std::vector<MigrationState>> MigrationStatus(Db& db, const std::vector<Migration>& migrations) {
    auto applied = LoadApplied(db);
    if (!applied) return applied.take_error();
    std::vector<MigrationState> states;
    for (const Migration& m : migrations) {
        MigrationState state{m.version, m.name, false, "", false, false};
        if (auto it = applied->find(m.version); it != applied->end()) {
            state.applied = true;
            state.applied_at = it->second.applied_at;
            state.modified = it->second.checksum != MigrationChecksum(m.sql);
        }
        states.push_back(std::move(state));
    }
    for (const auto& [version, row] : *applied) {
        bool known = std::any_of(migrations.begin(), migrations.end(),
                                 [v = version](const Migration& m) { return m.version == v; });
        if (!known) states.push_back(MigrationState{version, row.name, true, row.applied_at, false, true});
    }
    std::sort(states.begin(), states.end(),
              [](const MigrationState& a, const MigrationState& b) { return a.version < b.version; });
    return states;
}

Result<std::vector<Migration>> Migrate(Db& db, const std::vector<Migration>& migrations) {
    if (auto sorted = CheckSorted(migrations); !sorted) return sorted.take_error();
    std::vector<Migration> done;
    for (;;) {
        std::optional<Migration> applied_now;
        // One transaction per migration; the lock (PostgreSQL) or BEGIN IMMEDIATE (SQLite) makes a concurrent
        // migrator wait, then re-read schema_migrations and find nothing left to do.
        auto tx = db.Transaction([&](Session& s) -> Result<void> {
            if (db.dialect() == Dialect::kPostgres) {
                if (auto locked = s.Query(kPostgresLock); !locked) return locked.take_error();
            }
            if (auto created = s.Execute(kCreateTable); !created) return created.take_error();
            auto rows = s.Query(kSelectApplied);
            if (!rows) return rows.take_error();
            auto applied = ReadApplied(*rows);
            if (!applied) return applied.take_error();
            auto pending = CheckApplied(*applied, migrations);
            if (!pending) return pending.take_error();
            if (*pending == nullptr) return Ok();
            const Migration& m = **pending;
            if (auto ran = s.ExecuteScript(m.sql); !ran) {
                Error error = ran.take_error();
                error.message = "migration " + Label(m) + " failed: " + error.message;
                return error;
            }
            std::vector<Value> params{std::int64_t{m.version}, m.name, MigrationChecksum(m.sql), UtcNow()};
            auto recorded = s.Execute(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)", params);
            if (!recorded) return recorded.take_error();
            applied_now = m;
            return Ok();
        });
        if (!tx) return tx.take_error();
        if (!applied_now) return done;
        done.push_back(std::move(*applied_now));
    }
}

Result<int> SchemaVersion(Db& db) {
    auto exists = TableExists(db);
    if (!exists) return exists.take_error();
    if (!*exists) return 0;
    auto rows = db.Query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations");
    if (!rows) return rows.take_error();
    return static_cast<int>(rows->GetInt(0, "version").value_or(0));
}

}  // namespace dihya::storage
