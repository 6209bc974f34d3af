#include "cli/cli.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/handlers.hpp"
#include "audit/audit_log.hpp"
#include "auth/permissions.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "core/config.hpp"
#include "core/ids.hpp"
#include "core/json_pretty.hpp"
#include "core/log.hpp"
#include "docs/docs.hpp"
#include "generator/archive.hpp"
#include "generator/engine.hpp"
#include "generator/handlers.hpp"
#include "generator/pack.hpp"
#include "generator/pack_lint.hpp"
#include "http/app.hpp"
#include "http/middleware/access_log.hpp"
#include "http/middleware/cors.hpp"
#include "http/middleware/rate_limit.hpp"
#include "http/middleware/request_id.hpp"
#include "http/middleware/security_headers.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "model/spec_tree.hpp"
#include "ops/ops.hpp"
#include "plugins/plugin.hpp"
#include "storage/db.hpp"
#include "storage/migrations.hpp"
#include "update/update.hpp"

namespace dihya::cli {

namespace {

constexpr int kConflicts = 3;  // dihya update: done, but conflicts are left for the user to resolve

constexpr std::string_view kUsageText = R"(usage: dihya COMMAND [OPTIONS]

commands:
  serve     [--listen HOST:PORT] [--data-dir DIR] [--database URL] [--config FILE] [--dev]
            run the HTTP server (docs at /docs)
  migrate   [--data-dir DIR] [--database URL] [--config FILE] [--status]
            apply pending database migrations (or list them with --status)
  backup    --out FILE [--data-dir DIR] [--database URL] [--config FILE]
            write an encrypted, compressed, checksummed backup of the database (the server may run);
            `backup verify FILE` checks one
  restore   FILE [--data-dir DIR] [--database URL] [--config FILE] [--force]
            restore a backup into an empty data directory or database (--force: replace one that
            holds data; stop the server first)
  audit verify [--data-dir DIR] [--database URL] [--config FILE]
            check the audit log's hash chain; exit 1 naming the first bad entry
  analyze   SPEC
            print the understood ProjectModel as JSON; SPEC is .yaml/.yml/.json (structured),
            .txt/.md (free text in French, English or Arabic) or - for stdin (free text)
  generate  SPEC [--out DIR | --zip FILE | --tar FILE] [--set stacks.backend=express ...]
            [--plugin FILE.mjs ...]
            generate the project offline (no server); prints the archive's SHA-256; plugins run in
            their sandbox and what they changed is listed
  update    DIR [--spec NEW_SPEC] [--set KEY=VALUE ...] [--dry-run]
            regenerate a generated project with a new spec (or the installed packs) and merge the
            generator's changes into your edited files (3-way). Conflicts are written with
            <<<<<<< yours / ======= / >>>>>>> generated markers, or the generated version is put
            beside yours as FILE.dihya-new; they are listed and the exit code is 3
  pack lint DIR|FILE [--strict]
            check template packs (a pack folder, its pack.yaml, or a packs folder with stacks/):
            pack.yaml, every template, unused files, provided stacks, and renders with sample
            models; prints file:line: problems, exit 2 on errors (--strict: on warnings too)
  pack export NAME|DIR [--format json|yaml|js] [--out FILE]
            write a pack (installed, by name, or a pack folder or domain file) as one document
  pack import FILE|- --into DIR
            write a pack folder from a document (JSON, YAML or the data form of a JS module),
            checked as pack lint checks it
  plugin test PLUGIN.mjs --spec SPEC [--hook NAME] [--event TYPE]
            run a plugin's hook (beforeGeneration, afterGeneration, onEvent) on a specification in
            its sandbox, offline; prints the model or the files it changed as JSON, or the error
  user create --email E --role admin|user|guest --password-stdin [--display-name NAME]
            create an account (e.g. the first admin); the password is read from standard input
  keys rotate [--signing-key]
            re-encrypt personal data under encryption.key (old keys in encryption.previous_keys);
            --signing-key also starts a new token signing key
  jobs list | pause NAME | resume NAME | run NAME | history NAME [--limit N]
            the scheduled jobs (backup, gdpr-retention, notification-digest, marketplace-stats, cleanup): their timing,
            next and last runs; pause or resume one, queue a run for a running server, or show its runs
  permissions
            print the permission table (docs/permissions.md)
  openapi   print the OpenAPI 3.1 document
  version   print the version
  help      this text

environment: DIHYA_LISTEN, DIHYA_DATA_DIR, DIHYA_DATABASE_URL, DIHYA_SECRET (required by serve
unless --dev), and any configuration key as DIHYA_<SECTION>__<KEY> (e.g. DIHYA_LIMITS__MAX_BODY_BYTES).
)";

int Migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    auto parsed = ParseOptions(args, 2, true);
    if (!parsed) {
        err << "dihya migrate: " << parsed.error().message << "\n";
        return kUsage;
    }
    auto config = LoadFrom(*parsed);
    if (!config) {
        err << "dihya: invalid configuration: " << config.error().message << "\n";
        return kUsage;
    }
    Logger log(LogLevel::kWarn);
    if (parsed->status) {
        auto db = storage::OpenDatabase(config->EffectiveDatabaseUrl());
        if (!db) {
            err << "dihya migrate: " << db.error().message << "\n";
            return kFailure;
        }
        auto status = storage::MigrationStatus(**db, storage::EmbeddedMigrations((*db)->dialect()));
        if (!status) {
            err << "dihya migrate: " << status.error().message << "\n";
            return kFailure;
        }
        for (const auto& m : *status) {
            out << m.version << " " << m.name << " " << (m.applied ? "applied " + m.applied_at : "pending") << "\n";
        }
        return kOk;
    }
    auto db = storage::OpenDatabase(config->EffectiveDatabaseUrl());
    if (!db) {
        err << "dihya migrate: " << db.error().message << "\n";
        return kFailure;
    }
    auto applied = storage::Migrate(**db, storage::EmbeddedMigrations((*db)->dialect()));
    if (!applied) {
        err << "dihya migrate: " << applied.error().message << "\n";
        return kFailure;
    }
    for (const auto& m : *applied) out << "applied " << m.version << " " << m.name << "\n";
    auto version = storage::SchemaVersion(**db);
    out << "schema version " << (version ? *version : -1) << " (" << (*db)->Describe() << ")\n";
    return kOk;
}

