#include "generator/spec_input.hpp"

namespace dihya::generator {

Result<ResolvedSpec> ResolveSpec(const SpecInput& input, analyze::Analyzer& analyzer,
                                 const model::Vocabulary& vocabulary) {
    const int given = input.model.has_value() + input.text.has_value() + input.spec.has_value();
    if (given != 1) {
        return MakeError(ErrorCode::kInvalidArgument, "send exactly one of model, text or the prototype form's spec",
                         {{"model", given == 0 ? "model, text or spec is required" : "only one of model, text, spec"}});
    }
    if (input.model) {
        auto m = model::ParseModelValue(*input.model, "model", vocabulary);
        if (!m) return m.take_error();
        return ResolvedSpec{std::move(*m), {}, std::nullopt};
    }
    auto analysis = input.text ? analyzer.Analyze(*input.text, vocabulary, input.budget)
                               : analyze::AnalyzePrototypeForm(
                                     analyzer, {*input.spec, input.type.value_or(""), input.stack.value_or("")},
                                     vocabulary, input.budget);
    if (!analysis) return analysis.take_error();
    return ResolvedSpec{std::move(analysis->model), std::move(analysis->assumptions),
                        input.text ? input.text : input.spec};
}

dto::FieldRules SpecInputRules() {
    const auto max = static_cast<std::int64_t>(analyze::kMaxTextLength);
    return {{"model", {.description = "a structured ProjectModel (see the catalog for allowed values)"}},
            {"text", {.description = "a free-text specification in French, English or Arabic", .max_length = max}},
            {"spec", {.description = "prototype form: the specification text", .max_length = max}},
            {"type", {.description = "prototype form: webapp, mobile, api, ai, blockchain", .max_length = 40}},
            {"stack", {.description = "prototype form: technologies, e.g. react+flask", .max_length = 200}}};
}

}  // namespace dihya::generator
