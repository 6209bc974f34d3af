#pragma once

// The realtime hub: services publish events on channels (core/event_sink.hpp), live connections (WebSocket,
// server-sent events) subscribe to them. One process; recent events are kept for resumption (Last-Event-ID).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/event_sink.hpp"

namespace dihya::realtime {

struct Event {
    std::int64_t id = 0;  // increasing; ids of a later process start higher (HubOptions::first_id)
    std::string channel;
    std::string name;
    std::string data;  // JSON text
};

/// Receives the events of the channels it subscribed to. OnEvent runs on the publisher's thread while the hub is
/// locked: it must be quick and must not call the hub.
class Listener {
public:
    virtual ~Listener() = default;
    virtual void OnEvent(const Event& event) = 0;
};

struct HubOptions {
    /// Recent events kept for SubscribeAfter (0: none).
    std::size_t log_size = 1024;
    /// The first event's id: the composition root passes the start time in milliseconds, so that a client resuming
    /// after a restart never takes new events for ones it saw.
    std::int64_t first_id = 1;
};

/// The events after an id that a resuming subscriber missed.
struct Backlog {
    std::vector<Event> events;  // oldest first
    bool complete = true;       // false: some were already dropped from the log
};

class Hub final : public EventSink {
public:
    explicit Hub(HubOptions options = {});

    void Publish(std::string_view channel, std::string_view event, const boost::json::value& data) override;
    /// An event another node published (realtime/relay.hpp): delivered here, not forwarded again.
    void PublishFromPeer(std::string_view channel, std::string_view event, std::string data);
    /// Called with each event published here (after its delivery, outside the hub's lock): the relay to other
    /// nodes. nullptr detaches it.
    using Forwarder = std::function<void(std::string_view channel, std::string_view event, const std::string& data)>;
    void SetForwarder(Forwarder forwarder);

    void Subscribe(Listener& listener, const std::string& channel);
    /// Subscribes to `channels` and returns what they had after `after_id`, at once: no event is missed or
    /// delivered twice between the two.
    Backlog SubscribeAfter(Listener& listener, const std::vector<std::string>& channels, std::int64_t after_id);
    void Unsubscribe(Listener& listener, const std::string& channel);
    /// Ends every subscription of `listener`; after it returns, OnEvent is not called again (safe in destructors).
    void UnsubscribeAll(Listener& listener);

    /// Presence on `channel`: `user` views it (one more of their connections). The first connection of a user
    /// publishes `presence` {user, state: "join", viewers} on the channel; Leave's last one publishes "leave".
    void Join(const std::string& channel, const std::string& user);
    void Leave(const std::string& channel, const std::string& user);
    /// The users viewing `channel`, sorted.
    std::vector<std::string> Viewers(const std::string& channel) const;

    std::size_t subscriptions() const;
    std::int64_t last_id() const;

private:
    Event Append(std::string_view channel, std::string_view name, std::string data);                    // locked
    void Deliver(const Event& event);                                                                   // locked
    void PublishPresence(const std::string& channel, const std::string& user, std::string_view state);  // locked

    const HubOptions options_;
    mutable std::mutex mu_;
    std::int64_t next_id_;
    std::deque<Event> log_;
    std::map<std::string, std::set<Listener*>, std::less<>> by_channel_;
    std::map<Listener*, std::set<std::string>> by_listener_;
    std::map<std::string, std::map<std::string, int>> viewers_;
    std::shared_ptr<const Forwarder> forwarder_;  // swapped under mu_, called outside it
};

}  // namespace dihya::realtime
