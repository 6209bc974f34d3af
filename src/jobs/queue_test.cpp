#include "jobs/queue.hpp"

#include <atomic>
#include <future>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "storage/migrations.hpp"
#include "storage/test_database.hpp"

namespace dihya::jobs {
namespace {

class JobsTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = test_db_.CreateMigrated();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }
    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    ManualClock clock_;
    Logger log_{LogLevel::kError};
};

TEST_F(JobsTest, RunsWithProgressLogAndResult) {
    Queue q(*db_, clock_, log_);
    q.Handle("sum", [](const Job& job, Progress& p) -> Result<boost::json::value> {
        std::int64_t total = 0;
        const auto& items = job.input.at("items").as_array();
        for (std::size_t i = 0; i < items.size(); ++i) {
            total += items[i].as_int64();
            p.Step("adding", static_cast<std::int64_t>(i + 1), static_cast<std::int64_t>(items.size()));
        }
        p.Log("added " + std::to_string(items.size()) + " numbers");
        return boost::json::value{{"sum", total}};
    });
    q.Handle("fail", [](const Job&, Progress&) -> Result<boost::json::value> {
        return MakeError(ErrorCode::kInvalidArgument, "nothing to do");
    });
    auto a = q.Enqueue("sum", "user-1", "project-1", boost::json::object{{"items", {1, 2, 3}}});
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->status, "queued");
    auto b = q.Enqueue("fail", "user-1", "", boost::json::object{});
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE(q.Enqueue("unknown", "user-1", "", nullptr).ok());
    EXPECT_EQ(*q.RunPending(), 2);

    auto done = q.Find(a->id);
    ASSERT_TRUE(done.ok() && done->has_value());
    EXPECT_EQ((*done)->status, "succeeded");
    EXPECT_EQ((*done)->result.at("sum").as_int64(), 6);
    EXPECT_EQ((*done)->done, 3);
    EXPECT_EQ((*done)->total, 3);
    auto events = q.Events(a->id, 0, 100);
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->front().message, "added 3 numbers");
    auto failed = q.Find(b->id);
    EXPECT_EQ((*failed)->status, "failed");
    EXPECT_EQ((*failed)->error, "nothing to do");
    EXPECT_EQ(q.ListByOwner("user-1", "sum", 10)->size(), 1u);
    EXPECT_EQ(q.ListBySubject("project-1", "sum", "", "", 10)->size(), 1u);
}

TEST_F(JobsTest, ObserversSeeEveryChangeInOrder) {
    Queue q(*db_, clock_, log_);
    q.Handle("two", [](const Job&, Progress& p) -> Result<boost::json::value> {
        p.Step("working", 1, 2);
        p.Log("half way");
        p.Step("working", 2, 2);
        return boost::json::value{{"ok", true}};
    });
    std::vector<std::string> seen;
    std::vector<std::string> seen_too;
    q.Observe([&](const Job& job, const Event* line) {
        seen.push_back(line != nullptr ? "log " + std::to_string(line->seq) + " " + line->message
                                       : job.status + " " + job.step + " " + std::to_string(job.done));
    });
    q.Observe([&](const Job& job, const Event*) { seen_too.push_back(job.id); });
    auto a = q.Enqueue("two", "u", "s", nullptr);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*q.RunPending(), 1);
    EXPECT_EQ(seen, (std::vector<std::string>{"queued  0", "running  0", "running working 1", "log 1 half way",
                                              "running working 2", "succeeded working 2"}));
    EXPECT_EQ(seen_too.size(), seen.size()) << "every observer is told";
}

TEST_F(JobsTest, CancelOnlyBeforeStart) {
    Queue q(*db_, clock_, log_);
    q.Handle("noop", [](const Job&, Progress&) -> Result<boost::json::value> { return boost::json::value(); });
    auto a = q.Enqueue("noop", "u", "", nullptr);
    EXPECT_TRUE(*q.Cancel(a->id));
    EXPECT_EQ(*q.RunPending(), 0);
    EXPECT_EQ((*q.Find(a->id))->status, "cancelled");
    EXPECT_FALSE(*q.Cancel(a->id));
}

TEST_F(JobsTest, JobsOfASubjectAreListedAndDeletedInATransaction) {
    Queue q(*db_, clock_, log_);
    q.Handle("noop", [](const Job&, Progress& p) -> Result<boost::json::value> {
        p.Log("ran");
        return boost::json::value();
    });
    q.Handle("other", [](const Job&, Progress&) -> Result<boost::json::value> { return boost::json::value(); });
    auto a = q.Enqueue("noop", "u", "subject-1", nullptr);
    clock_.Advance(std::chrono::seconds(1));
    auto b = q.Enqueue("noop", "u", "subject-1", nullptr);
    auto c = q.Enqueue("other", "u", "subject-1", nullptr);
    auto d = q.Enqueue("noop", "u", "subject-2", nullptr);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
    EXPECT_EQ(*q.RunPending(), 4);
    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) -> Result<void> {
                       auto listed = q.ListBySubject(s, "subject-1", "noop");
                       EXPECT_TRUE(listed.ok());
                       EXPECT_EQ(listed->size(), 2u);
                       EXPECT_EQ(listed->front().id, b->id) << "newest first";
                       auto deleted = q.DeleteSubject(s, "subject-1", "noop");
                       EXPECT_EQ(*deleted, 2);
                       return Ok();
                   })
                    .ok());
    EXPECT_FALSE(q.Find(a->id)->has_value());
    EXPECT_TRUE(q.Events(a->id, 0, 10)->empty()) << "the log goes with the job";
    EXPECT_TRUE(q.Find(c->id)->has_value()) << "other kinds stay";
    EXPECT_TRUE(q.Find(d->id)->has_value()) << "other subjects stay";
}

