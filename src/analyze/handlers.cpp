#include "analyze/handlers.hpp"

#include <boost/json.hpp>

#include "core/dto.hpp"

namespace dihya::analyze {

struct CorrectionDto {
    std::string kind;
    std::optional<std::string> word;
    std::optional<std::string> entity;
    std::optional<std::string> field;
    std::optional<std::string> to;
    std::optional<std::vector<std::string>> values;
};
BOOST_DESCRIBE_STRUCT(CorrectionDto, (), (kind, word, entity, field, to, values))

struct AnalyzeRequest {
    std::optional<std::string> text;
    std::optional<std::string> spec;
    std::optional<std::string> type;
    std::optional<std::string> stack;
    std::optional<std::vector<CorrectionDto>> corrections;
};
BOOST_DESCRIBE_STRUCT(AnalyzeRequest, (), (text, spec, type, stack, corrections))

}  // namespace dihya::analyze

template <>
struct dihya::dto::Rules<dihya::analyze::AnalyzeRequest> {
    static FieldRules Get() {
        const auto max = static_cast<std::int64_t>(analyze::kMaxTextLength);
        return {{"text", {.description = "the specification in French, English or Arabic", .max_length = max}},
                {"spec", {.description = "prototype form: the specification text", .max_length = max}},
                {"type",
                 {.description = "prototype form: webapp, mobile, api, ai, blockchain, fullstack", .max_length = 40}},
                {"stack", {.description = "prototype form: technologies, e.g. react+flask", .max_length = 200}},
                {"corrections",
                 {.description = "a person's corrections, applied on top of the analysis in order: "
                                 "{kind: role, word}, {kind: not_entity, entity}, {kind: rename, entity, to}, "
                                 "{kind: values, entity, field, values}",
                  .max_items = 100}}};
    }
};

template <>
struct dihya::dto::Rules<dihya::analyze::CorrectionDto> {
    static FieldRules Get() {
        return {{"kind", {.one_of = {"role", "not_entity", "rename", "values"}}},
                {"word", {.max_length = 100}},
                {"entity", {.max_length = 100}},
                {"field", {.max_length = 100}},
                {"to", {.max_length = 100}},
                {"values", {.max_items = 100}}};
    }
};

namespace dihya::analyze {

namespace {

boost::json::value AnalysisSchema() {
    using boost::json::object;
    return object{{"type", "object"},
                  {"required", boost::json::array{"model", "assumptions", "language", "domain", "engine"}},
                  {"properties",
                   object{{"model", object{{"type", "object"}, {"description", "the normalised ProjectModel"}}},
                          {"assumptions",
                           object{{"type", "array"},
                                  {"items", object{{"type", "object"},
                                                   {"properties", object{{"field", object{{"type", "string"}}},
                                                                         {"message", object{{"type", "string"}}}}}}}}},
                          {"language", object{{"type", "string"}, {"enum", boost::json::array{"fr", "en", "ar"}}}},
                          {"domain", object{{"type", "string"}}},
                          {"domain_confidence", object{{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                          {"engine", object{{"type", "string"}}}}}};
}

Result<Analysis> Run(Analyzer& analyzer, const model::Vocabulary& vocabulary, const AnalyzeRequest& req,
                     const Budget& budget) {
    if (req.text && req.spec) {
        return MakeError(ErrorCode::kInvalidArgument, "send either text or the prototype form's spec, not both",
                         {{"spec", "not allowed together with text"}});
    }
    if (req.text) return analyzer.Analyze(*req.text, vocabulary, budget);
    if (req.spec) {
        return AnalyzePrototypeForm(analyzer, PrototypeForm{*req.spec, req.type.value_or(""), req.stack.value_or("")},
                                    vocabulary, budget);
    }
    return MakeError(ErrorCode::kInvalidArgument, "text is required", {{"text", "is required"}});
}

}  // namespace

void Register(http::App& app, Analyzer& analyzer, const model::Vocabulary& vocabulary) {
    app.tags.push_back({"generator", "From a specification to a ProjectModel and a generated project."});
    app.router.Add({
        .method = "POST",
        .path = "/api/v1/analyze",
        .operation_id = "analyzeSpecification",
        .summary = "Understand a free-text specification",
        .description = "French, English or Arabic text → the ProjectModel it describes, the domain recognised and "
                       "every assumption made (with `spans`: where in the text it comes from, as UTF-16 offsets), "
                       "and `entity_words`: the words that named each entity. Also accepts the prototype's form "
                       "{spec, type, stack}. `corrections` re-run the analysis with a person's fixes (this word "
                       "is a role, this is not an entity, rename, these are enum values). "
                       "Deterministic: the same text always gives the same answer. Texts are limited to 100,000 "
                       "characters; an analysis stops after `limits.analyze_budget_ms` (5 s) from the request's "
                       "arrival (504) or as soon as its client closes the connection.",
        .tag = "generator",
        .request_schema = dto::Schema<AnalyzeRequest>(),
        .responses = {{200, "The analysis", AnalysisSchema()},
                      {400, "Missing, empty or too long text"},
                      {503, "The server is busy with other analyses and generations (Retry-After)"},
                      {504, "The analysis exceeded limits.analyze_budget_ms"}},
        .work = http::Work::kCompute,  // the language-model engine, when configured, waits on its API
        .handler =
            [&analyzer, &vocabulary,
             limit = std::chrono::milliseconds(app.config.limits.analyze_budget_ms)](http::Request& request) {
                auto body = http::ParseJsonBody(request);
                if (!body) return http::Response::Problem(body.error(), request.request_id);
                auto req = dto::Decode<AnalyzeRequest>(*body);
                if (!req) return http::Response::Problem(req.error(), request.request_id);
                auto analysis = Run(analyzer, vocabulary, *req, http::BudgetOf(request, limit, "the analysis"));
                if (!analysis) return http::Response::Problem(analysis.error(), request.request_id);
                if (req->corrections) {
                    std::vector<Correction> corrections;
                    for (const CorrectionDto& c : *req->corrections) {
                        corrections.push_back({c.kind, c.word.value_or(""), c.entity.value_or(""), c.field.value_or(""),
                                               c.to.value_or(""), c.values.value_or(std::vector<std::string>{})});
                    }
                    if (auto applied = ApplyCorrections(*analysis, corrections, vocabulary); !applied) {
                        return http::Response::Problem(applied.error(), request.request_id);
                    }
                }
                return http::Response::Json(200, AnalysisToJson(*analysis));
            },
    });
}

}  // namespace dihya::analyze
