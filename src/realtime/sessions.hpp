#pragma once

// The two kinds of live connection on the hub: a server-sent event stream (channels fixed by its URL) and a
// WebSocket (authenticates with its first message, then subscribes and unsubscribes). Both implement
// http::LiveSession; the server drives them, the hub feeds them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.hpp"
#include "core/result.hpp"
#include "http/types.hpp"
#include "realtime/channels.hpp"
#include "realtime/hub.hpp"

namespace dihya::realtime {

/// WebSocket close code for a client that reads too slowly (its send queue overflowed).
inline constexpr int kCloseTooSlow = 4008;
/// WebSocket close code for a first message that does not authenticate.
inline constexpr int kCloseUnauthenticated = 4401;

/// The bounded queue of messages waiting for one connection. Pushing past `capacity` marks it overflowed: the
/// connection is closed rather than let grow.
class Outbox final {
public:
    explicit Outbox(std::size_t capacity) : capacity_(capacity) {}
    /// False (and nothing queued) once overflowed.
    bool Push(std::string message);
    std::vector<std::string> Take();
    bool overflowed() const;
    void SetWake(std::function<void()> wake);

private:
    mutable std::mutex mu_;
    std::size_t capacity_;
    std::vector<std::string> queue_;  // not a deque: an idle connection's empty queue allocates nothing
    bool overflowed_ = false;
    std::function<void()> wake_;
};

/// {"type":"event","channel","event","id","data"}: what both kinds of connection carry for an event.
std::string EventMessage(const Event& event);

/// text/event-stream: `id`, `event` and `data` (the EventMessage) per event; a comment as heartbeat; `reset` when
/// a resumed stream cannot be replayed in full.
class EventStreamSession final : public http::LiveSession, public Listener {
public:
    /// Subscribes at once (events published before the stream starts are kept): `last_event_id` replays what
    /// came after it.
    EventStreamSession(Hub& hub, const std::vector<std::string>& channels, std::optional<std::int64_t> last_event_id,
                       std::size_t send_queue);
    ~EventStreamSession() override;
    EventStreamSession(const EventStreamSession&) = delete;
    EventStreamSession& operator=(const EventStreamSession&) = delete;

    void Start(std::function<void()> wake) override;
    std::vector<std::string> Take() override { return out_.Take(); }
    std::optional<http::LiveClose> Closing() override;
    void Receive(std::string_view) override {}
    void Tick() override;
    void Ended() override;
    void OnEvent(const Event& event) override;

private:
    Hub& hub_;
    Outbox out_;
};

struct SocketDeps {
    Hub& hub;
    const ChannelGuard& guard;
    /// Checks the credential of the first message: kind "token" (access token or API key) or "ticket".
    std::function<Result<auth::Principal>(std::string_view kind, std::string_view credential)> authenticate;
    std::size_t send_queue = 256;
    std::size_t max_subscriptions = 64;
};

/// The WebSocket protocol of /api/v1/ws (docs/realtime.md): JSON text messages.
///   client: {"type":"auth","token"|"ticket"}, {"type":"subscribe"|"unsubscribe","channel"}, {"type":"ping"}
///   server: {"type":"ready","user"}, {"type":"subscribed","channel","viewers"?}, {"type":"unsubscribed",…},
///           {"type":"event",…}, {"type":"pong"}, {"type":"error","status","title","detail","channel"?}
/// project:{id} subscriptions count as presence (join/leave events on that channel).
class SocketSession final : public http::LiveSession, public Listener {
public:
    explicit SocketSession(SocketDeps deps);
    ~SocketSession() override;
    SocketSession(const SocketSession&) = delete;
    SocketSession& operator=(const SocketSession&) = delete;

    void Start(std::function<void()> wake) override { out_.SetWake(std::move(wake)); }
    std::vector<std::string> Take() override { return out_.Take(); }
    std::optional<http::LiveClose> Closing() override;
    void Receive(std::string_view message) override;
    void Tick() override;
    void Ended() override;
    void OnEvent(const Event& event) override;

private:
    void Reply(const Error& error, std::string_view channel = {});
    void Close(int code, std::string reason);
    void Subscribe(const std::string& channel);
    void Unsubscribe(const std::string& channel);
    void LeaveAll();

    SocketDeps d_;
    Outbox out_;
    std::optional<auth::Principal> who_;  // set by the first message
    std::set<std::string> channels_;      // I/O thread only
    std::mutex close_mu_;
    std::optional<http::LiveClose> close_;
    bool ended_ = false;
};

}  // namespace dihya::realtime
