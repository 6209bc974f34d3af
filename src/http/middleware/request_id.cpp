#include "http/middleware/request_id.hpp"

#include "core/ids.hpp"

namespace dihya::http {

void AssignRequestId(Request& request) {
    auto incoming = request.headers.Get("X-Request-Id");
    request.request_id = incoming && IsValidRequestId(*incoming) ? std::string(*incoming) : NewRequestId();
}

std::optional<Response> RequestIdMiddleware::OnRequest(Request& request) {
    if (request.request_id.empty()) AssignRequestId(request);
    return std::nullopt;
}

void RequestIdMiddleware::OnResponse(const Request& request, Response& response) {
    response.headers.Set("X-Request-Id", request.request_id);
}

}  // namespace dihya::http
