#pragma once

// What the subcommands share: exit codes, option parsing into configuration keys, configuration loading, opening
// and migrating the database, and the composition of the server's modules.

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::cli {

inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;
inline constexpr int kUsage = 2;

struct Parsed {
    std::map<std::string, std::string> flags;  // config keys
    std::optional<std::string> config_file;
    bool status = false;
    /// Options a command accepts besides the configuration ones (e.g. --email), by name without dashes.
    std::map<std::string, std::string> extra;
    std::vector<std::string> switches;  // extra options without a value (e.g. password-stdin)
};

struct ExtraOptions {
    std::vector<std::string> with_value;  // e.g. {"email", "role"}
    std::vector<std::string> switches;    // e.g. {"password-stdin"}
};

/// Maps command-line options from args[from] on to configuration keys (--listen, --data-dir, --database,
/// --config, --dev, ...), plus the command's own options.
Result<Parsed> ParseOptions(const std::vector<std::string>& args, std::size_t from, bool allow_status,
                            const ExtraOptions& extra = {});
Result<Config> LoadFrom(const Parsed& p);

/// The bytes of the file at `path`, or standard input for "-"; kInvalidArgument naming the path when unreadable.
Result<std::string> ReadSpec(const std::string& path);

/// The server secret: configured, or with --dev the one kept in <data_dir>/.dev-secret (made on first use).
/// kInvalidArgument when neither. `note` receives what was done, for the log.
Result<void> EnsureSecret(Config& config, std::string& note);

/// Opens the configured database (creating the data directory for the default SQLite file) and applies pending
/// migrations, logging each.
Result<std::unique_ptr<storage::Db>> OpenAndMigrate(const Config& config, Logger& log);

}  // namespace dihya::cli
