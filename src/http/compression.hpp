#pragma once

// Content codings for responses (RFC 9110 §8.4, §12.5.3): which one a client accepts, gzip (zlib) and Brotli
// (libbrotli) encoders, and a bounded cache of the compressed forms of unchanging bodies (docs, console, catalog),
// compressed once at a high level and then served from memory.

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace dihya::http {

enum class Coding { kIdentity, kGzip, kBrotli };

/// The coding's token in Content-Encoding ("gzip", "br"; "identity").
std::string_view CodingToken(Coding coding);

/// The coding to answer with given the request's Accept-Encoding: the acceptable one (q > 0) of highest weight
/// among br and gzip, br first at equal weight; "*" names both; identity when the header is absent or accepts
/// neither.
Coding NegotiateCoding(std::optional<std::string_view> accept_encoding);

/// Whether a body of this Content-Type gains from compression: text, JSON, JavaScript, XML, YAML, SVG, GraphQL.
/// Archives, images, fonts and octet streams are already compressed or unknown: no.
bool CompressibleType(std::string_view content_type);

/// `data` compressed with `coding` at `level` (gzip 1–9, Brotli 0–11); null if the encoder failed.
std::optional<std::string> Compress(std::string_view data, Coding coding, int level);

/// The inverse, for tests and the benchmark; null on damaged input or past `max_bytes`.
std::optional<std::string> Decompress(std::string_view data, Coding coding, std::size_t max_bytes);

/// Compressed forms of bodies, each under a name the caller gives it (what identifies the body: for an answer, its
/// target, ETag and size) and the coding; kept up to `max_bytes` of compressed output in all, the oldest go first.
class CompressedCache final {
public:
    explicit CompressedCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}
    /// The compressed form of the body named `name`, made with `make` on a miss (outside the lock; null results are
    /// not kept).
    template <class Make>
    std::optional<std::string> Get(std::string_view name, Coding coding, Make&& make) {
        std::string key(name);
        key += static_cast<char>('0' + static_cast<int>(coding));
        if (auto hit = Find(key)) return *hit;
        auto made = make();
        if (made) Put(key, *made);
        return made;
    }
    std::size_t bytes() const;

private:
    std::shared_ptr<const std::string> Find(const std::string& key);
    void Put(const std::string& key, const std::string& value);

    std::size_t max_bytes_;
    mutable std::mutex mu_;
    std::list<std::string> order_;  // keys, oldest first
    std::unordered_map<std::string, std::shared_ptr<const std::string>> items_;
    std::size_t bytes_ = 0;
};

}  // namespace dihya::http
