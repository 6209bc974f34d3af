#include "realtime/sessions.hpp"

#include <boost/json.hpp>

#include "core/problem.hpp"

namespace dihya::realtime {

namespace json = boost::json;

// --- Outbox --------------------------------------------------------------------------------------------------------

bool Outbox::Push(std::string message) {
    std::function<void()> wake;
    {
        std::lock_guard lock(mu_);
        if (overflowed_) return false;
        if (queue_.size() >= capacity_) {
            overflowed_ = true;
            queue_.clear();
        } else {
            queue_.push_back(std::move(message));
        }
        wake = wake_;
    }
    if (wake) wake();
    return !overflowed();
}

std::vector<std::string> Outbox::Take() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    out.swap(queue_);  // and the next Push starts from an empty, unallocated queue
    return out;
}

bool Outbox::overflowed() const {
    std::lock_guard lock(mu_);
    return overflowed_;
}

void Outbox::SetWake(std::function<void()> wake) {
    bool pending = false;
    {
        std::lock_guard lock(mu_);
        wake_ = std::move(wake);
        pending = !queue_.empty() || overflowed_;
    }
    if (pending && wake_) wake_();
}

std::string EventMessage(const Event& event) {
    std::string out = R"({"type":"event","channel":)";
    out += json::serialize(json::string_view(event.channel));
    out += R"(,"event":)";
    out += json::serialize(json::string_view(event.name));
    out += R"(,"id":)";
    out += std::to_string(event.id);
    out += R"(,"data":)";
    out += event.data;
    out += '}';
    return out;
}

namespace {

std::string StreamFrame(const Event& event) {
    return "id: " + std::to_string(event.id) + "\nevent: " + event.name + "\ndata: " + EventMessage(event) + "\n\n";
}

std::string ErrorMessage(const Error& error, std::string_view channel) {
    const ProblemKind kind = ProblemKindOf(error.code);
    json::object o{{"type", "error"}, {"status", kind.status}, {"title", kind.title}, {"detail", error.message}};
    if (!channel.empty()) o["channel"] = channel;
    return json::serialize(o);
}

std::string TooSlow(std::size_t capacity) {
    return "the client reads too slowly: more than " + std::to_string(capacity) + " messages waited to be sent";
}

}  // namespace

// --- EventStreamSession --------------------------------------------------------------------------------------------

EventStreamSession::EventStreamSession(Hub& hub, const std::vector<std::string>& channels,
                                       std::optional<std::int64_t> last_event_id, std::size_t send_queue)
    : hub_(hub), out_(send_queue) {
    out_.Push("retry: 2000\n\n");
    if (!last_event_id) {
        for (const auto& c : channels) hub_.Subscribe(*this, c);
        return;
    }
    // The backlog may be longer than the queue: it goes in one message.
    Backlog missed = hub_.SubscribeAfter(*this, channels, *last_event_id);
    std::string replay;
    if (!missed.complete) {
        replay += "event: reset\ndata: " +
                  json::serialize(json::object{{"type", "reset"},
                                               {"detail", "events after " + std::to_string(*last_event_id) +
                                                              " are no longer kept: reload what you show"}}) +
                  "\n\n";
    }
    for (const Event& e : missed.events) replay += StreamFrame(e);
    if (!replay.empty()) out_.Push(std::move(replay));
}

EventStreamSession::~EventStreamSession() {
    hub_.UnsubscribeAll(*this);
}

void EventStreamSession::Start(std::function<void()> wake) {
    out_.SetWake(std::move(wake));
}

std::optional<http::LiveClose> EventStreamSession::Closing() {
    if (out_.overflowed()) return http::LiveClose{kCloseTooSlow, "too slow"};
    return std::nullopt;
}

void EventStreamSession::Tick() {
    out_.Push(": heartbeat\n\n");
}

void EventStreamSession::Ended() {
    hub_.UnsubscribeAll(*this);
}

void EventStreamSession::OnEvent(const Event& event) {
    out_.Push(StreamFrame(event));
}

// --- SocketSession -------------------------------------------------------------------------------------------------

SocketSession::SocketSession(SocketDeps deps) : d_(std::move(deps)), out_(d_.send_queue) {}

SocketSession::~SocketSession() {
    d_.hub.UnsubscribeAll(*this);
    LeaveAll();
}

std::optional<http::LiveClose> SocketSession::Closing() {
    if (out_.overflowed()) return http::LiveClose{kCloseTooSlow, TooSlow(d_.send_queue)};
    std::lock_guard lock(close_mu_);
    return close_;
}

