#include "plugins/registry.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <boost/json.hpp>

#include "auth/permissions.hpp"
#include "core/crypto.hpp"
#include "plugins/embedded.hpp"
#include "storage/named_queries.hpp"

namespace dihya::plugins {

namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/plugins.sql"), "plugins/queries/plugins.sql");
    return q;
}

InstalledPlugin Read(const storage::Rows& rows, std::size_t i) {
    std::error_code ec;
    json::value manifest = json::parse(rows.GetText(i, "manifest").value_or("{}"), ec);
    return InstalledPlugin{rows.GetText(i, "id").value_or(""),
                           rows.GetText(i, "owner_id").value_or(""),
                           rows.GetText(i, "name").value_or(""),
                           rows.GetText(i, "version").value_or(""),
                           ec ? json::value(json::object()) : std::move(manifest),
                           rows.GetText(i, "digest").value_or(""),
                           rows.GetInt(i, "global").value_or(0) != 0,
                           rows.GetText(i, "created_at").value_or("")};
}

Result<void> SignedIn(const auth::Principal& who) {
    if (!who.authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in to use plugins");
    return auth::Authorize(who, auth::Action::kPluginsRead);
}

/// The plugin rows a project's generation runs: those enabled for everybody, then the project's (once each).
struct Runnable {
    InstalledPlugin plugin;
    std::string source;
};

}  // namespace

json::object ToJson(const InstalledPlugin& p) {
    return json::object{{"id", p.id},
                        {"name", p.name},
                        {"version", p.version},
                        {"manifest", p.manifest},
                        {"digest", p.digest},
                        {"enabled_for_everybody", p.global},
                        {"installed_at", p.created_at}};
}

Result<std::unique_ptr<Plugin>> PluginRegistry::Load(const std::string& source) const {
    if (source.empty()) return MakeError(ErrorCode::kInvalidArgument, "source: required", {{"source", "required"}});
    if (source.find('\0') != std::string::npos) {
        return MakeError(ErrorCode::kInvalidArgument, "source: contains a NUL byte (write \\0 in strings instead)",
                         {{"source", "contains a NUL byte"}});
    }
    if (source.size() > d_.max_source) {
        return MakeError(ErrorCode::kPayloadTooLarge,
                         "source: larger than " + std::to_string(d_.max_source / 1024) + " KiB",
                         {{"source", "too large"}});
    }
    return Plugin::Load(d_.host, "plugin.mjs", source, d_.limits);
}

Result<Manifest> PluginRegistry::Check(const std::string& source) const {
    auto plugin = Load(source);
    if (!plugin) return plugin.take_error();
    return (*plugin)->manifest();
}

Result<InstalledPlugin> PluginRegistry::Install(const auth::Principal& who, const std::string& source,
                                                const RequestContext& ctx) {
    if (!who.authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in to install plugins");
    if (auto ok = auth::Authorize(who, auth::Action::kPluginsManage, who.user_id); !ok) return ok.take_error();
    auto plugin = Load(source);
    if (!plugin) return plugin.take_error();
    const Manifest& m = (*plugin)->manifest();
    InstalledPlugin p{crypto::NewUuid(),
                      who.user_id,
                      m.name,
                      m.version,
                      (*plugin)->sandbox().manifest(),
                      crypto::Sha256Hex(source),
                      false,
                      FormatTime(d_.clock.Now())};
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto count = s.Query(Q()["count_of_owner"], std::array<Value, 1>{who.user_id});
        if (!count) return count.take_error();
        if (static_cast<std::size_t>(count->GetInt(0, "n").value_or(0)) >= d_.max_per_user) {
            return MakeError(ErrorCode::kPayloadTooLarge, "you have " + std::to_string(d_.max_per_user) +
                                                              " plugins installed already; remove one first");
        }
        auto exists = s.Query(Q()["exists"], std::array<Value, 3>{who.user_id, p.name, p.version});
        if (!exists) return exists.take_error();
        if (!exists->empty()) {
            return MakeError(ErrorCode::kAlreadyExists, "you already installed " + p.name + " " + p.version +
                                                            "; a version is never replaced: give it a new version");
        }
        const std::int64_t listens = m.Hooks("onEvent") && m.Has("events:read") ? 1 : 0;
        auto n = s.Execute(Q()["insert"],
                           std::array<Value, 9>{p.id, p.owner_id, p.name, p.version, json::serialize(p.manifest),
                                                source, p.digest, p.created_at, listens});
        if (!n) return n.take_error();
        return d_.audit.Record(s, AuditEvent{who.user_id,
                                             "plugin.installed",
                                             "plugin",
                                             p.id,
                                             {{"name", p.name}, {"version", p.version}, {"digest", p.digest}},
                                             ctx});
    });
    if (!r) return r.take_error();
    return p;
}

