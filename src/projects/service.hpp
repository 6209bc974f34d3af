#pragma once

// Saved projects and their generations. A project is a user's specification (the normalised structured model,
// and the free text it was analysed from, if any), versioned for optimistic concurrency. A generation renders a
// version of it in the background (a job of kind "generation" on the job queue) and keeps the rendered files in
// the database (see migrations/005_projects.sql for why), from which the archive, the file tree and previews are
// served. No HTTP types: handlers.cpp maps these to routes.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "analyze/analyzer.hpp"
#include "auth/principal.hpp"
#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/event_sink.hpp"
#include "core/log.hpp"
#include "core/notifier.hpp"
#include "core/personal_data.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "generator/archive.hpp"
#include "generator/engine.hpp"
#include "generator/spec_input.hpp"
#include "jobs/queue.hpp"
#include "model/project_model.hpp"
#include "projects/repository.hpp"
#include "storage/db.hpp"

namespace dihya::projects {

/// The job kind of generations.
inline constexpr std::string_view kGenerationJob = "generation";
/// The steps of a generation, in order (Job::step).
inline constexpr std::string_view kGenerationSteps[] = {"validating", "rendering", "archiving", "storing"};

/// Limits beyond the model's own (model/project_model.hpp: entities, fields, names, lengths) and the analyser's
/// (text length).
struct ProjectsLimits {
    std::int64_t max_projects_per_user = 500;
    std::int64_t max_spec_bytes = std::int64_t{512} * 1024;      // the normalised specification, as JSON
    std::int64_t max_active_generations = 4;                     // queued or running, per user
    std::int64_t max_members = 50;                               // people a project is shared with
    std::int64_t keep_generations = 20;                          // per project; older finished ones are deleted
    std::int64_t max_preview_bytes = std::int64_t{1024} * 1024;  // a larger file is only in the archive
    std::int64_t idempotency_seconds = std::int64_t{24} * 3600;  // how long an Idempotency-Key is remembered
};

struct Project {
    std::string id;
    std::string owner_id;
    std::string name;
    std::string title;
    std::string description;
    boost::json::value spec;  // the normalised structured specification (model::ToSpec)
    std::optional<std::string> source_text;
    std::vector<analyze::Assumption> assumptions;  // of the last analysis of source_text
    std::int64_t version = 1;
    std::string created_at;
    std::string updated_at;
    std::size_t entity_count = 0;
    /// The caller's part in it: owner, editor, viewer (shared with them) or admin (reading another's project).
    std::string role;
};

/// Project sharing: a member's role.
inline constexpr std::string_view kViewer = "viewer";
inline constexpr std::string_view kEditor = "editor";

/// Someone a project is shared with (or its owner, listed first with role "owner").
struct Member {
    std::string user_id;
    std::string display_name;
    std::string role;
    std::string added_at;
    std::string updated_at;
};

/// What projects need to know of accounts (auth::AuthService in production).
struct People {
    /// The enabled account with this email: {id, display name}.
    std::function<Result<std::optional<Member>>(std::string_view email)> find_by_email;
    /// The display name of an account ("" when it has none or is gone).
    std::function<std::string(const std::string& user_id)> display_name;
};

/// A whole specification: for creation and replacement.
struct ProjectInput {
    generator::SpecInput spec;
    /// Override the specification's own.
    std::optional<std::string> name;
    std::optional<std::string> title;
    std::optional<std::string> description;
};

struct IdempotencyKey {
    std::string key;
    std::string request_hash;  // of the request body: the same key with another body is refused
};

struct Created {
    Project project;
    bool replayed = false;  // an Idempotency-Key seen before with the same body: the project made then
};

/// A JSON merge patch (RFC 7386) of {name, title, description, spec}; `text` instead of `spec` re-analyses.
using ProjectPatch = boost::json::object;

struct ProjectQuery {
    std::string cursor;
    std::int64_t limit = 50;
    std::string q;        // part of the name or title, any case
    std::string owner;    // "" = the caller; another user's id or "*" (everyone) for admins
    bool shared = false;  // the projects shared with the caller instead
};

struct ProjectPage {
    std::vector<Project> items;
    std::optional<std::string> next_cursor;
};

struct GenerationPage {
    std::vector<jobs::Job> items;
    std::optional<std::string> next_cursor;
};

using FileEntry = FileRow;

struct Download {
    std::string file_name;  // e.g. clinic-booking.zip
    std::string bytes;
    std::string sha256;
};

/// Plugins around a generation (src/plugins implements it; docs/plugins.md): beforeGeneration may change the
/// model, afterGeneration the files; each plugin used and each change is a line of the generation's log.
class GenerationPlugins {
public:
    virtual ~GenerationPlugins() = default;
    using Render = std::function<Result<generator::Tree>(const model::ProjectModel&, generator::Hooks*)>;
    struct Used {
        std::string name;
        std::string version;
        std::string digest;  // SHA-256 of the module's source
    };
    /// The project's plugins (with those enabled for everybody) around `render`; `model` becomes the model the
    /// plugins answered. A plugin's failure fails the generation with its message.
    virtual Result<generator::Tree> Generate(const std::string& project_id, model::ProjectModel& model,
                                             const Render& render, const std::function<void(const std::string&)>& log,
                                             std::vector<Used>& used) = 0;
};

struct ProjectsDeps {
    storage::Db& db;
    jobs::Queue& queue;
    const generator::Engine& engine;
    analyze::Analyzer& analyzer;
    const model::Vocabulary& vocabulary;
    AuditSink& audit;
    const Clock& clock;
    Logger& log;
    generator::Hooks* hooks = nullptr;     // around every render (tests)
    GenerationPlugins* plugins = nullptr;  // the plugins of each project, when there are
    /// Live clients of project:{id} learn of changes (project.updated, project.deleted); none when null.
    EventSink* events = nullptr;
    /// Sharing by email and members' names; sharing is refused when unset.
    People people;
    /// Told when a project is shared with someone (kind project.shared); none when null.
    Notifier* notifier = nullptr;
};

/// What a caller needs on a project.
enum class Need { kRead, kEdit, kOwn };

class ProjectsService final {
public:
    /// Registers the generation job handler on the queue (so build this before the queue starts).
    explicit ProjectsService(ProjectsDeps deps, ProjectsLimits limits = {});

