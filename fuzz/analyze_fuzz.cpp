// The free-text analyser: any text either is refused with a clear error or gives a model that validates — and
// within a time proportional to its length, so that a quadratic (or worse) input is a finding, not a slow run.
// DIHYA_FUZZ_US_PER_BYTE (default 150) and DIHYA_FUZZ_BASE_MS (default 300) set that allowance; instrumented
// builds (sanitizers, coverage) are 10 to 20 times slower than a release build, which takes 2 to 5 µs a byte.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "analyze/analyzer.hpp"
#include "fuzz_support.hpp"
#include "model/project_model.hpp"

namespace {

dihya::model::Vocabulary Vocab() {
    dihya::model::Vocabulary v;
    v.stacks = {{"frontend", {"react", "vue", "svelte", "none"}},
                {"backend", {"express", "flask", "fastapi", "django", "none"}},
                {"mobile", {"react-native", "flutter", "none"}},
                {"ai", {"python-ml", "none"}},
                {"devops", {"docker", "compose", "github-actions", "kubernetes", "terraform"}},
                {"blockchain", {"solidity", "none"}}};
    v.domains = {"health",    "education", "commerce",        "legal",       "finance", "restaurant", "real-estate",
                 "transport", "events",    "human-resources", "agriculture", "tourism", "custom"};
    v.features = {"auth",    "i18n",     "seo",      "notifications", "search",
                  "uploads", "payments", "realtime", "admin",         "analytics"};
    v.locales = {"fr", "en", "ar", "es", "de"};
    return v;
}

double Setting(const char* name, double fallback) {
    const char* v = std::getenv(name);
    return v == nullptr ? fallback : std::strtod(v, nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const dihya::model::Vocabulary vocab = Vocab();
    static const std::unique_ptr<dihya::analyze::RuleAnalyzer> analyzer = [] {
        auto a = dihya::analyze::RuleAnalyzer::Create();
        dihya::fuzz::Check(a.ok(), "the embedded lexicons do not load");
        return std::move(a.value());
    }();
    static const double us_per_byte = Setting("DIHYA_FUZZ_US_PER_BYTE", 150);
    static const double base_ms = Setting("DIHYA_FUZZ_BASE_MS", 300);
    const std::string text(dihya::fuzz::AsText(data, size));
    const auto start = std::chrono::steady_clock::now();
    auto analysis = analyzer->Analyze(text, vocab);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    dihya::fuzz::Check(ms <= base_ms + us_per_byte * static_cast<double>(size) / 1000.0,
                       "the analysis took longer than its linear allowance (a super-linear input)");
    if (!analysis) {
        dihya::fuzz::Check(analysis.error().code == dihya::ErrorCode::kInvalidArgument,
                           "the analysis failed other than on its input");
        return 0;
    }
    auto again = dihya::model::ParseModelValue(dihya::model::ToSpec(analysis->model), "analysis", vocab);
    dihya::fuzz::Check(again.ok(), "an analysis gives a model that does not validate");
    return 0;
}
