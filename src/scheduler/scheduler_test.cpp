#include "scheduler/scheduler.hpp"

#include <atomic>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "storage/test_database.hpp"

namespace dihya::scheduler {
namespace {

namespace json = boost::json;

class RecordingAudit final : public AuditSink {
public:
    Result<void> Record(storage::Session&, const AuditEvent& e) override {
        std::lock_guard lock(mu_);
        actions_.push_back(e.action + " " + e.target_id);
        return Ok();
    }
    std::vector<std::string> actions() {
        std::lock_guard lock(mu_);
        return actions_;
    }

private:
    std::mutex mu_;
    std::vector<std::string> actions_;
};

TimePoint At(const char* text) {
    return *ParseTime(text);
}

class SchedulerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = test_db_.CreateMigrated();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }

    /// A scheduler (a node) with its own queue; `runs` counts the job's runs.
    struct Node {
        Node(storage::Db& db, ManualClock& clock, Logger& log, AuditSink& audit, std::atomic<int>& runs,
             const std::map<std::string, ScheduleConfig>& configured = {})
            : queue(db, clock, log), scheduler({db, queue, audit, clock, log}) {
            auto added = scheduler.Add({"tidy", "tidies", "0 * * * *", "UTC",
                                        [&runs](const jobs::Job& job, jobs::Progress& p) -> Result<json::value> {
                                            ++runs;
                                            p.Log("tidied for " + std::string(job.input.at("due_at").as_string()));
                                            return json::value{{"tidied", 3}};
                                        }},
                                       configured);
            EXPECT_TRUE(added.ok()) << added.error().message;
        }
        jobs::Queue queue;
        Scheduler scheduler;
    };

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    ManualClock clock_{At("2026-12-07T10:20:00.000Z")};
    Logger log_{LogLevel::kError};
    RecordingAudit audit_;
    std::atomic<int> runs_{0};
};

TEST_F(SchedulerTest, RunsOncePerDueTimeWithHistoryAndOutput) {
    Node node(*db_, clock_, log_, audit_, runs_);
    ASSERT_TRUE(node.scheduler.Sync().ok());
    auto s = node.scheduler.Get("tidy");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->next_run_at, "2026-12-07T11:00:00.000Z");
    EXPECT_EQ(s->description, "tidies");
    EXPECT_FALSE(s->last_run.has_value());

    EXPECT_EQ(*node.scheduler.Tick(), 0);  // not due yet
    clock_.Advance(std::chrono::minutes(40));
    EXPECT_EQ(*node.scheduler.Tick(), 1);
    EXPECT_EQ(*node.scheduler.Tick(), 0);  // the same due time is not enqueued twice
    EXPECT_EQ(*node.queue.RunPending(), 1);
    EXPECT_EQ(runs_.load(), 1);

    s = node.scheduler.Get("tidy");
    EXPECT_EQ(s->next_run_at, "2026-12-07T12:00:00.000Z");
    ASSERT_TRUE(s->last_run.has_value());
    EXPECT_EQ(s->last_run->status, "succeeded");

    auto page = node.scheduler.History("tidy", "", 10);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->runs.size(), 1U);
    EXPECT_EQ(page->runs[0].job.input.at("trigger").as_string(), "schedule");
    EXPECT_EQ(page->runs[0].job.input.at("due_at").as_string(), "2026-12-07T11:00:00.000Z");
    EXPECT_EQ(page->runs[0].job.result.at("tidied").as_int64(), 3);
    ASSERT_FALSE(page->runs[0].output.empty());
    EXPECT_EQ(page->runs[0].output.back().message, "tidied for 2026-12-07T11:00:00.000Z");
}

TEST_F(SchedulerTest, MissedTimesAfterDowntimeRunOnce) {
    Node node(*db_, clock_, log_, audit_, runs_);
    ASSERT_TRUE(node.scheduler.Sync().ok());
    clock_.Advance(std::chrono::hours(5) + std::chrono::minutes(3));  // 11:00 .. 15:00 missed
    EXPECT_EQ(*node.scheduler.Tick(), 1);
    EXPECT_EQ(*node.scheduler.Tick(), 0);
    EXPECT_EQ(*node.queue.RunPending(), 1);
    EXPECT_EQ(runs_.load(), 1);
    EXPECT_EQ(node.scheduler.Get("tidy")->next_run_at, "2026-12-07T16:00:00.000Z");
}

