#include "generator/engine.hpp"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "generator/test_support.hpp"

namespace dihya::generator {
namespace {

using test_support::kClinic;
using test_support::Model;

/// A pack from a pack.yaml and its templates, in memory.
Pack MakePack(std::string_view yaml, std::map<std::string, std::string> files = {}) {
    auto pack = ParsePack(yaml, "test/pack.yaml", [&](const std::string& path) -> std::optional<std::string> {
        const auto it = files.find(path);
        if (it == files.end()) return std::nullopt;
        return it->second;
    });
    EXPECT_TRUE(pack.ok()) << (pack.ok() ? "" : pack.error().message);
    return pack.ok() ? std::move(pack.value()) : Pack{};
}

Pack WebPack() {
    return MakePack(R"(name: web
version: 1.0.0
kind: stack
provides: {frontend: react}
root: web
files:
  - {template: index.mustache, path: index.html}
)",
                    {{"index.mustache", "<title>{{title}}</title>"}});
}

Pack ApiPack(std::string extra_files = "", std::map<std::string, std::string> extra_templates = {}) {
    std::map<std::string, std::string> templates = {
        {"route.mustache", "// {{entity.name}} at {{{entity.route}}} by {{pack.name}}@{{pack.version}}\n"},
        {"readme.mustache", "# {{title}}\n"},
    };
    templates.insert(extra_templates.begin(), extra_templates.end());
    return MakePack(R"(name: api
version: 2.1.0
kind: stack
provides: {backend: express}
files:
  - {template: readme.mustache, path: README.md}
  - {template: route.mustache, path: "src/routes/{{entity.names.kebab}}.js", each: entities}
)" + extra_files,
                    templates);
}

std::map<std::string, std::string> Files(const Tree& tree) {
    std::map<std::string, std::string> out;
    for (const auto& f : tree.files) out[f.path] = f.content;
    return out;
}

Result<Tree> RenderWith(std::vector<Pack> packs, std::string_view spec = kClinic) {
    std::vector<Pack> all = {WebPack()};
    for (auto& p : packs) all.push_back(std::move(p));
    const Engine engine(std::move(all), EngineOptions{"9.9.9"});
    return engine.Render(Model(spec));
}

Pack CommonLibrary(std::string version = "1.4.0") {
    return MakePack(R"(name: common
version: )" + version + R"(
kind: library
partials:
  banner: banner.mustache
files:
  - {template: messages.mustache, path: i18n/messages.txt}
  - {template: entity.mustache, path: "models/{{entity.names.kebab}}.txt", each: entities}
  - {template: auth.mustache, path: auth.txt, when: features.auth}
)",
                    {{"banner.mustache", "{{#entities}}* {{name}}\n{{/entities}}"},
                     {"messages.mustache", "{{title}} by {{pack.name}}"},
                     {"entity.mustache", "{{entity.name}}"},
                     {"auth.mustache", "auth"}});
}

TEST(GeneratorEngine, PacksShareFilesAndPartialsThroughLibraries) {
    std::vector<Pack> packs{WebPack(),
                            ApiPack(R"(uses:
  - {library: common, version: ^1.2.0, into: shared}
)",
                                    {}),
                            CommonLibrary()};
    // The api pack also includes the library's partial.
    packs[1].files[0].content = "# {{title}}\n{{> common/banner}}\nend\n";
    ASSERT_TRUE(ResolveLibraries(packs).ok());
    EXPECT_EQ(packs[1].libraries, (std::vector<std::pair<std::string, std::string>>{{"common", "1.4.0"}}));
    const Engine engine(std::move(packs), EngineOptions{"9.9.9"});
    auto tree = engine.Render(Model(kClinic));
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    const auto files = Files(*tree);
    EXPECT_EQ(files.at("shared/i18n/messages.txt"), "Clinic Booking by api") << "the using pack renders it";
    EXPECT_EQ(files.at("shared/models/patient.txt"), "Patient");
    EXPECT_EQ(files.at("README.md"), "# Clinic Booking\n* Patient\n* Appointment\nend\n");
    const auto answers = boost::json::parse(files.at(".dihya/answers.json"));
    bool recorded = false;
    for (const auto& p : answers.at("packs").as_array()) {
        recorded = recorded || (p.at("name") == "common" && p.at("version") == "1.4.0" && p.at("kind") == "library");
    }
    EXPECT_TRUE(recorded) << files.at(".dihya/answers.json");
    // A library alone renders nothing: it is not a stack.
    EXPECT_EQ(files.count("i18n/messages.txt"), 0u);
}

