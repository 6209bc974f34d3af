#include "ops/ops.hpp"

#include <boost/json.hpp>

#include "core/dto.hpp"
#include "storage/db.hpp"
#include "storage/migrations.hpp"

namespace dihya::ops {

struct Health {
    std::string status;
    std::string version;
};
BOOST_DESCRIBE_STRUCT(Health, (), (status, version))

struct PoolInfo {
    std::int64_t size;
    std::int64_t in_use;
    std::int64_t waiting;
};
BOOST_DESCRIBE_STRUCT(PoolInfo, (), (size, in_use, waiting))

struct DatabaseInfo {
    std::string dialect;
    std::int64_t schema_version;
    PoolInfo pool;
};
BOOST_DESCRIBE_STRUCT(DatabaseInfo, (), (dialect, schema_version, pool))

struct Readiness {
    std::string status;
    DatabaseInfo database;
};
BOOST_DESCRIBE_STRUCT(Readiness, (), (status, database))

namespace {

Result<Readiness> CheckReady(storage::Db& db) {
    if (auto ping = db.Ping(); !ping) return ping.take_error();
    auto version = storage::SchemaVersion(db);
    if (!version) return version.take_error();
    const auto stats = db.Stats();
    Readiness r;
    r.status = "ready";
    r.database.dialect = db.dialect() == storage::Dialect::kSqlite ? "sqlite" : "postgresql";
    r.database.schema_version = *version;
    r.database.pool = {static_cast<std::int64_t>(stats.size), static_cast<std::int64_t>(stats.in_use),
                       static_cast<std::int64_t>(stats.waiting)};
    return r;
}

}  // namespace

void Register(http::App& app) {
    app.tags.push_back({"ops", "Liveness, readiness and metrics for load balancers and monitoring."});
    storage::Db& db = app.db;
    http::Metrics& metrics = app.metrics;

    metrics.AddGauge(
        "dihya_db_pool_connections", "Database connections by state.",
        [&db] { return static_cast<double>(db.Stats().size); }, "state=\"open\"");
    metrics.AddGauge(
        "dihya_db_pool_connections", "Database connections by state.",
        [&db] { return static_cast<double>(db.Stats().in_use); }, "state=\"in_use\"");
    metrics.AddGauge("dihya_db_pool_waiting", "Callers waiting for a database connection.",
                     [&db] { return static_cast<double>(db.Stats().waiting); });

    app.router.Add({
        .method = "GET",
        .path = "/healthz",
        .operation_id = "getHealth",
        .summary = "Liveness: the process answers",
        .tag = "ops",
        .responses = {{200, "Alive", dto::Schema<Health>()}},
        .handler =
            [](http::Request&) {
                return http::Response::Json(200, dto::Encode(Health{"ok", DIHYA_VERSION}));
            },
    });
    app.router.Add({
        .method = "GET",
        .path = "/readyz",
        .operation_id = "getReadiness",
        .summary = "Readiness: the database answers and its schema is current",
        .tag = "ops",
        .responses = {{200, "Ready", dto::Schema<Readiness>()}, {503, "Not ready (database unreachable)"}},
        .handler =
            [&db](http::Request& request) {
                auto ready = CheckReady(db);
                if (!ready) {
                    Error e = ready.error();
                    e.code = ErrorCode::kUnavailable;
                    return http::Response::Problem(e, request.request_id);
                }
                return http::Response::Json(200, dto::Encode(*ready));
            },
    });
    app.router.Add({
        .method = "GET",
        .path = "/metrics",
        .operation_id = "getMetrics",
        .summary = "Prometheus metrics",
        .description = "Request counts and latency histograms by route and status, open connections, "
                       "database pool.",
        .tag = "ops",
        .responses = {{200, "Prometheus text exposition format", boost::json::object{{"type", "string"}},
                       "text/plain"}},
        .handler =
            [&metrics](http::Request&) {
                return http::Response::Text(200, metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
            },
    });
}

}  // namespace dihya::ops
