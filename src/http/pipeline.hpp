#pragma once

#include <memory>
#include <vector>

#include "core/log.hpp"
#include "http/middleware/middleware.hpp"
#include "http/router.hpp"

namespace dihya::http {

/// Runs the middleware chain around routing. Knows nothing of sockets: the server hands it a
/// parsed Request and writes back the Response; unit tests call it directly.
class Pipeline final {
public:
    Pipeline(Router& router, Logger& log) : router_(router), log_(log) {}
    void Use(std::unique_ptr<Middleware> middleware) { chain_.push_back(std::move(middleware)); }
    Response Handle(Request& request);
    /// Where the handler of the route `request` goes to runs (kInline when no route matches).
    Work WorkOf(const Request& request) const;
    /// Runs only the response side of the chain: for answers the server makes itself
    /// (413, 431, 400 on malformed requests), so they carry ids, headers and get logged.
    void Finish(Request& request, Response& response);

private:
    Response Dispatch(Request& request);

    Router& router_;
    Logger& log_;
    std::vector<std::unique_ptr<Middleware>> chain_;
};

}  // namespace dihya::http