TEST(GeneratorEngine, LibraryUsesAreChecked) {
    const auto error = [](std::string uses, std::string version = "1.4.0") {
        std::vector<Pack> packs{ApiPack(uses, {}), CommonLibrary(version)};
        auto r = ResolveLibraries(packs);
        EXPECT_FALSE(r.ok()) << uses;
        return r.ok() ? std::string() : r.error().message;
    };
    EXPECT_NE(error("uses: [{library: nowhere}]\n").find("no library pack named nowhere"), std::string::npos);
    EXPECT_NE(error("uses: [{library: common, version: ^2.0.0}]\n").find("common 1.4.0 does not meet ^2.0.0"),
              std::string::npos);
    EXPECT_NE(error("uses: [{library: common, version: ~1.3.0}]\n").find("does not meet"), std::string::npos);
    EXPECT_NE(error("uses: [{library: common, files: [nope.mustache]}]\n").find("has no file nope.mustache"),
              std::string::npos);
    std::vector<Pack> packs{WebPack(), ApiPack("uses: [{library: web}]\n", {})};
    auto r = ResolveLibraries(packs);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not a library"), std::string::npos);
    // Only the files named are taken.
    std::vector<Pack> some{ApiPack("uses: [{library: common, files: [messages.mustache]}]\n", {}), CommonLibrary()};
    ASSERT_TRUE(ResolveLibraries(some).ok());
    EXPECT_EQ(std::count_if(some[0].files.begin(), some[0].files.end(),
                            [](const PackFile& f) { return f.library == "common"; }),
              1);
    EXPECT_TRUE(VersionSatisfies("1.4.0", ">=1.0.0"));
    EXPECT_TRUE(VersionSatisfies("0.3.1", "^0.3.0"));
    EXPECT_FALSE(VersionSatisfies("0.4.0", "^0.3.0"));
    EXPECT_TRUE(VersionSatisfies("1.4.0", ""));
    EXPECT_TRUE(VersionSatisfies("1.4.0", "1.4.0"));
    EXPECT_FALSE(VersionSatisfies("1.4.1", "1.4.0"));
}

TEST(GeneratorEngine, FeaturesNoChosenPackImplementsAreRefusedNamingTheStacksThatDo) {
    const EngineOptions options{"9.9.9", {{"auth", {"frontend", "backend"}}, {"search", {"frontend", "backend"}}}};
    auto web = WebPack();
    web.features = {"auth", "search"};
    auto api = ApiPack();
    api.features = {"auth"};
    auto other = MakePack(
        "name: other-api\nversion: 1.0.0\nkind: stack\nprovides: {backend: flask}\n"
        "features: [auth, search]\nfiles: []\n");
    const Engine engine({web, api, other}, options);
    EXPECT_TRUE(engine.Render(Model(kClinic)).ok()) << "auth is implemented by both chosen packs";
    auto refused = engine.Render(
        Model(std::string(kClinic).replace(kClinic.find("features: [auth]"), 16, "features: [auth, search]")));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "search is not implemented by stacks.backend = express (pack api 2.1.0): choose a backend among "
              "flask, or remove search from features");
    EXPECT_TRUE(refused.error().details.contains("features"));
    // A feature no chosen stack concerns would be ignored: it is refused, naming the stacks that carry it.
    const EngineOptions seo_options{"9.9.9", {{"auth", {"frontend", "backend"}}, {"seo", {"frontend"}}}};
    auto seo_web = WebPack();
    seo_web.features = {"auth", "seo"};
    const Engine seo_engine({seo_web, api}, seo_options);
    std::string no_front = std::string(kClinic).replace(kClinic.find("features: [auth]"), 16, "features: [auth, seo]");
    no_front.replace(no_front.find("frontend: react"), 15, "frontend: none");
    auto ignored = seo_engine.Render(Model(no_front));
    ASSERT_FALSE(ignored.ok());
    EXPECT_EQ(ignored.error().message,
              "seo concerns the frontend stacks and none is chosen: choose one among frontend react, or remove seo "
              "from features");
    // Without the catalog's kinds, nothing is checked.
    const Engine unchecked({web, api});
    EXPECT_TRUE(unchecked
                    .Render(Model(
                        std::string(kClinic).replace(kClinic.find("features: [auth]"), 16, "features: [auth, search]")))
                    .ok());
}

