#include "ratelimit/shared_buckets.hpp"

#include <chrono>

#include "ratelimit/embedded.hpp"
#include "storage/named_queries.hpp"

namespace dihya::ratelimit {

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/ratelimit.sql"), "ratelimit.sql");
    return q;
}

}  // namespace

SharedBuckets::SharedBuckets(SharedBucketsDeps deps) : d_(std::move(deps)) {
    if (!d_.now) {
        d_.now = [] {
            return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        };
    }
}

namespace {
constexpr double kRetryAfterFailureSeconds = 5;
}  // namespace

SharedBuckets::Decision SharedBuckets::Alone(const std::string& key) {
    return d_.fallback != nullptr ? d_.fallback->Take(key) : Decision{true, d_.burst - 1, 0, 0};
}

SharedBuckets::Decision SharedBuckets::Take(const std::string& key) {
    const double now = d_.now();
    if (now < retry_at_.load()) return Alone(key);
    const bool postgres = d_.db.dialect() == storage::Dialect::kPostgres;
    const std::vector<storage::Value> params{key, static_cast<double>(d_.burst), d_.rate_per_second, now};
    auto rows = d_.db.Query(Q()[postgres ? "take_postgres" : "take_sqlite"], params);
    if (!rows || rows->size() != 1) {
        retry_at_.store(now + kRetryAfterFailureSeconds);
        if (!warned_.exchange(true)) {
            d_.log.Warn("shared rate limits unavailable; this node counts alone until the database answers",
                        {{"error", rows ? std::string("no row") : rows.error().message}});
        }
        return Alone(key);
    }
    warned_.store(false);
    const bool allowed = rows->GetInt(0, "allowed").value_or(0) == 1;
    // The bucket as it was before this request, refilled: what the process's own buckets decide from.
    double tokens = rows->GetDouble(0, "tokens").value_or(0) + (allowed ? 1.0 : 0.0);
    const Decision d = http::DecideBucket(tokens, d_.rate_per_second, d_.burst);
    if (d_.prune_every > 0 && ++takes_ % d_.prune_every == 0) {
        // A bucket untouched for the time it takes to refill from empty is full: its row says nothing.
        const double full_after = static_cast<double>(d_.burst) / d_.rate_per_second;
        const std::vector<storage::Value> cutoff{now - full_after};
        (void)d_.db.Execute(Q()["prune"], cutoff);
    }
    return d;
}

}  // namespace dihya::ratelimit
