#pragma once

#include <optional>

#include "http/types.hpp"

namespace dihya::http {

/// A stage of the request pipeline. OnRequest may answer early (the handler then does not
/// run); OnResponse runs for every response, in reverse order, early answers included.
class Middleware {
public:
    virtual ~Middleware() = default;
    virtual std::optional<Response> OnRequest(Request& request) {
        (void)request;
        return std::nullopt;
    }
    virtual void OnResponse(const Request& request, Response& response) {
        (void)request;
        (void)response;
    }
};

}  // namespace dihya::http
