#pragma once

// A persisted delivery queue — what goes out of the platform to a server that may be down (mail to the SMTP
// server, Web Push to push services): Enqueue writes the message to a table (encrypted), a worker delivers what is
// due, retrying with exponential back-off. A message is deleted once delivered, so a restart loses nothing and
// sends nothing twice; several nodes share the queue (a lease per message). Logs name the kind of message, never
// its recipient or content.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "storage/db.hpp"
#include "storage/named_queries.hpp"

namespace dihya::delivery {

struct QueueOptions {
    std::chrono::milliseconds retry_base{2'000};
    std::chrono::milliseconds retry_max{3'600'000};
    std::int64_t max_attempts = 12;
    std::chrono::milliseconds poll{1'000};  // how often the worker looks for messages other nodes queued
    std::chrono::seconds lease{120};        // longer than one delivery attempt
    std::string node_id;                    // who holds the leases; empty → a random id
    bool worker = true;                     // false: nothing is delivered but by RunDue (tests)
};

/// The wait before attempt `attempts + 1` after `attempts` failed ones: base, 2×base, 4×base… up to max.
std::chrono::milliseconds RetryDelay(std::int64_t attempts, std::chrono::milliseconds base,
                                     std::chrono::milliseconds max);

/// What one attempt came to.
struct Outcome {
    enum class Kind { kDone, kRetry, kGiveUp };
    Kind kind = Kind::kDone;
    std::string error;  // kRetry, kGiveUp: why (logged: no recipient, no content)
    /// kRetry: wait at least this long (the server's Retry-After), else the back-off.
    std::chrono::milliseconds not_before{0};

    static Outcome Done() { return {}; }
    static Outcome Retry(std::string why, std::chrono::milliseconds not_before = {}) {
        return {Kind::kRetry, std::move(why), not_before};
    }
    static Outcome GiveUp(std::string why) { return {Kind::kGiveUp, std::move(why), {}}; }
};

/// A message as the deliverer gets it.
struct Item {
    std::string id;
    std::string kind;     // e.g. verify_email, generation.succeeded
    std::string payload;  // as enqueued (decrypted)
    std::int64_t attempt = 1;
};

using Deliver = std::function<Outcome(const Item& item)>;

/// The queue's table (same columns as migration 008's mail_queue) and how it is named in logs and sealed.
struct Table {
    std::string name;        // e.g. mail_queue (from code, never from input)
    std::string what;        // e.g. "mail": log lines say "mail sent", "mail not delivered; will retry"
    std::string associated;  // the cipher's associated data of the payload, e.g. mail_queue.message
};

class Queue final {
public:
    /// The worker (options.worker) starts at once.
    Queue(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, Logger& log, Table table,
          Deliver deliver, QueueOptions options = {});
    ~Queue();
    Queue(const Queue&) = delete;
    Queue& operator=(const Queue&) = delete;

    /// Writes a message for `user_id` ("" when it is nobody's) to the queue; its worker is woken.
    Result<void> Enqueue(const std::string& user_id, const std::string& kind, const std::string& payload);
    /// Waits until no message is due now: each was delivered, or waits for a later retry, or was given up.
    void Flush();
    /// Delivers what is due now, on the caller's thread; returns how many were attempted.
    std::int64_t RunDue();
    /// Messages not yet delivered nor given up.
    Result<std::int64_t> Pending();
    /// Deletes the messages given up before `before` (the scheduled job "cleanup"); returns how many.
    Result<std::int64_t> DeleteGivenUpBefore(TimePoint before);
    /// A user's queued messages (kind, queued at, attempts, given up at): their GDPR export.
    Result<boost::json::value> OfUser(storage::Session& s, const std::string& user_id);

private:
    void Run();
    bool Attempt(const std::string& id);  // false when another node took it

    storage::Db& db_;
    const crypto::FieldCipher& cipher_;
    const Clock& clock_;
    Logger& log_;
    Table table_;
    Deliver deliver_;
    QueueOptions options_;
    storage::NamedQueries queries_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::int64_t wakeups_ = 0;
    bool stop_ = false;
    bool busy_ = false;
    std::thread thread_;
};

}  // namespace dihya::delivery
