#pragma once

// A specification as requests carry it — a structured ProjectModel, free text, or the prototype's form
// {spec, type, stack} — and how it becomes a validated model. POST /api/v1/generate and saved projects share it,
// so both accept the same inputs with the same limits and the same errors.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "analyze/analyzer.hpp"
#include "core/budget.hpp"
#include "core/dto.hpp"
#include "core/result.hpp"
#include "model/project_model.hpp"

namespace dihya::generator {

struct SpecInput {
    std::optional<boost::json::value> model;  // a structured ProjectModel
    std::optional<std::string> text;          // free text in French, English or Arabic
    std::optional<std::string> spec;          // the prototype's form: the text ...
    std::optional<std::string> type;          // ... what kind of application ...
    std::optional<std::string> stack;         // ... and which technologies
    Budget budget;                            // for the analysis of text or spec (none: no deadline)
};

struct ResolvedSpec {
    model::ProjectModel model;
    std::vector<analyze::Assumption> assumptions;  // what the analyser assumed (free text only)
    std::optional<std::string> source_text;        // the free text analysed, if any
};

/// Exactly one of model, text or spec must be given. Models are checked by model::ParseModelValue (with its
/// limits: entities, fields, names, lengths), texts by the analyser (empty, too long). Errors are
/// kInvalidArgument naming the field.
Result<ResolvedSpec> ResolveSpec(const SpecInput& input, analyze::Analyzer& analyzer,
                                 const model::Vocabulary& vocabulary);

/// Validation rules (and OpenAPI descriptions) of the SpecInput fields in request DTOs: model, text, spec, type,
/// stack.
dto::FieldRules SpecInputRules();

}  // namespace dihya::generator
