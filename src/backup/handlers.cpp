#include "backup/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "auth/permissions.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::backup::dto_types {

struct BackupDto {
    std::string name;
    std::uint64_t bytes = 0;
    std::string created_at;
    std::string download_url;
};
BOOST_DESCRIBE_STRUCT(BackupDto, (), (name, bytes, created_at, download_url))

struct BackupListDto {
    std::vector<BackupDto> items;
};
BOOST_DESCRIBE_STRUCT(BackupListDto, (), (items))

struct BackupRunDto {
    std::string run_id;
    std::string status;
    std::string runs_url;
};
BOOST_DESCRIBE_STRUCT(BackupRunDto, (), (run_id, status, runs_url))

}  // namespace dihya::backup::dto_types

namespace dihya::backup {

namespace json = boost::json;
namespace d = dto_types;
using http::Request;
using http::Response;

namespace {

constexpr const char* kBase = "/api/v1/admin/backups";

Result<void> MayManage(const Request& req) {
    return auth::Authorize(auth::PrincipalOf(req), auth::Action::kBackupsManage);
}

}  // namespace

void Register(http::App& app, Backups& backups, scheduler::Scheduler& scheduler) {
    app.tags.push_back({"backups",
                        "Encrypted backups of the database that the scheduled job \"backup\" keeps in backup.dir: "
                        "list, make one now, download (restore with `dihya restore`; docs/operations.md)"});
    auto& r = app.router;
    r.Add({.method = "GET",
           .path = kBase,
           .operation_id = "listBackups",
           .summary = "The backups kept in backup.dir, newest first",
           .tag = "backups",
           .responses = {{200, "The backups", dto::Schema<d::BackupListDto>()}, {403, "Not an admin"}},
           .requires_auth = true,
           .handler = [&backups](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               auto list = backups.List();
               if (!list) return http::Problem(req, list.error());
               d::BackupListDto out;
               for (const auto& f : *list) {
                   out.items.push_back({f.name, f.bytes, f.created_at, std::string(kBase) + "/" + f.name});
               }
               return NoStore(Response::Json(200, dto::Encode(out)));
           }});
    r.Add({.method = "POST",
           .path = kBase,
           .operation_id = "makeBackup",
           .summary = "Make a backup now",
           .description = "Runs the scheduled job `backup` now (any node's workers take it); follow it in "
                          "GET /api/v1/admin/jobs/backup/runs, then find the file in GET /api/v1/admin/backups. "
                          "409 while a backup is queued or running.",
           .tag = "backups",
           .responses = {{202, "Queued", dto::Schema<d::BackupRunDto>()},
                         {403, "Not an admin"},
                         {409, "A backup is already queued or running"}},
           .requires_auth = true,
           .handler = [&scheduler](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               auto run = scheduler.RunNow("backup", auth::PrincipalOf(req).user_id, auth::ContextOf(req));
               if (!run) return http::Problem(req, run.error());
               Response res = Response::Json(
                   202, dto::Encode(d::BackupRunDto{run->id, run->status, "/api/v1/admin/jobs/backup/runs"}));
               res.headers.Set("Location", "/api/v1/admin/jobs/backup/runs");
               return NoStore(std::move(res));
           }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/{name}",
           .operation_id = "downloadBackup",
           .summary = "Download a backup",
           .description = "The encrypted archive as made (restore it with `dihya restore FILE`; the secret or "
                          "backup.key in use when it was made is needed).",
           .tag = "backups",
           .responses = {{200, "The backup",
                          json::object{{"type", "string"}, {"contentMediaType", "application/octet-stream"}},
                          "application/octet-stream"},
                         {403, "Not an admin"},
                         {404, "No such backup"}},
           .requires_auth = true,
           .handler = [&backups](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               const std::string name = req.path_params.at("name");
               auto path = backups.PathOf(name);
               if (!path) return http::Problem(req, path.error());
               Response res = NoStore(Response::Text(200, "", "application/octet-stream"));
               res.file = path->string();
               res.headers.Set("Content-Disposition", "attachment; filename=\"" + name + "\"");
               return res;
           }});
}

}  // namespace dihya::backup
