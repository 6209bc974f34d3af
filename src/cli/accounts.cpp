// Account tools that work on the database directly, without a server: bootstrap the first admin, rotate keys.
#include <iostream>

#include "auth/permissions.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/composition.hpp"

namespace dihya::cli {

namespace {

/// Parses options, loads configuration, settles the secret, opens and migrates the database, builds the services.
struct Opened {
    Parsed parsed;
    Config config;
    std::unique_ptr<Logger> log;
    std::unique_ptr<storage::Db> db;
    std::unique_ptr<Services> services;
};

int Open(const std::vector<std::string>& args, std::size_t from, const ExtraOptions& extra, std::string_view what,
         std::ostream& err, Opened& o) {
    auto parsed = ParseOptions(args, from, false, extra);
    if (!parsed) {
        err << "dihya " << what << ": " << parsed.error().message << "\n";
        return kUsage;
    }
    o.parsed = std::move(*parsed);
    auto config = LoadFrom(o.parsed);
    if (!config) {
        err << "dihya: invalid configuration: " << config.error().message << "\n";
        return kUsage;
    }
    o.config = std::move(*config);
    std::string note;
    if (auto r = EnsureSecret(o.config, note); !r) {
        err << "dihya " << what << ": " << r.error().message << "\n";
        return kUsage;
    }
    o.log = std::make_unique<Logger>(LogLevel::kWarn);
    auto db = OpenAndMigrate(o.config, *o.log);
    if (!db) {
        err << "dihya " << what << ": " << db.error().message << "\n";
        return kFailure;
    }
    o.db = std::move(*db);
    auto services = BuildServices(o.config, *o.log, *o.db);
    if (!services) {
        err << "dihya " << what << ": " << services.error().message << "\n";
        return kUsage;
    }
    o.services = std::move(*services);
    return kOk;
}

}  // namespace

int User(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    constexpr std::string_view kUsageLine =
        "usage: dihya user create --email E --role admin|user|guest --password-stdin [--display-name NAME] "
        "[--locale fr|en|ar...] [--data-dir DIR | --database URL] [--config FILE]\n";
    if (args.size() < 3 || args[2] != "create") {
        err << kUsageLine;
        return kUsage;
    }
    Opened o;
    if (int rc =
            Open(args, 3, {{"email", "role", "display-name", "locale"}, {"password-stdin"}}, "user create", err, o);
        rc != kOk) {
        return rc;
    }
    const auto& x = o.parsed.extra;
    if (!x.contains("email") || !x.contains("role")) {
        err << kUsageLine;
        return kUsage;
    }
    const auto role = auth::ParseRole(x.at("role"));
    if (!role) {
        err << "dihya user create: --role: must be admin, user or guest\n";
        return kUsage;
    }
    if (std::find(o.parsed.switches.begin(), o.parsed.switches.end(), "password-stdin") == o.parsed.switches.end()) {
        err << "dihya user create: give the password on standard input with --password-stdin (never as an argument: "
               "it would show in the process list and the shell history)\n";
        return kUsage;
    }
    std::string password;
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    auth::NewAccount account{x.at("email"), password, std::nullopt, std::nullopt, std::nullopt};
    if (x.contains("display-name")) account.display_name = x.at("display-name");
    if (x.contains("locale")) account.locale = x.at("locale");
    auto user = o.services->auth->CreateUser(account, *role, {"cli", ""});
    if (!user) {
        err << "dihya user create: " << user.error().message << "\n";
        return user.error().code == ErrorCode::kInvalidArgument || user.error().code == ErrorCode::kAlreadyExists
                   ? kUsage
                   : kFailure;
    }
    out << "created " << user->role << " " << user->id << "\n";
    return kOk;
}

int Keys(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() < 3 || args[2] != "rotate") {
        err << "usage: dihya keys rotate [--signing-key] [--data-dir DIR | --database URL] [--config FILE]\n"
               "  re-encrypts personal data under encryption.key (keep the old key in encryption.previous_keys "
               "until this has run); --signing-key also starts a new token signing key\n";
        return kUsage;
    }
    Opened o;
    if (int rc = Open(args, 3, {{}, {"signing-key"}}, "keys rotate", err, o); rc != kOk) return rc;
    auto changed = o.services->auth->ReEncryptAll();
    if (!changed) {
        err << "dihya keys rotate: " << changed.error().message << "\n";
        return kFailure;
    }
    out << "re-encrypted " << *changed << " values under key " << o.services->cipher->current().id << "\n";
    if (std::find(o.parsed.switches.begin(), o.parsed.switches.end(), "signing-key") != o.parsed.switches.end()) {
        auto kid = o.services->keys->Rotate();
        if (!kid) {
            err << "dihya keys rotate: " << kid.error().message << "\n";
            return kFailure;
        }
        out << "new token signing key " << *kid << " (older keys verify until their tokens expire)\n";
    }
    out << "the previous keys can now be removed from encryption.previous_keys\n";
    return kOk;
}

}  // namespace dihya::cli
