#include "scheduler/scheduler.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "core/paging.hpp"
#include "scheduler/embedded.hpp"
#include "storage/named_queries.hpp"
#include "storage/params.hpp"

namespace dihya::scheduler {

namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/schedules.sql"), "scheduler/queries/schedules.sql");
    return q;
}

bool ValidName(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool Unfinished(const std::string& status) {
    return status == "queued" || status == "running";
}

}  // namespace

Scheduler::Scheduler(SchedulerDeps deps, SchedulerOptions options) : d_(deps), options_(options) {
    d_.queue.Handle(kJobKind, [this](const jobs::Job& job, jobs::Progress& progress) -> Result<json::value> {
        const auto* name = job.input.is_object() ? job.input.as_object().if_contains("schedule") : nullptr;
        const Entry* e = name != nullptr && name->is_string() ? Find(std::string(name->as_string())) : nullptr;
        if (e == nullptr) return MakeError(ErrorCode::kInternal, "this server has no scheduled job of that name");
        return e->task.run(job, progress);
    });
}

Scheduler::~Scheduler() {
    Stop();
}

Result<void> Scheduler::Add(Task task, const std::map<std::string, ScheduleConfig>& configured) {
    if (!ValidName(task.name)) return MakeError(ErrorCode::kInternal, "bad scheduled job name '" + task.name + "'");
    const std::string key = "schedule." + task.name;
    if (auto c = configured.find(task.name); c != configured.end()) {
        if (!c->second.cron.empty()) task.cron = c->second.cron;
        if (!c->second.time_zone.empty()) task.time_zone = c->second.time_zone;
    }
    auto cron = CronSchedule::Parse(task.cron, task.time_zone);
    if (!cron) {
        const bool zone = cron.error().message.find("time zone") != std::string::npos;
        return MakeError(ErrorCode::kInvalidArgument, key + (zone ? ".time_zone: " : ".cron: ") + cron.error().message,
                         {{key + (zone ? ".time_zone" : ".cron"), cron.error().message}});
    }
    std::string name = task.name;
    tasks_.insert_or_assign(std::move(name), Entry{std::move(task), std::move(*cron)});
    return Ok();
}

Result<void> Scheduler::CheckConfigured(const std::map<std::string, ScheduleConfig>& configured) const {
    for (const auto& [name, c] : configured) {
        if (tasks_.contains(name)) continue;
        std::string known;
        for (const auto& [n, e] : tasks_) {
            if (!known.empty()) known += ", ";
            known += n;
        }
        std::string message = "schedule." + name;
        message += ": there is no scheduled job '" + name + "' (jobs: ";
        message += known + ")";
        return MakeError(ErrorCode::kInvalidArgument, message, {{"schedule." + name, "unknown job"}});
    }
    return Ok();
}

const Scheduler::Entry* Scheduler::Find(const std::string& name) const {
    auto it = tasks_.find(name);
    return it == tasks_.end() ? nullptr : &it->second;
}

std::string Scheduler::NextAfter(const Entry& e, TimePoint t) const {
    auto next = e.cron.Next(t);
    return next ? FormatTime(*next) : std::string();
}

Result<void> Scheduler::Sync(bool retime) {
    const TimePoint now = d_.clock.Now();
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        for (const auto& [name, e] : tasks_) {
            const std::string next = NextAfter(e, now);
            const std::array<Value, 5> ins{name, e.task.cron, e.task.time_zone, storage::TextOrNull(next),
                                           FormatTime(now)};
            if (auto r = s.Execute(Q()["insert"], ins); !r) return r.take_error();
            const std::array<Value, 1> f{name};
            auto row = s.Query(Q()["find"], f);
            if (!row) return row.take_error();
            if (row->empty() || !retime) continue;
            if (row->GetText(0, "cron").value_or("") == e.task.cron &&
                row->GetText(0, "time_zone").value_or("") == e.task.time_zone) {
                continue;
            }
            d_.log.Info("scheduled job timing changed",
                        {{"job", name}, {"cron", e.task.cron}, {"time_zone", e.task.time_zone}});
            const bool paused = row->GetInt(0, "paused").value_or(0) != 0;
            const std::array<Value, 5> up{name, e.task.cron, e.task.time_zone,
                                          paused ? Value() : storage::TextOrNull(next), FormatTime(now)};
            if (auto r = s.Execute(Q()["set_timing"], up); !r) return r.take_error();
        }
        return Ok();
    });
}

