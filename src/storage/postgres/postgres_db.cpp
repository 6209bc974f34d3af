#include "storage/postgres/postgres_db.hpp"

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <libpq-fe.h>

namespace dihya::storage::postgres {

namespace {

constexpr std::size_t kMaxPreparedStatements = 256;

// Type OIDs from pg_type.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

/// Removes `secret` from `text` and folds libpq's multi-line messages onto one line.
std::string Sanitize(std::string text, const std::string& secret) {
    if (!secret.empty()) {
        for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
            text.replace(pos, secret.size(), "***");
        }
    }
    for (char& c : text) {
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

ErrorCode MapSqlState(std::string_view state) {
    if (state == "23505") return ErrorCode::kAlreadyExists;
    if (state.starts_with("23")) return ErrorCode::kConflict;
    if (state == "08P01") return ErrorCode::kInternal;  // protocol violation, e.g. wrong parameter count
    if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
        return ErrorCode::kUnavailable;
    }
    if (state == "53100") return ErrorCode::kInsufficientStorage;  // disk_full
    if (state.starts_with("53")) return ErrorCode::kUnavailable;   // insufficient resources (too many connections)
    if (state == "40001" || state == "40P01") return ErrorCode::kConflict;  // serialization failure, deadlock
    if (state == "57014") return ErrorCode::kTimeout;                       // statement timeout / cancel
    if (state.starts_with("22")) return ErrorCode::kInvalidArgument;        // data exception
    return ErrorCode::kInternal;
}

bool IsConnectionState(std::string_view state) {
    return (state.starts_with("08") && state != "08P01") || state == "57P01" || state == "57P02" || state == "57P03";
}

/// One libpq connection and its prepared statements (keyed by SQL text and blob parameter positions).
class Connection final {
public:
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { PQfinish(conn_); }

    static Result<std::unique_ptr<Connection>> Open(const std::string& url, int connect_timeout_s,
                                                    const std::string& secret) {
        std::string timeout = std::to_string(connect_timeout_s);
        // Earlier keywords are defaults; values in the URL (expanded from dbname) override them.
        const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
        const char* values[] = {timeout.c_str(), "dihya", url.c_str(), nullptr};
        PGconn* conn = PQconnectdbParams(keywords, values, 1);
        if (conn == nullptr) return MakeError(ErrorCode::kUnavailable, "postgres: out of memory");
        if (PQstatus(conn) != CONNECTION_OK) {
            std::string message = Sanitize(PQerrorMessage(conn), secret);
            PQfinish(conn);
            return MakeError(ErrorCode::kUnavailable, "postgres: cannot connect: " + message);
        }
        PQsetNoticeProcessor(
            conn, [](void*, const char*) {}, nullptr);
        return std::unique_ptr<Connection>(new Connection(conn, secret));
    }

    bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
    bool Idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }
    bool InFailedTransaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }
    /// True when the last failure was due to the connection rather than the statement.
    bool LastErrorWasConnection() const { return last_error_was_connection_ || !Healthy(); }

    /// Notices a connection the server closed while it sat idle in the pool.
    bool CheckAlive() {
        if (!Healthy()) return false;
        if (PQconsumeInput(conn_) == 0) return false;
        return Healthy();
    }

    Result<void> Reset() {
        prepared_.clear();
        PQreset(conn_);
        if (!Healthy()) {
            return MakeError(ErrorCode::kUnavailable,
                             "postgres: cannot reconnect: " + Sanitize(PQerrorMessage(conn_), secret_));
        }
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);
        return Ok();
    }

    /// Runs a parameterless command or script with the simple query protocol.
    Result<PgResult> Simple(std::string_view sql, std::string_view what) {
        last_error_was_connection_ = false;
        std::string text(sql);
        PgResult res(PQexec(conn_, text.c_str()));
        return Check(std::move(res), what);
    }

    Result<PgResult> Run(std::string_view sql, std::span<const Value> params) {
        last_error_was_connection_ = false;
        std::string key(sql);
        bool has_blob = false;
        for (const Value& v : params) has_blob = has_blob || std::holds_alternative<Blob>(v);
        if (has_blob) {
            key.push_back('\0');
            for (const Value& v : params) key.push_back(std::holds_alternative<Blob>(v) ? 'b' : '.');
        }
        auto result = RunPrepared(key, sql, params);
        if (result || !IsStalePlan(result.error())) return result;
        // The schema changed under a cached plan: drop it; re-prepare now unless a transaction was aborted.
        Forget(key);
        if (!Idle()) return result;
        return RunPrepared(key, sql, params);
    }

