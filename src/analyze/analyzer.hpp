#pragma once

// Free-text analysis: a specification written in French, English or Arabic (or the prototype's form
// {"spec", "type", "stack"}) → a validated ProjectModel plus what was assumed and the domain recognised.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "analyze/dictionary.hpp"
#include "analyze/lexicon.hpp"
#include "core/budget.hpp"
#include "core/result.hpp"
#include "model/project_model.hpp"

namespace dihya::analyze {

/// The longest text accepted, in characters.
inline constexpr std::size_t kMaxTextLength = 100000;

/// Something the analyzer decided without the text saying it. `field` is a model path ("stacks.frontend",
/// "entities", "entities.Appointment", "locales", "roles", "features", "title", "name", "domain").
struct Assumption final {
    std::string field;
    std::string message;
    /// Where in the text it comes from (none when nothing in the text said it): [start, end) as UTF-16 code unit
    /// offsets (JavaScript string indices), so that a page can highlight them in the text as typed.
    std::vector<std::pair<std::size_t, std::size_t>> spans;
};

struct Analysis final {
    model::ProjectModel model;
    std::vector<Assumption> assumptions;
    /// Entity name → the words of the text that named it (its label in the text's language), when the text did.
    std::map<std::string, std::string> entity_words;
    std::string language;  // "fr" | "en" | "ar" (detected)
    std::string domain;    // recognised domain or "custom"
    double domain_confidence = 0;
    std::string engine = "rules";
};

/// A person's correction of an analysis, applied on top of it (ApplyCorrections):
/// - `role`: `word` names a role of the people who use the system, not an entity (the entity it named goes; the role
///   is added);
/// - `not_entity`: `entity` is not a record the system keeps (it goes, with the fields that referred to it);
/// - `rename`: `entity` is called `to`;
/// - `values`: `field` of `entity` is an enum of `values` (added when the entity has no such field).
struct Correction final {
    std::string kind;
    std::string word;
    std::string entity;
    std::string field;
    std::string to;
    std::vector<std::string> values;
};

/// Applies `corrections` in order to `analysis` and validates the result; each applied correction adds an
/// assumption on "corrections". kInvalidArgument naming `corrections[i].<key>` when one cannot apply (an unknown
/// entity, a name the model refuses...). Engine-independent: works on any engine's analysis.
Result<void> ApplyCorrections(Analysis& analysis, const std::vector<Correction>& corrections,
                              const model::Vocabulary& vocab);

/// The prototype's request form: {"spec": "<free text>", "type": "webapp", "stack": "react+flask"}.
struct PrototypeForm final {
    std::string spec;
    std::string type;
    std::string stack;
};

/// An analysis engine; the deterministic rule engine below, or later an optional LLM-backed one.
class Analyzer {
public:
    virtual ~Analyzer() = default;
    /// Errors: kInvalidArgument for an empty or too long text; kTimeout when `budget` runs out or its client left.
    virtual Result<Analysis> Analyze(std::string_view text, const model::Vocabulary& vocab, const Budget& budget) = 0;
    /// Without a deadline (the command line, tests).
    Result<Analysis> Analyze(std::string_view text, const model::Vocabulary& vocab) {
        return Analyze(text, vocab, Budget{});
    }
};

/// The deterministic engine: lexicons (data) + rules. The same text always gives the same analysis.
class RuleAnalyzer final : public Analyzer {
public:
    RuleAnalyzer(Lexicon lexicon, const Dictionary& dictionary)
        : lexicon_(std::move(lexicon)), dictionary_(dictionary) {}
    /// With the lexicons and dictionaries embedded at build time, both loaded here (not at the first analysis).
    /// Errors are kInternal (broken lexicon data).
    static Result<std::unique_ptr<RuleAnalyzer>> Create();

    using Analyzer::Analyze;
    /// Linear in the length of the text (bench/analyze measures it); checks `budget` between its passes and
    /// sentences.
    Result<Analysis> Analyze(std::string_view text, const model::Vocabulary& vocab, const Budget& budget) override;

    const Lexicon& lexicon() const { return lexicon_; }

private:
    Lexicon lexicon_;
    const Dictionary& dictionary_;
};

/// Analyses `form.spec`, takes the technologies of `form.stack` ("react+flask", "vue, django") as named, and
/// turns on the stacks that `form.type` implies: webapp/web/website (frontend), mobile (mobile app), api/backend
/// (no frontend), ai/ml (python-ml), blockchain/dapp (solidity), fullstack.
Result<Analysis> AnalyzePrototypeForm(Analyzer& analyzer, const PrototypeForm& form, const model::Vocabulary& vocab,
                                      const Budget& budget = {});

/// {model (model::ToJson), assumptions: [{field, message}], language, domain, domain_confidence, engine}.
boost::json::value AnalysisToJson(const Analysis& analysis);

}  // namespace dihya::analyze
