#include "scheduler/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "auth/permissions.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::scheduler::dto_types {

struct OutputLineDto {
    std::string at;
    std::string message;
};
BOOST_DESCRIBE_STRUCT(OutputLineDto, (), (at, message))

struct RunDto {
    std::string id;
    std::string status;   // queued | running | succeeded | failed | cancelled
    std::string trigger;  // schedule | manual
    std::string due_at;
    std::string created_at;
    std::optional<std::string> started_at;
    std::optional<std::string> finished_at;
    std::int64_t attempts = 0;
    std::optional<std::string> error;
    boost::json::value result;
    std::vector<OutputLineDto> output;
};
BOOST_DESCRIBE_STRUCT(RunDto, (),
                      (id, status, trigger, due_at, created_at, started_at, finished_at, attempts, error, result,
                       output))

struct ScheduleDto {
    std::string name;
    std::string description;
    std::string cron;
    std::string time_zone;
    bool paused = false;
    std::optional<std::string> next_run_at;
    std::optional<RunDto> last_run;
};
BOOST_DESCRIBE_STRUCT(ScheduleDto, (), (name, description, cron, time_zone, paused, next_run_at, last_run))

struct ScheduleListDto {
    std::vector<ScheduleDto> items;
};
BOOST_DESCRIBE_STRUCT(ScheduleListDto, (), (items))

struct RunPageDto {
    std::vector<RunDto> items;
    std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(RunPageDto, (), (items, next_cursor))

}  // namespace dihya::scheduler::dto_types

namespace dihya::scheduler {

namespace json = boost::json;
namespace d = dto_types;
using http::Request;
using http::Response;

namespace {

std::optional<std::string> NonEmpty(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional(s);
}

std::string InputText(const jobs::Job& job, const char* key) {
    const auto* v = job.input.is_object() ? job.input.as_object().if_contains(key) : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

d::RunDto ToDto(const jobs::Job& job, const std::vector<jobs::Event>& output) {
    d::RunDto out{job.id,
                  job.status,
                  InputText(job, "trigger"),
                  InputText(job, "due_at"),
                  job.created_at,
                  NonEmpty(job.started_at),
                  NonEmpty(job.finished_at),
                  job.attempts,
                  NonEmpty(job.error),
                  job.result,
                  {}};
    for (const auto& e : output) out.output.push_back({e.at, e.message});
    return out;
}

d::ScheduleDto ToDto(const Schedule& s) {
    d::ScheduleDto out{s.name, s.description, s.cron, s.time_zone, s.paused, NonEmpty(s.next_run_at), std::nullopt};
    if (s.last_run) out.last_run = ToDto(*s.last_run, {});
    return out;
}

Result<void> MayManage(const Request& req) {
    return auth::Authorize(auth::PrincipalOf(req), auth::Action::kJobsManage);
}

}  // namespace

void Register(http::App& app, Scheduler& s) {
    app.tags.push_back({"scheduler",
                        "Jobs that run on cron expressions (backups, retention, cleanup): admins list, pause, resume "
                        "and run them and read their history (docs/operations.md)"});
    auto& r = app.router;
    r.Add({.method = "GET",
           .path = "/api/v1/admin/jobs",
           .operation_id = "listScheduledJobs",
           .summary = "The scheduled jobs, their timing, next due time and last run",
           .tag = "scheduler",
           .responses = {{200, "The jobs", dto::Schema<d::ScheduleListDto>()}, {403, "Not an admin"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               auto list = s.List();
               if (!list) return http::Problem(req, list.error());
               d::ScheduleListDto out;
               for (const auto& one : *list) out.items.push_back(ToDto(one));
               return NoStore(Response::Json(200, dto::Encode(out)));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/admin/jobs/{name}",
           .operation_id = "getScheduledJob",
           .summary = "One scheduled job",
           .tag = "scheduler",
           .responses = {{200, "The job", dto::Schema<d::ScheduleDto>()}, {404, "No such job"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               auto one = s.Get(req.path_params.at("name"));
               if (!one) return http::Problem(req, one.error());
               return NoStore(Response::Json(200, dto::Encode(ToDto(*one))));
           }});
    for (const bool pause : {true, false}) {
        r.Add({.method = "POST",
               .path = pause ? "/api/v1/admin/jobs/{name}/pause" : "/api/v1/admin/jobs/{name}/resume",
               .operation_id = pause ? "pauseScheduledJob" : "resumeScheduledJob",
               .summary = pause ? "Pause a scheduled job (a run in progress finishes)"
                                : "Resume a scheduled job: next due from now, not for the times it missed",
               .tag = "scheduler",
               .responses = {{200, "The job", dto::Schema<d::ScheduleDto>()}, {404, "No such job"}},
               .requires_auth = true,
               .handler = [&s, pause](Request& req) {
                   if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
                   auto one = s.SetPaused(req.path_params.at("name"), pause, auth::PrincipalOf(req).user_id,
                                          auth::ContextOf(req));
                   if (!one) return http::Problem(req, one.error());
                   return NoStore(Response::Json(200, dto::Encode(ToDto(*one))));
               }});
    }
    r.Add({.method = "POST",
           .path = "/api/v1/admin/jobs/{name}/run",
           .operation_id = "runScheduledJob",
           .summary = "Run a scheduled job now",
           .description = "Queues a run beside the schedule (which is unchanged); any node's workers take it. Follow "
                          "it in GET /api/v1/admin/jobs/{name}/runs. 409 while a run of the job is queued or running.",
           .tag = "scheduler",
           .responses = {{202, "The run, queued", dto::Schema<d::RunDto>()},
                         {404, "No such job"},
                         {409, "A run is already queued or running"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               const std::string job = req.path_params.at("name");
               auto run = s.RunNow(job, auth::PrincipalOf(req).user_id, auth::ContextOf(req));
               if (!run) return http::Problem(req, run.error());
               Response res = Response::Json(202, dto::Encode(ToDto(*run, {})));
               res.headers.Set("Location", "/api/v1/admin/jobs/" + job + "/runs");
               return NoStore(std::move(res));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/admin/jobs/{name}/runs",
           .operation_id = "listScheduledRuns",
           .summary = "A scheduled job's runs, newest first, with the end of their output",
           .description = "Each run: status, whether the schedule or an admin started it, the due time, start and "
                          "end, attempts (a run whose node died is taken over), error, result and the last lines "
                          "of its log. Cursor pagination; runs older than 90 days are removed by the job cleanup.",
           .tag = "scheduler",
           .params = {http::LimitParam(), http::CursorParam()},
           .responses = {{200, "A page of runs", dto::Schema<d::RunPageDto>()}, {404, "No such job"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto a = MayManage(req); !a) return http::Problem(req, a.error());
               auto limit = http::LimitOf(req, 20);
               if (!limit) return http::Problem(req, limit.error());
               auto page = s.History(req.path_params.at("name"), req.QueryParam("cursor").value_or(""), *limit);
               if (!page) return http::Problem(req, page.error());
               d::RunPageDto out;
               for (const auto& run : page->runs) out.items.push_back(ToDto(run.job, run.output));
               out.next_cursor = page->next_cursor;
               return NoStore(Response::Json(200, dto::Encode(out)));
           }});
}

}  // namespace dihya::scheduler