/// `sqlite://PATH` for a file database, else nullopt (memory or another back end).
std::optional<std::filesystem::path> SqliteFile(const std::string& url) {
    constexpr std::string_view kScheme = "sqlite://";
    if (url.rfind(kScheme, 0) != 0) return std::nullopt;
    std::string path = url.substr(kScheme.size());
    if (path.empty() || path == ":memory:") return std::nullopt;
    return std::filesystem::path(path);
}

int Audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() < 3 || args[2] != "verify") {
        err << "dihya audit: expected `dihya audit verify [--data-dir DIR] [--database URL] [--config FILE]`\n";
        return kUsage;
    }
    auto parsed = ParseOptions(args, 3, false);
    if (!parsed) {
        err << "dihya audit verify: " << parsed.error().message << "\n";
        return kUsage;
    }
    auto config = LoadFrom(*parsed);
    if (!config) {
        err << "dihya: invalid configuration: " << config.error().message << "\n";
        return kUsage;
    }
    const std::string url = config->EffectiveDatabaseUrl();
    // Verifying must not leave an empty database behind where there was none.
    if (auto file = SqliteFile(url); file && !std::filesystem::exists(*file)) {
        err << "dihya audit verify: no database at " << file->string() << "\n";
        return kFailure;
    }
    auto db = storage::OpenDatabase(url);
    if (!db) {
        err << "dihya audit verify: " << db.error().message << "\n";
        return kFailure;
    }
    auto version = storage::SchemaVersion(**db);
    if (!version) {
        err << "dihya audit verify: " << version.error().message << "\n";
        return kFailure;
    }
    if (*version < 2) {
        err << "dihya audit verify: " << (*db)->Describe() << " has no audit log yet (schema version " << *version
            << "; run dihya migrate)\n";
        return kFailure;
    }
    auto report = audit::Verify(**db);
    if (!report) {
        err << "dihya audit verify: " << report.error().message << "\n";
        return kFailure;
    }
    if (!report->ok()) {
        out << "audit log NOT verified: entry " << report->failure->seq << ": " << report->failure->reason << " ("
            << report->entries << " entries before it verified)\n";
        return kFailure;
    }
    out << "audit log verified: " << report->entries << " entries, head " << report->head_hash.substr(0, 16) << "\n";
    return kOk;
}

std::string Extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return ext;
}