void SocketSession::Close(int code, std::string reason) {
    {
        std::lock_guard lock(close_mu_);
        if (!close_) close_ = http::LiveClose{code, std::move(reason)};
    }
    out_.Push("");  // wakes the writer; an empty message is not sent
}

void SocketSession::Reply(const Error& error, std::string_view channel) {
    out_.Push(ErrorMessage(error, channel));
}

void SocketSession::Receive(std::string_view message) {
    boost::system::error_code ec;
    const json::value v = json::parse(message, ec);
    const json::object* o = ec ? nullptr : v.if_object();
    const json::string* type = o ? (o->if_contains("type") ? o->at("type").if_string() : nullptr) : nullptr;
    if (type == nullptr) {
        const Error e = MakeError(ErrorCode::kInvalidArgument, "a message is a JSON object with a \"type\"");
        if (!who_) {
            Close(1008, e.message);
        } else {
            Reply(e);
        }
        return;
    }
    auto text = [&](std::string_view key) -> std::string {
        const json::value* f = o->if_contains(key);
        return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
    };
    if (!who_) {
        if (*type != "auth") {
            Close(1008, "the first message must be {\"type\":\"auth\",\"token\"|\"ticket\":…}");
            return;
        }
        const std::string token = text("token");
        const std::string ticket = text("ticket");
        if (token.empty() == ticket.empty()) {
            Close(kCloseUnauthenticated, "auth needs exactly one of token and ticket");
            return;
        }
        auto p = token.empty() ? d_.authenticate("ticket", ticket) : d_.authenticate("token", token);
        if (!p || !p->authenticated()) {
            Close(kCloseUnauthenticated, "invalid or expired credentials");
            return;
        }
        who_ = *p;
        out_.Push(json::serialize(json::object{{"type", "ready"}, {"user", who_->user_id}}));
        return;
    }
    if (*type == "ping") {
        out_.Push(R"({"type":"pong"})");
    } else if (*type == "subscribe") {
        Subscribe(text("channel"));
    } else if (*type == "unsubscribe") {
        Unsubscribe(text("channel"));
    } else if (*type == "auth") {
        Reply(MakeError(ErrorCode::kInvalidArgument, "already authenticated"));
    } else {
        Reply(MakeError(ErrorCode::kInvalidArgument,
                        "unknown message type '" +
                            std::string(type->subview(0, std::min<std::size_t>(type->size(), 40))) +
                            "': auth, subscribe, unsubscribe or ping"));
    }
}

void SocketSession::Subscribe(const std::string& channel) {
    if (channels_.contains(channel)) {
        out_.Push(json::serialize(json::object{{"type", "subscribed"}, {"channel", channel}}));
        return;
    }
    if (channels_.size() >= d_.max_subscriptions) {
        Reply(MakeError(ErrorCode::kInvalidArgument,
                        "at most " + std::to_string(d_.max_subscriptions) + " channels per connection"),
              channel);
        return;
    }
    if (auto ok = d_.guard.Authorize(*who_, channel); !ok) {
        Reply(ok.error(), channel);
        return;
    }
    json::object ack{{"type", "subscribed"}, {"channel", channel}};
    const bool presence = channel.rfind("project:", 0) == 0;
    out_.Push(json::serialize(ack));
    d_.hub.Subscribe(*this, channel);
    channels_.insert(channel);
    if (presence) d_.hub.Join(channel, who_->user_id);  // its presence event lists the viewers, this one included
}

void SocketSession::Unsubscribe(const std::string& channel) {
    if (channels_.erase(channel) > 0) {
        d_.hub.Unsubscribe(*this, channel);
        if (channel.rfind("project:", 0) == 0) d_.hub.Leave(channel, who_->user_id);
    }
    out_.Push(json::serialize(json::object{{"type", "unsubscribed"}, {"channel", channel}}));
}

void SocketSession::LeaveAll() {
    if (!who_) return;
    for (const auto& c : channels_) {
        if (c.rfind("project:", 0) == 0) d_.hub.Leave(c, who_->user_id);
    }
    channels_.clear();
}

void SocketSession::Tick() {
    if (!who_) Close(1008, "authenticate with the first message, within the heartbeat interval");
}

void SocketSession::Ended() {
    if (ended_) return;
    ended_ = true;
    d_.hub.UnsubscribeAll(*this);
    LeaveAll();
}

void SocketSession::OnEvent(const Event& event) {
    out_.Push(EventMessage(event));
}

}  // namespace dihya::realtime
