#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "core/result.hpp"

namespace dihya {

struct LimitsConfig {
    std::int64_t max_header_bytes = 16 * 1024;
    std::int64_t max_body_bytes = 10 * 1024 * 1024;
    std::int64_t header_timeout_ms = 10'000;
    std::int64_t body_timeout_ms = 30'000;
    std::int64_t idle_timeout_ms = 60'000;
    std::int64_t max_connections = 10'000;
    std::int64_t max_connections_per_ip = 256;
    std::int64_t shutdown_grace_ms = 30'000;
    /// CPU-heavy requests (analysis, generation, archives) run on their own pool of this many threads at a lower
    /// CPU priority, so they never hold up sign-in or /healthz; 0 → half the cores (at least one).
    std::int64_t compute_threads = 0;
    /// Heavy requests waiting for that pool beyond this many get 503 + Retry-After; 0 → 8 per compute thread.
    std::int64_t compute_queue = 0;
    /// Password hashing (sign-in, registration, password changes) has its own pool; 0 → the number of cores.
    std::int64_t auth_threads = 0;
    /// Longest time one request may spend analysing free text (from its arrival); past it the analysis stops with
    /// 504. Analyses also stop when their client closes the connection.
    std::int64_t analyze_budget_ms = 5'000;
};

struct RateLimitConfig {
    bool enabled = true;
    double requests_per_second = 20;
    std::int64_t burst = 60;
    /// On PostgreSQL, one bucket per client for every node (a row per client, one statement per request).
    bool shared = true;
};

/// Response compression (gzip, Brotli) for clients that accept it: docs/performance.md, docs/security.md.
struct CompressionConfig {
    bool enabled = true;
    std::int64_t min_bytes = 1024;
    std::int64_t gzip_level = 5;
    std::int64_t brotli_quality = 4;
    std::int64_t cache_bytes = 16 * 1024 * 1024;
};

struct CorsConfig {
    std::vector<std::string> allowed_origins;
};

struct AuthConfig {
    std::int64_t access_ttl_seconds = 900;          // access JWT lifetime
    std::int64_t refresh_ttl_seconds = 30 * 86400;  // session (refresh-token family) lifetime
    std::int64_t signing_key_rotation_seconds = 7 * 86400;
    std::int64_t argon2_ops_limit = 2;
    std::int64_t argon2_memory_kib = 64 * 1024;
    bool allow_registration = true;
    bool require_verified_email = false;
    std::int64_t verify_token_ttl_seconds = 48 * 3600;
    std::int64_t reset_token_ttl_seconds = 3600;
    std::int64_t throttle_free_failures = 5;     // failures before back-off starts (per client and account)
    std::int64_t throttle_base_delay_ms = 1000;  // first back-off; doubles with each failure
    std::int64_t throttle_lock_after = 10;       // failures that lock that client out of that account a while
    std::int64_t throttle_lock_seconds = 900;
    std::int64_t throttle_ip_free_failures = 20;  // per client address (covers many accounts)
};

struct MailConfig {
    std::string smtp_url;  // smtp://host:port or smtps://host:port; empty → mail is logged as not sent
    std::string from = "Dihya <no-reply@localhost>";
    std::string username;
    std::string password;
    bool starttls = false;         // require STARTTLS on smtp://
    std::int64_t outbox_days = 7;  // without smtp_url: days the copies in <data_dir>/outbox are kept
    /// With smtp_url, mail waits in the database until the server accepts it: a failed attempt is retried after
    /// retry_base_ms, doubling each time up to retry_max_ms, max_attempts in all.
    std::int64_t retry_base_ms = 2'000;
    std::int64_t retry_max_ms = 3'600'000;
    std::int64_t max_attempts = 12;
};

/// Web Push deliveries wait in the database until the push service accepts them (as mail does with smtp_url).
struct PushConfig {
    std::int64_t retry_base_ms = 2'000;
    std::int64_t retry_max_ms = 3'600'000;
    std::int64_t max_attempts = 12;
};

struct EncryptionConfig {
    std::string key;                         // 64 hex characters; empty → derived from `secret`
    std::vector<std::string> previous_keys;  // still decrypt; `dihya keys rotate` re-encrypts under `key`
};

/// One OAuth2 / OpenID Connect login provider (`oauth.<name>.*`).
struct OAuthProviderConfig {
    std::string name;
    std::string kind;  // github | google | oidc (default: the name when it is github or google, else oidc)
    std::string title;
    std::string client_id;
    std::string client_secret;
    std::string issuer;                  // OIDC: discovery at <issuer>/.well-known/openid-configuration
    std::string authorization_endpoint;  // overrides (GitHub has no discovery)
    std::string token_endpoint;
    std::string userinfo_endpoint;
    std::string api_url;  // GitHub API base (https://api.github.com)
    std::vector<std::string> scopes;
};

struct GdprConfig {
    std::string policy_version = "1";
    std::int64_t unverified_account_days = 30;   // purge accounts never verified after this many days (0 = never)
    std::int64_t export_days = 7;                // delete export archives after this many days
    std::int64_t session_days_after_expiry = 7;  // delete ended sessions this long after they end
};

/// The optional language-model analysis engine (an OpenAI-compatible chat-completions API).
struct AnalyzeConfig {
    std::string llm_url;  // e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1; empty: rules only
    std::string llm_model = "gpt-4o-mini";
    std::string llm_api_key;
    std::int64_t llm_timeout_ms = 20'000;
};

/// The realtime hub: WebSocket at /api/v1/ws and server-sent events at /api/v1/events (docs/realtime.md).
struct RealtimeConfig {
    /// Quiet time after which a live connection gets a heartbeat (SSE comment, WebSocket ping); a WebSocket that
    /// answers nothing for two of them is closed, and one that has not authenticated by the first is too.
    std::int64_t heartbeat_ms = 15'000;
    /// Messages waiting for a slow client; one more closes its connection (WebSocket close code 4008).
    std::int64_t send_queue = 256;
    /// Recent events kept for Last-Event-ID resumption.
    std::int64_t event_log = 1024;
    /// Largest message a WebSocket client may send.
    std::int64_t max_message_bytes = 64 * 1024;
    /// Collaborative documents (/api/v1/collab/{id}): the most bytes one may take, stored history included (also
    /// the largest message a collaborating client may send) ...
    std::int64_t collab_max_bytes = 4 * 1024 * 1024;
    /// ... the stored updates past which they are replaced by their merge ...
    std::int64_t collab_compact_bytes = 256 * 1024;
    /// ... and the most connections editing one document at once.
    std::int64_t collab_max_peers = 32;
};

/// GraphQL at /graphql (docs/graphql.md): what one request may ask for.
struct GraphqlConfig {
    std::int64_t max_depth = 12;      // fields nested in fields (introspection's __ fields do not count)
    std::int64_t max_cost = 20'000;   // fields weighed, connections multiplying what is under them by their page
    std::int64_t max_fields = 2'000;  // fields selected, fragments expanded
};

/// This node's background workers (generations, exports, scheduled jobs), shared through the database by every node.
struct JobsConfig {
    std::int64_t workers = 2;         // 0: this node runs no jobs (it only serves; other nodes run what it queues)
    std::int64_t lease_seconds = 30;  // a job whose node died is taken over by another node after this
    std::int64_t poll_ms = 1000;      // how often idle workers look for jobs other nodes queued
};

/// A scheduled job's timing (docs/operations.md), replacing its built-in one: schedule.<job>.cron, .time_zone.
struct ScheduleConfig {
    std::string cron;       // five fields or @daily...; empty: the job's default
    std::string time_zone;  // IANA name; empty: the job's default (UTC)
};

/// Backups (`dihya backup`, the scheduled job "backup", /api/v1/admin/backups; docs/operations.md).
struct BackupConfig {
    std::string dir;        // where the scheduled job and the admin API keep them; default <data_dir>/backups
    std::int64_t keep = 7;  // the scheduled job keeps this many, deleting older ones
    std::string key;        // 64 hex characters; empty: derived from the secret
};

struct Config {
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::string data_dir = "./var";
    std::string database_url;  // empty → sqlite://<data_dir>/dihya.db
    std::string secret;
    bool dev = false;
    std::int64_t io_threads = 0;  // 0 → number of cores
    std::string web_dir;          // static pages (docs); default <source>/web
    std::string assets_dir;       // npm assets; default <source>/node_modules
    std::string packs_dir;        // template packs; default <source>/packs
    std::string tls_cert_file;    // PEM chain; with tls_key_file, the server speaks HTTPS only
    std::string tls_key_file;
    LimitsConfig limits;
    RateLimitConfig rate_limit;
    CompressionConfig compression;
    CorsConfig cors;
    LogLevel log_level = LogLevel::kInfo;
    /// Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges): requests from them count as
    /// coming from the client the header names (rate limits, sign-in throttling, logs, audit).
    std::vector<std::string> trusted_proxies;
    std::string public_url;  // external base URL for links in mail and OAuth redirects; default http://<listen>
    AuthConfig auth;
    MailConfig mail;
    EncryptionConfig encryption;
    std::vector<OAuthProviderConfig> oauth;
    GdprConfig gdpr;
    AnalyzeConfig analyze;
    RealtimeConfig realtime;
    GraphqlConfig graphql;
    PushConfig push;
    JobsConfig jobs;
    std::map<std::string, ScheduleConfig> schedules;  // by job name
    BackupConfig backup;

