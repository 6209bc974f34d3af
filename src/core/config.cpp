#include "core/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <yaml-cpp/yaml.h>

extern char** environ;  // NOLINT

namespace dihya {

namespace {

/// A raw value with the place it came from, for error messages.
struct RawValue {
    std::vector<std::string> items;  // one item for scalars
    bool is_list = false;
    std::string origin;    // "file.yaml:12", "DIHYA_LISTEN", "--listen"
    std::string wildcard;  // the name matched by `*` in keys such as oauth.*.client_id
};

using Setter = std::function<std::optional<std::string>(Config&, const RawValue&)>;

std::optional<std::int64_t> ParseInt(const std::string& s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || p != end) return std::nullopt;
    return v;
}

template <class Member>
Setter IntSetter(Member member, std::int64_t min, std::int64_t max) {
    return [member, min, max](Config& c, const RawValue& raw) -> std::optional<std::string> {
        if (raw.is_list) return "must be a number, not a list";
        auto v = ParseInt(raw.items[0]);
        if (!v || *v < min || *v > max) {
            return "must be an integer between " + std::to_string(min) + " and " + std::to_string(max);
        }
        member(c) = *v;
        return std::nullopt;
    };
}

std::optional<bool> ParseBool(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "0" || s == "no" || s == "off") return false;
    return std::nullopt;
}

std::optional<std::string> SetListen(Config& c, const RawValue& raw) {
    if (raw.is_list) return "must be HOST:PORT";
    const std::string& s = raw.items[0];
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0) return "must be HOST:PORT, e.g. 127.0.0.1:8080";
    std::string host = s.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port = ParseInt(s.substr(colon + 1));
    if (!port || *port < 0 || *port > 65535) return "port must be between 0 and 65535";
    c.listen_host = host;
    c.listen_port = static_cast<std::uint16_t>(*port);
    return std::nullopt;
}

std::optional<std::string> SetString(std::string Config::*member, Config& c, const RawValue& raw, bool allow_empty) {
    if (raw.is_list) return "must be a string";
    if (!allow_empty && raw.items[0].empty()) return "must not be empty";
    c.*member = raw.items[0];
    return std::nullopt;
}

std::optional<std::string> SetString(std::string& member, const RawValue& raw, bool allow_empty) {
    if (raw.is_list) return "must be a string";
    if (!allow_empty && raw.items[0].empty()) return "must not be empty";
    member = raw.items[0];
    return std::nullopt;
}

bool IsHexKey(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isxdigit(ch) != 0; });
}

/// The provider named `name`, created on first mention (in the order providers are first named).
OAuthProviderConfig& Provider(Config& c, const std::string& name) {
    for (auto& p : c.oauth) {
        if (p.name == name) return p;
    }
    c.oauth.push_back(OAuthProviderConfig{.name = name});
    return c.oauth.back();
}

std::vector<std::string> SplitList(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) {
        std::size_t pos = 0;  // env/flags give a comma- or space-separated list
        while (pos <= item.size()) {
            auto end = item.find_first_of(", ", pos);
            if (end == std::string::npos) end = item.size();
            if (end > pos) out.push_back(item.substr(pos, end - pos));
            pos = end + 1;
        }
    }
    return out;
}

struct KeyInfo {
    std::string key;
    std::string description;
    Setter set;
};