/// A specification as read from a file: the model, what the analyser assumed (free text), and, for a structured
/// spec, the stack kinds it names under `stacks` (the others took their defaults).
struct LoadedSpec {
    model::ProjectModel model;
    std::vector<std::string> assumptions;
    bool structured = false;
    std::set<std::string> named_stacks;
};

/// Reads a specification: structured (.yaml/.yml/.json) or free text (.txt/.md/-, analysed).
Result<LoadedSpec> LoadSpec(const std::string& path, const model::Vocabulary& vocabulary) {
    const std::string ext = Extension(path);
    const bool structured = ext == ".yaml" || ext == ".yml" || ext == ".json";
    if (path != "-" && !structured && ext != ".txt" && ext != ".md") {
        return MakeError(ErrorCode::kInvalidArgument,
                         path + ": unknown kind of specification (use .yaml, .yml, .json, .txt or .md)");
    }
    auto text = ReadSpec(path);
    if (!text) return text.take_error();
    LoadedSpec out;
    if (structured) {
        auto parsed = model::ParseModel(*text, path, vocabulary);
        if (!parsed) return parsed.take_error();
        out.model = std::move(*parsed);
        out.structured = true;
        const model::SpecTree tree =
            model::SpecTree::Parse(*text, model::FormatFromOrigin(path).value_or(model::SniffFormat(*text)));
        const model::SpecNode* stacks = tree.root() != nullptr ? tree.root()->Find("stacks") : nullptr;
        if (stacks != nullptr && stacks->IsMap()) {
            for (const auto& entry : stacks->entries) out.named_stacks.insert(entry.key);
        }
        return out;
    }
    auto analyzer = analyze::RuleAnalyzer::Create();
    if (!analyzer) return analyzer.take_error();
    auto analysis = (*analyzer)->Analyze(*text, vocabulary);
    if (!analysis) {
        Error e = analysis.take_error();
        e.message = (path == "-" ? std::string("stdin") : path) + ": " + e.message;
        return e;
    }
    for (const auto& a : analysis->assumptions) out.assumptions.push_back(a.field + ": " + a.message);
    out.model = std::move(analysis->model);
    return out;
}

/// Applies `--set a.b=value` overrides to the structured form of the model and validates again.
Result<model::ProjectModel> ApplyOverrides(const model::ProjectModel& m, const std::vector<std::string>& sets,
                                           const model::Vocabulary& vocabulary) {
    if (sets.empty()) return m;
    boost::json::value spec = model::ToSpec(m);
    for (const auto& set : sets) {
        const auto eq = set.find('=');
        if (eq == std::string::npos || eq == 0) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "--set " + set + ": expected KEY=VALUE, e.g. stacks.frontend=vue");
        }
        const std::string key = set.substr(0, eq);
        const std::string value = set.substr(eq + 1);
        boost::json::value* node = &spec;
        std::size_t pos = 0;
        while (true) {
            const auto dot = key.find('.', pos);
            const std::string part = key.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
            if (!node->is_object() || part.empty()) {
                return MakeError(ErrorCode::kInvalidArgument, "--set " + key + ": not a settable key");
            }
            node = &node->as_object()[part];
            if (dot == std::string::npos) break;
            pos = dot + 1;
        }
        if (node->is_array() || value.find(',') != std::string::npos) {
            boost::json::array items;
            std::size_t p = 0;
            while (p <= value.size()) {
                auto comma = value.find(',', p);
                if (comma == std::string::npos) comma = value.size();
                if (comma > p) items.push_back(boost::json::value(value.substr(p, comma - p)));
                p = comma + 1;
            }
            *node = std::move(items);
        } else {
            *node = boost::json::value(value);
        }
    }
    return model::ParseModelValue(spec, "--set", vocabulary);
}

/// After `--set` changed a model's stacks: the features the new stacks do not carry are left out, as the analysis of
/// free text leaves them out, and said so in `assumptions` (without --set, a specification asking for them gets the
/// generator's error).
Result<model::ProjectModel> LeaveOutUncarried(Result<model::ProjectModel> overridden,
                                              const std::vector<std::string>& sets, const model::Vocabulary& vocabulary,
                                              std::vector<std::string>& assumptions) {
    if (!overridden || sets.empty()) return overridden;
    model::ProjectModel out = std::move(*overridden);
    bool dropped = false;
    for (const auto& [feature, stack] : vocabulary.UnsupportedFeatures(out.features, out.stacks.ByKind())) {
        if (feature == "uploads") continue;  // file fields need it: the generator says what to change
        if (std::erase(out.features, feature) == 0) continue;
        dropped = true;
        assumptions.push_back("features: " + feature + " left out after --set: " +
                              (stack.second == "none"
                                   ? "it concerns stacks." + stack.first + " and none is chosen"
                                   : "stacks." + stack.first + " = " + stack.second + " does not implement it") +
                              " (" + vocabulary.SupportOf(feature) + ")");
    }
    if (!dropped) return out;
    return model::ParseModelValue(model::ToSpec(out), "--set", vocabulary);
}

