#include "graphql/socket.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "realtime/sessions.hpp"

namespace dihya::graphql {

namespace json = boost::json;

/// One running subscription: listens to its channels and hands their events to the session (quickly: the hub
/// calls OnEvent under its lock; the session parses, maps and executes them on its own thread).
class SocketSession::Subscription final : public realtime::Listener {
public:
    Subscription(SocketSession& session, std::string id, std::uint64_t serial, Prepared prepared, SourceStream stream)
        : session_(session),
          id_(std::move(id)),
          serial_(serial),
          prepared_(std::move(prepared)),
          stream_(std::move(stream)) {}
    ~Subscription() override { session_.d_.hub.UnsubscribeAll(*this); }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    void Listen() {
        if (!stream_.replay) {
            for (const auto& channel : stream_.channels) session_.d_.hub.Subscribe(*this, channel);
            return;
        }
        // The log's events first, then those that came meanwhile (held back so that the order is kept).
        {
            std::lock_guard lock(mu_);
            replaying_ = true;
        }
        const realtime::Backlog backlog = session_.d_.hub.SubscribeAfter(*this, stream_.channels, 0);
        for (const auto& e : backlog.events) session_.Queue({id_, serial_, e}, true);
        std::lock_guard lock(mu_);
        for (auto& e : held_) session_.Queue({id_, serial_, std::move(e)}, true);
        held_.clear();
        replaying_ = false;
    }
    void OnEvent(const realtime::Event& event) override {
        std::lock_guard lock(mu_);
        if (replaying_) {
            held_.push_back(event);
            return;
        }
        session_.Queue({id_, serial_, event});
    }
    std::uint64_t serial() const { return serial_; }
    const Prepared& prepared() const { return prepared_; }
    const SourceStream& stream() const { return stream_; }

private:
    SocketSession& session_;
    std::string id_;
    std::uint64_t serial_;
    Prepared prepared_;  // holds its document
    SourceStream stream_;
    std::mutex mu_;  // guards what follows
    bool replaying_ = false;
    std::vector<realtime::Event> held_;
};

SocketSession::SocketSession(SocketDeps deps) : d_(std::move(deps)) {}

SocketSession::~SocketSession() {
    subscriptions_.clear();
}

void SocketSession::Start(std::function<void()> wake) {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
}

void SocketSession::Send(const json::object& message) {
    std::lock_guard lock(mu_);
    out_.push_back(json::serialize(message));
}

void SocketSession::Close(int code, std::string reason) {
    std::lock_guard lock(mu_);
    if (!close_) close_ = http::LiveClose{code, std::move(reason)};
}

void SocketSession::Queue(Pending p, bool backlog) {
    std::function<void()> wake;
    {
        std::lock_guard lock(mu_);
        if (!backlog && pending_.size() >= d_.send_queue) {
            if (!close_) close_ = http::LiveClose{realtime::kCloseTooSlow, "the client reads too slowly"};
        } else {
            pending_.push_back(std::move(p));
        }
        wake = wake_;
    }
    if (wake) wake();
}

std::vector<std::string> SocketSession::Take() {
    std::vector<Pending> events;
    {
        std::lock_guard lock(mu_);
        events.swap(pending_);
    }
    for (auto& e : events) {
        auto it = subscriptions_.find(e.id);
        if (it == subscriptions_.end() || it->second->serial() != e.serial) continue;  // completed meanwhile
        const Subscription& sub = *it->second;
        json::error_code ec;
        const json::value data = json::parse(e.event.data, ec);
        if (ec) continue;
        auto value = sub.stream().map(e.event.channel, e.event.name, data);
        if (!value) continue;
        json::object result = ExecuteEvent(d_.schema, sub.prepared(), d_.context(d_.who), *value);
        Send(json::object{{"id", e.id}, {"type", "next"}, {"payload", std::move(result)}});
        const auto& ends = sub.stream().end_events;
        if (std::find(ends.begin(), ends.end(), e.event.name) != ends.end()) {
            Send(json::object{{"id", e.id}, {"type", "complete"}});
            subscriptions_.erase(it);
        }
    }
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    out.swap(out_);
    return out;
}

std::optional<http::LiveClose> SocketSession::Closing() {
    std::lock_guard lock(mu_);
    return close_;
}

void SocketSession::Tick() {
    if (!initialised_) Close(4408, "Connection initialisation timeout");
}

void SocketSession::Ended() {
    subscriptions_.clear();
}

void SocketSession::Receive(std::string_view text) {
    if (!initialised_ && std::chrono::steady_clock::now() - opened_ > d_.init_timeout) {
        return Close(4408, "Connection initialisation timeout");
    }
    json::error_code ec;
    json::value message = json::parse(text, ec);
    if (ec || !message.is_object()) return Close(4400, "Invalid message received");
    const auto& m = message.as_object();
    const auto* type = m.if_contains("type");
    if (type == nullptr || !type->is_string()) return Close(4400, "Invalid message received");
    const std::string_view kind = type->as_string();
    if (kind == "connection_init") {
        if (initialised_) return Close(4429, "Too many initialisation requests");
        initialised_ = true;
        if (const auto* payload = m.if_contains("payload"); payload != nullptr && payload->is_object()) {
            // {"token"} or {"ticket"}; GraphiQL sends its headers: {"Authorization": "Bearer …"}.
            for (const char* key : {"token", "ticket", "Authorization"}) {
                const auto* credential = payload->as_object().if_contains(key);
                if (credential == nullptr) continue;
                if (!credential->is_string()) return Close(4403, "Forbidden");
                std::string_view value = credential->as_string();
                const bool header = std::string_view(key) == "Authorization";
                if (header) {
                    if (value.rfind("Bearer", 0) != 0) return Close(4403, "Forbidden");
                    value.remove_prefix(6);
                    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
                    if (value.empty()) continue;  // GraphiQL's empty template: no credential
                }
                if (d_.who.authenticated()) return Close(4403, "Forbidden");  // one credential, not two
                auto who = d_.authenticate(header ? "token" : key, value);
                if (!who) return Close(4403, "Forbidden");
                d_.who = *who;
            }
        }
        acknowledged_ = true;
        return Send(json::object{{"type", "connection_ack"}});
    }
    if (kind == "ping") {
        json::object pong{{"type", "pong"}};
        if (const auto* p = m.if_contains("payload")) pong["payload"] = *p;
        return Send(pong);
    }
    if (kind == "pong") return;
    const auto* id = m.if_contains("id");
    if (kind == "subscribe") {
        const auto* payload = m.if_contains("payload");
        if (id == nullptr || !id->is_string() || id->as_string().empty() || payload == nullptr ||
            !payload->is_object()) {
            return Close(4400, "Invalid message received");
        }
        if (!acknowledged_) return Close(4401, "Unauthorized");
        const std::string sid(id->as_string());
        if (subscriptions_.count(sid)) return Close(4409, "Subscriber for " + sid + " already exists");
        return StartOperation(sid, payload->as_object());
    }
    if (kind == "complete") {
        if (id == nullptr || !id->is_string()) return Close(4400, "Invalid message received");
        return Stop(std::string(id->as_string()));
    }
    Close(4400, "Invalid message received");
}

void SocketSession::Stop(const std::string& id) {
    subscriptions_.erase(id);
}

void SocketSession::StartOperation(const std::string& id, const json::object& payload) {
    auto error = [&](const std::vector<GraphqlError>& errors) {
        json::array list;
        for (const auto& e : errors) list.push_back(ToJson(e));
        Send(json::object{{"id", id}, {"type", "error"}, {"payload", std::move(list)}});
    };
    RequestParams params;
    const auto* query = payload.if_contains("query");
    if (query == nullptr || !query->is_string()) {
        GraphqlError e;
        e.message = "subscribe needs a payload with the query as a string";
        return error({e});
    }
    params.query = std::string(query->as_string());
    if (const auto* name = payload.if_contains("operationName"); name != nullptr && name->is_string()) {
        params.operation_name = std::string(name->as_string());
    }
    if (const auto* vars = payload.if_contains("variables")) params.variables = *vars;
    Prepared prepared = Prepare(d_.schema, d_.limits, params);
    if (!prepared.errors.empty()) return error(prepared.errors);
    if (prepared.operation->kind != Operation::Kind::kSubscription) {
        GraphqlError e;
        e.message = "this socket serves subscriptions: send queries and mutations with POST /graphql";
        e.extensions["type"] = "/docs/problems#invalid-argument";
        e.extensions["status"] = 400;
        return error({e});
    }
    if (subscriptions_.size() >= d_.max_subscriptions) {
        GraphqlError e =
            FromError(MakeError(ErrorCode::kRateLimited,
                                "at most " + std::to_string(d_.max_subscriptions) + " subscriptions per connection"));
        return error({e});
    }
    std::vector<GraphqlError> errors;
    auto stream = Subscribe(d_.schema, prepared, d_.context(d_.who), errors);
    if (!stream) {
        // An error of the source stream (§6.2.3.1, e.g. not allowed): a result with errors, then the end — as
        // graphql-ws's server does; `error` is for documents that cannot run at all.
        if (errors.empty()) errors.push_back(FromError(stream.error()));
        json::array list;
        for (const auto& e : errors) list.push_back(ToJson(e));
        Send(json::object{
            {"id", id}, {"type", "next"}, {"payload", json::object{{"data", nullptr}, {"errors", std::move(list)}}}});
        return Send(json::object{{"id", id}, {"type", "complete"}});
    }
    auto sub = std::make_unique<Subscription>(*this, id, next_serial_++, std::move(prepared), std::move(*stream));
    Subscription& s = *sub;
    subscriptions_.emplace(id, std::move(sub));
    s.Listen();
}

}  // namespace dihya::graphql
