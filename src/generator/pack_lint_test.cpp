#include "generator/pack_lint.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "core/config.hpp"
#include "generator/test_support.hpp"

namespace dihya::generator {
namespace {

using test_support::TempDir;
using test_support::TestVocabulary;
using test_support::WritePack;
using test_support::WriteText;

constexpr std::string_view kApi = R"(name: api
version: 1.0.0
kind: stack
title: API
provides: {backend: express}
root: backend
files:
  - template: package.json.mustache
    path: package.json
  - template: route.js.mustache
    path: src/{{entity.names.kebab}}.js
    each: entities
)";

const std::string kPackageJson = R"({"name": "{{name}}", "private": true})";
const std::string kRoute = "// {{entity.names.pascal}}\n{{#entity.fields}}// {{names.snake}}\n{{/entity.fields}}";

std::string All(const LintReport& report) {
    std::string out;
    for (const auto& f : report.findings) out += FormatFinding(f) + "\n";
    return out;
}

TEST(GeneratorPackLint, ACleanPackHasNoFindingsAndIsRendered) {
    TempDir dir;
    WritePack(dir.path(), "api", kApi, {{"package.json.mustache", kPackageJson}, {"route.js.mustache", kRoute}});
    auto report = LintPacks(dir.path(), TestVocabulary());
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->findings.empty()) << All(*report);
    EXPECT_EQ(report->packs, std::vector<std::string>{"api 1.0.0"});
    EXPECT_EQ(report->templates, 2u);
    EXPECT_GE(report->renders, 2u);  // the full and the minimal sample
}

TEST(GeneratorPackLint, LibrariesAreLintedWithThePacksThatUseThem) {
    TempDir dir;
    const std::string uses = std::string(kApi) + "uses:\n  - {library: common, version: ^1.0.0, into: shared}\n";
    WritePack(dir.path(), "api", uses,
              {{"package.json.mustache", kPackageJson}, {"route.js.mustache", "{{> common/head}}\n" + kRoute}});
    const auto lib = dir.path() / "libraries" / "common";
    WriteText(lib / "pack.yaml",
              "name: common\nversion: 1.1.0\nkind: library\npartials: {head: head.mustache}\nfiles:\n"
              "  - {template: util.js, path: util.js, raw: true}\n");
    WriteText(lib / "head.mustache", "// generated for {{name}}");
    WriteText(lib / "util.js", "export const x = 1;\n");
    auto report = LintPacks(dir.path(), TestVocabulary());
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->findings.empty()) << All(*report);
    EXPECT_EQ(report->packs, (std::vector<std::string>{"api 1.0.0", "common 1.1.0"}));
    // The pack alone (its folder): the library comes from the packs folder it is in.
    auto alone = LintPacks(dir.path() / "stacks" / "api", TestVocabulary());
    ASSERT_TRUE(alone.ok());
    EXPECT_TRUE(alone->findings.empty()) << All(*alone);

    WriteText(lib / "pack.yaml",
              "name: common\nversion: 2.0.0\nkind: library\npartials: {head: head.mustache}\nfiles:\n"
              "  - {template: util.js, path: util.js, raw: true}\n");
    auto stale = LintPacks(dir.path(), TestVocabulary());
    ASSERT_TRUE(stale.ok());
    EXPECT_NE(All(*stale).find("common 2.0.0 does not meet ^1.0.0"), std::string::npos) << All(*stale);
}

TEST(GeneratorPackLint, ABrokenSectionNamesTheTemplateAndLine) {
    TempDir dir;
    WritePack(dir.path(), "api", kApi,
              {{"package.json.mustache", kPackageJson}, {"route.js.mustache", "// a\n// b\n{{#entity.fields}}\n"}});
    auto report = LintPacks(dir.path() / "stacks" / "api", TestVocabulary());
    ASSERT_TRUE(report.ok());
    ASSERT_EQ(report->errors(), 1u) << All(*report);
    EXPECT_NE(All(*report).find("route.js.mustache: Unclosed section \"entity.fields\" on line 3"), std::string::npos)
        << All(*report);
    EXPECT_EQ(report->renders, 0u) << "no render after an error found earlier";
}

