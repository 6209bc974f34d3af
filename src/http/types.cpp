#include "http/types.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include "core/problem.hpp"

namespace dihya::http {

namespace {

/// When a 503 that says nothing else tells clients to come back (a dependency down, a busy server).
constexpr std::int64_t kUnavailableRetrySeconds = 2;

}  // namespace

bool IEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

void Headers::Set(std::string_view name, std::string value) {
    Remove(name);
    items_.emplace_back(std::string(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
    std::erase_if(items_, [&](const auto& kv) { return IEquals(kv.first, name); });
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
    for (const auto& [k, v] : items_) {
        if (IEquals(k, name)) return std::string_view(v);
    }
    return std::nullopt;
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    auto params = boost::urls::parse_query(query);
    if (!params) return std::nullopt;
    // Keys and values are percent-decoded, '+' as a space (HTML forms).
    const boost::urls::encoding_opts opts(true);
    for (const auto& p : *params) {
        if (p.key.decode(opts) == name) return p.has_value ? p.value.decode(opts) : std::string();
    }
    return std::nullopt;
}

Response Response::Json(int status, const boost::json::value& body) {
    Response r;
    r.status = status;
    r.headers.Set("Content-Type", "application/json");
    r.body = boost::json::serialize(body);
    return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.headers.Set("Content-Type", std::move(content_type));
    r.body = std::move(body);
    return r;
}

Response Response::Problem(const Error& error, std::string_view request_id) {
    // The database's own words (its address, its file names) stay inside: said plainly, with when to retry.
    const bool from_database = error.message.starts_with("postgres:") || error.message.starts_with("sqlite:");
    if (from_database && (error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kInsufficientStorage)) {
        Error e = error;
        if (error.code == ErrorCode::kUnavailable) {
            e.message = "the database cannot be reached right now (it may be restarting); retry shortly";
            e.retry_after = std::max<std::int64_t>(e.retry_after, kUnavailableRetrySeconds);
        } else {
            e.message =
                "the disk holding the server's data is full: nothing of this request was saved; retry once "
                "space is freed";
        }
        return Problem(e, request_id);
    }
    Response r;
    r.status = ProblemKindOf(error.code).status;
    r.headers.Set("Content-Type", "application/problem+json");
    r.body = ProblemJson(error, request_id);
    const std::int64_t retry =
        error.code == ErrorCode::kUnavailable && error.retry_after <= 0 ? kUnavailableRetrySeconds : error.retry_after;
    if (retry > 0) r.headers.Set("Retry-After", std::to_string(retry));
    if (error.code == ErrorCode::kUnauthenticated) r.headers.Set("WWW-Authenticate", "Bearer");
    return r;
}

Response Response::Problem(int status, std::string_view title, std::string_view detail, std::string_view request_id) {
    Response r;
    r.status = status;
    r.headers.Set("Content-Type", "application/problem+json");
    r.body = ProblemJson(status, title, detail, request_id);
    return r;
}

Response Response::Empty(int status) {
    Response r;
    r.status = status;
    return r;
}

Result<boost::json::value> ParseJsonBody(const Request& request) {
    if (request.body.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "the request body must be a JSON object", {{"body", "missing"}});
    }
    boost::system::error_code ec;
    boost::json::parse_options opts;
    opts.max_depth = 64;
    boost::json::value v = boost::json::parse(request.body, ec, {}, opts);
    if (ec) {
        return MakeError(ErrorCode::kInvalidArgument, "the request body is not valid JSON: " + ec.message(),
                         {{"body", "invalid JSON"}});
    }
    if (!v.is_object()) {
        return MakeError(ErrorCode::kInvalidArgument, "the request body must be a JSON object",
                         {{"body", "must be an object"}});
    }
    return v;
}

std::string_view ReasonPhrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 412: return "Precondition Failed";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "";
    }
}

}  // namespace dihya::http

namespace dihya::http {

namespace {

/// Whether the comma-separated header value lists `token` (case-insensitive).
bool ListsToken(std::string_view value, std::string_view token) {
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        std::string_view item = value.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (IEquals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

bool IsWebSocketUpgrade(const Request& request) {
    if (request.method != "GET") return false;
    const auto upgrade = request.headers.Get("Upgrade");
    const auto connection = request.headers.Get("Connection");
    const auto version = request.headers.Get("Sec-WebSocket-Version");
    return upgrade && ListsToken(*upgrade, "websocket") && connection && ListsToken(*connection, "upgrade") &&
           request.headers.Has("Sec-WebSocket-Key") && version && *version == "13";
}

}  // namespace dihya::http