Result<int> Scheduler::Tick() {
    const TimePoint now = d_.clock.Now();
    const std::string now_text = FormatTime(now);
    // Most looks find nothing due: a read first, so idle nodes take no write lock.
    auto earliest = d_.db.Query(Q()["earliest_due"]);
    if (!earliest) return earliest.take_error();
    const auto first = earliest->empty() ? std::nullopt : earliest->GetText(0, "next_run_at");
    if (!first || *first > now_text) return 0;

    int enqueued = 0;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        enqueued = 0;
        const std::array<Value, 1> p{now_text};
        auto due = s.Query(Q()[d_.db.dialect() == storage::Dialect::kPostgres ? "due_postgres" : "due_sqlite"], p);
        if (!due) return due.take_error();
        for (std::size_t i = 0; i < due->size(); ++i) {
            const std::string name = due->GetText(i, "name").value_or("");
            const std::string due_at = due->GetText(i, "next_run_at").value_or("");
            const Entry* e = Find(name);
            if (e == nullptr) continue;  // a job of another version of dihya: its nodes run it
            bool busy = false;
            if (auto last = due->GetText(i, "last_job_id"); last && !last->empty()) {
                const std::array<Value, 1> j{*last};
                auto status = s.Query(Q()["job_status"], j);
                if (!status) return status.take_error();
                busy = !status->empty() && Unfinished(status->GetText(0, "status").value_or(""));
            }
            Value job_id;
            if (busy) {
                d_.log.Warn("scheduled job skipped: its last run has not finished", {{"job", name}, {"due", due_at}});
            } else {
                auto job =
                    d_.queue.Enqueue(s, kJobKind, "", name,
                                     json::object{{"schedule", name}, {"due_at", due_at}, {"trigger", "schedule"}});
                if (!job) return job.take_error();
                job_id = job->id;
            }
            const std::array<Value, 5> a{name, due_at, storage::TextOrNull(NextAfter(*e, now)), job_id, now_text};
            auto moved = s.Execute(Q()["advance"], a);
            if (!moved) return moved.take_error();
            if (*moved == 0) return MakeError(ErrorCode::kConflict, "another node took the job first");
            if (!busy) ++enqueued;
        }
        return Ok();
    });
    if (!r) {
        if (r.error().code == ErrorCode::kConflict) return 0;  // rolled back: that node enqueued it
        return r.take_error();
    }
    if (enqueued > 0) d_.queue.Wake();
    return enqueued;
}

Result<Schedule> Scheduler::Read(const storage::Rows& rows, std::size_t i) {
    Schedule out;
    out.name = rows.GetText(i, "name").value_or("");
    if (const Entry* e = Find(out.name)) out.description = e->task.description;
    out.cron = rows.GetText(i, "cron").value_or("");
    out.time_zone = rows.GetText(i, "time_zone").value_or("");
    out.paused = rows.GetInt(i, "paused").value_or(0) != 0;
    out.next_run_at = rows.GetText(i, "next_run_at").value_or("");
    if (auto last = rows.GetText(i, "last_job_id"); last && !last->empty()) {
        auto job = d_.queue.Find(*last);
        if (!job) return job.take_error();
        out.last_run = std::move(*job);
    }
    return out;
}

Result<std::vector<Schedule>> Scheduler::List() {
    auto rows = d_.db.Query(Q()["all"]);
    if (!rows) return rows.take_error();
    std::vector<Schedule> out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        if (Find(rows->GetText(i, "name").value_or("")) == nullptr) continue;
        auto s = Read(*rows, i);
        if (!s) return s.take_error();
        out.push_back(std::move(*s));
    }
    return out;
}

Result<Schedule> Scheduler::Get(const std::string& name) {
    if (Find(name) == nullptr) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
    const std::array<Value, 1> p{name};
    auto rows = d_.db.Query(Q()["find"], p);
    if (!rows) return rows.take_error();
    if (rows->empty()) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
    return Read(*rows, 0);
}

