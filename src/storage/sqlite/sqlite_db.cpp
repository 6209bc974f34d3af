#include "storage/sqlite/sqlite_db.hpp"

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "core/files.hpp"

namespace dihya::storage::sqlite {

namespace {

constexpr std::size_t kMaxCachedStatements = 256;

ErrorCode MapSqliteCode(int extended_code) {
    if (extended_code == SQLITE_CONSTRAINT_UNIQUE || extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return ErrorCode::kAlreadyExists;
    }
    switch (extended_code & 0xff) {
        case SQLITE_CONSTRAINT: return ErrorCode::kConflict;
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return ErrorCode::kUnavailable;
        case SQLITE_FULL: return ErrorCode::kInsufficientStorage;
        default: return ErrorCode::kInternal;
    }
}

Error SqliteError(sqlite3* db, std::string_view what) {
    int code = db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
    // A full disk is SQLITE_FULL when a write finds no room, an I/O error with ENOSPC when growing the shared
    // memory file or syncing does.
    const int os_error = db != nullptr ? sqlite3_system_errno(db) : 0;
    if ((code & 0xff) == SQLITE_FULL || ((code & 0xff) == SQLITE_IOERR && (os_error == ENOSPC || os_error == EDQUOT))) {
        return MakeError(ErrorCode::kInsufficientStorage,
                         "sqlite: " + std::string(what) + ": the disk holding the database is full; nothing was saved");
    }
    std::string message = "sqlite: " + std::string(what) + ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    return MakeError(MapSqliteCode(code), std::move(message));
}

bool IsBlank(const char* s) {
    for (; *s != '\0'; ++s) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';') return false;
    }
    return true;
}

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// One sqlite3 handle and its prepared-statement cache. Used by one thread at a time.
class Connection final {
public:
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    ~Connection() {
        ClearCache();
        sqlite3_close_v2(db_);
    }

    static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create, int busy_timeout_ms) {
        sqlite3* db = nullptr;
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
        int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
        if (rc != SQLITE_OK) {
            Error error = SqliteError(db, "cannot open database");
            error.code = ErrorCode::kUnavailable;
            sqlite3_close_v2(db);
            return error;
        }
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, busy_timeout_ms);
        return std::unique_ptr<Connection>(new Connection(db));
    }

    Result<sqlite3_stmt*> Prepare(std::string_view sql) {
        if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
        if (cache_.size() >= kMaxCachedStatements) ClearCache();
        sqlite3_stmt* stmt = nullptr;
        const char* tail = nullptr;
        int rc =
            sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
        if (rc != SQLITE_OK) return SqliteError(db_, "cannot prepare statement");
        if (stmt == nullptr) return MakeError(ErrorCode::kInvalidArgument, "sqlite: empty SQL statement");
        std::size_t used = static_cast<std::size_t>(tail - sql.data());
        if (used < sql.size() && !IsBlank(std::string(sql.substr(used)).c_str()) && HasStatement(sql.substr(used))) {
            sqlite3_finalize(stmt);
            return MakeError(ErrorCode::kInvalidArgument,
                             "sqlite: Query/Execute take one statement; use ExecuteScript for several");
        }
        cache_.emplace(std::string(sql), stmt);
        return stmt;
    }

    /// Binds `params`, steps `stmt` to completion and collects rows when `collect`.
    Result<Rows> Run(sqlite3_stmt* stmt, std::span<const Value> params, bool collect) {
        struct ResetGuard {
            sqlite3_stmt* s;
            ~ResetGuard() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } guard{stmt};
        if (auto bound = Bind(stmt, params); !bound) return bound.take_error();

        int ncol = sqlite3_column_count(stmt);
        std::vector<std::string> columns;
        std::vector<std::vector<Value>> rows;
        if (collect) {
            columns.reserve(static_cast<std::size_t>(ncol));
            for (int c = 0; c < ncol; ++c) {
                const char* name = sqlite3_column_name(stmt, c);
                columns.emplace_back(name != nullptr ? name : "");
            }
        }
        for (;;) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return SqliteError(db_, "statement failed");
            if (!collect) continue;
            std::vector<Value>& row = rows.emplace_back();
            row.reserve(static_cast<std::size_t>(ncol));
            for (int c = 0; c < ncol; ++c) row.push_back(ColumnValue(stmt, c));
        }
        return Rows(std::move(columns), std::move(rows));
    }

    Result<Rows> Query(std::string_view sql, std::span<const Value> params) {
        auto stmt = Prepare(sql);
        if (!stmt) return stmt.take_error();
        return Run(*stmt, params, true);
    }

    Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) {
        auto stmt = Prepare(sql);
        if (!stmt) return stmt.take_error();
        return ExecutePrepared(*stmt, params);
    }

    Result<std::int64_t> ExecutePrepared(sqlite3_stmt* stmt, std::span<const Value> params) {
        sqlite3_int64 before = sqlite3_total_changes64(db_);
        auto done = Run(stmt, params, false);
        if (!done) return done.take_error();
        // sqlite3_changes64 keeps the count of the last DML statement; report 0 for statements that changed nothing.
        if (sqlite3_total_changes64(db_) == before) return std::int64_t{0};
        return static_cast<std::int64_t>(sqlite3_changes64(db_));
    }

    Result<void> ExecuteScript(std::string_view sql) {
        std::string script(sql);
        char* message = nullptr;
        int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
        sqlite3_free(message);
        if (rc != SQLITE_OK) return SqliteError(db_, "script failed");
        return Ok();
    }

    bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