TEST(GeneratorEngine, AnUnknownPartialNamesItself) {
    std::vector<Pack> packs{WebPack(), ApiPack()};
    packs[1].files[0].content = "{{> common/banner}}";
    const Engine engine(std::move(packs));
    auto tree = engine.Render(Model(kClinic));
    ASSERT_FALSE(tree.ok());
    EXPECT_NE(tree.error().message.find("no partial common/banner"), std::string::npos) << tree.error().message;
}

TEST(GeneratorEngine, RendersEachEntityAndAnswers) {
    std::vector<std::pair<std::size_t, std::size_t>> steps;
    const Engine engine({WebPack(), ApiPack()}, EngineOptions{"9.9.9"});
    auto tree = engine.Render(Model(kClinic), nullptr,
                              [&](std::size_t done, std::size_t total) { steps.emplace_back(done, total); });
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    std::vector<std::string> paths;
    for (const auto& f : tree->files) paths.push_back(f.path);
    EXPECT_EQ(paths, (std::vector<std::string>{".dihya/answers.json", "README.md", "src/routes/appointment.js",
                                               "src/routes/patient.js", "web/index.html"}));
    const auto files = Files(*tree);
    EXPECT_EQ(files.at("src/routes/patient.js"), "// Patient at /api/patients by api@2.1.0\n");
    EXPECT_EQ(files.at("web/index.html"), "<title>Clinic Booking</title>");
    ASSERT_EQ(steps.size(), 5u);
    EXPECT_EQ(steps.back(), (std::pair<std::size_t, std::size_t>{5, 5}));

    const auto answers = boost::json::parse(files.at(".dihya/answers.json"));
    EXPECT_EQ(answers.at("model").at("name"), "clinic-booking");
    EXPECT_EQ(answers.at("model").at("entities").at(1).at("fields").at(2).at("ref"), "Patient");
    EXPECT_EQ(answers.at("model").at("stacks").at("devops"), "none");
    EXPECT_EQ(answers.at("packs"), boost::json::parse(R"([{"name":"web","version":"1.0.0"},
                                                           {"name":"api","version":"2.1.0"}])"));
    EXPECT_EQ(answers.at("generator"), boost::json::parse(R"({"name":"dihya","version":"9.9.9"})"));
    // The answers are a specification: parsing them again gives the same model.
    auto again = model::ParseModelValue(answers.at("model"), "answers", test_support::TestVocabulary());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(model::ToJson(*again), model::ToJson(Model(kClinic)));
}

TEST(GeneratorEngine, MissingPackListsTheAvailableOnes) {
    const Engine engine({WebPack(), ApiPack()});
    auto model = Model(kClinic);
    model.stacks.backend = "flask";
    model.stacks.devops = {"docker"};
    auto plan = engine.MakePlan(model);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(plan.error().message,
              "no template pack for stacks.backend = flask, stacks.devops[0] = docker; packs exist for frontend: "
              "react; backend: express");
    EXPECT_EQ(plan.error().details.at("stacks.backend"), "no template pack for flask");
    EXPECT_EQ(plan.error().details.count("stacks.devops[0]"), 1u);

    model.stacks.backend = "none";
    model.stacks.devops.clear();
    auto ok = engine.MakePlan(model);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    ASSERT_EQ(ok->packs.size(), 1u);
    EXPECT_EQ(ok->packs[0]->name, "web");
}

