#pragma once

// Background jobs in the database: any node may enqueue, any node's workers run them. A worker claims a queued job
// with a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so each runs once in a cluster); a job whose node died is taken
// again when its lease runs out, up to max_attempts. Jobs report steps, progress and a timestamped log.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::jobs {

struct Job {
    std::string id;
    std::string kind;
    std::string owner_id;
    std::string subject_id;  // what the job is about (e.g. a project), empty if nothing
    std::string status;      // queued | running | succeeded | failed | cancelled
    boost::json::value input;
    boost::json::value result;  // null until succeeded
    std::string error;
    std::string step;
    std::int64_t done = 0;
    std::int64_t total = 0;
    std::int64_t attempts = 0;
    std::string created_at;
    std::string started_at;
    std::string finished_at;

    bool finished() const { return status == "succeeded" || status == "failed" || status == "cancelled"; }
};

struct Event {
    std::int64_t seq = 0;
    std::string at;
    std::string message;
};

/// What a running job reports. Each call also renews the job's lease.
class Progress {
public:
    virtual ~Progress() = default;
    virtual void Step(const std::string& step, std::int64_t done, std::int64_t total) = 0;
    virtual void Log(const std::string& message) = 0;
};

/// Does the work; the value returned becomes the job's result. Errors fail the job with their message (which must
/// be safe to show the owner: no secrets, no other people's data).
using Handler = std::function<Result<boost::json::value>(const Job& job, Progress& progress)>;

struct QueueOptions {
    int workers = 2;
    /// A running job's lease; the node renews it every third of it while the job runs (heartbeat), so a job whose
    /// node died is taken again within this time. A node restarted on the same machine gives its dead
    /// predecessor's jobs back at once (it checks that process is gone).
    std::int64_t lease_seconds = 30;
    std::int64_t max_attempts = 3;
    std::int64_t poll_ms = 1000;  // how often idle workers look for jobs enqueued by other nodes
    /// Who holds the leases this queue takes; empty → this process (ProcessNodeId()).
    std::string node_id;
};

/// "host=<hostname>;boot=<kernel boot id>;pid=<pid>;start=<process start time in clock ticks>": names this
/// process uniquely across machines, reboots and reused process ids.
std::string ProcessNodeId();

/// Whether the process a node id names is known to be gone: it names this machine and boot, and no process with
/// that id and start time runs. False for other machines (their leases run out instead).
bool NodeIsGone(const std::string& node_id);

class Queue final {
public:
    Queue(storage::Db& db, const Clock& clock, Logger& log, QueueOptions options = {});
    ~Queue();
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;

    /// Registers the handler of a kind (before Start).
    void Handle(std::string kind, Handler handler);
    /// A change of a job: its state now, and the log line it just wrote when that is the change.
    using Observer = std::function<void(const Job& job, const Event* line)>;
    /// Adds an observer (before Start), called after every change of a job in this process — queued, taken,
    /// progress, log line, end — on the thread that made it. It must be quick and must not throw.
    void Observe(Observer observer);
    void Start();
    /// Stops taking jobs and waits for the running ones to finish.
    void Stop();

    Result<Job> Enqueue(const std::string& kind, const std::string& owner_id, const std::string& subject_id,
                        boost::json::value input);
    /// Enqueues inside the caller's transaction (with the change that causes it); once committed, Wake() lets this
    /// node's workers take it at once (other nodes find it when they next look). Observers are not told.
    Result<Job> Enqueue(storage::Session& s, const std::string& kind, const std::string& owner_id,
                        const std::string& subject_id, boost::json::value input);
    void Wake();
    Result<std::optional<Job>> Find(const std::string& id);
    /// Newest first.
    Result<std::vector<Job>> ListByOwner(const std::string& owner_id, const std::string& kind, std::int64_t limit);
    /// Newest first, after the (created_at, id) cursor of a previous page.
    Result<std::vector<Job>> ListBySubject(const std::string& subject_id, const std::string& kind,
                                           const std::string& before_created_at, const std::string& before_id,
                                           std::int64_t limit);
    /// Every job of `kind` about `subject_id`, newest first, inside a transaction (exports).
    Result<std::vector<Job>> ListBySubject(storage::Session& s, const std::string& subject_id, const std::string& kind);
    Result<std::vector<Event>> Events(const std::string& id, std::int64_t after_seq, std::int64_t limit);
    /// The last `lines` lines of a job's log, oldest first.
    Result<std::vector<Event>> Tail(const std::string& id, std::int64_t lines);
    /// Cancels a job that has not started; false when it already has.
    Result<bool> Cancel(const std::string& id);
    Result<std::int64_t> DeleteOwner(storage::Session& s, const std::string& owner_id);
    /// Deletes the jobs of `kind` about `subject_id` (with their logs), e.g. when the subject is deleted.
    Result<std::int64_t> DeleteSubject(storage::Session& s, const std::string& subject_id, const std::string& kind);
    /// Finished jobs of `kind` older than `before`: (id, result).
    Result<std::vector<std::pair<std::string, boost::json::value>>> OldFinished(const std::string& kind,
                                                                                const std::string& before);
    Result<void> Delete(const std::string& id);

    /// Runs queued jobs on the calling thread until none is left; returns how many ran (tests, CLI).
    Result<int> RunPending();

    /// Gives back the running jobs whose lease holder is a dead process of this machine (Start does it first).
    /// Returns how many.
    Result<int> ReleaseJobsOfDeadNodes();

private:
    Result<std::optional<Job>> Claim();
    void Heartbeat();
    void Run(Job job);
    void Worker();
    void Notify(const Job& job, const Event* line = nullptr);

    storage::Db& db_;
    const Clock& clock_;
    Logger& log_;
    QueueOptions options_;
    std::map<std::string, Handler, std::less<>> handlers_;
    std::vector<Observer> observers_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::uint64_t wakeups_ = 0;
    std::vector<std::thread> workers_;
    std::thread heartbeat_;
};

}  // namespace dihya::jobs
