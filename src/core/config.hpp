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
};

struct RateLimitConfig {
    bool enabled = true;
    double requests_per_second = 20;
    std::int64_t burst = 60;
};

struct CorsConfig {
    std::vector<std::string> allowed_origins;
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
    CorsConfig cors;
    LogLevel log_level = LogLevel::kInfo;

    std::string EffectiveDatabaseUrl() const;
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

/// Every key the loader knows, with a one-line description (for docs and `--help`).
const std::vector<std::pair<std::string, std::string>>& ConfigKeys();

}  // namespace dihya
