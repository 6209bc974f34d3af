#include "auth/service.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json.hpp>

#include "auth/display_text.hpp"
#include "auth/password_policy.hpp"
#include "auth/permissions.hpp"

namespace dihya::auth {

namespace json = boost::json;

namespace {

constexpr std::string_view kApiKeyPrefix = "dih_";
constexpr std::int64_t kTicketSeconds = 60;
constexpr std::size_t kMaxDisplayNameBytes = 200;

/// Throttle keys: sign-in failures per account and client ("login:<email index>|ip:<address index>"), per client
/// ("ip:<address index>"), and wrong current passwords of a signed-in user ("confirm:<user id>").
std::string LoginThrottlePrefix(const std::string& email_index) {
    return "login:" + email_index + "|";
}
std::string ConfirmThrottleKey(const std::string& user_id) {
    return "confirm:" + user_id;
}
constexpr std::string_view kVerify = "verify_email";
constexpr std::string_view kReset = "reset_password";

Error Unauthenticated(std::string message = "invalid email or password") {
    return MakeError(ErrorCode::kUnauthenticated, std::move(message));
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
    return out;
}

std::vector<std::string> SplitScopes(const std::string& s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        auto end = s.find(' ', pos);
        if (end == std::string::npos) end = s.size();
        if (end > pos) out.push_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

bool ValidLocale(std::string_view l) {
    if (l.size() < 2 || l.size() > 12) return false;
    return std::all_of(l.begin(), l.end(), [](unsigned char ch) { return std::isalnum(ch) != 0 || ch == '-'; });
}

bool ValidHttpUrl(std::string_view u) {
    return u.size() <= 2048 && (u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0) &&
           u.find_first_of(" \"<>\r\n") == std::string_view::npos;
}

/// Texts of the mails, by locale (fr, en, ar; others get English).
struct MailText {
    std::string_view subject;
    std::string_view body;  // {name}, {link}, {hours}
};

constexpr std::string_view kAccountExists = "account_exists";

MailText TextFor(std::string_view purpose, std::string_view locale) {
    const int which = purpose == kVerify ? 0 : purpose == kReset ? 1 : 2;
    if (locale.rfind("fr", 0) == 0) {
        static constexpr MailText kFr[] = {
            {"Confirmez votre adresse e-mail",
             "Bonjour {name},\n\nPour confirmer votre adresse, ouvrez ce lien (valable {hours} h) :\n"
             "{link}\n\nSi vous n'avez pas créé de compte, ignorez ce message.\n"},
            {"Réinitialiser votre mot de passe",
             "Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable "
             "{hours} h) :\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de "
             "passe reste le même.\n"},
            {"Vous avez déjà un compte",
             "Bonjour {name},\n\nQuelqu'un (vous, peut-être) a voulu créer un compte avec cette adresse, qui en a "
             "déjà un. Aucun compte n'a été créé. Pour vous connecter ou choisir un nouveau mot de passe :\n"
             "{link}\n\nSi ce n'était pas vous, ignorez ce message : rien n'a changé.\n"},
        };
        return kFr[which];
    }
    if (locale.rfind("ar", 0) == 0) {
        static constexpr MailText kAr[] = {
            {"تأكيد عنوان بريدك الإلكتروني",
             "مرحبًا {name}،\n\nلتأكيد عنوانك، افتح هذا الرابط (صالح لمدة {hours} ساعة):\n{link}\n\n"
             "إذا لم تنشئ حسابًا، تجاهل هذه الرسالة.\n"},
            {"إعادة تعيين كلمة المرور",
             "مرحبًا {name}،\n\nلاختيار كلمة مرور جديدة، افتح هذا الرابط (صالح لمدة {hours} ساعة):\n"
             "{link}\n\nإذا لم تطلب ذلك، تجاهل هذه الرسالة: تبقى كلمة مرورك كما هي.\n"},
            {"لديك حساب بالفعل",
             "مرحبًا {name}،\n\nحاول أحدهم (ربما أنت) إنشاء حساب بهذا العنوان، وله حساب بالفعل. لم يُنشأ أي حساب. "
             "لتسجيل الدخول أو اختيار كلمة مرور جديدة:\n{link}\n\nإذا لم تكن أنت، تجاهل هذه الرسالة: لم يتغير "
             "شيء.\n"},
        };
        return kAr[which];
    }
    static constexpr MailText kEn[] = {
        {"Confirm your email address",
         "Hello {name},\n\nTo confirm your address, open this link (valid for {hours} h):\n{link}\n\n"
         "If you did not create an account, ignore this message.\n"},
        {"Reset your password",
         "Hello {name},\n\nTo choose a new password, open this link (valid for {hours} h):\n{link}\n\n"
         "If you did not ask for this, ignore this message: your password stays as it is.\n"},
        {"You already have an account",
         "Hello {name},\n\nSomeone (you, perhaps) tried to create an account with this address, which already has "
         "one. No account was created. To sign in or choose a new password:\n{link}\n\n"
         "If this was not you, ignore this message: nothing has changed.\n"},
    };
    return kEn[which];
}

std::string Replace(std::string s, std::string_view key, const std::string& value) {
    for (auto pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + value.size())) {
        s.replace(pos, key.size(), value);
    }
    return s;
}

}  // namespace

Result<std::string> NormaliseEmail(std::string_view email) {
    std::string e(email);
    e.erase(0, e.find_first_not_of(" \t"));
    e.erase(e.find_last_not_of(" \t") + 1);
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return std::tolower(ch); });
    const auto at = e.find('@');
    if (e.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= e.size() ||
        e.find('@', at + 1) != std::string::npos || e.find('.', at) == std::string::npos ||
        e.find_first_of(" \t\r\n<>(),;:\"[]\\") != std::string::npos) {
        return MakeError(ErrorCode::kInvalidArgument, "email is not a valid address",
                         {{"email", "is not a valid address"}});
    }
    return e;
}

AuthService::AuthService(AuthDeps deps) : d_(std::move(deps)) {}

Result<User> AuthService::Decrypt(const UserRow& row) const {
    User u;
    u.id = row.id;
    auto email = d_.cipher.Decrypt(row.email_enc, EmailAd(row.id));
    if (!email) return MakeError(ErrorCode::kInternal, "cannot decrypt an account: " + email.error().message);
    u.email = std::move(*email);
    if (row.display_name_enc) {
        auto name = d_.cipher.Decrypt(*row.display_name_enc, NameAd(row.id));
        if (!name) return MakeError(ErrorCode::kInternal, "cannot decrypt an account: " + name.error().message);
        u.display_name = std::move(*name);
    }
    u.locale = row.locale;
    u.avatar_url = row.avatar_url;
    u.role = row.role;
    u.email_verified = row.email_verified_at.has_value();
    u.disabled = row.disabled_at.has_value();
    u.has_password = row.password_hash.has_value();
    u.created_at = row.created_at;
    u.updated_at = row.updated_at;
    u.last_login_at = row.last_login_at;
    return u;
}

Result<User> AuthService::LoadUser(storage::Session& s, const std::string& id) const {
    auto row = repo_.FindUser(s, id);
    if (!row) return row.take_error();
    if (!*row) return MakeError(ErrorCode::kNotFound, "no such user");
    return Decrypt(**row);
}

