#pragma once

// The request target of an HTTP request (origin form: /path?query), as the server reads it.

#include <string>
#include <string_view>

namespace dihya::http {

struct Target {
    std::string path;   // percent-decoded
    std::string query;  // raw, without '?'
    bool ok = false;    // false: not an origin-form target, or the decoded path holds a NUL
};

/// Splits and decodes an origin-form request target ("/api/v1/x%20y?limit=5"). Never throws.
Target ParseTarget(std::string_view target);

}  // namespace dihya::http