TEST(GeneratorPackLint, PackYamlErrorsKeepTheirLineAndField) {
    TempDir dir;
    std::string yaml(kApi);
    yaml += "colour: blue\n";
    WritePack(dir.path(), "api", yaml, {{"package.json.mustache", kPackageJson}, {"route.js.mustache", kRoute}});
    auto report = LintPacks(dir.path() / "stacks" / "api" / "pack.yaml", TestVocabulary());
    ASSERT_TRUE(report.ok());
    const std::string text = All(*report);
    EXPECT_NE(text.find("pack.yaml:13: colour:"), std::string::npos) << text;
    EXPECT_TRUE(report->packs.empty());
}

TEST(GeneratorPackLint, UnusedFilesAreWarningsAndUnknownStacksErrors) {
    TempDir dir;
    std::string yaml(kApi);
    yaml.replace(yaml.find("express"), 7, "rails");
    const auto pack =
        WritePack(dir.path(), "api", yaml, {{"package.json.mustache", kPackageJson}, {"route.js.mustache", kRoute}});
    WriteText(pack / "old" / "route.js.mustache", "{{name}}");
    auto report = LintPacks(dir.path(), TestVocabulary());
    ASSERT_TRUE(report.ok());
    const std::string text = All(*report);
    EXPECT_EQ(report->warnings(), 1u) << text;
    EXPECT_NE(text.find("old/route.js.mustache: warning: not used"), std::string::npos) << text;
    EXPECT_NE(text.find("provides.backend: 'rails' is not a backend"), std::string::npos) << text;
}

TEST(GeneratorPackLint, ARenderedJsonFileThatDoesNotParseIsAnError) {
    TempDir dir;
    // Valid Mustache, but a feature's section leaves a trailing comma in the full sample only.
    const std::string trailing = R"({"name": "{{name}}"{{#features.auth}}, "auth": true,{{/features.auth}}})";
    WritePack(dir.path(), "api", kApi, {{"package.json.mustache", trailing}, {"route.js.mustache", kRoute}});
    auto report = LintPacks(dir.path(), TestVocabulary());
    ASSERT_TRUE(report.ok());
    const std::string text = All(*report);
    ASSERT_EQ(report->errors(), 1u) << text;
    EXPECT_NE(text.find("package.json.mustache: full sample"), std::string::npos) << text;
    EXPECT_NE(text.find("not valid JSON"), std::string::npos) << text;
}

TEST(GeneratorPackLint, MissingRequirementAndDuplicateNames) {
    TempDir dir;
    std::string yaml(kApi);
    yaml.insert(yaml.find("root:"), "requires: {devops: docker}\n");
    WritePack(dir.path(), "api", yaml, {{"package.json.mustache", kPackageJson}, {"route.js.mustache", kRoute}});
    WritePack(dir.path(), "api-copy", kApi, {{"package.json.mustache", kPackageJson}, {"route.js.mustache", kRoute}});
    auto report = LintPacks(dir.path(), TestVocabulary());
    ASSERT_TRUE(report.ok());
    const std::string text = All(*report);
    EXPECT_NE(text.find("requires.devops: no pack here provides devops = docker"), std::string::npos) << text;
    EXPECT_NE(text.find("name: another pack is already named api"), std::string::npos) << text;
}

TEST(GeneratorPackLint, TargetsThatAreNotPacksAreRefused) {
    TempDir dir;
    WriteText(dir.path() / "notes.txt", "x");
    EXPECT_FALSE(LintPacks(dir.path() / "missing", TestVocabulary()).ok());
    EXPECT_FALSE(LintPacks(dir.path() / "notes.txt", TestVocabulary()).ok());
    EXPECT_FALSE(LintPacks(dir.path(), TestVocabulary()).ok());
}

model::Vocabulary Vocabulary() {
    auto cat = catalog::BuiltinCatalog();
    EXPECT_TRUE(cat.ok());
    return cat.ok() ? catalog::ToVocabulary(*cat) : TestVocabulary();
}

TEST(GeneratorPackLint, TheInstalledPacksAreClean) {
    auto report = LintPacks(std::filesystem::path(dihya::SourceDir()) / "packs", Vocabulary());
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->errors() + report->warnings(), 0u) << All(*report);
    EXPECT_GE(report->packs.size(), 6u);
}

}  // namespace
}  // namespace dihya::generator