Result<std::optional<User>> AuthService::FindByEmail(std::string_view email_in) {
    auto email = NormaliseEmail(email_in);
    if (!email) return email.take_error();
    std::optional<User> out;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto row = repo_.FindUserByEmail(s, d_.cipher.BlindIndexes("email", *email));
            if (!row) return row.take_error();
            if (!*row || (*row)->disabled_at) return Ok();
            auto u = Decrypt(**row);
            if (!u) return u.take_error();
            out = std::move(*u);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return out;
}

Result<User> AuthService::LoadUser(const std::string& id) {
    std::optional<User> out;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto u = LoadUser(s, id);
            if (!u) return u.take_error();
            out = std::move(*u);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return std::move(*out);
}

Result<void> AuthService::Audit(storage::Session& s, const std::string& actor, const std::string& action,
                                const std::string& target_id, const RequestContext& ctx, json::object details) {
    return d_.audit.Record(
        s, AuditEvent{actor, action, target_id.empty() ? "" : "user", target_id, std::move(details), ctx});
}

void AuthService::MailToken(const User& user, const std::string& purpose, const std::string& token) {
    const MailText t = TextFor(purpose, user.locale);
    const std::int64_t ttl =
        purpose == kVerify ? d_.config.verify_token_ttl_seconds : d_.config.reset_token_ttl_seconds;
    const std::string page = purpose == kVerify ? "/account/verify" : "/account/reset";  // account_exists: reset
    // The token travels in the fragment: browsers do not send it to servers, so it is in no access log.
    const std::string link = d_.public_url + page + "#token=" + token;
    // Names stored before display texts were checked are cleaned here too: a mail body gets one plain line.
    std::string name = user.display_name ? CleanDisplayText(*user.display_name, kMaxDisplayNameBytes) : "";
    if (name.empty()) name = user.email;
    std::string body = Replace(std::string(t.body), "{name}", name);
    body = Replace(body, "{link}", link);
    body = Replace(body, "{hours}", std::to_string(std::max<std::int64_t>(1, ttl / 3600)));
    d_.mailer.Send({user.email, std::string(t.subject), body, purpose, user.id});
}

Result<User> AuthService::Create(const NewAccount& a, Role role, bool verified, const RequestContext& ctx,
                                 const std::string& action) {
    auto email = NormaliseEmail(a.email);
    if (!email) return email.take_error();
    if (auto p = CheckPassword(a.password, *email); !p) return p.take_error();
    if (a.display_name) {
        if (auto r = CheckDisplayText("display_name", *a.display_name, kMaxDisplayNameBytes); !r) return r.take_error();
    }
    const std::string locale = a.locale.value_or("en");
    if (!ValidLocale(locale)) {
        return MakeError(ErrorCode::kInvalidArgument, "locale must be a language tag such as fr, en or ar",
                         {{"locale", "must be a language tag"}});
    }
    if (a.consent && a.consent->accepted.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "consent.accepted must name what was accepted",
                         {{"consent.accepted", "must not be empty"}});
    }
    auto hash = d_.hasher.Hash(a.password);
    if (!hash) return hash.take_error();
    const std::string now = Now();
    UserRow row;
    row.id = crypto::NewUuid();
    row.email_enc = d_.cipher.Encrypt(*email, EmailAd(row.id));
    row.email_index = d_.cipher.BlindIndex("email", *email);
    if (a.display_name) row.display_name_enc = d_.cipher.Encrypt(*a.display_name, NameAd(row.id));
    row.locale = locale;
    row.password_hash = *hash;
    row.role = std::string(RoleName(role));
    if (verified) row.email_verified_at = now;
    row.created_at = now;
    row.updated_at = now;
    row.password_changed_at = now;
    std::string verify_token;
    std::optional<User> owner;  // self-registration with an address that has an account: its owner is told
    std::string owner_token;
    const bool self_registration = action == "auth.register";
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto existing = repo_.FindUserByEmail(s, d_.cipher.BlindIndexes("email", *email));
        if (!existing) return existing.take_error();
        if (*existing && !self_registration) {
            return MakeError(ErrorCode::kAlreadyExists, "an account with this email already exists",
                             {{"email", "is already registered"}});
        }
        if (*existing) {
            // The caller gets the same answer as for a new address (the password was hashed either way); the
            // owner gets a mail with a sign-in and password-reset link, unless the account is disabled.
            const UserRow& found = **existing;
            if (auto a = Audit(s, "", "auth.register_existing", found.id, ctx); !a) return a;
            if (found.disabled_at) return Ok();
            auto u = Decrypt(found);
            if (!u) return u.take_error();
            if (auto d = repo_.DropUserTokens(s, u->id, std::string(kReset)); !d) return d;
            owner_token = crypto::RandomToken();
            const std::string expires =
                FormatTime(d_.clock.Now() + std::chrono::seconds(d_.config.reset_token_ttl_seconds));
            if (auto t =
                    repo_.InsertUserToken(s, crypto::Sha256Hex(owner_token), u->id, std::string(kReset), now, expires);
                !t) {
                return t;
            }
            owner = std::move(*u);
            return Ok();
        }
        if (auto ins = repo_.InsertUser(s, row); !ins) return ins;
        if (a.consent) {
            json::array accepted;
            for (const auto& p : a.consent->accepted) accepted.push_back(json::value(p));
            if (auto c = repo_.InsertConsent(s, crypto::NewUuid(), row.id,
                                             {"", a.consent->policy_version, json::serialize(accepted), now});
                !c) {
                return c;
            }
        }
        if (!verified) {
            verify_token = crypto::RandomToken();
            const std::string expires =
                FormatTime(d_.clock.Now() + std::chrono::seconds(d_.config.verify_token_ttl_seconds));
            if (auto t = repo_.InsertUserToken(s, crypto::Sha256Hex(verify_token), row.id, std::string(kVerify), now,
                                               expires);
                !t) {
                return t;
            }
        }
        return Audit(s, row.id, action, row.id, ctx, {{"role", row.role}});
    });
    if (!r) return r.take_error();
    auto user = Decrypt(row);
    if (!user) return user.take_error();
    if (owner) MailToken(*owner, std::string(kAccountExists), owner_token);
    if (!verify_token.empty()) MailToken(*user, std::string(kVerify), verify_token);
    return user;
}

Result<User> AuthService::Register(const NewAccount& account, const RequestContext& ctx) {
    if (!d_.config.allow_registration) {
        return MakeError(ErrorCode::kPermissionDenied, "registration is closed on this server; ask an administrator");
    }
    if (!account.consent) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "consent is required: {policy_version, accepted: [\"terms\", \"privacy\"]}",
                         {{"consent", "is required"}});
    }
    if (account.consent->policy_version != d_.policy_version) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "consent.policy_version must be the current policy version, " + d_.policy_version,
                         {{"consent.policy_version", "must be " + d_.policy_version}});
    }
    return Create(account, Role::kUser, false, ctx, "auth.register");
}

Result<User> AuthService::CreateUser(const NewAccount& account, Role role, const RequestContext& ctx) {
    return Create(account, role, true, ctx, "user.created");
}

Result<void> AuthService::VerifyEmail(const std::string& token, const RequestContext& ctx) {
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto user_id = repo_.SpendUserToken(s, crypto::Sha256Hex(token), std::string(kVerify), Now());
        if (!user_id) return user_id.take_error();
        if (!*user_id) {
            return MakeError(ErrorCode::kInvalidArgument, "this verification link is invalid, used or expired",
                             {{"token", "is invalid, used or expired"}});
        }
        auto changed = repo_.SetVerified(s, **user_id, Now());
        if (!changed) return changed.take_error();
        return Audit(s, **user_id, "auth.email_verified", **user_id, ctx);
    });
}