/// The model `generate` and `update` work on: the specification at `spec_path` (when not empty) or else `previous`,
/// then the `--set` overrides. With `previous` (update), the stacks a structured specification does not name keep
/// their previous values, so choices made with --set at generation time survive an edited spec.
Result<model::ProjectModel> ResolveModel(const std::string& spec_path, const model::ProjectModel* previous,
                                         const std::vector<std::string>& sets, const model::Vocabulary& vocabulary,
                                         std::vector<std::string>& assumptions) {
    if (spec_path.empty()) {
        if (previous == nullptr) return MakeError(ErrorCode::kInvalidArgument, "no specification");
        return LeaveOutUncarried(ApplyOverrides(*previous, sets, vocabulary), sets, vocabulary, assumptions);
    }
    auto loaded = LoadSpec(spec_path, vocabulary);
    if (!loaded) return loaded.take_error();
    assumptions = std::move(loaded->assumptions);
    model::ProjectModel m = std::move(loaded->model);
    if (previous != nullptr && loaded->structured) {
        bool kept = false;
        const auto keep = [&](const char* kind, auto& value, const auto& old) {
            if (loaded->named_stacks.count(kind) != 0 || value == old) return;
            value = old;
            kept = true;
        };
        keep("frontend", m.stacks.frontend, previous->stacks.frontend);
        keep("backend", m.stacks.backend, previous->stacks.backend);
        keep("mobile", m.stacks.mobile, previous->stacks.mobile);
        keep("ai", m.stacks.ai, previous->stacks.ai);
        keep("devops", m.stacks.devops, previous->stacks.devops);
        keep("blockchain", m.stacks.blockchain, previous->stacks.blockchain);
        if (kept) {  // validated again as a whole, as --set does
            auto checked = model::ParseModelValue(model::ToSpec(m), spec_path, vocabulary);
            if (!checked) return checked.take_error();
            m = std::move(*checked);
        }
    }
    return LeaveOutUncarried(ApplyOverrides(m, sets, vocabulary), sets, vocabulary, assumptions);
}

/// The vocabulary of the built-in catalog and an engine over the installed packs (DIHYA_PACKS_DIR or the default).
struct Generator {
    model::Vocabulary vocabulary;
    std::unique_ptr<generator::Engine> engine;
};

/// Loads what generation needs; on failure prints why and returns the exit code (2 for a bad configuration).
int LoadGenerator(std::string_view command, std::ostream& err, Generator& out) {
    auto cat = catalog::BuiltinCatalog();
    if (!cat) {
        err << "dihya " << command << ": " << cat.error().message << "\n";
        return kFailure;
    }
    auto config = LoadConfig(ConfigSources{});
    if (!config) {
        err << "dihya: invalid configuration: " << config.error().message << "\n";
        return kUsage;
    }
    auto packs = generator::LoadPacks(config->packs_dir);
    if (!packs) {
        err << "dihya " << command << ": " << packs.error().message << "\n";
        return kFailure;
    }
    catalog::AddPacks(*cat, *packs);
    out.vocabulary = catalog::ToVocabulary(*cat);
    out.engine = std::make_unique<generator::Engine>(std::move(*packs),
                                                     generator::EngineOptions{"", out.vocabulary.feature_kinds});
    return kOk;
}

