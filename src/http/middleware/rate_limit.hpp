#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/middleware/middleware.hpp"

namespace dihya::http {

struct RateDecision {
    bool allowed;
    std::int64_t remaining;      // whole tokens left after this request
    std::int64_t reset_seconds;  // until the bucket is full again
    std::int64_t retry_after;    // seconds until one token is available (when refused)
};

/// A token bucket per key (a client's address): this process's own (TokenBuckets), or one shared by every node of
/// a cluster (ratelimit::SharedBuckets). Thread-safe.
class RateLimiter {
public:
    using Decision = RateDecision;
    virtual ~RateLimiter() = default;
    virtual Decision Take(const std::string& key) = 0;
    virtual std::int64_t burst() const = 0;
};

/// The decision of a bucket of `burst` tokens refilled at `rate` per second that held `tokens` after its last
/// request (refill included): whether a token was left, and what the RateLimit-* headers say.
RateDecision DecideBucket(double& tokens, double rate, std::int64_t burst);

/// Token buckets keyed by client (IP), in this process.
class TokenBuckets final : public RateLimiter {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    TokenBuckets(double rate_per_second, std::int64_t burst, Clock clock = nullptr);

    Decision Take(const std::string& key) override;
    std::int64_t burst() const override { return burst_; }
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
    explicit RateLimitMiddleware(RateLimiter& buckets) : buckets_(buckets) {}
    std::optional<Response> OnRequest(Request& request) override;
    void OnResponse(const Request& request, Response& response) override;

private:
    RateLimiter& buckets_;
};

}  // namespace dihya::http
