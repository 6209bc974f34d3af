#include "notifications/service.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "auth/permissions.hpp"
#include "core/crypto.hpp"
#include "core/paging.hpp"
#include "notifications/embedded.hpp"
#include "storage/named_queries.hpp"

namespace dihya::notifications {

namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q = storage::NamedQueries::Parse(sql::EmbeddedFile("queries/notifications.sql"),
                                                                        "notifications/queries/notifications.sql");
    return q;
}

/// Signed in, and (for an API key) with the `notifications` scope.
Result<void> SignedIn(const auth::Principal& who) {
    return auth::Authorize(who, auth::Action::kNotificationsOwn);
}

json::object ParseData(const std::optional<std::string>& text) {
    if (!text) return {};
    boost::system::error_code ec;
    json::value v = json::parse(*text, ec);
    if (ec || !v.is_object()) return {};
    return std::move(v.as_object());
}

}  // namespace

json::object NotificationJson(const Notification& n) {
    json::object o{{"id", n.id},     {"kind", n.kind}, {"title", n.title},           {"body", n.body},
                   {"data", n.data}, {"link", n.link}, {"created_at", n.created_at}, {"read", n.read_at.has_value()}};
    o["read_at"] = n.read_at ? json::value(*n.read_at) : json::value(nullptr);
    return o;
}

NotificationsService::NotificationsService(NotificationsDeps deps) : d_(std::move(deps)) {
    if (d_.cipher != nullptr && d_.http != nullptr) {
        push_queue_ = std::make_unique<delivery::Queue>(
            d_.db, *d_.cipher, d_.clock, d_.log, delivery::Table{"push_queue", "push", "push_queue.message"},
            [this](const delivery::Item& item) { return DeliverPush(item); }, d_.push_retries);
    }
}

NotificationsService::~NotificationsService() = default;

std::string NotificationsService::LocaleOf(const std::string& user_id, storage::Session* session) {
    auto r = d_.recipient(session, user_id);
    return r ? r->locale : "en";
}

Notification NotificationsService::Read(const storage::Rows& rows, std::size_t i, std::string_view locale) const {
    Notification n;
    n.id = rows.GetText(i, "id").value_or("");
    n.kind = rows.GetText(i, "kind").value_or("");
    n.data = ParseData(rows.GetText(i, "data"));
    n.link = rows.GetText(i, "link").value_or("");
    n.created_at = rows.GetText(i, "created_at").value_or("");
    n.read_at = rows.GetText(i, "read_at");
    if (const Kind* k = d_.catalog.Find(n.kind)) {
        const Text t = d_.catalog.Render(*k, locale, n.data, d_.public_url + n.link);
        n.title = t.title;
        n.body = t.body;
    } else {
        n.title = n.kind;  // a kind this version no longer has
    }
    return n;
}

void NotificationsService::PublishUnread(const std::string& user_id, std::string_view event, json::object data) {
    auto unread = d_.db.Query(Q()["unread_count"], std::array<Value, 1>{user_id});
    data["unread"] = unread ? unread->GetInt(0, "n").value_or(0) : 0;
    d_.events.Publish("user:" + user_id, event, data);
}

Result<std::vector<Preference>> NotificationsService::PreferencesOf(storage::Session& s, const std::string& user_id) {
    auto rows = s.Query(Q()["preferences"], std::array<Value, 1>{user_id});
    if (!rows) return rows.take_error();
    std::vector<Preference> out;
    for (const Kind& k : d_.catalog.kinds()) {
        for (const auto& [channel, on] : k.channels) out.push_back({k.name, channel, on, on});
    }
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const std::string kind = rows->GetText(i, "kind").value_or("");
        const std::string channel = rows->GetText(i, "channel").value_or("");
        for (Preference& p : out) {
            if (p.kind == kind && p.channel == channel) p.enabled = rows->GetInt(i, "enabled").value_or(0) != 0;
        }
    }
    return out;
}

