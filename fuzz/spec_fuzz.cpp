// Structured specifications (YAML or JSON, chosen by the first byte): parse and validate; a model that validates
// gives a spec that validates again to the same model.

#include <cstddef>
#include <cstdint>

#include <boost/json.hpp>

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
    v.domains = {"health", "education", "commerce", "custom"};
    v.features = {"auth",    "i18n",     "seo",      "notifications", "search",
                  "uploads", "payments", "realtime", "admin",         "analytics"};
    v.locales = {"fr", "en", "ar", "es"};
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const dihya::model::Vocabulary vocab = Vocab();
    if (size == 0) return 0;
    const bool json = data[0] % 2 == 1;
    const std::string_view text = dihya::fuzz::AsText(data + 1, size - 1);
    auto model = dihya::model::ParseModel(text, json ? "fuzz.json" : "fuzz.yaml", vocab);
    if (!model) {
        dihya::fuzz::Check(!model.error().message.empty(), "a spec error without a message");
        return 0;
    }
    const boost::json::value spec = dihya::model::ToSpec(*model);
    auto again = dihya::model::ParseModelValue(spec, "again", vocab);
    dihya::fuzz::Check(again.ok(), "a valid model's own spec does not validate");
    dihya::fuzz::Check(dihya::model::ToSpec(*again) == spec, "a model does not survive its own spec");
    return 0;
}
