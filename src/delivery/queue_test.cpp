#include "delivery/queue.hpp"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/test_database.hpp"

namespace dihya::delivery {
namespace {

using namespace std::chrono_literals;

/// The outcomes a deliverer gives (mail's behaviour, any failure retried, is in mail/queue_test.cpp): a message
/// given up is not tried again, a retry waits at least what the server asked, and queues of different tables do
/// not see each other's messages.
class DeliveryQueueTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = test_db_.CreateMigrated();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }

    std::unique_ptr<Queue> Make(const std::string& table) {
        return std::make_unique<Queue>(
            *db_, cipher_, clock_, log_, Table{table, "test", table + ".message"},
            [this](const Item& item) {
                seen_.push_back(item.payload + "#" + std::to_string(item.attempt));
                Outcome o = outcomes_.empty() ? Outcome::Done() : outcomes_.front();
                if (!outcomes_.empty()) outcomes_.erase(outcomes_.begin());
                return o;
            },
            QueueOptions{1s, 60s, 5, 1s, 120s, "node", false});
    }

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    crypto::FieldCipher cipher_{crypto::DeriveDataKey(std::string(32, 'd')), {}};
    ManualClock clock_;
    Logger log_{LogLevel::kError};
    std::vector<Outcome> outcomes_;
    std::vector<std::string> seen_;
};

TEST_F(DeliveryQueueTest, GiveUpIsFinalAndRetryWaitsAtLeastWhatTheServerAsked) {
    auto q = Make("push_queue");
    ASSERT_TRUE(q->Enqueue("", "kind.a", "first").ok());
    outcomes_ = {Outcome::Retry("busy", 10s), Outcome::GiveUp("refused")};
    EXPECT_EQ(q->RunDue(), 1);
    clock_.Advance(5s);  // past the 1 s back-off, not past the 10 s asked for
    EXPECT_EQ(q->RunDue(), 0);
    clock_.Advance(5s);
    EXPECT_EQ(q->RunDue(), 1);  // given up
    clock_.Advance(1h);
    EXPECT_EQ(q->RunDue(), 0) << "never again";
    EXPECT_EQ(*q->Pending(), 0);
    EXPECT_EQ(seen_, (std::vector<std::string>{"first#1", "first#2"}));
}

TEST_F(DeliveryQueueTest, TablesAreSeparateQueues) {
    auto push = Make("push_queue");
    auto mail = Make("mail_queue");
    ASSERT_TRUE(push->Enqueue("", "kind.p", "p").ok());
    ASSERT_TRUE(mail->Enqueue("", "kind.m", "m").ok());
    EXPECT_EQ(push->RunDue(), 1);
    EXPECT_EQ(seen_, (std::vector<std::string>{"p#1"}));
    EXPECT_EQ(*mail->Pending(), 1);
    auto raw = db_->Query("SELECT message FROM push_queue");
    ASSERT_TRUE(raw.ok());
    EXPECT_TRUE(raw->empty()) << "deleted once delivered";
}

}  // namespace
}  // namespace dihya::delivery
