#include "auth/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::auth::dto_types {

struct ConsentDto {
    std::string policy_version;
    std::vector<std::string> accepted;
};
BOOST_DESCRIBE_STRUCT(ConsentDto, (), (policy_version, accepted))

struct RegisterRequest {
    std::string email;
    std::string password;
    std::optional<std::string> display_name;
    std::optional<std::string> locale;
    std::optional<ConsentDto> consent;
};
BOOST_DESCRIBE_STRUCT(RegisterRequest, (), (email, password, display_name, locale, consent))

struct LoginRequest {
    std::string email;
    std::string password;
};
BOOST_DESCRIBE_STRUCT(LoginRequest, (), (email, password))

struct TokenResponse {
    std::string access_token;
    std::string refresh_token;
    std::string token_type;
    std::int64_t expires_in;
    std::int64_t refresh_expires_in;
};
BOOST_DESCRIBE_STRUCT(TokenResponse, (), (access_token, refresh_token, token_type, expires_in, refresh_expires_in))

struct RefreshRequest {
    std::string refresh_token;
};
BOOST_DESCRIBE_STRUCT(RefreshRequest, (), (refresh_token))

struct LogoutRequest {
    std::optional<std::string> refresh_token;
};
BOOST_DESCRIBE_STRUCT(LogoutRequest, (), (refresh_token))

struct TokenRequest {
    std::string token;
};
BOOST_DESCRIBE_STRUCT(TokenRequest, (), (token))

struct EmailRequest {
    std::string email;
};
BOOST_DESCRIBE_STRUCT(EmailRequest, (), (email))

struct ResetConfirmRequest {
    std::string token;
    std::string new_password;
};
BOOST_DESCRIBE_STRUCT(ResetConfirmRequest, (), (token, new_password))

struct ChangePasswordRequest {
    std::string current_password;
    std::string new_password;
};
BOOST_DESCRIBE_STRUCT(ChangePasswordRequest, (), (current_password, new_password))

struct UserDto {
    std::string id;
    std::string email;
    std::optional<std::string> display_name;
    std::string locale;
    std::optional<std::string> avatar_url;
    std::string role;
    bool email_verified;
    bool disabled;
    bool has_password;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> last_login_at;
};
BOOST_DESCRIBE_STRUCT(UserDto, (),
                      (id, email, display_name, locale, avatar_url, role, email_verified, disabled, has_password,
                       created_at, updated_at, last_login_at))

struct ProfilePatchDto {
    std::optional<std::string> display_name;
    std::optional<std::string> locale;
    std::optional<std::string> avatar_url;
};
BOOST_DESCRIBE_STRUCT(ProfilePatchDto, (), (display_name, locale, avatar_url))

struct SessionDto {
    std::string id;
    std::string kind;
    std::string created_at;
    std::string last_used_at;
    std::string expires_at;
    std::optional<std::string> revoked_at;
    std::optional<std::string> revoked_reason;
    bool current;
};
BOOST_DESCRIBE_STRUCT(SessionDto, (),
                      (id, kind, created_at, last_used_at, expires_at, revoked_at, revoked_reason, current))

struct ApiKeyDto {
    std::string id;
    std::string name;
    std::string prefix;
    std::vector<std::string> scopes;
    std::string created_at;
    std::optional<std::string> last_used_at;
    std::optional<std::string> expires_at;
    std::optional<std::string> revoked_at;
};
BOOST_DESCRIBE_STRUCT(ApiKeyDto, (), (id, name, prefix, scopes, created_at, last_used_at, expires_at, revoked_at))

struct ApiKeyCreateRequest {
    std::string name;
    std::vector<std::string> scopes;
    std::optional<std::int64_t> expires_in_days;
};
BOOST_DESCRIBE_STRUCT(ApiKeyCreateRequest, (), (name, scopes, expires_in_days))

struct ApiKeyCreated {
    std::string key;
    ApiKeyDto api_key;
};
BOOST_DESCRIBE_STRUCT(ApiKeyCreated, (), (key, api_key))

struct AdminPatchRequest {
    std::optional<std::string> role;
    std::optional<bool> disabled;
};
BOOST_DESCRIBE_STRUCT(AdminPatchRequest, (), (role, disabled))

