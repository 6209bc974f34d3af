#include "notifications/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::notifications::dto_types {

struct NotificationDto {
    std::string id;
    std::string kind;
    std::string title;
    std::string body;
    boost::json::value data;
    std::string link;
    std::string created_at;
    bool read = false;
    std::optional<std::string> read_at;
};
BOOST_DESCRIBE_STRUCT(NotificationDto, (), (id, kind, title, body, data, link, created_at, read, read_at))

struct NotificationPageDto {
    std::vector<NotificationDto> items;
    std::optional<std::string> next_cursor;
    std::int64_t unread = 0;
};
BOOST_DESCRIBE_STRUCT(NotificationPageDto, (), (items, next_cursor, unread))

struct UnreadDto {
    std::int64_t unread = 0;
};
BOOST_DESCRIBE_STRUCT(UnreadDto, (), (unread))

struct ReadAllDto {
    std::int64_t marked = 0;
    std::int64_t unread = 0;
};
BOOST_DESCRIBE_STRUCT(ReadAllDto, (), (marked, unread))

struct PreferenceDto {
    std::string kind;
    std::string channel;
    bool enabled = false;
    std::optional<bool> by_default;
};
BOOST_DESCRIBE_STRUCT(PreferenceDto, (), (kind, channel, enabled, by_default))

struct PushKeysDto {
    std::string p256dh;
    std::string auth;
};
BOOST_DESCRIBE_STRUCT(PushKeysDto, (), (p256dh, auth))

struct PushSubscribeDto {
    std::string endpoint;
    PushKeysDto keys;
    std::optional<boost::json::value> expirationTime;
};
BOOST_DESCRIBE_STRUCT(PushSubscribeDto, (), (endpoint, keys, expirationTime))

struct PushSubscriptionDto {
    std::string id;
    std::string push_service;
    std::string created_at;
};
BOOST_DESCRIBE_STRUCT(PushSubscriptionDto, (), (id, push_service, created_at))

struct PushSubscriptionsDto {
    std::vector<PushSubscriptionDto> items;
};
BOOST_DESCRIBE_STRUCT(PushSubscriptionsDto, (), (items))

struct PushKeyDto {
    std::string public_key;
};
BOOST_DESCRIBE_STRUCT(PushKeyDto, (), (public_key))

struct PreferencesDto {
    std::vector<PreferenceDto> items;
};
BOOST_DESCRIBE_STRUCT(PreferencesDto, (), (items))

}  // namespace dihya::notifications::dto_types

template <>
struct dihya::dto::Rules<dihya::notifications::dto_types::PreferencesDto> {
    static FieldRules Get() { return {{"items", {.description = "choices to change", .max_items = 100}}}; }
};

