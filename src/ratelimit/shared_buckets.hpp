#pragma once

// Rate limits shared by the nodes of a cluster (rate_limit.shared, PostgreSQL): each client's bucket is a row that
// one statement refills and takes from, so a client gets one limit whichever node answers (docs/operations.md).

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/log.hpp"
#include "http/middleware/rate_limit.hpp"
#include "storage/db.hpp"

namespace dihya::ratelimit {

struct SharedBucketsDeps {
    storage::Db& db;
    Logger& log;
    double rate_per_second = 20;
    std::int64_t burst = 60;
    /// Seconds since the epoch (the system clock; tests give their own).
    std::function<double()> now;
    /// Used while the database cannot be reached: this node's own buckets, so that a client is still limited.
    http::RateLimiter* fallback = nullptr;
    /// Every this many takes, the buckets full again are deleted.
    std::int64_t prune_every = 1000;
};

class SharedBuckets final : public http::RateLimiter {
public:
    explicit SharedBuckets(SharedBucketsDeps deps);
    Decision Take(const std::string& key) override;
    std::int64_t burst() const override { return d_.burst; }

private:
    /// While the table cannot be used: the node's own buckets (or no limit without them).
    Decision Alone(const std::string& key);

    SharedBucketsDeps d_;
    std::atomic<std::int64_t> takes_{0};
    /// After a failure the database is left alone until then (the node's clock), so that a database that is down
    /// does not add its timeout to every request.
    std::atomic<double> retry_at_{0};
    std::atomic<bool> warned_{false};
};

}  // namespace dihya::ratelimit
