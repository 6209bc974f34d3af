#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dihya {

/// IPv4 → its /24 ("203.0.113.7" → "203.0.113.0"); IPv6 → its /48 ("2001:db8:1:2::3" → "2001:db8:1::");
/// IPv4-mapped IPv6 is treated as IPv4. Idempotent. nullopt when `ip` is not an IP address. Addresses are personal
/// data: what is stored or logged is truncated.
std::optional<std::string> TruncateIp(std::string_view ip);

}  // namespace dihya
