#include "http/kit.hpp"

#include <charconv>
#include <climits>
#include <string>

namespace dihya::http {

Response Problem(const Request& req, const Error& error) {
    return Response::Problem(error, req.request_id);
}

Response NoStore(Response r) {
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

Result<std::int64_t> IntQuery(const Request& req, const char* name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) {
    auto text = req.QueryParam(name);
    if (!text) return fallback;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size() || v < min || v > max) {
        const std::string reason = "must be an integer from " + std::to_string(min) +
                                   (max == INT64_MAX ? " up" : " to " + std::to_string(max));
        return MakeError(ErrorCode::kInvalidArgument, std::string(name) + " " + reason, {{name, reason}});
    }
    return v;
}

Result<std::int64_t> LimitOf(const Request& req, std::int64_t fallback) {
    return IntQuery(req, "limit", fallback, 1, 200);
}

boost::json::object IntParam(std::int64_t min, std::int64_t max) {
    return boost::json::object{{"type", "integer"}, {"minimum", min}, {"maximum", max}};
}

ParamDoc LimitParam() {
    return {"limit", "query", "page size (1-200)", IntParam(1, 200)};
}

ParamDoc CursorParam() {
    return {"cursor", "query", "next_cursor of the previous page", boost::json::object{{"type", "string"}}};
}

}  // namespace dihya::http