    const ProjectsLimits& limits() const { return limits_; }

    Result<Created> Create(const auth::Principal& who, const ProjectInput& input,
                           const std::optional<IdempotencyKey>& key, const RequestContext& ctx);
    Result<Project> Get(const auth::Principal& who, const std::string& id);
    /// For modules that checked access themselves (RoleOf): the project, without a permission check.
    Result<Project> Find(const std::string& id);
    /// Whether `who` may watch project:{id} live (as they may read it).
    Result<void> CanWatchProject(const auth::Principal& who, const std::string& id);
    /// Whether `who` may watch generation:{id} live (as they may read its project).
    Result<void> CanWatchGeneration(const auth::Principal& who, const std::string& generation_id);
    Result<ProjectPage> List(const auth::Principal& who, const ProjectQuery& query);
    /// `if_match`: the version the caller last read (kPreconditionFailed when the project is at another one).
    /// A concurrent change between reading and writing is a kConflict.
    Result<Project> Replace(const auth::Principal& who, const std::string& id, const ProjectInput& input,
                            std::optional<std::int64_t> if_match, const RequestContext& ctx);
    /// `budget` bounds the analysis of a patched `text`.
    Result<Project> Patch(const auth::Principal& who, const std::string& id, const ProjectPatch& patch,
                          std::optional<std::int64_t> if_match, const RequestContext& ctx, const Budget& budget = {});
    /// Also deletes the project's generations and their files.
    Result<void> Delete(const auth::Principal& who, const std::string& id, std::optional<std::int64_t> if_match,
                        const RequestContext& ctx);