Result<void> AuthService::ResendVerification(const Principal& who, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountWrite); !a) return a;
    std::optional<User> user;
    std::string token;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto u = LoadUser(s, who.user_id);
        if (!u) return u.take_error();
        if (u->email_verified) return MakeError(ErrorCode::kConflict, "the email address is already verified");
        if (auto drop = repo_.DropUserTokens(s, u->id, std::string(kVerify)); !drop) return drop;
        token = crypto::RandomToken();
        const std::string expires =
            FormatTime(d_.clock.Now() + std::chrono::seconds(d_.config.verify_token_ttl_seconds));
        if (auto t = repo_.InsertUserToken(s, crypto::Sha256Hex(token), u->id, std::string(kVerify), Now(), expires);
            !t) {
            return t;
        }
        user = std::move(*u);
        return Audit(s, who.user_id, "auth.verification_sent", who.user_id, ctx);
    });
    if (!r) return r;
    MailToken(*user, std::string(kVerify), token);
    return Ok();
}

Result<AuthService::Throttled> AuthService::CheckThrottle(storage::Session& s, const std::string& key) {
    auto row = repo_.GetThrottle(s, key);
    if (!row) return row.take_error();
    Throttled t;
    if (*row && (*row)->blocked_until) {
        const auto until = ParseTime(*(*row)->blocked_until);
        const TimePoint now = d_.clock.Now();
        if (until && *until > now) {
            t.blocked = true;
            t.retry_after =
                std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(*until - now).count() + 1);
        }
    }
    return t;
}

Result<void> AuthService::RecordFailure(storage::Session& s, const std::string& key, std::int64_t free_failures) {
    auto row = repo_.GetThrottle(s, key);
    if (!row) return row.take_error();
    const TimePoint now = d_.clock.Now();
    ThrottleRow next;
    next.failures = 1;
    if (*row) {
        const auto last = ParseTime((*row)->last_failure_at);
        // Failures are forgotten after a quiet day.
        if (last && now - *last < std::chrono::hours(24)) next.failures = (*row)->failures + 1;
    }
    next.last_failure_at = FormatTime(now);
    const auto& c = d_.config;
    const std::int64_t lock_after = free_failures + (c.throttle_lock_after - c.throttle_free_failures);
    if (next.failures >= lock_after) {
        next.blocked_until = FormatTime(now + std::chrono::seconds(c.throttle_lock_seconds));
    } else if (next.failures >= free_failures) {
        const double factor = std::pow(2.0, static_cast<double>(next.failures - free_failures));
        const auto delay_ms =
            static_cast<std::int64_t>(std::min(static_cast<double>(c.throttle_lock_seconds) * 1000.0,
                                               static_cast<double>(c.throttle_base_delay_ms) * factor));
        next.blocked_until = FormatTime(now + std::chrono::milliseconds(delay_ms));
    }
    return repo_.PutThrottle(s, key, next);
}

Result<AuthService::Issued> AuthService::IssueTokens(storage::Session& s, const std::string& session_id,
                                                     const std::string& user_id, const std::string& role,
                                                     const TimePoint& session_expires) {
    const std::string refresh = crypto::RandomToken();
    if (auto r = repo_.InsertRefresh(s, crypto::Sha256Hex(refresh), session_id, Now()); !r) return r.take_error();
    Issued out;
    out.pair.refresh_token = refresh;
    out.pair.expires_in = d_.config.access_ttl_seconds;
    out.pair.refresh_expires_in = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::seconds>(session_expires - d_.clock.Now()).count());
    out.user_id = user_id;
    out.session_id = session_id;
    out.role = role;
    return out;
}

Result<TokenPair> AuthService::SignAccess(Issued issued) {
    auto access = d_.keys.Sign({{"sub", issued.user_id}, {"sid", issued.session_id}, {"role", issued.role}},
                               kApiAudience, d_.config.access_ttl_seconds);
    if (!access) return access.take_error();
    issued.pair.access_token = std::move(*access);
    return std::move(issued.pair);
}

Result<AuthService::Issued> AuthService::StartSession(storage::Session& s, const std::string& user_id,
                                                      const std::string& kind, const std::string& role) {
    const std::string session_id = crypto::NewUuid();
    const TimePoint expires = d_.clock.Now() + std::chrono::seconds(d_.config.refresh_ttl_seconds);
    if (auto r = repo_.InsertSession(s, session_id, user_id, kind, Now(), FormatTime(expires)); !r) {
        return r.take_error();
    }
    if (auto r = repo_.TouchLogin(s, user_id, Now()); !r) return r.take_error();
    return IssueTokens(s, session_id, user_id, role, expires);
}

Result<TokenPair> AuthService::Login(const std::string& email_in, const std::string& password,
                                     const RequestContext& ctx) {
    auto email = NormaliseEmail(email_in);
    if (!email) {
        d_.hasher.VerifyDummy(password);
        return Unauthenticated();
    }
    if (password.size() > 1024) return Unauthenticated();
    // Failures count per client and account (so a stranger's guesses never lock the owner out) and per client
    // across accounts (docs/permissions.md, "Sign-in throttling").
    const std::string ip_key = "ip:" + d_.cipher.BlindIndex("ip", ctx.ip);
    const std::string account_key = LoginThrottlePrefix(d_.cipher.BlindIndex("email", *email)) + ip_key;

    // 1. Throttle and look up (read); 2. hash outside any transaction; 3. record the outcome (write).
    std::optional<UserRow> row;
    Throttled account_t, ip_t;
    auto read = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto a = CheckThrottle(s, account_key);
            if (!a) return a.take_error();
            auto i = CheckThrottle(s, ip_key);
            if (!i) return i.take_error();
            account_t = *a;
            ip_t = *i;
            auto found = repo_.FindUserByEmail(s, d_.cipher.BlindIndexes("email", *email));
            if (!found) return found.take_error();
            row = std::move(*found);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!read) return read.take_error();
    if (account_t.blocked || ip_t.blocked) {
        Error e = MakeError(ErrorCode::kRateLimited, "too many failed sign-ins; try again later");
        e.retry_after = std::max(account_t.retry_after, ip_t.retry_after);
        (void)d_.db.Transaction([&](storage::Session& s) {
            return Audit(s, row ? row->id : "", "auth.login_throttled", row ? row->id : "", ctx);
        });
        return e;
    }
    const bool ok = row && row->password_hash ? d_.hasher.Verify(*row->password_hash, password)
                                              : (d_.hasher.VerifyDummy(password), false);
    if (!ok) {
        auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
            if (auto r = RecordFailure(s, account_key, d_.config.throttle_free_failures); !r) return r;
            if (auto r = RecordFailure(s, ip_key, d_.config.throttle_ip_free_failures); !r) return r;
            return Audit(s, "", "auth.login_failed", row ? row->id : "", ctx);
        });
        if (!w) return w.take_error();
        return Unauthenticated();
    }
    if (row->disabled_at) {
        (void)d_.db.Transaction([&](storage::Session& s) {
            return Audit(s, row->id, "auth.login_refused", row->id, ctx, {{"reason", "disabled"}});
        });
        return MakeError(ErrorCode::kPermissionDenied, "this account is disabled; contact an administrator");
    }
    if (d_.config.require_verified_email && !row->email_verified_at) {
        return MakeError(ErrorCode::kPermissionDenied,
                         "confirm your email address first: open the link we mailed you (or ask for a new one)");
    }
    std::optional<std::string> rehash;
    if (d_.hasher.NeedsRehash(*row->password_hash)) {
        auto h = d_.hasher.Hash(password);
        if (h) rehash = std::move(*h);
    }
    std::optional<Issued> pair;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = repo_.ClearThrottle(s, account_key); !r) return r;
        if (rehash) {
            if (auto r = repo_.UpdatePassword(s, row->id, *rehash, Now()); !r) return r;
        }
        auto p = StartSession(s, row->id, "password", row->role);
        if (!p) return p.take_error();
        pair = std::move(*p);
        return Audit(s, row->id, "auth.login", row->id, ctx, {{"method", "password"}});
    });
    if (!w) return w.take_error();
    return SignAccess(std::move(*pair));
}

