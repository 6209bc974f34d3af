#include "generator/pack.hpp"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "generator/test_support.hpp"

namespace dihya::generator {
namespace {

using test_support::TempDir;
using test_support::WritePack;
using test_support::WriteText;

constexpr std::string_view kGood = R"(name: web
version: 1.2.3
kind: stack
title: Web
provides: {frontend: react}
root: web
files:
  - template: index.html.mustache
    path: index.html
  - template: page.mustache
    path: pages/{{entity.names.kebab}}.html
    each: entities
    when: [features.auth, "!rtl", "stacks.backend == express"]
  - template: run.sh
    path: run.sh
    raw: true
    mode: 755
)";

Error LoadError(const TempDir& dir, std::string_view yaml,
                std::initializer_list<std::pair<std::string, std::string>> files = {}) {
    const auto pack_dir = WritePack(dir.path(), "p", yaml, files);
    auto pack = LoadPack(pack_dir);
    EXPECT_FALSE(pack.ok()) << "expected an error for:\n" << yaml;
    if (pack.ok()) return {};
    EXPECT_EQ(pack.error().code, ErrorCode::kInvalidArgument);
    return pack.error();
}

TEST(GeneratorPack, LoadsAGoodPack) {
    TempDir dir;
    const auto pack_dir = WritePack(dir.path(), "web", kGood,
                                    {{"index.html.mustache", "<h1>{{title}}</h1>"},
                                     {"page.mustache", "{{entity.name}}"},
                                     {"run.sh", "#!/bin/sh\n{{not a template}}"}});
    auto pack = LoadPack(pack_dir);
    ASSERT_TRUE(pack.ok()) << pack.error().message;
    EXPECT_EQ(pack->name, "web");
    EXPECT_EQ(pack->version, "1.2.3");
    EXPECT_EQ(pack->root, "web");
    EXPECT_EQ(pack->provides.at("frontend"), "react");
    ASSERT_EQ(pack->files.size(), 3u);
    EXPECT_EQ(pack->files[0].content, "<h1>{{title}}</h1>");
    EXPECT_EQ(pack->files[1].each, "entities");
    ASSERT_EQ(pack->files[1].when.size(), 3u);
    EXPECT_EQ(pack->files[1].when[1].op, Condition::Op::kFalsy);
    EXPECT_EQ(pack->files[1].when[2].op, Condition::Op::kEquals);
    EXPECT_EQ(pack->files[1].when[2].literal, "express");
    EXPECT_EQ(pack->files[1].line, 10);
    EXPECT_TRUE(pack->files[2].raw);
    EXPECT_TRUE(pack->files[2].executable);
}

TEST(GeneratorPack, ErrorsNameFileLineAndField) {
    TempDir dir;
    const Error e =
        LoadError(dir, "name: Bad_Name\nversion: 1.0\nkind: stack\nprovides: {backend: express}\nfiles: []\n");
    const std::string file = (dir.path() / "stacks/p/pack.yaml").string();
    EXPECT_EQ(e.message, file + ":1: name: must match [a-z0-9-]+ (at most 64 characters) (and 1 more)");
    ASSERT_TRUE(e.details.count("version"));
    EXPECT_EQ(e.details.at("version"), file + ":2: must be a semantic version like 1.0.0, not \"1.0\"");
}

TEST(GeneratorPack, MissingTemplateNamesTheEntry) {
    TempDir dir;
    const Error e = LoadError(dir, R"(name: p
version: 1.0.0
kind: stack
provides: {backend: express}
files:
  - template: a.mustache
    path: a
  - template: missing.mustache
    path: b
)",
                              {{"a.mustache", "a"}});
    EXPECT_NE(e.message.find("pack.yaml:8: files[1].template: no such file in the pack: missing.mustache"),
              std::string::npos)
        << e.message;
}

TEST(GeneratorPack, TemplatePathsCannotEscape) {
    TempDir dir;
    WriteText(dir.path() / "secret.txt", "secret");
    const Error e = LoadError(dir, R"(name: p
version: 1.0.0
kind: stack
provides: {backend: express}
files:
  - template: ../../secret.txt
    path: a
  - template: /etc/passwd
    path: b
  - template: link.txt
    path: c
)");
    EXPECT_NE(e.details.at("files[0].template").find("..'"), std::string::npos);
    EXPECT_NE(e.details.at("files[1].template").find("absolute"), std::string::npos);
    EXPECT_NE(e.details.at("files[2].template").find("no such file"), std::string::npos);

    // A symbolic link leading outside the pack is refused too.
    TempDir other;
    const auto pack_dir = WritePack(other.path(), "p", R"(name: p
version: 1.0.0
kind: stack
provides: {backend: express}
files:
  - {template: link.txt, path: c}
)",
                                    {});
    WriteText(other.path() / "outside.txt", "secret");
    std::filesystem::create_symlink(other.path() / "outside.txt", pack_dir / "link.txt");
    auto pack = LoadPack(pack_dir);
    ASSERT_FALSE(pack.ok());
    EXPECT_NE(pack.error().message.find("files[0].template: no such file"), std::string::npos) << pack.error().message;
}

