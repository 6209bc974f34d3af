#include "backup/service.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/migrations.hpp"

namespace dihya::backup {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSqliteEntry = "database/dihya.db";
constexpr std::string_view kPostgresEntry = "database/dihya.pgdump";
constexpr std::string_view kSuffix = ".backup";

bool IsSqlite(const std::string& url) {
    return url.starts_with("sqlite://");
}
bool IsPostgres(const std::string& url) {
    return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

Result<fs::path> SqlitePath(const std::string& url) {
    if (url == "sqlite::memory:" || url == "sqlite://:memory:") {
        return MakeError(ErrorCode::kInvalidArgument, "an in-memory database cannot be backed up or restored");
    }
    if (!IsSqlite(url) || url.size() <= 9) return MakeError(ErrorCode::kInvalidArgument, "not an SQLite database URL");
    return fs::path(url.substr(9));
}

/// A temporary folder (0700) removed with its content when it goes out of scope.
class TempDir final {
public:
    static Result<TempDir> In(const fs::path& parent) {
        std::string pattern = (parent / ".dihya-backup-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            return MakeError(ErrorCode::kUnavailable, "cannot create a temporary folder in " + parent.string());
        }
        return TempDir(pattern);
    }
    TempDir(TempDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
    TempDir& operator=(TempDir&&) = delete;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    explicit TempDir(fs::path p) : path_(std::move(p)) {}
    fs::path path_;
};

/// Copies the SQLite database `from` into the new file `to` with the online backup API: all pages in one step, so
/// in one read transaction (a consistent snapshot; in WAL mode writers go on meanwhile).
Result<void> CopySqlite(const fs::path& from, const fs::path& to) {
    sqlite3* src = nullptr;
    sqlite3* dst = nullptr;
    auto close = [&] {
        sqlite3_close_v2(src);
        sqlite3_close_v2(dst);
    };
    if (sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
        sqlite3_open_v2(to.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        std::string why = src != nullptr ? sqlite3_errmsg(src) : "out of memory";
        close();
        return MakeError(ErrorCode::kUnavailable, "cannot open the database " + from.string() + ": " + why);
    }
    sqlite3_busy_timeout(src, 5000);
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == nullptr) {
        std::string why = sqlite3_errmsg(dst);
        close();
        return MakeError(ErrorCode::kUnavailable, "cannot start the database copy: " + why);
    }
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < 100; ++attempt) {
        rc = sqlite3_backup_step(b, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    sqlite3_backup_finish(b);
    const std::string why = sqlite3_errstr(rc);
    close();
    if (rc != SQLITE_DONE) return MakeError(ErrorCode::kUnavailable, "the database copy failed: " + why);
    return Ok();
}

/// Whether the SQLite database at `path` has tables.
Result<bool> SqliteHasData(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec) || fs::file_size(path, ec) == 0) return false;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close_v2(db);
        return MakeError(ErrorCode::kUnavailable, "cannot open " + path.string());
    }
    sqlite3_stmt* st = nullptr;
    bool has = false;
    int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1, &st, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) has = sqlite3_column_int64(st, 0) > 0;
    sqlite3_finalize(st);
    sqlite3_close_v2(db);
    if (rc != SQLITE_OK) return MakeError(ErrorCode::kInvalidArgument, path.string() + " is not an SQLite database");
    return has;
}

/// The password of a PostgreSQL URL (user-info or `password=` parameter), decoded; empty when none.
std::string PasswordOf(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return {};
    if (u->has_password()) return std::string(u->password());
    for (const auto& p : u->params()) {
        if (p.key == "password") return std::string(p.value);
    }
    return {};
}

