#include "http/compression.hpp"

#include <array>
#include <cctype>
#include <cstdlib>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>

namespace dihya::http {

namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool IEq(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

/// A weight (RFC 9110 §12.4.2: "0" to "1" with at most three decimals) in thousandths; null when malformed.
std::optional<int> Weight(std::string_view q) {
    if (q.empty() || q.size() > 5 || (q[0] != '0' && q[0] != '1')) return std::nullopt;
    int value = (q[0] - '0') * 1000;
    if (q.size() == 1) return value;
    if (q[1] != '.') return std::nullopt;
    int scale = 100;
    for (std::size_t i = 2; i < q.size(); ++i, scale /= 10) {
        if (!std::isdigit(static_cast<unsigned char>(q[i]))) return std::nullopt;
        value += (q[i] - '0') * scale;
    }
    return value <= 1000 ? std::optional<int>(value) : std::nullopt;
}

}  // namespace

std::string_view CodingToken(Coding coding) {
    switch (coding) {
        case Coding::kGzip: return "gzip";
        case Coding::kBrotli: return "br";
        case Coding::kIdentity: break;
    }
    return "identity";
}

Coding NegotiateCoding(std::optional<std::string_view> accept_encoding) {
    if (!accept_encoding) return Coding::kIdentity;
    // -1: not named; otherwise the weight in thousandths.
    int br = -1;
    int gzip = -1;
    int any = -1;
    std::string_view rest = *accept_encoding;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const std::size_t semi = item.find(';');
        const std::string_view token = Trim(item.substr(0, semi));
        int weight = 1000;
        bool malformed = false;
        for (std::size_t at = semi; at != std::string_view::npos && !malformed;) {
            const std::size_t next = item.find(';', at + 1);
            const std::string_view param =
                Trim(item.substr(at + 1, next == std::string_view::npos ? next : next - at - 1));
            if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                const auto w = Weight(Trim(param.substr(2)));
                if (w) weight = *w;
                malformed = !w;  // a malformed weight: the item is ignored
            }
            at = next;
        }
        if (malformed) continue;
        if (IEq(token, "br")) {
            br = weight;
        } else if (IEq(token, "gzip") || IEq(token, "x-gzip")) {
            gzip = weight;
        } else if (token == "*") {
            any = weight;
        }
    }
    if (br < 0) br = any;
    if (gzip < 0) gzip = any;
    if (br <= 0 && gzip <= 0) return Coding::kIdentity;
    return br >= gzip ? Coding::kBrotli : Coding::kGzip;
}

bool CompressibleType(std::string_view content_type) {
    std::string type(Trim(content_type.substr(0, content_type.find(';'))));
    for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type.starts_with("text/")) return true;
    if (type.ends_with("+json") || type.ends_with("+xml")) return true;
    static constexpr std::array<std::string_view, 7> kTypes = {
        "application/json",   "application/javascript", "application/xml",     "application/yaml",
        "application/x-yaml", "application/graphql",    "application/x-ndjson"};
    for (const auto t : kTypes) {
        if (type == t) return true;
    }
    return false;
}

std::optional<std::string> Compress(std::string_view data, Coding coding, int level) {
    if (coding == Coding::kGzip) {
        if (data.size() > 0xFFFFFFFFu) return std::nullopt;  // zlib counts in 32 bits
        z_stream zs{};
        if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
        std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        zs.avail_in = static_cast<uInt>(data.size());
        zs.next_out = reinterpret_cast<Bytef*>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        const int rc = deflate(&zs, Z_FINISH);
        const auto written = zs.total_out;
        deflateEnd(&zs);
        if (rc != Z_STREAM_END) return std::nullopt;
        out.resize(written);
        return out;
    }
    if (coding == Coding::kBrotli) {
        std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
        if (size == 0) return std::nullopt;
        std::string out(size, '\0');
        if (BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, data.size(),
                                  reinterpret_cast<const std::uint8_t*>(data.data()), &size,
                                  reinterpret_cast<std::uint8_t*>(out.data())) != BROTLI_TRUE) {
            return std::nullopt;
        }
        out.resize(size);
        return out;
    }
    return std::string(data);
}

std::optional<std::string> Decompress(std::string_view data, Coding coding, std::size_t max_bytes) {
    std::string out;
    std::array<char, 16384> chunk{};
    if (coding == Coding::kGzip) {
        if (data.size() > 0xFFFFFFFFu) return std::nullopt;
        z_stream zs{};
        if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        zs.avail_in = static_cast<uInt>(data.size());
        int rc = Z_OK;
        while (rc == Z_OK) {
            zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
            zs.avail_out = static_cast<uInt>(chunk.size());
            rc = inflate(&zs, Z_NO_FLUSH);
            out.append(chunk.data(), chunk.size() - zs.avail_out);
            if (out.size() > max_bytes) rc = Z_MEM_ERROR;
        }
        const bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
        inflateEnd(&zs);
        return whole ? std::optional<std::string>(std::move(out)) : std::nullopt;
    }
    if (coding == Coding::kBrotli) {
        BrotliDecoderState* st = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
        if (st == nullptr) return std::nullopt;
        std::size_t in_left = data.size();
        const auto* in = reinterpret_cast<const std::uint8_t*>(data.data());
        BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
        while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
            std::size_t out_left = chunk.size();
            auto* next = reinterpret_cast<std::uint8_t*>(chunk.data());
            rc = BrotliDecoderDecompressStream(st, &in_left, &in, &out_left, &next, nullptr);
            out.append(chunk.data(), chunk.size() - out_left);
            if (out.size() > max_bytes) rc = BROTLI_DECODER_RESULT_ERROR;
        }
        BrotliDecoderDestroyInstance(st);
        return rc == BROTLI_DECODER_RESULT_SUCCESS && in_left == 0 ? std::optional<std::string>(std::move(out))
                                                                   : std::nullopt;
    }
    if (data.size() > max_bytes) return std::nullopt;
    return std::string(data);
}

std::shared_ptr<const std::string> CompressedCache::Find(const std::string& key) {
    std::lock_guard lock(mu_);
    const auto it = items_.find(key);
    return it == items_.end() ? nullptr : it->second;  // copied by the caller, outside the lock
}

void CompressedCache::Put(const std::string& key, const std::string& value) {
    if (value.size() > max_bytes_) return;
    std::lock_guard lock(mu_);
    if (items_.contains(key)) return;
    while (bytes_ + value.size() > max_bytes_ && !order_.empty()) {
        const auto old = items_.find(order_.front());
        bytes_ -= old->second->size();
        items_.erase(old);
        order_.pop_front();
    }
    items_.emplace(key, std::make_shared<const std::string>(value));
    order_.push_back(key);
    bytes_ += value.size();
}

std::size_t CompressedCache::bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
}

}  // namespace dihya::http
