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
    const Manifest& manifest = (*plugin)->manifest();
    std::string hook = StringMember(o, "hook").value_or(manifest.hooks.front());
    if (!manifest.Hooks(hook)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "plugin " + manifest.name + " does not list the hook " + hook + " in its manifest",
                         {{"hook", "not in the manifest"}});
    }
    json::object answer{{"plugin", json::object{{"name", manifest.name}, {"version", manifest.version}}},
                        {"hook", hook}};
    if (hook == "onEvent") {
        json::object event{{"type", StringMember(o, "event_type").value_or("project.generated")},
                           {"at", "2026-01-01T00:00:00Z"},
                           {"data", json::object{}}};
        auto delivered = (*plugin)->OnEvent(event);
        if (!delivered) return delivered.take_error();
        answer["event"] = std::move(event);
        answer["delivered"] = *delivered;
        return answer;
    }
    generator::SpecInput input;
    if (const auto* m = o.if_contains("model"); m != nullptr) input.model = *m;
    input.text = StringMember(o, "text");
    auto resolved = generator::ResolveSpec(input, d.analyzer, d.vocabulary);
    if (!resolved) return resolved.take_error();
    std::vector<std::string> changes;
    if (hook == "beforeGeneration") {
        auto changed = (*plugin)->BeforeGeneration(resolved->model, d.vocabulary, changes);
        if (!changed) return changed.take_error();
        answer["changes"] = json::value_from(changes);
        answer["model"] = model::ToSpec(*changed);
        return answer;
    }
    auto tree = d.engine.Render(resolved->model);
    if (!tree) return tree.take_error();
    std::map<std::string, std::string> before;
    for (const auto& f : tree->files) before[f.path] = f.content;
    if (auto ok = (*plugin)->AfterGeneration(*tree, resolved->model, changes); !ok) return ok.take_error();
    json::object files;
    json::array removed;
    std::set<std::string> now;
    for (const auto& f : tree->files) {
        now.insert(f.path);
        auto it = before.find(f.path);
        if (it == before.end() || it->second != f.content) files[f.path] = f.content;
    }
    for (const auto& [path, content] : before) {
        if (!now.contains(path)) removed.push_back(json::value(path));
    }
    answer["changes"] = json::value_from(changes);
    answer["files"] = std::move(files);
    answer["removed"] = std::move(removed);
    return answer;
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

}  // namespace dihya::plugins
