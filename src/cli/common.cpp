#include "cli/common.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "core/files.hpp"
#include "core/ids.hpp"
#include "storage/migrations.hpp"

namespace dihya::cli {

/// Maps command-line options to configuration keys.
Result<Parsed> ParseOptions(const std::vector<std::string>& args, std::size_t from, bool allow_status,
                            const ExtraOptions& extra) {
    static const std::map<std::string, std::string> kValueFlags = {{"--listen", "listen"},
                                                                   {"--data-dir", "data_dir"},
                                                                   {"--database", "database_url"},
                                                                   {"--io-threads", "io_threads"},
                                                                   {"--log-level", "log.level"}};
    Parsed p;
    for (std::size_t i = from; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        auto value = [&]() -> Result<std::string> {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) return MakeError(ErrorCode::kInvalidArgument, arg + ": needs a value");
            return args[++i];
        };
        if (arg == "--dev") {
            p.flags["dev"] = "true";
        } else if (arg == "--status" && allow_status) {
            p.status = true;
        } else if (arg == "--config") {
            auto v = value();
            if (!v) return v.take_error();
            p.config_file = *v;
        } else if (auto it = kValueFlags.find(arg); it != kValueFlags.end()) {
            auto v = value();
            if (!v) return v.take_error();
            p.flags[it->second] = *v;
        } else if (arg.rfind("--", 0) == 0 && std::find(extra.with_value.begin(), extra.with_value.end(),
                                                        arg.substr(2)) != extra.with_value.end()) {
            auto v = value();
            if (!v) return v.take_error();
            p.extra[arg.substr(2)] = *v;
        } else if (arg.rfind("--", 0) == 0 && !inline_value &&
                   std::find(extra.switches.begin(), extra.switches.end(), arg.substr(2)) != extra.switches.end()) {
            p.switches.push_back(arg.substr(2));
        } else {
            return MakeError(ErrorCode::kInvalidArgument, "unknown option " + arg + " (see dihya help)");
        }
    }
    return p;
}

Result<Config> LoadFrom(const Parsed& p) {
    ConfigSources sources;
    sources.config_file = p.config_file;
    if (!sources.config_file) {
        if (const char* env = std::getenv("DIHYA_CONFIG")) sources.config_file = env;  // NOLINT
    }
    sources.flags = p.flags;
    return LoadConfig(sources);
}

Result<void> EnsureSecret(Config& config, std::string& note) {
    if (!config.secret.empty()) return Ok();
    if (!config.dev) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "DIHYA_SECRET is not set; set it to at least 32 random characters (e.g. `openssl rand -hex "
                         "32`), or run with --dev for a development secret");
    }
    // Kept beside the data, so signed-in sessions and encrypted personal data survive a restart in development.
    const auto file = std::filesystem::path(config.data_dir) / ".dev-secret";
    if (std::ifstream in(file); in) {
        std::string secret;
        std::getline(in, secret);
        if (secret.size() >= 32) {
            config.secret = secret;
            note = "using the development secret (--dev) kept in " + file.string();
            return Ok();
        }
    }
    if (auto dir = MakePrivateDir(config.data_dir); !dir) return dir;
    config.secret = RandomHex(32);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);  // NOLINT: owner-only from the start
    if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot write " + file.string());
    const std::string line = config.secret + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!written) return MakeError(ErrorCode::kUnavailable, "cannot write " + file.string());
    note = "generated a development secret (--dev), kept in " + file.string() + "; set DIHYA_SECRET for production";
    return Ok();
}

Result<std::unique_ptr<storage::Db>> OpenAndMigrate(const Config& config, Logger& log) {
    const std::string url = config.EffectiveDatabaseUrl();
    if (url.rfind("sqlite:", 0) == 0 && config.database_url.empty()) {
        if (auto dir = MakePrivateDir(config.data_dir); !dir) return dir.take_error();
    }
    auto db = storage::OpenDatabase(url);
    if (!db) return db.take_error();
    auto applied = storage::Migrate(**db, storage::EmbeddedMigrations((*db)->dialect()));
    if (!applied) return applied.take_error();
    for (const auto& m : *applied) {
        log.Info("migration applied", {{"version", m.version}, {"name", m.name}});
    }
    return std::move(*db);
}

Result<std::string> ReadSpec(const std::string& path) {
    std::ostringstream ss;
    if (path == "-") {
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kInvalidArgument, path + ": cannot read the file");
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace dihya::cli
