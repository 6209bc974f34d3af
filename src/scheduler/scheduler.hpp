#pragma once

// The scheduler: named jobs that run on cron expressions (docs/operations.md). Each due time becomes one run — a
// job of the shared queue (jobs/queue.hpp, kind "scheduled", subject the job's name) with its steps, log, result
// and lease — so a run is taken over by another node when its node dies, and the queue's history is the run
// history. Any node may find a job due: the move of its next due time and the run's insertion commit together,
// guarded by the old due time (and FOR UPDATE SKIP LOCKED on PostgreSQL), so each due time runs once per cluster.
// After a downtime a job runs once for all the times it missed, then follows its expression from now on.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "jobs/queue.hpp"
#include "scheduler/cron.hpp"
#include "storage/db.hpp"

namespace dihya::scheduler {

/// The jobs' kind in the queue.
inline constexpr const char* kJobKind = "scheduled";

/// A job the scheduler runs.
struct Task {
    std::string name;  // lower case, digits and '-'
    std::string description;
    std::string cron;  // its default timing, replaced by schedule.<name>.cron
    std::string time_zone = "UTC";
    /// The work. Its log lines (progress.Log) are the run's output; what it returns is the run's result.
    jobs::Handler run;
};

struct Schedule {
    std::string name;
    std::string description;
    std::string cron;
    std::string time_zone;
    bool paused = false;
    std::string next_run_at;  // empty when never due (or paused)
    std::optional<jobs::Job> last_run;
};

struct Run {
    jobs::Job job;
    std::vector<jobs::Event> output;  // the tail of its log
};

struct RunPage {
    std::vector<Run> runs;
    std::optional<std::string> next_cursor;
};

struct SchedulerDeps {
    storage::Db& db;
    jobs::Queue& queue;
    AuditSink& audit;
    const Clock& clock;
    Logger& log;
};

struct SchedulerOptions {
    /// How often a node looks for due jobs (runs start within this of their time).
    std::int64_t poll_ms = 1000;
    /// Lines of each run's log that the history shows.
    std::int64_t output_lines = 20;
};

class Scheduler final {
public:
    explicit Scheduler(SchedulerDeps deps, SchedulerOptions options = {});
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// Adds a job (before Start), with its timing from `configured` (schedule.<name>.*) when set there.
    /// kInvalidArgument naming the configuration key for a bad expression or time zone.
    Result<void> Add(Task task, const std::map<std::string, ScheduleConfig>& configured = {});
    /// kInvalidArgument when the configuration times a job that does not exist (a misspelt name).
    Result<void> CheckConfigured(const std::map<std::string, ScheduleConfig>& configured) const;
    /// Writes the added jobs' rows: new jobs, and (with `retime`) those whose timing changed, due next from now.
    /// Start calls it with retime; command-line tools without, so that they never change a server's timing.
    Result<void> Sync(bool retime = true);
    /// Syncs, then looks for due jobs every poll_ms on a thread until Stop. Runs are the queue's workers' work.
    Result<void> Start();
    void Stop();
    /// One look: enqueues a run of each due job (one for all its missed times; none while its last run is queued
    /// or running); returns how many were enqueued.
    Result<int> Tick();

    Result<std::vector<Schedule>> List();
    Result<Schedule> Get(const std::string& name);
    /// Pausing stops future runs (not a running one); resuming makes it due next from now, not for the times it
    /// missed while paused. Audited.
    Result<Schedule> SetPaused(const std::string& name, bool paused, const std::string& actor_id,
                               const RequestContext& context);
    /// A run now, beside the schedule; kConflict while one is queued or running. Audited.
    Result<jobs::Job> RunNow(const std::string& name, const std::string& actor_id, const RequestContext& context);
    /// Runs newest first, with the tail of their logs; cursor pagination.
    Result<RunPage> History(const std::string& name, const std::string& cursor, std::int64_t limit);

private:
    struct Entry {
        Task task;
        CronSchedule cron;
    };
    const Entry* Find(const std::string& name) const;
    Result<Schedule> Read(const storage::Rows& rows, std::size_t i);
    std::string NextAfter(const Entry& e, TimePoint t) const;
    void Loop();

    SchedulerDeps d_;
    SchedulerOptions options_;
    std::map<std::string, Entry, std::less<>> tasks_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace dihya::scheduler
