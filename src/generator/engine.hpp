#pragma once

// The generation engine: ProjectModel + packs → plan → rendered file tree (docs/packs.md).

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"
#include "generator/pack.hpp"
#include "model/project_model.hpp"

namespace dihya::generator {

inline constexpr std::string_view kAnswersPath = ".dihya/answers.json";

struct GeneratedFile {
    std::string path;
    std::string content;
    bool executable = false;
};

/// The generated project: files sorted by path, paths confined to the project root.
struct Tree {
    std::vector<GeneratedFile> files;
};

/// One file to write: which pack template renders it and where. `pack` and `file` are null for files the engine
/// writes itself (.dihya/answers.json).
struct PlannedFile {
    const Pack* pack = nullptr;
    const PackFile* file = nullptr;
    std::string path;                   // rendered, confined, including the pack's root
    std::optional<std::size_t> entity;  // index into the model's entities (each: entities)
};

/// What will be written: the chosen packs, the files sorted by path, and the template context (the normalised
/// model with the additions of docs/packs.md, without `entity` and `pack`, which are set per file).
struct Plan {
    std::vector<const Pack*> packs;
    std::vector<PlannedFile> files;
    boost::json::object context;
    boost::json::value answers;  // the content of .dihya/answers.json
};

/// Plugin interface (plugins run in the sandbox later). A hook may change the plan (drop or add files) or the tree.
class Hooks {
public:
    virtual ~Hooks() = default;
    virtual Result<void> BeforeRender(Plan&) { return Ok(); }
    virtual Result<void> AfterRender(Tree&) { return Ok(); }
};

struct EngineOptions {
    std::string generator_version;  // empty: this build's version
    /// feature → the stack kinds it concerns (the catalog's): a chosen pack of such a kind must list the feature
    /// under `features` or the plan fails naming it. Empty: features are not checked.
    std::map<std::string, std::vector<std::string>> feature_kinds;
};

class TemplatePool;

class Engine final {
public:
    explicit Engine(std::vector<Pack> packs, EngineOptions options = {});
    ~Engine();
    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;

    const std::vector<Pack>& packs() const { return packs_; }
    const std::string& generator_version() const { return options_.generator_version; }

    /// Picks the packs for the model's stacks and lists the files to write. Errors: kInvalidArgument when a stack
    /// has no pack (the message lists the stacks that have one), when an output path breaks the confinement rules
    /// or when two files would be written to the same path.
    Result<Plan> MakePlan(const model::ProjectModel& model) const;

    /// Renders a plan (after MakePlan and, possibly, hooks). Template errors name the pack and template.
    Result<Tree> RenderPlan(const Plan& plan,
                            const std::function<void(std::size_t done, std::size_t total)>& progress = {}) const;

    /// MakePlan → hooks->BeforeRender → RenderPlan → hooks->AfterRender. `progress` is called after each file.
    Result<Tree> Render(const model::ProjectModel& model, Hooks* hooks = nullptr,
                        std::function<void(std::size_t done, std::size_t total)> progress = {}) const;

private:
    Result<void> CheckFeatures(const model::ProjectModel& model, const std::vector<const Pack*>& chosen) const;

    std::vector<Pack> packs_;
    EngineOptions options_;
    /// Parsed templates kept between renders (parsing was most of a generation's time).
    std::unique_ptr<TemplatePool> templates_;
    struct PartialsByPack;
    std::unique_ptr<PartialsByPack> partials_;
};

/// The template context of a model (docs/packs.md "Template context"), without `entity` and `pack`.
boost::json::object MakeContext(const model::ProjectModel& model, const std::string& generator_version);

/// Whether a condition holds in a context (JSON truthiness as in mustache.js: false, null, "", 0 and [] are false).
/// For `==`/`!=` on an array, `==` means "contains".
bool Holds(const Condition& condition, const boost::json::value& context);

/// Mustache's "standalone" rule: a line holding only a section, inverted, closing or comment tag (and blanks)
/// leaves no blank line behind, as with mustache.js. kainjow applies the rule only to sections that render, so the
/// engine removes such lines itself and marks the tags (kStandaloneMark, removed after rendering) so that kainjow's
/// rule does not apply a second time.
inline constexpr std::string_view kStandaloneMark = "\x01\x02";
std::string StripStandaloneTags(std::string_view text);

}  // namespace dihya::generator
