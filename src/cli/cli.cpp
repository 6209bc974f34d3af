#include "cli/cli.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <boost/json.hpp>

#include "analyze/analyzer.hpp"
#include "analyze/handlers.hpp"
#include "catalog/catalog.hpp"
#include "core/config.hpp"
#include "core/ids.hpp"
#include "core/json_pretty.hpp"
#include "core/log.hpp"
#include "docs/docs.hpp"
#include "http/app.hpp"
#include "http/middleware/access_log.hpp"
#include "http/middleware/cors.hpp"
#include "http/middleware/rate_limit.hpp"
#include "http/middleware/request_id.hpp"
#include "http/middleware/security_headers.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "ops/ops.hpp"
#include "storage/db.hpp"
#include "storage/migrations.hpp"

namespace dihya::cli {

namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

constexpr std::string_view kUsageText = R"(usage: dihya COMMAND [OPTIONS]

commands:
  serve     [--listen HOST:PORT] [--data-dir DIR] [--database URL] [--config FILE] [--dev]
            run the HTTP server (docs at /docs)
  migrate   [--data-dir DIR] [--database URL] [--config FILE] [--status]
            apply pending database migrations (or list them with --status)
  analyze   SPEC
            print the understood ProjectModel as JSON; SPEC is .yaml/.yml/.json (structured),
            .txt/.md (free text in French, English or Arabic) or - for stdin (free text)
  openapi   print the OpenAPI 3.1 document
  version   print the version
  help      this text

environment: DIHYA_LISTEN, DIHYA_DATA_DIR, DIHYA_DATABASE_URL, DIHYA_SECRET (required by serve
unless --dev), and any configuration key as DIHYA_<SECTION>__<KEY> (e.g. DIHYA_LIMITS__MAX_BODY_BYTES).
)";

struct Parsed {
    std::map<std::string, std::string> flags;  // config keys
    std::optional<std::string> config_file;
    bool status = false;
};

/// Maps command-line options to configuration keys.
Result<Parsed> ParseOptions(const std::vector<std::string>& args, std::size_t from, bool allow_status) {
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

/// Everything `serve` runs, built once, in dependency order.
struct Composition {
    explicit Composition(const Config& c, Logger& l, storage::Db& d) : config(c), log(l), db(d) {}
    const Config& config;
    Logger& log;
    storage::Db& db;
    http::Router router;
    http::Metrics metrics;
    std::vector<http::TagDoc> tags;
    http::App app{config, log, router, metrics, db, tags};
    catalog::Catalog catalog;
    model::Vocabulary vocabulary;
    std::unique_ptr<analyze::RuleAnalyzer> analyzer;
};

Result<void> RegisterModules(Composition& c) {
    auto cat = catalog::BuiltinCatalog();
    if (!cat) return cat.take_error();
    c.catalog = std::move(*cat);
    c.vocabulary = catalog::ToVocabulary(c.catalog);
    auto analyzer = analyze::RuleAnalyzer::Create();
    if (!analyzer) return analyzer.take_error();
    c.analyzer = std::move(*analyzer);

    ops::Register(c.app);
    catalog::Register(c.app, c.catalog);
    analyze::Register(c.app, *c.analyzer, c.vocabulary);
    docs::Register(c.app);
    return Ok();
}

Result<std::unique_ptr<storage::Db>> OpenAndMigrate(const Config& config, Logger& log) {
    const std::string url = config.EffectiveDatabaseUrl();
    if (url.rfind("sqlite:", 0) == 0 && config.database_url.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(config.data_dir, ec);
        if (ec) {
            return MakeError(ErrorCode::kUnavailable,
                             "cannot create the data directory " + config.data_dir + ": " + ec.message());
        }
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

int Serve(const std::vector<std::string>& args, std::ostream& err) {
    auto parsed = ParseOptions(args, 2, false);
    if (!parsed) {
        err << "dihya serve: " << parsed.error().message << "\n";
        return kUsage;
    }
    auto config = LoadFrom(*parsed);
    if (!config) {
        err << "dihya: invalid configuration: " << config.error().message << "\n";
        return kUsage;
    }
    Logger log(config->log_level);
    if (config->secret.empty()) {
        if (!config->dev) {
            err << "dihya serve: DIHYA_SECRET is not set; set it to at least 32 random characters "
                   "(e.g. `openssl rand -hex 32`), or run with --dev for a throwaway secret\n";
            return kUsage;
        }
        config->secret = RandomHex(32);
        log.Warn("generated a development secret (--dev): tokens will not survive a restart");
    }

    auto db = OpenAndMigrate(*config, log);
    if (!db) {
        log.Error("database unavailable", {{"error", db.error().message}});
        err << "dihya serve: " << db.error().message << "\n";
        return kFailure;
    }
    Composition c(*config, log, **db);
    if (auto r = RegisterModules(c); !r) {
        err << "dihya serve: " << r.error().message << "\n";
        return kFailure;
    }

    http::Pipeline pipeline(c.router, log);
    http::TokenBuckets buckets(config->rate_limit.requests_per_second, config->rate_limit.burst);
    pipeline.Use(std::make_unique<http::RequestIdMiddleware>());
    pipeline.Use(std::make_unique<http::AccessLogMiddleware>(log, c.metrics));
    pipeline.Use(std::make_unique<http::SecurityHeadersMiddleware>());
    pipeline.Use(std::make_unique<http::CorsMiddleware>(config->cors.allowed_origins));
    if (config->rate_limit.enabled) pipeline.Use(std::make_unique<http::RateLimitMiddleware>(buckets));

    http::Server server(*config, pipeline, log, c.metrics);
    if (auto r = server.Listen(); !r) {
        log.Error("cannot listen", {{"error", r.error().message}});
        err << "dihya serve: " << r.error().message << "\n";
        return r.error().code == ErrorCode::kInvalidArgument ? kUsage : kFailure;
    }
    const std::string scheme = config->tls_cert_file.empty() ? "http" : "https";
    log.Info("listening", {{"address", server.address()},
                           {"scheme", scheme},
                           {"database", (*db)->Describe()},
                           {"docs", scheme + "://" + server.address() + "/docs"},
                           {"version", DIHYA_VERSION}});
    server.Run();
    log.Info("stopped");
    return kOk;
}

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

int OpenApi(std::ostream& out, std::ostream& err) {
    Config config;
    Logger log(LogLevel::kError);
    auto db = storage::OpenDatabase("sqlite::memory:");
    if (!db) {
        err << "dihya openapi: " << db.error().message << "\n";
        return kFailure;
    }
    Composition c(config, log, **db);
    if (auto r = RegisterModules(c); !r) {
        err << "dihya openapi: " << r.error().message << "\n";
        return kFailure;
    }
    out << PrettyJson(boost::json::parse(docs::OpenApiJson(c.router, c.tags))) << "\n";
    return kOk;
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

std::string Extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return ext;
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

}  // namespace

int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.size() < 2) {
        err << kUsageText;
        return kUsage;
    }
    const std::string& command = args[1];
    if (command == "serve") return Serve(args, err);
    if (command == "migrate") return Migrate(args, out, err);
    if (command == "openapi") return OpenApi(out, err);
    if (command == "analyze") return Analyze(args, out, err);
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
