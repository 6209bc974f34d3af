#pragma once

// Several nodes on one PostgreSQL database: each node's hub events reach the live connections of every other node.
// A node's events are sent with NOTIFY on the channel dihya_events (in order, from a thread of the relay, so that a
// publisher never waits on the database); each node LISTENs there and publishes the others' events on its own hub.
// Presence stays per node. An event of more than 7,900 bytes (PostgreSQL's payload limit) stays on its node, logged.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/log.hpp"
#include "core/result.hpp"
#include "realtime/hub.hpp"
#include "storage/db.hpp"
#include "storage/postgres/listener.hpp"

namespace dihya::realtime {

class PgRelay final {
public:
    PgRelay(storage::Db& db, std::string database_url, Hub& hub, Logger& log);
    ~PgRelay();
    PgRelay(const PgRelay&) = delete;
    PgRelay& operator=(const PgRelay&) = delete;

    /// Listens, starts sending, and attaches to the hub.
    Result<void> Start();
    void Stop();

private:
    void Forward(std::string_view channel, std::string_view event, const std::string& data);
    void Received(std::string_view payload);
    void SendLoop();

    storage::Db& db_;
    Hub& hub_;
    Logger& log_;
    const std::string node_;  // random per process: a node skips its own events
    std::unique_ptr<storage::postgres::Listener> listener_;

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> outgoing_;
    bool stopping_ = false;
    std::thread sender_;
};

}  // namespace dihya::realtime