int Generate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string spec_path, out_dir, zip_file, tar_file;
    std::vector<std::string> sets;
    std::vector<std::string> plugin_files;
    for (std::size_t i = 2; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto next = [&](std::string& into) {
            if (i + 1 >= args.size()) return false;
            into = args[++i];
            return true;
        };
        bool ok = true;
        if (a == "--out")
            ok = next(out_dir);
        else if (a == "--zip")
            ok = next(zip_file);
        else if (a == "--tar")
            ok = next(tar_file);
        else if (a == "--plugin") {
            std::string v;
            ok = next(v);
            plugin_files.push_back(v);
        } else if (a == "--set") {
            std::string v;
            ok = next(v);
            sets.push_back(v);
        } else if (a.rfind("--", 0) == 0) {
            err << "dihya generate: unknown option " << a << "\n";
            return kUsage;
        } else if (spec_path.empty()) {
            spec_path = a;
        } else {
            err << "dihya generate: one specification at a time (got " << spec_path << " and " << a << ")\n";
            return kUsage;
        }
        if (!ok) {
            err << "dihya generate: " << a << " needs a value\n";
            return kUsage;
        }
    }
    const int targets = !out_dir.empty() + !zip_file.empty() + !tar_file.empty();
    if (spec_path.empty() || targets != 1) {
        err << "usage: dihya generate SPEC (--out DIR | --zip FILE | --tar FILE) [--set KEY=VALUE ...] "
               "[--plugin FILE.mjs ...]\n";
        return kUsage;
    }
    Generator gen;
    if (const int code = LoadGenerator("generate", err, gen); code != kOk) return code;
    std::vector<std::string> assumptions;
    auto m = ResolveModel(spec_path, nullptr, sets, gen.vocabulary, assumptions);
    if (!m) {
        err << "dihya generate: " << m.error().message << "\n";
        return kUsage;
    }
    // Plugins, in the order given: beforeGeneration on the model, afterGeneration on the files.
    std::vector<std::unique_ptr<plugins::Plugin>> loaded;
    std::vector<plugins::Plugin*> chain;
    std::vector<std::string> changes;
    for (const std::string& file : plugin_files) {
        auto source = ReadSpec(file);
        if (!source) {
            err << "dihya generate: " << source.error().message << "\n";
            return kUsage;
        }
        auto plugin = plugins::Plugin::Load(plugins::HostPath(""), std::filesystem::path(file).filename().string(),
                                            *source, plugins::SandboxLimits{});
        if (!plugin) {
            err << "dihya generate: " << plugin.error().message << "\n";
            return kUsage;
        }
        auto changed = (*plugin)->BeforeGeneration(*m, gen.vocabulary, changes);
        if (!changed) {
            err << "dihya generate: " << changed.error().message << "\n";
            return kUsage;
        }
        *m = std::move(*changed);
        chain.push_back(plugin->get());
        loaded.push_back(std::move(*plugin));
    }
    plugins::PluginHooks hooks(chain, *m);
    auto tree = gen.engine->Render(*m, chain.empty() ? nullptr : &hooks);
    if (!tree) {
        err << "dihya generate: " << tree.error().message << "\n";
        return kUsage;
    }
    for (const auto& a : assumptions) err << "assumed " << a << "\n";
    for (const auto& c : changes) err << "plugin " << c << "\n";
    for (const auto& c : hooks.changes()) err << "plugin " << c << "\n";
    if (!out_dir.empty()) {
        if (auto r = generator::WriteDirectory(*tree, out_dir); !r) {
            err << "dihya generate: " << r.error().message << "\n";
            return kFailure;
        }
        out << "wrote " << tree->files.size() << " files to " << out_dir << "\n";
        return kOk;
    }
    const auto format = zip_file.empty() ? generator::ArchiveFormat::kTarGz : generator::ArchiveFormat::kZip;
    const std::string& file = zip_file.empty() ? tar_file : zip_file;
    auto archive = generator::WriteArchive(*tree, format, {m->name});
    if (!archive) {
        err << "dihya generate: " << archive.error().message << "\n";
        return kFailure;
    }
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(archive->bytes.data(), static_cast<std::streamsize>(archive->bytes.size()));
    if (!f) {
        err << "dihya generate: cannot write " << file << "\n";
        return kFailure;
    }
    out << "wrote " << file << " (" << tree->files.size() << " files, " << archive->bytes.size() << " bytes) sha256 "
        << archive->sha256 << "\n";
    return kOk;
}

