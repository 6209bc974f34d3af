#pragma once

#include <string>
#include <string_view>

namespace dihya {

inline constexpr std::string_view kRedacted = "[redacted]";

/// True for header, query and field names that carry secrets (authorization, cookies,
/// passwords, tokens, keys, OAuth codes...). Case-insensitive.
bool IsSensitiveName(std::string_view name);

/// Returns the query string with the values of sensitive parameters replaced by [redacted].
std::string RedactQuery(std::string_view query);

}  // namespace dihya
