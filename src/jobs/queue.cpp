#include "jobs/queue.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include "core/crypto.hpp"
#include "jobs/embedded.hpp"
#include "storage/named_queries.hpp"
#include "storage/params.hpp"

namespace dihya::jobs {

namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/jobs.sql"), "jobs/queries/jobs.sql");
    return q;
}

std::string WithColumns(std::string_view name) {
    std::string s(Q()[name]);
    s.replace(s.find("{columns}"), 9, std::string(Q()["columns"]));
    return s;
}

const std::string& FindSql() {
    static const std::string s = WithColumns("find");
    return s;
}
const std::string& ListOwnerSql() {
    static const std::string s = WithColumns("list_owner");
    return s;
}
const std::string& ListSubjectSql() {
    static const std::string s = WithColumns("list_subject");
    return s;
}
const std::string& AllSubjectSql() {
    static const std::string s = WithColumns("all_subject");
    return s;
}

json::value ParseOrNull(const std::optional<std::string>& text) {
    if (!text || text->empty()) return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(*text, ec);
    return ec ? json::value(nullptr) : v;
}

Job Read(const storage::Rows& r, std::size_t i) {
    Job j;
    j.id = r.GetText(i, "id").value_or("");
    j.kind = r.GetText(i, "kind").value_or("");
    j.owner_id = r.GetText(i, "owner_id").value_or("");
    j.subject_id = r.GetText(i, "subject_id").value_or("");
    j.status = r.GetText(i, "status").value_or("");
    j.input = ParseOrNull(r.GetText(i, "input"));
    j.result = ParseOrNull(r.GetText(i, "result"));
    j.error = r.GetText(i, "error").value_or("");
    j.step = r.GetText(i, "step").value_or("");
    j.done = r.GetInt(i, "progress_done").value_or(0);
    j.total = r.GetInt(i, "progress_total").value_or(0);
    j.attempts = r.GetInt(i, "attempts").value_or(0);
    j.created_at = r.GetText(i, "created_at").value_or("");
    j.started_at = r.GetText(i, "started_at").value_or("");
    j.finished_at = r.GetText(i, "finished_at").value_or("");
    return j;
}

class DbProgress final : public Progress {
public:
    DbProgress(storage::Db& db, const Clock& clock, Job& job, std::int64_t lease_seconds,
               std::function<void(const Job&, const Event*)> notify)
        : db_(db), clock_(clock), job_(job), lease_(lease_seconds), notify_(std::move(notify)) {}

    void Step(const std::string& step, std::int64_t done, std::int64_t total) override {
        job_.step = step;
        job_.done = done;
        job_.total = total;
        const std::array<Value, 5> p{job_.id, step, done, total, Lease()};
        (void)db_.Execute(Q()["progress"], p);
        notify_(job_, nullptr);
    }

    void Log(const std::string& message) override {
        Event line;
        line.message = message.substr(0, 2000);
        line.at = FormatTime(clock_.Now());
        auto written = db_.Transaction([&](storage::Session& s) -> Result<void> {
            const std::array<Value, 1> id{job_.id};
            auto next = s.Query(Q()["next_event_seq"], id);
            if (!next) return next.take_error();
            line.seq = next->GetInt(0, "n").value_or(1);
            const std::array<Value, 4> p{job_.id, line.seq, line.at, line.message};
            auto r = s.Execute(Q()["insert_event"], p);
            if (!r) return r.take_error();
            const std::array<Value, 2> renew{job_.id, Lease()};
            auto l = s.Execute(Q()["renew"], renew);
            if (!l) return l.take_error();
            return Ok();
        });
        notify_(job_, written ? &line : nullptr);
    }

private:
    std::string Lease() const { return FormatTime(clock_.Now() + std::chrono::seconds(lease_)); }

    storage::Db& db_;
    const Clock& clock_;
    Job& job_;
    std::int64_t lease_;
    std::function<void(const Job&, const Event*)> notify_;
};

}  // namespace

namespace {

std::string ReadFirstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

/// Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or "" when there is no such process.
std::string StartTicks(const std::string& pid) {
    const std::string stat = ReadFirstLine("/proc/" + pid + "/stat");
    const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) return "";
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
        if (i == 22) return field;
    }
    return "";
}

