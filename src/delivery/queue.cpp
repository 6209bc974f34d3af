#include "delivery/queue.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "delivery/embedded.hpp"
#include "storage/params.hpp"

namespace dihya::delivery {

namespace json = boost::json;
using storage::Value;

namespace {

constexpr std::int64_t kBatch = 16;

storage::NamedQueries QueriesFor(const std::string& table) {
    std::string text(sql::EmbeddedFile("queries/queue.sql"));
    for (std::size_t at = text.find("{table}"); at != std::string::npos; at = text.find("{table}", at)) {
        text.replace(at, 7, table);
    }
    return storage::NamedQueries::Parse(text, "delivery/queries/queue.sql");
}

}  // namespace

std::chrono::milliseconds RetryDelay(std::int64_t attempts, std::chrono::milliseconds base,
                                     std::chrono::milliseconds max) {
    std::chrono::milliseconds d = base;
    for (std::int64_t i = 1; i < attempts && d < max; ++i) d *= 2;
    return std::min(d, max);
}

Queue::Queue(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, Logger& log, Table table,
             Deliver deliver, QueueOptions options)
    : db_(db),
      cipher_(cipher),
      clock_(clock),
      log_(log),
      table_(std::move(table)),
      deliver_(std::move(deliver)),
      options_(std::move(options)),
      queries_(QueriesFor(table_.name)) {
    if (options_.node_id.empty()) options_.node_id = crypto::NewUuid();
    if (options_.worker) thread_ = std::thread([this] { Run(); });
}

Queue::~Queue() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Result<void> Queue::Enqueue(const std::string& user_id, const std::string& kind, const std::string& payload) {
    const std::array<Value, 5> p{crypto::NewUuid(), storage::TextOrNull(user_id), kind,
                                 cipher_.Encrypt(payload, table_.associated), FormatTime(clock_.Now())};
    if (auto r = db_.Execute(queries_["insert"], p); !r) {
        log_.Error(table_.what + " not queued", {{"kind", kind}, {"error", r.error().message}});
        return r.take_error();
    }
    {
        std::lock_guard lock(mu_);
        ++wakeups_;
    }
    cv_.notify_all();
    return Ok();
}

bool Queue::Attempt(const std::string& id) {
    const std::string now = FormatTime(clock_.Now());
    const std::string until = FormatTime(clock_.Now() + options_.lease);
    auto claimed = db_.Execute(queries_["claim"], std::array<Value, 4>{id, until, options_.node_id, now});
    if (!claimed || *claimed == 0) return false;
    auto row = db_.Query(queries_["find"], std::array<Value, 2>{id, options_.node_id});
    if (!row || row->empty()) return false;
    const std::string kind = row->GetText(0, "kind").value_or("");
    const std::int64_t attempts = row->GetInt(0, "attempts").value_or(0) + 1;
    Outcome outcome = Outcome::GiveUp("the queued message cannot be read");
    if (auto plain = cipher_.Decrypt(row->GetText(0, "message").value_or(""), table_.associated)) {
        outcome = deliver_(Item{id, kind, *plain, attempts});
    }
    if (outcome.kind == Outcome::Kind::kDone) {
        (void)db_.Execute(queries_["sent"], std::array<Value, 2>{id, options_.node_id});
        log_.Info(table_.what + " sent", {{"kind", kind}, {"attempt", attempts}});
        return true;
    }
    const std::string error = outcome.error.substr(0, 500);
    if (outcome.kind == Outcome::Kind::kGiveUp || attempts >= options_.max_attempts) {
        (void)db_.Execute(queries_["give_up"],
                          std::array<Value, 5>{id, options_.node_id, attempts, FormatTime(clock_.Now()), error});
        log_.Error(table_.what + " not delivered; giving up",
                   {{"kind", kind}, {"attempts", attempts}, {"error", error}});
        return true;
    }
    const auto delay = std::max(RetryDelay(attempts, options_.retry_base, options_.retry_max), outcome.not_before);
    (void)db_.Execute(queries_["retry"],
                      std::array<Value, 5>{id, options_.node_id, attempts, FormatTime(clock_.Now() + delay), error});
    log_.Warn(table_.what + " not delivered; will retry", {{"kind", kind},
                                                           {"attempt", attempts},
                                                           {"retry_in_ms", static_cast<std::int64_t>(delay.count())},
                                                           {"error", error}});
    return true;
}

std::int64_t Queue::RunDue() {
    auto due = db_.Query(queries_["due"], std::array<Value, 2>{FormatTime(clock_.Now()), kBatch});
    if (!due) {
        log_.Warn("cannot read the " + table_.what + " queue", {{"error", due.error().message}});
        return 0;
    }
    std::int64_t attempted = 0;
    for (std::size_t i = 0; i < due->size(); ++i) {
        if (Attempt(due->GetText(i, "id").value_or(""))) ++attempted;
    }
    return attempted;
}

void Queue::Run() {
    std::unique_lock lock(mu_);
    std::int64_t seen = -1;
    while (!stop_) {
        seen = wakeups_;
        busy_ = true;
        lock.unlock();
        std::int64_t attempted = 0;
        do {
            attempted = RunDue();
        } while (attempted == kBatch);
        // Sleep until the next retry is due, a new message is queued, or the poll interval (other nodes) ends.
        auto wait = options_.poll;
        if (auto next = db_.Query(queries_["next_due"]); next && !next->empty()) {
            if (auto at = next->GetText(0, "at")) {
                if (auto t = ParseTime(*at)) {
                    const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*t - clock_.Now());
                    wait = std::clamp(until, std::chrono::milliseconds(1), options_.poll);
                }
            }
        }
        lock.lock();
        busy_ = false;
        cv_.notify_all();
        cv_.wait_for(lock, wait, [&] { return stop_ || wakeups_ != seen; });
    }
}

void Queue::Flush() {
    if (!thread_.joinable()) {
        while (RunDue() > 0) {
        }
        return;
    }
    for (;;) {
        auto due = db_.Query(queries_["due"], std::array<Value, 2>{FormatTime(clock_.Now()), std::int64_t{1}});
        if (!due || due->empty()) break;
        std::unique_lock lock(mu_);
        ++wakeups_;
        cv_.notify_all();
        cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !busy_ || stop_ || !thread_.joinable(); });
}

Result<std::int64_t> Queue::Pending() {
    auto r = db_.Query(queries_["pending_count"]);
    if (!r) return r.take_error();
    return r->GetInt(0, "n").value_or(0);
}

Result<std::int64_t> Queue::DeleteGivenUpBefore(TimePoint before) {
    return db_.Execute(queries_["delete_given_up_before"], std::array<Value, 1>{FormatTime(before)});
}

Result<json::value> Queue::OfUser(storage::Session& s, const std::string& user_id) {
    auto rows = s.Query(queries_["of_user"], std::array<Value, 1>{user_id});
    if (!rows) return rows.take_error();
    json::array out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        json::object o{{"kind", rows->GetText(i, "kind").value_or("")},
                       {"queued_at", rows->GetText(i, "created_at").value_or("")},
                       {"attempts", rows->GetInt(i, "attempts").value_or(0)}};
        if (auto g = rows->GetText(i, "gave_up_at")) o["gave_up_at"] = *g;
        out.push_back(std::move(o));
    }
    return json::value(std::move(out));
}

}  // namespace dihya::delivery