private:
    Connection(PGconn* conn, std::string secret) : conn_(conn), secret_(std::move(secret)) {}

    static bool IsStalePlan(const Error& error) {
        return error.message.find("cached plan must not change result type") != std::string::npos;
    }

    void Forget(const std::string& key) {
        auto it = prepared_.find(key);
        if (it == prepared_.end()) return;
        if (Idle()) PgResult deallocated(PQexec(conn_, ("DEALLOCATE " + it->second).c_str()));
        prepared_.erase(it);
    }

    Result<PgResult> RunPrepared(const std::string& key, std::string_view sql, std::span<const Value> params) {
        std::vector<std::string> storage(params.size());
        std::vector<const char*> values(params.size());
        std::vector<int> lengths(params.size());
        std::vector<int> formats(params.size());
        std::vector<Oid> types(params.size());
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i];
            if (const auto* n = std::get_if<std::int64_t>(&v)) {
                storage[i] = std::to_string(*n);
                values[i] = storage[i].c_str();
            } else if (const auto* d = std::get_if<double>(&v)) {
                char buf[64];
                auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
                storage[i].assign(buf, ec == std::errc{} ? end : buf);
                values[i] = storage[i].c_str();
            } else if (const auto* s = std::get_if<std::string>(&v)) {
                if (s->find('\0') != std::string::npos) {
                    return MakeError(ErrorCode::kInvalidArgument,
                                     "postgres: text parameter $" + std::to_string(i + 1) + " contains a NUL byte");
                }
                values[i] = s->c_str();
            } else if (const auto* b = std::get_if<Blob>(&v)) {
                values[i] = b->bytes.empty() ? "" : reinterpret_cast<const char*>(b->bytes.data());
                lengths[i] = static_cast<int>(b->bytes.size());
                formats[i] = 1;
                types[i] = kByteaOid;
            }
        }

        auto it = prepared_.find(key);
        if (it == prepared_.end()) {
            if (prepared_.size() >= kMaxPreparedStatements && Idle()) {
                PgResult deallocated(PQexec(conn_, "DEALLOCATE ALL"));
                prepared_.clear();
            }
            std::string name = "dihya_" + std::to_string(++statement_counter_);
            std::string text(sql);
            PgResult prep(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()), types.data()));
            auto checked = Check(std::move(prep), "cannot prepare statement");
            if (!checked) return checked.take_error();
            it = prepared_.emplace(key, std::move(name)).first;
        }
        PgResult res(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(),
                                    lengths.data(), formats.data(), 0));
        return Check(std::move(res), "statement failed");
    }

    Result<PgResult> Check(PgResult res, std::string_view what) {
        if (res == nullptr) {
            last_error_was_connection_ = true;
            return MakeError(ErrorCode::kUnavailable,
                             "postgres: " + std::string(what) + ": " + Sanitize(PQerrorMessage(conn_), secret_));
        }
        ExecStatusType status = PQresultStatus(res.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return res;
        if (status == PGRES_EMPTY_QUERY) return MakeError(ErrorCode::kInvalidArgument, "postgres: empty SQL statement");
        const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
        std::string sqlstate = state != nullptr ? state : "";
        const char* primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
        std::string message = primary != nullptr ? primary : PQresultErrorMessage(res.get());
        // Data exceptions may quote the offending input after a colon; keep only the description.
        if (sqlstate.starts_with("22")) message = message.substr(0, message.find(':'));
        message = Sanitize(std::move(message), secret_);
        last_error_was_connection_ = IsConnectionState(sqlstate) || !Healthy();
        ErrorCode code =
            sqlstate.empty() ? (Healthy() ? ErrorCode::kInternal : ErrorCode::kUnavailable) : MapSqlState(sqlstate);
        std::string text = "postgres: " + std::string(what) + ": " + message;
        if (!sqlstate.empty()) text += " (SQLSTATE " + sqlstate + ")";
        return MakeError(code, std::move(text));
    }

    PGconn* conn_;
    std::string secret_;
    std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> prepared_;
    std::uint64_t statement_counter_ = 0;
    bool last_error_was_connection_ = false;
};