Result<std::vector<InstalledPlugin>> PluginRegistry::Visible(const auth::Principal& who) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto rows = d_.db.Query(Q()["visible"], std::array<Value, 1>{who.user_id});
    if (!rows) return rows.take_error();
    std::vector<InstalledPlugin> out;
    for (std::size_t i = 0; i < rows->size(); ++i) out.push_back(Read(*rows, i));
    return out;
}

Result<std::pair<InstalledPlugin, std::string>> PluginRegistry::Get(const auth::Principal& who, const std::string& id) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    auto rows = d_.db.Query(Q()["find"], std::array<Value, 1>{id});
    if (!rows) return rows.take_error();
    if (rows->empty()) return MakeError(ErrorCode::kNotFound, "no such plugin");
    InstalledPlugin p = Read(*rows, 0);
    if (!p.global && p.owner_id != who.user_id && who.role != auth::Role::kAdmin) {
        return MakeError(ErrorCode::kNotFound, "no such plugin");
    }
    auto source = d_.db.Query(Q()["source"], std::array<Value, 1>{id});
    if (!source) return source.take_error();
    return std::make_pair(std::move(p), source->empty() ? std::string() : source->GetText(0, "source").value_or(""));
}

Result<void> PluginRegistry::Remove(const auth::Principal& who, const std::string& id, const RequestContext& ctx) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto rows = s.Query(Q()["find"], std::array<Value, 1>{id});
        if (!rows) return rows.take_error();
        if (rows->empty()) return MakeError(ErrorCode::kNotFound, "no such plugin");
        const InstalledPlugin p = Read(*rows, 0);
        if (auto ok = auth::Authorize(who, auth::Action::kPluginsManage, p.owner_id); !ok) {
            return p.global ? ok.take_error() : MakeError(ErrorCode::kNotFound, "no such plugin");
        }
        auto n = s.Execute(Q()["delete"], std::array<Value, 1>{id});
        if (!n) return n.take_error();
        return d_.audit.Record(
            s,
            AuditEvent{who.user_id, "plugin.removed", "plugin", id, {{"name", p.name}, {"version", p.version}}, ctx});
    });
}

Result<InstalledPlugin> PluginRegistry::SetGlobal(const auth::Principal& who, const std::string& id, bool global,
                                                  const RequestContext& ctx) {
    if (auto ok = auth::Authorize(who, auth::Action::kPluginsEnableForAll); !ok) return ok.take_error();
    InstalledPlugin out;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto rows = s.Query(Q()["find"], std::array<Value, 1>{id});
        if (!rows) return rows.take_error();
        if (rows->empty()) return MakeError(ErrorCode::kNotFound, "no such plugin");
        out = Read(*rows, 0);
        auto n = s.Execute(Q()["set_global"], std::array<Value, 2>{id, std::int64_t{global ? 1 : 0}});
        if (!n) return n.take_error();
        out.global = global;
        return d_.audit.Record(s, AuditEvent{who.user_id,
                                             global ? "plugin.enabled_for_all" : "plugin.disabled_for_all",
                                             "plugin",
                                             id,
                                             {{"name", out.name}, {"version", out.version}},
                                             ctx});
    });
    if (!r) return r.take_error();
    return out;
}

