#include "core/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/text.hpp"

namespace dihya {

namespace {

constexpr std::array<std::string_view, 16> kSensitiveParts = {
    "authorization", "cookie", "password", "passwd",     "secret",    "token",   "api_key", "apikey",
    "api-key",       "code",   "session",  "credential", "signature", "private", "state",   "ticket"};

}  // namespace

bool IsSensitiveName(std::string_view name) {
    const std::string lower = AsciiLower(name);
    return std::any_of(kSensitiveParts.begin(), kSensitiveParts.end(),
                       [&](std::string_view part) { return lower.find(part) != std::string::npos; });
}

bool IsLoggableQueryName(std::string_view name) {
    static constexpr std::array<std::string_view, 17> kLoggable = {
        "action", "channels", "cursor", "dry_run", "format", "from",        "kind", "lang", "limit",
        "order",  "page",     "role",   "sort",    "status", "target_type", "to",   "type"};
    return std::find(kLoggable.begin(), kLoggable.end(), name) != kLoggable.end();
}

std::string RedactQuery(std::string_view query) {
    constexpr std::size_t kMaxLoggedValue = 64;
    std::string out;
    out.reserve(query.size());
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        const std::string_view pair = query.substr(pos, amp - pos);
        if (!out.empty() || pos > 0) out += '&';
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) {
            if (!pair.empty()) out.append(kRedacted);
        } else {
            const std::string_view key = pair.substr(0, eq);
            const std::string_view value = pair.substr(eq + 1);
            const bool loggable = IsLoggableQueryName(key) && !IsSensitiveName(key);
            out.append(loggable ? key : (key.size() <= kMaxLoggedValue ? key : key.substr(0, kMaxLoggedValue)));
            out += '=';
            if (!loggable) {
                out.append(kRedacted);
            } else {
                out.append(value.substr(0, kMaxLoggedValue));
                if (value.size() > kMaxLoggedValue) out += "...";
            }
        }
        pos = amp + 1;
    }
    return out;
}

}  // namespace dihya