Result<TokenPair> AuthService::Refresh(const std::string& token, const RequestContext& ctx) {
    std::optional<Issued> pair;
    std::optional<Error> refused;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        const std::string hash = crypto::Sha256Hex(token);
        auto found = repo_.FindRefresh(s, hash);
        if (!found) return found.take_error();
        if (!*found) {
            refused = Unauthenticated("invalid refresh token");
            return Ok();
        }
        const RefreshRow& r = **found;
        const std::string now = Now();
        if (r.session_revoked_at || r.session_expires_at <= now) {
            refused = Unauthenticated("this session has ended; sign in again");
            return Ok();
        }
        auto spent = r.used_at ? Result<bool>(false) : repo_.SpendRefresh(s, hash, now);
        if (!spent) return spent.take_error();
        if (!*spent) {
            // A refresh token used twice: stolen or replayed. End the whole family.
            if (auto rv = repo_.RevokeSession(s, r.session_id, now, "refresh token reused"); !rv)
                return rv.take_error();
            refused = Unauthenticated("refresh token reused: the session was ended for safety; sign in again");
            return Audit(s, r.user_id, "auth.refresh_reuse", r.user_id, ctx, {{"sid", r.session_id}});
        }
        auto session = repo_.FindSession(s, r.session_id);
        if (!session) return session.take_error();
        if (!*session || (*session)->user_disabled_at) {
            refused = Unauthenticated("this session has ended; sign in again");
            return Ok();
        }
        if (auto t = repo_.TouchSession(s, r.session_id, now); !t) return t;
        const auto expires = ParseTime(r.session_expires_at).value_or(d_.clock.Now());
        auto p = IssueTokens(s, r.session_id, r.user_id, (*session)->role, expires);
        if (!p) return p.take_error();
        pair = std::move(*p);
        return Ok();
    });
    if (!w) return w.take_error();
    if (refused) return std::move(*refused);
    return SignAccess(std::move(*pair));
}

Result<void> AuthService::Logout(const Principal& who, const std::optional<std::string>& refresh_token,
                                 const RequestContext& ctx) {
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        std::string session_id = who.session_id;
        std::string user_id = who.user_id;
        if (refresh_token) {
            auto found = repo_.FindRefresh(s, crypto::Sha256Hex(*refresh_token));
            if (!found) return found.take_error();
            if (!*found) return Unauthenticated("invalid refresh token");
            if (!user_id.empty() && (*found)->user_id != user_id) return Unauthenticated("invalid refresh token");
            session_id = (*found)->session_id;
            user_id = (*found)->user_id;
        }
        if (session_id.empty()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "send the refresh_token of the session to end, or sign in with an access token",
                             {{"refresh_token", "is required"}});
        }
        if (auto r = repo_.RevokeSession(s, session_id, Now(), "logout"); !r) return r.take_error();
        return Audit(s, user_id, "auth.logout", user_id, ctx, {{"sid", session_id}});
    });
}

Result<void> AuthService::RequestPasswordReset(const std::string& email_in, const RequestContext& ctx) {
    auto email = NormaliseEmail(email_in);
    if (!email) return email.take_error();
    std::optional<User> user;
    std::string token;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto row = repo_.FindUserByEmail(s, d_.cipher.BlindIndexes("email", *email));
        if (!row) return row.take_error();
        if (!*row || (*row)->disabled_at) return Audit(s, "", "auth.password_reset_requested", "", ctx);
        auto u = Decrypt(**row);
        if (!u) return u.take_error();
        if (auto d = repo_.DropUserTokens(s, u->id, std::string(kReset)); !d) return d;
        token = crypto::RandomToken();
        const std::string expires =
            FormatTime(d_.clock.Now() + std::chrono::seconds(d_.config.reset_token_ttl_seconds));
        if (auto t = repo_.InsertUserToken(s, crypto::Sha256Hex(token), u->id, std::string(kReset), Now(), expires);
            !t) {
            return t;
        }
        user = std::move(*u);
        return Audit(s, "", "auth.password_reset_requested", user->id, ctx);
    });
    if (!w) return w;
    if (user) MailToken(*user, std::string(kReset), token);
    return Ok();
}

Result<void> AuthService::ResetPassword(const std::string& token, const std::string& next, const RequestContext& ctx) {
    if (next.size() > 1024) return CheckPassword(next);
    std::string user_id;
    auto hash = d_.hasher.Hash(next);
    if (!hash) return hash.take_error();
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto spent = repo_.SpendUserToken(s, crypto::Sha256Hex(token), std::string(kReset), Now());
        if (!spent) return spent.take_error();
        if (!*spent) {
            return MakeError(ErrorCode::kInvalidArgument, "this reset link is invalid, used or expired",
                             {{"token", "is invalid, used or expired"}});
        }
        user_id = **spent;
        auto u = LoadUser(s, user_id);
        if (!u) return u.take_error();
        if (auto p = CheckPassword(next, u->email); !p) return p;
        if (auto r = repo_.UpdatePassword(s, user_id, *hash, Now()); !r) return r;
        (void)repo_.SetVerified(s, user_id, Now());  // the link proved the mailbox
        if (auto r = repo_.RevokeUserSessions(s, user_id, "", Now(), "password reset"); !r) return r.take_error();
        for (const std::string& index : d_.cipher.BlindIndexes("email", u->email)) {
            if (auto r = repo_.ClearThrottlePrefix(s, LoginThrottlePrefix(index)); !r) return r;
        }
        if (auto r = repo_.ClearThrottle(s, ConfirmThrottleKey(user_id)); !r) return r;
        return Audit(s, user_id, "auth.password_reset", user_id, ctx);
    });
}

Result<void> AuthService::ConfirmPassword(const Principal& who, const std::string& password,
                                          const RequestContext& ctx) {
    std::optional<UserRow> row;
    Throttled t;
    std::string key;
    auto read = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.FindUser(s, who.user_id);
            if (!found) return found.take_error();
            if (!*found) return MakeError(ErrorCode::kNotFound, "no such user");
            row = std::move(*found);
            key = ConfirmThrottleKey(row->id);
            auto th = CheckThrottle(s, key);
            if (!th) return th.take_error();
            t = *th;
            return Ok();
        },
        storage::TxKind::kRead);
    if (!read) return read;
    if (t.blocked) {
        Error e = MakeError(ErrorCode::kRateLimited, "too many wrong passwords; try again later");
        e.retry_after = t.retry_after;
        return e;
    }
    if (!row->password_hash) return Ok();  // OAuth-only accounts have no password to confirm
    if (d_.hasher.Verify(*row->password_hash, password)) return Ok();
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = RecordFailure(s, key, d_.config.throttle_free_failures); !r) return r;
        return Audit(s, who.user_id, "auth.password_confirm_failed", who.user_id, ctx);
    });
    if (!w) return w;
    return MakeError(ErrorCode::kPermissionDenied, "the current password is wrong", {{"password", "is wrong"}});
}