/// Runs a PostgreSQL client tool with the URL's password in PGPASSWORD (not on the command line, which any local
/// user can read); its standard error's end becomes the error message.
Result<void> RunTool(const std::string& tool, std::vector<std::string> args, const std::string& password) {
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) return MakeError(ErrorCode::kUnavailable, "cannot start " + tool);
    args.insert(args.begin(), tool);
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string pw = "PGPASSWORD=" + password;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(err_pipe[0]);
        ::close(err_pipe[1]);
        return MakeError(ErrorCode::kUnavailable, "cannot start " + tool);
    }
    if (pid == 0) {
        ::dup2(err_pipe[1], STDERR_FILENO);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        if (!password.empty()) ::putenv(pw.data());  // NOLINT(concurrency-mt-unsafe): the child alone
        ::execvp(tool.c_str(), argv.data());
        const std::string msg = tool + ": command not found (install the PostgreSQL client tools)\n";
        (void)!::write(STDERR_FILENO, msg.data(), msg.size());
        ::_exit(127);
    }
    ::close(err_pipe[1]);
    std::string err;
    std::array<char, 4096> buf{};
    for (;;) {
        const ssize_t n = ::read(err_pipe[0], buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        err.append(buf.data(), static_cast<std::size_t>(n));
        if (err.size() > 16384) err.erase(0, err.size() - 16384);
    }
    ::close(err_pipe[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Ok();
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    if (err.size() > 600) err = "..." + err.substr(err.size() - 600);
    return MakeError(ErrorCode::kUnavailable, tool + " failed: " + (err.empty() ? "no message" : err));
}

json::object Meta(storage::Db& db, std::string_view database) {
    json::object meta{{"created_at", FormatTime(std::chrono::system_clock::now())},
                      {"dihya_version", DIHYA_VERSION},
                      {"database", database}};
    if (auto v = storage::SchemaVersion(db)) meta["schema_version"] = *v;
    return meta;
}

}  // namespace

Result<std::vector<BackupKey>> KeysOf(const Config& config) {
    std::vector<BackupKey> keys;
    if (!config.backup.key.empty()) {
        auto k = ParseBackupKey(config.backup.key, "backup.key");
        if (!k) return k.take_error();
        keys.push_back(std::move(*k));
    }
    keys.push_back(DeriveBackupKey(config.secret));
    return keys;
}

Result<ArchiveInfo> MakeBackup(storage::Db& db, const std::string& database_url, const BackupKey& key,
                               const fs::path& out, const std::function<void(const std::string&)>& note) {
    const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    auto tmp = TempDir::In(folder);
    if (!tmp) return tmp.take_error();
    if (IsPostgres(database_url)) {
        note("dumping the PostgreSQL database (pg_dump)");
        const fs::path dump = tmp->path() / "dihya.pgdump";
        if (auto r = RunTool("pg_dump",
                             {"--format=custom", "--no-owner", "--no-privileges", "--file=" + dump.string(),
                              "--dbname=" + storage::RedactDatabaseUrl(database_url)},
                             PasswordOf(database_url));
            !r) {
            return r.take_error();
        }
        note("encrypting the dump into " + out.filename().string());
        const std::array<Entry, 1> files{Entry{std::string(kPostgresEntry), dump}};
        return WriteArchive(out, key, Meta(db, "postgresql"), files);
    }
    auto path = SqlitePath(database_url);
    if (!path) return path.take_error();
    note("copying the SQLite database (online backup)");
    const fs::path copy = tmp->path() / "dihya.db";
    if (auto r = CopySqlite(*path, copy); !r) return r.take_error();
    note("encrypting the copy into " + out.filename().string());
    const std::array<Entry, 1> files{Entry{std::string(kSqliteEntry), copy}};
    return WriteArchive(out, key, Meta(db, "sqlite"), files);
}

Result<json::object> Restore(const fs::path& in, std::span<const BackupKey> keys, const std::string& database_url,
                             RestoreOptions options, const std::function<void(const std::string&)>& note) {
    const bool postgres = IsPostgres(database_url);
    if (std::error_code ec; !fs::is_regular_file(in, ec)) {
        return MakeError(ErrorCode::kNotFound, in.string() + " does not exist or is not a file");
    }
    fs::path target;
    if (!postgres) {
        auto path = SqlitePath(database_url);
        if (!path) return path.take_error();
        target = *path;
        std::error_code ec;
        const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
        if (!fs::exists(dir, ec) && fs::create_directories(dir, ec)) {
            fs::permissions(dir, fs::perms::owner_all, ec);  // a new data directory: the owner's only
        }
        auto has = SqliteHasData(target);
        if (!has) return has.take_error();
        if (*has && !options.force) {
            return MakeError(ErrorCode::kConflict, "the database " + target.string() +
                                                       " already holds data; stop the server using it and add "
                                                       "--force to replace it");
        }
    } else {
        auto db = storage::OpenDatabase(database_url, {.pool_size = 1});
        if (!db) return db.take_error();
        auto tables = (*db)->Query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'");
        if (!tables) return tables.take_error();
        if (tables->GetInt(0, "n").value_or(0) > 0) {
            if (!options.force) {
                return MakeError(ErrorCode::kConflict, "the database " + (*db)->Describe() +
                                                           " already holds data; stop the servers using it and add "
                                                           "--force to replace it");
            }
            note("emptying the target database (--force)");
            auto emptied = (*db)->Transaction([](storage::Session& s) {
                return s.ExecuteScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
            });
            if (!emptied) return emptied.take_error();
        }
    }
    const fs::path folder = postgres ? fs::temp_directory_path() : target.parent_path();
    auto tmp = TempDir::In(folder.empty() ? fs::path(".") : folder);
    if (!tmp) return tmp.take_error();
    note("checking and decrypting " + in.filename().string());
    auto manifest = ExtractArchive(in, keys, tmp->path());
    if (!manifest) return manifest.take_error();
    const auto* kind = manifest->if_contains("database");
    const std::string database = kind != nullptr && kind->is_string() ? std::string(kind->as_string()) : "";
    if (database != (postgres ? "postgresql" : "sqlite")) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "this backup holds " + (database == "postgresql" ? std::string("a PostgreSQL") : "an SQLite") +
                             " database: restore it with " +
                             (database == "postgresql" ? "--database postgresql://..." : "--data-dir DIR"));
    }
    const auto known = storage::EmbeddedMigrations(postgres ? storage::Dialect::kPostgres : storage::Dialect::kSqlite);
    const auto* schema = manifest->if_contains("schema_version");
    if (schema != nullptr && schema->is_int64() && !known.empty() && schema->as_int64() > known.back().version) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "this backup was made by a newer dihya (schema version " + std::to_string(schema->as_int64()) +
                             ", this one knows up to " + std::to_string(known.back().version) +
                             "): restore it with that version or a later one");
    }
    if (postgres) {
        note("restoring into PostgreSQL (pg_restore, one transaction)");
        if (auto r = RunTool(
                "pg_restore",
                {"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                 "--dbname=" + storage::RedactDatabaseUrl(database_url), (tmp->path() / kPostgresEntry).string()},
                PasswordOf(database_url));
            !r) {
            return r.take_error();
        }
        return manifest;
    }
    note("putting the database in place: " + target.string());
    // The old database's write-ahead log must go first: left beside the new file, SQLite would replay it into it.
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(target.string() + suffix, ec);
    fs::rename(tmp->path() / kSqliteEntry, target, ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "cannot put the database in place: " + ec.message());
    if (const int dir = ::open(target.parent_path().empty() ? "." : target.parent_path().c_str(), O_RDONLY); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return manifest;
}

Backups::Backups(storage::Db& db, const Config& config, std::vector<BackupKey> keys, const Clock& clock, Logger& log)
    : db_(db), config_(config), keys_(std::move(keys)), clock_(clock), log_(log), dir_(config.EffectiveBackupDir()) {}

Result<json::object> Backups::Make(const std::function<void(const std::string&)>& note) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    fs::permissions(dir_, fs::perms::owner_all, ec);
    // dihya-20261207T030000Z.backup: sorts by time, and the name says when.
    std::string stamp = FormatTime(clock_.Now()).substr(0, 19);
    stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
    const std::string name = "dihya-" + stamp + "Z" + std::string(kSuffix);
    auto info = MakeBackup(db_, config_.EffectiveDatabaseUrl(), keys_.front(), dir_ / name, note);
    if (!info) return info.take_error();
    json::object out{{"name", name}, {"bytes", info->bytes}, {"sha256", info->sha256}};
    note("wrote " + name + " (" + std::to_string(info->bytes) + " bytes, sha256 " + info->sha256 + ")");
    auto all = List();
    if (!all) return all.take_error();
    json::array deleted;
    for (std::size_t i = static_cast<std::size_t>(config_.backup.keep); i < all->size(); ++i) {
        fs::remove(dir_ / (*all)[i].name, ec);
        if (!ec) deleted.push_back(json::string((*all)[i].name));
    }
    if (!deleted.empty()) note("deleted " + std::to_string(deleted.size()) + " older backup(s) (backup.keep)");
    out["deleted"] = std::move(deleted);
    return out;
}

Result<std::vector<BackupFile>> Backups::List() const {
    std::vector<BackupFile> out;
    std::error_code ec;
    if (!fs::exists(dir_, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        const std::string name = e.path().filename().string();
        if (!e.is_regular_file(ec) || !name.starts_with("dihya-") || !name.ends_with(kSuffix)) continue;
        BackupFile f{name, e.file_size(ec), ""};
        const auto mtime = e.last_write_time(ec);
        f.created_at = FormatTime(std::chrono::file_clock::to_sys(mtime));
        out.push_back(std::move(f));
    }
    if (ec) return MakeError(ErrorCode::kUnavailable, "cannot list " + dir_.string() + ": " + ec.message());
    std::sort(out.begin(), out.end(), [](const BackupFile& a, const BackupFile& b) { return a.name > b.name; });
    return out;
}

Result<fs::path> Backups::PathOf(const std::string& name) const {
    auto all = List();
    if (!all) return all.take_error();
    for (const auto& f : *all) {
        if (f.name == name) return dir_ / name;
    }
    return MakeError(ErrorCode::kNotFound, "no backup named '" + name + "'");
}

}  // namespace dihya::backup
