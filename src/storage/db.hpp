#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace dihya::storage {

struct Blob {
    std::vector<std::uint8_t> bytes;
    bool operator==(const Blob&) const = default;
};

/// A bound parameter or a column value. NULL is std::monostate.
using Value = std::variant<std::monostate, std::int64_t, double, std::string, Blob>;

enum class Dialect { kSqlite, kPostgres };

/// A materialised result set. Column values are typed as the back end reports them:
/// integers as int64, reals as double, text as string, bytea/blob as Blob, NULL as monostate.
class Rows final {
public:
    Rows() = default;
    Rows(std::vector<std::string> columns, std::vector<std::vector<Value>> rows)
        : columns_(std::move(columns)), rows_(std::move(rows)) {}

    std::size_t size() const { return rows_.size(); }
    bool empty() const { return rows_.empty(); }
    const std::vector<std::string>& columns() const { return columns_; }
    const std::vector<Value>& row(std::size_t i) const { return rows_[i]; }
    /// Column index by name; -1 when absent.
    int column(std::string_view name) const;

    const Value& at(std::size_t row, std::string_view column) const;
    std::optional<std::int64_t> GetInt(std::size_t row, std::string_view column) const;
    std::optional<double> GetDouble(std::size_t row, std::string_view column) const;
    std::optional<std::string> GetText(std::size_t row, std::string_view column) const;

private:
    std::vector<std::string> columns_;
    std::vector<std::vector<Value>> rows_;
};

/// One connection, used inside a transaction. SQL uses PostgreSQL-style positional
/// placeholders `$1`, `$2`, ... on both back ends.
class Session {
public:
    virtual ~Session() = default;
    virtual Result<Rows> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
    /// Returns the number of affected rows.
    virtual Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params = {}) = 0;
    /// Runs a script of several statements without parameters (migrations).
    virtual Result<void> ExecuteScript(std::string_view sql) = 0;
};

struct PoolStats {
    std::size_t size = 0;     // open connections
    std::size_t in_use = 0;   // checked out right now
    std::size_t waiting = 0;  // callers waiting for a connection
};

struct DbOptions {
    std::size_t pool_size = 8;   // connections (SQLite: readers; one writer is extra)
    int busy_timeout_ms = 5000;  // SQLite busy timeout; PostgreSQL connect/acquire timeout
};

enum class TxKind { kRead, kWrite };

/// The storage interface. Thread-safe: any thread may call any method.
class Db {
public:
    virtual ~Db() = default;
    virtual Dialect dialect() const = 0;
    virtual Result<Rows> Query(std::string_view sql, std::span<const Value> params = {}) = 0;
    virtual Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params = {}) = 0;
    /// Runs fn inside BEGIN/COMMIT; rolls back when fn returns an error.
    virtual Result<void> Transaction(const std::function<Result<void>(Session&)>& fn, TxKind kind = TxKind::kWrite) = 0;
    /// Cheap round trip to the server (readiness).
    virtual Result<void> Ping() = 0;
    virtual PoolStats Stats() const = 0;
    /// A URL safe to log (password removed).
    virtual std::string Describe() const = 0;
};

/// `url` with any password (user-info or `password=` query parameter) removed; safe to log.
std::string RedactDatabaseUrl(std::string_view url);

/// Opens `sqlite:///abs/path.db`, `sqlite://relative/path.db`, `sqlite::memory:` or
/// `postgresql://user:pass@host:port/db` (also `postgres://`).
Result<std::unique_ptr<Db>> OpenDatabase(const std::string& url, const DbOptions& options = {});

/// For back ends: runs a transaction body, calling `rollback` when it returns an error or throws (the exception
/// is rethrown). Returns the body's result; committing is the caller's.
Result<void> RunTransactionBody(Session& session, const std::function<Result<void>(Session&)>& fn,
                                const std::function<void()>& rollback);

}  // namespace dihya::storage