TEST_F(JobsTest, AJobOfADeadNodeIsTakenAgainAfterItsLease) {
    Queue q(*db_, clock_, log_, {.workers = 1, .lease_seconds = 60, .max_attempts = 3});
    int runs = 0;
    q.Handle("once", [&](const Job&, Progress&) -> Result<boost::json::value> {
        ++runs;
        return boost::json::value();
    });
    auto a = q.Enqueue("once", "u", "", nullptr);
    // Another node claimed it and died: mark it running with a lease that ends in a minute.
    const std::string later = FormatTime(clock_.Now() + std::chrono::seconds(60));
    const std::array<storage::Value, 2> p{a->id, later};
    ASSERT_TRUE(
        db_->Execute("UPDATE jobs SET status = 'running', attempts = 1, lease_until = $2 WHERE id = $1", p).ok());
    EXPECT_EQ(*q.RunPending(), 0) << "the lease still holds";
    clock_.Advance(std::chrono::seconds(61));
    EXPECT_EQ(*q.RunPending(), 1);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ((*q.Find(a->id))->attempts, 2);
}

TEST_F(JobsTest, AJobOfADeadProcessOnThisMachineIsGivenBackAtOnce) {
    Queue q(*db_, clock_, log_, {.workers = 1, .lease_seconds = 600, .max_attempts = 3});
    int runs = 0;
    q.Handle("once", [&](const Job&, Progress&) -> Result<boost::json::value> {
        ++runs;
        return boost::json::value();
    });
    const std::string me = ProcessNodeId();
    ASSERT_NE(me.find(";pid="), std::string::npos);
    EXPECT_FALSE(NodeIsGone(me));
    // This machine, this pid, another start time: a process that ended and whose pid was given to us.
    const std::string dead = me.substr(0, me.find(";start=")) + ";start=1";
    EXPECT_TRUE(NodeIsGone(dead));
    const std::string elsewhere = "host=elsewhere;boot=0;pid=1;start=1";
    EXPECT_FALSE(NodeIsGone(elsewhere)) << "another machine's processes are not ours to judge";
    auto a = q.Enqueue("once", "u", "", nullptr);
    auto b = q.Enqueue("once", "u", "", nullptr);
    const std::string later = FormatTime(clock_.Now() + std::chrono::seconds(600));
    for (const auto& [id, owner] : {std::pair{a->id, dead}, std::pair{b->id, elsewhere}}) {
        const std::array<storage::Value, 3> p{id, later, owner};
        ASSERT_TRUE(db_->Execute("UPDATE jobs SET status = 'running', attempts = 1, lease_until = $2, "
                                 "lease_owner = $3 WHERE id = $1",
                                 p)
                        .ok());
    }
    EXPECT_EQ(*q.RunPending(), 0) << "both leases hold";
    EXPECT_EQ(*q.ReleaseJobsOfDeadNodes(), 1);
    EXPECT_EQ(*q.RunPending(), 1);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ((*q.Find(a->id))->status, "succeeded");
    EXPECT_EQ((*q.Find(b->id))->status, "running") << "waits for its lease";
}

TEST_F(JobsTest, WorkersOfTwoNodesRunEachJobOnce) {
    auto other = test_db_.Open();
    ASSERT_TRUE(other.ok());
    Clock system;
    std::mutex mu;
    std::multiset<std::string> ran;
    std::atomic<int> finished{0};
    std::promise<void> all;
    constexpr int kJobs = 40;
    auto handler = [&](const Job& job, Progress&) -> Result<boost::json::value> {
        {
            std::lock_guard lock(mu);
            ran.insert(job.id);
        }
        if (++finished == kJobs) all.set_value();
        return boost::json::value();
    };
    Queue a(*db_, system, log_, {.workers = 2, .poll_ms = 20});
    Queue b(**other, system, log_, {.workers = 2, .poll_ms = 20});
    a.Handle("work", handler);
    b.Handle("work", handler);
    for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(a.Enqueue("work", "u", "", nullptr).ok());
    a.Start();
    b.Start();
    ASSERT_EQ(all.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
    a.Stop();
    b.Stop();
    EXPECT_EQ(ran.size(), static_cast<std::size_t>(kJobs));
    EXPECT_EQ(std::set<std::string>(ran.begin(), ran.end()).size(), static_cast<std::size_t>(kJobs)) << "no job twice";
}

}  // namespace
}  // namespace dihya::jobs
