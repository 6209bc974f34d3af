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
// for a client that reads too slowly. connection_init must come within a heartbeat interval (realtime.heartbeat_ms).
// Queries and mutations are answered with POST /graphql, not here: resolvers may take seconds (an analysis) and
// this session runs on the connection's I/O thread.

#include <any>
#include <chrono>
#include <deque>
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
        boost::json::value value;  // the source value of the event, mapped
        bool last = false;         // the subscription ends after it
    };

    void Send(const boost::json::object& message);
    void Close(int code, std::string reason);
    void StartOperation(const std::string& id, const boost::json::object& payload);
    void Stop(const std::string& id);
    void Queue(Pending p);  // from the hub's threads

    SocketDeps d_;
    bool initialised_ = false;  // I/O thread only
    bool acknowledged_ = false;
    std::map<std::string, std::unique_ptr<Subscription>> subscriptions_;  // I/O thread only

    std::mutex mu_;  // guards what follows
    std::function<void()> wake_;
    std::deque<Pending> pending_;
    std::vector<std::string> out_;
    std::optional<http::LiveClose> close_;
};

}  // namespace dihya::graphql