namespace dihya::notifications {

namespace json = boost::json;
namespace d = dto_types;
using http::Request;
using http::Response;

namespace {

d::NotificationDto ToDto(const Notification& n) {
    return {n.id, n.kind, n.title, n.body, n.data, n.link, n.created_at, n.read_at.has_value(), n.read_at};
}

d::PreferencesDto ToDto(const std::vector<Preference>& prefs) {
    d::PreferencesDto out;
    for (const Preference& p : prefs) out.items.push_back({p.kind, p.channel, p.enabled, p.by_default});
    return out;
}

}  // namespace

void Register(http::App& app, NotificationsService& s) {
    app.tags.push_back({"notifications",
                        "What the platform tells you: in-app notifications (also live on user:{id}), mail, and your "
                        "choice of channels per kind"});
    auto& r = app.router;
    r.Add({.method = "GET",
           .path = "/api/v1/notifications",
           .operation_id = "listNotifications",
           .summary = "Your notifications, newest first, with the unread count",
           .description = "Texts come in your account's language. `unread=true` lists only the unread ones. Cursor "
                          "pagination: pass `next_cursor` back as `cursor`. New ones arrive live as "
                          "`notification.created` on the channel user:{your id} (docs/realtime.md).",
           .tag = "notifications",
           .params = {http::LimitParam(),
                      http::CursorParam(),
                      {"unread", "query", "only the unread ones", json::object{{"type", "boolean"}}}},
           .responses = {{200, "A page", dto::Schema<d::NotificationPageDto>()}, {401, "Not signed in"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto limit = http::LimitOf(req, 50);
               if (!limit) return http::Problem(req, limit.error());
               const auto unread = req.QueryParam("unread");
               if (unread && *unread != "true" && *unread != "false") {
                   return http::Problem(req, MakeError(ErrorCode::kInvalidArgument, "unread must be true or false",
                                                       {{"unread", "must be true or false"}}));
               }
               auto page = s.List(auth::PrincipalOf(req), req.QueryParam("cursor").value_or(""), *limit,
                                  unread && *unread == "true");
               if (!page) return http::Problem(req, page.error());
               d::NotificationPageDto out;
               for (const auto& n : page->items) out.items.push_back(ToDto(n));
               out.next_cursor = page->next_cursor;
               out.unread = page->unread;
               return NoStore(Response::Json(200, dto::Encode(out)));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/notifications/unread-count",
           .operation_id = "unreadNotifications",
           .summary = "How many of your notifications are unread",
           .tag = "notifications",
           .responses = {{200, "The count", dto::Schema<d::UnreadDto>()}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto n = s.UnreadCount(auth::PrincipalOf(req));
               if (!n) return http::Problem(req, n.error());
               return NoStore(Response::Json(200, dto::Encode(d::UnreadDto{*n})));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/notifications/read-all",
           .operation_id = "readAllNotifications",
           .summary = "Mark all your notifications read",
           .tag = "notifications",
           .responses = {{200, "How many were unread", dto::Schema<d::ReadAllDto>()}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto n = s.MarkAllRead(auth::PrincipalOf(req));
               if (!n) return http::Problem(req, n.error());
               return Response::Json(200, dto::Encode(d::ReadAllDto{*n, 0}));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/notifications/{id:uuid}/read",
           .operation_id = "readNotification",
           .summary = "Mark one notification read",
           .tag = "notifications",
           .responses = {{200, "The notification", dto::Schema<d::NotificationDto>()}, {404, "Not yours or gone"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto n = s.MarkRead(auth::PrincipalOf(req), req.path_params.at("id"));
               if (!n) return http::Problem(req, n.error());
               return Response::Json(200, dto::Encode(ToDto(*n)));
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/notifications/{id:uuid}",
           .operation_id = "deleteNotification",
           .summary = "Delete one notification",
           .tag = "notifications",
           .responses = {{204, "Deleted"}, {404, "Not yours or gone"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto ok = s.Delete(auth::PrincipalOf(req), req.path_params.at("id")); !ok) {
                   return http::Problem(req, ok.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/notifications/push/key",
           .operation_id = "pushKey",
           .summary = "The VAPID public key (applicationServerKey) browsers subscribe with",
           .tag = "notifications",
           .responses = {{200, "The key, base64url", dto::Schema<d::PushKeyDto>()}},
           .handler = [&s](Request& req) {
               auto key = s.PushKey();
               if (!key) return http::Problem(req, key.error());
               return Response::Json(200, dto::Encode(d::PushKeyDto{*key}));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/notifications/push/subscriptions",
           .operation_id = "subscribePush",
           .summary = "Register a browser for Web Push: the JSON of its PushSubscription",
           .description = "`{endpoint, keys: {p256dh, auth}}` as `PushSubscription.toJSON()` gives it. The endpoint "
                          "must be https:// (http:// only to this machine). The same endpoint again replaces the "
                          "one kept. Pushes carry `{kind, title, body, link, id}`, encrypted (RFC 8291) and signed "
                          "with VAPID (RFC 8292); a push service that answers 404 or 410 ends the subscription.",
           .tag = "notifications",
           .request_schema = dto::Schema<d::PushSubscribeDto>(),
           .responses = {{201, "Registered", dto::Schema<d::PushSubscriptionDto>()},
                         {400, "Endpoint or keys not usable, naming the field"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto in = http::Body<d::PushSubscribeDto>(req);
               if (!in) return http::Problem(req, in.error());
               auto sub = s.SubscribePush(auth::PrincipalOf(req), {in->endpoint, in->keys.p256dh, in->keys.auth});
               if (!sub) return http::Problem(req, sub.error());
               return Response::Json(201, dto::Encode(d::PushSubscriptionDto{sub->id, sub->origin, sub->created_at}));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/notifications/push/subscriptions",
           .operation_id = "listPushSubscriptions",
           .summary = "Your browsers registered for Web Push (their push service, not the endpoint)",
           .tag = "notifications",
           .responses = {{200, "The subscriptions", dto::Schema<d::PushSubscriptionsDto>()}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto subs = s.PushSubscriptions(auth::PrincipalOf(req));
               if (!subs) return http::Problem(req, subs.error());
               d::PushSubscriptionsDto out;
               for (const auto& x : *subs) out.items.push_back({x.id, x.origin, x.created_at});
               return http::NoStore(Response::Json(200, dto::Encode(out)));
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/notifications/push/subscriptions/{id:uuid}",
           .operation_id = "unsubscribePush",
           .summary = "Forget a browser",
           .tag = "notifications",
           .responses = {{204, "Forgotten"}, {404, "Not yours or gone"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto ok = s.UnsubscribePush(auth::PrincipalOf(req), req.path_params.at("id")); !ok) {
                   return http::Problem(req, ok.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/notifications/preferences",
           .operation_id = "notificationPreferences",
           .summary = "Your channels per kind of notification (in_app, email), with the defaults",
           .tag = "notifications",
           .responses = {{200, "Every kind and channel", dto::Schema<d::PreferencesDto>()}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto p = s.Preferences(auth::PrincipalOf(req));
               if (!p) return http::Problem(req, p.error());
               return NoStore(Response::Json(200, dto::Encode(ToDto(*p))));
           }});
    r.Add({.method = "PUT",
           .path = "/api/v1/notifications/preferences",
           .operation_id = "setNotificationPreferences",
           .summary = "Change some of your channels: {items: [{kind, channel, enabled}]}",
           .description = "Kinds and channels not named keep their setting. An unknown kind or a channel a kind does "
                          "not go to is a 400 naming `items[i].kind` or `items[i].channel`.",
           .tag = "notifications",
           .request_schema = dto::Schema<d::PreferencesDto>(),
           .responses = {{200, "Every kind and channel", dto::Schema<d::PreferencesDto>()},
                         {400, "Unknown kind or channel"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto in = http::Body<d::PreferencesDto>(req);
               if (!in) return http::Problem(req, in.error());
               std::vector<Preference> changes;
               for (const auto& p : in->items) changes.push_back({p.kind, p.channel, p.enabled, false});
               auto out = s.SetPreferences(auth::PrincipalOf(req), changes);
               if (!out) return http::Problem(req, out.error());
               return NoStore(Response::Json(200, dto::Encode(ToDto(*out))));
           }});
}

}  // namespace dihya::notifications