Result<void> AuthService::ChangePassword(const Principal& who, const std::string& current, const std::string& next,
                                         const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountWrite); !a) return a;
    if (auto c = ConfirmPassword(who, current, ctx); !c) {
        Error e = c.take_error();
        if (e.code == ErrorCode::kPermissionDenied) e.details = {{"current_password", "is wrong"}};
        return e;
    }
    auto user = LoadUser(who.user_id);
    if (!user) return user.take_error();
    if (!user->has_password && !current.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "this account has no password yet; leave current_password empty",
                         {{"current_password", "must be empty"}});
    }
    if (auto p = CheckPassword(next, user->email); !p) {
        Error e = p.take_error();
        e.details = {{"new_password", e.details["password"]}};
        return e;
    }
    auto hash = d_.hasher.Hash(next);
    if (!hash) return hash.take_error();
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = repo_.UpdatePassword(s, who.user_id, *hash, Now()); !r) return r;
        auto revoked = repo_.RevokeUserSessions(s, who.user_id, who.session_id, Now(), "password changed");
        if (!revoked) return revoked.take_error();
        return Audit(s, who.user_id, "auth.password_changed", who.user_id, ctx, {{"revoked_count", *revoked}});
    });
}

Result<User> AuthService::GetMe(const Principal& who) {
    if (auto a = Authorize(who, Action::kAccountRead); !a) return a.take_error();
    return LoadUser(who.user_id);
}

Result<User> AuthService::UpdateMe(const Principal& who, const ProfilePatch& patch, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountWrite); !a) return a.take_error();
    if (patch.display_name && *patch.display_name) {
        if (auto r = CheckDisplayText("display_name", **patch.display_name, kMaxDisplayNameBytes); !r) {
            return r.take_error();
        }
    }
    if (patch.locale && !ValidLocale(*patch.locale)) {
        return MakeError(ErrorCode::kInvalidArgument, "locale must be a language tag such as fr, en or ar",
                         {{"locale", "must be a language tag"}});
    }
    if (patch.avatar_url && *patch.avatar_url && !ValidHttpUrl(**patch.avatar_url)) {
        return MakeError(ErrorCode::kInvalidArgument, "avatar_url must be an http(s) URL",
                         {{"avatar_url", "must be an http(s) URL"}});
    }
    std::optional<User> out;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto row = repo_.FindUser(s, who.user_id);
        if (!row) return row.take_error();
        if (!*row) return MakeError(ErrorCode::kNotFound, "no such user");
        UserRow& u = **row;
        json::array changed;
        if (patch.display_name) {
            u.display_name_enc = *patch.display_name
                                     ? std::optional(d_.cipher.Encrypt(**patch.display_name, NameAd(u.id)))
                                     : std::nullopt;
            changed.push_back("display_name");
        }
        if (patch.locale) {
            u.locale = *patch.locale;
            changed.push_back("locale");
        }
        if (patch.avatar_url) {
            u.avatar_url = *patch.avatar_url;
            changed.push_back("avatar_url");
        }
        u.updated_at = Now();
        if (auto r = repo_.UpdateProfile(s, u.id, u.display_name_enc, u.locale, u.avatar_url, u.updated_at); !r) {
            return r;
        }
        auto dec = Decrypt(u);
        if (!dec) return dec.take_error();
        out = std::move(*dec);
        return Audit(s, who.user_id, "user.profile_updated", who.user_id, ctx, {{"fields", std::move(changed)}});
    });
    if (!w) return w.take_error();
    return std::move(*out);
}

Result<std::vector<SessionInfo>> AuthService::Sessions(const Principal& who) {
    if (auto a = Authorize(who, Action::kAccountRead); !a) return a.take_error();
    std::vector<SessionInfo> out;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto list = repo_.ListSessions(s, who.user_id);
            if (!list) return list.take_error();
            out = std::move(*list);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return out;
}

Result<void> AuthService::RevokeSession(const Principal& who, const std::string& session_id,
                                        const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountWrite); !a) return a;
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto found = repo_.FindSession(s, session_id);
        if (!found) return found.take_error();
        if (!*found || (*found)->user_id != who.user_id) return MakeError(ErrorCode::kNotFound, "no such session");
        if (auto r = repo_.RevokeSession(s, session_id, Now(), "revoked by the user"); !r) return r.take_error();
        return Audit(s, who.user_id, "auth.session_revoked", who.user_id, ctx, {{"sid", session_id}});
    });
}

Result<NewApiKey> AuthService::CreateApiKey(const Principal& who, const std::string& name,
                                            const std::vector<std::string>& scopes,
                                            std::optional<std::int64_t> expires_days, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kApiKeysManage); !a) return a.take_error();
    if (!who.api_key_id.empty()) {
        return MakeError(ErrorCode::kPermissionDenied, "API keys cannot create API keys; sign in to create one");
    }
    if (name.empty() || name.size() > 100) {
        return MakeError(ErrorCode::kInvalidArgument, "name must be 1 to 100 bytes",
                         {{"name", "must be 1 to 100 bytes"}});
    }
    if (scopes.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "scopes must name at least one scope (see docs/permissions.md)",
                         {{"scopes", "must not be empty"}});
    }
    auto role = ParseRole(RoleName(who.role));
    for (std::size_t i = 0; i < scopes.size(); ++i) {
        const Permission* p = FindPermission(scopes[i]);
        const std::string field = "scopes[" + std::to_string(i) + "]";
        if (p == nullptr) {
            return MakeError(ErrorCode::kInvalidArgument, "unknown scope " + scopes[i] + " (see docs/permissions.md)",
                             {{field, "is not a known scope"}});
        }
        if (GrantOf(*p, *role) == Grant::kNone) {
            return MakeError(ErrorCode::kPermissionDenied,
                             "your role cannot grant the scope " + scopes[i] + " to a key",
                             {{field, "exceeds your role"}});
        }
    }
    if (expires_days && (*expires_days < 1 || *expires_days > 3650)) {
        return MakeError(ErrorCode::kInvalidArgument, "expires_in_days must be between 1 and 3650",
                         {{"expires_in_days", "must be between 1 and 3650"}});
    }
    NewApiKey out;
    const std::string secret = crypto::RandomToken(32);
    out.key = std::string(kApiKeyPrefix) + secret;
    ApiKeyRow row;
    row.id = crypto::NewUuid();
    row.user_id = who.user_id;
    row.name = name;
    row.prefix = out.key.substr(0, kApiKeyPrefix.size() + 6);
    row.scopes = JoinScopes(scopes);
    row.created_at = Now();
    if (expires_days) row.expires_at = FormatTime(d_.clock.Now() + std::chrono::hours(24 * *expires_days));
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = repo_.InsertApiKey(s, row, crypto::Sha256Hex(out.key)); !r) return r;
        return Audit(s, who.user_id, "auth.api_key_created", who.user_id, ctx,
                     {{"key_id", row.id}, {"scopes", row.scopes}});
    });
    if (!w) return w.take_error();
    out.info = {row.id, row.name, row.prefix, scopes, row.created_at, std::nullopt, row.expires_at, std::nullopt};
    return out;
}

