#include "plugins/handlers.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <set>

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "auth/permissions.hpp"
#include "generator/spec_input.hpp"
#include "http/kit.hpp"
#include "plugins/plugin.hpp"

namespace dihya::plugins {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxSource = 1u << 20;

std::optional<std::string> StringMember(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
}

Result<json::object> RunTest(const PluginRoutesDeps& d, const json::value& body) {
    if (!body.is_object()) return MakeError(ErrorCode::kInvalidArgument, "the body is an object {source, hook, ...}");
    const json::object& o = body.as_object();
    const auto source = StringMember(o, "source");
    if (!source || source->empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "source: the plugin's module text is required",
                         {{"source", "required"}});
    }
    if (source->size() > kMaxSource) {
        return MakeError(ErrorCode::kPayloadTooLarge, "source: larger than 1 MiB", {{"source", "too large"}});
    }
    const std::string file = StringMember(o, "file_name").value_or("plugin.mjs");
    auto plugin = Plugin::Load(d.host, file, *source, d.limits);
    if (!plugin) return plugin.take_error();
    const std::string hook = StringMember(o, "hook").value_or((*plugin)->manifest().hooks.front());
    std::optional<model::ProjectModel> model;
    if (hook != "onEvent") {
        generator::SpecInput input;
        if (const auto* m = o.if_contains("model"); m != nullptr) input.model = *m;
        input.text = StringMember(o, "text");
        auto resolved = generator::ResolveSpec(input, d.analyzer, d.vocabulary);
        if (!resolved) return resolved.take_error();
        model = std::move(resolved->model);
    }
    return TryHook(**plugin, hook, model ? &*model : nullptr, d.engine, d.vocabulary,
                   StringMember(o, "event_type").value_or("project.generated"));
}

}  // namespace

void Register(http::App& app, PluginRoutesDeps deps) {
    app.tags.push_back(
        {"plugins", "Plugins: ES modules run in a sandbox (docs/plugins.md); try one's hook on a specification"});
    auto shared = std::make_shared<PluginRoutesDeps>(std::move(deps));
    auto running = std::make_shared<std::atomic<int>>(0);
    app.router.Add(
        {.method = "POST",
         .path = "/api/v1/plugins/test",
         .operation_id = "testPlugin",
         .summary = "Run a plugin's hook in its sandbox",
         .description =
             "Body: {source: the module's text, hook?: beforeGeneration | afterGeneration | onEvent (default: the "
             "first the manifest lists), model? or text? (the specification), event_type? (onEvent), file_name?}. "
             "Answers {plugin, hook, changes, model} for beforeGeneration, {plugin, hook, changes, files, removed} "
             "for afterGeneration (the files it changed or added), {plugin, hook, event, delivered} for onEvent. A "
             "plugin that fails (a throw, a limit hit, a permission it lacks) is a 400 naming the plugin and the "
             "cause. At most a few run at once: 503 with Retry-After beyond.",
         .tag = "plugins",
         .request_schema = json::object{{"type", "object"},
                                        {"required", json::array{"source"}},
                                        {"properties", json::object{{"source", json::object{{"type", "string"}}},
                                                                    {"hook", json::object{{"type", "string"}}},
                                                                    {"model", json::object{{"type", "object"}}},
                                                                    {"text", json::object{{"type", "string"}}},
                                                                    {"event_type", json::object{{"type", "string"}}},
                                                                    {"file_name", json::object{{"type", "string"}}}}}},
         .responses = {{200, "What the hook answered", json::object{{"type", "object"}}},
                       {400, "The plugin failed, or a bad specification"},
                       {401, "Not signed in"},
                       {403, "A guest account, or the plugin lacks a permission"},
                       {503, "Every sandbox is busy"}},
         .requires_auth = true,
         .work = http::Work::kCompute,
         .handler = [shared, running](Request& req) {
             if (auto a = auth::Authorize(auth::PrincipalOf(req), auth::Action::kPluginsTest); !a) {
                 return http::Problem(req, a.error());
             }
             if (running->fetch_add(1) >= shared->max_running) {
                 running->fetch_sub(1);
                 return http::Problem(
                     req, MakeError(ErrorCode::kUnavailable, "every plugin sandbox is busy; retry in a moment"));
             }
             struct Release {
                 std::atomic<int>& n;
                 ~Release() { n.fetch_sub(1); }
             } release{*running};
             auto body = http::ParseJsonBody(req);
             if (!body) return http::Problem(req, body.error());
             auto answer = RunTest(*shared, *body);
             if (!answer) return http::Problem(req, answer.error());
             return http::NoStore(Response::Json(200, *answer));
         }});
}

