#include "catalog/catalog.hpp"

#include <gtest/gtest.h>

namespace dihya::catalog {
namespace {

TEST(Catalog, BuiltinListsTheModelVocabulary) {
    auto c = BuiltinCatalog();
    ASSERT_TRUE(c.ok()) << c.error().message;
    for (const char* kind : {"frontend", "backend", "mobile", "ai", "devops", "blockchain"}) {
        EXPECT_EQ(c->stacks.count(kind), 1u) << kind;
    }
    EXPECT_EQ(c->field_types.size(), 11u);
    ASSERT_FALSE(c->features.empty());
    EXPECT_EQ(c->features.front().title, "Accounts, login and roles");
    EXPECT_EQ(c->locales.front(), "fr");
}

TEST(Catalog, ErrorsNameFileLineAndField) {
    auto c = ParseCatalog("stacks: {frontend: [react]}\ndomains: nope\n", "x.yaml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("x.yaml:"), std::string::npos);
    EXPECT_NE(c.error().message.find("domains"), std::string::npos);
    auto broken = ParseCatalog("stacks: [\n", "y.yaml");
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.error().message.find("y.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace dihya::catalog