Result<std::vector<InstalledPlugin>> PluginRegistry::OfProject(const auth::Principal& who,
                                                               projects::ProjectsService& projects,
                                                               const std::string& project_id) {
    if (auto ok = SignedIn(who); !ok) return ok.take_error();
    if (auto role = projects.RoleOf(who, project_id, projects::Need::kRead); !role) return role.take_error();
    auto rows = d_.db.Query(Q()["of_project"], std::array<Value, 1>{project_id});
    if (!rows) return rows.take_error();
    std::vector<InstalledPlugin> out;
    for (std::size_t i = 0; i < rows->size(); ++i) out.push_back(Read(*rows, i));
    return out;
}

Result<std::vector<InstalledPlugin>> PluginRegistry::SetProject(const auth::Principal& who,
                                                                projects::ProjectsService& projects,
                                                                const std::string& project_id,
                                                                const std::vector<std::string>& ids,
                                                                const RequestContext& ctx) {
    if (!who.authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in to use plugins");
    if (auto ok = auth::Authorize(who, auth::Action::kPluginsManage, who.user_id); !ok) return ok.take_error();
    if (auto role = projects.RoleOf(who, project_id, projects::Need::kEdit); !role) return role.take_error();
    constexpr std::size_t kMaxPerProject = 10;
    if (ids.size() > kMaxPerProject) {
        return MakeError(ErrorCode::kInvalidArgument, "plugins: at most 10 per project", {{"plugins", "too many"}});
    }
    std::set<std::string> seen;
    for (const std::string& id : ids) {
        if (!seen.insert(id).second) {
            return MakeError(ErrorCode::kInvalidArgument, "plugins: " + id + " is listed twice",
                             {{"plugins", "listed twice"}});
        }
    }
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        std::vector<InstalledPlugin> chosen;
        for (const std::string& id : ids) {
            auto rows = s.Query(Q()["find"], std::array<Value, 1>{id});
            if (!rows) return rows.take_error();
            if (rows->empty()) {
                return MakeError(ErrorCode::kInvalidArgument, "plugins: no plugin " + id, {{"plugins", "unknown"}});
            }
            InstalledPlugin p = Read(*rows, 0);
            if (p.owner_id != who.user_id && !p.global) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "plugins: " + id + " is neither yours nor enabled for everybody",
                                 {{"plugins", "not yours"}});
            }
            chosen.push_back(std::move(p));
        }
        if (auto n = s.Execute(Q()["clear_project"], std::array<Value, 1>{project_id}); !n) return n.take_error();
        const std::string now = FormatTime(d_.clock.Now());
        json::array names;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            auto n = s.Execute(
                Q()["enable_on_project"],
                std::array<Value, 5>{project_id, chosen[i].id, static_cast<std::int64_t>(i), who.user_id, now});
            if (!n) return n.take_error();
            names.push_back(json::value(chosen[i].name + " " + chosen[i].version));
        }
        return d_.audit.Record(
            s, AuditEvent{who.user_id, "project.plugins_set", "project", project_id, {{"plugins", names}}, ctx});
    });
    if (!r) return r.take_error();
    return OfProject(who, projects, project_id);
}