TEST(GeneratorEngine, Conditions) {
    auto tree = RenderWith({ApiPack(R"(  - {template: x.mustache, path: auth.js, when: features.auth}
  - {template: x.mustache, path: search.js, when: features.search}
  - {template: x.mustache, path: ltr.css, when: "!rtl"}
  - {template: x.mustache, path: rtl.css, when: rtl}
  - {template: x.mustache, path: express.txt, when: "stacks.backend == express"}
  - {template: x.mustache, path: not-flask.txt, when: "stacks.backend != flask"}
  - {template: x.mustache, path: vue.txt, when: "stacks.frontend == vue"}
  - {template: x.mustache, path: both.txt, when: [features.auth, rtl, "default_locale == fr"]}
  - {template: x.mustache, path: one.txt, when: [features.auth, "!rtl"]}
  - {template: x.mustache, path: "refs/{{entity.names.kebab}}.txt", each: entities, when: entity.has_refs}
  - {template: x.mustache, path: fr.txt, when: "locales == fr"}
  - {template: x.mustache, path: de.txt, when: "locales == de"}
)",
                                    {{"x.mustache", "x"}})});
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    const auto files = Files(*tree);
    for (const char* present :
         {"auth.js", "rtl.css", "express.txt", "not-flask.txt", "both.txt", "refs/appointment.txt", "fr.txt"}) {
        EXPECT_EQ(files.count(present), 1u) << present;
    }
    for (const char* absent : {"search.js", "ltr.css", "vue.txt", "one.txt", "refs/patient.txt", "de.txt"}) {
        EXPECT_EQ(files.count(absent), 0u) << absent;
    }
}

TEST(GeneratorEngine, ContextAdditions) {
    const std::string fields =
        "{{#entity.fields}}{{name}}:{{index}}{{#first}}^{{/first}}{{#is_enum}}(enum){{/is_enum}}"
        "{{#is_textual}}(text){{/is_textual}}{{#is_temporal}}(time){{/is_temporal}}{{#is_ref}}->{{ref}}{{/is_ref}}"
        "{{comma}}{{#last}}.{{/last}}{{/entity.fields}}\n"
        "required=[{{#entity.required_fields}}{{name}}{{comma}}{{/entity.required_fields}}]\n"
        "{{#entity.has_refs}}has refs{{/entity.has_refs}}{{^entity.has_refs}}no refs{{/entity.has_refs}}\n"
        "{{#features.auth}}auth{{/features.auth}} {{#feature_list}}[{{.}}]{{/feature_list}}\n"
        "{{#entities}}{{name}}{{comma}}{{/entities}}\n"
        "{{#locale_info}}{{code}}{{^last}} {{/last}}{{/locale_info}}\n"
        "{{generator.name}} {{generator.version}} {{pack.name}}\n"
        "{{#description}}has description{{/description}}{{^description}}no description{{/description}}\n"
        "{{#entity.fields}}{{#enum_values}}{{value}}{{comma}}{{/enum_values}}{{/entity.fields}}\n";
    auto tree =
        RenderWith({ApiPack("  - {template: f.mustache, path: \"f/{{entity.names.snake}}.txt\", each: entities}\n",
                            {{"f.mustache", fields}})});
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    const auto files = Files(*tree);
    EXPECT_EQ(files.at("f/appointment.txt"),
              "starts_at:0^(time),status:1(enum),patient:2->Patient.\n"
              "required=[starts_at]\n"
              "has refs\n"
              "auth [auth]\n"
              "Patient,Appointment\n"
              "fr ar\n"
              "dihya 9.9.9 api\n"
              "no description\n"
              "booked,done\n");
    EXPECT_EQ(files.at("f/patient.txt").substr(0, files.at("f/patient.txt").find('\n')),
              "full_name:0^(text),email:1(text).");
}

