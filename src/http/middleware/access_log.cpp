#include "http/middleware/access_log.hpp"

#include <boost/json.hpp>

#include "core/net.hpp"
#include "core/redact.hpp"

namespace dihya::http {

void AccessLogMiddleware::OnResponse(const Request& request, Response& response) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request.received_at).count();
    const std::string route = request.route.empty() ? std::string("unmatched") : request.route;
    metrics_.ObserveRequest(route, request.method, response.status, seconds);
    if (!log_.Enabled(LogLevel::kInfo)) return;
    boost::json::object fields;
    fields["request_id"] = request.request_id;
    fields["method"] = request.method;
    fields["path"] = request.path;
    if (!request.query.empty()) fields["query"] = RedactQuery(request.query);
    fields["route"] = route;
    fields["status"] = response.status;
    fields["duration_ms"] = seconds * 1000.0;
    fields["bytes"] = response.body.size();
    fields["remote"] = TruncateIp(request.remote_ip).value_or("-");  // an address is personal data: its /24 or /48
    if (request.cancelled && request.cancelled->load()) fields["client_gone"] = true;  // left before the answer
    log_.Info("request", fields);
}

}  // namespace dihya::http
