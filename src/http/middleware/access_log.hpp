#pragma once

#include "core/log.hpp"
#include "http/metrics.hpp"
#include "http/middleware/middleware.hpp"

namespace dihya::http {

/// One JSON line per request and the request metrics. Logs no header values and no body;
/// secret query parameters are redacted.
class AccessLogMiddleware final : public Middleware {
public:
    AccessLogMiddleware(Logger& log, Metrics& metrics) : log_(log), metrics_(metrics) {}
    void OnResponse(const Request& request, Response& response) override;

private:
    Logger& log_;
    Metrics& metrics_;
};

}  // namespace dihya::http
