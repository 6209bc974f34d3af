#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dihya {

/// The one table mapping error codes to HTTP status, problem type slug and title.
struct ProblemKind {
    int status;
    std::string_view slug;
    std::string_view title;
};

ProblemKind ProblemKindOf(ErrorCode code);

/// RFC 9457 problem document. `instance` is the request id. Field-level details become an
/// `errors` array of {field, reason}.
std::string ProblemJson(const Error& error, std::string_view instance);

/// A problem for a plain status without an ErrorCode (404 route, 405, 431...).
std::string ProblemJson(int status, std::string_view title, std::string_view detail, std::string_view instance);

}  // namespace dihya