Result<std::vector<ApiKeyInfo>> AuthService::ApiKeys(const Principal& who) {
    if (auto a = Authorize(who, Action::kApiKeysManage); !a) return a.take_error();
    std::vector<ApiKeyInfo> out;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto rows = repo_.ListApiKeys(s, who.user_id);
            if (!rows) return rows.take_error();
            for (const auto& k : *rows) {
                out.push_back({k.id, k.name, k.prefix, SplitScopes(k.scopes), k.created_at, k.last_used_at,
                               k.expires_at, k.revoked_at});
            }
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return out;
}

Result<void> AuthService::RevokeApiKey(const Principal& who, const std::string& id, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kApiKeysManage); !a) return a;
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto revoked = repo_.RevokeApiKey(s, id, who.user_id, Now());
        if (!revoked) return revoked.take_error();
        if (!*revoked) return MakeError(ErrorCode::kNotFound, "no such API key");
        return Audit(s, who.user_id, "auth.api_key_revoked", who.user_id, ctx, {{"key_id", id}});
    });
}

Result<std::vector<Consent>> AuthService::ConsentsOf(const Principal& who) {
    if (auto a = Authorize(who, Action::kAccountRead); !a) return a.take_error();
    std::vector<Consent> out;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto rows = repo_.ListConsents(s, who.user_id);
            if (!rows) return rows.take_error();
            for (const auto& c : *rows) {
                Consent consent{c.policy_version, {}};
                boost::system::error_code ec;
                auto v = json::parse(c.accepted, ec);
                if (!ec && v.is_array()) {
                    for (const auto& p : v.as_array()) {
                        if (p.is_string()) consent.accepted.emplace_back(p.as_string());
                    }
                }
                out.push_back(std::move(consent));
            }
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return out;
}

Result<void> AuthService::RecordConsent(const Principal& who, const Consent& consent, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountWrite); !a) return a;
    if (consent.policy_version.empty() || consent.policy_version.size() > 40) {
        return MakeError(ErrorCode::kInvalidArgument, "policy_version must be 1 to 40 bytes",
                         {{"policy_version", "must be 1 to 40 bytes"}});
    }
    json::array accepted;
    for (const auto& p : consent.accepted) {
        if (p.empty() || p.size() > 60) {
            return MakeError(ErrorCode::kInvalidArgument, "each accepted purpose must be 1 to 60 bytes",
                             {{"accepted", "items must be 1 to 60 bytes"}});
        }
        accepted.push_back(json::value(p));
    }
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = repo_.InsertConsent(s, crypto::NewUuid(), who.user_id,
                                         {"", consent.policy_version, json::serialize(accepted), Now()});
            !r) {
            return r;
        }
        return Audit(s, who.user_id, "gdpr.consent_recorded", who.user_id, ctx,
                     {{"policy_version", consent.policy_version}, {"accepted", accepted}});
    });
}

Result<Principal> AuthService::Authenticate(std::string_view credential) {
    if (credential.rfind(kApiKeyPrefix, 0) == 0) {
        std::optional<ApiKeyRow> key;
        auto r = d_.db.Transaction(
            [&](storage::Session& s) -> Result<void> {
                auto found = repo_.FindApiKey(s, crypto::Sha256Hex(credential));
                if (!found) return found.take_error();
                key = std::move(*found);
                return Ok();
            },
            storage::TxKind::kRead);
        if (!r) return r.take_error();
        const std::string now = Now();
        if (!key || key->revoked_at || (key->expires_at && *key->expires_at <= now) || key->user_disabled_at) {
            return Unauthenticated("invalid, revoked or expired API key");
        }
        // last_used_at at minute precision: no write per request.
        if (!key->last_used_at || key->last_used_at->substr(0, 16) != now.substr(0, 16)) {
            (void)d_.db.Transaction([&](storage::Session& s) { return repo_.TouchApiKey(s, key->id, now); });
        }
        Principal p;
        p.user_id = key->user_id;
        p.role = ParseRole(key->role).value_or(Role::kGuest);
        p.api_key_id = key->id;
        p.scopes = SplitScopes(key->scopes);
        return p;
    }
    auto claims = d_.keys.Verify(credential, kApiAudience);
    if (!claims) return claims.take_error();
    const auto* sub = claims->if_contains("sub");
    const auto* sid = claims->if_contains("sid");
    if (sub == nullptr || !sub->is_string() || sid == nullptr || !sid->is_string()) {
        return Unauthenticated("invalid token: no subject");
    }
    std::optional<SessionRow> session;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.FindSession(s, std::string(sid->as_string()));
            if (!found) return found.take_error();
            session = std::move(*found);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    if (!session || session->revoked_at || session->expires_at <= Now() || session->user_disabled_at ||
        session->user_id != sub->as_string()) {
        return Unauthenticated("this session has ended; sign in again");
    }
    Principal p;
    p.user_id = session->user_id;
    p.role = ParseRole(session->role).value_or(Role::kGuest);  // the role now, not when the token was made
    p.session_id = session->id;
    p.auth_time = session->created_at;
    return p;
}

Result<std::string> AuthService::IssueRealtimeTicket(const Principal& who) {
    if (auto a = Authorize(who, Action::kRealtimeConnect); !a) return a.take_error();
    json::object claims{{"sub", who.user_id}};
    if (!who.session_id.empty()) claims["sid"] = who.session_id;
    if (!who.api_key_id.empty()) claims["kid_api"] = who.api_key_id;
    return d_.keys.Sign(std::move(claims), kRealtimeAudience, kTicketSeconds);
}

Result<Principal> AuthService::AuthenticateTicket(std::string_view ticket) {
    auto claims = d_.keys.Verify(ticket, kRealtimeAudience);
    if (!claims) return claims.take_error();
    const auto* sub = claims->if_contains("sub");
    if (sub == nullptr || !sub->is_string()) return Unauthenticated("invalid ticket");
    std::optional<UserRow> row;
    std::optional<SessionRow> session;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.FindUser(s, std::string(sub->as_string()));
            if (!found) return found.take_error();
            row = std::move(*found);
            if (const auto* sid = claims->if_contains("sid"); sid != nullptr && sid->is_string()) {
                auto se = repo_.FindSession(s, std::string(sid->as_string()));
                if (!se) return se.take_error();
                session = std::move(*se);
                if (!session) return Unauthenticated("this session has ended");
            }
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    if (!row || row->disabled_at || (session && session->revoked_at)) return Unauthenticated("invalid ticket");
    Principal p;
    p.user_id = row->id;
    p.role = ParseRole(row->role).value_or(Role::kGuest);
    if (session) p.session_id = session->id;
    return p;
}

