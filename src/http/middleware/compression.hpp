#pragma once

#include <cstddef>

#include "http/compression.hpp"
#include "http/middleware/middleware.hpp"

namespace dihya::http {

struct CompressionOptions {
    bool enabled = true;
    std::size_t min_bytes = 1024;  ///< smaller bodies go as they are
    int gzip_level = 5;            ///< for bodies compressed per request
    int brotli_quality = 4;
    /// Compressed forms kept of lasting bodies; 0: none kept, all compressed per request at the levels above.
    std::size_t cache_bytes = 16 * 1024 * 1024;
};

/// Compresses answers to GET and HEAD with gzip or Brotli when the client accepts it (Accept-Encoding), the body
/// is at least `min_bytes` (and at most 8 MiB) of a compressible type (CompressibleType) and nothing else encoded it.
/// Bodies that carry an ETag and may be kept by shared caches (static files, docs, the catalog) are compressed once at
/// the highest level and kept in a bounded cache; others at the per-request levels. Such an answer gets `Vary:
/// Accept-Encoding`, which keeps the codings apart in caches; its ETag stays the handler's (it names the content or the
/// project's version, which clients send back as If-Match; no range of a compressed body is served). Never compressed:
/// files sent from disk (archives), live sessions, answers that set a cookie, `Cache-Control: no-transform`, and
/// everything under /api/v1/auth/, so that no secret shares a compressed body with text an attacker chose (BREACH;
/// docs/security.md).
class CompressionMiddleware final : public Middleware {
public:
    explicit CompressionMiddleware(CompressionOptions options) : options_(options), cache_(options.cache_bytes) {}
    void OnResponse(const Request& request, Response& response) override;

private:
    CompressionOptions options_;
    CompressedCache cache_;
};

}  // namespace dihya::http