Result<Schedule> Scheduler::SetPaused(const std::string& name, bool paused, const std::string& actor_id,
                                      const RequestContext& context) {
    const Entry* e = Find(name);
    if (e == nullptr) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
    const TimePoint now = d_.clock.Now();
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        // Resumed, it is due next by the timing it is stored with (the serving nodes'), not this process's.
        std::string next;
        if (!paused) {
            const std::array<Value, 1> f{name};
            auto row = s.Query(Q()["find"], f);
            if (!row) return row.take_error();
            if (row->empty()) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
            auto stored =
                CronSchedule::Parse(row->GetText(0, "cron").value_or(""), row->GetText(0, "time_zone").value_or(""));
            const auto at = stored ? stored->Next(now) : e->cron.Next(now);
            if (at) next = FormatTime(*at);
        }
        const std::array<Value, 4> p{name, static_cast<std::int64_t>(paused ? 1 : 0), storage::TextOrNull(next),
                                     FormatTime(now)};
        auto n = s.Execute(Q()["set_paused"], p);
        if (!n) return n.take_error();
        if (*n == 0) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
        return d_.audit.Record(
            s, AuditEvent{
                   actor_id, paused ? "scheduler.paused" : "scheduler.resumed", "scheduled_job", name, {}, context});
    });
    if (!r) return r.take_error();
    return Get(name);
}

Result<jobs::Job> Scheduler::RunNow(const std::string& name, const std::string& actor_id,
                                    const RequestContext& context) {
    if (Find(name) == nullptr) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
    jobs::Job job;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        const std::array<Value, 1> p{name};
        auto row = s.Query(Q()[d_.db.dialect() == storage::Dialect::kPostgres ? "lock_postgres" : "lock_sqlite"], p);
        if (!row) return row.take_error();
        if (row->empty()) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
        if (auto last = row->GetText(0, "last_job_id"); last && !last->empty()) {
            const std::array<Value, 1> j{*last};
            auto status = s.Query(Q()["job_status"], j);
            if (!status) return status.take_error();
            if (!status->empty() && Unfinished(status->GetText(0, "status").value_or(""))) {
                return MakeError(ErrorCode::kConflict, "scheduled job '" + name + "' is already " +
                                                           status->GetText(0, "status").value_or("") + " (run " +
                                                           *last + ")");
            }
        }
        const std::string now = FormatTime(d_.clock.Now());
        auto queued = d_.queue.Enqueue(s, kJobKind, "", name,
                                       json::object{{"schedule", name}, {"due_at", now}, {"trigger", "manual"}});
        if (!queued) return queued.take_error();
        job = std::move(*queued);
        const std::array<Value, 3> u{name, job.id, now};
        if (auto n = s.Execute(Q()["set_last_job"], u); !n) return n.take_error();
        return d_.audit.Record(s, AuditEvent{actor_id, "scheduler.triggered", "scheduled_job", name,
                                             json::object{{"run", job.id}}, context});
    });
    if (!r) return r.take_error();
    d_.queue.Wake();
    return job;
}

Result<RunPage> Scheduler::History(const std::string& name, const std::string& cursor, std::int64_t limit) {
    if (Find(name) == nullptr) return MakeError(ErrorCode::kNotFound, "no scheduled job named '" + name + "'");
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    auto jobs = d_.queue.ListBySubject(name, kJobKind, after->first, after->second, limit + 1);
    if (!jobs) return jobs.take_error();
    RunPage page;
    for (auto& job : *jobs) {
        if (static_cast<std::int64_t>(page.runs.size()) == limit) {
            const auto& last = page.runs.back().job;
            page.next_cursor = PageCursor(last.created_at, last.id);
            break;
        }
        auto tail = d_.queue.Tail(job.id, options_.output_lines);
        if (!tail) return tail.take_error();
        page.runs.push_back(Run{std::move(job), std::move(*tail)});
    }
    return page;
}

Result<void> Scheduler::Start() {
    if (auto r = Sync(); !r) return r;
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return Ok();
    stopping_ = false;
    thread_ = std::thread([this] { Loop(); });
    return Ok();
}

void Scheduler::Loop() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        lock.unlock();
        if (auto r = Tick(); !r) d_.log.Warn("scheduler could not look for due jobs", {{"error", r.error().message}});
        lock.lock();
        cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms), [this] { return stopping_; });
    }
}

void Scheduler::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

}  // namespace dihya::scheduler
