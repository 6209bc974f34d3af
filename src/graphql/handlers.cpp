#include "graphql/handlers.hpp"

#include <filesystem>
#include <memory>

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "graphql/api.hpp"
#include "graphql/socket.hpp"
#include "http/kit.hpp"
#include "http/static_files.hpp"
#include "realtime/handlers.hpp"

namespace dihya::graphql {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

/// GraphiQL's page: its scripts are files ('self'); it styles elements inline and reads fonts and images as data.
constexpr std::string_view kGraphiqlCsp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

constexpr std::string_view kResponseType = "application/graphql-response+json";

/// A request-level error (the request could not be run at all) with its problem type.
json::object RequestErrors(const std::string& message) {
    GraphqlError e = FromError(MakeError(ErrorCode::kInvalidArgument, message));
    return json::object{{"errors", json::array{ToJson(e)}}};
}

json::object ErrorsOf(const std::vector<GraphqlError>& errors) {
    json::array list;
    for (const auto& e : errors) {
        json::object o = ToJson(e);
        // Request errors (syntax, validation, variables) have the problem type too.
        if (!o.contains("extensions")) o["extensions"] = json::object();
        auto& ext = o["extensions"].as_object();
        if (!ext.contains("type")) {
            ext["type"] = "/docs/problems#invalid-argument";
            ext["status"] = 400;
        }
        list.push_back(std::move(o));
    }
    return json::object{{"errors", std::move(list)}};
}

/// GraphQL over HTTP (graphql.github.io/graphql-over-http): application/graphql-response+json when the client
/// accepts it (then request errors are 400), else application/json (always 200 once the request is well formed).
Response Answer(const Request& req, json::object body, bool request_error) {
    const auto accept = req.headers.Get("Accept");
    const bool modern = accept && accept->find(kResponseType) != std::string_view::npos;
    Response r = Response::Json(request_error && modern ? 400 : 200, body);
    r.headers.Set("Content-Type", std::string(modern ? kResponseType : "application/json") + "; charset=utf-8");
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

Result<RequestParams> ParamsOf(const Request& req) {
    auto body = http::ParseJsonBody(req);
    if (!body) return body.take_error();
    const auto& o = body->as_object();
    RequestParams p;
    const auto* query = o.if_contains("query");
    if (query == nullptr || !query->is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, "the body needs \"query\": the GraphQL document, as a string");
    }
    p.query = std::string(query->as_string());
    if (const auto* name = o.if_contains("operationName"); name != nullptr && !name->is_null()) {
        if (!name->is_string()) return MakeError(ErrorCode::kInvalidArgument, "\"operationName\" must be a string");
        p.operation_name = std::string(name->as_string());
    }
    if (const auto* vars = o.if_contains("variables"); vars != nullptr && !vars->is_null()) {
        if (!vars->is_object()) return MakeError(ErrorCode::kInvalidArgument, "\"variables\" must be an object");
        p.variables = *vars;
    }
    return p;
}

bool OffersTransportWs(const Request& req) {
    const auto offered = req.headers.Get("Sec-WebSocket-Protocol");
    if (!offered) return false;
    std::string_view rest = *offered;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == kTransportWs) return true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return false;
}

}  // namespace

