#pragma once

#include "http/middleware/middleware.hpp"

namespace dihya::http {

/// Uses the client's X-Request-Id when well formed, else makes one.
void AssignRequestId(Request& request);

/// Accepts a well-formed X-Request-Id from the client or makes one; echoes it on the response.
class RequestIdMiddleware final : public Middleware {
public:
    std::optional<Response> OnRequest(Request& request) override;
    void OnResponse(const Request& request, Response& response) override;
};

}  // namespace dihya::http
