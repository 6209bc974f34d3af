#include "gdpr/handlers.hpp"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::gdpr {

struct ExportDto {
    std::string id;
    std::string status;
    std::string created_at;
    std::optional<std::string> finished_at;
    std::optional<std::int64_t> size;
    std::optional<std::string> sha256;
    std::optional<std::string> expires_at;
    std::optional<std::string> error;
    std::string status_url;
    std::optional<std::string> archive_url;
};
BOOST_DESCRIBE_STRUCT(ExportDto, (),
                      (id, status, created_at, finished_at, size, sha256, expires_at, error, status_url, archive_url))

struct EraseRequest {
    std::optional<std::string> password;
};
BOOST_DESCRIBE_STRUCT(EraseRequest, (), (password))

namespace json = boost::json;
using http::Request;
using http::Response;
using http::Work;

namespace {

ExportDto ToDto(const ExportInfo& e) {
    ExportDto d;
    d.id = e.id;
    d.status = e.status;
    d.created_at = e.created_at;
    if (!e.finished_at.empty()) d.finished_at = e.finished_at;
    if (e.status == "succeeded") {
        d.size = e.size;
        d.sha256 = e.sha256;
        d.expires_at = e.expires_at;
        d.archive_url = "/api/v1/users/me/exports/" + e.id + "/archive";
    }
    if (!e.error.empty()) d.error = e.error;
    d.status_url = "/api/v1/users/me/exports/" + e.id;
    return d;
}

}  // namespace

void Register(http::App& app, GdprService& service) {
    app.tags.push_back({"privacy", "GDPR: export and erasure of your personal data (see docs/privacy.md)"});
    GdprService& s = service;
    const json::value export_schema = dto::Schema<ExportDto>();
    app.router.Add({.method = "POST",
                    .path = "/api/v1/users/me/export",
                    .operation_id = "requestExport",
                    .summary = "Export every piece of personal data held about you",
                    .description = "Starts a background job that builds a zip archive (JSON files and a README). "
                                   "Poll the status URL (Location) until `succeeded`, then download `archive_url`. "
                                   "One export at a time; archives are deleted after gdpr.export_days days.",
                    .tag = "privacy",
                    .responses = {{202, "Export started", export_schema}, {409, "An export is already running"}},
                    .requires_auth = true,
                    .handler = [&s](Request& req) {
                        auto e = s.RequestExport(auth::PrincipalOf(req), auth::ContextOf(req));
                        if (!e) return Problem(req, e.error());
                        ExportDto dto = ToDto(*e);
                        Response r = NoStore(Response::Json(202, dto::Encode(dto)));
                        r.headers.Set("Location", dto.status_url);
                        return r;
                    }});
    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/users/me/exports",
         .operation_id = "listExports",
         .summary = "Your exports, newest first",
         .tag = "privacy",
         .responses = {{200, "Exports",
                        json::object{{"type", "object"},
                                     {"properties", {{"items", {{"type", "array"}, {"items", export_schema}}}}}}}},
         .requires_auth = true,
         .handler = [&s](Request& req) {
             auto list = s.Exports(auth::PrincipalOf(req));
             if (!list) return Problem(req, list.error());
             json::array items;
             for (const auto& e : *list) items.push_back(dto::Encode(ToDto(e)));
             return NoStore(Response::Json(200, json::object{{"items", std::move(items)}}));
         }});
    app.router.Add({.method = "GET",
                    .path = "/api/v1/users/me/exports/{id:uuid}",
                    .operation_id = "getExport",
                    .summary = "Status of one export",
                    .tag = "privacy",
                    .responses = {{200, "Export", export_schema}, {404, "No such export"}},
                    .requires_auth = true,
                    .handler = [&s](Request& req) {
                        auto e = s.GetExport(auth::PrincipalOf(req), req.path_params["id"]);
                        if (!e) return Problem(req, e.error());
                        return NoStore(Response::Json(200, dto::Encode(ToDto(*e))));
                    }});
    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/users/me/exports/{id:uuid}/archive",
         .operation_id = "downloadExport",
         .summary = "Download an export archive (zip)",
         .tag = "privacy",
         .responses = {{200, "The archive", json::object{{"type", "string"}, {"contentMediaType", "application/zip"}},
                        "application/zip"},
                       {404, "No such export, or expired"},
                       {409, "Not ready yet (Retry-After)"}},
         .requires_auth = true,
         .handler = [&s](Request& req) {
             auto path = s.ExportArchive(auth::PrincipalOf(req), req.path_params["id"]);
             if (!path) return Problem(req, path.error());
             std::ifstream in(*path, std::ios::binary);
             std::stringstream bytes;
             bytes << in.rdbuf();
             Response r = NoStore(Response::Text(200, bytes.str(), "application/zip"));
             r.headers.Set("Content-Disposition", "attachment; filename=\"personal-data.zip\"");
             return r;
         }});
    app.router.Add(
        {.method = "DELETE",
         .path = "/api/v1/users/me",
         .operation_id = "eraseMe",
         .summary = "Erase your account and its data (GDPR)",
         .description = "Deletes the account and everything attached to it, deletes your export archives "
                        "and pseudonymises the audit entries about you (the audit chain stays valid). "
                        "Confirm with `{\"password\": ...}`; accounts without a password must have "
                        "signed in within the last 15 minutes. The last admin cannot leave.",
         .tag = "privacy",
         .request_schema = dto::Schema<EraseRequest>(),
         .responses = {{204, "Erased"}, {400, "Password missing"}, {403, "Wrong password"}, {409, "Last admin"}},
         .requires_auth = true,
         .work = Work::kAuth,
         .handler = [&s](Request& req) {
             EraseRequest in;
             if (!req.body.empty()) {
                 auto body = http::ParseJsonBody(req);
                 if (!body) return Problem(req, body.error());
                 auto decoded = dto::Decode<EraseRequest>(*body);
                 if (!decoded) return Problem(req, decoded.error());
                 in = std::move(*decoded);
             }
             if (auto r = s.Erase(auth::PrincipalOf(req), in.password.value_or(""), auth::ContextOf(req)); !r) {
                 return Problem(req, r.error());
             }
             return Response::Empty(204);
         }});
}

}  // namespace dihya::gdpr
