#include "mail/queue.hpp"

#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/migrations.hpp"
#include "storage/test_database.hpp"

namespace dihya::mail {
namespace {

using namespace std::chrono_literals;

class MailQueueTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = test_db_.CreateMigrated();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        const std::array<storage::Value, 1> p{std::string("2026-01-01T00:00:00.000Z")};
        ASSERT_TRUE(db_->Execute("INSERT INTO users (id, email_enc, email_index, locale, role, created_at, updated_at) "
                                 "VALUES ('u1', 'x', 'i1', 'en', 'user', $1, $1)",
                                 p)
                        .ok());
    }

    std::unique_ptr<MailQueue> Queue(std::string node = "node-a", std::int64_t max_attempts = 4) {
        return std::make_unique<MailQueue>(
            *db_, cipher_, clock_, log_,
            [this](const Message& m) -> Result<void> {
                attempts_.push_back(m);
                if (failures_ > 0) {
                    --failures_;
                    return MakeError(ErrorCode::kUnavailable, "smtp: Couldn't connect to server");
                }
                delivered_.push_back(m);
                return Ok();
            },
            MailQueueOptions{1s, 8s, max_attempts, 1s, 120s, std::move(node), false});
    }

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    crypto::FieldCipher cipher_{crypto::DeriveDataKey(std::string(32, 's')), {}};
    ManualClock clock_;
    Logger log_{LogLevel::kError};
    int failures_ = 0;
    std::vector<Message> attempts_;
    std::vector<Message> delivered_;
};

TEST(MailRetryDelay, DoublesUpToTheMaximum) {
    EXPECT_EQ(RetryDelay(1, 2s, 60s), 2s);
    EXPECT_EQ(RetryDelay(2, 2s, 60s), 4s);
    EXPECT_EQ(RetryDelay(5, 2s, 60s), 32s);
    EXPECT_EQ(RetryDelay(6, 2s, 60s), 60s);
    EXPECT_EQ(RetryDelay(400, 2s, 60s), 60s);
}

TEST_F(MailQueueTest, RetriesWithBackOffAndDeliversOnce) {
    auto q = Queue();
    failures_ = 2;
    q->Send({"ada@example.org", "Verify", "Click https://x/#token=abc", "verify_email", "u1"});
    EXPECT_EQ(*q->Pending(), 1);
    auto raw = db_->Query("SELECT message FROM mail_queue");
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->GetText(0, "message")->find("ada@example.org"), std::string::npos) << "encrypted at rest";

    EXPECT_EQ(q->RunDue(), 1);  // fails: retry in 1 s
    EXPECT_EQ(q->RunDue(), 0) << "not due yet";
    clock_.Advance(1s);
    EXPECT_EQ(q->RunDue(), 1);  // fails: retry in 2 s
    clock_.Advance(1s);
    EXPECT_EQ(q->RunDue(), 0);
    clock_.Advance(1s);
    EXPECT_EQ(q->RunDue(), 1);  // delivered
    ASSERT_EQ(delivered_.size(), 1u);
    EXPECT_EQ(delivered_[0].to, "ada@example.org");
    EXPECT_EQ(delivered_[0].text, "Click https://x/#token=abc");
    EXPECT_EQ(*q->Pending(), 0);
    clock_.Advance(1h);
    EXPECT_EQ(q->RunDue(), 0) << "delivered mail is gone: never sent twice";
    EXPECT_EQ(attempts_.size(), 3u);
}

TEST_F(MailQueueTest, AQueuedMessageSurvivesTheProcessAndOneNodeTakesIt) {
    {
        auto before = Queue("node-a");
        failures_ = 1;
        before->Send({"ada@example.org", "Reset", "text", "reset_password", "u1"});
        EXPECT_EQ(before->RunDue(), 1);  // the server is down
    }                                    // the process ends
    clock_.Advance(1s);
    auto a = Queue("node-a");
    auto b = Queue("node-b");
    EXPECT_EQ(a->RunDue() + b->RunDue(), 1) << "two nodes, one delivery";
    EXPECT_EQ(delivered_.size(), 1u);
    EXPECT_EQ(a->RunDue() + b->RunDue(), 0);
}

TEST_F(MailQueueTest, GivesUpAfterMaxAttemptsAndForgetsTheText) {
    auto q = Queue("node-a", 2);
    failures_ = 10;
    q->Send({"ada@example.org", "Verify", "secret link", "verify_email", "u1"});
    EXPECT_EQ(q->RunDue(), 1);
    clock_.Advance(1s);
    EXPECT_EQ(q->RunDue(), 1);
    clock_.Advance(1h);
    EXPECT_EQ(q->RunDue(), 0);
    EXPECT_EQ(*q->Pending(), 0);
    auto raw = db_->Query("SELECT message, gave_up_at, attempts FROM mail_queue");
    ASSERT_EQ(raw->size(), 1u);
    EXPECT_EQ(*raw->GetText(0, "message"), "");
    EXPECT_TRUE(raw->GetText(0, "gave_up_at").has_value());
    EXPECT_EQ(*raw->GetInt(0, "attempts"), 2);
}

TEST_F(MailQueueTest, RefusesHeaderInjectionAndGoesWithTheAccount) {
    auto q = Queue();
    q->Send({"ada@example.org\r\nBcc: x@evil.test", "Hi", "t", "verify_email", "u1"});
    EXPECT_EQ(*q->Pending(), 0);
    failures_ = 1;
    q->Send({"ada@example.org", "Hi", "t", "verify_email", "u1"});
    EXPECT_EQ(q->RunDue(), 1);
    MailQueueData data(*q);
    boost::json::value exported;
    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) -> Result<void> {
                       auto e = data.Export(s, "u1");
                       if (!e) return e.take_error();
                       exported = *e;
                       return Ok();
                   })
                    .ok());
    ASSERT_EQ(exported.as_array().size(), 1u);
    EXPECT_EQ(exported.at(0).at("kind"), "verify_email");
    EXPECT_EQ(exported.at(0).at("attempts"), 1);
    ASSERT_TRUE(db_->Execute("DELETE FROM users WHERE id = 'u1'").ok());
    EXPECT_EQ(*q->Pending(), 0) << "erased with the account";
}

}  // namespace
}  // namespace dihya::mail
