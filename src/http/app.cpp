#include "http/app.hpp"

#include <sodium.h>

namespace dihya::http {

std::string StrongEtag(std::string_view body) {
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return "\"" + std::string(hex) + "\"";
}

bool IfNoneMatch(const Request& request, std::string_view etag) {
    auto header = request.headers.Get("If-None-Match");
    if (!header) return false;
    std::string_view h = *header;
    if (h == "*") return true;
    // A comma-separated list; weak comparison (W/ prefix ignored).
    std::size_t pos = 0;
    while (pos < h.size()) {
        auto comma = h.find(',', pos);
        if (comma == std::string_view::npos) comma = h.size();
        std::string_view item = h.substr(pos, comma - pos);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.rfind("W/", 0) == 0) item.remove_prefix(2);
        if (item == etag) return true;
        pos = comma + 1;
    }
    return false;
}

}  // namespace dihya::http