Result<generator::Tree> PluginRegistry::Generate(const std::string& project_id, model::ProjectModel& model,
                                                 const Render& render,
                                                 const std::function<void(const std::string&)>& log,
                                                 std::vector<Used>& used) {
    std::vector<Runnable> runnable;
    std::set<std::string> ids;
    auto global = d_.db.Query(Q()["global"]);
    if (!global) return global.take_error();
    auto own = d_.db.Query(Q()["of_project"], std::array<Value, 1>{project_id});
    if (!own) return own.take_error();
    for (const storage::Rows* rows : {&*global, &*own}) {
        for (std::size_t i = 0; i < rows->size(); ++i) {
            InstalledPlugin p = Read(*rows, i);
            if (!ids.insert(p.id).second) continue;
            runnable.push_back({std::move(p), rows->GetText(i, "source").value_or("")});
        }
    }
    if (runnable.empty()) return render(model, nullptr);
    if (vocabulary_ == nullptr) return MakeError(ErrorCode::kInternal, "the plugin registry has no vocabulary");
    // One sandbox at a time: each plugin is loaded for its hook and ended after it.
    auto declares = [](const InstalledPlugin& p, std::string_view hook) {
        const auto* hooks = p.manifest.is_object() ? p.manifest.as_object().if_contains("hooks") : nullptr;
        if (hooks == nullptr || !hooks->is_array()) return false;
        return std::any_of(hooks->as_array().begin(), hooks->as_array().end(),
                           [&](const json::value& h) { return h.is_string() && h.as_string() == hook; });
    };
    auto load = [&](const Runnable& r) {
        // Only a plugin an admin enabled for everybody may reach this machine or a private network.
        return Plugin::Load(d_.host, r.plugin.name + ".mjs", r.source, d_.limits, d_.http,
                            r.plugin.global ? FetchReach::kPrivateToo : FetchReach::kPublic);
    };
    for (const Runnable& r : runnable) {
        log("plugin " + r.plugin.name + " " + r.plugin.version + (r.plugin.global ? " (enabled for everybody)" : "") +
            ", source sha256 " + r.plugin.digest.substr(0, 16));
        used.push_back({r.plugin.name, r.plugin.version, r.plugin.digest});
        if (!declares(r.plugin, "beforeGeneration")) continue;
        auto plugin = load(r);
        if (!plugin) {
            log(plugin.error().message);
            return plugin.take_error();
        }
        std::vector<std::string> changes;
        auto changed = (*plugin)->BeforeGeneration(model, *vocabulary_, changes);
        if (!changed) {
            log(changed.error().message);
            return changed.take_error();
        }
        model = std::move(*changed);
        for (const auto& c : changes) log("plugin " + c);
    }
    class AfterEach final : public generator::Hooks {
    public:
        AfterEach(std::vector<const Runnable*> list,
                  const std::function<Result<std::unique_ptr<Plugin>>(const Runnable&)>& load,
                  const model::ProjectModel& model, const std::function<void(const std::string&)>& log)
            : list_(std::move(list)), load_(load), model_(model), log_(log) {}
        Result<void> AfterRender(generator::Tree& tree) override {
            for (const Runnable* r : list_) {
                auto plugin = load_(*r);
                if (!plugin) return plugin.take_error();
                std::vector<std::string> changes;
                if (auto ok = (*plugin)->AfterGeneration(tree, model_, changes); !ok) return ok;
                for (const auto& c : changes) log_("plugin " + c);
            }
            return Ok();
        }

    private:
        std::vector<const Runnable*> list_;
        const std::function<Result<std::unique_ptr<Plugin>>(const Runnable&)>& load_;
        const model::ProjectModel& model_;
        const std::function<void(const std::string&)>& log_;
    };
    std::vector<const Runnable*> after;
    for (const Runnable& r : runnable) {
        if (declares(r.plugin, "afterGeneration")) after.push_back(&r);
    }
    const std::function<Result<std::unique_ptr<Plugin>>(const Runnable&)> loader = load;
    AfterEach hooks(std::move(after), loader, model, log);
    auto tree = render(model, &hooks);
    if (!tree) {
        log(tree.error().message);
        return tree.take_error();
    }
    return tree;
}

void PluginRegistry::RegisterJobs() {
    if (d_.queue == nullptr) return;
    d_.queue->Handle(kEventJob, [this](const jobs::Job& job, jobs::Progress& progress) -> Result<json::value> {
        const json::value* event = job.input.is_object() ? job.input.as_object().if_contains("event") : nullptr;
        const json::value* project = job.input.is_object() ? job.input.as_object().if_contains("project_id") : nullptr;
        if (event == nullptr || !event->is_object()) return MakeError(ErrorCode::kInternal, "malformed event");
        const std::string project_id =
            project != nullptr && project->is_string() ? std::string(project->as_string()) : "";
        auto rows = d_.db.Query(Q()["listeners"], std::array<Value, 1>{project_id});
        if (!rows) return rows.take_error();
        json::array delivered;
        json::array failed;
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const InstalledPlugin p = Read(*rows, i);
            const std::string who = p.name + " " + p.version;
            auto plugin = Plugin::Load(d_.host, p.name + ".mjs", rows->GetText(i, "source").value_or(""), d_.limits,
                                       d_.http, p.global ? FetchReach::kPrivateToo : FetchReach::kPublic);
            Result<bool> heard = plugin ? (*plugin)->OnEvent(event->as_object()) : Result<bool>(plugin.take_error());
            if (!heard) {
                progress.Log(who + " failed: " + heard.error().message);
                failed.push_back(json::object{{"plugin", who}, {"error", heard.error().message}});
            } else if (*heard) {
                progress.Log("delivered to " + who);
                delivered.push_back(json::value(who));
            }
        }
        return json::value(json::object{{"event", event->as_object().at("type")},
                                        {"delivered", std::move(delivered)},
                                        {"failed", std::move(failed)}});
    });
}

