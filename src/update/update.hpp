#pragma once

// `dihya update`: regenerate a generated project and carry the generator's changes into the user's edited tree,
// file by file, as a three-way merge (base = the project rendered from its recorded answers, yours = the folder,
// generated = the project rendered from the new model). README.md "dihya update" describes the outcomes.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "generator/engine.hpp"
#include "model/project_model.hpp"

namespace dihya::update {

/// Suffix of the generated version written beside a file of yours that could not be merged.
inline constexpr std::string_view kBesideSuffix = ".dihya-new";

enum class Action {
    kUnchanged,       // nothing to do: the folder already has what the new generation has
    kUpdate,          // you did not edit it: the new version replaces it
    kAdd,             // new in this generation
    kKeep,            // you edited it and the generator did not change it: yours stays
    kMerge,           // both changed it, in different places: merged
    kConflict,        // both changed the same lines: written with conflict markers
    kConflictBeside,  // yours stays and the generated version is written beside it (PATH.dihya-new)
    kBlocked,         // a symbolic link, folder or special file is where the file goes: left alone
    kDelete,          // no longer generated and not edited by you: removed
    kKeepObsolete,    // no longer generated, but you edited it: kept
    kKeepDeleted,     // you deleted it and the generator did not change it: stays deleted
};

/// "updated", "added", "kept", "merged", "conflict", ...: the word the report starts the line with.
std::string_view ActionName(Action action);
bool IsConflict(Action action);

struct Change {
    std::string path;
    Action action = Action::kUnchanged;
    std::string detail;                             // why, for the report ("" when the action says it all)
    std::optional<generator::GeneratedFile> write;  // what to write (at `path`, or at PATH.dihya-new)
    bool remove = false;                            // remove the file at `path`
};

/// What an update does, path by path (sorted), plus the new answers, written last.
struct UpdatePlan {
    std::vector<Change> changes;
    generator::GeneratedFile answers;

    std::size_t Count(Action action) const;
    std::size_t Conflicts() const;
};

/// Decides each path of `base` ∪ `next` against the files in `dir` (read without following links; files of yours
/// that neither generation has are never looked at) and merges text where both sides changed. Binary or non-UTF-8
/// content is never merged: changed on both sides, it is a kConflictBeside. `.dihya/answers.json` is not a change:
/// `answers` is next's.
Result<UpdatePlan> PlanUpdate(const generator::Tree& base, const generator::Tree& next,
                              const std::filesystem::path& dir);

/// Writes and removes what the plan says (never through a symbolic link, never outside `dir`), answers last.
Result<void> ApplyUpdate(const UpdatePlan& plan, const std::filesystem::path& dir);

struct PackVersion {
    std::string name;
    std::string version;
};

/// The recorded answers of a generated project (.dihya/answers.json, docs/packs.md).
struct Answers {
    model::ProjectModel model;
    std::vector<PackVersion> packs;
    std::string generator_version;
};

/// Reads and validates `dir`/.dihya/answers.json. kNotFound when the folder has none (not a generated project),
/// kInvalidArgument when it is not a regular file or does not hold a valid model (the message names the file).
Result<Answers> ReadAnswers(const std::filesystem::path& dir, const model::Vocabulary& vocabulary);

/// A pack recorded in the answers whose installed version differs (`installed` empty: not installed at all).
struct PackChange {
    std::string name;
    std::string recorded;
    std::string installed;
};

struct UpdateReport {
    UpdatePlan plan;
    std::vector<PackChange> pack_changes;
    std::string recorded_generator;  // generator version in the answers
    std::string generator;           // this engine's
};

/// Renders the base from `answers.model` and the new generation from `next` with the engine's (installed) packs —
/// the only ones there are, even when the answers record other versions (see pack_changes) — then plans and, unless
/// `dry_run`, applies the update to `dir`.
Result<UpdateReport> UpdateProject(const generator::Engine& engine, const std::filesystem::path& dir,
                                   const Answers& answers, const model::ProjectModel& next, bool dry_run);

}  // namespace dihya::update