std::string HostAndBoot() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return "host=" + std::string(host) + ";boot=" + ReadFirstLine("/proc/sys/kernel/random/boot_id") + ";";
}

std::string NodeField(const std::string& id, std::string_view name) {
    const std::string key = std::string(name) + "=";
    auto at = id.find(key);
    if (at == std::string::npos) return "";
    at += key.size();
    return id.substr(at, id.find(';', at) - at);
}

}  // namespace

std::string ProcessNodeId() {
    const std::string pid = std::to_string(::getpid());
    return HostAndBoot() + "pid=" + pid + ";start=" + StartTicks(pid);
}

bool NodeIsGone(const std::string& node_id) {
    if (node_id.rfind(HostAndBoot(), 0) != 0) return false;
    const std::string pid = NodeField(node_id, "pid");
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return false;
    const std::string start = StartTicks(pid);
    return start.empty() || start != NodeField(node_id, "start");
}

Queue::Queue(storage::Db& db, const Clock& clock, Logger& log, QueueOptions options)
    : db_(db), clock_(clock), log_(log), options_(std::move(options)) {
    if (options_.node_id.empty()) options_.node_id = ProcessNodeId();
}

Queue::~Queue() {
    Stop();
}

void Queue::Handle(std::string kind, Handler handler) {
    handlers_[std::move(kind)] = std::move(handler);
}

void Queue::Observe(Observer observer) {
    observers_.push_back(std::move(observer));
}

void Queue::Notify(const Job& job, const Event* line) {
    for (const auto& o : observers_) o(job, line);
}

void Queue::Start() {
    if (auto released = ReleaseJobsOfDeadNodes(); !released) {
        log_.Warn("cannot look for jobs of stopped nodes", {{"error", released.error().message}});
    }
    std::lock_guard lock(mu_);
    if (!workers_.empty()) return;
    stopping_ = false;
    for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Worker(); });
    heartbeat_ = std::thread([this] { Heartbeat(); });
}

void Queue::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    if (heartbeat_.joinable()) heartbeat_.join();
}

Result<int> Queue::ReleaseJobsOfDeadNodes() {
    std::string pattern;
    for (char c : HostAndBoot()) {
        if (c == '%' || c == '_' || c == '!') pattern += '!';
        pattern += c;
    }
    const std::array<Value, 1> p{pattern + "%"};
    auto rows = db_.Query(Q()["running_on_host"], p);
    if (!rows) return rows.take_error();
    int released = 0;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const std::string owner = rows->GetText(i, "lease_owner").value_or("");
        if (owner == options_.node_id || !NodeIsGone(owner)) continue;
        const std::string id = rows->GetText(i, "id").value_or("");
        const std::array<Value, 3> r{id, FormatTime(TimePoint{}), owner};  // an expired lease: claimable now
        auto n = db_.Execute(Q()["release"], r);
        if (!n) return n.take_error();
        if (*n > 0) {
            ++released;
            log_.Info("job given back: the process running it is gone", {{"job", id}});
        }
    }
    if (released > 0) {
        std::lock_guard lock(mu_);
        ++wakeups_;
    }
    cv_.notify_all();
    return released;
}

void Queue::Heartbeat() {
    const auto every = std::chrono::milliseconds(std::max<std::int64_t>(100, options_.lease_seconds * 1000 / 3));
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, every, [&] { return stopping_; })) {
        lock.unlock();
        const std::array<Value, 2> p{options_.node_id,
                                     FormatTime(clock_.Now() + std::chrono::seconds(options_.lease_seconds))};
        if (auto r = db_.Execute(Q()["renew_owned"], p); !r) {
            log_.Warn("cannot renew job leases", {{"error", r.error().message}});
        }
        lock.lock();
    }
}

Result<Job> Queue::Enqueue(const std::string& kind, const std::string& owner_id, const std::string& subject_id,
                           json::value input) {
    Job j;
    auto r = db_.Transaction([&](storage::Session& s) -> Result<void> {
        auto queued = Enqueue(s, kind, owner_id, subject_id, std::move(input));
        if (!queued) return queued.take_error();
        j = std::move(*queued);
        return Ok();
    });
    if (!r) return r.take_error();
    Notify(j);  // before a worker may take it, so that "queued" is told first
    Wake();
    return j;
}