namespace {

json::object PluginJson(const InstalledPlugin& p) {
    json::object out = ToJson(p);
    out["url"] = "/api/v1/plugins/" + p.id;
    return out;
}

json::object ListJson(const std::vector<InstalledPlugin>& list) {
    json::array items;
    for (const auto& p : list) items.push_back(PluginJson(p));
    return json::object{{"items", std::move(items)}};
}

const json::value& PluginSchema() {
    static const json::value schema =
        json::object{{"type", "object"},
                     {"properties", json::object{{"id", json::object{{"type", "string"}}},
                                                 {"name", json::object{{"type", "string"}}},
                                                 {"version", json::object{{"type", "string"}}},
                                                 {"manifest", json::object{{"type", "object"}}},
                                                 {"digest", json::object{{"type", "string"}}},
                                                 {"enabled_for_everybody", json::object{{"type", "boolean"}}},
                                                 {"installed_at", json::object{{"type", "string"}}},
                                                 {"url", json::object{{"type", "string"}}}}}};
    return schema;
}

json::value ListSchema() {
    return json::object{
        {"type", "object"},
        {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", PluginSchema()}}}}}};
}

}  // namespace

void RegisterRegistry(http::App& app, PluginRegistry& registry, projects::ProjectsService& projects) {
    auto& r = app.router;
    r.Add({.method = "GET",
           .path = "/api/v1/plugins",
           .operation_id = "listPlugins",
           .summary = "Your plugins and those enabled for everybody",
           .tag = "plugins",
           .responses = {{200, "The plugins", ListSchema()}, {401, "Not signed in"}},
           .requires_auth = true,
           .handler = [&registry](Request& req) {
               auto list = registry.Visible(auth::PrincipalOf(req));
               if (!list) return http::Problem(req, list.error());
               return http::NoStore(Response::Json(200, ListJson(*list)));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/plugins",
           .operation_id = "installPlugin",
           .summary = "Install a plugin",
           .description = "The body is the module's text (Content-Type text/javascript) or {source}. It is loaded in "
                          "its sandbox and its manifest checked before it is kept; enable it on a project with PUT "
                          "/api/v1/projects/{id}/plugins. A name and version you already have is 409.",
           .tag = "plugins",
           .request_schema = json::object{{"type", "object"},
                                          {"required", json::array{"source"}},
                                          {"properties", json::object{{"source", json::object{{"type", "string"}}}}}},
           .responses = {{201, "Installed", PluginSchema()},
                         {400, "The plugin does not load, or its manifest is wrong (the problem says why)"},
                         {401, "Not signed in"},
                         {409, "You already have this name and version"},
                         {413, "Too large, or too many plugins"}},
           .requires_auth = true,
           .work = http::Work::kCompute,
           .handler = [&registry](Request& req) {
               std::string source;
               const std::string type(req.headers.Get("Content-Type").value_or(""));
               if (type.starts_with("text/javascript") || type.starts_with("application/javascript")) {
                   source = req.body;
               } else {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return http::Problem(req, body.error());
                   const auto got = body->is_object() ? StringMember(body->as_object(), "source") : std::nullopt;
                   source = got.value_or("");
               }
               auto p = registry.Install(auth::PrincipalOf(req), source, auth::ContextOf(req));
               if (!p) return http::Problem(req, p.error());
               Response res = Response::Json(201, PluginJson(*p));
               res.headers.Set("Location", "/api/v1/plugins/" + p->id);
               return http::NoStore(std::move(res));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/plugins/{id}",
           .operation_id = "getPlugin",
           .summary = "A plugin, with its source",
           .tag = "plugins",
           .responses = {{200, "The plugin", PluginSchema()}, {404, "No such plugin you may see"}},
           .requires_auth = true,
           .handler = [&registry](Request& req) {
               auto p = registry.Get(auth::PrincipalOf(req), req.path_params.at("id"));
               if (!p) return http::Problem(req, p.error());
               json::object out = PluginJson(p->first);
               out["source"] = p->second;
               return http::NoStore(Response::Json(200, out));
           }});
    r.Add({.method = "DELETE",
           .path = "/api/v1/plugins/{id}",
           .operation_id = "removePlugin",
           .summary = "Remove a plugin (its owner or an admin); projects stop running it",
           .tag = "plugins",
           .responses = {{204, "Removed"}, {404, "No such plugin of yours"}},
           .requires_auth = true,
           .handler = [&registry](Request& req) {
               auto done = registry.Remove(auth::PrincipalOf(req), req.path_params.at("id"), auth::ContextOf(req));
               if (!done) return http::Problem(req, done.error());
               return Response::Empty(204);
           }});
    r.Add({.method = "PUT",
           .path = "/api/v1/admin/plugins/{id}/global",
           .operation_id = "setPluginGlobal",
           .summary = "Enable a plugin for every project, or stop it (admins)",
           .tag = "plugins",
           .request_schema = json::object{{"type", "object"},
                                          {"required", json::array{"enabled"}},
                                          {"properties", json::object{{"enabled", json::object{{"type", "boolean"}}}}}},
           .responses = {{200, "The plugin", PluginSchema()}, {403, "Not an admin"}, {404, "No such plugin"}},
           .requires_auth = true,
           .handler = [&registry](Request& req) {
               auto body = http::ParseJsonBody(req);
               if (!body) return http::Problem(req, body.error());
               const auto* enabled = body->is_object() ? body->as_object().if_contains("enabled") : nullptr;
               if (enabled == nullptr || !enabled->is_bool()) {
                   return http::Problem(req, MakeError(ErrorCode::kInvalidArgument, "enabled: true or false",
                                                       {{"enabled", "a boolean"}}));
               }
               auto p = registry.SetGlobal(auth::PrincipalOf(req), req.path_params.at("id"), enabled->as_bool(),
                                           auth::ContextOf(req));
               if (!p) return http::Problem(req, p.error());
               return http::NoStore(Response::Json(200, PluginJson(*p)));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/admin/plugins/events",
           .operation_id = "listPluginEvents",
           .summary = "The latest platform events delivered to plugins (admins)",
           .description = "Newest first: each event (user.registered, project.generated, generation.failed), the "
                          "plugins that heard it and those that failed, with their errors.",
           .tag = "plugins",
           .params = {http::LimitParam()},
           .responses = {{200, "The deliveries", json::object{{"type", "object"}}}, {403, "Not an admin"}},
           .requires_auth = true,
           .handler = [&registry](Request& req) {
               auto limit = http::LimitOf(req, 20);
               if (!limit) return http::Problem(req, limit.error());
               auto jobs = registry.RecentEvents(auth::PrincipalOf(req), *limit);
               if (!jobs) return http::Problem(req, jobs.error());
               json::array items;
               for (const auto& j : *jobs) {
                   json::object item{{"id", j.id}, {"status", j.status}, {"created_at", j.created_at}};
                   if (const auto* e = j.input.is_object() ? j.input.as_object().if_contains("event") : nullptr) {
                       item["event"] = *e;
                   }
                   if (j.result.is_object()) {
                       for (const char* k : {"delivered", "failed"}) {
                           if (const auto* v = j.result.as_object().if_contains(k)) item[k] = *v;
                       }
                   }
                   items.push_back(std::move(item));
               }
               return http::NoStore(Response::Json(200, json::object{{"items", std::move(items)}}));
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/projects/{id:uuid}/plugins",
           .operation_id = "listProjectPlugins",
           .summary = "The plugins a project's generations run, in order (besides those enabled for everybody)",
           .tag = "plugins",
           .responses = {{200, "The plugins", ListSchema()}, {404, "No such project you may read"}},
           .requires_auth = true,
           .handler = [&registry, &projects](Request& req) {
               auto list = registry.OfProject(auth::PrincipalOf(req), projects, req.path_params.at("id"));
               if (!list) return http::Problem(req, list.error());
               return http::NoStore(Response::Json(200, ListJson(*list)));
           }});
    r.Add({.method = "PUT",
           .path = "/api/v1/projects/{id:uuid}/plugins",
           .operation_id = "setProjectPlugins",
           .summary = "Choose the plugins a project's generations run",
           .description = "{plugins: [plugin ids, in the order they run]}: each one yours or enabled for everybody. "
                          "Owners and editors of the project. The next generation runs them and its log lists what "
                          "each changed.",
           .tag = "plugins",
           .request_schema =
               json::object{{"type", "object"},
                            {"required", json::array{"plugins"}},
                            {"properties",
                             json::object{{"plugins", json::object{{"type", "array"},
                                                                   {"items", json::object{{"type", "string"}}}}}}}},
           .responses = {{200, "The project's plugins", ListSchema()},
                         {400, "An unknown plugin, or one neither yours nor enabled for everybody"},
                         {404, "No such project you may edit"}},
           .requires_auth = true,
           .handler = [&registry, &projects](Request& req) {
               auto body = http::ParseJsonBody(req);
               if (!body) return http::Problem(req, body.error());
               const auto* list = body->is_object() ? body->as_object().if_contains("plugins") : nullptr;
               std::vector<std::string> ids;
               bool ok = list != nullptr && list->is_array();
               if (ok) {
                   for (const auto& v : list->as_array()) {
                       if (!v.is_string())
                           ok = false;
                       else
                           ids.emplace_back(v.as_string());
                   }
               }
               if (!ok) {
                   return http::Problem(req, MakeError(ErrorCode::kInvalidArgument, "plugins: a list of plugin ids",
                                                       {{"plugins", "a list of ids"}}));
               }
               auto set = registry.SetProject(auth::PrincipalOf(req), projects, req.path_params.at("id"), ids,
                                              auth::ContextOf(req));
               if (!set) return http::Problem(req, set.error());
               return http::NoStore(Response::Json(200, ListJson(*set)));
           }});
}

}  // namespace dihya::plugins