TEST(GeneratorPack, ValidatesEachWhenKindAndTemplates) {
    TempDir dir;
    const Error e = LoadError(dir, R"(name: p
version: 1.0.0-beta.1+build.5
kind: thing
provides: {backend: express}
files:
  - template: a.mustache
    path: a
    each: roles
  - template: a.mustache
    path: b
    when: "features..auth"
  - template: a.mustache
    path: c
    when: "stacks.backend =="
  - template: bad.mustache
    path: d
  - template: a.mustache
    path: "{{#x}}"
)",
                              {{"a.mustache", "a"}, {"bad.mustache", "{{#items}}unclosed"}});
    EXPECT_NE(e.details.at("kind").find("pack.yaml:3: must be stack, domain or library"), std::string::npos);
    EXPECT_NE(e.details.at("files[0].each").find("pack.yaml:8: must be \"entities\""), std::string::npos);
    EXPECT_NE(e.details.at("files[1].when").find("pack.yaml:11: bad condition"), std::string::npos);
    EXPECT_NE(e.details.at("files[2].when").find("pack.yaml:14: bad condition"), std::string::npos);
    EXPECT_NE(e.details.at("files[3].template").find("bad.mustache: Unclosed section"), std::string::npos)
        << e.details.at("files[3].template");
    EXPECT_NE(e.details.at("files[4].path").find("bad Mustache"), std::string::npos);
    EXPECT_EQ(e.details.count("version"), 0u);
}

TEST(GeneratorPack, YamlSyntaxErrorHasALine) {
    TempDir dir;
    const Error e = LoadError(dir, "name: p\nversion: [1.0.0\nkind: stack\n");
    EXPECT_NE(e.message.find("pack.yaml:"), std::string::npos);
    EXPECT_EQ(e.details.count("$"), 1u);
}

TEST(GeneratorPack, Semver) {
    EXPECT_TRUE(IsSemver("0.0.1"));
    EXPECT_TRUE(IsSemver("10.20.30-rc.1+sha.abc"));
    EXPECT_FALSE(IsSemver("1.0"));
    EXPECT_FALSE(IsSemver("01.0.0"));
    EXPECT_FALSE(IsSemver("1.0.0-01"));
    EXPECT_FALSE(IsSemver("1.0.0-"));
    EXPECT_FALSE(IsSemver("v1.0.0"));
}

TEST(GeneratorPack, SemverPrecedence) {
    // semver.org §11's own example, in order.
    const std::vector<std::string> ordered{"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
                                           "1.0.1",        "1.2.0",         "1.10.0",           "2.0.0"};
    for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
        EXPECT_TRUE(SemverLess(ordered[i], ordered[i + 1])) << ordered[i] << " < " << ordered[i + 1];
        EXPECT_FALSE(SemverLess(ordered[i + 1], ordered[i])) << ordered[i + 1] << " !< " << ordered[i];
    }
    EXPECT_FALSE(SemverLess("1.0.0+a", "1.0.0+b"));
    EXPECT_FALSE(SemverLess("1.0.0", "1.0.0"));
    EXPECT_TRUE(SemverLess("9.9.9", "not-a-version"));
    EXPECT_FALSE(SemverLess("not-a-version", "0.0.1"));
}

TEST(GeneratorPack, Conditions) {
    auto c = ParseCondition(" stacks.backend != 'flask' ");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->op, Condition::Op::kNotEquals);
    EXPECT_EQ(c->path, "stacks.backend");
    EXPECT_EQ(c->literal, "flask");
    EXPECT_FALSE(ParseCondition("").ok());
    EXPECT_FALSE(ParseCondition("!").ok());
    EXPECT_FALSE(ParseCondition("a b").ok());
    EXPECT_FALSE(ParseCondition("== x").ok());
}

TEST(GeneratorPack, PathConfinement) {
    EXPECT_EQ(PathProblem("src/app.js"), "");
    EXPECT_EQ(PathProblem(".github/workflows/ci.yml"), "");
    EXPECT_EQ(PathProblem(".gitignore"), "");
    for (const char* bad :
         {"../x", "a/../../x", "/abs", "a//b", "a/", ".git/config", "x/.GIT/hooks/pre-commit", "a\\b", "./a", ""}) {
        EXPECT_NE(PathProblem(bad), "") << bad;
    }
    EXPECT_NE(PathProblem(std::string("a\0b", 3)), "");
}

TEST(GeneratorPack, LoadPacksToleratesAMissingFolderAndRejectsDuplicates) {
    TempDir dir;
    auto none = LoadPacks(dir.path() / "nowhere");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());

    const std::string yaml = "name: same\nversion: 1.0.0\nkind: stack\nprovides: {backend: express}\nfiles: []\n";
    WritePack(dir.path(), "a", yaml, {});
    auto one = LoadPacks(dir.path());
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(one->size(), 1u);
    WritePack(dir.path(), "b", yaml, {});
    auto two = LoadPacks(dir.path());
    ASSERT_FALSE(two.ok());
    EXPECT_NE(two.error().message.find("another pack is already named same"), std::string::npos);
}

}  // namespace
}  // namespace dihya::generator
