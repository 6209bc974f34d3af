#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/composition.hpp"
#include "core/json_pretty.hpp"
#include "docs/docs.hpp"
#include "http/middleware/access_log.hpp"
#include "http/middleware/compression.hpp"
#include "http/middleware/cors.hpp"
#include "http/middleware/rate_limit.hpp"
#include "http/middleware/request_id.hpp"
#include "http/middleware/security_headers.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "ratelimit/shared_buckets.hpp"
#include "realtime/relay.hpp"

namespace dihya::cli {

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
    std::string note;
    if (auto r = EnsureSecret(*config, note); !r) {
        err << "dihya serve: " << r.error().message << "\n";
        return r.error().code == ErrorCode::kInvalidArgument ? kUsage : kFailure;
    }
    if (!note.empty()) log.Warn(note);

    auto db = OpenAndMigrate(*config, log);
    if (!db) {
        log.Error("database unavailable", {{"error", db.error().message}});
        err << "dihya serve: " << db.error().message << "\n";
        return kFailure;
    }
    auto services = BuildServices(*config, log, **db);
    if (!services) {
        err << "dihya serve: " << services.error().message << "\n";
        return kUsage;
    }
    Composition c(**services);
    if (auto r = RegisterModules(c); !r) {
        err << "dihya serve: " << r.error().message << "\n";
        return kFailure;
    }

    http::Pipeline pipeline(c.router, log);
    http::TokenBuckets buckets(config->rate_limit.requests_per_second, config->rate_limit.burst);
    pipeline.Use(std::make_unique<http::RequestIdMiddleware>());
    pipeline.Use(std::make_unique<http::AccessLogMiddleware>(log, c.metrics));
    pipeline.Use(std::make_unique<http::CompressionMiddleware>(
        http::CompressionOptions{.enabled = config->compression.enabled,
                                 .min_bytes = static_cast<std::size_t>(config->compression.min_bytes),
                                 .gzip_level = static_cast<int>(config->compression.gzip_level),
                                 .brotli_quality = static_cast<int>(config->compression.brotli_quality),
                                 .cache_bytes = static_cast<std::size_t>(config->compression.cache_bytes)}));
    pipeline.Use(std::make_unique<http::SecurityHeadersMiddleware>());
    pipeline.Use(std::make_unique<http::CorsMiddleware>(config->cors.allowed_origins));
    // Several nodes on one PostgreSQL database: one bucket per client for all of them.
    std::unique_ptr<ratelimit::SharedBuckets> shared_buckets;
    if (config->rate_limit.shared && (*db)->dialect() == storage::Dialect::kPostgres) {
        shared_buckets = std::make_unique<ratelimit::SharedBuckets>(
            ratelimit::SharedBucketsDeps{.db = **db,
                                         .log = log,
                                         .rate_per_second = config->rate_limit.requests_per_second,
                                         .burst = config->rate_limit.burst,
                                         .now = {},
                                         .fallback = &buckets});
    }
    if (config->rate_limit.enabled) {
        pipeline.Use(std::make_unique<http::RateLimitMiddleware>(
            shared_buckets ? static_cast<http::RateLimiter&>(*shared_buckets) : buckets));
    }
    pipeline.Use(std::make_unique<auth::AuthMiddleware>(*(*services)->auth));

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
    // Several nodes on one PostgreSQL database: live events reach every node's connections.
    std::unique_ptr<realtime::PgRelay> relay;
    if ((*db)->dialect() == storage::Dialect::kPostgres) {
        relay = std::make_unique<realtime::PgRelay>(**db, config->EffectiveDatabaseUrl(), *(*services)->hub, log);
        if (auto r = relay->Start(); !r) {
            log.Error("cannot listen for other nodes' events", {{"error", r.error().message}});
            err << "dihya serve: " << r.error().message << "\n";
            return kFailure;
        }
    }
    (*services)->jobs->Start();
    if (auto r = (*services)->scheduler->Start(); !r) {
        log.Error("scheduler cannot start", {{"error", r.error().message}});
        err << "dihya serve: " << r.error().message << "\n";
        (*services)->jobs->Stop();
        return kFailure;
    }
    server.Run();
    (*services)->scheduler->Stop();
    (*services)->jobs->Stop();
    if (relay) relay->Stop();
    (*services)->mailer->Flush();
    log.Info("stopped");
    return kOk;
}

int OpenApi(std::ostream& out, std::ostream& err) {
    auto loaded = LoadConfig(ConfigSources{});
    if (!loaded) {
        err << "dihya: invalid configuration: " << loaded.error().message << "\n";
        return kUsage;
    }
    const Config& config = *loaded;
    Logger log(LogLevel::kError);
    auto db = storage::OpenDatabase("sqlite::memory:");
    if (!db) {
        err << "dihya openapi: " << db.error().message << "\n";
        return kFailure;
    }
    auto services = BuildServices(config, log, **db);
    if (!services) {
        err << "dihya openapi: " << services.error().message << "\n";
        return kUsage;
    }
    Composition c(**services);
    if (auto r = RegisterModules(c); !r) {
        err << "dihya openapi: " << r.error().message << "\n";
        return kFailure;
    }
    out << PrettyJson(boost::json::parse(docs::OpenApiJson(c.router, c.tags))) << "\n";
    return kOk;
}

}  // namespace dihya::cli
