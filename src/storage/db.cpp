#include "storage/db.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "storage/postgres/postgres_db.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace dihya::storage {

namespace {

const Value kNullValue{};

std::string FormatDouble(double d) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return ec == std::errc{} ? std::string(buf, end) : std::string();
}

}  // namespace

int Rows::column(std::string_view name) const {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i] == name) return static_cast<int>(i);
    }
    return -1;
}

const Value& Rows::at(std::size_t row, std::string_view column_name) const {
    int c = column(column_name);
    if (c < 0 || row >= rows_.size()) return kNullValue;
    return rows_[row][static_cast<std::size_t>(c)];
}

std::optional<std::int64_t> Rows::GetInt(std::size_t row, std::string_view column_name) const {
    const Value& v = at(row, column_name);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    // PostgreSQL reports SUM() and friends as numeric (a double here); accept integral values.
    if (const auto* d = std::get_if<double>(&v)) {
        if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.2e18) return static_cast<std::int64_t>(*d);
    }
    return std::nullopt;
}

std::optional<double> Rows::GetDouble(std::size_t row, std::string_view column_name) const {
    const Value& v = at(row, column_name);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    return std::nullopt;
}

std::optional<std::string> Rows::GetText(std::size_t row, std::string_view column_name) const {
    const Value& v = at(row, column_name);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
    if (const auto* b = std::get_if<Blob>(&v)) return std::string(b->bytes.begin(), b->bytes.end());
    return std::nullopt;
}

std::string RedactDatabaseUrl(std::string_view url) {
    std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    std::size_t authority_start = scheme_end + 3;
    std::size_t query_start = url.find('?', authority_start);
    std::string_view before_query = url.substr(0, query_start);

    std::string out;
    std::size_t at = before_query.rfind('@');
    if (at != std::string_view::npos && at >= authority_start) {
        std::string_view userinfo = url.substr(authority_start, at - authority_start);
        out.append(url.substr(0, authority_start));
        out.append(userinfo.substr(0, userinfo.find(':')));
        out.append(before_query.substr(at));
    } else {
        out.append(before_query);
    }
    if (query_start == std::string_view::npos) return out;

    // Drop `password=` parameters from the query string.
    std::string_view query = url.substr(query_start + 1);
    std::string kept;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (param.substr(0, 9) == "password=" || param == "password") continue;
        if (!kept.empty()) kept.push_back('&');
        kept.append(param);
    }
    if (!kept.empty()) out.append("?").append(kept);
    return out;
}

Result<std::unique_ptr<Db>> OpenDatabase(const std::string& url, const DbOptions& options) {
    if (url == "sqlite::memory:" || url == "sqlite://:memory:") {
        return sqlite::OpenSqliteDatabase(std::string(sqlite::kMemoryPath), options);
    }
    if (url.starts_with("sqlite://")) {
        std::string path = url.substr(9);  // "/abs/path.db" or "relative/path.db"
        if (path.empty() || path == "/") {
            return MakeError(ErrorCode::kInvalidArgument, "SQLite database URL has no file path");
        }
        return sqlite::OpenSqliteDatabase(path, options);
    }
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return postgres::OpenPostgresDatabase(url, options);
    }
    std::size_t colon = url.find(':');
    if (colon == std::string::npos || colon == 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "malformed database URL: expected sqlite:///path.db, sqlite::memory: or postgresql://...");
    }
    std::string scheme = url.substr(0, colon);
    if (scheme == "sqlite" || scheme == "postgresql" || scheme == "postgres") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "malformed " + scheme + " database URL: expected " + scheme +
                             (scheme == "sqlite" ? ":///path.db or sqlite::memory:" : "://host/db"));
    }
    bool printable = scheme.size() <= 32 && scheme.find_first_not_of(
                                                "abcdefghijklmnopqrstuvwxyz"
                                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == std::string::npos;
    return MakeError(
        ErrorCode::kInvalidArgument,
        (printable ? "unsupported database URL scheme '" + scheme + "'" : std::string("malformed database URL")) +
            ": expected sqlite:///path.db, sqlite::memory: or postgresql://...");
}

Result<void> RunTransactionBody(Session& session, const std::function<Result<void>(Session&)>& fn,
                                const std::function<void()>& rollback) {
    Result<void> result = Ok();
    try {
        result = fn(session);
    } catch (...) {
        rollback();
        throw;
    }
    if (!result) rollback();
    return result;
}

}  // namespace dihya::storage
