#pragma once

#include <string>
#include <string_view>

namespace dihya {

inline constexpr std::string_view kRedacted = "[redacted]";

/// True for header, query and field names that carry secrets (authorization, cookies,
/// passwords, tokens, keys, OAuth codes...). Case-insensitive.
bool IsSensitiveName(std::string_view name);

/// Query parameters whose values are logged in clear: paging, formats and filters that name no person and carry
/// no credential. Every other value (ticket, key, q, ids, anything unknown) is logged as [redacted].
bool IsLoggableQueryName(std::string_view name);

/// Returns the query string with the value of every parameter that IsLoggableQueryName does not allow replaced by
/// [redacted] (a parameter without '=' becomes [redacted] as a whole); logged values are cut at 64 bytes.
std::string RedactQuery(std::string_view query);

}  // namespace dihya