Result<UserPage> AuthService::ListUsers(const Principal& who, const UserQuery& q) {
    if (auto a = Authorize(who, Action::kUsersRead); !a) return a.take_error();
    if (!q.role.empty() && !ParseRole(q.role)) {
        return MakeError(ErrorCode::kInvalidArgument, "role must be admin, user or guest", {{"role", "unknown role"}});
    }
    if (!q.status.empty() && q.status != "active" && q.status != "disabled") {
        return MakeError(ErrorCode::kInvalidArgument, "status must be active or disabled",
                         {{"status", "must be active or disabled"}});
    }
    const std::int64_t limit = std::clamp<std::int64_t>(q.limit, 1, 200);
    std::string after_created, after_id;
    if (!q.cursor.empty()) {
        auto raw = crypto::Base64UrlDecode(q.cursor);
        const auto bar = raw ? raw->find('|') : std::string::npos;
        if (!raw || bar == std::string::npos) {
            return MakeError(ErrorCode::kInvalidArgument, "cursor is not one this server gave",
                             {{"cursor", "is invalid"}});
        }
        after_created = raw->substr(0, bar);
        after_id = raw->substr(bar + 1);
    }
    UserPage page;
    std::string needle = q.q;
    std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char ch) { return std::tolower(ch); });
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            if (needle.find('@') != std::string::npos) {  // an email: one exact lookup through the blind index
                auto email = NormaliseEmail(needle);
                if (!email) return Ok();
                auto row = repo_.FindUserByEmail(s, d_.cipher.BlindIndexes("email", *email));
                if (!row) return row.take_error();
                if (*row && (q.role.empty() || (*row)->role == q.role)) {
                    auto u = Decrypt(**row);
                    if (!u) return u.take_error();
                    if (q.status.empty() || (q.status == "disabled") == u->disabled)
                        page.users.push_back(std::move(*u));
                }
                return Ok();
            }
            // Names are encrypted: scan in creation order, decrypt and filter, a bounded number of rows per page.
            const std::int64_t batch = needle.empty() ? limit : 500;
            std::int64_t scanned = 0;
            for (;;) {
                auto rows = repo_.ListUsers(s, after_created, after_id, {q.role, q.status}, batch);
                if (!rows) return rows.take_error();
                for (const auto& row : *rows) {
                    ++scanned;
                    after_created = row.created_at;
                    after_id = row.id;
                    auto u = Decrypt(row);
                    if (!u) return u.take_error();
                    std::string name = u->display_name.value_or("");
                    std::transform(name.begin(), name.end(), name.begin(),
                                   [](unsigned char ch) { return std::tolower(ch); });
                    if (needle.empty() || name.find(needle) != std::string::npos) page.users.push_back(std::move(*u));
                    if (static_cast<std::int64_t>(page.users.size()) == limit) break;
                }
                const bool full = static_cast<std::int64_t>(page.users.size()) == limit;
                const bool more = static_cast<std::int64_t>(rows->size()) == batch;
                if (full || !more || scanned >= 5000) {
                    if ((full || more) && !rows->empty()) {
                        page.next_cursor = crypto::Base64UrlEncode(after_created + "|" + after_id);
                    }
                    return Ok();
                }
            }
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return page;
}

Result<User> AuthService::GetUser(const Principal& who, const std::string& id) {
    if (auto a = Authorize(who, Action::kUsersRead); !a) return a.take_error();
    return LoadUser(id);
}

Result<User> AuthService::AdminUpdate(const Principal& who, const std::string& id, const AdminPatch& patch,
                                      const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kUsersManage); !a) return a.take_error();
    std::optional<Role> role;
    if (patch.role) {
        role = ParseRole(*patch.role);
        if (!role) {
            return MakeError(ErrorCode::kInvalidArgument, "role must be admin, user or guest",
                             {{"role", "unknown role"}});
        }
    }
    if (id == who.user_id && ((role && *role != Role::kAdmin) || (patch.disabled && *patch.disabled))) {
        return MakeError(ErrorCode::kConflict, "admins cannot demote or disable themselves; ask another admin",
                         {{"id", "is yourself"}});
    }
    std::optional<User> out;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto row = repo_.FindUser(s, id);
        if (!row) return row.take_error();
        if (!*row) return MakeError(ErrorCode::kNotFound, "no such user");
        UserRow& u = **row;
        const bool was_active_admin = u.role == "admin" && !u.disabled_at;
        const std::string now = Now();
        if (role && RoleName(*role) != u.role) {
            if (auto r = repo_.SetRole(s, id, std::string(RoleName(*role)), now); !r) return r;
            if (auto a = Audit(s, who.user_id, "user.role_changed", id, ctx,
                               {{"from", u.role}, {"to", std::string(RoleName(*role))}});
                !a) {
                return a;
            }
            u.role = std::string(RoleName(*role));
        }
        if (patch.disabled && *patch.disabled != u.disabled_at.has_value()) {
            u.disabled_at = *patch.disabled ? std::optional(now) : std::nullopt;
            if (auto r = repo_.SetDisabled(s, id, u.disabled_at, now); !r) return r;
            if (*patch.disabled) {
                if (auto r = repo_.RevokeUserSessions(s, id, "", now, "account disabled"); !r) return r.take_error();
            }
            if (auto a = Audit(s, who.user_id, *patch.disabled ? "admin.user_disabled" : "admin.user_enabled", id, ctx);
                !a) {
                return a;
            }
        }
        if (was_active_admin && (u.role != "admin" || u.disabled_at)) {
            auto admins = repo_.CountActiveAdmins(s);
            if (!admins) return admins.take_error();
            if (*admins < 1)
                return MakeError(ErrorCode::kConflict, "the last active admin cannot be demoted or disabled");
        }
        auto dec = Decrypt(u);
        if (!dec) return dec.take_error();
        out = std::move(*dec);
        return Ok();
    });
    if (!w) return w.take_error();
    return std::move(*out);
}