Result<std::optional<Notification>> NotificationsService::Send(const std::string& user_id, std::string_view kind,
                                                               const json::object& data, const std::string& link) {
    const Kind* k = d_.catalog.Find(kind);
    if (k == nullptr) return MakeError(ErrorCode::kInternal, "no notification kind " + std::string(kind));
    auto recipient = d_.recipient(nullptr, user_id);
    if (!recipient) return recipient.take_error();
    std::vector<Preference> prefs;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto p = PreferencesOf(s, user_id);
            if (!p) return p.take_error();
            prefs = std::move(*p);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    auto wants = [&](std::string_view channel) {
        for (const Preference& p : prefs) {
            if (p.kind == kind && p.channel == channel) return p.enabled;
        }
        return false;
    };
    std::optional<Notification> stored;
    if (wants(kInApp)) {
        const std::string id = crypto::NewUuid();
        const std::string at = FormatTime(d_.clock.Now());
        const std::array<Value, 6> p{id, user_id, std::string(kind), json::serialize(data), link, at};
        if (auto ins = d_.db.Execute(Q()["insert"], p); !ins) return ins.take_error();
        auto row = d_.db.Query(Q()["find"], std::array<Value, 2>{id, user_id});
        if (!row) return row.take_error();
        if (!row->empty()) {
            stored = Read(*row, 0, recipient->locale);
            PublishUnread(user_id, "notification.created", json::object{{"notification", NotificationJson(*stored)}});
        }
    }
    const Text t = d_.catalog.Render(*k, recipient->locale, data, d_.public_url + link);
    if (wants(kPush) && push_queue_ != nullptr) {
        QueuePushes(user_id, kind,
                    json::serialize(json::object{{"kind", kind},
                                                 {"title", t.title},
                                                 {"body", t.body},
                                                 {"link", link},
                                                 {"id", stored ? stored->id : ""}}));
    }
    if (wants(kEmail) && !recipient->email.empty()) {
        d_.mailer.Send({recipient->email, t.title, t.body, "notification." + std::string(kind), user_id});
    }
    return stored;
}

void NotificationsService::Notify(const std::string& user_id, std::string_view kind, const json::object& data,
                                  const std::string& link) {
    if (auto r = Send(user_id, kind, data, link); !r) {
        d_.log.Warn("notification not sent", {{"kind", std::string(kind)}, {"error", r.error().message}});
    }
}

Result<NotificationPage> NotificationsService::List(const auth::Principal& who, const std::string& cursor,
                                                    std::int64_t limit, bool unread_only) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    const std::string locale = LocaleOf(who.user_id);
    NotificationPage page;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            const std::array<Value, 5> p{who.user_id, after->first, after->second, std::int64_t{unread_only ? 1 : 0},
                                         limit + 1};
            auto rows = s.Query(Q()["list"], p);
            if (!rows) return rows.take_error();
            for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < limit; ++i) {
                page.items.push_back(Read(*rows, i, locale));
            }
            if (static_cast<std::int64_t>(rows->size()) > limit) {
                page.next_cursor = PageCursor(page.items.back().created_at, page.items.back().id);
            }
            auto unread = s.Query(Q()["unread_count"], std::array<Value, 1>{who.user_id});
            if (!unread) return unread.take_error();
            page.unread = unread->GetInt(0, "n").value_or(0);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return page;
}

Result<std::int64_t> NotificationsService::UnreadCount(const auth::Principal& who) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto unread = d_.db.Query(Q()["unread_count"], std::array<Value, 1>{who.user_id});
    if (!unread) return unread.take_error();
    return unread->GetInt(0, "n").value_or(0);
}

Result<Notification> NotificationsService::MarkRead(const auth::Principal& who, const std::string& id) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto changed = d_.db.Execute(Q()["mark_read"], std::array<Value, 3>{id, who.user_id, FormatTime(d_.clock.Now())});
    if (!changed) return changed.take_error();
    auto row = d_.db.Query(Q()["find"], std::array<Value, 2>{id, who.user_id});
    if (!row) return row.take_error();
    if (row->empty()) return MakeError(ErrorCode::kNotFound, "no such notification");
    if (*changed > 0) PublishUnread(who.user_id, "notification.read", json::object{{"ids", json::array{id}}});
    return Read(*row, 0, LocaleOf(who.user_id));
}

Result<std::int64_t> NotificationsService::MarkAllRead(const auth::Principal& who) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto changed = d_.db.Execute(Q()["mark_all_read"], std::array<Value, 2>{who.user_id, FormatTime(d_.clock.Now())});
    if (!changed) return changed.take_error();
    if (*changed > 0) PublishUnread(who.user_id, "notification.read", json::object{{"all", true}});
    return *changed;
}

