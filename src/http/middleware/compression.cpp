#include "http/middleware/compression.hpp"

#include "http/types.hpp"

namespace dihya::http {

namespace {

/// The level of bodies compressed once and kept (gzip's highest; Brotli's 11 costs 5–10 times more for ~3%).
constexpr int kKeptLevel = 9;
/// Larger bodies go as they are: compressing them would hold the thread and twice their size in memory.
constexpr std::size_t kMaxBody = 8u << 20;

bool Eligible(const Request& request, const Response& response) {
    if (request.method != "GET" && request.method != "HEAD") return false;
    if (request.path.starts_with("/api/v1/auth/")) return false;
    if (response.live_kind != LiveKind::kNone || !response.file.empty()) return false;
    if (response.headers.Has("Content-Encoding") || response.headers.Has("Set-Cookie")) return false;
    if (auto cc = response.headers.Get("Cache-Control"); cc && cc->find("no-transform") != std::string_view::npos) {
        return false;
    }
    return true;
}

/// Whether the body is the same for everybody and for a while: an ETag, and a Cache-Control that lets shared caches
/// keep it (static files, docs, the catalog); not a user's project.
bool Lasting(const Response& response) {
    const auto cc = response.headers.Get("Cache-Control");
    return response.headers.Has("ETag") && cc && cc->find("no-store") == std::string_view::npos &&
           cc->find("private") == std::string_view::npos;
}

}  // namespace

void CompressionMiddleware::OnResponse(const Request& request, Response& response) {
    if (!options_.enabled || !Eligible(request, response)) return;
    if (response.status == 304) {
        // What the client holds may be the compressed form: caches must key it by Accept-Encoding too.
        if (response.headers.Has("ETag")) response.headers.Add("Vary", "Accept-Encoding");
        return;
    }
    if (response.status < 200 || response.status == 204 || response.status == 206) return;
    if (response.body.size() < options_.min_bytes || response.body.size() > kMaxBody) return;
    const auto type = response.headers.Get("Content-Type");
    if (!type || !CompressibleType(*type)) return;
    response.headers.Add("Vary", "Accept-Encoding");
    const Coding coding = NegotiateCoding(request.headers.Get("Accept-Encoding"));
    if (coding == Coding::kIdentity) return;
    std::optional<std::string> coded;
    if (options_.cache_bytes > 0 && Lasting(response)) {
        // The ETag names the content at this path; the query is left out, so that made-up queries cannot fill
        // the cache or make it compress again.
        std::string name = request.path;
        name += '\0';
        name += *response.headers.Get("ETag");
        name += '\0';
        name += std::to_string(response.body.size());
        coded = cache_.Get(name, coding, [&] { return Compress(response.body, coding, kKeptLevel); });
    } else {
        coded =
            Compress(response.body, coding, coding == Coding::kGzip ? options_.gzip_level : options_.brotli_quality);
    }
    if (!coded || coded->size() >= response.body.size()) return;
    response.body = std::move(*coded);
    response.headers.Set("Content-Encoding", std::string(CodingToken(coding)));
}

}  // namespace dihya::http