    std::string EffectiveDatabaseUrl() const;
    /// public_url without a trailing slash, or http(s)://<listen> when unset.
    std::string EffectivePublicUrl() const;
    /// backup.dir, or <data_dir>/backups when unset.
    std::string EffectiveBackupDir() const;
};

/// Where configuration comes from, lowest precedence first: defaults, YAML file, DIHYA_*
/// environment (nested keys with `__`, e.g. DIHYA_LIMITS__MAX_BODY_BYTES), then flags.
struct ConfigSources {
    std::optional<std::string> config_file;
    /// Flags already mapped to config keys, e.g. {"listen", "127.0.0.1:0"}, {"dev", "true"}.
    std::map<std::string, std::string> flags;
    /// Environment lookup; defaults to getenv.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    /// Environment variable names to consider (DIHYA_*); defaults to scanning environ.
    std::optional<std::vector<std::string>> env_names;
};

/// Loads and validates. Errors are kInvalidArgument with a message naming the source
/// (file:line, variable or flag), the key and the reason.
Result<Config> LoadConfig(const ConfigSources& sources);

/// The source tree this binary was built from: the default place of web/, packs/ and node_modules/ (and of test data).
std::string_view SourceDir();

/// Every key the loader knows, with a one-line description (for docs and `--help`).
const std::vector<std::pair<std::string, std::string>>& ConfigKeys();

}  // namespace dihya
