#pragma once

// The persisted mail queue used with an SMTP server (mail.smtp_url): Send writes the message to the database
// (encrypted), a worker delivers what is due, retrying a refusal or an unreachable server with exponential
// back-off. A message is deleted once the server accepted it, so a restart loses nothing and sends nothing twice;
// several nodes share the queue (a lease per message). Logs name the kind of mail, never the recipient.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/personal_data.hpp"
#include "mail/mailer.hpp"
#include "storage/db.hpp"

namespace dihya::mail {

struct MailQueueOptions {
    std::chrono::milliseconds retry_base{2'000};
    std::chrono::milliseconds retry_max{3'600'000};
    std::int64_t max_attempts = 12;
    std::chrono::milliseconds poll{1'000};  // how often the worker looks for mail other nodes queued
    std::chrono::seconds lease{120};        // longer than one delivery attempt (libcurl gives up after 70 s)
    std::string node_id;                    // who holds the leases; empty → a random id
    bool worker = true;                     // false: nothing is delivered but by RunDue (tests)
};

/// The wait before attempt `attempts + 1` after `attempts` failed ones: base, 2×base, 4×base… up to max.
std::chrono::milliseconds RetryDelay(std::int64_t attempts, std::chrono::milliseconds base,
                                     std::chrono::milliseconds max);

class MailQueue final : public Mailer {
public:
    /// `deliver` makes one attempt (DeliverSmtp). The worker starts at once.
    MailQueue(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, Logger& log,
              QueuedMailer::Deliver deliver, MailQueueOptions options = {});
    ~MailQueue() override;
    MailQueue(const MailQueue&) = delete;
    MailQueue& operator=(const MailQueue&) = delete;

    /// Writes the message to the queue (refused and logged when a header would carry a line break).
    void Send(Message message) override;
    /// Waits until no message is due now: each was delivered, or waits for a later retry, or was given up.
    void Flush() override;

    /// Delivers what is due now, on the caller's thread; returns how many were attempted (tests).
    std::int64_t RunDue();
    /// Messages not yet delivered nor given up.
    Result<std::int64_t> Pending();
    /// A user's queued mail (kind, queued at, attempts, given up at): their GDPR export.
    Result<boost::json::value> OfUser(storage::Session& s, const std::string& user_id);

private:
    void Run();
    bool Attempt(const std::string& id);  // false when another node took it

    storage::Db& db_;
    const crypto::FieldCipher& cipher_;
    const Clock& clock_;
    Logger& log_;
    QueuedMailer::Deliver deliver_;
    MailQueueOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::int64_t wakeups_ = 0;
    bool stop_ = false;
    bool busy_ = false;
    std::thread thread_;
};

/// The queued mail of an account, for the GDPR export ("mail"); erasure deletes it with the account (cascade).
class MailQueueData final : public PersonalDataSource {
public:
    explicit MailQueueData(MailQueue& queue) : queue_(queue) {}
    std::string_view Name() const override { return "mail"; }
    std::string_view Description() const override {
        return "Mail to you that the mail server has not accepted yet (kind, when it was queued, attempts); mail is "
               "deleted once delivered.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override {
        return queue_.OfUser(s, user_id);
    }
    Result<void> Erase(storage::Session&, const std::string&) override { return Ok(); }  // ON DELETE CASCADE

private:
    MailQueue& queue_;
};

}  // namespace dihya::mail
