#include "http/pipeline.hpp"

#include <exception>

#include <boost/json.hpp>

#include "http/middleware/request_id.hpp"

namespace dihya::http {

namespace {

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

}  // namespace

Response Pipeline::Handle(Request& request) {
    std::size_t ran = 0;
    std::optional<Response> early;
    for (; ran < chain_.size(); ++ran) {
        early = chain_[ran]->OnRequest(request);
        if (early) {
            ++ran;
            break;
        }
    }
    Response response = early ? std::move(*early) : Dispatch(request);
    Finish(request, response);
    return response;
}

Work Pipeline::WorkOf(const Request& request) const {
    const Match match = router_.Find(request.method, request.path);
    return match.route != nullptr ? match.route->work : Work::kInline;
}

void Pipeline::Finish(Request& request, Response& response) {
    if (request.request_id.empty()) AssignRequestId(request);  // rejected before the chain ran
    for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
        (*it)->OnResponse(request, response);
    }
}

Response Pipeline::Dispatch(Request& request) {
    Match match = router_.Find(request.method, request.path);
    if (match.route == nullptr) {
        if (!match.allowed.empty()) {
            std::vector<std::string> allow = match.allowed;
            allow.push_back("OPTIONS");
            if (request.method == "OPTIONS") {
                Response r = Response::Empty(204);
                r.headers.Set("Allow", Join(allow));
                return r;
            }
            Response r = Response::Problem(
                405, "Method not allowed",
                request.method + " is not allowed on " + request.path + "; use " + Join(match.allowed),
                request.request_id);
            r.headers.Set("Allow", Join(allow));
            return r;
        }
        return Response::Problem(404, "Not found", "no route matches " + request.path, request.request_id);
    }
    request.route = match.route->path;
    if (!match.bad_param.empty()) {
        return Response::Problem(Error{ErrorCode::kInvalidArgument,
                                       "path parameter '" + match.bad_param + "' has the wrong type",
                                       {{match.bad_param, "has the wrong type"}}},
                                 request.request_id);
    }
    request.path_params = std::move(match.params);
    if (match.route->requires_auth && !request.attributes.contains(std::string(kAuthUserAttribute))) {
        return Response::Problem(Error{ErrorCode::kUnauthenticated,
                                       "this operation needs a signed-in caller: send Authorization: Bearer <token>",
                                       {}},
                                 request.request_id);
    }
    try {
        return match.route->handler(request);
    } catch (const std::exception& e) {
        log_.Error("handler failed",
                   {{"request_id", request.request_id}, {"route", request.route}, {"error", e.what()}});
    } catch (...) {
        log_.Error("handler failed", {{"request_id", request.request_id}, {"route", request.route}});
    }
    return Response::Problem(Error{ErrorCode::kInternal, "an internal error occurred; quote the request id", {}},
                             request.request_id);
}

}  // namespace dihya::http