Result<void> NotificationsService::Delete(const auth::Principal& who, const std::string& id) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto n = d_.db.Execute(Q()["delete"], std::array<Value, 2>{id, who.user_id});
    if (!n) return n.take_error();
    if (*n == 0) return MakeError(ErrorCode::kNotFound, "no such notification");
    PublishUnread(who.user_id, "notification.deleted", json::object{{"id", id}});
    return Ok();
}

Result<std::vector<Preference>> NotificationsService::Preferences(const auth::Principal& who) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    std::vector<Preference> out;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto p = PreferencesOf(s, who.user_id);
            if (!p) return p.take_error();
            out = std::move(*p);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return out;
}

Result<std::vector<Preference>> NotificationsService::SetPreferences(const auth::Principal& who,
                                                                     const std::vector<Preference>& changes) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const Preference& c = changes[i];
        const std::string at = "items[" + std::to_string(i) + "]";
        const Kind* k = d_.catalog.Find(c.kind);
        if (k == nullptr) {
            std::string kinds;
            for (const Kind& x : d_.catalog.kinds()) kinds += (kinds.empty() ? "" : ", ") + x.name;
            return MakeError(ErrorCode::kInvalidArgument, at + ".kind: no kind '" + c.kind + "' (kinds: " + kinds + ")",
                             {{at + ".kind", "unknown kind"}});
        }
        if (!k->channels.contains(c.channel)) {
            std::string channels;
            for (const auto& [name, on] : k->channels) channels += (channels.empty() ? "" : ", ") + name;
            return MakeError(ErrorCode::kInvalidArgument,
                             at + ".channel: " + c.kind + " goes to " + channels + ", not '" + c.channel + "'",
                             {{at + ".channel", "not a channel of this kind"}});
        }
    }
    std::vector<Preference> out;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        for (const Preference& c : changes) {
            auto del = s.Execute(Q()["delete_preference"], std::array<Value, 3>{who.user_id, c.kind, c.channel});
            if (!del) return del.take_error();
            const std::array<Value, 4> p{who.user_id, c.kind, c.channel, std::int64_t{c.enabled ? 1 : 0}};
            auto ins = s.Execute(Q()["insert_preference"], p);
            if (!ins) return ins.take_error();
        }
        auto all = PreferencesOf(s, who.user_id);
        if (!all) return all.take_error();
        out = std::move(*all);
        return Ok();
    });
    if (!r) return r.take_error();
    return out;
}

Result<json::value> NotificationsService::Export(storage::Session& s, const std::string& user_id) {
    auto rows = s.Query(Q()["all_of_user"], std::array<Value, 1>{user_id});
    if (!rows) return rows.take_error();
    const std::string locale = LocaleOf(user_id, &s);
    json::array items;
    for (std::size_t i = 0; i < rows->size(); ++i) items.push_back(NotificationJson(Read(*rows, i, locale)));
    auto prefs = PreferencesOf(s, user_id);
    if (!prefs) return prefs.take_error();
    json::array choices;
    for (const Preference& p : *prefs) {
        choices.push_back(json::object{{"kind", p.kind}, {"channel", p.channel}, {"enabled", p.enabled}});
    }
    auto subs = s.Query(Q()["push_subscriptions"], std::array<Value, 1>{user_id});
    if (!subs) return subs.take_error();
    json::array browsers;
    for (std::size_t i = 0; i < subs->size(); ++i) {
        browsers.push_back(json::object{{"push_service", subs->GetText(i, "origin").value_or("")},
                                        {"subscribed_at", subs->GetText(i, "created_at").value_or("")}});
    }
    json::object out{{"notifications", std::move(items)},
                     {"preferences", std::move(choices)},
                     {"push_subscriptions", std::move(browsers)}};
    auto digest = s.Query(Q()["digest_marker"], std::array<Value, 1>{user_id});
    if (!digest) return digest.take_error();
    out["last_digest"] =
        digest->empty() ? json::value(nullptr)
                        : json::value(json::object{{"sent_at", digest->GetText(0, "sent_at").value_or("")},
                                                   {"covered_up_to", digest->GetText(0, "sent_up_to").value_or("")}});
    if (push_queue_ != nullptr) {  // pushes a push service has not taken yet (kind, queued at, attempts)
        auto waiting = push_queue_->OfUser(s, user_id);
        if (!waiting) return waiting.take_error();
        out["pushes_waiting"] = std::move(*waiting);
    }
    return json::value(std::move(out));
}

