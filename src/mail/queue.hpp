#pragma once

// The persisted mail queue used with an SMTP server (mail.smtp_url): Send writes the message to the database
// (encrypted), a worker delivers what is due, retrying a refusal or an unreachable server with exponential
// back-off — the delivery queue of delivery/queue.hpp on the mail_queue table. Logs name the kind of mail, never
// the recipient.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/personal_data.hpp"
#include "delivery/queue.hpp"
#include "mail/mailer.hpp"
#include "storage/db.hpp"

namespace dihya::mail {

using MailQueueOptions = delivery::QueueOptions;
using delivery::RetryDelay;

/// Mail through the persisted delivery queue (delivery/queue.hpp), in the mail_queue table.
class MailQueue final : public Mailer {
public:
    /// `deliver` makes one attempt (DeliverSmtp); any failure is retried with back-off. The worker starts at once.
    MailQueue(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, Logger& log,
              QueuedMailer::Deliver deliver, MailQueueOptions options = {});

    /// Writes the message to the queue (refused and logged when a header would carry a line break).
    void Send(Message message) override;
    /// Waits until no message is due now: each was delivered, or waits for a later retry, or was given up.
    void Flush() override { queue_.Flush(); }

    /// Delivers what is due now, on the caller's thread; returns how many were attempted (tests).
    std::int64_t RunDue() { return queue_.RunDue(); }
    /// Messages not yet delivered nor given up.
    Result<std::int64_t> Pending() { return queue_.Pending(); }
    Result<std::int64_t> DeleteGivenUpBefore(TimePoint before) { return queue_.DeleteGivenUpBefore(before); }
    /// A user's queued mail (kind, queued at, attempts, given up at): their GDPR export.
    Result<boost::json::value> OfUser(storage::Session& s, const std::string& user_id) {
        return queue_.OfUser(s, user_id);
    }

private:
    Logger& log_;
    delivery::Queue queue_;
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