Value DecodeValue(const PGresult* res, int row, int col) {
    if (PQgetisnull(res, row, col) != 0) return std::monostate{};
    const char* text = PQgetvalue(res, row, col);
    auto length = static_cast<std::size_t>(PQgetlength(res, row, col));
    switch (PQftype(res, col)) {
        case kBoolOid: return std::int64_t{text[0] == 't' ? 1 : 0};
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
        case kOidOid: {
            std::int64_t n = 0;
            std::from_chars(text, text + length, n);
            return n;
        }
        case kFloat4Oid:
        case kFloat8Oid:
        case kNumericOid: {
            double d = 0;
            std::from_chars(text, text + length, d);
            return d;
        }
        case kByteaOid: {
            std::size_t n = 0;
            unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
            if (bytes == nullptr) return Blob{};
            Blob blob{std::vector<std::uint8_t>(bytes, bytes + n)};
            PQfreemem(bytes);
            return blob;
        }
        default: return std::string(text, length);
    }
}

Rows ToRows(const PGresult* res) {
    int nfields = PQnfields(res);
    int ntuples = PQntuples(res);
    std::vector<std::string> columns;
    columns.reserve(static_cast<std::size_t>(nfields));
    for (int c = 0; c < nfields; ++c) columns.emplace_back(PQfname(res, c));
    std::vector<std::vector<Value>> rows(static_cast<std::size_t>(ntuples));
    for (int r = 0; r < ntuples; ++r) {
        auto& row = rows[static_cast<std::size_t>(r)];
        row.reserve(static_cast<std::size_t>(nfields));
        for (int c = 0; c < nfields; ++c) row.push_back(DecodeValue(res, r, c));
    }
    return Rows(std::move(columns), std::move(rows));
}

std::int64_t AffectedRows(const PGresult* res) {
    const char* tuples = PQcmdTuples(const_cast<PGresult*>(res));
    std::int64_t n = 0;
    if (tuples != nullptr) std::from_chars(tuples, tuples + std::strlen(tuples), n);
    return n;
}

Result<Rows> QueryOn(Connection& conn, std::string_view sql, std::span<const Value> params) {
    auto res = conn.Run(sql, params);
    if (!res) return res.take_error();
    return ToRows(res->get());
}

Result<std::int64_t> ExecuteOn(Connection& conn, std::string_view sql, std::span<const Value> params) {
    auto res = conn.Run(sql, params);
    if (!res) return res.take_error();
    return AffectedRows(res->get());
}

class PgSession final : public Session {
public:
    explicit PgSession(Connection& conn) : conn_(conn) {}

    Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
        return QueryOn(conn_, sql, params);
    }
    Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
        return ExecuteOn(conn_, sql, params);
    }
    Result<void> ExecuteScript(std::string_view sql) override {
        auto res = conn_.Simple(sql, "script failed");
        if (!res) return res.take_error();
        return Ok();
    }

private:
    Connection& conn_;
};

class PostgresDb final : public Db {
public:
    PostgresDb(std::string url, std::string secret, DbOptions options)
        : url_(std::move(url)), secret_(std::move(secret)), options_(options) {}

    Dialect dialect() const override { return Dialect::kPostgres; }

    Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
        return WithRetry([&](Connection& c) { return QueryOn(c, sql, params); });
    }

    Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
        return WithRetry([&](Connection& c) { return ExecuteOn(c, sql, params); });
    }

    Result<void> Transaction(const std::function<Result<void>(Session&)>& fn, TxKind kind) override {
        auto lease = Acquire();
        if (!lease) return lease.take_error();
        Connection& conn = *lease->conn;
        std::string_view begin = kind == TxKind::kRead ? "BEGIN READ ONLY" : "BEGIN";
        auto begun = conn.Simple(begin, "cannot begin transaction");
        if (!begun && conn.LastErrorWasConnection() && conn.Reset())
            begun = conn.Simple(begin, "cannot begin transaction");
        if (!begun) return begun.take_error();

        auto rollback = [&conn] {
            if (!conn.Idle()) (void)conn.Simple("ROLLBACK", "rollback failed");
        };
        PgSession session(conn);
        if (auto result = RunTransactionBody(session, fn, rollback); !result) return result;
        auto committed = conn.Simple("COMMIT", "commit failed");
        if (!committed) {
            rollback();
            return committed.take_error();
        }
        // COMMIT of a transaction aborted by an earlier (ignored) error reports ROLLBACK.
        if (std::strcmp(PQcmdStatus(committed->get()), "ROLLBACK") == 0) {
            return MakeError(ErrorCode::kConflict, "postgres: the transaction was rolled back by an earlier error");
        }
        return Ok();
    }

    Result<void> Ping() override {
        auto res = WithRetry([](Connection& c) { return c.Simple("SELECT 1", "ping failed"); });
        if (!res) return res.take_error();
        return Ok();
    }

    PoolStats Stats() const override {
        std::lock_guard lock(mu_);
        return PoolStats{size_, in_use_, waiting_};
    }

    std::string Describe() const override { return RedactDatabaseUrl(url_); }

    /// Opens the first connection so that configuration errors surface at start-up.
    Result<void> Warm() {
        auto lease = Acquire();
        if (!lease) return lease.take_error();
        return Ok();
    }