Result<TokenPair> AuthService::LoginWithIdentity(const ExternalIdentity& id, const RequestContext& ctx) {
    if (id.subject.empty()) return MakeError(ErrorCode::kUnauthenticated, "the provider gave no subject");
    std::optional<Issued> pair;
    std::optional<Error> refused;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        const std::string now = Now();
        auto linked =
            repo_.FindIdentity(s, id.provider, d_.cipher.BlindIndexes("oauth-subject", id.provider + ":" + id.subject));
        if (!linked) return linked.take_error();
        std::optional<UserRow> user;
        std::string how = "linked";
        if (*linked) {
            auto row = repo_.FindUser(s, (*linked)->first);
            if (!row) return row.take_error();
            user = std::move(*row);
            if (auto t = repo_.TouchIdentity(s, id.provider, (*linked)->second, now); !t) return t;
        } else {
            auto email = NormaliseEmail(id.email);
            if (!email) {
                refused = MakeError(ErrorCode::kUnauthenticated, "the provider gave no usable email address");
                return Ok();
            }
            auto existing = repo_.FindUserByEmail(s, d_.cipher.BlindIndexes("email", *email));
            if (!existing) return existing.take_error();
            if (*existing) {
                if (!id.email_verified) {
                    refused = MakeError(ErrorCode::kConflict,
                                        "an account with this email exists, and the provider did not confirm the "
                                        "address: sign in with your password, then link the provider");
                    return Audit(s, "", "auth.oauth_link_refused", (*existing)->id, ctx, {{"provider", id.provider}});
                }
                if (!(*existing)->email_verified_at) {
                    // Whoever registered this address never proved they own it: linking would let them keep a
                    // password on the account of the person now signing in with a verified address.
                    refused = MakeError(ErrorCode::kConflict,
                                        "an account with this email exists but its address was never confirmed: "
                                        "confirm it with the link we mailed (or reset its password by mail), then "
                                        "sign in with the provider again");
                    return Audit(s, "", "auth.oauth_link_refused", (*existing)->id, ctx,
                                 {{"provider", id.provider}, {"reason", "account email unconfirmed"}});
                }
                user = std::move(*existing);
                how = "linked-by-verified-email";
            } else {
                if (!d_.config.allow_registration) {
                    refused = MakeError(ErrorCode::kPermissionDenied, "registration is closed on this server");
                    return Ok();
                }
                UserRow row;
                row.id = crypto::NewUuid();
                row.email_enc = d_.cipher.Encrypt(*email, EmailAd(row.id));
                row.email_index = d_.cipher.BlindIndex("email", *email);
                if (id.display_name) {
                    const std::string name = CleanDisplayText(*id.display_name, kMaxDisplayNameBytes);
                    if (!name.empty()) row.display_name_enc = d_.cipher.Encrypt(name, NameAd(row.id));
                }
                row.locale = id.locale && ValidLocale(*id.locale) ? *id.locale : "en";
                if (id.avatar_url && ValidHttpUrl(*id.avatar_url)) row.avatar_url = id.avatar_url;
                row.role = "user";
                if (id.email_verified) row.email_verified_at = now;
                row.created_at = now;
                row.updated_at = now;
                if (auto ins = repo_.InsertUser(s, row); !ins) return ins;
                if (auto a = Audit(s, row.id, "auth.register", row.id, ctx, {{"provider", id.provider}}); !a) return a;
                user = std::move(row);
                how = "created";
            }
            const std::string subject = id.provider + ":" + id.subject;
            if (auto ins = repo_.InsertIdentity(s, id.provider, d_.cipher.BlindIndex("oauth-subject", subject),
                                                d_.cipher.Encrypt(id.subject, SubjectAd(id.provider, user->id)),
                                                user->id, now);
                !ins) {
                return ins;
            }
        }
        if (!user) {
            refused = MakeError(ErrorCode::kUnauthenticated, "the linked account no longer exists");
            return Ok();
        }
        if (user->disabled_at) {
            refused = MakeError(ErrorCode::kPermissionDenied, "this account is disabled; contact an administrator");
            return Ok();
        }
        auto p = StartSession(s, user->id, "oauth:" + id.provider, user->role);
        if (!p) return p.take_error();
        pair = std::move(*p);
        return Audit(s, user->id, "auth.login", user->id, ctx,
                     {{"method", "oauth"}, {"provider", id.provider}, {"account", how}});
    });
    if (!w) return w.take_error();
    if (refused) return std::move(*refused);
    return SignAccess(std::move(*pair));
}

Result<void> AuthService::LinkIdentity(const Principal& who, const ExternalIdentity& id, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountWrite); !a) return a;
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        const std::string subject = id.provider + ":" + id.subject;
        auto linked = repo_.FindIdentity(s, id.provider, d_.cipher.BlindIndexes("oauth-subject", subject));
        if (!linked) return linked.take_error();
        if (*linked) {
            if ((*linked)->first == who.user_id) return Ok();
            return MakeError(ErrorCode::kConflict, "this " + id.provider + " account is linked to another account");
        }
        if (auto ins = repo_.InsertIdentity(s, id.provider, d_.cipher.BlindIndex("oauth-subject", subject),
                                            d_.cipher.Encrypt(id.subject, SubjectAd(id.provider, who.user_id)),
                                            who.user_id, Now());
            !ins) {
            return ins;
        }
        return Audit(s, who.user_id, "auth.oauth_linked", who.user_id, ctx, {{"provider", id.provider}});
    });
}

Result<std::int64_t> AuthService::ReEncryptAll() {
    std::int64_t changed = 0;
    auto ids = [&]() -> Result<std::vector<std::string>> {
        std::vector<std::string> out;
        auto r = d_.db.Transaction(
            [&](storage::Session& s) -> Result<void> {
                auto all = repo_.AllUserIds(s);
                if (!all) return all.take_error();
                out = std::move(*all);
                return Ok();
            },
            storage::TxKind::kRead);
        if (!r) return r.take_error();
        return out;
    }();
    if (!ids) return ids.take_error();
    // One transaction per account: a rotation interrupted half-way leaves every row readable under the ring.
    for (const auto& id : *ids) {
        auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
            auto row = repo_.FindUser(s, id);
            if (!row) return row.take_error();
            if (!*row) return Ok();
            UserRow& u = **row;
            auto user = Decrypt(u);
            if (!user) return user.take_error();
            const std::string index = d_.cipher.BlindIndex("email", user->email);
            if (d_.cipher.IsStale(u.email_enc) || u.email_index != index) {
                if (auto r = repo_.UpdateEmail(s, id, d_.cipher.Encrypt(user->email, EmailAd(id)), index, u.updated_at);
                    !r) {
                    return r;
                }
                ++changed;
            }
            if (u.display_name_enc && d_.cipher.IsStale(*u.display_name_enc)) {
                if (auto r = repo_.UpdateProfile(s, id, d_.cipher.Encrypt(*user->display_name, NameAd(id)), u.locale,
                                                 u.avatar_url, u.updated_at);
                    !r) {
                    return r;
                }
                ++changed;
            }
            auto identities = repo_.ListIdentities(s, id);
            if (!identities) return identities.take_error();
            for (const auto& ident : *identities) {
                auto subject = d_.cipher.Decrypt(ident.subject_enc, SubjectAd(ident.provider, id));
                if (!subject)
                    return MakeError(ErrorCode::kInvalidArgument, "OAuth identity: " + subject.error().message);
                const std::string new_index = d_.cipher.BlindIndex("oauth-subject", ident.provider + ":" + *subject);
                if (new_index == ident.subject_index && !d_.cipher.IsStale(ident.subject_enc)) continue;
                if (auto r = repo_.UpdateIdentity(s, ident.provider, ident.subject_index, new_index,
                                                  d_.cipher.Encrypt(*subject, SubjectAd(ident.provider, id)));
                    !r) {
                    return r;
                }
                ++changed;
            }
            return Ok();
        });
        if (!w) return w.take_error();
    }
    auto keys = d_.keys.ReEncrypt();
    if (!keys) return keys.take_error();
    return changed + *keys;
}

Result<json::object> AuthService::Purge(std::optional<TimePoint> unverified_before, TimePoint sessions_ended_before) {
    json::object out;
    std::vector<std::string> stale;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        const std::string now = Now();
        auto sessions = repo_.PurgeSessions(s, FormatTime(sessions_ended_before));
        if (!sessions) return sessions.take_error();
        auto tokens = repo_.PurgeUserTokens(s, now);
        if (!tokens) return tokens.take_error();
        auto throttle = repo_.PurgeThrottle(s, FormatTime(d_.clock.Now() - std::chrono::hours(24)));
        if (!throttle) return throttle.take_error();
        auto states = repo_.PurgeOAuthStates(s, now);
        if (!states) return states.take_error();
        out["sessions"] = *sessions;
        out["mailed_tokens"] = *tokens;
        out["throttle_entries"] = *throttle;
        out["oauth_states"] = *states;
        if (unverified_before) {
            auto ids = repo_.StaleUnverifiedUsers(s, FormatTime(*unverified_before));
            if (!ids) return ids.take_error();
            stale = std::move(*ids);
        }
        return Ok();
    });
    if (!w) return w.take_error();
    out["unverified_accounts"] = json::array(stale.begin(), stale.end());
    return out;
}

}  // namespace dihya::auth
