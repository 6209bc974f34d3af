#pragma once

// What handlers of every module share: query parameters with their documentation, and problem responses.

#include <cstdint>

#include <boost/json/object.hpp>

#include "core/dto.hpp"
#include "core/result.hpp"
#include "http/router.hpp"
#include "http/types.hpp"

namespace dihya::http {

/// The problem+json answer to `error` for `req`.
Response Problem(const Request& req, const Error& error);

/// `r` with Cache-Control: no-store (answers about a person or with credentials).
Response NoStore(Response r);

/// The JSON body of `req` decoded as the DTO T (core/dto.hpp): errors name the field.
template <class T>
Result<T> Body(const Request& req) {
    auto body = ParseJsonBody(req);
    if (!body) return body.take_error();
    return dto::Decode<T>(*body);
}

/// The integer query parameter `name`, `fallback` when absent; kInvalidArgument naming it outside [min, max].
Result<std::int64_t> IntQuery(const Request& req, const char* name, std::int64_t fallback, std::int64_t min,
                              std::int64_t max);
/// `limit` (1-200), `fallback` when absent.
Result<std::int64_t> LimitOf(const Request& req, std::int64_t fallback);

boost::json::object IntParam(std::int64_t min, std::int64_t max);
ParamDoc LimitParam();
ParamDoc CursorParam();

}  // namespace dihya::http
