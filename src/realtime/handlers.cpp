#include "realtime/handlers.hpp"

#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "http/kit.hpp"
#include "realtime/sessions.hpp"

namespace dihya::realtime {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxStreamChannels = 32;

/// `channels=a,b` of the query, each checked for `who`.
Result<std::vector<std::string>> StreamChannels(const Request& req, const ChannelGuard& guard,
                                                const auth::Principal& who) {
    const auto list = req.QueryParam("channels");
    if (!list || list->empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "name the channels to watch: ?channels=project:<id>,user:<id>",
                         {{"channels", "required"}});
    }
    std::vector<std::string> out;
    std::string_view rest = *list;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string channel(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (channel.empty()) continue;
        if (auto ok = guard.Authorize(who, channel); !ok) return ok.take_error();
        if (std::find(out.begin(), out.end(), channel) == out.end()) out.push_back(channel);
        if (out.size() > kMaxStreamChannels) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "at most " + std::to_string(kMaxStreamChannels) + " channels per stream",
                             {{"channels", "too many"}});
        }
    }
    if (out.empty()) return MakeError(ErrorCode::kInvalidArgument, "no channel named", {{"channels", "required"}});
    return out;
}

/// The id to resume after: the Last-Event-ID header (what EventSource sends when it reconnects), else the
/// lastEventId query parameter (a page that reopens a stream itself).
Result<std::optional<std::int64_t>> ResumeAfter(const Request& req) {
    std::optional<std::string> raw;
    if (auto h = req.headers.Get("Last-Event-ID")) raw = std::string(*h);
    if (!raw) raw = req.QueryParam("lastEventId");
    if (!raw || raw->empty()) return std::optional<std::int64_t>();
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), id);
    if (ec != std::errc() || end != raw->data() + raw->size() || id < 0) {
        return MakeError(ErrorCode::kInvalidArgument, "Last-Event-ID is the id of an event this server sent",
                         {{"Last-Event-ID", "not an event id"}});
    }
    return std::optional<std::int64_t>(id);
}

}  // namespace

Result<auth::Principal> LiveCaller(http::Request& req, auth::AuthService& auth) {
    auth::Principal who = auth::PrincipalOf(req);
    if (auto ticket = req.QueryParam("ticket")) {
        if (who.authenticated()) {
            return MakeError(ErrorCode::kInvalidArgument, "send either Authorization or a ticket, not both");
        }
        auto p = auth.AuthenticateTicket(*ticket);
        if (!p) return p.take_error();
        auth::SetPrincipal(req, *p);
        who = *p;
    }
    if (!who.authenticated()) {
        return MakeError(ErrorCode::kUnauthenticated,
                         "sign in: Authorization: Bearer <token>, or ?ticket= from POST /api/v1/auth/ticket");
    }
    return who;
}

std::function<Result<auth::Principal>(std::string_view, std::string_view)> CredentialChecker(auth::AuthService& auth) {
    return [&auth](std::string_view kind, std::string_view credential) {
        return kind == "ticket" ? auth.AuthenticateTicket(credential) : auth.Authenticate(credential);
    };
}

void Register(http::App& app, Hub& hub, const ChannelGuard& guard, auth::AuthService& auth) {
    app.tags.push_back({"realtime", "Live events: WebSocket and server-sent events on channels (docs/realtime.md)"});
    const auto& rc = app.config.realtime;
    const auto send_queue = static_cast<std::size_t>(rc.send_queue);
    app.metrics.AddGauge("dihya_realtime_subscriptions", "Channel subscriptions of open live connections.",
                         [&hub] { return static_cast<double>(hub.subscriptions()); });

    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/ws",
         .operation_id = "realtimeSocket",
         .summary = "WebSocket: authenticate, subscribe to channels, receive events and presence",
         .description =
             "Upgrade to a WebSocket, then send `{\"type\":\"auth\",\"token\":ACCESS_TOKEN}` (or `\"ticket\"` from "
             "POST /api/v1/auth/ticket) as the first message — never a credential in the URL. Then "
             "`{\"type\":\"subscribe\",\"channel\":\"project:<id>\"}` / `unsubscribe`; events arrive as "
             "`{\"type\":\"event\",\"channel\",\"event\",\"id\",\"data\"}`. Channels: project:{id}, generation:{id}, "
             "user:{id}, marketplace. Pings every `realtime.heartbeat_ms`; a client whose queue overflows is closed "
             "with code 4008, a bad first message with 4401 or 1008.",
         .tag = "realtime",
         .responses = {{101, "Switching to the WebSocket protocol"}, {426, "Not a WebSocket upgrade request"}},
         .handler = [&hub, &guard, &auth, send_queue](Request& req) {
             if (!http::IsWebSocketUpgrade(req)) {
                 Response r =
                     Response::Problem(426, "Upgrade required",
                                       "this is a WebSocket endpoint: connect with a WebSocket client", req.request_id);
                 r.headers.Set("Upgrade", "websocket");
                 return r;
             }
             Response r = Response::Empty(101);
             r.live_kind = http::LiveKind::kWebSocket;
             r.live = std::make_shared<SocketSession>(SocketDeps{hub, guard, CredentialChecker(auth), send_queue});
             return r;
         }});

    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/events",
         .operation_id = "realtimeEvents",
         .summary = "Server-sent events of channels (text/event-stream)",
         .description =
             "`?channels=project:<id>,generation:<id>,user:<id>` — each must be yours to read. Authenticate with "
             "`Authorization: Bearer` or, from a browser's EventSource, `?ticket=` (POST /api/v1/auth/ticket). Each "
             "event has an `id`, an `event` name and as `data` the same JSON as the WebSocket's event message. "
             "Reconnecting with `Last-Event-ID` replays what was missed from a log of recent events "
             "(`realtime.event_log`); an `event: reset` says when that log no longer reaches back so far. A "
             "comment line is sent every `realtime.heartbeat_ms` of quiet.",
         .tag = "realtime",
         .params = {{"channels", "query", "Comma-separated channels", json::object{{"type", "string"}}, true},
                    {"ticket", "query", "A realtime ticket, for EventSource (instead of Authorization)",
                     json::object{{"type", "string"}}, false},
                    {"Last-Event-ID", "header", "Resume after this event", json::object{{"type", "string"}}, false}},
         .responses = {{200, "The event stream", json::object{{"type", "string"}}, "text/event-stream"},
                       {400, "Bad channel list"},
                       {401, "Not signed in"},
                       {403, "A channel that is not yours"},
                       {404, "A channel about something that does not exist"}},
         .handler = [&hub, &guard, &auth, send_queue](Request& req) {
             auto caller = LiveCaller(req, auth);
             if (!caller) return Problem(req, caller.error());
             const auth::Principal& who = *caller;
             auto channels = StreamChannels(req, guard, who);
             if (!channels) return Problem(req, channels.error());
             auto after = ResumeAfter(req);
             if (!after) return Problem(req, after.error());
             Response r = Response::Empty(200);
             r.headers.Set("Content-Type", "text/event-stream; charset=utf-8");
             r.headers.Set("Cache-Control", "no-store");
             r.headers.Set("X-Accel-Buffering", "no");  // nginx: pass events on at once
             r.live_kind = http::LiveKind::kEventStream;
             r.live = std::make_shared<EventStreamSession>(hub, *channels, *after, send_queue);
             return r;
         }});
}

}  // namespace dihya::realtime