/// Notes on what differs between the recorded model and the new one that the file list does not make obvious.
void DescribeModelChanges(const model::ProjectModel& before, const model::ProjectModel& after, std::ostream& out) {
    const auto list = [](const std::vector<std::string>& v) {
        std::string s = "[";
        for (const auto& x : v) s += (s.size() > 1 ? ", " : "") + x;
        return s + "]";
    };
    const std::pair<const char*, std::pair<std::string, std::string>> stacks[] = {
        {"frontend", {before.stacks.frontend, after.stacks.frontend}},
        {"backend", {before.stacks.backend, after.stacks.backend}},
        {"mobile", {before.stacks.mobile, after.stacks.mobile}},
        {"ai", {before.stacks.ai, after.stacks.ai}},
        {"devops", {list(before.stacks.devops), list(after.stacks.devops)}},
        {"blockchain", {before.stacks.blockchain, after.stacks.blockchain}},
    };
    for (const auto& [kind, values] : stacks) {
        if (values.first != values.second) {
            out << "note: stacks." << kind << ": " << values.first << " -> " << values.second << "\n";
        }
    }
    const auto has = [](const model::ProjectModel& m, const std::string& name) {
        return std::any_of(m.entities.begin(), m.entities.end(), [&](const auto& e) { return e.name == name; });
    };
    for (const auto& e : after.entities) {
        if (!has(before, e.name)) out << "note: entity " << e.name << " added\n";
    }
    for (const auto& e : before.entities) {
        if (!has(after, e.name)) out << "note: entity " << e.name << " removed\n";
    }
}

int Update(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string dir, spec_path;
    std::vector<std::string> sets;
    bool dry_run = false;
    for (std::size_t i = 2; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--dry-run") {
            dry_run = true;
        } else if (a == "--spec" || a == "--set") {
            if (i + 1 >= args.size()) {
                err << "dihya update: " << a << " needs a value\n";
                return kUsage;
            }
            if (a == "--spec") {
                spec_path = args[++i];
            } else {
                sets.push_back(args[++i]);
            }
        } else if (a.rfind("--", 0) == 0) {
            err << "dihya update: unknown option " << a << "\n";
            return kUsage;
        } else if (dir.empty()) {
            dir = a;
        } else {
            err << "dihya update: one project folder at a time (got " << dir << " and " << a << ")\n";
            return kUsage;
        }
    }
    if (dir.empty()) {
        err << "usage: dihya update DIR [--spec NEW_SPEC] [--set KEY=VALUE ...] [--dry-run]\n";
        return kUsage;
    }
    Generator gen;
    if (const int code = LoadGenerator("update", err, gen); code != kOk) return code;
    auto answers = update::ReadAnswers(dir, gen.vocabulary);
    if (!answers) {
        err << "dihya update: " << answers.error().message << "\n";
        const ErrorCode code = answers.error().code;
        return code == ErrorCode::kNotFound || code == ErrorCode::kInvalidArgument ? kUsage : kFailure;
    }
    std::vector<std::string> assumptions;
    auto next = ResolveModel(spec_path, &answers->model, sets, gen.vocabulary, assumptions);
    if (!next) {
        err << "dihya update: " << next.error().message << "\n";
        return kUsage;
    }
    for (const auto& a : assumptions) err << "assumed " << a << "\n";
    auto report = update::UpdateProject(*gen.engine, dir, *answers, *next, dry_run);
    if (!report) {
        err << "dihya update: " << report.error().message << "\n";
        return report.error().code == ErrorCode::kInvalidArgument ? kUsage : kFailure;
    }
    if (dry_run) out << "dry run: nothing is written; this is what update would do\n";
    for (const auto& p : report->pack_changes) {
        out << "note: pack " << p.name << ": the answers record " << p.recorded << ", "
            << (p.installed.empty() ? "it is not installed" : p.installed + " is installed")
            << "; the base is rendered with the installed packs, so what changed between the two versions of the "
               "pack looks like your edits and is kept\n";
    }
    if (!report->recorded_generator.empty() && report->recorded_generator != report->generator) {
        out << "note: generated by dihya " << report->recorded_generator << ", updated with dihya " << report->generator
            << " (both generations use this one)\n";
    }
    DescribeModelChanges(answers->model, *next, out);
    const update::UpdatePlan& plan = report->plan;
    for (const update::Change& c : plan.changes) {
        if (c.action == update::Action::kUnchanged) continue;
        std::string word(update::ActionName(c.action));
        word.resize(std::max<std::size_t>(word.size(), 9), ' ');
        out << word << " " << c.path;
        if (!c.detail.empty()) out << " (" << c.detail << ")";
        out << "\n";
    }
    out << "answers   " << generator::kAnswersPath << "\n";
    using update::Action;
    const std::size_t conflicts = plan.Conflicts();
    out << plan.Count(Action::kUpdate) << " updated, " << plan.Count(Action::kAdd) << " added, "
        << plan.Count(Action::kMerge) << " merged, "
        << plan.Count(Action::kKeep) + plan.Count(Action::kKeepObsolete) + plan.Count(Action::kKeepDeleted) << " kept, "
        << plan.Count(Action::kDelete) << " deleted, " << conflicts << (conflicts == 1 ? " conflict" : " conflicts")
        << (dry_run ? " (dry run)" : "") << "\n";
    if (conflicts == 0) return kOk;
    out << "conflicts to resolve:\n";
    for (const update::Change& c : plan.changes) {
        if (update::IsConflict(c.action)) out << "  " << c.path << "\n";
    }
    return kConflicts;
}

