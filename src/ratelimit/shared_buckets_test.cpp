#include "ratelimit/shared_buckets.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/test_database.hpp"

namespace dihya::ratelimit {
namespace {

class SharedRateLimit : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = test_db_.CreateMigrated();
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
    }
    SharedBuckets Node(double rate, std::int64_t burst, http::RateLimiter* fallback = nullptr) {
        return SharedBuckets(
            SharedBucketsDeps{*db_, log_, rate, burst, [this] { return now_.load(); }, fallback, 1000});
    }

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    Logger log_{LogLevel::kError};
    std::atomic<double> now_{1'800'000'000.0};
};

TEST_F(SharedRateLimit, TwoNodesTakeFromOneBucket) {
    SharedBuckets a = Node(1.0, 3);
    SharedBuckets b = Node(1.0, 3);
    auto first = a.Take("10.0.0.1");
    EXPECT_TRUE(first.allowed);
    EXPECT_EQ(first.remaining, 2);
    EXPECT_TRUE(b.Take("10.0.0.1").allowed);
    EXPECT_TRUE(a.Take("10.0.0.1").allowed);
    auto refused = b.Take("10.0.0.1");
    EXPECT_FALSE(refused.allowed) << "the third take was on the other node";
    EXPECT_EQ(refused.remaining, 0);
    EXPECT_EQ(refused.retry_after, 1);
    EXPECT_EQ(refused.reset_seconds, 3);
    EXPECT_TRUE(a.Take("10.0.0.2").allowed) << "another client has its own bucket";
    now_ = now_ + 1.5;  // one and a half tokens back
    EXPECT_TRUE(b.Take("10.0.0.1").allowed);
    EXPECT_FALSE(a.Take("10.0.0.1").allowed);
    now_ = now_ + 100;  // full again, never more than the burst
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(a.Take("10.0.0.1").allowed) << i;
    EXPECT_FALSE(b.Take("10.0.0.1").allowed);
}

TEST_F(SharedRateLimit, ConcurrentTakesNeverGiveMoreThanTheBucket) {
    SharedBuckets a = Node(0.001, 40);
    SharedBuckets b = Node(0.001, 40);
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (SharedBuckets* node : {&a, &b, &a, &b}) {
        threads.emplace_back([&, node] {
            for (int i = 0; i < 20; ++i) allowed += node->Take("10.0.0.9").allowed ? 1 : 0;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(allowed.load(), 40);
}

TEST_F(SharedRateLimit, ANodeCountsAloneWhileTheTableCannotBeRead) {
    http::TokenBuckets own(1.0, 2);
    SharedBuckets a = Node(1.0, 5, &own);
    EXPECT_EQ(a.Take("10.0.0.1").remaining, 4);
    ASSERT_TRUE(db_->Execute("DROP TABLE rate_buckets").ok());
    EXPECT_TRUE(a.Take("10.0.0.1").allowed);
    EXPECT_TRUE(a.Take("10.0.0.1").allowed);
    EXPECT_FALSE(a.Take("10.0.0.1").allowed) << "the node's own bucket of 2";
    ASSERT_TRUE(db_->Execute("CREATE TABLE rate_buckets (key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, "
                             "allowed BIGINT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)")
                    .ok());
    EXPECT_FALSE(a.Take("10.0.0.1").allowed) << "the database is left alone for a few seconds after a failure";
    now_ = now_ + 6;
    const auto back = a.Take("10.0.0.1");
    EXPECT_TRUE(back.allowed);
    EXPECT_EQ(back.remaining, 4) << "the shared bucket again (a new one: the table was emptied)";
}

TEST_F(SharedRateLimit, FullBucketsArePruned) {
    SharedBuckets a(SharedBucketsDeps{*db_, log_, 1.0, 2, [this] { return now_.load(); }, nullptr, 3});
    a.Take("10.0.0.1");
    a.Take("10.0.0.2");
    now_ = now_ + 10;    // both full again
    a.Take("10.0.0.3");  // the third take prunes
    auto rows = db_->Query("SELECT key FROM rate_buckets ORDER BY key");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->GetText(0, "key"), "10.0.0.3");
}

}  // namespace
}  // namespace dihya::ratelimit
