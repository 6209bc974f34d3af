#include "packs/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "auth/permissions.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::packs::dto_types {

struct InstalledPackDto {
    std::string name;
    std::string version;
    std::string kind;
    std::string title;
    std::string export_url;
};
BOOST_DESCRIBE_STRUCT(InstalledPackDto, (), (name, version, kind, title, export_url))

struct InstalledListDto {
    std::vector<InstalledPackDto> items;
};
BOOST_DESCRIBE_STRUCT(InstalledListDto, (), (items))

struct StoredPackDto {
    std::string id;
    std::string name;
    std::string version;
    std::string kind;
    std::string title;
    std::string digest;
    std::int64_t bytes = 0;
    std::string created_at;
    std::string export_url;
};
BOOST_DESCRIBE_STRUCT(StoredPackDto, (), (id, name, version, kind, title, digest, bytes, created_at, export_url))

struct StoredListDto {
    std::vector<StoredPackDto> items;
    std::string next_cursor;
};
BOOST_DESCRIBE_STRUCT(StoredListDto, (), (items, next_cursor))

}  // namespace dihya::packs::dto_types

namespace dihya::packs {

namespace json = boost::json;
namespace d = dto_types;
using http::Request;
using http::Response;

namespace {

constexpr const char* kBase = "/api/v1/packs";

/// A version in a query string: '+' (build metadata) would read as a space.
std::string QueryValue(const std::string& v) {
    std::string out;
    for (const char c : v) out += c == '+' ? std::string("%2B") : std::string(1, c);
    return out;
}

d::StoredPackDto ToDto(const StoredPack& p) {
    return {p.id,
            p.name,
            p.version,
            p.kind,
            p.title,
            p.digest,
            p.bytes,
            p.created_at,
            std::string(kBase) + "/" + p.name + "/export?source=mine&version=" + QueryValue(p.version)};
}

Response Document(const PackDocument& doc, Format format) {
    Response res = Response::Text(200, ToText(doc, format), std::string(ContentTypeOf(format)) + "; charset=utf-8");
    res.headers.Set("Content-Disposition", "attachment; filename=\"" + doc.name() + "-" + doc.version() +
                                               ".dihya-pack." + std::string(ExtensionOf(format)) + "\"");
    res.headers.Set("ETag", "\"" + Digest(doc) + "\"");
    return res;
}

}  // namespace

void Register(http::App& app, PackLibrary& library) {
    app.tags.push_back({"packs",
                        "Template packs as one document (JSON, YAML or a JavaScript module): the installed ones, "
                        "exported; those you import, checked like `dihya pack lint` and kept privately "
                        "(docs/packs.md \"Import and export\")"});
    auto& r = app.router;
    const json::value format_schema = json::object{{"type", "string"}, {"enum", json::array{"json", "yaml", "js"}}};
    r.Add({.method = "GET",
           .path = kBase,
           .operation_id = "listPacks",
           .summary = "The packs installed with this server",
           .description = "Stack, library and domain packs; your imported packs are in GET /api/v1/packs/mine.",
           .tag = "packs",
           .responses = {{200, "The installed packs", dto::Schema<d::InstalledListDto>()}},
           .work = http::Work::kCompute,  // reads the packs folder
           .handler = [&library](Request& req) {
               if (auto a = auth::Authorize(auth::PrincipalOf(req), auth::Action::kPacksRead); !a) {
                   return http::Problem(req, a.error());
               }
               d::InstalledListDto out;
               for (const InstalledPack& p : library.Installed()) {
                   out.items.push_back(
                       {p.name, p.version, p.kind, p.title, std::string(kBase) + "/" + p.name + "/export?format=json"});
               }
               return Response::Json(200, dto::Encode(out));
           }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/mine",
           .operation_id = "listMyPacks",
           .summary = "The packs you imported, newest first",
           .tag = "packs",
           .params = {http::LimitParam(), http::CursorParam()},
           .responses = {{200, "A page of your packs", dto::Schema<d::StoredListDto>()}, {401, "Not signed in"}},
           .requires_auth = true,
           .handler = [&library](Request& req) {
               auto limit = http::LimitOf(req, 50);
               if (!limit) return http::Problem(req, limit.error());
               auto page = library.Mine(auth::PrincipalOf(req), req.QueryParam("cursor").value_or(""), *limit);
               if (!page) return http::Problem(req, page.error());
               d::StoredListDto out;
               for (const StoredPack& p : page->items) out.items.push_back(ToDto(p));
               out.next_cursor = page->next_cursor;
               return http::NoStore(Response::Json(200, dto::Encode(out)));
           }});
    r.Add({.method = "POST",
           .path = std::string(kBase) + "/import",
           .operation_id = "importPack",
           .summary = "Import a pack document, kept privately for you",
           .description =
               "The body is a pack document as GET /api/v1/packs/{name}/export writes it, in the format its "
               "Content-Type names: application/json, application/yaml (or text/yaml), text/javascript (the data "
               "form: `export default {...}`). It is checked as `dihya pack lint` checks a pack folder, with the "
               "installed packs beside it; the problem names the file and line inside the pack. A name and "
               "version you already keep is 409: versions are never replaced.",
           .tag = "packs",
           .request_schema = json::object{{"type", "object"},
                                          {"required", json::array{"dihya_pack", "manifest"}},
                                          {"properties", json::object{{"dihya_pack", json::object{{"const", 1}}},
                                                                      {"manifest", json::object{{"type", "object"}}},
                                                                      {"files", json::object{{"type", "object"}}}}}},
           .responses = {{201, "Imported", dto::Schema<d::StoredPackDto>()},
                         {400, "Not a valid pack (the problem names the file, line and field)"},
                         {401, "Not signed in"},
                         {409, "You already keep this name and version"},
                         {413, "Past the size limits or your quota"},
                         {415, "A Content-Type that is not JSON, YAML or JavaScript"}},
           .requires_auth = true,
           .work = http::Work::kCompute,
           .handler = [&library](Request& req) {
               const auto format = FormatOfContentType(std::string(req.headers.Get("Content-Type").value_or("")));
               if (!format) {
                   return Response::Problem(415, "Unsupported Media Type",
                                            "send the pack document as application/json, application/yaml or "
                                            "text/javascript",
                                            req.request_id);
               }
               auto stored = library.Import(auth::PrincipalOf(req), req.body, *format, auth::ContextOf(req));
               if (!stored) return http::Problem(req, stored.error());
               const d::StoredPackDto dto = ToDto(*stored);
               Response res = Response::Json(201, dto::Encode(dto));
               res.headers.Set("Location", dto.export_url);
               return http::NoStore(std::move(res));
           }});
    r.Add(
        {.method = "GET",
         .path = std::string(kBase) + "/{name}/export",
         .operation_id = "exportPack",
         .summary = "A pack as one document: JSON, YAML or a JavaScript module",
         .description = "An installed pack by default; `source=mine` exports one you imported (its highest version "
                        "unless `version` names one). Without `source`, an installed pack of that name is "
                        "exported, else yours.",
         .tag = "packs",
         .params = {{"format", "query", "json (default), yaml or js", format_schema},
                    {"source", "query", "installed or mine",
                     json::object{{"type", "string"}, {"enum", json::array{"installed", "mine"}}}},
                    {"version", "query", "with source=mine: the version to export", json::object{{"type", "string"}}}},
         .responses = {{200, "The pack document", json::object{{"type", "string"}}, "application/json"},
                       {400, "An unknown format or source"},
                       {404, "No such pack"}},
         .work = http::Work::kCompute,  // reads and converts the whole pack
         .handler = [&library](Request& req) {
             const auto format = FormatNamed(req.QueryParam("format").value_or("json"));
             if (!format) {
                 return http::Problem(req, MakeError(ErrorCode::kInvalidArgument, "format: json, yaml or js",
                                                     {{"format", "json, yaml or js"}}));
             }
             const std::string source = req.QueryParam("source").value_or("");
             if (source != "" && source != "installed" && source != "mine") {
                 return http::Problem(req, MakeError(ErrorCode::kInvalidArgument, "source: installed or mine",
                                                     {{"source", "installed or mine"}}));
             }
             const std::string& name = req.path_params.at("name");
             if (source != "mine") {
                 if (auto a = auth::Authorize(auth::PrincipalOf(req), auth::Action::kPacksRead); !a) {
                     return http::Problem(req, a.error());
                 }
                 auto doc = library.ExportInstalled(name);
                 if (doc) return Document(*doc, *format);
                 if (source == "installed" || !auth::PrincipalOf(req).authenticated()) {
                     return http::Problem(req, doc.error());
                 }
             }
             auto mine = library.ExportMine(auth::PrincipalOf(req), name, req.QueryParam("version").value_or(""));
             if (!mine) return http::Problem(req, mine.error());
             return http::NoStore(Document(mine->second, *format));
         }});
    r.Add({.method = "DELETE",
           .path = std::string(kBase) + "/mine/{id}",
           .operation_id = "removeMyPack",
           .summary = "Remove a pack you imported",
           .tag = "packs",
           .responses = {{204, "Removed"}, {401, "Not signed in"}, {404, "You have no imported pack with this id"}},
           .requires_auth = true,
           .handler = [&library](Request& req) {
               auto done = library.Remove(auth::PrincipalOf(req), req.path_params.at("id"), auth::ContextOf(req));
               if (!done) return http::Problem(req, done.error());
               return Response::Empty(204);
           }});
}

}  // namespace dihya::packs
