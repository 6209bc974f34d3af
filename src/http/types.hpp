#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "core/budget.hpp"
#include "core/result.hpp"

namespace dihya::http {

/// Header list with case-insensitive lookup; order is kept.
class Headers final {
public:
    void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
    /// Replaces every header of that name.
    void Set(std::string_view name, std::string value);
    void Remove(std::string_view name);
    std::optional<std::string_view> Get(std::string_view name) const;
    bool Has(std::string_view name) const { return Get(name).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

bool IEquals(std::string_view a, std::string_view b);

/// Request attribute holding the authenticated user id (set by the auth middleware; absent for guests).
inline constexpr std::string_view kAuthUserAttribute = "auth.user";

struct Request {
    std::string method;  // upper case
    std::string target;  // as received: path + query
    std::string path;    // decoded path
    std::string query;   // raw query string, without '?'
    Headers headers;
    std::string body;
    std::string remote_ip;
    bool tls = false;
    std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();
    /// Set (by the server) when the client closes its connection while a Work::kCompute handler runs.
    std::shared_ptr<const std::atomic<bool>> cancelled;

    // Filled by the server and router.
    std::string request_id;
    std::string route;  // matched route pattern, e.g. /api/v1/projects/{id}
    std::map<std::string, std::string> path_params;
    /// State middleware attaches to the request (never read from the client).
    std::map<std::string, std::string> attributes;

    std::optional<std::string> QueryParam(std::string_view name) const;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    /// Set by handlers that stream or need the connection closed after this response.
    bool close = false;

    static Response Json(int status, const boost::json::value& body);
    static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
    static Response Problem(const Error& error, std::string_view request_id);
    static Response Problem(int status, std::string_view title, std::string_view detail, std::string_view request_id);
    static Response Empty(int status);
};

/// The budget of long work done for `request`: `limit` from its arrival, stopped early when its client leaves.
inline Budget BudgetOf(const Request& request, std::chrono::milliseconds limit, std::string what) {
    return Budget(request.received_at, limit, request.cancelled, std::move(what));
}

/// Parses a JSON body; a malformed or non-object body is a kInvalidArgument with the position.
Result<boost::json::value> ParseJsonBody(const Request& request);

std::string_view ReasonPhrase(int status);

}  // namespace dihya::http