TEST_F(SchedulerTest, SeveralNodesRunEachDueTimeOnce) {
    std::vector<std::unique_ptr<Node>> nodes;
    for (int i = 0; i < 3; ++i) nodes.push_back(std::make_unique<Node>(*db_, clock_, log_, audit_, runs_));
    for (auto& n : nodes) ASSERT_TRUE(n->scheduler.Sync().ok());
    for (int due = 0; due < 4; ++due) {
        clock_.Advance(std::chrono::hours(1));
        std::atomic<int> enqueued{0};
        std::vector<std::thread> threads;
        for (auto& n : nodes) {
            threads.emplace_back([&n, &enqueued] {
                for (int k = 0; k < 5; ++k) {
                    auto r = n->scheduler.Tick();
                    ASSERT_TRUE(r.ok()) << r.error().message;
                    enqueued += *r;
                }
            });
        }
        for (auto& t : threads) t.join();
        EXPECT_EQ(enqueued.load(), 1) << "due time " << due;
        EXPECT_EQ(*nodes[static_cast<std::size_t>(due) % nodes.size()]->queue.RunPending(), 1);
    }
    EXPECT_EQ(runs_.load(), 4);
}

TEST_F(SchedulerTest, NoSecondRunWhileTheLastIsUnfinished) {
    Node node(*db_, clock_, log_, audit_, runs_);
    ASSERT_TRUE(node.scheduler.Sync().ok());
    clock_.Advance(std::chrono::minutes(45));
    EXPECT_EQ(*node.scheduler.Tick(), 1);  // queued, not run
    auto again = node.scheduler.RunNow("tidy", "admin-1", {"req-1", "127.0.0.1"});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_NE(again.error().message.find("already queued"), std::string::npos) << again.error().message;
    clock_.Advance(std::chrono::hours(1));
    EXPECT_EQ(*node.scheduler.Tick(), 0);  // 12:00 skipped: 11:00's run has not finished
    EXPECT_EQ(node.scheduler.Get("tidy")->next_run_at, "2026-12-07T13:00:00.000Z");
    EXPECT_EQ(*node.queue.RunPending(), 1);
    auto now = node.scheduler.RunNow("tidy", "admin-1", {"req-2", "127.0.0.1"});
    ASSERT_TRUE(now.ok()) << now.error().message;
    EXPECT_EQ(now->input.at("trigger").as_string(), "manual");
    EXPECT_EQ(*node.queue.RunPending(), 1);
    EXPECT_EQ(runs_.load(), 2);
    EXPECT_EQ(node.scheduler.History("tidy", "", 10)->runs.size(), 2U);
    EXPECT_EQ(audit_.actions(), std::vector<std::string>{"scheduler.triggered tidy"});
}

