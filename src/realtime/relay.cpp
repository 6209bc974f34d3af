#include "realtime/relay.hpp"

#include <array>

#include <boost/json.hpp>

#include "core/crypto.hpp"

namespace dihya::realtime {

namespace json = boost::json;

namespace {

constexpr const char* kChannel = "dihya_events";
constexpr std::size_t kMaxPayload = 7900;     // PostgreSQL refuses 8,000 bytes and more
constexpr std::size_t kMaxOutgoing = 10'000;  // waiting to be sent while the database is slow or away

}  // namespace

PgRelay::PgRelay(storage::Db& db, std::string database_url, Hub& hub, Logger& log)
    : db_(db), hub_(hub), log_(log), node_(crypto::RandomToken(9)) {
    listener_ = std::make_unique<storage::postgres::Listener>(
        std::move(database_url), kChannel, [this](std::string_view payload) { Received(payload); }, log);
}

PgRelay::~PgRelay() {
    Stop();
}

Result<void> PgRelay::Start() {
    if (auto r = listener_->Start(); !r) return r;
    {
        std::lock_guard lock(mu_);
        stopping_ = false;
    }
    sender_ = std::thread([this] { SendLoop(); });
    hub_.SetForwarder([this](std::string_view channel, std::string_view event, const std::string& data) {
        Forward(channel, event, data);
    });
    return Ok();
}

void PgRelay::Stop() {
    hub_.SetForwarder(nullptr);
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (sender_.joinable()) sender_.join();
    listener_->Stop();
}

void PgRelay::Forward(std::string_view channel, std::string_view event, const std::string& data) {
    std::string payload = "{\"n\":" + json::serialize(json::string(node_)) +
                          ",\"c\":" + json::serialize(json::string(channel)) +
                          ",\"e\":" + json::serialize(json::string(event)) + ",\"d\":" + data + "}";
    if (payload.size() > kMaxPayload) {
        log_.Warn("event too large for the other nodes; delivered on this node only",
                  {{"channel", std::string(channel)},
                   {"event", std::string(event)},
                   {"bytes", static_cast<std::int64_t>(payload.size())}});
        return;
    }
    {
        std::lock_guard lock(mu_);
        if (outgoing_.size() >= kMaxOutgoing) {
            outgoing_.pop_front();
            log_.Warn("events waiting for the database to reach the other nodes: dropped the oldest");
        }
        outgoing_.push_back(std::move(payload));
    }
    cv_.notify_one();
}

void PgRelay::SendLoop() {
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return stopping_ || !outgoing_.empty(); });
        if (outgoing_.empty()) return;  // stopping, everything sent
        std::string payload = std::move(outgoing_.front());
        outgoing_.pop_front();
        lock.unlock();
        const std::array<storage::Value, 1> p{payload};
        for (int attempt = 0; attempt < 3; ++attempt) {
            auto r = db_.Query("SELECT pg_notify('dihya_events', $1)", p);
            if (r) break;
            if (attempt == 2) {
                log_.Warn("an event could not reach the other nodes", {{"error", r.error().message}});
            }
        }
        lock.lock();
    }
}

void PgRelay::Received(std::string_view payload) {
    if (payload.empty()) return;  // reconnected: what other nodes sent meanwhile is gone (their clients resync)
    boost::system::error_code ec;
    json::value v = json::parse(payload, ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const auto* node = o.if_contains("n");
    const auto* channel = o.if_contains("c");
    const auto* event = o.if_contains("e");
    const auto* data = o.if_contains("d");
    if (node == nullptr || !node->is_string() || node->as_string() == node_) return;
    if (channel == nullptr || !channel->is_string() || event == nullptr || !event->is_string() || data == nullptr) {
        return;
    }
    hub_.PublishFromPeer(channel->as_string(), event->as_string(), json::serialize(*data));
}

}  // namespace dihya::realtime