TEST(GeneratorEngine, StackFlagsAndRoleInfo) {
    const std::string text =
        "{{#stack_flags.frontend.react}}react{{/stack_flags.frontend.react}}"
        "{{#stack_flags.backend.flask}}flask{{/stack_flags.backend.flask}}"
        "{{#stack_flags.backend}} backend{{/stack_flags.backend}}"
        "{{^stack_flags.mobile}} no-mobile{{/stack_flags.mobile}}"
        "{{^stack_flags.devops}} no-devops{{/stack_flags.devops}}"
        "{{#stack_flags.devops.docker}} docker{{/stack_flags.devops.docker}}"
        "{{#stack_flags.devops.github-actions}} actions{{/stack_flags.devops.github-actions}}\n"
        "{{#role_info}}{{name}}={{env}}{{comma}}{{/role_info}}\n";
    const auto render = [&](std::string_view spec) {
        std::vector<Pack> packs;
        packs.push_back(
            ApiPack("  - {template: s.mustache, path: s.txt, when: stack_flags.devops.docker}\n"
                    "  - {template: s.mustache, path: t.txt}\n",
                    {{"s.mustache", text}}));
        for (const char* tool : {"docker", "github-actions"}) {
            packs.push_back(MakePack("name: " + std::string(tool) +
                                     "\nversion: 1.0.0\nkind: stack\nprovides: {devops: " + tool + "}\nfiles: []\n"));
        }
        auto tree = RenderWith(std::move(packs), spec);
        EXPECT_TRUE(tree.ok()) << tree.error().message;
        return tree.ok() ? Files(*tree) : std::map<std::string, std::string>{};
    };
    auto files = render(kClinic);
    EXPECT_EQ(files.at("t.txt"), "react backend no-mobile no-devops\nadmin=ADMIN,user=USER\n");
    EXPECT_EQ(files.count("s.txt"), 0u);

    std::string spec(kClinic);
    spec.replace(spec.find("devops: none"), 12, "devops: [docker, github-actions]");
    spec.replace(spec.find("features: [auth]"), 16, "features: [auth]\nroles: [admin, front_desk]");
    files = render(spec);
    EXPECT_EQ(files.at("s.txt"), "react backend no-mobile docker actions\nadmin=ADMIN,front_desk=FRONT_DESK\n");
}

TEST(GeneratorEngine, RequiredStacks) {
    Pack compose = MakePack(R"(name: compose
version: 1.0.0
kind: stack
provides: {devops: compose}
requires: {devops: docker}
files:
  - {template: c.mustache, path: compose.yaml}
)",
                            {{"c.mustache", "x"}});
    ASSERT_EQ(compose.required, (std::map<std::string, std::string>{{"devops", "docker"}}));
    Pack docker = MakePack("name: docker\nversion: 1.0.0\nkind: stack\nprovides: {devops: docker}\nfiles: []\n");
    const Engine engine({WebPack(), ApiPack(), compose, docker});
    auto model = Model(kClinic);
    model.stacks.devops = {"compose"};
    auto plan = engine.MakePlan(model);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(
        plan.error().message,
        "stacks.devops = compose needs stacks.devops = docker as well (pack compose): add docker to stacks.devops");
    EXPECT_EQ(plan.error().details.at("stacks.devops"), "compose needs docker");
    model.stacks.devops = {"compose", "docker"};
    EXPECT_TRUE(engine.MakePlan(model).ok());

    auto bad = ParsePack(
        "name: x\nversion: 1.0.0\nkind: stack\nprovides: {devops: compose}\n"
        "requires: {cloud: aws}\nfiles: []\n",
        "x/pack.yaml", [](const std::string&) { return std::nullopt; });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message,
              "x/pack.yaml:5: requires.cloud: unknown stack kind (expected frontend, backend, "
              "mobile, ai, devops, blockchain)");
}

TEST(GeneratorEngine, EscapesLikeMustacheJs) {
    auto pack =
        ApiPack("  - {template: e.mustache, path: e.txt}\n", {{"e.mustache", "{{description}}|{{{description}}}"}});
    const Engine engine({WebPack(), std::move(pack)});
    auto model = Model(kClinic);
    model.description = "a<b & 'c' = \"d\" /e`";
    auto out = engine.Render(model);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(Files(*out).at("e.txt"),
              "a&lt;b &amp; &#39;c&#39; &#x3D; &quot;d&quot; &#x2F;e&#x60;|a<b & 'c' = \"d\" /e`");
}

