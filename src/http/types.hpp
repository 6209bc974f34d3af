#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
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

/// How a live session asks to end its connection: a WebSocket close code (RFC 6455 §7.4) and reason.
struct LiveClose {
    int code = 1000;
    std::string reason;
};

/// A long-lived exchange that follows a response and keeps its connection: server-sent events, or the messages of
/// a WebSocket. The server drives it on the connection's executor (never two calls at once) and knows nothing of
/// what the messages mean; the session may be fed from other threads and says so through `wake`.
class LiveSession {
public:
    virtual ~LiveSession() = default;
    /// Called once, before anything else: `wake` (callable from any thread, any number of times) tells the server
    /// that Take() has something.
    virtual void Start(std::function<void()> wake) = 0;
    /// The messages waiting to be sent, in order (SSE: framed events; WebSocket: text messages).
    virtual std::vector<std::string> Take() = 0;
    /// Set once the session wants its connection closed, after the messages Take() gave.
    virtual std::optional<LiveClose> Closing() = 0;
    /// A message from the client (WebSocket only): text, or bytes when binary().
    virtual void Receive(std::string_view message) = 0;
    /// Nothing was sent for a heartbeat interval (realtime.heartbeat_ms).
    virtual void Tick() = 0;
    /// The connection is gone (client left, error, shutdown, Closing()); no call follows.
    virtual void Ended() = 0;
    /// WebSocket: binary messages both ways instead of text (Receive gets the bytes, Take's are sent as binary).
    virtual bool binary() const { return false; }
    /// WebSocket: the largest message accepted from the client; 0 for realtime.max_message_bytes.
    virtual std::size_t max_message_bytes() const { return 0; }
};

enum class LiveKind {
    kNone,
    kEventStream,  ///< text/event-stream: the headers go out, then what Take() gives, until the end
    kWebSocket,    ///< the request is a WebSocket upgrade: the server accepts it, then exchanges messages
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    /// When set, the body is this file instead, sent in pieces (downloads larger than memory should hold); the
    /// handler checked it exists.
    std::string file;
    /// Set by handlers that stream or need the connection closed after this response.
    bool close = false;
    /// A live session that takes the connection over after this response (200 for kEventStream; any status for
    /// kWebSocket: the server answers the upgrade with 101).
    LiveKind live_kind = LiveKind::kNone;
    std::shared_ptr<LiveSession> live;

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

/// Whether `request` asks to become a WebSocket (RFC 6455 §4.2.1: GET, Upgrade: websocket, Connection: upgrade,
/// a key and version 13).
bool IsWebSocketUpgrade(const Request& request);

}  // namespace dihya::http