struct UserPageDto {
    std::vector<UserDto> items;
    std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(UserPageDto, (), (items, next_cursor))

struct TicketResponse {
    std::string ticket;
    std::int64_t expires_in;
};
BOOST_DESCRIBE_STRUCT(TicketResponse, (), (ticket, expires_in))

}  // namespace dihya::auth::dto_types

namespace d = dihya::auth::dto_types;

template <>
struct dihya::dto::Rules<d::RegisterRequest> {
    static FieldRules Get() {
        return {{"email", {.description = "your email address", .max_length = 254, .format = "email"}},
                {"password",
                 {.description = "at least 12 characters, or a passphrase of four words; not a common password",
                  .max_length = 1024}},
                {"display_name", {.min_length = 1, .max_length = 200}},
                {"locale", {.description = "fr, en, ar, ...", .min_length = 2, .max_length = 12}},
                {"consent", {.description = "the privacy policy version and what you accept"}}};
    }
};
template <>
struct dihya::dto::Rules<d::LoginRequest> {
    static FieldRules Get() { return {{"email", {.max_length = 254}}, {"password", {.max_length = 1024}}}; }
};
template <>
struct dihya::dto::Rules<d::ApiKeyCreateRequest> {
    static FieldRules Get() {
        return {{"name", {.min_length = 1, .max_length = 100}},
                {"scopes", {.description = "see docs/permissions.md", .max_items = 40}},
                {"expires_in_days", {.minimum = 1, .maximum = 3650}}};
    }
};
template <>
struct dihya::dto::Rules<d::AdminPatchRequest> {
    static FieldRules Get() { return {{"role", {.one_of = {"admin", "user", "guest"}}}}; }
};
template <>
struct dihya::dto::Rules<d::ProfilePatchDto> {
    static FieldRules Get() {
        return {{"display_name", {.description = "null clears it", .min_length = 1, .max_length = 200}},
                {"locale", {.min_length = 2, .max_length = 12}},
                {"avatar_url", {.description = "an http(s) URL; null clears it", .max_length = 2048}}};
    }
};

