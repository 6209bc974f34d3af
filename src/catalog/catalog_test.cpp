#include "catalog/catalog.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace dihya::catalog {
namespace {

TEST(Catalog, BuiltinListsTheModelVocabulary) {
    auto c = BuiltinCatalog();
    ASSERT_TRUE(c.ok()) << c.error().message;
    for (const char* kind : {"frontend", "backend", "mobile", "ai", "devops", "blockchain"}) {
        EXPECT_EQ(c->stacks.count(kind), 1u) << kind;
    }
    EXPECT_EQ(c->field_types.size(), 12u);
    ASSERT_FALSE(c->features.empty());
    EXPECT_EQ(c->features.front().title, "Accounts, login and roles");
    EXPECT_EQ(c->locales.front(), "fr");
}

TEST(Catalog, FeaturesSaySupportedByFromThePacks) {
    auto c = BuiltinCatalog();
    ASSERT_TRUE(c.ok());
    generator::Pack react;
    react.name = "react";
    react.version = "1.0.0";
    react.kind = "stack";
    react.provides = {{"frontend", "react"}};
    react.features = {"auth", "seo"};
    generator::Pack django = react;
    django.name = "django";
    django.provides = {{"backend", "django"}};
    django.features = {"auth", "seo"};  // seo concerns front ends only: not counted for a back end
    AddPacks(*c, {react, django});
    const auto feature = [&](std::string_view name) {
        return *std::find_if(c->features.begin(), c->features.end(), [&](const Feature& f) { return f.name == name; });
    };
    EXPECT_EQ(feature("auth").supported_by.at("frontend"), std::vector<std::string>{"react"});
    EXPECT_EQ(feature("auth").supported_by.at("backend"), std::vector<std::string>{"django"});
    EXPECT_FALSE(feature("seo").supported_by.contains("backend"));
    EXPECT_TRUE(feature("search").supported_by.empty());
    EXPECT_EQ(c->packs.size(), 2u);
    const auto vocab = ToVocabulary(*c);
    const auto unsupported =
        vocab.UnsupportedFeatures({"auth", "search"}, {{"frontend", {"react"}}, {"backend", {"none"}}});
    ASSERT_EQ(unsupported.size(), 1u);
    EXPECT_EQ(unsupported[0].first, "search");
    EXPECT_EQ(unsupported[0].second, (std::pair<std::string, std::string>{"frontend", "react"}));
    EXPECT_EQ(vocab.SupportOf("auth"), "auth is implemented by: backend django; frontend react");
}

TEST(Catalog, DomainsComeFromTheDomainPacks) {
    auto c = BuiltinCatalog();
    ASSERT_TRUE(c.ok()) << c.error().message;
    std::vector<std::string> names;
    for (const NamedItem& d : c->domains) names.push_back(d.name);
    for (const char* d : {"health", "commerce", "tourism", "associations", "sports", "custom"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), d), names.end()) << d;
    }
    EXPECT_EQ(c->domains.size(), 15u);
    EXPECT_EQ(c->domains.front().title, "Health and clinics");
    // A domain's starting model: its core entities, refs only between them, and its roles.
    const auto& sports = c->domain_entities.at("sports").as_array();
    ASSERT_EQ(sports.size(), 4u);
    EXPECT_EQ(sports[0].at("name"), "Member");  // defined once, in packs/domains/shared.yaml
    EXPECT_EQ(c->domain_roles.at("sports"), (std::vector<std::string>{"admin", "coach", "member"}));
    const auto vocab = ToVocabulary(*c);
    auto model = model::ParseModel("title: Gym\ndomain: sports\n", "gym.yaml", vocab);
    ASSERT_TRUE(model.ok()) << model.error().message;
    ASSERT_EQ(model->entities.size(), 4u);
    EXPECT_EQ(model->entities[3].name, "Subscription");
    EXPECT_EQ(model->roles, (std::vector<std::string>{"admin", "coach", "member"}));
    auto own = model::ParseModel(
        "title: Gym\ndomain: sports\nroles: [admin, user]\nentities:\n  - name: Locker\n"
        "    fields: [{name: number, type: int}]\n",
        "gym.yaml", vocab);
    ASSERT_TRUE(own.ok()) << own.error().message;
    EXPECT_EQ(own->entities.size(), 1u) << "entities the specification names are its own";
    EXPECT_EQ(own->roles, (std::vector<std::string>{"admin", "user"}));
    for (const NamedItem& d : c->domains) {
        if (d.name == "custom") continue;
        auto m = model::ParseModel("title: X\ndomain: " + d.name + "\n", "x.yaml", vocab);
        EXPECT_TRUE(m.ok()) << d.name << ": " << (m.ok() ? "" : m.error().message);
        if (m.ok()) {
            EXPECT_FALSE(m->entities.empty()) << d.name;
        }
    }
}

TEST(Catalog, ErrorsNameFileLineAndField) {
    auto c = ParseCatalog("stacks: {frontend: [react]}\ndomains: nope\n", "x.yaml", EmbeddedFile);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("x.yaml:"), std::string::npos);
    EXPECT_NE(c.error().message.find("domains"), std::string::npos);
    auto broken = ParseCatalog("stacks: [\n", "y.yaml", EmbeddedFile);
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.error().message.find("y.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace dihya::catalog