Result<void> PluginRegistry::QueueEvent(storage::Session* s, const std::string& type, json::object data,
                                        const std::string& project_id) {
    if (d_.queue == nullptr) return Ok();
    auto any = s != nullptr ? s->Query(Q()["any_listener"], std::array<Value, 1>{project_id})
                            : d_.db.Query(Q()["any_listener"], std::array<Value, 1>{project_id});
    if (!any) return any.take_error();
    if (any->empty()) return Ok();
    json::object input{
        {"event", json::object{{"type", type}, {"at", FormatTime(d_.clock.Now())}, {"data", std::move(data)}}},
        {"project_id", project_id}};
    auto job = s != nullptr ? d_.queue->Enqueue(*s, kEventJob, "", "plugin-events", std::move(input))
                            : d_.queue->Enqueue(kEventJob, "", "plugin-events", std::move(input));
    if (!job) return job.take_error();
    return Ok();
}

Result<std::vector<jobs::Job>> PluginRegistry::RecentEvents(const auth::Principal& who, std::int64_t limit) {
    if (auto ok = auth::Authorize(who, auth::Action::kPluginsEnableForAll); !ok) return ok.take_error();
    if (d_.queue == nullptr) return std::vector<jobs::Job>{};
    return d_.queue->ListBySubject("plugin-events", kEventJob, "", "", limit);
}

Result<void> EventAudit::Record(storage::Session& session, const AuditEvent& event) {
    if (auto ok = inner_.Record(session, event); !ok) return ok;
    if (registry_ != nullptr && (event.action == "auth.register" || event.action == "user.created") &&
        !event.target_id.empty()) {
        return registry_->QueueEvent(&session, "user.registered", json::object{{"user_id", event.target_id}}, "");
    }
    return Ok();
}

void ObserveGenerations(jobs::Queue& queue, PluginRegistry& registry) {
    queue.Observe([&registry](const jobs::Job& job, const jobs::Event* line) {
        if (job.kind != projects::kGenerationJob || line != nullptr || !job.finished() || job.status == "cancelled") {
            return;
        }
        const bool ok = job.status == "succeeded";
        json::object data{{"project_id", job.subject_id}, {"generation_id", job.id}};
        if (ok) {
            const auto* files = job.result.is_object() ? job.result.as_object().if_contains("files") : nullptr;
            data["files"] = files != nullptr ? *files : json::value(0);
        } else {
            data["error"] = job.error;
        }
        // Best effort: a delivery that cannot be queued is not a reason to touch the generation's outcome.
        (void)registry.QueueEvent(nullptr, ok ? "project.generated" : "generation.failed", std::move(data),
                                  job.subject_id);
    });
}

Result<json::value> PluginRegistry::ExportPersonal(storage::Session& s, const std::string& user_id) {
    auto rows = s.Query(Q()["all_of_owner"], std::array<Value, 1>{user_id});
    if (!rows) return rows.take_error();
    json::array items;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const InstalledPlugin p = Read(*rows, i);
        json::object item = ToJson(p);
        item["source"] = rows->GetText(i, "source").value_or("");
        items.push_back(std::move(item));
    }
    return json::value(json::object{{"installed", std::move(items)}});
}

Result<void> PluginRegistry::ErasePersonal(storage::Session& s, const std::string& user_id) {
    auto n = s.Execute(Q()["delete_of_owner"], std::array<Value, 1>{user_id});
    if (!n) return n.take_error();
    // Who enabled a plugin on someone else's project is forgotten; the choice stays.
    if (auto k = s.Execute(Q()["forget_enabler"], std::array<Value, 1>{user_id}); !k) return k.take_error();
    return {};
}

}  // namespace dihya::plugins