private:
    explicit Connection(sqlite3* db) : db_(db) {}

    bool HasStatement(std::string_view rest) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(db_, rest.data(), static_cast<int>(rest.size()), &stmt, nullptr);
        bool has = rc != SQLITE_OK || stmt != nullptr;
        sqlite3_finalize(stmt);
        return has;
    }

    void ClearCache() {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
        cache_.clear();
    }

    Result<void> Bind(sqlite3_stmt* stmt, std::span<const Value> params) {
        int expected = sqlite3_bind_parameter_count(stmt);
        if (static_cast<std::size_t>(expected) != params.size()) {
            return MakeError(ErrorCode::kInvalidArgument, "sqlite: statement takes " + std::to_string(expected) +
                                                              " parameters, " + std::to_string(params.size()) +
                                                              " given");
        }
        for (std::size_t i = 0; i < params.size(); ++i) {
            std::string name = "$" + std::to_string(i + 1);
            int index = sqlite3_bind_parameter_index(stmt, name.c_str());
            if (index == 0) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "sqlite: parameter " + name + " does not appear in the statement");
            }
            int rc = BindOne(stmt, index, params[i]);
            if (rc != SQLITE_OK) return SqliteError(db_, "cannot bind parameter " + name);
        }
        return Ok();
    }

    static int BindOne(sqlite3_stmt* stmt, int index, const Value& value) {
        if (const auto* i = std::get_if<std::int64_t>(&value)) return sqlite3_bind_int64(stmt, index, *i);
        if (const auto* d = std::get_if<double>(&value)) return sqlite3_bind_double(stmt, index, *d);
        if (const auto* s = std::get_if<std::string>(&value)) {
            return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
        }
        if (const auto* b = std::get_if<Blob>(&value)) {
            // A null data pointer would bind NULL; an empty blob must stay a (zero-length) blob.
            if (b->bytes.empty()) return sqlite3_bind_zeroblob(stmt, index, 0);
            return sqlite3_bind_blob64(stmt, index, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
        }
        return sqlite3_bind_null(stmt, index);
    }

    static Value ColumnValue(sqlite3_stmt* stmt, int c) {
        switch (sqlite3_column_type(stmt, c)) {
            case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(stmt, c));
            case SQLITE_FLOAT: return sqlite3_column_double(stmt, c);
            case SQLITE_TEXT: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                return std::string(text != nullptr ? text : "",
                                   static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
            }
            case SQLITE_BLOB: {
                const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, c));
                auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, c));
                return Blob{data != nullptr ? std::vector<std::uint8_t>(data, data + n) : std::vector<std::uint8_t>{}};
            }
            default: return std::monostate{};
        }
    }

    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

class SqliteSession final : public Session {
public:
    explicit SqliteSession(Connection& conn) : conn_(conn) {}

    Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
        return conn_.Query(sql, params);
    }
    Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
        return conn_.Execute(sql, params);
    }
    Result<void> ExecuteScript(std::string_view sql) override { return conn_.ExecuteScript(sql); }

