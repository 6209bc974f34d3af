// dihya backup / restore: the database into an encrypted archive and back (docs/operations.md).
#include <iostream>

#include <boost/json.hpp>

#include "backup/service.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"

namespace dihya::cli {

namespace {

constexpr std::string_view kBackupUsage =
    "usage: dihya backup --out FILE [--data-dir DIR | --database URL] [--config FILE]\n"
    "       dihya backup verify FILE [--config FILE]\n"
    "  writes an encrypted, compressed, checksummed copy of the database (safe while the server runs); verify\n"
    "  decrypts and checks one without restoring it\n";
constexpr std::string_view kRestoreUsage =
    "usage: dihya restore FILE [--data-dir DIR | --database URL] [--config FILE] [--force]\n"
    "  restores a backup into an empty data directory or database; --force replaces one that holds data (stop\n"
    "  the server first)\n";

/// Configuration with the secret the keys derive from (DIHYA_SECRET, or --dev's kept one).
int Load(const std::vector<std::string>& args, std::size_t from, const ExtraOptions& extra, std::string_view what,
         std::ostream& err, Parsed& parsed, Config& config) {
    auto p = ParseOptions(args, from, false, extra);
    if (!p) {
        err << "dihya " << what << ": " << p.error().message << "\n";
        return kUsage;
    }
    parsed = std::move(*p);
    auto c = LoadFrom(parsed);
    if (!c) {
        err << "dihya: invalid configuration: " << c.error().message << "\n";
        return kUsage;
    }
    config = std::move(*c);
    if (config.backup.key.empty()) {
        std::string note;
        if (auto r = EnsureSecret(config, note); !r) {
            err << "dihya " << what << ": " << r.error().message << " (backups are encrypted with a key derived "
                << "from it, or with backup.key)\n";
            return kUsage;
        }
    }
    return kOk;
}

int Fail(std::ostream& err, std::string_view what, const Error& e) {
    err << "dihya " << what << ": " << e.message << "\n";
    return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kConflict || e.code == ErrorCode::kNotFound
               ? kUsage
               : kFailure;
}

std::string Text(const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return "?";
    return v->is_string() ? std::string(v->as_string()) : boost::json::serialize(*v);
}

}  // namespace

int Backup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const bool verify = args.size() >= 3 && args[2] == "verify";
    if (verify && (args.size() < 4 || args[3].rfind("--", 0) == 0)) {
        err << kBackupUsage;
        return kUsage;
    }
    Parsed parsed;
    Config config;
    if (int rc = Load(args, verify ? 4 : 2, {{"out"}, {}}, verify ? "backup verify" : "backup", err, parsed, config);
        rc != kOk) {
        return rc;
    }
    auto keys = backup::KeysOf(config);
    if (!keys) return Fail(err, "backup", keys.error());
    if (verify) {
        auto manifest = backup::VerifyArchive(args[3], *keys);
        if (!manifest) return Fail(err, "backup verify", manifest.error());
        out << args[3] << ": intact; " << Text(*manifest, "database") << " database made at "
            << Text(*manifest, "created_at") << " by dihya " << Text(*manifest, "dihya_version") << " (schema "
            << Text(*manifest, "schema_version") << ")\n";
        return kOk;
    }
    if (!parsed.extra.contains("out")) {
        err << kBackupUsage;
        return kUsage;
    }
    Logger log(LogLevel::kWarn);
    auto db = OpenAndMigrate(config, log);
    if (!db) return Fail(err, "backup", db.error());
    auto info = backup::MakeBackup(**db, config.EffectiveDatabaseUrl(), keys->front(), parsed.extra.at("out"),
                                   [&err](const std::string& line) { err << line << "\n"; });
    if (!info) return Fail(err, "backup", info.error());
    out << "wrote " << parsed.extra.at("out") << " (" << info->bytes << " bytes, sha256 " << info->sha256 << ")\n";
    return kOk;
}

int Restore(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() < 3 || args[2].rfind("--", 0) == 0) {
        err << kRestoreUsage;
        return kUsage;
    }
    Parsed parsed;
    Config config;
    if (int rc = Load(args, 3, {{}, {"force"}}, "restore", err, parsed, config); rc != kOk) return rc;
    auto keys = backup::KeysOf(config);
    if (!keys) return Fail(err, "restore", keys.error());
    const bool force = std::find(parsed.switches.begin(), parsed.switches.end(), "force") != parsed.switches.end();
    auto manifest = backup::Restore(args[2], *keys, config.EffectiveDatabaseUrl(), {force},
                                    [&err](const std::string& line) { err << line << "\n"; });
    if (!manifest) return Fail(err, "restore", manifest.error());
    out << "restored the " << Text(*manifest, "database") << " database made at " << Text(*manifest, "created_at")
        << " by dihya " << Text(*manifest, "dihya_version") << " into "
        << storage::RedactDatabaseUrl(config.EffectiveDatabaseUrl())
        << "; start the server (pending migrations apply at start)\n";
    return kOk;
}

}  // namespace dihya::cli