Result<Job> Queue::Enqueue(storage::Session& s, const std::string& kind, const std::string& owner_id,
                           const std::string& subject_id, json::value input) {
    if (!handlers_.contains(kind)) return MakeError(ErrorCode::kInternal, "no handler for jobs of kind " + kind);
    Job j;
    j.id = crypto::NewUuid();
    j.kind = kind;
    j.owner_id = owner_id;
    j.subject_id = subject_id;
    j.status = "queued";
    j.input = std::move(input);
    j.created_at = FormatTime(clock_.Now());
    const std::array<Value, 6> p{
        j.id,        kind, storage::TextOrNull(owner_id), storage::TextOrNull(subject_id), json::serialize(j.input),
        j.created_at};
    if (auto r = s.Execute(Q()["insert"], p); !r) return r.take_error();
    return j;
}

void Queue::Wake() {
    {
        std::lock_guard lock(mu_);
        ++wakeups_;
    }
    cv_.notify_one();
}

Result<std::optional<Job>> Queue::Find(const std::string& id) {
    const std::array<Value, 1> p{id};
    auto r = db_.Query(FindSql(), p);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<Job>();
    return std::optional<Job>(Read(*r, 0));
}

Result<std::vector<Job>> Queue::ListByOwner(const std::string& owner_id, const std::string& kind, std::int64_t limit) {
    const std::array<Value, 3> p{owner_id, kind, limit};
    auto r = db_.Query(ListOwnerSql(), p);
    if (!r) return r.take_error();
    std::vector<Job> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(Read(*r, i));
    return out;
}

Result<std::vector<Job>> Queue::ListBySubject(const std::string& subject_id, const std::string& kind,
                                              const std::string& before_created_at, const std::string& before_id,
                                              std::int64_t limit) {
    const std::array<Value, 5> p{subject_id, kind, before_created_at, before_id, limit};
    auto r = db_.Query(ListSubjectSql(), p);
    if (!r) return r.take_error();
    std::vector<Job> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(Read(*r, i));
    return out;
}

Result<std::vector<Job>> Queue::ListBySubject(storage::Session& s, const std::string& subject_id,
                                              const std::string& kind) {
    const std::array<Value, 2> p{subject_id, kind};
    auto r = s.Query(AllSubjectSql(), p);
    if (!r) return r.take_error();
    std::vector<Job> out;
    for (std::size_t i = 0; i < r->size(); ++i) out.push_back(Read(*r, i));
    return out;
}

Result<std::vector<Event>> Queue::Events(const std::string& id, std::int64_t after_seq, std::int64_t limit) {
    const std::array<Value, 3> p{id, after_seq, limit};
    auto r = db_.Query(Q()["events"], p);
    if (!r) return r.take_error();
    std::vector<Event> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.push_back(
            {r->GetInt(i, "seq").value_or(0), r->GetText(i, "at").value_or(""), r->GetText(i, "message").value_or("")});
    }
    return out;
}

Result<std::vector<Event>> Queue::Tail(const std::string& id, std::int64_t lines) {
    const std::array<Value, 2> p{id, lines};
    auto r = db_.Query(Q()["events_tail"], p);
    if (!r) return r.take_error();
    std::vector<Event> out;
    for (std::size_t i = r->size(); i-- > 0;) {
        out.push_back(
            {r->GetInt(i, "seq").value_or(0), r->GetText(i, "at").value_or(""), r->GetText(i, "message").value_or("")});
    }
    return out;
}

Result<bool> Queue::Cancel(const std::string& id) {
    const std::array<Value, 2> p{id, FormatTime(clock_.Now())};
    auto r = db_.Execute(Q()["cancel"], p);
    if (!r) return r.take_error();
    return *r > 0;
}

Result<std::int64_t> Queue::DeleteOwner(storage::Session& s, const std::string& owner_id) {
    const std::array<Value, 1> p{owner_id};
    return s.Execute(Q()["delete_owner"], p);
}

Result<std::int64_t> Queue::DeleteSubject(storage::Session& s, const std::string& subject_id, const std::string& kind) {
    const std::array<Value, 2> p{subject_id, kind};
    return s.Execute(Q()["delete_subject"], p);
}

