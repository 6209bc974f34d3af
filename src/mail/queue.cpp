#include "mail/queue.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "mail/embedded.hpp"
#include "storage/named_queries.hpp"
#include "storage/params.hpp"

namespace dihya::mail {

namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/mail_queue.sql"), "mail/queries/mail_queue.sql");
    return q;
}

constexpr std::string_view kAssociated = "mail_queue.message";
constexpr std::int64_t kBatch = 16;

}  // namespace

std::chrono::milliseconds RetryDelay(std::int64_t attempts, std::chrono::milliseconds base,
                                     std::chrono::milliseconds max) {
    std::chrono::milliseconds d = base;
    for (std::int64_t i = 1; i < attempts && d < max; ++i) d *= 2;
    return std::min(d, max);
}

MailQueue::MailQueue(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, Logger& log,
                     QueuedMailer::Deliver deliver, MailQueueOptions options)
    : db_(db), cipher_(cipher), clock_(clock), log_(log), deliver_(std::move(deliver)), options_(std::move(options)) {
    if (options_.node_id.empty()) options_.node_id = crypto::NewUuid();
    if (options_.worker) thread_ = std::thread([this] { Run(); });
}

MailQueue::~MailQueue() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void MailQueue::Send(Message m) {
    if (!SafeHeaders(m)) {
        log_.Error("mail refused: header injection", {{"kind", m.kind}});
        return;
    }
    const std::string id = crypto::NewUuid();
    const std::string text = json::serialize(json::object{{"to", m.to}, {"subject", m.subject}, {"text", m.text}});
    const std::array<Value, 5> p{id, storage::TextOrNull(m.user_id), m.kind, cipher_.Encrypt(text, kAssociated),
                                 FormatTime(clock_.Now())};
    if (auto r = db_.Execute(Q()["insert"], p); !r) {
        log_.Error("mail not queued", {{"kind", m.kind}, {"error", r.error().message}});
        return;
    }
    {
        std::lock_guard lock(mu_);
        ++wakeups_;
    }
    cv_.notify_all();
}

bool MailQueue::Attempt(const std::string& id) {
    const std::string now = FormatTime(clock_.Now());
    const std::string until = FormatTime(clock_.Now() + options_.lease);
    auto claimed = db_.Execute(Q()["claim"], std::array<Value, 4>{id, until, options_.node_id, now});
    if (!claimed || *claimed == 0) return false;
    auto row = db_.Query(Q()["find"], std::array<Value, 2>{id, options_.node_id});
    if (!row || row->empty()) return false;
    const std::string kind = row->GetText(0, "kind").value_or("");
    const std::int64_t attempts = row->GetInt(0, "attempts").value_or(0) + 1;
    Result<void> delivered = MakeError(ErrorCode::kInternal, "the queued message cannot be read");
    if (auto plain = cipher_.Decrypt(row->GetText(0, "message").value_or(""), kAssociated)) {
        boost::system::error_code ec;
        const json::value v = json::parse(*plain, ec);
        if (!ec && v.is_object()) {
            const auto text = [&](std::string_view k) {
                const json::value* f = v.as_object().if_contains(k);
                return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
            };
            delivered = deliver_(Message{text("to"), text("subject"), text("text"), kind, ""});
        }
    }
    if (delivered) {
        (void)db_.Execute(Q()["sent"], std::array<Value, 2>{id, options_.node_id});
        log_.Info("mail sent", {{"kind", kind}, {"attempt", attempts}});
        return true;
    }
    const std::string error = delivered.error().message.substr(0, 500);
    if (attempts >= options_.max_attempts) {
        (void)db_.Execute(Q()["give_up"],
                          std::array<Value, 5>{id, options_.node_id, attempts, FormatTime(clock_.Now()), error});
        log_.Error("mail not delivered; giving up", {{"kind", kind}, {"attempts", attempts}, {"error", error}});
        return true;
    }
    const auto delay = RetryDelay(attempts, options_.retry_base, options_.retry_max);
    (void)db_.Execute(Q()["retry"],
                      std::array<Value, 5>{id, options_.node_id, attempts, FormatTime(clock_.Now() + delay), error});
    log_.Warn("mail not delivered; will retry", {{"kind", kind},
                                                 {"attempt", attempts},
                                                 {"retry_in_ms", static_cast<std::int64_t>(delay.count())},
                                                 {"error", error}});
    return true;
}

std::int64_t MailQueue::RunDue() {
    auto due = db_.Query(Q()["due"], std::array<Value, 2>{FormatTime(clock_.Now()), kBatch});
    if (!due) {
        log_.Warn("cannot read the mail queue", {{"error", due.error().message}});
        return 0;
    }
    std::int64_t attempted = 0;
    for (std::size_t i = 0; i < due->size(); ++i) {
        if (Attempt(due->GetText(i, "id").value_or(""))) ++attempted;
    }
    return attempted;
}

void MailQueue::Run() {
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
        if (auto next = db_.Query(Q()["next_due"]); next && !next->empty()) {
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

void MailQueue::Flush() {
    if (!thread_.joinable()) {
        while (RunDue() > 0) {
        }
        return;
    }
    for (;;) {
        auto due = db_.Query(Q()["due"], std::array<Value, 2>{FormatTime(clock_.Now()), std::int64_t{1}});
        if (!due || due->empty()) break;
        std::unique_lock lock(mu_);
        ++wakeups_;
        cv_.notify_all();
        cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !busy_ || stop_ || !thread_.joinable(); });
}

Result<std::int64_t> MailQueue::Pending() {
    auto r = db_.Query(Q()["pending_count"]);
    if (!r) return r.take_error();
    return r->GetInt(0, "n").value_or(0);
}

Result<json::value> MailQueue::OfUser(storage::Session& s, const std::string& user_id) {
    auto rows = s.Query(Q()["of_user"], std::array<Value, 1>{user_id});
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

}  // namespace dihya::mail