// --- Web Push ----------------------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kPushAssociated = "push_subscriptions.subscription";
constexpr std::string_view kVapidAssociated = "vapid_keys.private_key";

}  // namespace

Result<VapidKey> NotificationsService::Vapid() {
    {
        std::lock_guard lock(push_mu_);
        if (vapid_) return *vapid_;
    }
    if (d_.cipher == nullptr) return MakeError(ErrorCode::kUnavailable, "push is not configured");
    auto load = [&]() -> Result<std::optional<VapidKey>> {
        auto row = d_.db.Query(Q()["vapid_key"]);
        if (!row) return row.take_error();
        if (row->empty()) return std::optional<VapidKey>();
        auto pem = d_.cipher->Decrypt(row->GetText(0, "private_key").value_or(""), kVapidAssociated);
        if (!pem) return pem.take_error();
        auto pub = crypto::Base64UrlDecode(row->GetText(0, "public_key").value_or(""));
        if (!pub) return MakeError(ErrorCode::kInternal, "the stored VAPID key is damaged");
        return std::optional<VapidKey>(VapidKey{*pem, *pub});
    };
    auto found = load();
    if (!found) return found.take_error();
    if (!*found) {
        auto made = GenerateVapidKey();
        if (!made) return made.take_error();
        const std::array<Value, 3> p{d_.cipher->Encrypt(made->private_pem, kVapidAssociated),
                                     crypto::Base64UrlEncode(made->public_key), FormatTime(d_.clock.Now())};
        if (auto ins = d_.db.Execute(Q()["insert_vapid_key"], p); !ins) return ins.take_error();
        found = load();  // another node may have made one first: everyone uses the stored one
        if (!found) return found.take_error();
        if (!*found) return MakeError(ErrorCode::kInternal, "the VAPID key was not stored");
    }
    std::lock_guard lock(push_mu_);
    vapid_ = **found;
    return *vapid_;
}

Result<std::string> NotificationsService::PushKey() {
    auto key = Vapid();
    if (!key) return key.take_error();
    return crypto::Base64UrlEncode(key->public_key);
}

Result<PushSubscription> NotificationsService::SubscribePush(const auth::Principal& who,
                                                             const PushSubscriptionInput& in) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    if (d_.cipher == nullptr) return MakeError(ErrorCode::kUnavailable, "push is not configured");
    if (in.endpoint.size() > 2048) {
        return MakeError(ErrorCode::kInvalidArgument, "endpoint: at most 2048 characters", {{"endpoint", "too long"}});
    }
    if (auto ok = net::CheckOutgoingUrl(in.endpoint, "endpoint"); !ok) {
        Error e = ok.error();
        e.details = {{"endpoint", "https://, or http:// to this machine"}};
        return e;
    }
    const auto p256dh = crypto::Base64UrlDecode(in.p256dh);
    const auto auth = crypto::Base64UrlDecode(in.auth);
    if (!p256dh)
        return MakeError(ErrorCode::kInvalidArgument, "keys.p256dh is not base64url",
                         {{"keys.p256dh", "not base64url"}});
    if (!auth)
        return MakeError(ErrorCode::kInvalidArgument, "keys.auth is not base64url", {{"keys.auth", "not base64url"}});
    if (auto trial = EncryptPush("", *p256dh, *auth); !trial) return trial.take_error();  // the keys work
    const std::string index = d_.cipher->BlindIndex("push.endpoint", in.endpoint);
    auto existing = d_.db.Query(Q()["find_push_subscription"], std::array<Value, 2>{who.user_id, index});
    if (!existing) return existing.take_error();
    if (!existing->empty()) {
        // The same browser again (a page that subscribes at each visit): the one we have, with fresh keys.
        const std::string id = existing->GetText(0, "id").value_or("");
        if (auto del = d_.db.Execute(Q()["delete_push_subscription"], std::array<Value, 2>{id, who.user_id}); !del) {
            return del.take_error();
        }
    }
    auto origin = PushOrigin(in.endpoint);
    if (!origin) return origin.take_error();
    PushSubscription out{crypto::NewUuid(), *origin, FormatTime(d_.clock.Now())};
    const std::string plain =
        json::serialize(json::object{{"endpoint", in.endpoint}, {"p256dh", in.p256dh}, {"auth", in.auth}});
    const std::array<Value, 6> p{out.id,     who.user_id,   index, d_.cipher->Encrypt(plain, kPushAssociated),
                                 out.origin, out.created_at};
    if (auto ins = d_.db.Execute(Q()["insert_push_subscription"], p); !ins) return ins.take_error();
    return out;
}