private:
    struct Lease {
        PostgresDb* db = nullptr;
        std::unique_ptr<Connection> conn;

        Lease(PostgresDb* d, std::unique_ptr<Connection> c) : db(d), conn(std::move(c)) {}
        Lease(Lease&& o) noexcept : db(std::exchange(o.db, nullptr)), conn(std::move(o.conn)) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease() {
            if (db != nullptr) db->Return(std::move(conn));
        }
    };

    template <class F>
    auto WithRetry(F&& f) -> decltype(f(std::declval<Connection&>())) {
        auto lease = Acquire();
        if (!lease) return lease.take_error();
        Connection& conn = *lease->conn;
        auto result = f(conn);
        // Only used outside transactions, so the statement can be retried on a fresh connection.
        if (result || !conn.LastErrorWasConnection()) return result;
        if (auto reset = conn.Reset(); !reset) return reset.take_error();
        return f(conn);
    }

    int ConnectTimeoutSeconds() const {
        int s = (options_.busy_timeout_ms + 999) / 1000;
        return s < 2 ? 2 : s;  // libpq treats 1 as 2
    }

    Result<Lease> Acquire() {
        std::unique_lock lock(mu_);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
        while (idle_.empty() && size_ >= options_.pool_size) {
            ++waiting_;
            bool woke = cv_.wait_until(lock, deadline, [&] { return !idle_.empty() || size_ < options_.pool_size; });
            --waiting_;
            if (!woke) return MakeError(ErrorCode::kUnavailable, "postgres: timed out waiting for a connection");
        }
        ++in_use_;
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            lock.unlock();
            if (!conn->CheckAlive()) {
                if (auto reset = conn->Reset(); !reset) {
                    Discard(std::move(conn));
                    return reset.take_error();
                }
            }
            return Lease(this, std::move(conn));
        }
        ++size_;
        lock.unlock();
        auto conn = Connection::Open(url_, ConnectTimeoutSeconds(), secret_);
        if (!conn) {
            Discard(nullptr);
            return conn.take_error();
        }
        return Lease(this, std::move(*conn));
    }

    void Return(std::unique_ptr<Connection> conn) {
        if (conn != nullptr && !conn->Idle() && conn->Healthy()) {
            (void)conn->Simple("ROLLBACK", "rollback failed");
        }
        if (conn == nullptr || !conn->Healthy() || !conn->Idle()) {
            Discard(std::move(conn));
            return;
        }
        std::lock_guard lock(mu_);
        --in_use_;
        idle_.push_back(std::move(conn));
        cv_.notify_one();
    }

    void Discard(std::unique_ptr<Connection> conn) {
        conn.reset();
        std::lock_guard lock(mu_);
        --in_use_;
        --size_;
        cv_.notify_one();
    }

    std::string url_;
    std::string secret_;
    DbOptions options_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t size_ = 0;
    std::size_t in_use_ = 0;
    std::size_t waiting_ = 0;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenPostgresDatabase(const std::string& url, const DbOptions& options) {
    char* parse_error = nullptr;
    PQconninfoOption* info = PQconninfoParse(url.c_str(), &parse_error);
    if (info == nullptr) {
        std::string detail = parse_error != nullptr ? parse_error : "out of memory";
        PQfreemem(parse_error);
        // The URL did not parse, so its password cannot be located: do not echo libpq's quote of it.
        std::string message = "malformed PostgreSQL URL";
        if (detail.find('"') == std::string::npos) message += ": " + Sanitize(detail, "");
        return MakeError(ErrorCode::kInvalidArgument, std::move(message));
    }
    std::string secret;
    for (PQconninfoOption* o = info; o->keyword != nullptr; ++o) {
        if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) secret = o->val;
    }
    PQconninfoFree(info);

    DbOptions opts = options;
    if (opts.pool_size == 0) opts.pool_size = 1;
    auto db = std::make_unique<PostgresDb>(url, std::move(secret), opts);
    if (auto warm = db->Warm(); !warm) return warm.take_error();
    return std::unique_ptr<Db>(std::move(db));
}

}  // namespace dihya::storage::postgres