TEST_F(SchedulerTest, PauseStopsRunsAndResumeStartsFromNow) {
    Node node(*db_, clock_, log_, audit_, runs_);
    ASSERT_TRUE(node.scheduler.Sync().ok());
    auto paused = node.scheduler.SetPaused("tidy", true, "admin-1", {});
    ASSERT_TRUE(paused.ok()) << paused.error().message;
    EXPECT_TRUE(paused->paused);
    EXPECT_EQ(paused->next_run_at, "");
    clock_.Advance(std::chrono::hours(3));
    EXPECT_EQ(*node.scheduler.Tick(), 0);
    auto resumed = node.scheduler.SetPaused("tidy", false, "admin-1", {});
    ASSERT_TRUE(resumed.ok());
    EXPECT_FALSE(resumed->paused);
    EXPECT_EQ(resumed->next_run_at, "2026-12-07T14:00:00.000Z");  // not the three missed while paused
    EXPECT_EQ(*node.scheduler.Tick(), 0);
    EXPECT_EQ(audit_.actions(), (std::vector<std::string>{"scheduler.paused tidy", "scheduler.resumed tidy"}));
    auto missing = node.scheduler.SetPaused("nope", true, "admin-1", {});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(SchedulerTest, ConfigurationTimesJobsAndIsChecked) {
    {
        Node node(*db_, clock_, log_, audit_, runs_);
        ASSERT_TRUE(node.scheduler.Sync().ok());
        EXPECT_EQ(node.scheduler.Get("tidy")->next_run_at, "2026-12-07T11:00:00.000Z");
    }
    // Restarted with a new timing: the stored row follows it.
    Node node(*db_, clock_, log_, audit_, runs_, {{"tidy", {"30 9 * * *", "Europe/Paris"}}});
    ASSERT_TRUE(node.scheduler.Sync().ok());
    auto s = node.scheduler.Get("tidy");
    EXPECT_EQ(s->cron, "30 9 * * *");
    EXPECT_EQ(s->time_zone, "Europe/Paris");
    EXPECT_EQ(s->next_run_at, "2026-12-08T08:30:00.000Z");  // 09:30 in Paris (UTC+1 in December)

    jobs::Queue queue(*db_, clock_, log_);
    Scheduler other({*db_, queue, audit_, clock_, log_});
    auto bad = other.Add({"tidy", "", "0 25 * * *", "UTC", {}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bad.error().message, "schedule.tidy.cron: hour (field 2): 25 is out of range 0-23");
    bad = other.Add({"tidy", "", "@daily", "UTC", {}}, {{"tidy", {"", "Mars/Olympus"}}});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("schedule.tidy.time_zone: unknown time zone 'Mars/Olympus'"), std::string::npos)
        << bad.error().message;
    ASSERT_TRUE(other.Add({"tidy", "", "@daily", "UTC", {}}).ok());
    auto typo = other.CheckConfigured({{"tidi", {"@hourly", ""}}});
    ASSERT_FALSE(typo.ok());
    EXPECT_EQ(typo.error().message, "schedule.tidi: there is no scheduled job 'tidi' (jobs: tidy)");
}

TEST_F(SchedulerTest, ToolsWithoutTheServersConfigurationKeepItsTiming) {
    Node server(*db_, clock_, log_, audit_, runs_, {{"tidy", {"*/10 * * * *", "Asia/Tokyo"}}});
    ASSERT_TRUE(server.scheduler.Sync().ok());
    ASSERT_TRUE(server.scheduler.SetPaused("tidy", true, "", {}).ok());
    Node tool(*db_, clock_, log_, audit_, runs_);  // the built-in timing: "0 * * * *" in UTC
    ASSERT_TRUE(tool.scheduler.Sync(/*retime=*/false).ok());
    auto resumed = tool.scheduler.SetPaused("tidy", false, "", {});
    ASSERT_TRUE(resumed.ok()) << resumed.error().message;
    EXPECT_EQ(resumed->cron, "*/10 * * * *");
    EXPECT_EQ(resumed->time_zone, "Asia/Tokyo");
    EXPECT_EQ(resumed->next_run_at, "2026-12-07T10:30:00.000Z");  // by the stored timing, not the tool's
}

TEST_F(SchedulerTest, HistoryPagesNewestFirst) {
    Node node(*db_, clock_, log_, audit_, runs_);
    ASSERT_TRUE(node.scheduler.Sync().ok());
    for (int i = 0; i < 5; ++i) {
        clock_.Advance(std::chrono::hours(1));
        ASSERT_EQ(*node.scheduler.Tick(), 1);
        ASSERT_EQ(*node.queue.RunPending(), 1);
    }
    auto first = node.scheduler.History("tidy", "", 2);
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->runs.size(), 2U);
    ASSERT_TRUE(first->next_cursor.has_value());
    EXPECT_EQ(first->runs[0].job.input.at("due_at").as_string(), "2026-12-07T15:00:00.000Z");
    auto second = node.scheduler.History("tidy", *first->next_cursor, 10);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->runs.size(), 3U);
    EXPECT_FALSE(second->next_cursor.has_value());
    EXPECT_EQ(second->runs[2].job.input.at("due_at").as_string(), "2026-12-07T11:00:00.000Z");
    auto bad = node.scheduler.History("tidy", "garbage!", 10);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace dihya::scheduler
