#pragma once

// Outgoing mail. SMTP through libcurl when mail.smtp_url is set (through the persisted queue of mail/queue.hpp),
// else an outbox directory of .eml files (development: read them there). Sending never holds a request. Logs
// name the kind of message, never the recipient or the content.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/result.hpp"

namespace dihya::mail {

struct Message {
    std::string to;
    std::string subject;
    std::string text;     // UTF-8 plain text
    std::string kind;     // for logs and metrics: "verify_email", "reset_password", ...
    std::string user_id;  // the account it goes to, if any: its queued mail goes with its erasure
};

class Mailer {
public:
    virtual ~Mailer() = default;
    /// Queues the message; delivery happens later (see Flush).
    virtual void Send(Message message) = 0;
    /// Waits until the queue is empty (delivered or given up). For shutdown and tests.
    virtual void Flush() = 0;
};

/// The address inside "Name <addr>" (or the whole string).
std::string AddressOf(const std::string& s);

/// False when the recipient or the subject holds a line break (it would inject headers): such mail is refused.
bool SafeHeaders(const Message& m);

/// The RFC 5322 text of a message (headers, base64 UTF-8 body).
std::string Render(const Message& m, const std::string& from, const std::string& message_id_domain);

class QueuedMailer final : public Mailer {
public:
    /// `deliver` does one attempt; the queue retries failures (after 1 s, 5 s, 30 s) then gives up.
    using Deliver = std::function<Result<void>(const Message&)>;
    QueuedMailer(Logger& log, Deliver deliver);
    ~QueuedMailer() override;
    void Send(Message message) override;
    void Flush() override;

private:
    void Run();

    Logger& log_;
    Deliver deliver_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Message> queue_;
    bool busy_ = false;
    bool stop_ = false;
    std::thread thread_;
};

/// One SMTP delivery attempt with libcurl.
Result<void> DeliverSmtp(const MailConfig& config, const Message& m);

}  // namespace dihya::mail
