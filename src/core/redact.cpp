#include "core/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.hpp"

namespace dihya {

namespace {

constexpr std::array<std::string_view, 15> kSensitiveParts = {
    "authorization", "cookie", "password", "passwd",     "secret",    "token",   "api_key", "apikey",
    "api-key",       "code",   "session",  "credential", "signature", "private", "state"};

}  // namespace

bool IsSensitiveName(std::string_view name) {
    const std::string lower = AsciiLower(name);
    return std::any_of(kSensitiveParts.begin(), kSensitiveParts.end(),
                       [&](std::string_view part) { return lower.find(part) != std::string::npos; });
}

std::string RedactQuery(std::string_view query) {
    std::string out;
    out.reserve(query.size());
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        const std::string_view pair = query.substr(pos, amp - pos);
        if (!out.empty() || pos > 0) out += '&';
        const std::size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        if (eq != std::string_view::npos && IsSensitiveName(key)) {
            out.append(key);
            out += '=';
            out.append(kRedacted);
        } else {
            out.append(pair);
        }
        pos = amp + 1;
    }
    return out;
}

}  // namespace dihya
