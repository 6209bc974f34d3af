#pragma once

// The plugins users install and the projects that run them (docs/plugins.md "In the server"): a user installs a
// plugin (its module is loaded in the sandbox and its manifest checked before it is kept), enables it on projects
// they may edit; an admin may enable one for every project. Each generation of a project runs the plugins enabled
// for everybody, then the project's, in order, and logs what each changed.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "auth/principal.hpp"
#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/personal_data.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "jobs/queue.hpp"
#include "model/project_model.hpp"
#include "plugins/plugin.hpp"
#include "plugins/sandbox.hpp"
#include "projects/service.hpp"
#include "storage/db.hpp"

namespace dihya::plugins {

struct InstalledPlugin {
    std::string id;
    std::string owner_id;
    std::string name;
    std::string version;
    boost::json::value manifest;
    std::string digest;  // SHA-256 of the source
    bool global = false;
    std::string created_at;
};

/// {id, name, version, manifest, digest, enabled_for_everybody, installed_at}: how the API and the export show it.
boost::json::object ToJson(const InstalledPlugin& plugin);

struct PluginRegistryDeps {
    storage::Db& db;
    AuditSink& audit;
    const Clock& clock;
    std::filesystem::path host;  // dihya-js
    SandboxLimits limits;
    std::size_t max_source = 1u << 20;
    std::size_t max_per_user = 50;
    jobs::Queue* queue = nullptr;           // platform events reach plugins through jobs of kind "plugin.event"
    const net::HttpClient* http = nullptr;  // plugins' fetch() (http:fetch); without it every fetch fails
};

inline constexpr const char* kEventJob = "plugin.event";

class PluginRegistry final : public projects::GenerationPlugins {
public:
    explicit PluginRegistry(PluginRegistryDeps deps) : d_(std::move(deps)) {}

    /// What the models plugins answer are checked against (the catalog with the installed packs' features); set
    /// once, before generations run.
    void UseVocabulary(const model::Vocabulary& vocabulary) { vocabulary_ = &vocabulary; }

    /// Loads `source` in a sandbox and checks its manifest, as Install does before keeping it (the marketplace
    /// checks what is published with it).
    Result<Manifest> Check(const std::string& source) const;
    /// Installs a plugin for `who` (signed in): loaded in its sandbox, manifest checked. kAlreadyExists for a name
    /// and version they already have.
    Result<InstalledPlugin> Install(const auth::Principal& who, const std::string& source, const RequestContext& ctx);
    /// The caller's plugins and those enabled for everybody.
    Result<std::vector<InstalledPlugin>> Visible(const auth::Principal& who);
    /// One plugin the caller may see, with its source.
    Result<std::pair<InstalledPlugin, std::string>> Get(const auth::Principal& who, const std::string& id);
    /// The owner, or an admin, removes it (from every project too).
    Result<void> Remove(const auth::Principal& who, const std::string& id, const RequestContext& ctx);
    /// Admins: enables (or stops) the plugin for every project.
    Result<InstalledPlugin> SetGlobal(const auth::Principal& who, const std::string& id, bool global,
                                      const RequestContext& ctx);
    /// The plugins a project runs besides the global ones, in order. `projects` checks the caller's access.
    Result<std::vector<InstalledPlugin>> OfProject(const auth::Principal& who, projects::ProjectsService& projects,
                                                   const std::string& project_id);
    /// Sets them (editors of the project; each plugin the caller's own or enabled for everybody).
    Result<std::vector<InstalledPlugin>> SetProject(const auth::Principal& who, projects::ProjectsService& projects,
                                                    const std::string& project_id, const std::vector<std::string>& ids,
                                                    const RequestContext& ctx);

    Result<generator::Tree> Generate(const std::string& project_id, model::ProjectModel& model, const Render& render,
                                     const std::function<void(const std::string&)>& log,
                                     std::vector<Used>& used) override;

    /// Registers the job that delivers platform events to the plugins that listen (before the queue starts).
    void RegisterJobs();
    /// A platform event (user.registered, project.generated, generation.failed): when a plugin listens — one
    /// enabled for everybody, or one of `project_id`'s — a job delivers it to each (onEvent with events:read), in
    /// the caller's transaction when `s` is given. Nothing is queued when none listens.
    Result<void> QueueEvent(storage::Session* s, const std::string& type, boost::json::object data,
                            const std::string& project_id);
    /// Admins: the latest deliveries, newest first (each: the event, who heard it, who failed and why).
    Result<std::vector<jobs::Job>> RecentEvents(const auth::Principal& who, std::int64_t limit);

    Result<boost::json::value> ExportPersonal(storage::Session& s, const std::string& user_id);
    Result<void> ErasePersonal(storage::Session& s, const std::string& user_id);

private:
    Result<std::unique_ptr<Plugin>> Load(const std::string& source) const;

    PluginRegistryDeps d_;
    const model::Vocabulary* vocabulary_ = nullptr;
};

/// Passes every audit event on to `inner`, and turns the ones that are platform events for plugins (a user
/// registered) into a delivery in the same transaction. The registry is set once it exists.
class EventAudit final : public AuditSink {
public:
    explicit EventAudit(AuditSink& inner) : inner_(inner) {}
    void UseRegistry(PluginRegistry& registry) { registry_ = &registry; }
    Result<void> Record(storage::Session& session, const AuditEvent& event) override;

private:
    AuditSink& inner_;
    PluginRegistry* registry_ = nullptr;
};

/// Finished generations become platform events for plugins: project.generated or generation.failed.
void ObserveGenerations(jobs::Queue& queue, PluginRegistry& registry);

/// A user's installed plugins in the GDPR export and erasure.
class PluginData final : public PersonalDataSource {
public:
    explicit PluginData(PluginRegistry& registry) : registry_(registry) {}
    std::string_view Name() const override { return "plugins"; }
    std::string_view Description() const override {
        return "The plugins you installed: each one's manifest and source, and whether an admin enabled it for "
               "everybody.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override {
        return registry_.ExportPersonal(s, user_id);
    }
    Result<void> Erase(storage::Session& s, const std::string& user_id) override {
        return registry_.ErasePersonal(s, user_id);
    }

private:
    PluginRegistry& registry_;
};

}  // namespace dihya::plugins
