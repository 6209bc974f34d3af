#include "http/compression.hpp"

#include <array>
#include <random>

#include <gtest/gtest.h>

#include "http/middleware/compression.hpp"
#include "http/types.hpp"

namespace dihya::http {
namespace {

/// JSON-like text of `n` bytes with words drawn at random: compressible, not trivially.
std::string Text(std::size_t n) {
    static constexpr std::array<std::string_view, 12> kWords = {"name",   "title",  "Book", "author", "year", "loan",
                                                                "due_on", "member", "id",   "2026",   "true", "Ada"};
    std::mt19937 random(42);
    std::string s;
    while (s.size() < n) {
        s += "{\"";
        s += kWords[random() % kWords.size()];
        s += "\":\"";
        s += kWords[random() % kWords.size()];
        s += std::to_string(random() % 1000);
        s += "\"},";
    }
    s.resize(n);
    return s;
}

TEST(Compression, NegotiatesByWeight) {
    EXPECT_EQ(NegotiateCoding(std::nullopt), Coding::kIdentity);
    EXPECT_EQ(NegotiateCoding(""), Coding::kIdentity);
    EXPECT_EQ(NegotiateCoding("identity"), Coding::kIdentity);
    EXPECT_EQ(NegotiateCoding("deflate, compress"), Coding::kIdentity);
    EXPECT_EQ(NegotiateCoding("gzip"), Coding::kGzip);
    EXPECT_EQ(NegotiateCoding("X-GZIP"), Coding::kGzip);
    EXPECT_EQ(NegotiateCoding("gzip, deflate, br"), Coding::kBrotli);  // equal weights: br
    EXPECT_EQ(NegotiateCoding("br;q=0.5, gzip;q=0.8"), Coding::kGzip);
    EXPECT_EQ(NegotiateCoding("br;q=0, gzip"), Coding::kGzip);
    EXPECT_EQ(NegotiateCoding("br; q=0.000 ,gzip;Q=0.001"), Coding::kGzip);
    EXPECT_EQ(NegotiateCoding("*"), Coding::kBrotli);
    EXPECT_EQ(NegotiateCoding("br;q=0, *;q=0.3"), Coding::kGzip);  // a named coding is not "*"
    EXPECT_EQ(NegotiateCoding("*;q=0"), Coding::kIdentity);
    EXPECT_EQ(NegotiateCoding("gzip;q=2, br;q=abc"), Coding::kIdentity);  // malformed weights ignore their item
    EXPECT_EQ(NegotiateCoding("gzip;q=1.0000"), Coding::kIdentity);
    EXPECT_EQ(NegotiateCoding(" , ;, gzip ; q=0.9 ,"), Coding::kGzip);
    EXPECT_EQ(NegotiateCoding("br;level=3;q=0, gzip;x=1;q=0.5"), Coding::kGzip);  // q after other parameters
}

TEST(Compression, TypesThatGain) {
    EXPECT_TRUE(CompressibleType("application/json"));
    EXPECT_TRUE(CompressibleType("application/problem+json; charset=utf-8"));
    EXPECT_TRUE(CompressibleType("text/html; charset=utf-8"));
    EXPECT_TRUE(CompressibleType("Text/JavaScript"));
    EXPECT_TRUE(CompressibleType("image/svg+xml"));
    EXPECT_TRUE(CompressibleType("application/yaml"));
    EXPECT_FALSE(CompressibleType("application/zip"));
    EXPECT_FALSE(CompressibleType("application/gzip"));
    EXPECT_FALSE(CompressibleType("application/octet-stream"));
    EXPECT_FALSE(CompressibleType("image/png"));
    EXPECT_FALSE(CompressibleType("font/woff2"));
    EXPECT_FALSE(CompressibleType(""));
}

TEST(Compression, RoundTripsBothCodings) {
    const std::string body = Text(50'000);
    for (const Coding c : {Coding::kGzip, Coding::kBrotli}) {
        const auto packed = Compress(body, c, 5);
        ASSERT_TRUE(packed) << CodingToken(c);
        EXPECT_LT(packed->size(), body.size() / 4) << CodingToken(c);
        EXPECT_EQ(Decompress(*packed, c, 1 << 20), body) << CodingToken(c);
        EXPECT_FALSE(Decompress(*packed, c, 1000)) << "past the limit";
        EXPECT_FALSE(Decompress(packed->substr(0, packed->size() / 2), c, 1 << 20)) << "truncated";
    }
    EXPECT_EQ(Decompress(*Compress("", Coding::kGzip, 9), Coding::kGzip, 10), "");
    EXPECT_EQ(Decompress(*Compress("", Coding::kBrotli, 11), Coding::kBrotli, 10), "");
}

TEST(Compression, CacheKeepsUpToItsSizeOldestOut) {
    CompressedCache cache(100);
    int made = 0;
    const auto make = [&](std::size_t n) {
        return [&made, n] {
            ++made;
            return std::optional<std::string>(std::string(n, 'z'));
        };
    };
    EXPECT_EQ(cache.Get("a", Coding::kGzip, make(60))->size(), 60u);
    EXPECT_EQ(cache.Get("a", Coding::kGzip, make(1))->size(), 60u);  // kept
    EXPECT_EQ(made, 1);
    EXPECT_EQ(cache.Get("a", Coding::kBrotli, make(30))->size(), 30u);  // another coding, another entry
    EXPECT_EQ(cache.bytes(), 90u);
    cache.Get("b", Coding::kGzip, make(50));  // "a"/gzip goes
    EXPECT_EQ(cache.bytes(), 80u);
    EXPECT_EQ(cache.Get("a", Coding::kGzip, make(7))->size(), 7u);
    EXPECT_EQ(made, 4);
    cache.Get("huge", Coding::kGzip, make(101));  // larger than the whole cache: given, not kept
    EXPECT_EQ(cache.Get("huge", Coding::kGzip, make(5))->size(), 5u);
}

class CompressionMiddlewareTest : public ::testing::Test {
protected:
    Response Run(Request req, Response res) {
        middleware_.OnResponse(req, res);
        return res;
    }
    static Request Get(std::string accept, std::string path = "/api/v1/catalog") {
        Request r;
        r.method = "GET";
        r.path = std::move(path);
        if (!accept.empty()) r.headers.Set("Accept-Encoding", std::move(accept));
        return r;
    }
    static std::vector<std::string> Varies(const Response& r) {
        std::vector<std::string> out;
        for (const auto& [k, v] : r.headers.items()) {
            if (IEquals(k, "Vary")) out.push_back(v);
        }
        return out;
    }
    CompressionMiddleware middleware_{CompressionOptions{}};
    const std::string body_ = Text(20'000);
};

TEST_F(CompressionMiddlewareTest, CompressesWhatTheClientAccepts) {
    for (const auto& [accept, coding] :
         std::vector<std::pair<std::string, Coding>>{{"gzip", Coding::kGzip}, {"gzip, br", Coding::kBrotli}}) {
        Response r = Run(Get(accept), Response::Text(200, body_, "application/json"));
        EXPECT_EQ(r.headers.Get("Content-Encoding"), CodingToken(coding));
        EXPECT_EQ(Varies(r), std::vector<std::string>{"Accept-Encoding"});
        EXPECT_EQ(Decompress(r.body, coding, 1 << 20), body_);
    }
    Response plain = Run(Get(""), Response::Text(200, body_, "application/json"));
    EXPECT_FALSE(plain.headers.Has("Content-Encoding"));
    EXPECT_EQ(plain.body, body_);
    EXPECT_EQ(Varies(plain), std::vector<std::string>{"Accept-Encoding"}) << "a cache must not give it to gzip clients";
    Response not_modified = Response::Empty(304);
    not_modified.headers.Set("ETag", "\"v1\"");
    EXPECT_EQ(Varies(Run(Get("br"), not_modified)), std::vector<std::string>{"Accept-Encoding"});
}

TEST_F(CompressionMiddlewareTest, LeavesAloneWhatMustNotChange) {
    const auto unchanged = [&](const Request& req, Response res, const char* why) {
        const std::string before = res.body;
        Response r = Run(req, std::move(res));
        EXPECT_FALSE(r.headers.Has("Content-Encoding")) << why;
        EXPECT_EQ(r.body, before) << why;
    };
    unchanged(Get("br"), Response::Text(200, Text(500), "application/json"), "under min_bytes");
    unchanged(Get("br"), Response::Text(200, Text((8u << 20) + 1), "application/json"), "over 8 MiB");
    unchanged(Get("br"), Response::Text(200, body_, "application/zip"), "an archive");
    unchanged(Get("br", "/api/v1/auth/refresh"), Response::Text(200, body_, "application/json"), "secrets");
    Request post = Get("br");
    post.method = "POST";
    unchanged(post, Response::Text(200, body_, "application/json"), "not a GET");
    Response cookie = Response::Text(200, body_, "text/html");
    cookie.headers.Add("Set-Cookie", "s=1");
    unchanged(Get("br"), cookie, "sets a cookie");
    Response nt = Response::Text(200, body_, "text/html");
    nt.headers.Set("Cache-Control", "public, no-transform");
    unchanged(Get("br"), nt, "no-transform");
    Response coded = Response::Text(200, body_, "text/html");
    coded.headers.Set("Content-Encoding", "gzip");
    coded = Run(Get("br"), coded);
    EXPECT_EQ(coded.headers.Get("Content-Encoding"), "gzip") << "already coded";
    EXPECT_EQ(coded.body, body_);
    Response file = Response::Text(200, "", "application/json");
    file.file = "/tmp/x.json";
    unchanged(Get("br"), file, "a file from disk");
    std::mt19937 random(7);
    std::string noise(4000, '\0');
    for (auto& c : noise) c = static_cast<char>(random());
    unchanged(Get("br"), Response::Text(200, noise, "text/plain"), "no gain");
    CompressionMiddleware off(CompressionOptions{.enabled = false});
    Response r = Response::Text(200, body_, "application/json");
    off.OnResponse(Get("br"), r);
    EXPECT_FALSE(r.headers.Has("Content-Encoding"));
}

TEST_F(CompressionMiddlewareTest, KeepsTheEtagAndTheCompressedFormOfLastingBodies) {
    Response res = Response::Text(200, body_, "text/javascript");
    res.headers.Set("ETag", "\"v3\"");
    res.headers.Set("Cache-Control", "no-cache");
    Response r = Run(Get("br"), res);
    EXPECT_EQ(r.headers.Get("Content-Encoding"), "br");
    EXPECT_EQ(r.headers.Get("ETag"), "\"v3\"") << "clients send it back as If-Match";
    // Compressed once at the kept level: smaller than the per-request level's.
    Response per_request = res;
    per_request.headers.Set("Cache-Control", "no-store");
    const std::string quick = Run(Get("br"), per_request).body;
    EXPECT_EQ(Decompress(quick, Coding::kBrotli, 1 << 20), body_);
    EXPECT_LT(r.body.size(), quick.size());
}

}  // namespace
}  // namespace dihya::http
