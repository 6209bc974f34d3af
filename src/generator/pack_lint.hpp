#pragma once

// `dihya pack lint DIR|FILE`: checks template packs before they are installed or published. Beyond what loading a
// pack checks (pack.yaml's fields, conditions, output paths, templates present), it parses every template, looks
// for files the pack does not use, checks the stacks it provides against the vocabulary, and renders the pack with
// sample models (every field type and feature, then a minimal one, with each front end and back end available
// beside it) to catch errors that only show when rendering: a broken section, a JSON file that no longer parses,
// two files at one path.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "model/project_model.hpp"

namespace dihya::generator {

struct LintFinding {
    enum class Severity { kError, kWarning };
    Severity severity = Severity::kError;
    std::string where;  // "packs/stacks/react/src/App.tsx.mustache:12" or a pack.yaml path
    std::string field;  // "files[3].template", "provides.frontend", "" when none applies
    std::string message;
};

struct LintReport {
    std::vector<std::string> packs;  // "react 1.0.0" for each pack that loaded
    std::vector<LintFinding> findings;
    std::size_t templates = 0;  // templates parsed
    std::size_t renders = 0;    // sample models rendered
    std::size_t errors() const;
    std::size_t warnings() const;
};

/// Lints `target`: a pack folder (holding pack.yaml), its pack.yaml, or a packs folder (holding stacks/*/pack.yaml,
/// like the one `dihya serve` loads). Packs beside a single pack (its siblings) take part in the sample renders, so
/// that `requires` and the branches on other stacks are exercised. Errors (the Result's) are only for a target that
/// does not exist or is not a pack; problems in the packs are findings. The packs of `installed` (packs folders,
/// with stacks/ and libraries/) join the siblings, except those named like a pack linted (an import may replace
/// an installed pack of its name).
Result<LintReport> LintPacks(const std::filesystem::path& target, const model::Vocabulary& vocab,
                             const std::vector<std::filesystem::path>& installed = {});

/// One finding per line: "<where>: <field>: <message>" (errors) or "<where>: warning: <message>".
std::string FormatFinding(const LintFinding& finding);

}  // namespace dihya::generator
