#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "http/types.hpp"

namespace dihya::http {

using Handler = std::function<Response(Request&)>;

/// One documented response of an operation.
struct ResponseDoc {
    int status = 200;
    std::string description;
    boost::json::value schema;  // JSON Schema; null → no body
    std::string content_type = "application/json";
};

struct ParamDoc {
    std::string name;
    std::string in = "query";  // query | header
    std::string description;
    boost::json::value schema;
    bool required = false;
};

/// Where a route's handler runs.
enum class Work {
    kInline,   ///< on the I/O thread: quick work only
    kAuth,     ///< password hashing: its own pool, never queued behind analyses or generations
    kCompute,  ///< analysis, generation, archives, remote calls: a bounded pool at a lower CPU priority; the request
               ///< carries a cancel flag set when its client goes away
};

/// A route and its documentation: one description gives the OpenAPI operation.
/// Path parameters: `{name}` (one segment), `{name:int}`, `{name:uuid}`, `{name*}` (rest of path).
struct Route {
    std::string method;
    std::string path;
    std::string operation_id;
    std::string summary;
    std::string description;
    std::string tag;
    boost::json::value request_schema;  // JSON Schema of the body; null → no body
    std::vector<ParamDoc> params;
    std::vector<ResponseDoc> responses;
    bool requires_auth = false;  // guests get 401 before the handler runs (services still check permissions)
    bool hidden = false;         // not in the OpenAPI document (static assets)
    /// Long work runs off the I/O threads, so other connections are served meanwhile.
    Work work = Work::kInline;
    /// Matches only when no other route matches the path (whatever the method), and never makes another method's
    /// request a 405: a catch-all for the pages of a single-page app.
    bool fallback = false;
    Handler handler;
};

struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    /// When the path matched but not the method: the allowed methods (HEAD added for GET).
    std::vector<std::string> allowed;
    /// A path parameter had the wrong type, e.g. "abc" for {id:int}.
    std::string bad_param;
};

class Router final {
public:
    /// Throws std::invalid_argument on a malformed pattern or a duplicate method+path:
    /// routes are registered at start-up, so that is a programming error.
    void Add(Route route);
    Match Find(std::string_view method, std::string_view path) const;
    const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

private:
    struct Segment {
        enum class Kind { kLiteral, kParam, kRest } kind = Kind::kLiteral;
        std::string text;  // literal text or parameter name
        std::string type;  // "", "int", "uuid"
    };
    struct Compiled {
        std::vector<Segment> segments;
        const Route* route;
    };
    std::vector<std::unique_ptr<Route>> routes_;
    std::vector<Compiled> compiled_;
};

}  // namespace dihya::http
