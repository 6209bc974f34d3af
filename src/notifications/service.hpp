#pragma once

// Notifications (docs/notifications.md): what the platform tells a user, kept for the console (in-app: unread
// count, read state, cursor pages, delivered live on user:{id}) and mailed when the user wants it; each user
// chooses per kind and channel.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/principal.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/event_sink.hpp"
#include "core/log.hpp"
#include "core/notifier.hpp"
#include "core/result.hpp"
#include "delivery/queue.hpp"
#include "mail/mailer.hpp"
#include "net/http_client.hpp"
#include "notifications/catalog.hpp"
#include "notifications/webpush.hpp"
#include "storage/db.hpp"

namespace dihya::notifications {

struct Notification {
    std::string id;
    std::string kind;
    std::string title;  // in the user's language
    std::string body;
    boost::json::object data;
    std::string link;
    std::string created_at;
    std::optional<std::string> read_at;
};

/// A notification as the API answers it: {id, kind, title, body, data, link, created_at, read, read_at}.
boost::json::object NotificationJson(const Notification& n);

struct NotificationPage {
    std::vector<Notification> items;
    std::optional<std::string> next_cursor;
    std::int64_t unread = 0;
};

struct Preference {
    std::string kind;
    std::string channel;
    bool enabled = false;
    bool by_default = false;  // the kind's default for this channel
};

/// Where a user's notifications go and in which language.
struct Recipient {
    std::string email;
    std::string locale;
};

/// A browser's push subscription (the JSON of PushSubscription: endpoint, keys.p256dh, keys.auth).
struct PushSubscriptionInput {
    std::string endpoint;
    std::string p256dh;  // base64url
    std::string auth;    // base64url
};

struct PushSubscription {
    std::string id;
    std::string origin;  // of the endpoint (the push service), not the capability URL itself
    std::string created_at;
};

struct NotificationsDeps {
    storage::Db& db;
    const Catalog& catalog;
    mail::Mailer& mailer;
    EventSink& events;
    const Clock& clock;
    Logger& log;
    /// The user's address and language; inside `session` when given (GDPR export), else on its own.
    std::function<Result<Recipient>(storage::Session* session, const std::string& user_id)> recipient;
    std::string public_url;                       // links in mail
    const crypto::FieldCipher* cipher = nullptr;  // push subscriptions and the VAPID key at rest
    const net::HttpClient* http = nullptr;        // push deliveries; no push without it
    std::string push_subject;                     // VAPID `sub`: mailto: of the operator
    delivery::QueueOptions push_retries;          // back-off of pushes a push service did not take
};

class NotificationsService final : public Notifier {
public:
    explicit NotificationsService(NotificationsDeps deps);
    ~NotificationsService() override;
    NotificationsService(const NotificationsService&) = delete;
    NotificationsService& operator=(const NotificationsService&) = delete;

    /// Stores it (in-app) and publishes notification.created on user:{id}, mails it — each as the user's
    /// preferences say. Failures are logged, never thrown back at the caller.
    void Notify(const std::string& user_id, std::string_view kind, const boost::json::object& data,
                const std::string& link) override;
    /// The same, saying what failed (tests, tools).
    Result<std::optional<Notification>> Send(const std::string& user_id, std::string_view kind,
                                             const boost::json::object& data, const std::string& link);

    /// Newest first; `unread_only` skips the read ones.
    Result<NotificationPage> List(const auth::Principal& who, const std::string& cursor, std::int64_t limit,
                                  bool unread_only);
    Result<std::int64_t> UnreadCount(const auth::Principal& who);
    /// Marks one read (again: no change); publishes notification.read with the unread count.
    Result<Notification> MarkRead(const auth::Principal& who, const std::string& id);
    /// Returns how many were unread.
    Result<std::int64_t> MarkAllRead(const auth::Principal& who);
    Result<void> Delete(const auth::Principal& who, const std::string& id);

    /// Every kind and channel with the user's choice and the default.
    Result<std::vector<Preference>> Preferences(const auth::Principal& who);
    /// Sets the given choices (kind and channel must exist); returns all of them as Preferences does.
    Result<std::vector<Preference>> SetPreferences(const auth::Principal& who, const std::vector<Preference>& changes);

    /// The application server key browsers subscribe with (base64url of the VAPID public key); made on first use.
    Result<std::string> PushKey();
    /// Registers a browser (the same endpoint again: the existing one). kInvalidArgument naming the field for an
    /// endpoint that is not https:// (or http:// to loopback) or keys that are not a P-256 point and 16 bytes.
    Result<PushSubscription> SubscribePush(const auth::Principal& who, const PushSubscriptionInput& input);
    Result<std::vector<PushSubscription>> PushSubscriptions(const auth::Principal& who);
    Result<void> UnsubscribePush(const auth::Principal& who, const std::string& id);
    /// Mails each user who chose the digest (kind "digest", channel email) one summary of their unread notifications
    /// newer than their last digest and than `oldest`, in their language; nothing to those without any. At most
    /// once: the mark moves before the mail is queued. Returns {"users": mailed, "notifications": told about}.
    Result<boost::json::object> SendDigests(TimePoint oldest);
    /// Deletes the pushes given up before `before` (the scheduled job "cleanup"); returns how many.
    Result<std::int64_t> DeleteGivenUpPushesBefore(TimePoint before);
    /// Waits until the queued pushes were attempted (tests, shutdown).
    void FlushPush();

    /// GDPR: everything about `user_id`, and its erasure (inside the caller's transaction).
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id);
    Result<void> Erase(storage::Session& s, const std::string& user_id);

private:
    Result<std::vector<Preference>> PreferencesOf(storage::Session& s, const std::string& user_id);
    Notification Read(const storage::Rows& rows, std::size_t i, std::string_view locale) const;
    std::string LocaleOf(const std::string& user_id, storage::Session* session = nullptr);
    void PublishUnread(const std::string& user_id, std::string_view event, boost::json::object data);

    /// One push per browser the user subscribed, through the persisted queue.
    void QueuePushes(const std::string& user_id, std::string_view kind, const std::string& payload);
    /// One attempt: done when the push service accepted it or the browser is gone (then forgotten), retried
    /// when the service is unreachable or busy (429, 5xx), given up when it refuses (other 4xx).
    delivery::Outcome DeliverPush(const delivery::Item& item);
    Result<VapidKey> Vapid();

    NotificationsDeps d_;
    std::mutex push_mu_;  // guards vapid_
    std::optional<VapidKey> vapid_;
    std::unique_ptr<delivery::Queue> push_queue_;  // with a cipher and an HTTP client; last: its worker uses the rest
};

}  // namespace dihya::notifications
