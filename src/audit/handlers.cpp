#include "audit/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "auth/permissions.hpp"

namespace dihya::audit {

namespace json = boost::json;

namespace {

json::object EntryJson(const Record& r) {
    json::object o{{"seq", r.seq},         {"at", r.at},     {"action", r.action},
                   {"details", r.details}, {"hash", r.hash}, {"pseudonymised", r.pseudonymised}};
    o["actor_id"] = r.actor_id ? json::value(*r.actor_id) : json::value(nullptr);
    o["target_type"] = r.target_type ? json::value(*r.target_type) : json::value(nullptr);
    o["target_id"] = r.target_id ? json::value(*r.target_id) : json::value(nullptr);
    o["request_id"] = r.request_id ? json::value(*r.request_id) : json::value(nullptr);
    o["ip"] = r.ip ? json::value(*r.ip) : json::value(nullptr);
    return o;
}

}  // namespace

void Register(http::App& app, const AuditLog& log) {
    auto str = [](const char* d) { return json::object{{"type", "string"}, {"description", d}}; };
    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/admin/audit",
         .operation_id = "listAudit",
         .summary = "The audit log, newest first",
         .description = "Hash-chained and append-only (docs/audit.md); GET /api/v1/admin/audit/verify and `dihya audit "
                        "verify` check the chain. "
                        "`action` is exact or a prefix ending in `.` (e.g. `auth.`). Cursor pagination.",
         .tag = "admin",
         .params = {{"actor", "query", "user id of the actor", str("user id")},
                    {"action", "query", "action or prefix", str("e.g. auth.login or auth.")},
                    {"target_type", "query", "e.g. user", str("target type")},
                    {"target_id", "query", "id of the target", str("target id")},
                    {"from", "query", "ISO 8601, inclusive", str("time")},
                    {"to", "query", "ISO 8601, exclusive", str("time")},
                    {"limit", "query", "1-200 (default 50)",
                     json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}},
                    {"cursor", "query", "next_cursor of the previous page", str("cursor")}},
         .responses = {{200, "A page of entries", json::object{{"type", "object"}}}, {403, "Not an admin"}},
         .requires_auth = true,
         .handler = [&log](http::Request& req) {
             if (auto a = auth::Authorize(auth::PrincipalOf(req), auth::Action::kAuditRead); !a) {
                 return http::Response::Problem(a.error(), req.request_id);
             }
             ListFilter f;
             f.actor_id = req.QueryParam("actor");
             f.action = req.QueryParam("action");
             f.target_type = req.QueryParam("target_type");
             f.target_id = req.QueryParam("target_id");
             f.from = req.QueryParam("from");
             f.to = req.QueryParam("to");
             int limit = 0;
             if (auto l = req.QueryParam("limit")) {
                 try {
                     limit = std::stoi(*l);
                 } catch (...) {
                     return http::Response::Problem(MakeError(ErrorCode::kInvalidArgument, "limit must be an integer",
                                                              {{"limit", "not an integer"}}),
                                                    req.request_id);
                 }
                 if (limit < 1) {
                     return http::Response::Problem(
                         MakeError(ErrorCode::kInvalidArgument, "limit must be at least 1", {{"limit", "must be ≥ 1"}}),
                         req.request_id);
                 }
             }
             auto page = log.List(f, req.QueryParam("cursor").value_or(""), limit);
             if (!page) return http::Response::Problem(page.error(), req.request_id);
             json::array items;
             for (const auto& r : page->entries) items.push_back(EntryJson(r));
             json::object out{{"items", std::move(items)}};
             if (page->next_cursor) out["next_cursor"] = *page->next_cursor;
             http::Response res = http::Response::Json(200, out);
             res.headers.Set("Cache-Control", "no-store");
             return res;
         }});
    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/admin/audit/verify",
         .operation_id = "verifyAudit",
         .summary = "Check the audit log's hash chain",
         .description = "Walks the whole chain in one snapshot, as `dihya audit verify` does: `ok` with the number of "
                        "entries and the head's hash, or the first bad entry (`failure.seq`, `failure.reason`: "
                        "modified, missing, chain broken, tail deleted, ...). A broken chain is a 200 with "
                        "`ok: false`; a log that cannot be read is a 500.",
         .tag = "admin",
         .responses = {{200, "The verification", json::object{{"type", "object"}}}, {403, "Not an admin"}},
         .requires_auth = true,
         .work = http::Work::kCompute,  // reads and hashes every entry
         .handler = [&log](http::Request& req) {
             if (auto a = auth::Authorize(auth::PrincipalOf(req), auth::Action::kAuditRead); !a) {
                 return http::Response::Problem(a.error(), req.request_id);
             }
             auto report = log.Verify();
             if (!report) return http::Response::Problem(report.error(), req.request_id);
             json::object out{{"ok", report->ok()}, {"entries", report->entries}, {"head_hash", report->head_hash}};
             out["failure"] =
                 report->failure
                     ? json::value(json::object{{"seq", report->failure->seq}, {"reason", report->failure->reason}})
                     : json::value(nullptr);
             http::Response res = http::Response::Json(200, out);
             res.headers.Set("Cache-Control", "no-store");
             return res;
         }});
}

}  // namespace dihya::audit