Result<std::vector<std::pair<std::string, json::value>>> Queue::OldFinished(const std::string& kind,
                                                                            const std::string& before) {
    const std::array<Value, 2> p{kind, before};
    auto r = db_.Query(Q()["old_finished"], p);
    if (!r) return r.take_error();
    std::vector<std::pair<std::string, json::value>> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.emplace_back(r->GetText(i, "id").value_or(""), ParseOrNull(r->GetText(i, "result")));
    }
    return out;
}

Result<void> Queue::Delete(const std::string& id) {
    const std::array<Value, 1> p{id};
    auto r = db_.Execute(Q()["delete"], p);
    if (!r) return r.take_error();
    return Ok();
}

Result<std::optional<Job>> Queue::Claim() {
    std::optional<Job> claimed;
    const std::string now = FormatTime(clock_.Now());
    const std::string lease = FormatTime(clock_.Now() + std::chrono::seconds(options_.lease_seconds));
    auto r = db_.Transaction([&](storage::Session& s) -> Result<void> {
        const std::array<Value, 1> p{now};
        auto next = s.Query(
            Q()[db_.dialect() == storage::Dialect::kPostgres ? "next_queued_postgres" : "next_queued_sqlite"], p);
        if (!next) return next.take_error();
        if (next->empty()) return Ok();
        const std::string id = next->GetText(0, "id").value_or("");
        const std::array<Value, 4> c{id, now, lease, options_.node_id};
        auto updated = s.Execute(Q()["claim"], c);
        if (!updated) return updated.take_error();
        if (*updated == 0) return Ok();
        const std::array<Value, 1> f{id};
        auto row = s.Query(FindSql(), f);
        if (!row) return row.take_error();
        if (!row->empty()) claimed = Read(*row, 0);
        return Ok();
    });
    if (!r) return r.take_error();
    return claimed;
}

void Queue::Run(Job job) {
    Notify(job);  // taken: running
    const auto handler = handlers_.find(job.kind);
    Result<json::value> out = MakeError(ErrorCode::kInternal, "this server cannot run jobs of kind " + job.kind);
    if (job.attempts > options_.max_attempts) {
        out = MakeError(ErrorCode::kInternal, "gave up after " + std::to_string(options_.max_attempts) +
                                                  " attempts (the node running it stopped)");
    } else if (handler != handlers_.end()) {
        DbProgress progress(db_, clock_, job, options_.lease_seconds,
                            [this](const Job& j, const Event* line) { Notify(j, line); });
        try {
            out = handler->second(job, progress);
        } catch (const std::exception& e) {
            log_.Error("job failed with an exception", {{"job", job.id}, {"kind", job.kind}, {"error", e.what()}});
            out = MakeError(ErrorCode::kInternal, "internal error");
        }
    }
    job.status = out ? "succeeded" : "failed";
    job.finished_at = FormatTime(clock_.Now());
    if (out) {
        job.result = *out;
    } else {
        job.error = out.error().message;
    }
    const std::array<Value, 5> p{job.id, job.status, out ? Value(json::serialize(job.result)) : Value(std::monostate{}),
                                 storage::TextOrNull(job.error), job.finished_at};
    if (auto r = db_.Execute(Q()["finish"], p); !r) {
        log_.Error("cannot record the end of a job", {{"job", job.id}, {"error", r.error().message}});
    }
    log_.Info("job finished", {{"job", job.id}, {"kind", job.kind}, {"status", job.status}});
    Notify(job);
}

Result<int> Queue::RunPending() {
    int ran = 0;
    for (;;) {
        auto job = Claim();
        if (!job) return job.take_error();
        if (!*job) return ran;
        Run(std::move(**job));
        ++ran;
    }
}

void Queue::Worker() {
    // Background jobs (generations, exports) are CPU work nobody waits on interactively: at nice +10 (this thread
    // only, on Linux) they leave the CPU to requests first.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mu_);
            if (stopping_) return;
            seen = wakeups_;
        }
        auto job = Claim();
        if (!job) log_.Warn("cannot claim a job", {{"error", job.error().message}});
        if (job && *job) {
            Run(std::move(**job));
            continue;
        }
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [&] { return stopping_ || wakeups_ != seen; });
    }
}

}  // namespace dihya::jobs
