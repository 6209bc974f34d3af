#pragma once

#include <string>
#include <vector>

#include "http/middleware/middleware.hpp"

namespace dihya::http {

/// CORS with an allow-list of origins ("*" allows any origin, without credentials).
/// Preflights from allowed origins get 204; from others 403. Simple requests from other
/// origins proceed but get no Access-Control-Allow-Origin, so browsers withhold the answer.
class CorsMiddleware final : public Middleware {
public:
    explicit CorsMiddleware(std::vector<std::string> allowed_origins);
    std::optional<Response> OnRequest(Request& request) override;
    void OnResponse(const Request& request, Response& response) override;
    bool Allowed(std::string_view origin) const;

private:
    std::vector<std::string> allowed_;
    bool any_ = false;
};

}  // namespace dihya::http
