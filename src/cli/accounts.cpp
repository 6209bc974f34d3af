// Tools that work on the database directly, without a server: bootstrap the first admin, rotate keys, scheduled jobs.
#include <iomanip>
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

int Jobs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    constexpr std::string_view kUsageLine =
        "usage: dihya jobs list | pause NAME | resume NAME | run NAME | history NAME [--limit N]\n"
        "       [--data-dir DIR | --database URL] [--config FILE]\n";
    const std::string verb = args.size() >= 3 ? args[2] : "";
    const bool named = verb == "pause" || verb == "resume" || verb == "run" || verb == "history";
    if ((verb != "list" && !named) || (named && (args.size() < 4 || args[3].rfind("--", 0) == 0))) {
        err << kUsageLine;
        return kUsage;
    }
    Opened o;
    if (int rc = Open(args, named ? 4 : 3, {{"limit"}, {}}, "jobs " + verb, err, o); rc != kOk) return rc;
    auto& sched = *o.services->scheduler;
    if (auto synced = sched.Sync(/*retime=*/false); !synced) {
        err << "dihya jobs: " << synced.error().message << "\n";
        return kFailure;
    }
    const std::string name = named ? args[3] : "";
    const RequestContext cli{"cli", ""};
    auto fail = [&](const Error& e) {
        err << "dihya jobs " << verb << ": " << e.message << "\n";
        return e.code == ErrorCode::kNotFound || e.code == ErrorCode::kInvalidArgument ? kUsage : kFailure;
    };
    auto print = [&](const scheduler::Schedule& s) {
        out << std::left << std::setw(21) << s.name << std::setw(16) << s.cron << std::setw(18) << s.time_zone
            << std::setw(8) << (s.paused ? "paused" : "active") << std::setw(26)
            << (s.next_run_at.empty() ? "-" : s.next_run_at)
            << (s.last_run ? s.last_run->status + " " + s.last_run->created_at : "-") << "\n";
    };
    if (verb == "list") {
        auto list = sched.List();
        if (!list) return fail(list.error());
        out << std::left << std::setw(21) << "NAME" << std::setw(16) << "CRON" << std::setw(18) << "TIME ZONE"
            << std::setw(8) << "STATE" << std::setw(26) << "NEXT RUN"
            << "LAST RUN\n";
        for (const auto& s : *list) print(s);
        return kOk;
    }
    if (verb == "pause" || verb == "resume") {
        auto s = sched.SetPaused(name, verb == "pause", "", cli);
        if (!s) return fail(s.error());
        out << name << " " << (s->paused ? "paused" : "resumed; next run " + s->next_run_at) << "\n";
        return kOk;
    }
    if (verb == "run") {
        auto job = sched.RunNow(name, "", cli);
        if (!job) return fail(job.error());
        out << "queued run " << job->id << " of " << name << ": a running server takes it (see dihya jobs history "
            << name << ")\n";
        return kOk;
    }
    std::int64_t limit = 10;
    if (o.parsed.extra.contains("limit")) {
        try {
            limit = std::stoll(o.parsed.extra.at("limit"));
        } catch (...) {
            limit = 0;
        }
        if (limit < 1 || limit > 200) {
            err << "dihya jobs history: --limit: must be a number from 1 to 200\n";
            return kUsage;
        }
    }
    auto page = sched.History(name, "", limit);
    if (!page) return fail(page.error());
    for (const auto& run : page->runs) {
        const auto* trigger = run.job.input.is_object() ? run.job.input.as_object().if_contains("trigger") : nullptr;
        out << run.job.created_at << "  " << run.job.status << "  "
            << (trigger != nullptr && trigger->is_string() ? std::string(trigger->as_string()) : "") << "  "
            << (run.job.finished_at.empty() ? "-" : run.job.finished_at) << "  " << run.job.id << "\n";
        if (!run.job.error.empty()) out << "    error: " << run.job.error << "\n";
        for (const auto& line : run.output) out << "    " << line.at << " " << line.message << "\n";
    }
    if (page->runs.empty()) out << "no runs yet\n";
    return kOk;
}

}  // namespace dihya::cli
