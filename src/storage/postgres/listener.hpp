#pragma once

// LISTEN on a PostgreSQL channel: a connection of its own whose notifications (NOTIFY, pg_notify) are handed to a
// callback on the listener's thread. When the connection drops (server restarted, network), it reconnects with
// back-off and tells the callback's owner, since notifications sent meanwhile are lost.

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "core/log.hpp"
#include "core/result.hpp"

namespace dihya::storage::postgres {

class Listener final {
public:
    using OnPayload = std::function<void(std::string_view payload)>;
    /// `channel`: a lower-case SQL identifier.
    Listener(std::string url, std::string channel, OnPayload on_payload, Logger& log);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// Connects and listens (kUnavailable when it cannot), then receives on a thread until Stop.
    Result<void> Start();
    void Stop();

private:
    Result<void> Connect();
    void Run();

    std::string url_;
    std::string channel_;
    OnPayload on_payload_;
    Logger& log_;
    void* conn_ = nullptr;  // PGconn*
    int wake_[2] = {-1, -1};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace dihya::storage::postgres