TEST(GeneratorEngine, PathConfinement) {
    // Output paths are checked after rendering (static ones are already refused when the pack loads).
    const Engine engine(
        {WebPack(), ApiPack("  - {template: x.mustache, path: \"{{{description}}}\"}\n", {{"x.mustache", "x"}})});
    for (const char* bad : {"../x", "/abs", "a//b", ".git/config", "a\\b", "x/..", "x/", ""}) {
        auto model = Model(kClinic);
        model.description = bad;
        auto tree = engine.Render(model);
        ASSERT_FALSE(tree.ok()) << bad;
        EXPECT_EQ(tree.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(tree.error().message.find("pack api (x.mustache): output path "), std::string::npos)
            << tree.error().message;
    }
    auto model = Model(kClinic);
    model.description = "ok/x";
    EXPECT_TRUE(engine.Render(model).ok());
    // .dihya/ belongs to the engine.
    auto reserved =
        RenderWith({ApiPack("  - {template: x.mustache, path: .dihya/answers.json}\n", {{"x.mustache", "x"}})});
    ASSERT_FALSE(reserved.ok());
    EXPECT_NE(reserved.error().message.find("reserved"), std::string::npos);
}

TEST(GeneratorEngine, DuplicatePaths) {
    auto other = MakePack(R"(name: other
version: 1.0.0
kind: stack
provides: {devops: docker}
files:
  - {template: r.mustache, path: README.md}
)",
                          {{"r.mustache", "other"}});
    auto tree = RenderWith({ApiPack(), std::move(other)}, std::string(kClinic) + "");
    // devops: none in kClinic: the docker pack is not picked.
    ASSERT_TRUE(tree.ok()) << tree.error().message;

    auto model = Model(kClinic);
    model.stacks.devops = {"docker"};
    auto docker = MakePack(R"(name: other
version: 1.0.0
kind: stack
provides: {devops: docker}
files:
  - {template: r.mustache, path: README.md}
)",
                           {{"r.mustache", "other"}});
    const Engine engine({WebPack(), ApiPack(), std::move(docker)});
    auto plan = engine.MakePlan(model);
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.error().message.find("write the same path: README.md"), std::string::npos) << plan.error().message;

    // each: entities without the entity in the path writes the same file twice.
    auto same =
        RenderWith({ApiPack("  - {template: x.mustache, path: same.txt, each: entities}\n", {{"x.mustache", "x"}})});
    ASSERT_FALSE(same.ok());
    EXPECT_NE(same.error().message.find("same path: same.txt"), std::string::npos);

    auto folded = RenderWith({ApiPack("  - {template: x.mustache, path: readme.md}\n", {{"x.mustache", "x"}})});
    ASSERT_FALSE(folded.ok());
    EXPECT_NE(folded.error().message.find("differ only in case"), std::string::npos);

    auto clash = RenderWith({ApiPack("  - {template: x.mustache, path: README.md/x}\n", {{"x.mustache", "x"}})});
    ASSERT_FALSE(clash.ok());
    EXPECT_NE(clash.error().message.find("as a folder"), std::string::npos) << clash.error().message;
}

TEST(GeneratorEngine, TemplateErrorsNameThePack) {
    Pack pack = ApiPack();
    pack.files[0].content = "{{#entities}}never closed";
    auto tree = RenderWith({std::move(pack)});
    ASSERT_FALSE(tree.ok());
    EXPECT_NE(tree.error().message.find("pack api (readme.mustache): Unclosed section"), std::string::npos)
        << tree.error().message;

    Pack partial = ApiPack();
    partial.files[0].content = "{{> name}}";
    auto refused = RenderWith({std::move(partial)});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("no partial name"), std::string::npos);
}

TEST(GeneratorEngine, RawFilesAndModes) {
    auto tree = RenderWith({ApiPack("  - {template: run.sh, path: bin/run.sh, raw: true, mode: 755}\n",
                                    {{"run.sh", "#!/bin/sh\necho {{title}}\n"}})});
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    for (const auto& f : tree->files) {
        if (f.path != "bin/run.sh") continue;
        EXPECT_EQ(f.content, "#!/bin/sh\necho {{title}}\n");
        EXPECT_TRUE(f.executable);
    }
}