private:
    Connection& conn_;
};

/// Runs fn between `begin` and COMMIT on conn; rolls back on an error or an exception.
Result<void> RunTransaction(Connection& conn, std::string_view begin, const std::function<Result<void>(Session&)>& fn) {
    if (auto r = conn.Execute(begin, {}); !r) return r.take_error();
    auto rollback = [&conn] {
        if (conn.InTransaction()) (void)conn.Execute("ROLLBACK", {});
    };
    SqliteSession session(conn);
    if (auto result = RunTransactionBody(session, fn, rollback); !result) return result;
    if (!conn.InTransaction()) {
        return MakeError(ErrorCode::kConflict, "sqlite: the transaction was rolled back by an earlier error");
    }
    if (auto r = conn.Execute("COMMIT", {}); !r) {
        rollback();
        return r.take_error();
    }
    return Ok();
}

class SqliteDb final : public Db {
public:
    SqliteDb(std::string path, bool memory, DbOptions options, std::unique_ptr<Connection> writer)
        : path_(std::move(path)), memory_(memory), options_(options), writer_(std::move(writer)) {}

    Dialect dialect() const override { return Dialect::kSqlite; }

    Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
        if (memory_) return WithWriter([&](Connection& c) { return c.Query(sql, params); });
        auto reader = AcquireReader();
        if (!reader) return reader.take_error();
        auto stmt = reader->conn->Prepare(sql);
        if (!stmt) return stmt.take_error();
        if (sqlite3_stmt_readonly(*stmt) != 0) return reader->conn->Run(*stmt, params, true);
        // INSERT ... RETURNING and other writes go to the writer.
        reader->Release();
        return WithWriter([&](Connection& c) { return c.Query(sql, params); });
    }

    Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
        return WithWriter([&](Connection& c) { return c.Execute(sql, params); });
    }

    Result<void> Transaction(const std::function<Result<void>(Session&)>& fn, TxKind kind) override {
        if (kind == TxKind::kWrite || memory_) {
            return WithWriter([&](Connection& c) { return RunTransaction(c, "BEGIN IMMEDIATE", fn); });
        }
        auto reader = AcquireReader();
        if (!reader) return reader.take_error();
        return RunTransaction(*reader->conn, "BEGIN", fn);
    }

    Result<void> Ping() override {
        auto rows = Query("SELECT 1", {});
        if (!rows) return rows.take_error();
        return Ok();
    }

    PoolStats Stats() const override {
        std::lock_guard lock(pool_mu_);
        PoolStats stats;
        stats.size = readers_open_ + 1;
        stats.in_use = readers_in_use_ + (writer_busy_ ? 1 : 0);
        stats.waiting = readers_waiting_ + writers_waiting_;
        return stats;
    }

    std::string Describe() const override {
        if (memory_) return "sqlite::memory:";
        return "sqlite://" + path_;  // sqlite:///abs/path.db or sqlite://relative/path.db
    }