void Register(http::App& app, const Schema& schema, realtime::Hub& hub, auth::AuthService& auth) {
    app.tags.push_back({"graphql", "GraphQL over the same services (docs/graphql.md)"});
    auto limits = std::make_shared<Limits>();
    limits->max_depth = static_cast<int>(app.config.graphql.max_depth);
    limits->max_cost = app.config.graphql.max_cost;
    limits->max_fields = app.config.graphql.max_fields;
    const auto send_queue = static_cast<std::size_t>(app.config.realtime.send_queue);
    const auto heartbeat = std::chrono::milliseconds(app.config.realtime.heartbeat_ms);

    app.router.Add(
        {.method = "POST",
         .path = "/graphql",
         .operation_id = "graphql",
         .summary = "Run a GraphQL query or mutation",
         .description =
             "GraphQL over HTTP: `{\"query\", \"variables\"?, \"operationName\"?}` as application/json. The schema "
             "(introspection, or GraphiQL at GET /graphql) has `me`, `catalog`, `analyze`, `projects`, `project`, "
             "`notifications` and mutations on projects, generations and notifications — the same services and "
             "authorization as the REST API (Authorization: Bearer; guests see what guests may). Errors carry their "
             "problem type in `extensions`. Requests are limited in depth (`graphql.max_depth`), cost "
             "(`graphql.max_cost`) and size. Subscriptions: WebSocket at GET /graphql with graphql-transport-ws.",
         .tag = "graphql",
         .request_schema =
             json::object{{"type", "object"},
                          {"required", json::array{"query"}},
                          {"properties", json::object{{"query", json::object{{"type", "string"}}},
                                                      {"variables", json::object{{"type", "object"}}},
                                                      {"operationName", json::object{{"type", "string"}}}}}},
         .responses = {{200, "The result: data and errors", json::object{{"type", "object"}}},
                       {400,
                        "A body that is not a GraphQL request (or, with Accept: "
                        "application/graphql-response+json, a document that does not validate)",
                        json::object{{"type", "object"}}}},
         .work = http::Work::kCompute,  // analyses and generations run here as in REST
         .handler = [&schema, limits](Request& req) {
             // JSON only: a form or text/plain POST from another site (no CORS preflight) runs nothing.
             const auto type = req.headers.Get("Content-Type");
             if (!type || type->substr(0, type->find(';')) != "application/json") {
                 Response r =
                     Response::Problem(415, "Unsupported media type",
                                       "send the GraphQL request as Content-Type: application/json", req.request_id);
                 r.headers.Set("Accept-Post", "application/json");
                 return r;
             }
             auto params = ParamsOf(req);
             if (!params) {
                 Response r = Answer(req, RequestErrors(params.error().message), true);
                 r.status = 400;
                 return r;
             }
             Prepared prepared = Prepare(schema, *limits, *params);
             if (!prepared.errors.empty()) return Answer(req, ErrorsOf(prepared.errors), true);
             const Caller caller{auth::PrincipalOf(req), auth::ContextOf(req), req.received_at, req.cancelled};
             // A subscription cannot run here: a request error (400 for application/graphql-response+json).
             const bool subscription = prepared.operation->kind == Operation::Kind::kSubscription;
             return Answer(req, Execute(schema, prepared, std::any(caller)), subscription);
         }});

    auto files = std::make_shared<http::StaticFiles>(
        std::vector<std::filesystem::path>{std::filesystem::path(app.config.web_dir) / "graphiql",
                                           std::filesystem::path(app.config.assets_dir) / "graphiql",
                                           std::filesystem::path(app.config.assets_dir) / "react" / "umd",
                                           std::filesystem::path(app.config.assets_dir) / "react-dom" / "umd"});
    auto serve = [files](const std::string& name, Request& req) {
        const std::string* content = files->Get(name);
        if (content == nullptr) {
            return Response::Problem(404, "Not found",
                                     name == "index.html" ? "GraphiQL's assets are missing: run scripts/bootstrap"
                                                          : "no such GraphiQL asset",
                                     req.request_id);
        }
        return http::StaticResponse(req, name, *content, name == "index.html" ? "no-cache" : "public, max-age=300",
                                    kGraphiqlCsp);
    };

    app.router.Add(
        {.method = "GET",
         .path = "/graphql",
         .operation_id = "graphiql",
         .summary = "GraphiQL in a browser; subscriptions over WebSocket (graphql-transport-ws)",
         .description =
             "A browser gets GraphiQL, served by this binary. A WebSocket upgrade offering the "
             "`graphql-transport-ws` subprotocol runs subscriptions (`generationProgress(id)`, `notifications`) "
             "with the graphql-ws protocol; authenticate with `connection_init`'s payload `{\"token\"}` or "
             "`{\"ticket\"}` (POST /api/v1/auth/ticket), or with Authorization on the upgrade request.",
         .tag = "graphql",
         .responses = {{200, "GraphiQL", json::object{{"type", "string"}}, "text/html"},
                       {101, "Switching to the WebSocket protocol"},
                       {400, "A WebSocket upgrade without the graphql-transport-ws subprotocol"}},
         .handler = [&schema, &hub, &auth, limits, send_queue, heartbeat, serve](Request& req) {
             if (!http::IsWebSocketUpgrade(req)) {
                 if (req.QueryParam("query")) {
                     Response r =
                         Response::Problem(405, "Method not allowed",
                                           "send queries with POST /graphql (GET serves GraphiQL)", req.request_id);
                     r.headers.Set("Allow", "GET, POST");
                     return r;
                 }
                 return serve("index.html", req);
             }
             if (!OffersTransportWs(req)) {
                 return Response::Problem(400, "Bad request",
                                          "offer the graphql-transport-ws subprotocol (Sec-WebSocket-Protocol)",
                                          req.request_id);
             }
             // Authorization or ?ticket= as on the other live endpoints; neither is a guest (who may sign in with
             // connection_init's payload).
             auto caller = realtime::LiveCaller(req, auth);
             if (!caller && (req.QueryParam("ticket") || caller.error().code != ErrorCode::kUnauthenticated)) {
                 return http::Problem(req, caller.error());
             }
             const auth::Principal who = caller ? *caller : auth::Principal::Guest();
             Response r = Response::Empty(101);
             r.headers.Set("Sec-WebSocket-Protocol", std::string(kTransportWs));
             r.live_kind = http::LiveKind::kWebSocket;
             const RequestContext ctx = auth::ContextOf(req);
             r.live = std::make_shared<SocketSession>(
                 SocketDeps{schema, *limits, hub, realtime::CredentialChecker(auth), who,
                            [ctx](const auth::Principal& caller) {
                                return std::any(Caller{caller, ctx, std::chrono::steady_clock::now(), nullptr});
                            },
                            send_queue, 64, heartbeat});
             return r;
         }});
    app.router.Add({.method = "GET",
                    .path = "/graphql/assets/{file*}",
                    .operation_id = "graphiqlAsset",
                    .summary = "GraphiQL's assets",
                    .hidden = true,
                    .handler = [serve](Request& req) {
                        const std::string name = req.path_params["file"];
                        if (name == "index.html" || name.empty()) return serve("index.html", req);
                        return serve(name, req);
                    }});
}

}  // namespace dihya::graphql