namespace dihya::auth {

namespace json = boost::json;
using http::Body;
using http::Request;
using http::Response;
using http::Work;

namespace {

d::UserDto ToDto(const User& u) {
    return {u.id,       u.email,        u.display_name, u.locale,     u.avatar_url,   u.role, u.email_verified,
            u.disabled, u.has_password, u.created_at,   u.updated_at, u.last_login_at};
}

d::ApiKeyDto ToDto(const ApiKeyInfo& k) {
    return {k.id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.expires_at, k.revoked_at};
}

Response Tokens(const TokenPair& p) {
    return NoStore(Response::Json(200, dto::Encode(d::TokenResponse{p.access_token, p.refresh_token, "Bearer",
                                                                    p.expires_in, p.refresh_expires_in})));
}

/// The profile patch with JSON merge-patch meaning: a field set to null is cleared.
Result<ProfilePatch> DecodePatch(const Request& req) {
    auto body = http::ParseJsonBody(req);
    if (!body) return body.take_error();
    auto typed = dto::Decode<d::ProfilePatchDto>(*body);
    if (!typed) return typed.take_error();
    const auto& obj = body->as_object();
    ProfilePatch p;
    if (const auto* v = obj.if_contains("display_name")) {
        p.display_name = v->is_null() ? std::optional<std::string>() : typed->display_name;
    }
    if (const auto* v = obj.if_contains("locale")) {
        if (v->is_null()) {
            return MakeError(ErrorCode::kInvalidArgument, "locale cannot be cleared", {{"locale", "must be a string"}});
        }
        p.locale = typed->locale;
    }
    if (const auto* v = obj.if_contains("avatar_url")) {
        p.avatar_url = v->is_null() ? std::optional<std::string>() : typed->avatar_url;
    }
    return p;
}

}  // namespace

json::object UserJson(const User& u) {
    return dto::Encode(ToDto(u)).as_object();
}

void Register(http::App& app, AuthService& service, SigningKeys& keys) {
    app.tags.push_back({"auth", "Accounts, sign-in, tokens, API keys (see docs/permissions.md and docs/privacy.md)"});
    app.tags.push_back({"admin", "Administration of accounts (admin role)"});
    auto& r = app.router;
    AuthService& s = service;
    const json::value user_schema = dto::Schema<d::UserDto>();
    const json::value tokens_schema = dto::Schema<d::TokenResponse>();

    r.Add({.method = "POST",
           .path = "/api/v1/auth/register",
           .operation_id = "register",
           .summary = "Create an account",
           .description = "Password rule: at least 12 characters or a passphrase of four words, not a common "
                          "password. A verification link is mailed. `consent.policy_version` must be the current "
                          "version (GET /api/v1/catalog → privacy.policy_version). An address that already has "
                          "an account gets the same answer (nothing tells the caller it exists) and its owner is "
                          "mailed a sign-in and password-reset link instead. `display_name` is one line of text: "
                          "control characters and bidirectional overrides are refused.",
           .tag = "auth",
           .request_schema = dto::Schema<d::RegisterRequest>(),
           .responses = {{201, "The account", user_schema},
                         {400,
                          "Invalid email, weak password, missing consent, display name with control or "
                          "bidirectional override characters"}},
           .work = Work::kAuth,
           .handler = [&s](Request& req) {
               auto in = Body<d::RegisterRequest>(req);
               if (!in) return Problem(req, in.error());
               NewAccount a{in->email, in->password, in->display_name, in->locale, std::nullopt};
               if (in->consent) a.consent = Consent{in->consent->policy_version, in->consent->accepted};
               auto u = s.Register(a, ContextOf(req));
               if (!u) return Problem(req, u.error());
               Response res = Response::Json(201, UserJson(*u));
               res.headers.Set("Location", "/api/v1/users/me");
               return res;
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/verify-email",
           .operation_id = "verifyEmail",
           .summary = "Confirm an email address with the token from the mailed link",
           .tag = "auth",
           .request_schema = dto::Schema<d::TokenRequest>(),
           .responses = {{204, "Verified"}, {400, "Invalid, used or expired token"}},
           .handler = [&s](Request& req) {
               auto in = Body<d::TokenRequest>(req);
               if (!in) return Problem(req, in.error());
               if (auto v = s.VerifyEmail(in->token, ContextOf(req)); !v) return Problem(req, v.error());
               return Response::Empty(204);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/verify-email/resend",
           .operation_id = "resendVerification",
           .summary = "Mail a new verification link",
           .tag = "auth",
           .responses = {{202, "Mailed"}, {409, "Already verified"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto v = s.ResendVerification(PrincipalOf(req), ContextOf(req)); !v) return Problem(req, v.error());
               return Response::Empty(202);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/login",
           .operation_id = "login",
           .summary = "Sign in with email and password",
           .description = "Returns a short-lived access token (Bearer) and a refresh token. Repeated failures slow "
                          "down sign-ins for the account and the client address (429 with Retry-After), then lock "
                          "them for a while.",
           .tag = "auth",
           .request_schema = dto::Schema<d::LoginRequest>(),
           .responses = {{200, "Tokens", tokens_schema},
                         {401, "Wrong email or password"},
                         {403, "Account disabled or email not verified"},
                         {429, "Too many failures; see Retry-After"}},
           .work = Work::kAuth,
           .handler = [&s](Request& req) {
               auto in = Body<d::LoginRequest>(req);
               if (!in) return Problem(req, in.error());
               auto t = s.Login(in->email, in->password, ContextOf(req));
               if (!t) return Problem(req, t.error());
               return Tokens(*t);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/refresh",
           .operation_id = "refreshTokens",
           .summary = "Trade a refresh token for new tokens",
           .description = "Each refresh token works once. Presenting a spent one ends the whole session (it was "
                          "stolen or replayed).",
           .tag = "auth",
           .request_schema = dto::Schema<d::RefreshRequest>(),
           .responses = {{200, "New tokens", tokens_schema}, {401, "Invalid, spent or ended"}},
           .handler = [&s](Request& req) {
               auto in = Body<d::RefreshRequest>(req);
               if (!in) return Problem(req, in.error());
               auto t = s.Refresh(in->refresh_token, ContextOf(req));
               if (!t) return Problem(req, t.error());
               return Tokens(*t);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/logout",
           .operation_id = "logout",
           .summary = "End a session",
           .description = "Ends the session of the refresh token sent, or the caller's current session.",
           .tag = "auth",
           .request_schema = dto::Schema<d::LogoutRequest>(),
           .responses = {{204, "Ended"}, {401, "Invalid refresh token"}},
           .handler = [&s](Request& req) {
               d::LogoutRequest in;
               if (!req.body.empty()) {
                   auto decoded = Body<d::LogoutRequest>(req);
                   if (!decoded) return Problem(req, decoded.error());
                   in = std::move(*decoded);
               }
               if (auto v = s.Logout(PrincipalOf(req), in.refresh_token, ContextOf(req)); !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/password-reset",
           .operation_id = "requestPasswordReset",
           .summary = "Mail a password reset link",
           .description = "Always 202, whether or not the address has an account.",
           .tag = "auth",
           .request_schema = dto::Schema<d::EmailRequest>(),
           .responses = {{202, "Mailed if the account exists"}},
           .handler = [&s](Request& req) {
               auto in = Body<d::EmailRequest>(req);
               if (!in) return Problem(req, in.error());
               if (auto v = s.RequestPasswordReset(in->email, ContextOf(req)); !v) return Problem(req, v.error());
               return Response::Empty(202);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/password-reset/confirm",
           .operation_id = "resetPassword",
           .summary = "Choose a new password with the token from the mailed link",
           .description = "Ends every session of the account.",
           .tag = "auth",
           .request_schema = dto::Schema<d::ResetConfirmRequest>(),
           .responses = {{204, "Changed"}, {400, "Invalid token or weak password"}},
           .work = Work::kAuth,
           .handler = [&s](Request& req) {
               auto in = Body<d::ResetConfirmRequest>(req);
               if (!in) return Problem(req, in.error());
               if (auto v = s.ResetPassword(in->token, in->new_password, ContextOf(req)); !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/auth/ticket",
           .operation_id = "realtimeTicket",
           .summary = "A 60-second ticket for WebSocket and EventSource URLs",
           .description = "Browsers cannot send headers when opening a WebSocket or an EventSource: pass this ticket "
                          "as `?ticket=` there instead of the access token. It is accepted nowhere else.",
           .tag = "auth",
           .responses = {{200, "Ticket", dto::Schema<d::TicketResponse>()}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto t = s.IssueRealtimeTicket(PrincipalOf(req));
               if (!t) return Problem(req, t.error());
               return NoStore(Response::Json(200, dto::Encode(d::TicketResponse{*t, 60})));
           }});
    r.Add({.method = "GET",
           .path = "/.well-known/jwks.json",
           .operation_id = "jwks",
           .summary = "Public keys that verify the tokens this server signs (ES256)",
           .tag = "auth",
           .responses = {{200, "JWK set", json::object{{"type", "object"}}}},
           .handler = [&keys](Request& req) {
               auto set = keys.Jwks();
               if (!set) return Problem(req, set.error());
               Response res = Response::Json(200, *set);
               res.headers.Set("Cache-Control", "public, max-age=300");
               return res;
           }});

    r.Add({.method = "GET",
           .path = "/api/v1/users/me",
           .operation_id = "getMe",
           .summary = "Your profile",
           .tag = "auth",
           .responses = {{200, "Profile", user_schema}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto u = s.GetMe(PrincipalOf(req));
               if (!u) return Problem(req, u.error());
               return NoStore(Response::Json(200, UserJson(*u)));
           }});
    r.Add({.method = "PATCH",
           .path = "/api/v1/users/me",
           .operation_id = "updateMe",
           .summary = "Change display name, locale or avatar URL (JSON merge patch: null clears)",
           .tag = "auth",
           .request_schema = dto::Schema<d::ProfilePatchDto>(),
           .responses = {{200, "Profile", user_schema}, {400, "Invalid field"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto patch = DecodePatch(req);
               if (!patch) return Problem(req, patch.error());
               auto u = s.UpdateMe(PrincipalOf(req), *patch, ContextOf(req));
               if (!u) return Problem(req, u.error());
               return NoStore(Response::Json(200, UserJson(*u)));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/users/me/password",
           .operation_id = "changePassword",
           .summary = "Change your password (ends your other sessions)",
           .tag = "auth",
           .request_schema = dto::Schema<d::ChangePasswordRequest>(),
           .responses = {{204, "Changed"}, {400, "Weak password"}, {403, "Wrong current password"}},
           .requires_auth = true,
           .work = Work::kAuth,
           .handler = [&s](Request& req) {
               auto in = Body<d::ChangePasswordRequest>(req);
               if (!in) return Problem(req, in.error());
               if (auto v = s.ChangePassword(PrincipalOf(req), in->current_password, in->new_password, ContextOf(req));
                   !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/users/me/sessions",
           .operation_id = "listSessions",
           .summary = "Your sign-in sessions",
           .tag = "auth",
           .responses = {{200, "Sessions",
                          json::object{{"type", "object"},
                                       {"properties",
                                        {{"items", {{"type", "array"}, {"items", dto::Schema<d::SessionDto>()}}}}}}}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               const Principal who = PrincipalOf(req);
               auto list = s.Sessions(who);
               if (!list) return Problem(req, list.error());
               json::array items;
               for (const auto& x : *list) {
                   items.push_back(dto::Encode(d::SessionDto{x.id, x.kind, x.created_at, x.last_used_at, x.expires_at,
                                                             x.revoked_at, x.revoked_reason, x.id == who.session_id}));
               }
               return NoStore(Response::Json(200, json::object{{"items", std::move(items)}}));
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/users/me/sessions/{id:uuid}",
           .operation_id = "revokeSession",
           .summary = "End one of your sessions",
           .tag = "auth",
           .responses = {{204, "Ended"}, {404, "No such session"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto v = s.RevokeSession(PrincipalOf(req), req.path_params["id"], ContextOf(req)); !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/users/me/api-keys",
           .operation_id = "listApiKeys",
           .summary = "Your personal API keys (never the keys themselves)",
           .tag = "auth",
           .responses = {{200, "Keys",
                          json::object{{"type", "object"},
                                       {"properties",
                                        {{"items", {{"type", "array"}, {"items", dto::Schema<d::ApiKeyDto>()}}}}}}}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto list = s.ApiKeys(PrincipalOf(req));
               if (!list) return Problem(req, list.error());
               json::array items;
               for (const auto& k : *list) items.push_back(dto::Encode(ToDto(k)));
               return NoStore(Response::Json(200, json::object{{"items", std::move(items)}}));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/users/me/api-keys",
           .operation_id = "createApiKey",
           .summary = "Create a personal API key for scripts and CI",
           .description = "The key is shown once. Use it as `Authorization: Bearer dih_...`. It acts with your role, "
                          "limited to its scopes (docs/permissions.md).",
           .tag = "auth",
           .request_schema = dto::Schema<d::ApiKeyCreateRequest>(),
           .responses = {{201, "The key (shown once)", dto::Schema<d::ApiKeyCreated>()},
                         {400, "Unknown scope"},
                         {403, "A scope beyond your role"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto in = Body<d::ApiKeyCreateRequest>(req);
               if (!in) return Problem(req, in.error());
               auto k = s.CreateApiKey(PrincipalOf(req), in->name, in->scopes, in->expires_in_days, ContextOf(req));
               if (!k) return Problem(req, k.error());
               return NoStore(Response::Json(201, dto::Encode(d::ApiKeyCreated{k->key, ToDto(k->info)})));
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/users/me/api-keys/{id:uuid}",
           .operation_id = "revokeApiKey",
           .summary = "Revoke one of your API keys",
           .tag = "auth",
           .responses = {{204, "Revoked"}, {404, "No such key"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto v = s.RevokeApiKey(PrincipalOf(req), req.path_params["id"], ContextOf(req)); !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/users/me/consents",
           .operation_id = "listConsents",
           .summary = "What you consented to, newest first",
           .tag = "auth",
           .responses = {{200, "Consents",
                          json::object{{"type", "object"},
                                       {"properties",
                                        {{"items", {{"type", "array"}, {"items", dto::Schema<d::ConsentDto>()}}}}}}}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto list = s.ConsentsOf(PrincipalOf(req));
               if (!list) return Problem(req, list.error());
               json::array items;
               for (const auto& c : *list) items.push_back(dto::Encode(d::ConsentDto{c.policy_version, c.accepted}));
               return NoStore(Response::Json(200, json::object{{"items", std::move(items)}}));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/users/me/consents",
           .operation_id = "recordConsent",
           .summary = "Record a consent (or its withdrawal: an empty accepted list)",
           .tag = "auth",
           .request_schema = dto::Schema<d::ConsentDto>(),
           .responses = {{201, "Recorded"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto in = Body<d::ConsentDto>(req);
               if (!in) return Problem(req, in.error());
               if (auto v = s.RecordConsent(PrincipalOf(req), {in->policy_version, in->accepted}, ContextOf(req)); !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(201);
           }});

    r.Add({.method = "GET",
           .path = "/api/v1/admin/users",
           .operation_id = "listUsers",
           .summary = "List and search accounts",
           .description = "`q`: an exact email, or part of the display name. Cursor pagination: pass `next_cursor` "
                          "back as `cursor`.",
           .tag = "admin",
           .params = {{"q", "query", "email (exact) or part of the display name", json::object{{"type", "string"}}},
                      {"role", "query", "admin, user or guest",
                       json::object{{"type", "string"}, {"enum", {"admin", "user", "guest"}}}},
                      {"status", "query", "active or disabled",
                       json::object{{"type", "string"}, {"enum", {"active", "disabled"}}}},
                      {"limit", "query", "page size (1-200, default 50)",
                       json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}},
                      {"cursor", "query", "from the previous page", json::object{{"type", "string"}}}},
           .responses = {{200, "A page of accounts", dto::Schema<d::UserPageDto>()}, {403, "Not an admin"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               UserQuery q;
               q.q = req.QueryParam("q").value_or("");
               q.role = req.QueryParam("role").value_or("");
               q.status = req.QueryParam("status").value_or("");
               q.cursor = req.QueryParam("cursor").value_or("");
               if (auto l = req.QueryParam("limit")) {
                   try {
                       q.limit = std::stoll(*l);
                   } catch (...) {
                       return Problem(req, MakeError(ErrorCode::kInvalidArgument, "limit must be an integer",
                                                     {{"limit", "must be an integer"}}));
                   }
               }
               auto page = s.ListUsers(PrincipalOf(req), q);
               if (!page) return Problem(req, page.error());
               d::UserPageDto out;
               for (const auto& u : page->users) out.items.push_back(ToDto(u));
               out.next_cursor = page->next_cursor;
               return NoStore(Response::Json(200, dto::Encode(out)));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/admin/users/{id:uuid}",
           .operation_id = "getUser",
           .summary = "One account",
           .tag = "admin",
           .responses = {{200, "The account", user_schema}, {404, "No such user"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto u = s.GetUser(PrincipalOf(req), req.path_params["id"]);
               if (!u) return Problem(req, u.error());
               return NoStore(Response::Json(200, UserJson(*u)));
           }});
    r.Add(
        {.method = "PATCH",
         .path = "/api/v1/admin/users/{id:uuid}",
         .operation_id = "updateUser",
         .summary = "Change an account's role, or disable / enable it",
         .description = "Disabling ends the account's sessions. The last active admin cannot be demoted or "
                        "disabled, and admins cannot demote or disable themselves.",
         .tag = "admin",
         .request_schema = dto::Schema<d::AdminPatchRequest>(),
         .responses = {{200, "The account", user_schema}, {404, "No such user"}, {409, "Last admin"}},
         .requires_auth = true,
         .handler = [&s](Request& req) {
             auto in = Body<d::AdminPatchRequest>(req);
             if (!in) return Problem(req, in.error());
             auto u = s.AdminUpdate(PrincipalOf(req), req.path_params["id"], {in->role, in->disabled}, ContextOf(req));
             if (!u) return Problem(req, u.error());
             return NoStore(Response::Json(200, UserJson(*u)));
         }});
}

}  // namespace dihya::auth
