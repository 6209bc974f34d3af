#include "packs/library.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/test_support.hpp"
#include "catalog/catalog.hpp"
#include "core/config.hpp"

namespace dihya::packs {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class PackLibraryTest : public auth::testing::AuthFixture {
protected:
    void SetUp() override {
        AuthFixture::SetUp();
        auto cat = catalog::BuiltinCatalog();
        ASSERT_TRUE(cat);
        library_ = std::make_unique<PackLibrary>(
            PackLibraryDeps{*db_, *sink_, clock_, packs_dir_, catalog::ToVocabulary(*cat), Limits{}, 3});
    }

    std::string ExpressAs(Format f) {
        auto doc = library_->ExportInstalled("express");
        EXPECT_TRUE(doc) << doc.error().message;
        return ToText(*doc, f);
    }

    fs::path packs_dir_ = fs::path(SourceDir()) / "packs";
    std::unique_ptr<PackLibrary> library_;
};

TEST_F(PackLibraryTest, ListsAndExportsTheInstalledPacks) {
    const auto installed = library_->Installed();
    auto has = [&](const std::string& name, const std::string& kind) {
        return std::any_of(installed.begin(), installed.end(),
                           [&](const InstalledPack& p) { return p.name == name && p.kind == kind; });
    };
    EXPECT_TRUE(has("react", "stack"));
    EXPECT_TRUE(has("web-common", "library"));
    EXPECT_TRUE(has("health", "domain"));
    EXPECT_FALSE(has("shared", "domain"));
    EXPECT_FALSE(library_->ExportInstalled("../stacks/react"));
    EXPECT_EQ(library_->ExportInstalled("nope").error().code, ErrorCode::kNotFound);
}

TEST_F(PackLibraryTest, ImportKeepsAPrivateCopyAndExportsItBack) {
    const auth::User alice = MustCreate("alice@example.test");
    const auth::User bob = MustCreate("bob@example.test");
    const auth::Principal a = MustLogin("alice@example.test");
    const auth::Principal b = MustLogin("bob@example.test");

    auto stored = library_->Import(a, ExpressAs(Format::kYaml), Format::kYaml, ctx_);
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->name, "express");
    EXPECT_EQ(stored->owner_id, alice.id);
    auto original = library_->ExportInstalled("express");
    EXPECT_EQ(stored->digest, Digest(*original));

    // The same name and version again: refused, whatever the format.
    auto again = library_->Import(a, ExpressAs(Format::kJs), Format::kJs, ctx_);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

    auto mine = library_->ExportMine(a, "express", "");
    ASSERT_TRUE(mine) << mine.error().message;
    EXPECT_EQ(Digest(mine->second), stored->digest);
    EXPECT_EQ(mine->second.files, original->files);

    // Bob sees none of it.
    EXPECT_EQ(library_->ExportMine(b, "express", "").error().code, ErrorCode::kNotFound);
    auto bobs = library_->Mine(b, "", 50);
    ASSERT_TRUE(bobs);
    EXPECT_TRUE(bobs->items.empty());
    EXPECT_EQ(library_->Remove(b, stored->id, ctx_).error().code, ErrorCode::kNotFound);

    // A guest may not import.
    EXPECT_EQ(library_->Import(auth::Principal::Guest(), ExpressAs(Format::kJson), Format::kJson, ctx_).error().code,
              ErrorCode::kUnauthenticated);

    // GDPR: the export holds the document; erasure removes it.
    auto personal = db_->Transaction([&](storage::Session& s) -> Result<void> {
        auto data = library_->ExportPersonal(s, alice.id);
        if (!data) return data.take_error();
        const auto& items = data->at("imported").as_array();
        EXPECT_EQ(items.size(), 1u);
        EXPECT_EQ(items[0].at("digest").as_string(), stored->digest);
        EXPECT_TRUE(items[0].at("document").at("files").as_object().contains("app.js") ||
                    !items[0].at("document").at("files").as_object().empty());
        return library_->ErasePersonal(s, alice.id);
    });
    ASSERT_TRUE(personal) << personal.error().message;
    auto after = library_->Mine(a, "", 50);
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->items.empty());
}

TEST_F(PackLibraryTest, VersionsPagesQuotaAndRemoval) {
    MustCreate("carol@example.test");
    const auth::Principal c = MustLogin("carol@example.test");
    auto doc = library_->ExportInstalled("web-common");
    ASSERT_TRUE(doc);
    std::vector<std::string> ids;
    for (const char* version : {"1.1.0", "1.10.0", "1.2.0"}) {
        doc->manifest["version"] = version;
        clock_.Advance(std::chrono::seconds(1));
        auto stored = library_->Import(c, ToText(*doc, Format::kJson), Format::kJson, ctx_);
        ASSERT_TRUE(stored) << stored.error().message;
        ids.push_back(stored->id);
    }
    // The highest version, not the newest import.
    auto latest = library_->ExportMine(c, "web-common", "");
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->first.version, "1.10.0");
    auto exact = library_->ExportMine(c, "web-common", "1.1.0");
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->second.version(), "1.1.0");

    // Pages of two, newest first.
    auto first = library_->Mine(c, "", 2);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->items.size(), 2u);
    EXPECT_EQ(first->items[0].version, "1.2.0");
    ASSERT_FALSE(first->next_cursor.empty());
    auto second = library_->Mine(c, first->next_cursor, 2);
    ASSERT_TRUE(second);
    ASSERT_EQ(second->items.size(), 1u);
    EXPECT_EQ(second->items[0].version, "1.1.0");
    EXPECT_TRUE(second->next_cursor.empty());

    // The quota (3 in this test).
    doc->manifest["version"] = "2.0.0";
    auto over = library_->Import(c, ToText(*doc, Format::kJson), Format::kJson, ctx_);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, ErrorCode::kPayloadTooLarge);

    ASSERT_TRUE(library_->Remove(c, ids[0], ctx_));
    EXPECT_EQ(library_->ExportMine(c, "web-common", "1.1.0").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(library_->Import(c, ToText(*doc, Format::kJson), Format::kJson, ctx_));
}

TEST_F(PackLibraryTest, ImportIsLintedWithTheInstalledPacks) {
    MustCreate("dan@example.test");
    const auth::Principal d = MustLogin("dan@example.test");
    auto doc = library_->ExportInstalled("express");
    ASSERT_TRUE(doc);
    // A template that does not parse: the error names the file inside the pack.
    doc->files.begin()->second += "\n{{#broken}}\n";
    const std::string broken_file = doc->files.begin()->first;
    auto broken = library_->Import(d, ToText(*doc, Format::kJson), Format::kJson, ctx_);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(broken.error().message.find(broken_file), std::string::npos) << broken.error().message;
    EXPECT_EQ(broken.error().message.find("/tmp"), std::string::npos) << broken.error().message;

    // A library that is not installed.
    auto uses = library_->ExportInstalled("express");
    uses->manifest["uses"].as_array()[0].as_object()["library"] = "no-such-library";
    auto missing = library_->Import(d, ToText(*uses, Format::kJson), Format::kJson, ctx_);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("no-such-library"), std::string::npos) << missing.error().message;

    // Nothing was kept.
    auto page = library_->Mine(d, "", 50);
    ASSERT_TRUE(page);
    EXPECT_TRUE(page->items.empty());
}

}  // namespace
}  // namespace dihya::packs
