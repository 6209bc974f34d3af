#include "projects/handlers.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "core/crypto.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"
#include "model/utf8.hpp"

namespace dihya::projects::dto_types {

struct SpanDto {
    std::int64_t start = 0;
    std::int64_t end = 0;
};
BOOST_DESCRIBE_STRUCT(SpanDto, (), (start, end))

struct AssumptionDto {
    std::string field;
    std::string message;
    std::optional<std::vector<SpanDto>> spans;  // where in source_text (UTF-16 offsets)
};
BOOST_DESCRIBE_STRUCT(AssumptionDto, (), (field, message, spans))

struct ProjectLinksDto {
    std::string self;
    std::string generations;
};
BOOST_DESCRIBE_STRUCT(ProjectLinksDto, (), (self, generations))

struct ProjectDto {
    std::string id;
    std::string owner_id;
    std::string name;
    std::string title;
    std::string description;
    boost::json::value spec;
    std::optional<std::string> source_text;
    std::vector<AssumptionDto> assumptions;
    std::int64_t version;
    std::int64_t entity_count;
    std::string created_at;
    std::string updated_at;
    std::string role;
    ProjectLinksDto links;
};
BOOST_DESCRIBE_STRUCT(ProjectDto, (),
                      (id, owner_id, name, title, description, spec, source_text, assumptions, version, entity_count,
                       created_at, updated_at, role, links))

struct ProjectSummaryDto {
    std::string id;
    std::string owner_id;
    std::string name;
    std::string title;
    std::string description;
    std::int64_t version;
    std::int64_t entity_count;
    bool from_text;
    std::string created_at;
    std::string updated_at;
    std::string role;
    ProjectLinksDto links;
};
BOOST_DESCRIBE_STRUCT(ProjectSummaryDto, (),
                      (id, owner_id, name, title, description, version, entity_count, from_text, created_at, updated_at,
                       role, links))

struct MemberDto {
    std::string user_id;
    std::string display_name;
    std::string role;
    std::string added_at;
    std::string updated_at;
};
BOOST_DESCRIBE_STRUCT(MemberDto, (), (user_id, display_name, role, added_at, updated_at))

struct MembersDto {
    std::vector<MemberDto> items;
};
BOOST_DESCRIBE_STRUCT(MembersDto, (), (items))

struct ShareRequest {
    std::string email;
    std::string role;
};
BOOST_DESCRIBE_STRUCT(ShareRequest, (), (email, role))

struct ProjectPageDto {
    std::vector<ProjectSummaryDto> items;
    std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(ProjectPageDto, (), (items, next_cursor))

struct ProjectRequest {
    std::optional<boost::json::value> model;
    std::optional<std::string> text;
    std::optional<boost::json::value> spec;
    std::optional<std::string> type;
    std::optional<std::string> stack;
    std::optional<std::string> name;
    std::optional<std::string> title;
    std::optional<std::string> description;
};
BOOST_DESCRIBE_STRUCT(ProjectRequest, (), (model, text, spec, type, stack, name, title, description))

struct ProjectPatchDto {
    std::optional<std::string> name;
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<boost::json::value> spec;
    std::optional<std::string> text;
};
BOOST_DESCRIBE_STRUCT(ProjectPatchDto, (), (name, title, description, spec, text))

struct StepDto {
    std::string name;
    std::string state;
};
BOOST_DESCRIBE_STRUCT(StepDto, (), (name, state))

struct ArchiveInfoDto {
    std::string sha256;
    std::int64_t size;
    std::string url;
};
BOOST_DESCRIBE_STRUCT(ArchiveInfoDto, (), (sha256, size, url))

struct EventDto {
    std::int64_t seq;
    std::string at;
    std::string message;
};
BOOST_DESCRIBE_STRUCT(EventDto, (), (seq, at, message))

struct GenerationLinksDto {
    std::string self;
    std::string project;
    std::string log;
    std::optional<std::string> archive;
    std::optional<std::string> files;
};
BOOST_DESCRIBE_STRUCT(GenerationLinksDto, (), (self, project, log, archive, files))

/// A plugin a generation ran (docs/plugins.md): the record a project keeps of it.
struct PluginUsedDto {
    std::string name;
    std::string version;
    std::string digest;
};
BOOST_DESCRIBE_STRUCT(PluginUsedDto, (), (name, version, digest))

struct GenerationDto {
    std::string id;
    std::string project_id;
    std::int64_t project_version;
    std::string status;
    std::optional<std::string> step;
    std::vector<StepDto> steps;
    std::int64_t files_done;
    std::int64_t files_total;
    std::int64_t attempts;
    std::string created_at;
    std::optional<std::string> started_at;
    std::optional<std::string> finished_at;
    std::optional<std::string> error;
    std::optional<std::int64_t> file_count;
    std::optional<std::int64_t> bytes;
    std::optional<std::map<std::string, ArchiveInfoDto>> archives;
    std::optional<std::vector<PluginUsedDto>> plugins;
    std::optional<std::vector<EventDto>> log;
    GenerationLinksDto links;
};
BOOST_DESCRIBE_STRUCT(GenerationDto, (),
                      (id, project_id, project_version, status, step, steps, files_done, files_total, attempts,
                       created_at, started_at, finished_at, error, file_count, bytes, archives, plugins, log, links))

struct GenerationPageDto {
    std::vector<GenerationDto> items;
    std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(GenerationPageDto, (), (items, next_cursor))

struct LogDto {
    std::vector<EventDto> items;
    std::int64_t next_after;
};
BOOST_DESCRIBE_STRUCT(LogDto, (), (items, next_after))

struct FileDto {
    std::string path;
    std::int64_t size;
    std::string sha256;
    bool executable;
    std::string url;
};
BOOST_DESCRIBE_STRUCT(FileDto, (), (path, size, sha256, executable, url))

struct FileTreeDto {
    std::vector<FileDto> items;
    std::int64_t count;
    std::int64_t total_size;
};
BOOST_DESCRIBE_STRUCT(FileTreeDto, (), (items, count, total_size))

}  // namespace dihya::projects::dto_types

namespace d = dihya::projects::dto_types;

template <>
struct dihya::dto::Rules<d::ProjectRequest> {
    static FieldRules Get() {
        FieldRules rules = generator::SpecInputRules();
        rules["spec"].description =
            "a structured ProjectModel (as `model`; what GET returns as `spec`), or the prototype form's text";
        rules["spec"].max_length.reset();
        rules["name"] = {.description = "overrides the specification's name (kebab-case)",
                         .max_length = static_cast<std::int64_t>(model::kMaxNameLength)};
        rules["title"] = {.description = "overrides the specification's title",
                          .max_length = static_cast<std::int64_t>(model::kMaxTitleLength)};
        rules["description"] = {.description = "overrides the specification's description",
                                .max_length = static_cast<std::int64_t>(model::kMaxDescriptionLength)};
        return rules;
    }
};
template <>
struct dihya::dto::Rules<d::ProjectPatchDto> {
    static FieldRules Get() {
        return {{"name", {.description = "null derives it from the title"}},
                {"title", {}},
                {"description", {.description = "null clears it"}},
                {"spec",
                 {.description = "a JSON merge patch (RFC 7386) of the specification: null removes a "
                                 "member, arrays are replaced whole"}},
                {"text",
                 {.description = "a new free-text specification, analysed again (not with spec)",
                  .max_length = static_cast<std::int64_t>(analyze::kMaxTextLength)}}};
    }
};
template <>
struct dihya::dto::Rules<d::ProjectDto> {
    static FieldRules Get() {
        return {{"spec", {.description = "the normalised structured specification (a ProjectModel)"}},
                {"source_text", {.description = "the free text the specification was analysed from, if any"}},
                {"assumptions", {.description = "what the analysis of source_text assumed"}},
                {"version", {.description = "counts changes; the ETag is \"v<version>\""}}};
    }
};
template <>
struct dihya::dto::Rules<d::StepDto> {
    static FieldRules Get() { return {{"state", {.one_of = {"pending", "running", "done", "failed"}}}}; }
};
template <>
struct dihya::dto::Rules<d::GenerationDto> {
    static FieldRules Get() {
        return {{"status", {.one_of = {"queued", "running", "succeeded", "failed", "cancelled"}}},
                {"step", {.description = "the current (or last) step: validating, rendering, archiving, storing"}},
                {"files_done", {.description = "files rendered so far"}},
                {"files_total", {.description = "files to render (0 until known)"}},
                {"archives",
                 {.description = "when succeeded: per format (zip, tar.gz) the SHA-256 and size of the "
                                 "archive, which downloads always reproduce byte for byte"}},
                {"log", {.description = "the timestamped generation log (GET of one generation only)"}}};
    }
};

namespace dihya::projects {

namespace json = boost::json;
using http::Body;
using http::CursorParam;
using http::IntParam;
using http::IntQuery;
using http::LimitOf;
using http::LimitParam;
using http::Problem;
using http::Request;
using http::Response;
using http::Work;

namespace {

constexpr std::string_view kBase = "/api/v1/projects";

std::string ProjectUrl(const std::string& id) {
    return std::string(kBase) + "/" + id;
}

std::string GenerationUrl(const std::string& project_id, const std::string& id) {
    return ProjectUrl(project_id) + "/generations/" + id;
}

d::ProjectLinksDto Links(const Project& p) {
    return {ProjectUrl(p.id), ProjectUrl(p.id) + "/generations"};
}

d::ProjectDto ToDto(const Project& p) {
    d::ProjectDto out{p.id,         p.owner_id,    p.name, p.title,   p.description,
                      p.spec,       p.source_text, {},     p.version, static_cast<std::int64_t>(p.entity_count),
                      p.created_at, p.updated_at,  p.role, Links(p)};
    for (const auto& a : p.assumptions) {
        d::AssumptionDto dto{a.field, a.message, std::nullopt};
        if (!a.spans.empty()) {
            dto.spans.emplace();
            for (const auto& [start, end] : a.spans) {
                dto.spans->push_back({static_cast<std::int64_t>(start), static_cast<std::int64_t>(end)});
            }
        }
        out.assumptions.push_back(std::move(dto));
    }
    return out;
}

d::ProjectSummaryDto ToSummary(const Project& p) {
    return {p.id,
            p.owner_id,
            p.name,
            p.title,
            p.description,
            p.version,
            static_cast<std::int64_t>(p.entity_count),
            p.source_text.has_value(),
            p.created_at,
            p.updated_at,
            p.role,
            Links(p)};
}

Response ProjectResponse(int status, const Project& p) {
    Response r = Response::Json(status, dto::Encode(ToDto(p)));
    r.headers.Set("ETag", ProjectEtag(p.version));
    r.headers.Set("Cache-Control", "private, no-cache");
    return r;
}

std::string Text(const json::value& v, std::string_view key) {
    if (!v.is_object()) return "";
    const auto* found = v.as_object().if_contains(key);
    return found != nullptr && found->is_string() ? std::string(found->as_string()) : "";
}

std::int64_t Int(const json::value& v, std::string_view key) {
    if (!v.is_object()) return 0;
    const auto* found = v.as_object().if_contains(key);
    return found != nullptr && found->is_int64() ? found->as_int64() : 0;
}

std::vector<d::StepDto> Steps(const jobs::Job& j) {
    std::vector<d::StepDto> out;
    std::ptrdiff_t current = -1;
    for (std::size_t i = 0; i < std::size(kGenerationSteps); ++i) {
        if (kGenerationSteps[i] == j.step) current = static_cast<std::ptrdiff_t>(i);
    }
    for (std::size_t i = 0; i < std::size(kGenerationSteps); ++i) {
        const auto at = static_cast<std::ptrdiff_t>(i);
        std::string state = "pending";
        if (j.status == "succeeded" || at < current) {
            state = "done";
        } else if (at == current) {
            state = j.status == "running" ? "running" : j.status == "failed" ? "failed" : "pending";
        }
        out.push_back({std::string(kGenerationSteps[i]), state});
    }
    return out;
}

d::EventDto ToDto(const jobs::Event& e) {
    return {e.seq, e.at, e.message};
}

d::GenerationDto ToDto(const jobs::Job& j) {
    const std::string project_id = j.subject_id;
    const std::string self = GenerationUrl(project_id, j.id);
    d::GenerationDto out;
    out.id = j.id;
    out.project_id = project_id;
    out.project_version = Int(j.input, "project_version");
    out.status = j.status;
    if (!j.step.empty()) out.step = j.step;
    out.steps = Steps(j);
    out.files_done = j.done;
    out.files_total = j.total;
    out.attempts = j.attempts;
    out.created_at = j.created_at;
    if (!j.started_at.empty()) out.started_at = j.started_at;
    if (!j.finished_at.empty()) out.finished_at = j.finished_at;
    if (!j.error.empty()) out.error = j.error;
    out.links = {self, ProjectUrl(project_id), self + "/log", std::nullopt, std::nullopt};
    if (j.status == "succeeded") {
        out.file_count = Int(j.result, "files");
        out.bytes = Int(j.result, "bytes");
        std::map<std::string, d::ArchiveInfoDto> archives;
        if (const auto* a = j.result.is_object() ? j.result.as_object().if_contains("archives") : nullptr) {
            for (const char* format : {"zip", "tar.gz"}) {
                const auto* entry = a->is_object() ? a->as_object().if_contains(format) : nullptr;
                if (entry == nullptr) continue;
                archives[format] = {Text(*entry, "sha256"), Int(*entry, "size"),
                                    self + "/archive?format=" + std::string(format)};
            }
        }
        out.archives = std::move(archives);
        std::vector<d::PluginUsedDto> plugins;
        if (const auto* p = j.result.is_object() ? j.result.as_object().if_contains("plugins") : nullptr;
            p != nullptr && p->is_array()) {
            for (const auto& entry : p->as_array()) {
                plugins.push_back({Text(entry, "name"), Text(entry, "version"), Text(entry, "digest")});
            }
        }
        out.plugins = std::move(plugins);
        out.links.archive = self + "/archive";
        out.links.files = self + "/files";
    }
    return out;
}

Response GenerationResponse(int status, const jobs::Job& j, std::optional<std::vector<jobs::Event>> log = {}) {
    d::GenerationDto dto = ToDto(j);
    if (log) {
        dto.log.emplace();
        for (const auto& e : *log) dto.log->push_back(ToDto(e));
    }
    return Response::Json(status, dto::Encode(dto));
}

}  // namespace

json::value ProjectJson(const Project& project) {
    return dto::Encode(ToDto(project));
}

json::value MemberJson(const Member& m) {
    return dto::Encode(d::MemberDto{m.user_id, m.display_name, m.role, m.added_at, m.updated_at});
}

json::value GenerationJson(const jobs::Job& generation) {
    return dto::Encode(ToDto(generation));
}

namespace {

Result<ProjectInput> InputOf(const d::ProjectRequest& in) {
    ProjectInput out;
    out.spec.model = in.model;
    out.spec.text = in.text;
    out.spec.type = in.type;
    out.spec.stack = in.stack;
    if (in.spec) {
        if (in.spec->is_string()) {
            out.spec.spec = std::string(in.spec->as_string());
        } else if (in.spec->is_object()) {
            if (in.model) {
                return MakeError(ErrorCode::kInvalidArgument, "send the specification once: as model or as spec",
                                 {{"spec", "not allowed together with model"}});
            }
            out.spec.model = *in.spec;
        } else {
            return MakeError(ErrorCode::kInvalidArgument, "spec must be a ProjectModel object or a text",
                             {{"spec", "must be an object or a string"}});
        }
    }
    out.name = in.name;
    out.title = in.title;
    out.description = in.description;
    return out;
}

http::ParamDoc IfMatchParam() {
    return {"If-Match", "header", "the ETag of the version you read (\"v<version>\"); a stale one is a 412",
            json::object{{"type", "string"}}};
}

bool LooksBinary(std::string_view content) {
    if (content.find('\0') != std::string_view::npos) return true;
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < content.size()) {
        if (!model::utf8::Next(content, i, cp)) return true;
    }
    return false;
}

std::string BaseName(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

/// A filename for Content-Disposition: printable ASCII without quotes or backslashes.
std::string SafeFileName(std::string_view name) {
    std::string out;
    for (char c : name) out += (c > 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '_';
    return out.empty() ? "file" : out;
}

}  // namespace

std::string ProjectEtag(std::int64_t version) {
    return "\"v" + std::to_string(version) + "\"";
}

std::optional<std::int64_t> IfMatchVersion(const Request& request) {
    auto header = request.headers.Get("If-Match");
    if (!header) return std::nullopt;
    std::string_view h = *header;
    std::size_t pos = 0;
    while (pos <= h.size()) {
        auto comma = h.find(',', pos);
        if (comma == std::string_view::npos) comma = h.size();
        std::string_view item = h.substr(pos, comma - pos);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == "*") return std::nullopt;
        if (item.size() > 3 && item.substr(0, 2) == "\"v" && item.back() == '"') {
            std::int64_t v = 0;
            const auto digits = item.substr(2, item.size() - 3);
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
            if (ec == std::errc{} && end == digits.data() + digits.size() && v > 0) return v;
        }
        pos = comma + 1;
    }
    return 0;
}

std::string PreviewContentType(std::string_view path, std::string_view content) {
    if (LooksBinary(content)) {
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kBinary{{
            {".png", "image/png"},
            {".jpg", "image/jpeg"},
            {".jpeg", "image/jpeg"},
            {".gif", "image/gif"},
            {".ico", "image/x-icon"},
            {".webp", "image/webp"},
        }};
        for (const auto& [ext, type] : kBinary) {
            if (path.ends_with(ext)) return std::string(type);
        }
        return "application/octet-stream";
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kText{{
        {".json", "application/json"}, {".js", "text/javascript"},    {".mjs", "text/javascript"},
        {".cjs", "text/javascript"},   {".jsx", "text/javascript"},   {".ts", "text/plain"},
        {".tsx", "text/plain"},        {".md", "text/markdown"},      {".html", "text/html"},
        {".htm", "text/html"},         {".css", "text/css"},          {".yaml", "application/yaml"},
        {".yml", "application/yaml"},  {".py", "text/x-python"},      {".svg", "image/svg+xml"},
        {".xml", "application/xml"},   {".toml", "application/toml"}, {".sql", "application/sql"},
        {".csv", "text/csv"},          {".sh", "text/x-shellscript"}, {".sol", "text/plain"},
        {".txt", "text/plain"},
    }};
    for (const auto& [ext, type] : kText) {
        if (path.ends_with(ext)) return std::string(type) + "; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
}

void Register(http::App& app, ProjectsService& service) {
    app.tags.push_back({"projects", "Saved specifications and their generations (owner only; admins may read)"});
    auto& r = app.router;
    ProjectsService& s = service;
    const auto limit = std::chrono::milliseconds(app.config.limits.analyze_budget_ms);
    const json::value project_schema = dto::Schema<d::ProjectDto>();
    const json::value generation_schema = dto::Schema<d::GenerationDto>();
    const std::string limits =
        "Limits: " + std::to_string(model::kMaxEntities) + " entities, " + std::to_string(model::kMaxFieldsPerEntity) +
        " fields per entity, names of " + std::to_string(model::kMaxNameLength) + " characters, texts of " +
        std::to_string(analyze::kMaxTextLength) + " characters, " + std::to_string(s.limits().max_spec_bytes) +
        " bytes of specification as JSON, " + std::to_string(s.limits().max_projects_per_user) +
        " projects per account; each is a 400 (409 for the last) naming it.";

    r.Add({.method = "POST",
           .path = "/api/v1/projects",
           .operation_id = "createProject",
           .summary = "Save a specification as a project",
           .description =
               "Send a structured `model` (or `spec`, as GET returns it), or free `text` in French, English or "
               "Arabic, which is analysed: the answer lists what was `assumptions`. `name`, `title`, `description` "
               "override the specification's. With an `Idempotency-Key` header the same key and body give the same "
               "project (201 again, `Idempotent-Replayed: true`) for 24 hours; the same key with another body is a "
               "409. " +
               limits,
           .tag = "projects",
           .request_schema = dto::Schema<d::ProjectRequest>(),
           .params = {{"Idempotency-Key", "header", "makes retries safe: 1-255 visible ASCII characters",
                       json::object{{"type", "string"}, {"maxLength", 255}}}},
           .responses = {{201, "The project (Location: its URL; ETag: its version)", project_schema},
                         {400, "Invalid or over-limit specification, naming the field"},
                         {401, "Not signed in"},
                         {403, "Your role may not save projects"},
                         {409, "Idempotency-Key reused with another body, or too many projects"}},
           .requires_auth = true,
           .work = Work::kCompute,
           .handler = [&s, limit](Request& req) {
               auto body = http::ParseJsonBody(req);
               if (!body) return Problem(req, body.error());
               auto in = dto::Decode<d::ProjectRequest>(*body);
               if (!in) return Problem(req, in.error());
               auto input = InputOf(*in);
               if (!input) return Problem(req, input.error());
               input->spec.budget = http::BudgetOf(req, limit, "the analysis");
               std::optional<IdempotencyKey> key;
               if (auto k = req.headers.Get("Idempotency-Key")) {
                   key = IdempotencyKey{std::string(*k), crypto::Sha256Hex(json::serialize(*body))};
               }
               auto created = s.Create(auth::PrincipalOf(req), *input, key, auth::ContextOf(req));
               if (!created) return Problem(req, created.error());
               Response res = ProjectResponse(201, created->project);
               res.headers.Set("Location", ProjectUrl(created->project.id));
               if (created->replayed) res.headers.Set("Idempotent-Replayed", "true");
               return res;
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects",
           .operation_id = "listProjects",
           .summary = "Your projects, newest first",
           .description = "Cursor pagination: pass `next_cursor` back as `cursor`. Items leave out the "
                          "specification (GET the project for it). Admins may list another user's (`owner=<id>`) "
                          "or everyone's (`owner=*`).",
           .tag = "projects",
           .params = {LimitParam(),
                      CursorParam(),
                      {"q", "query", "part of the name or title (any case)", json::object{{"type", "string"}}},
                      {"owner", "query", "admins: a user id, or * for everyone", json::object{{"type", "string"}}},
                      {"shared", "query", "true: the projects others shared with you (role viewer or editor)",
                       json::object{{"type", "boolean"}}}},
           .responses = {{200, "A page of projects", dto::Schema<d::ProjectPageDto>()},
                         {400, "Invalid limit or cursor"},
                         {401, "Not signed in"},
                         {403, "Another owner without the admin role"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               ProjectQuery q;
               auto limit = LimitOf(req, 50);
               if (!limit) return Problem(req, limit.error());
               q.limit = *limit;
               q.cursor = req.QueryParam("cursor").value_or("");
               q.q = req.QueryParam("q").value_or("");
               q.owner = req.QueryParam("owner").value_or("");
               const auto shared = req.QueryParam("shared").value_or("false");
               if (shared != "true" && shared != "false") {
                   return Problem(req, MakeError(ErrorCode::kInvalidArgument, "shared is true or false",
                                                 {{"shared", "must be true or false"}}));
               }
               q.shared = shared == "true";
               auto page = s.List(auth::PrincipalOf(req), q);
               if (!page) return Problem(req, page.error());
               d::ProjectPageDto out;
               for (const auto& p : page->items) out.items.push_back(ToSummary(p));
               out.next_cursor = page->next_cursor;
               return Response::Json(200, dto::Encode(out));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}",
           .operation_id = "getProject",
           .summary = "One project with its specification",
           .description = "The ETag names the version: send it back as If-Match when changing the project, or as "
                          "If-None-Match for a 304 when it has not changed.",
           .tag = "projects",
           .params = {{"If-None-Match", "header", "a previous ETag", json::object{{"type", "string"}}}},
           .responses = {{200, "The project", project_schema},
                         {304, "Not modified"},
                         {401, "Not signed in"},
                         {404, "No such project (or another user's)"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto p = s.Get(auth::PrincipalOf(req), req.path_params["id"]);
               if (!p) return Problem(req, p.error());
               if (http::IfNoneMatch(req, ProjectEtag(p->version))) {
                   Response res = Response::Empty(304);
                   res.headers.Set("ETag", ProjectEtag(p->version));
                   return res;
               }
               return ProjectResponse(200, *p);
           }});
    r.Add({.method = "PUT",
           .path = "/api/v1/projects/{id:uuid}",
           .operation_id = "replaceProject",
           .summary = "Replace a project's specification",
           .description = "The body is as for creation (`model`, `spec` or `text`). If-Match with the ETag you read "
                          "makes sure you replace that version (412 when it changed since). " +
                          limits,
           .tag = "projects",
           .request_schema = dto::Schema<d::ProjectRequest>(),
           .params = {IfMatchParam()},
           .responses = {{200, "The project", project_schema},
                         {400, "Invalid or over-limit specification"},
                         {401, "Not signed in"},
                         {403, "Admins may read, not change, other users' projects"},
                         {404, "No such project"},
                         {409, "Changed by another request meanwhile"},
                         {412, "If-Match names an older version"}},
           .requires_auth = true,
           .work = Work::kCompute,
           .handler = [&s, limit](Request& req) {
               auto in = Body<d::ProjectRequest>(req);
               if (!in) return Problem(req, in.error());
               auto input = InputOf(*in);
               if (!input) return Problem(req, input.error());
               input->spec.budget = http::BudgetOf(req, limit, "the analysis");
               auto p = s.Replace(auth::PrincipalOf(req), req.path_params["id"], *input, IfMatchVersion(req),
                                  auth::ContextOf(req));
               if (!p) return Problem(req, p.error());
               return ProjectResponse(200, *p);
           }});
    r.Add({.method = "PATCH",
           .path = "/api/v1/projects/{id:uuid}",
           .operation_id = "updateProject",
           .summary = "Change a project (JSON merge patch of name, title, description, spec)",
           .description =
               "A JSON merge patch (RFC 7386; application/merge-patch+json or application/json): `spec` is merged "
               "into the specification (null removes a member; arrays such as entities are replaced whole); `name`, "
               "`title`, `description` set those (null clears the description, or derives the name from the "
               "title); `text` replaces the specification with the analysis of a new text. A patch that changes "
               "nothing keeps the version. If-Match as for PUT.",
           .tag = "projects",
           .request_schema = dto::Schema<d::ProjectPatchDto>(),
           .params = {IfMatchParam()},
           .responses = {{200, "The project", project_schema},
                         {400, "Unknown field or invalid result, naming the field"},
                         {401, "Not signed in"},
                         {403, "Admins may read, not change, other users' projects"},
                         {404, "No such project"},
                         {409, "Changed by another request meanwhile"},
                         {412, "If-Match names an older version"}},
           .requires_auth = true,
           .work = Work::kCompute,
           .handler = [&s, limit](Request& req) {
               auto body = http::ParseJsonBody(req);
               if (!body) return Problem(req, body.error());
               auto p = s.Patch(auth::PrincipalOf(req), req.path_params["id"], body->as_object(), IfMatchVersion(req),
                                auth::ContextOf(req), http::BudgetOf(req, limit, "the analysis"));
               if (!p) return Problem(req, p.error());
               return ProjectResponse(200, *p);
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/projects/{id:uuid}",
           .operation_id = "deleteProject",
           .summary = "Delete a project with its generations and their files",
           .tag = "projects",
           .params = {IfMatchParam()},
           .responses = {{204, "Deleted"},
                         {401, "Not signed in"},
                         {403, "Admins may read, not delete, other users' projects"},
                         {404, "No such project"},
                         {409, "Changed by another request meanwhile"},
                         {412, "If-Match names an older version"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto v = s.Delete(auth::PrincipalOf(req), req.path_params["id"], IfMatchVersion(req),
                                     auth::ContextOf(req));
                   !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});

    r.Add({.method = "POST",
           .path = "/api/v1/projects/{id:uuid}/generations",
           .operation_id = "startGeneration",
           .summary = "Generate the project (in the background)",
           .description =
               "Queues a generation of the project's current version and answers at once with its status "
               "(Location: its URL). Poll that URL: `status` goes queued → running → succeeded (or failed), `step` "
               "and `steps` say where it is, `files_done` / `files_total` how far rendering is, `log` what "
               "happened when. Once succeeded, download the archive or browse the files. A few generations per "
               "user run at once (429 with Retry-After beyond); the newest " +
               std::to_string(s.limits().keep_generations) + " of a project are kept.",
           .tag = "projects",
           .responses = {{202, "Queued", generation_schema},
                         {401, "Not signed in"},
                         {403, "Admins may read, not generate, other users' projects"},
                         {404, "No such project"},
                         {429, "Too many generations queued or running; see Retry-After"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               const std::string id = req.path_params["id"];
               auto job = s.StartGeneration(auth::PrincipalOf(req), id, auth::ContextOf(req));
               if (!job) return Problem(req, job.error());
               Response res = GenerationResponse(202, *job);
               res.headers.Set("Location", GenerationUrl(id, job->id));
               return res;
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/generations",
           .operation_id = "listGenerations",
           .summary = "The project's generations, newest first",
           .description = "Cursor pagination as for projects; items leave out the log.",
           .tag = "projects",
           .params = {LimitParam(), CursorParam()},
           .responses = {{200, "A page of generations", dto::Schema<d::GenerationPageDto>()},
                         {400, "Invalid limit or cursor"},
                         {401, "Not signed in"},
                         {404, "No such project"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto limit = LimitOf(req, 20);
               if (!limit) return Problem(req, limit.error());
               auto page = s.ListGenerations(auth::PrincipalOf(req), req.path_params["id"],
                                             req.QueryParam("cursor").value_or(""), *limit);
               if (!page) return Problem(req, page.error());
               d::GenerationPageDto out;
               for (const auto& j : page->items) out.items.push_back(ToDto(j));
               out.next_cursor = page->next_cursor;
               return Response::Json(200, dto::Encode(out));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/generations/{gid:uuid}",
           .operation_id = "getGeneration",
           .summary = "A generation's status, progress and log",
           .tag = "projects",
           .responses = {{200, "The generation", generation_schema},
                         {401, "Not signed in"},
                         {404, "No such project or generation"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               const auth::Principal who = auth::PrincipalOf(req);
               auto job = s.GetGeneration(who, req.path_params["id"], req.path_params["gid"]);
               if (!job) return Problem(req, job.error());
               auto log = s.GenerationLog(who, req.path_params["id"], req.path_params["gid"], 0, 1000);
               if (!log) return Problem(req, log.error());
               return GenerationResponse(200, *job, std::move(*log));
           }});
    const auto members_schema = dto::Schema<d::MembersDto>();
    auto members_out = [](const std::vector<Member>& list) {
        d::MembersDto out;
        for (const auto& m : list) out.items.push_back({m.user_id, m.display_name, m.role, m.added_at, m.updated_at});
        return out;
    };
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/members",
           .operation_id = "listProjectMembers",
           .summary = "Who the project is shared with: its owner first, then viewers and editors",
           .tag = "projects",
           .responses = {{200, "The members", members_schema}, {401, "Not signed in"}, {404, "No such project"}},
           .requires_auth = true,
           .handler = [&s, members_out](Request& req) {
               auto list = s.Members(auth::PrincipalOf(req), req.path_params["id"]);
               if (!list) return Problem(req, list.error());
               return http::NoStore(Response::Json(200, dto::Encode(members_out(*list))));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/projects/{id:uuid}/members",
           .operation_id = "shareProject",
           .summary = "Share the project with an account (by email) as viewer or editor, or change a member's role",
           .description = "Only the owner shares. Viewers read the project, its generations and its collaborative "
                          "document; editors also change the specification (alone or together at "
                          "/api/v1/collab/{id}) and start generations; only the owner deletes the project or "
                          "shares it. The new member is notified (kind project.shared).",
           .tag = "projects",
           .request_schema = dto::Schema<d::ShareRequest>(),
           .responses = {{200, "The member", dto::Schema<d::MemberDto>()},
                         {400, "Not an email, or a role other than viewer and editor"},
                         {403, "Not the owner"},
                         {404, "No such project, or no account with this email"},
                         {409, "Shared with the most people a project may be"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto in = http::Body<d::ShareRequest>(req);
               if (!in) return Problem(req, in.error());
               auto m =
                   s.Share(auth::PrincipalOf(req), req.path_params["id"], in->email, in->role, auth::ContextOf(req));
               if (!m) return Problem(req, m.error());
               return http::NoStore(Response::Json(200, MemberJson(*m)));
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/projects/{id:uuid}/members/{user:uuid}",
           .operation_id = "unshareProject",
           .summary = "Remove a member (the owner), or leave a project shared with you (the member)",
           .tag = "projects",
           .responses = {{204, "Removed"}, {403, "Not the owner"}, {404, "No such project or member"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto v = s.Unshare(auth::PrincipalOf(req), req.path_params["id"], req.path_params["user"],
                                      auth::ContextOf(req));
                   !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/projects/{id:uuid}/generations/{gid:uuid}",
           .operation_id = "deleteGeneration",
           .summary = "Cancel a queued generation, or delete a finished one with its files",
           .tag = "projects",
           .responses = {{204, "Deleted"},
                         {401, "Not signed in"},
                         {404, "No such project or generation"},
                         {409, "It is running"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               if (auto v = s.DeleteGeneration(auth::PrincipalOf(req), req.path_params["id"], req.path_params["gid"],
                                               auth::ContextOf(req));
                   !v) {
                   return Problem(req, v.error());
               }
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/generations/{gid:uuid}/log",
           .operation_id = "getGenerationLog",
           .summary = "The generation log after a given entry",
           .description = "For following a generation: pass the last `next_after` back as `after`.",
           .tag = "projects",
           .params = {{"after", "query", "the seq of the last entry you have (default 0)",
                       json::object{{"type", "integer"}, {"minimum", 0}}},
                      {"limit", "query", "entries (1-1000, default 1000)", IntParam(1, 1000)}},
           .responses = {{200, "Log entries", dto::Schema<d::LogDto>()},
                         {400, "Invalid after or limit"},
                         {401, "Not signed in"},
                         {404, "No such project or generation"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               auto after = IntQuery(req, "after", 0, 0, INT64_MAX);
               if (!after) return Problem(req, after.error());
               auto limit = IntQuery(req, "limit", 1000, 1, 1000);
               if (!limit) return Problem(req, limit.error());
               auto log = s.GenerationLog(auth::PrincipalOf(req), req.path_params["id"], req.path_params["gid"], *after,
                                          *limit);
               if (!log) return Problem(req, log.error());
               d::LogDto out{{}, *after};
               for (const auto& e : *log) {
                   out.items.push_back(ToDto(e));
                   out.next_after = e.seq;
               }
               return Response::Json(200, dto::Encode(out));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/generations/{gid:uuid}/archive",
           .operation_id = "downloadGeneration",
           .summary = "Download a generated project (zip or tar.gz)",
           .description = "Rebuilt from the stored files, byte for byte the archive recorded at generation time: "
                          "X-Archive-SHA256 (and the ETag) is the SHA-256 in the generation's `archives`.",
           .tag = "projects",
           .params = {{"format", "query", "archive format",
                       json::object{{"type", "string"}, {"enum", {"zip", "tar.gz"}}, {"default", "zip"}}},
                      {"If-None-Match", "header", "a previous ETag", json::object{{"type", "string"}}}},
           .responses = {{200, "The archive", json::object{{"type", "string"}, {"contentMediaType", "application/zip"}},
                          "application/zip"},
                         {304, "Not modified"},
                         {400, "Unknown format"},
                         {401, "Not signed in"},
                         {404, "No such project or generation"},
                         {409, "The generation has not succeeded"}},
           .requires_auth = true,
           .work = Work::kCompute,
           .handler = [&s](Request& req) {
               auto format = generator::ParseArchiveFormat(req.QueryParam("format").value_or("zip"));
               if (!format) {
                   return Problem(req, Error{ErrorCode::kInvalidArgument,
                                             "format must be zip or tar.gz",
                                             {{"format", "must be zip or tar.gz"}}});
               }
               auto dl = s.Archive(auth::PrincipalOf(req), req.path_params["id"], req.path_params["gid"], *format);
               if (!dl) return Problem(req, dl.error());
               const std::string etag = "\"" + dl->sha256 + "\"";
               if (http::IfNoneMatch(req, etag)) {
                   Response res = Response::Empty(304);
                   res.headers.Set("ETag", etag);
                   return res;
               }
               const bool zip = *format == generator::ArchiveFormat::kZip;
               Response res = Response::Text(200, std::move(dl->bytes), zip ? "application/zip" : "application/gzip");
               res.headers.Set("Content-Disposition", "attachment; filename=\"" + SafeFileName(dl->file_name) + "\"");
               res.headers.Set("X-Archive-SHA256", dl->sha256);
               res.headers.Set("ETag", etag);
               res.headers.Set("Cache-Control", "private, no-cache");
               return res;
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/generations/{gid:uuid}/files",
           .operation_id = "listGenerationFiles",
           .summary = "The file tree of a generated project",
           .description = "Every file, sorted by path, with its size and SHA-256 (the same as in the archive).",
           .tag = "projects",
           .responses = {{200, "The files", dto::Schema<d::FileTreeDto>()},
                         {401, "Not signed in"},
                         {404, "No such project or generation"},
                         {409, "The generation has not succeeded"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               const std::string id = req.path_params["id"];
               const std::string gid = req.path_params["gid"];
               auto files = s.Files(auth::PrincipalOf(req), id, gid);
               if (!files) return Problem(req, files.error());
               d::FileTreeDto out{{}, static_cast<std::int64_t>(files->size()), 0};
               for (const auto& f : *files) {
                   out.items.push_back(
                       {f.path, f.size, f.sha256, f.executable, GenerationUrl(id, gid) + "/files/" + f.path});
                   out.total_size += f.size;
               }
               return Response::Json(200, dto::Encode(out));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/generations/{gid:uuid}/files/{path*}",
           .operation_id = "previewGenerationFile",
           .summary = "One generated file, for previewing",
           .description = "The file as it is in the archive, with a content type from its name (text in UTF-8; "
                          "binary files as application/octet-stream or their image type). Files over " +
                          std::to_string(s.limits().max_preview_bytes) +
                          " bytes are a 413: download the archive for those. Previews are sandboxed "
                          "(Content-Security-Policy: sandbox) and never run in this site's origin.",
           .tag = "projects",
           .params = {{"If-None-Match", "header", "a previous ETag", json::object{{"type", "string"}}}},
           .responses = {{200, "The file", json::object{{"type", "string"}}, "text/plain"},
                         {304, "Not modified"},
                         {401, "Not signed in"},
                         {404, "No such project, generation or file"},
                         {409, "The generation has not succeeded"},
                         {413, "Too large to preview"}},
           .requires_auth = true,
           .handler = [&s](Request& req) {
               const std::string path = req.path_params["path"];
               auto f = s.File(auth::PrincipalOf(req), req.path_params["id"], req.path_params["gid"], path);
               if (!f) return Problem(req, f.error());
               const std::string etag = "\"" + f->sha256 + "\"";
               Response res = Response::Empty(304);
               if (!http::IfNoneMatch(req, etag)) {
                   const std::string type = PreviewContentType(f->path, *f->content);
                   res = Response::Text(200, std::move(*f->content), type);
                   res.headers.Set("Content-Disposition", "inline; filename=\"" + SafeFileName(BaseName(path)) + "\"");
                   res.headers.Set("X-File-SHA256", f->sha256);
               }
               res.headers.Set("ETag", etag);
               res.headers.Set("Cache-Control", "private, no-cache");
               res.headers.Set("Content-Security-Policy", "default-src 'none'; sandbox");
               return res;
           }});
}

}  // namespace dihya::projects