private:
    /// A reader checked out of the pool; returned on destruction.
    struct ReaderLease {
        SqliteDb* db = nullptr;
        std::unique_ptr<Connection> conn;

        ReaderLease(SqliteDb* d, std::unique_ptr<Connection> c) : db(d), conn(std::move(c)) {}
        ReaderLease(ReaderLease&& o) noexcept : db(std::exchange(o.db, nullptr)), conn(std::move(o.conn)) {}
        ReaderLease& operator=(ReaderLease&&) = delete;
        ~ReaderLease() { Release(); }
        void Release() {
            if (db != nullptr) db->ReturnReader(std::move(conn));
            db = nullptr;
        }
    };

    template <class F>
    auto WithWriter(F&& f) -> decltype(f(std::declval<Connection&>())) {
        if (auto locked = LockWriter(); !locked) return locked.take_error();
        struct Unlock {
            SqliteDb* db;
            ~Unlock() { db->UnlockWriter(); }
        } unlock{this};
        return f(*writer_);
    }

    Result<void> LockWriter() {
        std::unique_lock lock(pool_mu_);
        if (writer_busy_ && writer_owner_ == std::this_thread::get_id()) {
            return MakeError(ErrorCode::kInternal,
                             "sqlite: the Db was used from inside its own write transaction; use the Session");
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
        ++writers_waiting_;
        bool free = writer_cv_.wait_until(lock, deadline, [&] { return !writer_busy_; });
        --writers_waiting_;
        if (!free) return MakeError(ErrorCode::kUnavailable, "sqlite: timed out waiting for the writer connection");
        writer_busy_ = true;
        writer_owner_ = std::this_thread::get_id();
        return Ok();
    }

    void UnlockWriter() {
        std::lock_guard lock(pool_mu_);
        writer_busy_ = false;
        writer_owner_ = std::thread::id();
        writer_cv_.notify_one();
    }

    Result<ReaderLease> AcquireReader() {
        std::unique_lock lock(pool_mu_);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
        while (idle_.empty() && readers_open_ >= options_.pool_size) {
            ++readers_waiting_;
            bool woke = pool_cv_.wait_until(lock, deadline,
                                            [&] { return !idle_.empty() || readers_open_ < options_.pool_size; });
            --readers_waiting_;
            if (!woke) return MakeError(ErrorCode::kUnavailable, "sqlite: timed out waiting for a reader connection");
        }
        ++readers_in_use_;
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return ReaderLease(this, std::move(conn));
        }
        ++readers_open_;
        lock.unlock();
        auto conn = OpenReader();
        if (!conn) {
            lock.lock();
            --readers_open_;
            --readers_in_use_;
            pool_cv_.notify_one();
            return conn.take_error();
        }
        return ReaderLease(this, std::move(*conn));
    }

    void ReturnReader(std::unique_ptr<Connection> conn) {
        std::lock_guard lock(pool_mu_);
        --readers_in_use_;
        if (conn != nullptr && !conn->InTransaction()) {
            idle_.push_back(std::move(conn));
        } else {
            --readers_open_;
        }
        pool_cv_.notify_one();
    }

    Result<std::unique_ptr<Connection>> OpenReader() {
        auto conn = Connection::Open(path_, false, options_.busy_timeout_ms);
        if (!conn) return conn.take_error();
        auto set =
            (*conn)->ExecuteScript("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA query_only = ON;");
        if (!set) return set.take_error();
        return std::move(*conn);
    }

    std::string path_;
    bool memory_;
    DbOptions options_;

    std::unique_ptr<Connection> writer_;

    mutable std::mutex pool_mu_;  // guards the writer's state and the reader pool
    std::condition_variable writer_cv_;
    bool writer_busy_ = false;
    std::thread::id writer_owner_;
    std::size_t writers_waiting_ = 0;
    std::condition_variable pool_cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t readers_open_ = 0;
    std::size_t readers_in_use_ = 0;
    std::size_t readers_waiting_ = 0;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenSqliteDatabase(const std::string& path, const DbOptions& options) {
    DbOptions opts = options;
    if (opts.pool_size == 0) opts.pool_size = 1;
    bool memory = path == kMemoryPath;
    if (!memory) {
        // The database holds password hashes, keys and specs: its directory 0700, the file and its -wal and -shm
        // journals 0600 (SQLite gives the journals the database file's mode), whatever the umask.
        std::filesystem::path parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) {
            std::error_code ec;
            const bool existed = std::filesystem::exists(parent, ec);
            if (auto dir = existed ? Ok() : MakePrivateDir(parent); !dir) return dir.take_error();
        }
        if (auto file = CreatePrivateFile(path); !file) return file.take_error();
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            if (auto file = MakePrivateFile(path + suffix); !file) return file.take_error();
        }
    }
    auto writer = Connection::Open(path, true, opts.busy_timeout_ms);
    if (!writer) return writer.take_error();
    Connection& conn = **writer;
    if (!memory) {
        auto mode = conn.Query("PRAGMA journal_mode = WAL", {});
        if (!mode) return mode.take_error();
        if (mode->GetText(0, "journal_mode") != "wal") {
            return MakeError(ErrorCode::kUnavailable, "sqlite: cannot switch the database to WAL mode");
        }
    }
    if (auto r = conn.ExecuteScript("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"); !r) {
        return r.take_error();
    }
    return std::unique_ptr<Db>(std::make_unique<SqliteDb>(path, memory, opts, std::move(*writer)));
}

}  // namespace dihya::storage::sqlite
