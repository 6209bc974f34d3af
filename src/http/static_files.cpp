#include "http/static_files.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "http/app.hpp"
#include "http/types.hpp"

namespace dihya::http {

std::string ContentTypeOf(const std::string& name) {
    const auto ends = [&](std::string_view ext) {
        return name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
    };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".png")) return "image/png";
    if (ends(".svg")) return "image/svg+xml";
    if (ends(".ico")) return "image/x-icon";
    if (ends(".woff2")) return "font/woff2";
    if (ends(".json") || ends(".map")) return "application/json";
    if (ends(".webmanifest")) return "application/manifest+json";
    if (ends(".txt")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

bool SafeStaticPath(const std::string& path) {
    if (path.empty() || path.size() > 200) return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        if (end == start || path[start] == '.') return false;
        const bool plain = std::all_of(
            path.begin() + static_cast<std::ptrdiff_t>(start), path.begin() + static_cast<std::ptrdiff_t>(end),
            [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-' || c == '_'; });
        if (!plain) return false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return true;
}

const std::string* StaticFiles::Get(const std::string& path) {
    if (!SafeStaticPath(path)) return nullptr;
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(path); it != cache_.end()) return it->second ? &*it->second : nullptr;
    std::optional<std::string> content;
    for (const auto& root : roots_) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(root / path, ec)) continue;
        std::ifstream in(root / path, std::ios::binary);
        if (!in) continue;
        std::ostringstream ss;
        ss << in.rdbuf();
        content = ss.str();
        break;
    }
    if (!content) return nullptr;  // misses are not kept: any name may be asked for
    auto& slot = cache_[path];
    slot = std::move(content);
    return &*slot;
}

Response StaticResponse(const Request& request, const std::string& name, const std::string& content,
                        std::string_view cache_control, std::string_view csp) {
    const std::string etag = StrongEtag(content);
    Response r = IfNoneMatch(request, etag) ? Response::Empty(304) : Response::Text(200, content, ContentTypeOf(name));
    r.headers.Set("ETag", etag);
    r.headers.Set("Cache-Control", std::string(cache_control));
    r.headers.Set("Content-Security-Policy", std::string(csp));
    return r;
}

}  // namespace dihya::http
