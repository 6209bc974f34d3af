#include "plugins/registry.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/test_support.hpp"
#include "catalog/catalog.hpp"
#include "model/project_model.hpp"
#include "plugins/test_support.hpp"

namespace dihya::plugins {
namespace {

namespace json = boost::json;

using plugins::testing::kHost;

std::string Source(const std::string& name, const std::string& version, const std::string& hooks,
                   const std::string& permissions, const std::string& body) {
    return "export default { manifest: { name: '" + name + "', version: '" + version +
           "', description: 'd', author: 'a', hooks: " + hooks + ", permissions: " + permissions + " }, " + body +
           " };";
}

const std::string kLabels = Source("labels", "1.0.0", "['beforeGeneration']", "['model:write']",
                                   "beforeGeneration: (m) => ({ ...m, entities: m.entities.map((e) => ({ ...e, "
                                   "label: 'L ' + e.name })) })");
const std::string kReadme = Source("readme", "2.0.0", "['afterGeneration']", "['files:write']",
                                   "afterGeneration: (files) => ({ ...files, 'NOTICE.txt': 'made with plugins\\n' })");

class PluginRegistryTest : public auth::testing::AuthFixture {
protected:
    void SetUp() override {
        if (kHost == nullptr) GTEST_SKIP() << "dihya-js is not built here (sanitizer build)";
        AuthFixture::SetUp();
        auto cat = catalog::BuiltinCatalog();
        ASSERT_TRUE(cat);
        vocab_ = catalog::ToVocabulary(*cat);
        registry_ = std::make_unique<PluginRegistry>(PluginRegistryDeps{*db_, *sink_, clock_, kHost, {}, 1u << 20, 3});
        registry_->UseVocabulary(vocab_);
    }

    model::ProjectModel Model() {
        auto m = model::ParseModel(
            "name: shop\nentities:\n  - name: Product\n    fields: [{name: title, type: string}]\n", "m.yaml", vocab_);
        EXPECT_TRUE(m) << m.error().message;
        return *m;
    }

    model::Vocabulary vocab_;
    std::unique_ptr<PluginRegistry> registry_;
};

TEST_F(PluginRegistryTest, InstallListRemoveAndEveryoneSeesOnlyTheirs) {
    MustCreate("ann@example.test");
    MustCreate("ben@example.test");
    const auth::Principal ann = MustLogin("ann@example.test");
    const auth::Principal ben = MustLogin("ben@example.test");
    auto p = registry_->Install(ann, kLabels, ctx_);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->name, "labels");
    EXPECT_EQ(p->manifest.at("hooks").as_array().size(), 1u);
    EXPECT_EQ(registry_->Install(ann, kLabels, ctx_).error().code, ErrorCode::kAlreadyExists);
    auto broken = registry_->Install(ann, "export default { manifest: { name: 'x' } };", ctx_);
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("manifest.version"), std::string::npos) << broken.error().message;
    auto looping = registry_->Install(ann, "for (;;) {}", ctx_);
    ASSERT_FALSE(looping);
    EXPECT_NE(looping.error().message.find("ran longer than"), std::string::npos) << looping.error().message;

    EXPECT_EQ(registry_->Visible(ann)->size(), 1u);
    EXPECT_TRUE(registry_->Visible(ben)->empty());
    EXPECT_EQ(registry_->Get(ben, p->id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(registry_->Remove(ben, p->id, ctx_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(registry_->SetGlobal(ann, p->id, true, ctx_).error().code, ErrorCode::kPermissionDenied);
    auto got = registry_->Get(ann, p->id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->second, kLabels);
    ASSERT_TRUE(registry_->Remove(ann, p->id, ctx_));
    EXPECT_TRUE(registry_->Visible(ann)->empty());
    EXPECT_EQ(registry_->Install(auth::Principal::Guest(), kLabels, ctx_).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(PluginRegistryTest, GlobalPluginsRunAroundEveryGenerationAndLogTheirChanges) {
    MustCreate("root@example.test", auth::Role::kAdmin);
    MustCreate("cat@example.test");
    const auth::Principal root = MustLogin("root@example.test");
    const auth::Principal cat = MustLogin("cat@example.test");
    auto labels = registry_->Install(cat, kLabels, ctx_);
    auto readme = registry_->Install(cat, kReadme, ctx_);
    ASSERT_TRUE(labels && readme);
    ASSERT_TRUE(registry_->SetGlobal(root, labels->id, true, ctx_));
    ASSERT_TRUE(registry_->SetGlobal(root, readme->id, true, ctx_));

    model::ProjectModel model = Model();
    std::vector<std::string> log;
    std::vector<projects::GenerationPlugins::Used> used;
    generator::Tree seen;
    auto tree = registry_->Generate(
        "no-project", model,
        [&](const model::ProjectModel& m, generator::Hooks* hooks) -> Result<generator::Tree> {
            generator::Tree t;
            t.files.push_back({"README.md", "# " + m.entities[0].label + "\n", false});
            if (hooks != nullptr) {
                if (auto ok = hooks->AfterRender(t); !ok) return ok.take_error();
            }
            return t;
        },
        [&](const std::string& line) { log.push_back(line); }, used);
    ASSERT_TRUE(tree) << tree.error().message;
    EXPECT_EQ(model.entities[0].label, "L Product");
    ASSERT_EQ(tree->files.size(), 2u);
    EXPECT_EQ(tree->files[0].path, "NOTICE.txt");
    EXPECT_EQ(tree->files[1].content, "# L Product\n");
    ASSERT_EQ(used.size(), 2u);
    EXPECT_EQ(used[0].name, "labels");
    std::string joined;
    for (const auto& l : log) joined += l + "\n";
    EXPECT_NE(joined.find("plugin labels 1.0.0 (enabled for everybody)"), std::string::npos) << joined;
    EXPECT_NE(joined.find("plugin labels 1.0.0: changed entity Product"), std::string::npos) << joined;
    EXPECT_NE(joined.find("plugin readme 2.0.0: added NOTICE.txt"), std::string::npos) << joined;

    // A plugin that fails fails the generation with its message.
    auto bad = registry_->Install(
        cat,
        Source("bad", "1.0.0", "['beforeGeneration']", "[]", "beforeGeneration: () => { throw new Error('nope'); }"),
        ctx_);
    ASSERT_TRUE(bad) << bad.error().message;
    ASSERT_TRUE(registry_->SetGlobal(root, bad->id, true, ctx_));
    model::ProjectModel again = Model();
    auto failed = registry_->Generate(
        "no-project", again,
        [](const model::ProjectModel&, generator::Hooks*) { return Result<generator::Tree>(generator::Tree{}); },
        [](const std::string&) {}, used);
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("plugin bad.mjs: threw Error: nope"), std::string::npos)
        << failed.error().message;

    // GDPR: the export holds each plugin's source; erasure removes them.
    auto r = db_->Transaction([&](storage::Session& s) -> Result<void> {
        auto data = registry_->ExportPersonal(s, cat.user_id);
        if (!data) return data.take_error();
        EXPECT_EQ(data->at("installed").as_array().size(), 3u);
        for (const auto& item : data->at("installed").as_array()) {
            if (item.at("name").as_string() == "labels") {
                EXPECT_EQ(item.at("source").as_string(), kLabels);
            }
        }
        return registry_->ErasePersonal(s, cat.user_id);
    });
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(registry_->Visible(root)->empty());
}

}  // namespace
}  // namespace dihya::plugins
