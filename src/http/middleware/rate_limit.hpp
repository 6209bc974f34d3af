#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/middleware/middleware.hpp"

namespace dihya::http {

/// Token buckets keyed by client (IP). Thread-safe.
class TokenBuckets final {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    TokenBuckets(double rate_per_second, std::int64_t burst, Clock clock = nullptr);

    struct Decision {
        bool allowed;
        std::int64_t remaining;      // whole tokens left after this request
        std::int64_t reset_seconds;  // until the bucket is full again
        std::int64_t retry_after;    // seconds until one token is available (when refused)
    };
    Decision Take(const std::string& key);
    std::int64_t burst() const { return burst_; }
    std::size_t size() const;

private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point updated;
    };
    void PruneLocked(std::chrono::steady_clock::time_point now);

    double rate_;
    std::int64_t burst_;
    Clock clock_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Bucket> buckets_;
};

/// Applies the buckets to /api/ routes, per client IP; answers 429 with Retry-After.
class RateLimitMiddleware final : public Middleware {
public:
    explicit RateLimitMiddleware(TokenBuckets& buckets) : buckets_(buckets) {}
    std::optional<Response> OnRequest(Request& request) override;
    void OnResponse(const Request& request, Response& response) override;

private:
    TokenBuckets& buckets_;
};

}  // namespace dihya::http