Result<std::vector<PushSubscription>> NotificationsService::PushSubscriptions(const auth::Principal& who) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto rows = d_.db.Query(Q()["push_subscriptions"], std::array<Value, 1>{who.user_id});
    if (!rows) return rows.take_error();
    std::vector<PushSubscription> out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        out.push_back({rows->GetText(i, "id").value_or(""), rows->GetText(i, "origin").value_or(""),
                       rows->GetText(i, "created_at").value_or("")});
    }
    return out;
}

Result<void> NotificationsService::UnsubscribePush(const auth::Principal& who, const std::string& id) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto n = d_.db.Execute(Q()["delete_push_subscription"], std::array<Value, 2>{id, who.user_id});
    if (!n) return n.take_error();
    if (*n == 0) return MakeError(ErrorCode::kNotFound, "no such push subscription");
    return Ok();
}

void NotificationsService::QueuePushes(const std::string& user_id, std::string_view kind, const std::string& payload) {
    auto rows = d_.db.Query(Q()["push_subscriptions"], std::array<Value, 1>{user_id});
    if (!rows) {
        d_.log.Warn("cannot read push subscriptions", {{"error", rows.error().message}});
        return;
    }
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const std::string message =
            json::serialize(json::object{{"subscription", rows->GetText(i, "id").value_or("")}, {"payload", payload}});
        (void)push_queue_->Enqueue(user_id, std::string(kind), message);  // a failure is logged by the queue
    }
}

delivery::Outcome NotificationsService::DeliverPush(const delivery::Item& item) {
    using delivery::Outcome;
    boost::system::error_code ec;
    const json::value message = json::parse(item.payload, ec);
    if (ec || !message.is_object()) return Outcome::GiveUp("the queued push cannot be read");
    const auto field = [](const json::value& v, std::string_view k) {
        const json::value* f = v.is_object() ? v.as_object().if_contains(k) : nullptr;
        return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
    };
    const std::string subscription_id = field(message, "subscription");
    auto row = d_.db.Query(Q()["push_subscription_by_id"], std::array<Value, 1>{subscription_id});
    if (!row) return Outcome::Retry("cannot read the push subscription: " + row.error().message);
    if (row->empty()) return Outcome::Done();  // the browser was unsubscribed meanwhile: nothing to send
    auto plain = d_.cipher->Decrypt(row->GetText(0, "subscription").value_or(""), kPushAssociated);
    if (!plain) return Outcome::GiveUp("the push subscription cannot be read");
    const json::value sub = json::parse(*plain, ec);
    if (ec || !sub.is_object()) return Outcome::GiveUp("the push subscription cannot be read");
    const std::string endpoint = field(sub, "endpoint");
    auto key = Vapid();
    if (!key) return Outcome::Retry("no VAPID key: " + key.error().message);
    auto body = EncryptPush(field(message, "payload"), crypto::Base64UrlDecode(field(sub, "p256dh")).value_or(""),
                            crypto::Base64UrlDecode(field(sub, "auth")).value_or(""));
    auto authorization =
        VapidAuthorization(endpoint, *key, d_.push_subject,
                           std::chrono::duration_cast<std::chrono::seconds>(d_.clock.Now().time_since_epoch()).count());
    if (!body) return Outcome::GiveUp("the push cannot be encrypted: " + body.error().message);
    if (!authorization) return Outcome::GiveUp("the push cannot be signed: " + authorization.error().message);
    net::HttpCall call{"POST",
                       endpoint,
                       {"Content-Type: application/octet-stream", "Content-Encoding: aes128gcm", "TTL: 86400",
                        "Urgency: normal", "Authorization: " + *authorization},
                       *body,
                       "push service"};
    auto reply = d_.http->Send(call);
    if (!reply) return Outcome::Retry(reply.error().message);
    const long status = reply->status;
    if (status == 404 || status == 410) {
        // The browser unsubscribed or the subscription expired: forget it (RFC 8030 §7.3).
        (void)d_.db.Execute(Q()["delete_push_subscription_by_id"], std::array<Value, 1>{subscription_id});
        d_.log.Info("push subscription gone: removed", {{"status", static_cast<std::int64_t>(status)}});
        return Outcome::Done();
    }
    if (status >= 200 && status < 300) return Outcome::Done();
    const std::string why = "the push service answered " + std::to_string(status);
    if (status == 429 || status >= 500) return Outcome::Retry(why);  // busy or down for now (RFC 8030 §8.4)
    return Outcome::GiveUp(why);
}