int Analyze(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() != 3) {
        err << "usage: dihya analyze SPEC   (.yaml/.yml/.json, .txt/.md, or - for stdin)\n";
        return kUsage;
    }
    const std::string& path = args[2];
    const std::string ext = Extension(path);
    const bool structured = ext == ".yaml" || ext == ".yml" || ext == ".json";
    if (path != "-" && !structured && ext != ".txt" && ext != ".md") {
        err << "dihya analyze: " << path << ": unknown kind of specification (use .yaml, .yml, .json, .txt or .md)\n";
        return kUsage;
    }
    auto text = ReadSpec(path);
    if (!text) {
        err << "dihya analyze: " << text.error().message << "\n";
        return kUsage;
    }
    auto cat = catalog::BuiltinCatalog();
    auto analyzer = analyze::RuleAnalyzer::Create();
    if (!cat || !analyzer) {
        err << "dihya analyze: " << (!cat ? cat.error().message : analyzer.error().message) << "\n";
        return kFailure;
    }
    // With the installed packs, the analysis leaves out (and says so) the features the chosen stacks do not
    // implement, as generation would.
    if (auto config = LoadConfig(ConfigSources{}); config) {
        if (auto packs = generator::LoadPacks(config->packs_dir); packs) catalog::AddPacks(*cat, *packs);
    }
    const model::Vocabulary vocabulary = catalog::ToVocabulary(*cat);
    if (structured) {
        auto parsed = model::ParseModel(*text, path, vocabulary);
        if (!parsed) {
            err << "dihya analyze: " << parsed.error().message << "\n";
            return kUsage;
        }
        boost::json::object doc{{"model", model::ToJson(*parsed)},
                                {"assumptions", boost::json::array{}},
                                {"domain", parsed->domain},
                                {"engine", "structured"}};
        out << PrettyJson(doc) << "\n";
        return kOk;
    }
    auto analysis = (*analyzer)->Analyze(*text, vocabulary);
    if (!analysis) {
        err << "dihya analyze: " << (path == "-" ? std::string("stdin") : path) << ": " << analysis.error().message
            << "\n";
        return kUsage;
    }
    out << PrettyJson(analyze::AnalysisToJson(*analysis)) << "\n";
    return kOk;
}

/// dihya plugin test PLUGIN.mjs --spec SPEC [--hook NAME] [--event TYPE]: a plugin's hook on a specification,
/// in its sandbox, offline; prints what it answered (or the error) as JSON.
int PluginCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    constexpr const char* kUsageLine =
        "usage: dihya plugin test PLUGIN.mjs --spec SPEC [--hook beforeGeneration|afterGeneration|onEvent] "
        "[--event TYPE]\n";
    std::string file, spec_path, hook, event_type = "project.generated";
    for (std::size_t i = 3; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--spec" && has_value) {
            spec_path = args[++i];
        } else if (a == "--hook" && has_value) {
            hook = args[++i];
        } else if (a == "--event" && has_value) {
            event_type = args[++i];
        } else if (!a.starts_with("--") && file.empty()) {
            file = a;
        } else {
            err << kUsageLine;
            return kUsage;
        }
    }
    if (args.size() < 3 || args[2] != "test" || file.empty() || (spec_path.empty() && hook != "onEvent")) {
        err << kUsageLine;
        return kUsage;
    }
    auto source = ReadSpec(file);
    if (!source) {
        err << "dihya plugin test: " << source.error().message << "\n";
        return kUsage;
    }
    auto plugin = plugins::Plugin::Load(plugins::HostPath(""), std::filesystem::path(file).filename().string(), *source,
                                        plugins::SandboxLimits{});
    if (!plugin) {
        err << "dihya plugin test: " << plugin.error().message << "\n";
        return plugin.error().code == ErrorCode::kUnavailable ? kFailure : kUsage;
    }
    if (hook.empty()) hook = (*plugin)->manifest().hooks.front();
    std::optional<model::ProjectModel> model;
    Generator gen;
    if (const int code = LoadGenerator("plugin test", err, gen); code != kOk) return code;
    if (!spec_path.empty()) {
        std::vector<std::string> assumptions;
        auto m = ResolveModel(spec_path, nullptr, {}, gen.vocabulary, assumptions);
        if (!m) {
            err << "dihya plugin test: " << m.error().message << "\n";
            return kUsage;
        }
        model = std::move(*m);
    }
    auto answer = plugins::TryHook(**plugin, hook, model ? &*model : nullptr, *gen.engine, gen.vocabulary, event_type);
    if (!answer) {
        err << "dihya plugin test: " << answer.error().message << "\n";
        return kUsage;
    }
    out << PrettyJson(*answer) << "\n";
    return kOk;
}

int PackCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() >= 3 && args[2] == "export") return PackExport(args, out, err);
    if (args.size() >= 3 && args[2] == "import") return PackImport(args, out, err);
    bool strict = false;
    std::string target;
    for (std::size_t i = 3; i < args.size(); ++i) {
        if (args[i] == "--strict") {
            strict = true;
        } else if (target.empty() && !args[i].starts_with("--")) {
            target = args[i];
        } else {
            target.clear();
            break;
        }
    }
    if (args.size() < 4 || args[2] != "lint" || target.empty()) {
        err << "usage: dihya pack lint DIR|FILE [--strict] | pack export NAME|DIR --format json|yaml|js [--out FILE] | "
               "pack import FILE --into DIR\n";
        return kUsage;
    }
    auto cat = catalog::BuiltinCatalog();
    if (!cat) {
        err << "dihya pack lint: " << cat.error().message << "\n";
        return kFailure;
    }
    // The installed packs join the siblings: a pack written anywhere is linted with the libraries it uses.
    std::vector<std::filesystem::path> installed;
    if (auto config = LoadConfig(ConfigSources{}); config) installed.emplace_back(config->packs_dir);
    auto report = generator::LintPacks(target, catalog::ToVocabulary(*cat), installed);
    if (!report) {
        err << "dihya pack lint: " << report.error().message << "\n";
        return kUsage;
    }
    for (const auto& f : report->findings) err << generator::FormatFinding(f) << "\n";
    for (const auto& p : report->packs) out << "pack " << p << "\n";
    out << report->packs.size() << (report->packs.size() == 1 ? " pack, " : " packs, ") << report->errors()
        << " errors, " << report->warnings() << " warnings (" << report->templates << " templates parsed, "
        << report->renders << " sample renders)\n";
    if (report->errors() > 0 || (strict && report->warnings() > 0)) return kUsage;
    return kOk;
}

}  // namespace

int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() < 2) {
        err << kUsageText;
        return kUsage;
    }
    const std::string& command = args[1];
    if (command == "serve") return Serve(args, err);
    if (command == "migrate") return Migrate(args, out, err);
    if (command == "audit") return Audit(args, out, err);
    if (command == "openapi") return OpenApi(out, err);
    if (command == "analyze") return Analyze(args, out, err);
    if (command == "generate") return Generate(args, out, err);
    if (command == "update") return Update(args, out, err);
    if (command == "user") return User(args, std::cin, out, err);
    if (command == "keys") return Keys(args, out, err);
    if (command == "jobs") return Jobs(args, out, err);
    if (command == "backup") return Backup(args, out, err);
    if (command == "restore") return Restore(args, out, err);
    if (command == "pack") return PackCommand(args, out, err);
    if (command == "plugin") return PluginCommand(args, out, err);
    if (command == "permissions") {  // docs/permissions.md, rendered from the permission table
        out << auth::PermissionsMarkdown();
        return kOk;
    }
    if (command == "version" || command == "--version") {
        out << "dihya " << DIHYA_VERSION << "\n";
        return kOk;
    }
    if (command == "help" || command == "--help" || command == "-h") {
        out << kUsageText;
        return kOk;
    }
    err << "dihya: unknown command '" << command << "'\n" << kUsageText;
    return kUsage;
}

}  // namespace dihya::cli