    /// The caller's role on the project (owner, editor, viewer, admin), or why they have none: kNotFound when it
    /// is absent or not theirs to see.
    Result<std::string> RoleOf(const auth::Principal& who, const std::string& id, Need need = Need::kRead);
    /// The owner first, then the members, oldest first. Every member may list them.
    Result<std::vector<Member>> Members(const auth::Principal& who, const std::string& id);
    /// Shares the project with the account that has this email, as viewer or editor (or changes the role of a
    /// member). Only the owner shares.
    Result<Member> Share(const auth::Principal& who, const std::string& id, std::string_view email,
                         std::string_view role, const RequestContext& ctx);
    /// Ends a member's access: the owner removes anyone, a member leaves.
    Result<void> Unshare(const auth::Principal& who, const std::string& id, const std::string& user_id,
                         const RequestContext& ctx);

    /// Queues a generation of the project's current version. kRateLimited when the owner has
    /// max_active_generations queued or running.
    Result<jobs::Job> StartGeneration(const auth::Principal& who, const std::string& project_id,
                                      const RequestContext& ctx);
    Result<jobs::Job> GetGeneration(const auth::Principal& who, const std::string& project_id,
                                    const std::string& generation_id);
    Result<GenerationPage> ListGenerations(const auth::Principal& who, const std::string& project_id,
                                           const std::string& cursor, std::int64_t limit);
    Result<std::vector<jobs::Event>> GenerationLog(const auth::Principal& who, const std::string& project_id,
                                                   const std::string& generation_id, std::int64_t after_seq,
                                                   std::int64_t limit);
    /// Cancels a queued generation or deletes a finished one with its files; kConflict while it runs.
    Result<void> DeleteGeneration(const auth::Principal& who, const std::string& project_id,
                                  const std::string& generation_id, const RequestContext& ctx);

    /// The files of a succeeded generation (kConflict before), without contents.
    Result<std::vector<FileEntry>> Files(const auth::Principal& who, const std::string& project_id,
                                         const std::string& generation_id);
    /// One file with its content; kPayloadTooLarge past max_preview_bytes.
    Result<FileEntry> File(const auth::Principal& who, const std::string& project_id, const std::string& generation_id,
                           const std::string& path);
    /// The archive rebuilt from the stored files: the same bytes as when it was generated (checked against the
    /// SHA-256 recorded then).
    Result<Download> Archive(const auth::Principal& who, const std::string& project_id,
                             const std::string& generation_id, generator::ArchiveFormat format);

private:
    struct Normalised {
        model::ProjectModel model;
        boost::json::value spec;
        std::string spec_text;
    };

    Result<Normalised> Normalise(const boost::json::value& spec) const;
    Result<Normalised> FromInput(const ProjectInput& input, std::optional<std::string>& source_text,
                                 std::vector<analyze::Assumption>& assumptions) const;
    /// The project if `who` may do what `need` says on it; `role` (when given) receives the caller's role.
    Result<ProjectRow> Load(const auth::Principal& who, const std::string& id, Need need, std::string* role = nullptr);
    Result<jobs::Job> LoadGeneration(const auth::Principal& who, const std::string& project_id,
                                     const std::string& generation_id, bool write);
    Result<Project> Save(const ProjectRow& current, const Normalised& next, std::optional<std::string> source_text,
                         const std::vector<analyze::Assumption>& assumptions, std::optional<std::int64_t> if_match,
                         const RequestContext& ctx);
    Result<std::optional<Created>> Replay(const auth::Principal& who, const IdempotencyKey& key);

    Result<boost::json::value> RunGeneration(const jobs::Job& job, jobs::Progress& progress);
    void PruneGenerations(const std::string& project_id);

    ProjectsDeps d_;
    ProjectsLimits limits_;
    ProjectsRepository repo_;
};

/// Project from a stored row.
Project ToProject(const ProjectRow& row);

/// RFC 7386 JSON merge patch of `target` by `patch`.
boost::json::value MergePatch(boost::json::value target, const boost::json::value& patch);

/// The GDPR source of projects: export (every project with its specification and its generations' metadata) and
/// erasure (projects, generations and their files).
std::unique_ptr<PersonalDataSource> PersonalData(jobs::Queue& queue);

}  // namespace dihya::projects
