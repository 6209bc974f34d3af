#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "http/metrics.hpp"
#include "http/pipeline.hpp"

namespace dihya::http {

/// HTTP/1.1 server on Boost.Beast with C++20 coroutines. Enforces the connection-level limits
/// of LimitsConfig (header/body sizes and timeouts, idle timeout, connection caps) and shuts
/// down gracefully: on SIGTERM/SIGINT or Shutdown() it stops accepting, closes idle
/// connections, lets in-flight requests finish (up to shutdown_grace_ms) and returns from Run().
class Server final {
public:
    Server(const Config& config, Pipeline& pipeline, Logger& log, Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds the listening socket.
    Result<void> Listen();
    /// "host:port" actually bound (port 0 resolved).
    std::string address() const;
    /// Serves until shut down; handles SIGINT/SIGTERM itself.
    void Run();
    /// Thread-safe; starts a graceful shutdown.
    void Shutdown();
    std::size_t open_connections() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dihya::http