void NotificationsService::FlushPush() {
    if (push_queue_ != nullptr) push_queue_->Flush();
}

Result<void> NotificationsService::Erase(storage::Session& s, const std::string& user_id) {
    if (auto n = s.Execute(Q()["delete_user_push_subscriptions"], std::array<Value, 1>{user_id}); !n) {
        return n.take_error();
    }
    if (auto n = s.Execute(Q()["delete_user"], std::array<Value, 1>{user_id}); !n) return n.take_error();
    if (auto n = s.Execute(Q()["delete_user_preferences"], std::array<Value, 1>{user_id}); !n) return n.take_error();
    return Ok();
}

Result<json::object> NotificationsService::SendDigests(TimePoint oldest) {
    constexpr std::size_t kListed = 20;  // titles in one digest; more are counted
    const Kind* digest = d_.catalog.Find("digest");
    if (digest == nullptr) return MakeError(ErrorCode::kInternal, "no notification kind digest");
    const std::string horizon = FormatTime(oldest);
    auto users = d_.db.Query(Q()["digest_candidates"], std::array<Value, 1>{horizon});
    if (!users) return users.take_error();
    std::int64_t mailed = 0;
    std::int64_t told = 0;
    for (std::size_t u = 0; u < users->size(); ++u) {
        const std::string user_id = users->GetText(u, "user_id").value_or("");
        std::optional<mail::Message> message;
        std::int64_t count = 0;
        auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
            auto prefs = PreferencesOf(s, user_id);
            if (!prefs) return prefs.take_error();
            const bool wanted = std::any_of(prefs->begin(), prefs->end(), [](const Preference& p) {
                return p.kind == "digest" && p.channel == kEmail && p.enabled;
            });
            if (!wanted) return Ok();
            auto recipient = d_.recipient(&s, user_id);
            if (!recipient) return recipient.take_error();
            if (recipient->email.empty()) return Ok();
            auto marker = s.Query(Q()["digest_marker"], std::array<Value, 1>{user_id});
            if (!marker) return marker.take_error();
            std::string after = horizon;
            if (!marker->empty()) after = std::max(after, marker->GetText(0, "sent_up_to").value_or(""));
            auto rows = s.Query(Q()["digest_items"], std::array<Value, 2>{user_id, after});
            if (!rows) return rows.take_error();
            if (rows->empty()) return Ok();
            std::string items;
            for (std::size_t i = 0; i < rows->size() && i < kListed; ++i) {
                items += "• " + Read(*rows, i, recipient->locale).title + "\n";
            }
            if (rows->size() > kListed) items += "… (+" + std::to_string(rows->size() - kListed) + ")\n";
            if (!items.empty()) items.pop_back();
            count = static_cast<std::int64_t>(rows->size());
            const Text t =
                d_.catalog.Render(*digest, recipient->locale, json::object{{"count", count}, {"items", items}},
                                  d_.public_url + "/notifications");
            const std::array<Value, 3> mark{user_id, rows->GetText(0, "created_at").value_or(""),
                                            FormatTime(d_.clock.Now())};
            if (auto m = s.Execute(Q()["set_digest_marker"], mark); !m) return m.take_error();
            message = mail::Message{recipient->email, t.title, t.body, "notification.digest", user_id};
            return Ok();
        });
        if (!r) return r.take_error();
        if (!message) continue;
        d_.mailer.Send(std::move(*message));
        ++mailed;
        told += count;
    }
    return json::object{{"users", mailed}, {"notifications", told}};
}

Result<std::int64_t> NotificationsService::DeleteGivenUpPushesBefore(TimePoint before) {
    if (push_queue_ == nullptr) return std::int64_t{0};
    return push_queue_->DeleteGivenUpBefore(before);
}

}  // namespace dihya::notifications
