#pragma once

// GraphQL subscriptions over WebSocket: the graphql-transport-ws protocol of the `graphql-ws` npm package
// (github.com/enisdenjo/graphql-ws, PROTOCOL.md), fed by the realtime hub.
//
//   client: connection_init {payload?}, subscribe {id, payload: {query, variables?, operationName?}}, complete {id},
//           ping, pong
//   server: connection_ack, next {id, payload}, error {id, payload: [errors]}, complete {id}, ping, pong
//
// Close codes as the protocol says: 4400 bad message, 4401 subscribe before acknowledgement, 4403 credentials
// refused, 4408 no connection_init in time, 4409 subscription id in use, 4429 a second connection_init; and 4008
// for a client that reads too slowly. connection_init must come within `init_timeout` (a heartbeat interval).
// Queries and mutations are answered with POST /graphql, not here: resolvers may take seconds (an analysis) and
// this session runs on the connection's I/O thread.

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/principal.hpp"
#include "graphql/executor.hpp"
#include "graphql/schema.hpp"
#include "http/types.hpp"
#include "realtime/hub.hpp"

namespace dihya::graphql {

/// The subprotocol name a client must offer (Sec-WebSocket-Protocol).
inline constexpr std::string_view kTransportWs = "graphql-transport-ws";

struct SocketDeps {
    const Schema& schema;
    const Limits& limits;
    realtime::Hub& hub;
    /// Checks a credential of connection_init's payload: kind "token" (access token or API key) or "ticket".
    std::function<Result<auth::Principal>(std::string_view kind, std::string_view credential)> authenticate;
    /// Who the upgrade request authenticated (Authorization or ?ticket=); a guest when neither.
    auth::Principal who;
    /// The resolvers' context for a caller (api.hpp's Caller).
    std::function<std::any(const auth::Principal& who)> context;
    std::size_t send_queue = 256;
    std::size_t max_subscriptions = 64;
    /// connection_init must come within this time of the upgrade (4408), whatever else the client sends.
    std::chrono::milliseconds init_timeout{15'000};
};

class SocketSession final : public http::LiveSession {
public:
    explicit SocketSession(SocketDeps deps);
    ~SocketSession() override;
    SocketSession(const SocketSession&) = delete;
    SocketSession& operator=(const SocketSession&) = delete;

    void Start(std::function<void()> wake) override;
    std::vector<std::string> Take() override;
    std::optional<http::LiveClose> Closing() override;
    void Receive(std::string_view message) override;
    void Tick() override;
    void Ended() override;

private:
    class Subscription;
    struct Pending {
        std::string id;
        std::uint64_t serial = 0;  // of the subscription it is for (a client may reuse an id after completing it)
        realtime::Event event;     // as the hub gave it: parsed and mapped on the I/O thread
    };

    void Send(const boost::json::object& message);
    void Close(int code, std::string reason);
    void StartOperation(const std::string& id, const boost::json::object& payload);
    void Stop(const std::string& id);
    /// From the hub's threads. Past `send_queue` waiting events the client is too slow (4008) — except for a
    /// subscription's replayed backlog, bounded by the hub's log.
    void Queue(Pending p, bool backlog = false);

    SocketDeps d_;
    const std::chrono::steady_clock::time_point opened_ = std::chrono::steady_clock::now();
    std::uint64_t next_serial_ = 1;  // I/O thread only
    bool initialised_ = false;       // I/O thread only
    bool acknowledged_ = false;
    std::map<std::string, std::unique_ptr<Subscription>> subscriptions_;  // I/O thread only

    std::mutex mu_;  // guards what follows
    std::function<void()> wake_;
    std::vector<Pending> pending_;
    std::vector<std::string> out_;
    std::optional<http::LiveClose> close_;
};

}  // namespace dihya::graphql
