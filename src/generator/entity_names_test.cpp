// Files named after entities never collide with the fixed files of the built-in packs: an entity may be called
// App, Search, Realtime, Registry or Deploy (any name the model accepts) in a project that also has the feature or
// the file of that name, with every stack chosen at once.

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/config.hpp"
#include "generator/engine.hpp"
#include "generator/pack.hpp"
#include "generator/test_support.hpp"
#include "model/project_model.hpp"

namespace dihya::generator {
namespace {

using test_support::BuiltInPacks;

/// The test vocabulary with every catalog feature.
model::Vocabulary Vocabulary() {
    model::Vocabulary v = test_support::TestVocabulary();
    v.domains = {"custom"};
    v.features = {"auth",  "i18n",          "seo",      "search",   "uploads",
                  "admin", "notifications", "realtime", "payments", "analytics"};
    return v;
}

constexpr std::string_view kFeatures = "[auth, search, uploads, admin, notifications, realtime, payments, analytics]";

std::string Stacks(std::string_view frontend, std::string_view backend, std::string_view mobile) {
    return "stacks: {frontend: " + std::string(frontend) + ", backend: " + std::string(backend) +
           ", mobile: " + std::string(mobile) +
           ", ai: python-ml, blockchain: solidity, devops: [docker, compose, github-actions, kubernetes, terraform]}\n";
}

std::string Spec(const std::vector<std::string>& entities, const std::string& stacks) {
    std::string spec = "name: names\ntitle: Names\nroles: [admin, user]\nfeatures: " + std::string(kFeatures) + "\n" +
                       stacks + "entities:\n";
    for (const std::string& e : entities) spec += "  - {name: " + e + ", fields: [{name: title, type: string}]}\n";
    return spec;
}

/// "test_search_api.py" → "search_api"; "realtime.test.js" → "realtime"; "NotFoundPage.tsx" → "NotFoundPage".
std::string Stem(const std::string& path) {
    std::string base = path.substr(path.find_last_of('/') + 1);
    while (!base.empty() && (base[0] == '.' || base[0] == '_')) base.erase(0, 1);
    base = base.substr(0, base.find('.'));
    if (base.rfind("test_", 0) == 0) base.erase(0, 5);
    for (const std::string_view suffix : {"_test", "_entity", "_api"}) {
        if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
            base.erase(base.size() - suffix.size());
        }
    }
    std::string out;
    for (const char c : base) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-') out += c;
    }
    return out;
}

TEST(GeneratorEntityNames, NoEntityNameTheModelAcceptsCollidesWithAPackFile) {
    struct Combination {
        std::string_view frontend, backend, mobile;
    };
    const Combination combinations[] = {
        {"react", "express", "react-native"},
        {"vue", "flask", "flutter"},
        {"svelte", "fastapi", "react-native"},
        {"react", "django", "flutter"},
    };
    const Engine engine(BuiltInPacks(), EngineOptions{"9.9.9"});
    for (const Combination& c : combinations) {
        const std::string stacks = Stacks(c.frontend, c.backend, c.mobile);
        auto base = model::ParseModel(Spec({"Patient"}, stacks), "spec.yaml", Vocabulary());
        ASSERT_TRUE(base.ok()) << base.error().message;
        auto tree = engine.Render(*base);
        ASSERT_TRUE(tree.ok()) << tree.error().message;

        // Every stem of a file the packs write, as an entity name, when the model accepts it alone.
        std::set<std::string> stems;
        for (const auto& f : tree->files) stems.insert(Stem(f.path));
        // One name per spelling once case and separators are folded (Admin, admin): two would be duplicates.
        std::vector<std::string> names;
        std::set<std::string> folded;
        for (const std::string& stem : stems) {
            if (stem.empty() || std::isalpha(static_cast<unsigned char>(stem[0])) == 0) continue;
            std::string key;
            for (const char ch : stem) {
                if (ch != '_' && ch != '-') key += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            }
            if (key.size() > 1 && key.back() == 's') key.pop_back();  // Payment and payments share a table
            if (!folded.insert(key).second) continue;
            if (model::ParseModel(Spec({stem}, stacks), "spec.yaml", Vocabulary()).ok()) names.push_back(stem);
        }
        ASSERT_GT(names.size(), 20u) << c.backend;

        // In groups the model's entity limit allows; the same group at once must be accepted and rendered.
        for (std::size_t start = 0; start < names.size(); start += 20) {
            const std::vector<std::string> group(
                names.begin() + static_cast<std::ptrdiff_t>(start),
                names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), start + 20)));
            std::string listed;
            for (const std::string& n : group) listed += n + " ";
            auto model = model::ParseModel(Spec(group, stacks), "spec.yaml", Vocabulary());
            ASSERT_TRUE(model.ok()) << listed << ": " << model.error().message;
            auto rendered = engine.Render(*model);
            EXPECT_TRUE(rendered.ok()) << c.frontend << "+" << c.backend << "+" << c.mobile << " with entities "
                                       << listed << ": " << (rendered.ok() ? "" : rendered.error().message);
        }
    }
}

}  // namespace
}  // namespace dihya::generator
