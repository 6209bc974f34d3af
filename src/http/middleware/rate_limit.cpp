#include "http/middleware/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace dihya::http {

namespace {
constexpr std::size_t kPruneAbove = 100'000;

bool Limited(const Request& request) {
    return (request.path.rfind("/api/", 0) == 0 || request.path == "/graphql") && request.method != "OPTIONS";
}
}  // namespace

TokenBuckets::TokenBuckets(double rate_per_second, std::int64_t burst, Clock clock)
    : rate_(rate_per_second), burst_(burst), clock_(std::move(clock)) {
    if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

TokenBuckets::Decision TokenBuckets::Take(const std::string& key) {
    const auto now = clock_();
    std::lock_guard lock(mu_);
    if (buckets_.size() > kPruneAbove) PruneLocked(now);
    auto [it, inserted] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
    Bucket& b = it->second;
    if (!inserted) {
        const double elapsed = std::chrono::duration<double>(now - b.updated).count();
        b.tokens = std::min(static_cast<double>(burst_), b.tokens + elapsed * rate_);
        b.updated = now;
    }
    return DecideBucket(b.tokens, rate_, burst_);
}

RateDecision DecideBucket(double& tokens, double rate, std::int64_t burst) {
    RateDecision d{};
    if (tokens >= 1.0) {
        tokens -= 1.0;
        d.allowed = true;
    }
    d.remaining = static_cast<std::int64_t>(std::floor(tokens));
    d.reset_seconds = static_cast<std::int64_t>(std::ceil((static_cast<double>(burst) - tokens) / rate));
    d.retry_after =
        d.allowed ? 0 : std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - tokens) / rate)));
    return d;
}

std::size_t TokenBuckets::size() const {
    std::lock_guard lock(mu_);
    return buckets_.size();
}

void TokenBuckets::PruneLocked(std::chrono::steady_clock::time_point now) {
    // Buckets that have refilled completely carry no state worth keeping.
    std::erase_if(buckets_, [&](const auto& kv) {
        const double elapsed = std::chrono::duration<double>(now - kv.second.updated).count();
        return kv.second.tokens + elapsed * rate_ >= static_cast<double>(burst_);
    });
}

std::optional<Response> RateLimitMiddleware::OnRequest(Request& request) {
    if (!Limited(request)) return std::nullopt;
    const auto d = buckets_.Take(request.remote_ip);
    request.attributes["ratelimit.remaining"] = std::to_string(d.remaining);
    request.attributes["ratelimit.reset"] = std::to_string(d.reset_seconds);
    if (d.allowed) return std::nullopt;
    Response r = Response::Problem(
        Error{ErrorCode::kRateLimited, "rate limit exceeded; retry after " + std::to_string(d.retry_after) + " s", {}},
        request.request_id);
    r.headers.Set("Retry-After", std::to_string(d.retry_after));
    return r;
}

void RateLimitMiddleware::OnResponse(const Request& request, Response& response) {
    const auto remaining = request.attributes.find("ratelimit.remaining");
    if (remaining == request.attributes.end()) return;
    response.headers.Set("RateLimit-Limit", std::to_string(buckets_.burst()));
    response.headers.Set("RateLimit-Remaining", remaining->second);
    response.headers.Set("RateLimit-Reset", request.attributes.at("ratelimit.reset"));
}

}  // namespace dihya::http