const std::vector<KeyInfo>& Keys() {
    static const std::vector<KeyInfo> keys = [] {
        std::vector<KeyInfo> k;
        auto str = [](std::string Config::*m, bool allow_empty) {
            return [m, allow_empty](Config& c, const RawValue& r) { return SetString(m, c, r, allow_empty); };
        };
        k.push_back({"listen", "HOST:PORT to listen on (port 0 picks a free port)", SetListen});
        k.push_back(
            {"data_dir", "directory for the SQLite database and generated files", str(&Config::data_dir, false)});
        k.push_back({"database_url", "sqlite://PATH or postgresql://user:pass@host:port/db",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be a URL";
                         const std::string& u = r.items[0];
                         if (!u.empty() && u.rfind("sqlite:", 0) != 0 && u.rfind("postgresql://", 0) != 0 &&
                             u.rfind("postgres://", 0) != 0) {
                             return "must start with sqlite: or postgresql://";
                         }
                         c.database_url = u;
                         return std::nullopt;
                     }});
        k.push_back({"secret", "server secret (≥ 32 characters); required unless --dev",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be a string";
                         if (!r.items[0].empty() && r.items[0].size() < 32) return "must be at least 32 characters";
                         c.secret = r.items[0];
                         return std::nullopt;
                     }});
        k.push_back({"dev", "development mode: generates a secret when none is set",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         auto b = r.is_list ? std::nullopt : ParseBool(r.items[0]);
                         if (!b) return "must be true or false";
                         c.dev = *b;
                         return std::nullopt;
                     }});
        k.push_back({"io_threads", "number of I/O threads (0 = number of cores)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.io_threads; }, 0, 256)});
        k.push_back({"web_dir", "directory of the static pages (docs)", str(&Config::web_dir, false)});
        k.push_back({"assets_dir", "directory of the npm assets (swagger-ui-dist)", str(&Config::assets_dir, false)});
        k.push_back(
            {"packs_dir", "directory of the template packs (stacks/<name>/pack.yaml)", str(&Config::packs_dir, false)});
        k.push_back({"tls.cert_file", "PEM certificate chain: serve HTTPS (with tls.key_file)",
                     str(&Config::tls_cert_file, true)});
        k.push_back({"tls.key_file", "PEM private key for tls.cert_file", str(&Config::tls_key_file, true)});
        auto lim = [&](const char* name, std::int64_t LimitsConfig::*m, std::int64_t min, std::int64_t max,
                       const char* desc) {
            k.push_back({std::string("limits.") + name, desc,
                         IntSetter([m](Config& c) -> std::int64_t& { return c.limits.*m; }, min, max)});
        };
        lim("max_header_bytes", &LimitsConfig::max_header_bytes, 1024, 1 << 20, "largest request header block (431)");
        lim("max_body_bytes", &LimitsConfig::max_body_bytes, 1, std::int64_t{1} << 32, "largest request body (413)");
        lim("header_timeout_ms", &LimitsConfig::header_timeout_ms, 10, 600'000, "time to receive the headers");
        lim("body_timeout_ms", &LimitsConfig::body_timeout_ms, 10, 3'600'000, "time to receive the body");
        lim("idle_timeout_ms", &LimitsConfig::idle_timeout_ms, 10, 3'600'000, "keep-alive idle time");
        lim("max_connections", &LimitsConfig::max_connections, 1, 1'000'000, "open connections in all");
        lim("max_connections_per_ip", &LimitsConfig::max_connections_per_ip, 1, 1'000'000, "per client address");
        lim("shutdown_grace_ms", &LimitsConfig::shutdown_grace_ms, 0, 600'000, "time given to in-flight requests");
        lim("compute_threads", &LimitsConfig::compute_threads, 0, 256,
            "threads for analysis, generation and archives (0 = half the cores)");
        lim("compute_queue", &LimitsConfig::compute_queue, 0, 100'000,
            "heavy requests allowed to wait for those threads before 503 (0 = 8 per thread)");
        lim("auth_threads", &LimitsConfig::auth_threads, 0, 256, "threads for password hashing (0 = the cores)");
        lim("analyze_budget_ms", &LimitsConfig::analyze_budget_ms, 100, 600'000,
            "longest analysis of free text per request (504 past it)");
        auto boolean = [](auto member) {
            return [member](Config& c, const RawValue& r) -> std::optional<std::string> {
                auto b = r.is_list ? std::nullopt : ParseBool(r.items[0]);
                if (!b) return "must be true or false";
                member(c) = *b;
                return std::nullopt;
            };
        };
        k.push_back({"rate_limit.enabled", "per-IP token bucket on /api routes",
                     boolean([](Config& c) -> bool& { return c.rate_limit.enabled; })});
        k.push_back({"rate_limit.requests_per_second", "refill rate of the bucket",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be a number";
                         char* end = nullptr;
                         const double v = std::strtod(r.items[0].c_str(), &end);
                         if (r.items[0].empty() || *end != '\0' || !(v > 0) || v > 1e6) {
                             return "must be a number greater than 0";
                         }
                         c.rate_limit.requests_per_second = v;
                         return std::nullopt;
                     }});
        k.push_back({"rate_limit.shared", "on PostgreSQL, every node counts a client's requests in one bucket",
                     boolean([](Config& c) -> bool& { return c.rate_limit.shared; })});
        k.push_back({"rate_limit.burst", "bucket size",
                     IntSetter([](Config& c) -> std::int64_t& { return c.rate_limit.burst; }, 1, 1'000'000)});
        k.push_back({"compression.enabled", "gzip and Brotli for GET answers over compression.min_bytes",
                     boolean([](Config& c) -> bool& { return c.compression.enabled; })});
        k.push_back({"compression.min_bytes", "smallest body compressed",
                     IntSetter([](Config& c) -> std::int64_t& { return c.compression.min_bytes; }, 0, 1 << 30)});
        k.push_back({"compression.gzip_level", "gzip level of answers compressed per request (1-9)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.compression.gzip_level; }, 1, 9)});
        k.push_back({"compression.brotli_quality", "Brotli quality of answers compressed per request (0-11)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.compression.brotli_quality; }, 0, 11)});
        k.push_back({"compression.cache_bytes", "memory kept for compressed static files, docs and catalog",
                     IntSetter([](Config& c) -> std::int64_t& { return c.compression.cache_bytes; }, 0,
                               std::int64_t{1} << 32)});
        k.push_back({"cors.allowed_origins", "origins allowed to call the API from a browser (list)",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         std::vector<std::string> origins;
                         for (const auto& item : r.items) {
                             // env/flags give a comma-separated list
                             std::size_t pos = 0;
                             while (pos <= item.size()) {
                                 auto comma = item.find(',', pos);
                                 if (comma == std::string::npos) comma = item.size();
                                 std::string o = item.substr(pos, comma - pos);
                                 o.erase(0, o.find_first_not_of(' '));
                                 o.erase(o.find_last_not_of(' ') + 1);
                                 if (!o.empty()) {
                                     if (o != "*" && o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0) {
                                         return "origin '" + o + "' must start with http:// or https://";
                                     }
                                     if (o.back() == '/') return "origin '" + o + "' must not end with /";
                                     origins.push_back(o);
                                 }
                                 pos = comma + 1;
                             }
                         }
                         c.cors.allowed_origins = std::move(origins);
                         return std::nullopt;
                     }});
        k.push_back({"trusted_proxies",
                     "reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client (list)",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         c.trusted_proxies = SplitList(r.items);
                         return std::nullopt;
                     }});
        k.push_back({"public_url", "external base URL (links in mail, OAuth redirect URIs); default http://<listen>",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be a URL";
                         const std::string& u = r.items[0];
                         if (!u.empty() && u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
                             return "must start with http:// or https://";
                         }
                         c.public_url = u;
                         return std::nullopt;
                     }});
        auto auth_int = [&](const char* name, std::int64_t AuthConfig::*m, std::int64_t min, std::int64_t max,
                            const char* desc) {
            k.push_back({std::string("auth.") + name, desc,
                         IntSetter([m](Config& c) -> std::int64_t& { return c.auth.*m; }, min, max)});
        };
        auth_int("access_ttl_seconds", &AuthConfig::access_ttl_seconds, 1, 86400, "lifetime of access tokens");
        auth_int("refresh_ttl_seconds", &AuthConfig::refresh_ttl_seconds, 300, 366 * 86400,
                 "lifetime of a login session (refresh tokens)");
        auth_int("signing_key_rotation_seconds", &AuthConfig::signing_key_rotation_seconds, 60, 366 * 86400,
                 "age at which the token signing key is replaced (old keys verify until their tokens expire)");
        auth_int("argon2_ops_limit", &AuthConfig::argon2_ops_limit, 1, 20, "Argon2id passes (time cost)");
        auth_int("argon2_memory_kib", &AuthConfig::argon2_memory_kib, 8, 4 * 1024 * 1024, "Argon2id memory (KiB)");
        auth_int("verify_token_ttl_seconds", &AuthConfig::verify_token_ttl_seconds, 60, 30 * 86400,
                 "lifetime of an email verification link");
        auth_int("reset_token_ttl_seconds", &AuthConfig::reset_token_ttl_seconds, 60, 7 * 86400,
                 "lifetime of a password reset link");
        auth_int("throttle_free_failures", &AuthConfig::throttle_free_failures, 1, 1000,
                 "failed logins of one client on one account before back-off starts");
        auth_int("throttle_base_delay_ms", &AuthConfig::throttle_base_delay_ms, 1, 3'600'000,
                 "first back-off after a failed login; doubles with each further failure");
        auth_int("throttle_lock_after", &AuthConfig::throttle_lock_after, 1, 10'000,
                 "failed logins of one client on one account that lock that client out of it a while");
        auth_int("throttle_lock_seconds", &AuthConfig::throttle_lock_seconds, 1, 7 * 86400, "length of that lock");
        auth_int("throttle_ip_free_failures", &AuthConfig::throttle_ip_free_failures, 1, 100'000,
                 "failed logins from one client address before back-off starts");
        k.push_back({"auth.allow_registration", "anyone may create an account (POST /api/v1/auth/register)",
                     boolean([](Config& c) -> bool& { return c.auth.allow_registration; })});
        k.push_back({"auth.require_verified_email", "refuse logins until the email address is verified",
                     boolean([](Config& c) -> bool& { return c.auth.require_verified_email; })});
        k.push_back({"mail.smtp_url",
                     "smtp://host:port or smtps://host:port (empty: mail is written to <data_dir>/outbox instead)",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be a URL";
                         const std::string& u = r.items[0];
                         if (!u.empty() && u.rfind("smtp://", 0) != 0 && u.rfind("smtps://", 0) != 0) {
                             return "must start with smtp:// or smtps://";
                         }
                         c.mail.smtp_url = u;
                         return std::nullopt;
                     }});
        k.push_back({"mail.from", "sender address, e.g. \"Dihya <no-reply@example.org>\"",
                     [](Config& c, const RawValue& r) { return SetString(c.mail.from, r, false); }});
        k.push_back({"mail.username", "SMTP user name",
                     [](Config& c, const RawValue& r) { return SetString(c.mail.username, r, true); }});
        k.push_back({"mail.password", "SMTP password",
                     [](Config& c, const RawValue& r) { return SetString(c.mail.password, r, true); }});
        k.push_back({"mail.starttls", "require STARTTLS on smtp:// URLs",
                     boolean([](Config& c) -> bool& { return c.mail.starttls; })});
        k.push_back({"mail.outbox_days", "without mail.smtp_url: days the mail copies in <data_dir>/outbox are kept",
                     IntSetter([](Config& c) -> std::int64_t& { return c.mail.outbox_days; }, 1, 365)});
        k.push_back({"mail.retry_base_ms", "first wait before retrying mail the SMTP server did not take (doubles)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.mail.retry_base_ms; }, 10, 86'400'000)});
        k.push_back({"mail.retry_max_ms", "longest wait between two attempts at one mail",
                     IntSetter([](Config& c) -> std::int64_t& { return c.mail.retry_max_ms; }, 10, 7 * 86'400'000LL)});
        k.push_back({"mail.max_attempts", "attempts at one mail before giving up (logged)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.mail.max_attempts; }, 1, 1000)});
        k.push_back({"push.retry_base_ms", "first wait before retrying a push the push service did not take (doubles)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.push.retry_base_ms; }, 10, 86'400'000)});
        k.push_back({"push.retry_max_ms", "longest wait between two attempts at one push",
                     IntSetter([](Config& c) -> std::int64_t& { return c.push.retry_max_ms; }, 10, 7 * 86'400'000LL)});
        k.push_back({"push.max_attempts", "attempts at one push before giving up (logged)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.push.max_attempts; }, 1, 1000)});
        k.push_back({"encryption.key",
                     "64 hex characters: key for personal data at rest (default: derived from the secret)",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be 64 hexadecimal characters";
                         if (!r.items[0].empty() && !IsHexKey(r.items[0])) return "must be 64 hexadecimal characters";
                         c.encryption.key = r.items[0];
                         return std::nullopt;
                     }});
        k.push_back({"encryption.previous_keys", "older keys (list) that still decrypt until `dihya keys rotate`",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         std::vector<std::string> keys = SplitList(r.items);
                         for (const auto& key : keys) {
                             if (!IsHexKey(key)) return "each key must be 64 hexadecimal characters";
                         }
                         if (keys.size() > 2)
                             return "at most two previous keys (run dihya keys rotate, then drop them)";
                         c.encryption.previous_keys = std::move(keys);
                         return std::nullopt;
                     }});
        k.push_back({"analyze.llm_url",
                     "OpenAI-compatible API base URL for the language-model analysis engine (empty: rules only)",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list) return "must be a URL";
                         const std::string& u = r.items[0];
                         if (!u.empty() && u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
                             return "must start with http:// or https://";
                         }
                         c.analyze.llm_url = u;
                         return std::nullopt;
                     }});
        k.push_back({"analyze.llm_model", "model name sent to that API",
                     [](Config& c, const RawValue& r) { return SetString(c.analyze.llm_model, r, false); }});
        k.push_back({"analyze.llm_api_key", "API key for that API (sent as a bearer token; never logged)",
                     [](Config& c, const RawValue& r) { return SetString(c.analyze.llm_api_key, r, true); }});
        k.push_back({"analyze.llm_timeout_ms", "longest wait for its answer before the rules answer instead",
                     IntSetter([](Config& c) -> std::int64_t& { return c.analyze.llm_timeout_ms; }, 100, 600'000)});
        auto rt = [&](const char* name, std::int64_t RealtimeConfig::*m, std::int64_t min, std::int64_t max,
                      const char* desc) {
            k.push_back({std::string("realtime.") + name, desc,
                         IntSetter([m](Config& c) -> std::int64_t& { return c.realtime.*m; }, min, max)});
        };
        rt("heartbeat_ms", &RealtimeConfig::heartbeat_ms, 50, 600'000,
           "quiet time before a heartbeat on live connections (SSE comment, WebSocket ping)");
        rt("send_queue", &RealtimeConfig::send_queue, 1, 1'000'000,
           "messages waiting for a slow live client before its connection is closed");
        rt("event_log", &RealtimeConfig::event_log, 0, 10'000'000, "recent events kept for Last-Event-ID resumption");
        rt("max_message_bytes", &RealtimeConfig::max_message_bytes, 256, 16 << 20,
           "largest message a WebSocket client may send");
        rt("collab_max_bytes", &RealtimeConfig::collab_max_bytes, 4096, 256 << 20,
           "most bytes a collaborative document may take (its stored history included)");
        rt("collab_compact_bytes", &RealtimeConfig::collab_compact_bytes, 1024, 256 << 20,
           "stored updates of a collaborative document past which they are merged into one");
        rt("collab_max_peers", &RealtimeConfig::collab_max_peers, 1, 10'000,
           "most connections editing one collaborative document at once");
        auto gq = [&](const char* name, std::int64_t GraphqlConfig::*m, std::int64_t min, std::int64_t max,
                      const char* desc) {
            k.push_back({std::string("graphql.") + name, desc,
                         IntSetter([m](Config& c) -> std::int64_t& { return c.graphql.*m; }, min, max)});
        };
        gq("max_depth", &GraphqlConfig::max_depth, 1, 100, "deepest nesting of fields a GraphQL request may select");
        gq("max_cost", &GraphqlConfig::max_cost, 1, 100'000'000,
           "highest cost of a GraphQL request (fields, connections multiplying by their page size)");
        gq("max_fields", &GraphqlConfig::max_fields, 1, 1'000'000,
           "most fields a GraphQL request may select, fragments expanded");
        k.push_back({"gdpr.policy_version", "version of the privacy policy users consent to",
                     [](Config& c, const RawValue& r) { return SetString(c.gdpr.policy_version, r, false); }});
        auto gdpr_int = [&](const char* name, std::int64_t GdprConfig::*m, std::int64_t min, std::int64_t max,
                            const char* desc) {
            k.push_back({std::string("gdpr.") + name, desc,
                         IntSetter([m](Config& c) -> std::int64_t& { return c.gdpr.*m; }, min, max)});
        };
        gdpr_int("unverified_account_days", &GdprConfig::unverified_account_days, 0, 3650,
                 "delete accounts whose email was never verified after this many days (0 = keep)");
        gdpr_int("export_days", &GdprConfig::export_days, 1, 365, "delete personal-data export archives after");
        gdpr_int("session_days_after_expiry", &GdprConfig::session_days_after_expiry, 0, 365,
                 "delete ended login sessions this many days after they end");
        auto oauth = [&](const char* field, std::string OAuthProviderConfig::*m, const char* desc) {
            k.push_back({std::string("oauth.*.") + field, desc,
                         [m](Config& c, const RawValue& r) { return SetString(Provider(c, r.wildcard).*m, r, true); }});
        };
        oauth("kind", &OAuthProviderConfig::kind, "github | google | oidc (default: from the provider's name)");
        oauth("title", &OAuthProviderConfig::title, "name shown on the login button");
        oauth("client_id", &OAuthProviderConfig::client_id, "OAuth client id");
        oauth("client_secret", &OAuthProviderConfig::client_secret, "OAuth client secret");
        oauth("issuer", &OAuthProviderConfig::issuer, "OpenID Connect issuer (discovery document under it)");
        oauth("authorization_endpoint", &OAuthProviderConfig::authorization_endpoint, "overrides the discovered one");
        oauth("token_endpoint", &OAuthProviderConfig::token_endpoint, "overrides the discovered one");
        oauth("userinfo_endpoint", &OAuthProviderConfig::userinfo_endpoint, "overrides the discovered one");
        oauth("api_url", &OAuthProviderConfig::api_url, "GitHub API base URL (GitHub Enterprise, tests)");
        k.push_back({"oauth.*.scopes", "scopes to ask for (list)", [](Config& c, const RawValue& r) {
                         Provider(c, r.wildcard).scopes = SplitList(r.items);
                         return std::optional<std::string>();
                     }});
        k.push_back({"jobs.workers", "background job workers of this node (0: it runs none, other nodes do)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.jobs.workers; }, 0, 64)});
        k.push_back({"jobs.lease_seconds", "a job whose node stopped answering is taken over by another after this",
                     IntSetter([](Config& c) -> std::int64_t& { return c.jobs.lease_seconds; }, 2, 3600)});
        k.push_back({"jobs.poll_ms", "how often idle workers look for jobs queued by other nodes",
                     IntSetter([](Config& c) -> std::int64_t& { return c.jobs.poll_ms; }, 50, 60'000)});
        k.push_back({"schedule.*.cron",
                     "when a scheduled job runs: five cron fields or @hourly/@daily/@weekly/@monthly (job names in "
                     "docs/operations.md)",
                     [](Config& c, const RawValue& r) { return SetString(c.schedules[r.wildcard].cron, r, false); }});
        k.push_back(
            {"schedule.*.time_zone", "the time zone of that job's cron expression (IANA name; default UTC)",
             [](Config& c, const RawValue& r) { return SetString(c.schedules[r.wildcard].time_zone, r, false); }});
        k.push_back({"backup.dir", "where scheduled backups are kept (default <data_dir>/backups)",
                     [](Config& c, const RawValue& r) { return SetString(c.backup.dir, r, false); }});
        k.push_back({"backup.keep", "scheduled backups kept (older ones are deleted)",
                     IntSetter([](Config& c) -> std::int64_t& { return c.backup.keep; }, 1, 10'000)});
        k.push_back({"backup.key", "64 hex characters encrypting backups (default: derived from the secret)",
                     [](Config& c, const RawValue& r) { return SetString(c.backup.key, r, true); }});
        k.push_back({"log.level", "debug | info | warn | error",
                     [](Config& c, const RawValue& r) -> std::optional<std::string> {
                         if (r.is_list || !ParseLogLevel(r.items[0], c.log_level)) {
                             return "must be one of debug, info, warn, error";
                         }
                         return std::nullopt;
                     }});
        return k;
    }();
    return keys;
}

/// The key, or the pattern it matches: `oauth.github.client_id` matches `oauth.*.client_id` (wildcard "github").
const KeyInfo* FindKey(const std::string& key, std::string* wildcard = nullptr) {
    for (const auto& k : Keys()) {
        if (k.key == key) return &k;
    }
    const auto first = key.find('.');
    const auto second = first == std::string::npos ? std::string::npos : key.find('.', first + 1);
    if (second == std::string::npos || second == first + 1) return nullptr;
    const std::string pattern = key.substr(0, first + 1) + "*" + key.substr(second);
    for (const auto& k : Keys()) {
        if (k.key == pattern) {
            if (wildcard != nullptr) *wildcard = key.substr(first + 1, second - first - 1);
            return &k;
        }
    }
    return nullptr;
}

Error BadKey(const std::string& origin, const std::string& key, const std::string& reason) {
    return MakeError(ErrorCode::kInvalidArgument, origin + ": " + key + ": " + reason, {{key, reason}});
}

Result<void> Apply(Config& c, const std::string& key, const RawValue& raw) {
    RawValue value = raw;
    const KeyInfo* info = FindKey(key, &value.wildcard);
    if (info == nullptr) return BadKey(raw.origin, key, "unknown configuration key");
    if (!value.wildcard.empty() && !std::all_of(value.wildcard.begin(), value.wildcard.end(), [](unsigned char ch) {
            return std::islower(ch) != 0 || std::isdigit(ch) != 0 || ch == '-' || ch == '_';
        })) {
        return BadKey(raw.origin, key, "names may use only a-z, 0-9, - and _");
    }
    if (auto err = info->set(c, value)) return BadKey(raw.origin, key, *err);
    return Ok();
}

Result<void> ApplyYaml(Config& c, const YAML::Node& node, const std::string& prefix, const std::string& file) {
    for (const auto& kv : node) {
        const std::string key = prefix + kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        const std::string origin = file + ":" + std::to_string(kv.first.Mark().line + 1);
        if (v.IsMap()) {
            if (auto r = ApplyYaml(c, v, key + ".", file); !r) return r;
            continue;
        }
        RawValue raw;
        raw.origin = origin;
        if (v.IsSequence()) {
            raw.is_list = true;
            for (const auto& item : v) {
                if (!item.IsScalar()) return BadKey(origin, key, "list items must be scalars");
                raw.items.push_back(item.Scalar());
            }
        } else if (v.IsNull()) {
            raw.items.push_back("");
        } else {
            raw.items.push_back(v.Scalar());
        }
        if (auto r = Apply(c, key, raw); !r) return r;
    }
    return Ok();
}

std::optional<std::string> DefaultGetenv(const std::string& name) {
    const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): start-up only
    if (v == nullptr) return std::nullopt;
    return std::string(v);
}

std::vector<std::string> EnvNames() {
    std::vector<std::string> names;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry(*e);
        if (entry.rfind("DIHYA_", 0) != 0) continue;
        names.push_back(entry.substr(0, entry.find('=')));
    }
    return names;
}

/// DIHYA_LIMITS__MAX_BODY_BYTES → limits.max_body_bytes
std::string EnvToKey(const std::string& name) {
    std::string key;
    const std::string rest = name.substr(6);
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '_' && i + 1 < rest.size() && rest[i + 1] == '_') {
            key += '.';
            ++i;
            continue;
        }
        key += static_cast<char>(std::tolower(static_cast<unsigned char>(rest[i])));
    }
    return key;
}

Result<void> CheckProviders(Config& c) {
    for (auto& p : c.oauth) {
        const std::string at = "oauth." + p.name + ".";
        if (p.kind.empty()) p.kind = p.name == "github" || p.name == "google" ? p.name : "oidc";
        if (p.kind != "github" && p.kind != "google" && p.kind != "oidc") {
            return MakeError(ErrorCode::kInvalidArgument, at + "kind: must be github, google or oidc",
                             {{at + "kind", "must be github, google or oidc"}});
        }
        for (const auto& [field, value] : {std::pair<std::string, const std::string*>{"client_id", &p.client_id},
                                           {"client_secret", &p.client_secret}}) {
            if (value->empty()) {
                return MakeError(ErrorCode::kInvalidArgument, at + field + ": is required for an OAuth provider",
                                 {{at + field, "is required"}});
            }
        }
        if (p.kind == "google" && p.issuer.empty()) p.issuer = "https://accounts.google.com";
        if (p.kind == "github") {
            if (p.authorization_endpoint.empty()) p.authorization_endpoint = "https://github.com/login/oauth/authorize";
            if (p.token_endpoint.empty()) p.token_endpoint = "https://github.com/login/oauth/access_token";
            if (p.api_url.empty()) p.api_url = "https://api.github.com";
            if (p.scopes.empty()) p.scopes = {"read:user", "user:email"};
        } else {
            if (p.issuer.empty()) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 at + "issuer: is required for an OpenID Connect provider (discovery URL base)",
                                 {{at + "issuer", "is required"}});
            }
            if (p.scopes.empty()) p.scopes = {"openid", "email", "profile"};
        }
        if (p.title.empty()) {
            p.title = p.kind == "github" ? "GitHub" : p.kind == "google" ? "Google" : p.name;
        }
    }
    return Ok();
}

}  // namespace

std::string_view SourceDir() {
    return DIHYA_SOURCE_DIR;
}

std::string Config::EffectiveDatabaseUrl() const {
    if (!database_url.empty()) return database_url;
    return "sqlite://" + (std::filesystem::path(data_dir) / "dihya.db").string();
}

Result<Config> LoadConfig(const ConfigSources& sources) {
    Config c;
    c.web_dir = std::string(SourceDir()) + "/web";
    c.assets_dir = std::string(SourceDir()) + "/node_modules";
    c.packs_dir = std::string(SourceDir()) + "/packs";

    if (sources.config_file) {
        const std::string& file = *sources.config_file;
        std::ifstream in(file);
        if (!in) return MakeError(ErrorCode::kInvalidArgument, file + ": cannot read the configuration file");
        YAML::Node root;
        try {
            root = YAML::Load(in);
        } catch (const YAML::Exception& e) {
            return MakeError(ErrorCode::kInvalidArgument,
                             file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
        }
        if (!root.IsNull()) {
            if (!root.IsMap()) return MakeError(ErrorCode::kInvalidArgument, file + ":1: the top level must be a map");
            try {
                if (auto r = ApplyYaml(c, root, "", file); !r) return r.take_error();
            } catch (const YAML::Exception& e) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
            }
        }
    }

    auto getenv = sources.getenv ? sources.getenv : DefaultGetenv;
    const std::vector<std::string> names = sources.env_names ? *sources.env_names : EnvNames();
    for (const auto& name : names) {
        if (name.rfind("DIHYA_", 0) != 0) continue;
        const std::string key = EnvToKey(name);
        if (FindKey(key) == nullptr) continue;  // other DIHYA_* variables belong to tools and tests
        auto value = getenv(name);
        if (!value) continue;
        if (auto r = Apply(c, key, RawValue{{*value}, false, name}); !r) return r.take_error();
    }

    for (const auto& [key, value] : sources.flags) {
        std::string flag = "--" + key;
        std::replace(flag.begin(), flag.end(), '_', '-');
        if (auto r = Apply(c, key, RawValue{{value}, false, flag}); !r) return r.take_error();
    }
    if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
        const std::string missing = c.tls_cert_file.empty() ? "tls.cert_file" : "tls.key_file";
        return MakeError(
            ErrorCode::kInvalidArgument,
            missing + ": must be set together with " + (missing == "tls.cert_file" ? "tls.key_file" : "tls.cert_file"),
            {{missing, "required with the other TLS file"}});
    }
    if (auto r = CheckProviders(c); !r) return r.take_error();
    return c;
}

std::string Config::EffectivePublicUrl() const {
    std::string url = public_url;
    if (url.empty()) {
        const bool v6 = listen_host.find(':') != std::string::npos;
        url = std::string(tls_cert_file.empty() ? "http://" : "https://") +
              (v6 ? "[" + listen_host + "]" : listen_host) + ":" + std::to_string(listen_port);
    }
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

std::string Config::EffectiveBackupDir() const {
    return backup.dir.empty() ? (std::filesystem::path(data_dir) / "backups").string() : backup.dir;
}

const std::vector<std::pair<std::string, std::string>>& ConfigKeys() {
    static const std::vector<std::pair<std::string, std::string>> out = [] {
        std::vector<std::pair<std::string, std::string>> v;
        for (const auto& k : Keys()) v.emplace_back(k.key, k.description);
        return v;
    }();
    return out;
}

}  // namespace dihya
