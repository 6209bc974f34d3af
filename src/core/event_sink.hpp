#pragma once

#include <string_view>

#include <boost/json/value.hpp>

namespace dihya {

/// Where services announce what happened, for the clients watching it live (realtime/hub.hpp delivers the events
/// to WebSocket and server-sent-event subscribers of `channel`). Publishing never fails and never blocks on a
/// client: an event nobody watches is dropped. `data` never holds secrets; personal data only on channels that
/// belong to that person.
class EventSink {
public:
    virtual ~EventSink() = default;
    /// `channel` is "kind:id" (project:…, generation:…, user:…, marketplace); `event` a dotted name
    /// (generation.progress, project.updated, …).
    virtual void Publish(std::string_view channel, std::string_view event, const boost::json::value& data) = 0;
};

/// Drops every event (command-line tools, unit tests).
class NullEventSink final : public EventSink {
public:
    void Publish(std::string_view, std::string_view, const boost::json::value&) override {}
};

}  // namespace dihya