class DropReadme final : public Hooks {
public:
    Result<void> BeforeRender(Plan& plan) override {
        std::erase_if(plan.files, [](const PlannedFile& f) { return f.path == "README.md"; });
        return Ok();
    }
    Result<void> AfterRender(Tree& tree) override {
        tree.files.push_back(GeneratedFile{"NOTICE", "added", false});
        return Ok();
    }
};

class EscapingHook final : public Hooks {
public:
    Result<void> AfterRender(Tree& tree) override {
        tree.files.push_back(GeneratedFile{"../evil", "x", false});
        return Ok();
    }
};

TEST(GeneratorEngine, ParsedTemplatesAreReusedWithoutCarryingState) {
    const Engine engine({WebPack(), ApiPack()});
    auto first = engine.Render(Model(kClinic));
    ASSERT_TRUE(first.ok()) << first.error().message;
    // Another model through the same (now parsed) templates, then the first again: each output is its own.
    std::string other_spec(kClinic);
    for (auto at = other_spec.find("Patient"); at != std::string::npos; at = other_spec.find("Patient", at)) {
        other_spec.replace(at, 7, "Customer");
    }
    auto other = engine.Render(Model(other_spec));
    ASSERT_TRUE(other.ok()) << other.error().message;
    auto again = engine.Render(Model(kClinic));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(Files(*again), Files(*first));
    EXPECT_NE(Files(*other), Files(*first));
    // Renders on several threads at once agree with the single-threaded one.
    std::vector<std::thread> threads;
    std::vector<std::map<std::string, std::string>> results(4);
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] {
            for (int n = 0; n < 10; ++n) {
                auto t = engine.Render(Model(kClinic));
                if (t) results[i] = Files(*t);
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& r : results) EXPECT_EQ(r, Files(*first));
}

TEST(GeneratorEngine, Hooks) {
    const Engine engine({WebPack(), ApiPack()});
    DropReadme drop;
    auto tree = engine.Render(Model(kClinic), &drop);
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    const auto files = Files(*tree);
    EXPECT_EQ(files.count("README.md"), 0u);
    EXPECT_EQ(files.at("NOTICE"), "added");
    EXPECT_EQ(tree->files.front().path, ".dihya/answers.json");  // still sorted

    EscapingHook evil;
    auto refused = engine.Render(Model(kClinic), &evil);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("a plugin"), std::string::npos);
}

}  // namespace
}  // namespace dihya::generator

namespace dihya::generator {
namespace {

TEST(GeneratorStandalone, RenderedLikeMustacheJs) {
    const std::string tmpl =
        "A\n{{#entities}}\n-{{name}}\n{{/entities}}\n\nB\n  {{#features.payments}}\n  no\n  {{/features.payments}}\n"
        "  {{^features.payments}}\n  yes\n  {{/features.payments}}\n{{! a comment }}\nC\n";
    const Engine engine(
        {WebPack(), ApiPack("  - {template: list.mustache, path: LIST.md}\n", {{"list.mustache", tmpl}})});
    auto tree = engine.Render(test_support::Model(test_support::kClinic));
    ASSERT_TRUE(tree.ok()) << tree.error().message;
    EXPECT_EQ(Files(*tree).at("LIST.md"), "A\n-Patient\n-Appointment\n\nB\n  yes\nC\n");
}

TEST(GeneratorStandalone, SectionLinesLeaveNoBlankLines) {
    const std::string m(kStandaloneMark);
    EXPECT_EQ(StripStandaloneTags("a\n  {{#x}}\nb\n{{/x}}  \nc\n"), "a\n" + m + "{{#x}}b\n{{/x}}" + m + "c\n");
    EXPECT_EQ(StripStandaloneTags("  {{! note }}\r\nx {{#y}}y{{/y}}\n"), m + "{{! note }}x {{#y}}y{{/y}}\n");
    EXPECT_EQ(StripStandaloneTags("{{{raw}}}\n"), "{{{raw}}}\n");
}

}  // namespace
}  // namespace dihya::generator
