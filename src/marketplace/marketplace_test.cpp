#include "marketplace/marketplace.hpp"

#include <array>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/test_support.hpp"
#include "catalog/catalog.hpp"
#include "core/config.hpp"
#include "marketplace/kinds.hpp"
#include "plugins/test_support.hpp"

namespace dihya::marketplace {
namespace {

namespace json = boost::json;
using plugins::testing::kHost;

std::string PluginSource(const std::string& name, const std::string& version, const std::string& description) {
    return "export default { manifest: { name: '" + name + "', version: '" + version + "', description: '" +
           description +
           "', author: 'a', hooks: ['afterGeneration'], permissions: ['files:write'] }, "
           "afterGeneration: (files) => ({ ...files, 'NOTICE.txt': 'from " +
           name + "\\n' }) };";
}

class KeptNotes final : public Notifier {
public:
    void Notify(const std::string& user_id, std::string_view kind, const json::object& data,
                const std::string&) override {
        notes.push_back({user_id, std::string(kind), data});
    }
    struct Note {
        std::string user_id;
        std::string kind;
        json::object data;
    };
    std::vector<Note> notes;
};

class MarketplaceTest : public auth::testing::AuthFixture {
protected:
    void SetUp() override {
        if (kHost == nullptr) GTEST_SKIP() << "dihya-js is not built here (sanitizer build)";
        AuthFixture::SetUp();
        auto cat = catalog::BuiltinCatalog();
        ASSERT_TRUE(cat);
        vocab_ = catalog::ToVocabulary(*cat);
        registry_ = std::make_unique<plugins::PluginRegistry>(
            plugins::PluginRegistryDeps{*db_, *sink_, clock_, kHost, {}, 1u << 20, 10});
        library_ = std::make_unique<packs::PackLibrary>(packs::PackLibraryDeps{
            *db_, *sink_, clock_, std::filesystem::path(SourceDir()) / "packs", vocab_, packs::Limits{}, 10});
        MarketplaceDeps deps{*db_, *sink_, clock_, signer_};
        deps.kinds.emplace("plugin", PluginKind(*registry_));
        deps.kinds.emplace("pack", PackKind(*library_));
        deps.notifier = &notes_;
        deps.on_decided = [this](storage::Session&, const json::object& e) -> Result<void> {
            events_.push_back(e);
            return {};
        };
        market_ = std::make_unique<Marketplace>(std::move(deps));
        MustCreate("admin@example.test", auth::Role::kAdmin);
        MustCreate("ann@example.test");
        MustCreate("ben@example.test");
        admin_ = MustLogin("admin@example.test");
        ann_ = MustLogin("ann@example.test");
        ben_ = MustLogin("ben@example.test");
    }

    Submission Plugin(const std::string& name, const std::string& version, const std::string& description,
                      std::vector<std::string> tags = {"files"}) {
        return Submission{"plugin", PluginSource(name, version, description),
                          "",       "First release.",
                          "docs",   std::move(tags),
                          "",       "MIT",
                          ""};
    }

    Version MustPublish(const auth::Principal& who, const Submission& s) {
        auto v = market_->Publish(who, s, ctx_);
        EXPECT_TRUE(v) << v.error().message;
        return v ? *v : Version{};
    }

    void MustApprove(const Version& v) {
        clock_.Advance(std::chrono::seconds(1));
        auto d = market_->Decide(admin_, v.id, "approve", "", ctx_);
        ASSERT_TRUE(d) << d.error().message;
    }

    std::vector<std::string> Names(const SearchQuery& q) {
        auto page = market_->Search(auth::Principal{}, q);
        EXPECT_TRUE(page) << page.error().message;
        std::vector<std::string> out;
        if (page) {
            for (const auto& it : page->items) out.push_back(it.name);
        }
        return out;
    }

    model::Vocabulary vocab_;
    crypto::Ed25519Signer signer_ = crypto::Ed25519Signer::Derive("test secret", "dihya marketplace v1");
    KeptNotes notes_;
    std::vector<json::object> events_;
    std::unique_ptr<plugins::PluginRegistry> registry_;
    std::unique_ptr<packs::PackLibrary> library_;
    std::unique_ptr<Marketplace> market_;
    auth::Principal admin_, ann_, ben_;
};

TEST_F(MarketplaceTest, PublishReviewApproveFindInstall) {
    // Guests browse, only users publish.
    EXPECT_EQ(market_->Publish(auth::Principal{}, Plugin("notice", "1.0.0", "adds a notice"), ctx_).error().code,
              ErrorCode::kUnauthenticated);
    const Version v1 = MustPublish(ann_, Plugin("notice", "1.0.0", "adds a NOTICE file to every project"));
    EXPECT_EQ(v1.status, "pending");
    EXPECT_EQ(v1.item_name, "notice");
    // Waiting for review: listed nowhere, visible to its author and admins only.
    EXPECT_TRUE(Names({.q = "notice"}).empty());
    EXPECT_EQ(market_->Get(ben_, "notice").error().code, ErrorCode::kNotFound);
    auto own = market_->Get(ann_, "notice");
    ASSERT_TRUE(own) << own.error().message;
    EXPECT_TRUE(own->owned);
    ASSERT_EQ(own->versions.size(), 1u);
    EXPECT_EQ(market_->InstallItem(ben_, "notice", "", ctx_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(market_->InstallItem(ben_, "notice", "1.0.0", ctx_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(market_->Fetch(ben_, "notice", "1.0.0").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(market_->Reviews(ben_, "notice", "", 10).error().code, ErrorCode::kNotFound);
    // What is reviewed can be read by the admins (and its author), before any decision; that is no download.
    auto review = market_->Fetch(admin_, "notice", "1.0.0");
    ASSERT_TRUE(review) << review.error().message;
    EXPECT_EQ(crypto::Sha256Hex(review->package), v1.digest);
    EXPECT_TRUE(market_->Fetch(ann_, "notice", "1.0.0"));

    // Another user cannot publish a version of Ann's item; Ann cannot publish the same version twice.
    auto theirs = market_->Publish(ben_, Plugin("notice", "1.1.0", "mine now"), ctx_);
    ASSERT_FALSE(theirs);
    EXPECT_EQ(theirs.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(market_->Publish(ann_, Plugin("notice", "1.0.0", "again"), ctx_).error().code, ErrorCode::kAlreadyExists);

    // Only admins review; the queue holds it.
    EXPECT_EQ(market_->Decide(ann_, v1.id, "approve", "", ctx_).error().code, ErrorCode::kPermissionDenied);
    auto queue = market_->Queue(admin_, "", "", 50);
    ASSERT_TRUE(queue);
    ASSERT_EQ(queue->first.size(), 1u);
    EXPECT_EQ(queue->first[0].id, v1.id);
    MustApprove(v1);
    ASSERT_EQ(notes_.notes.size(), 1u);
    EXPECT_EQ(notes_.notes[0].kind, "marketplace.version_approved");
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].at("decision").as_string(), "approved");
    EXPECT_EQ(market_->Decide(admin_, v1.id, "approve", "", ctx_).error().code, ErrorCode::kConflict);

    // Listed and found by a prefix of any word.
    EXPECT_EQ(Names({.q = "notic"}), std::vector<std::string>{"notice"});
    EXPECT_EQ(Names({.q = "NOTICE file"}), std::vector<std::string>{"notice"});
    EXPECT_TRUE(Names({.q = "nothing-like-it"}).empty());
    auto item = market_->Get(auth::Principal{}, "notice");
    ASSERT_TRUE(item) << item.error().message;
    EXPECT_EQ(item->item.latest_version, "1.0.0");
    EXPECT_EQ(item->item.licence, "MIT");
    EXPECT_TRUE(item->history.empty());  // the history is the author's and the admins'
    ASSERT_EQ(item->versions.size(), 1u);
    EXPECT_TRUE(signer_.Verify(SignedMessage("plugin", "notice", "1.0.0", item->versions[0].digest),
                               item->versions[0].signature));

    // Installed into Ben's plugins, once.
    auto in = market_->InstallItem(ben_, "notice", "", ctx_);
    ASSERT_TRUE(in) << in.error().message;
    EXPECT_TRUE(in->second);
    auto plugins = registry_->Visible(ben_);
    ASSERT_TRUE(plugins);
    ASSERT_EQ(plugins->size(), 1u);
    EXPECT_EQ((*plugins)[0].name, "notice");
    EXPECT_EQ((*plugins)[0].id, in->first.target_id);
    EXPECT_EQ((*plugins)[0].digest, item->versions[0].digest);
    auto again = market_->InstallItem(ben_, "notice", "1.0.0", ctx_);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_FALSE(again->second);
    EXPECT_EQ(again->first.id, in->first.id);
    auto listed = market_->Get(auth::Principal{}, "notice");
    EXPECT_EQ(listed->item.installs, 1);

    // Removed from the workspace, installed again: the record follows the new copy, the count stays.
    ASSERT_TRUE(registry_->Remove(ben_, in->first.target_id, ctx_));
    auto back = market_->InstallItem(ben_, "notice", "", ctx_);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->second);
    EXPECT_EQ(back->first.id, in->first.id);
    EXPECT_NE(back->first.target_id, in->first.target_id);
    EXPECT_EQ(registry_->Visible(ben_)->at(0).id, back->first.target_id);
    EXPECT_EQ(market_->Get(auth::Principal{}, "notice")->item.installs, 1);
}

TEST_F(MarketplaceTest, ATamperedPackageFailsItsSignature) {
    const Version v = MustPublish(ann_, Plugin("stamp", "1.0.0", "stamps files"));
    MustApprove(v);
    // The stored package changes after approval (a database edited behind the server's back).
    auto n = db_->Execute("UPDATE market_versions SET package = package || ' ' WHERE id = $1",
                          std::array<storage::Value, 1>{v.id});
    ASSERT_TRUE(n);
    auto in = market_->InstallItem(ben_, "stamp", "", ctx_);
    ASSERT_FALSE(in);
    EXPECT_EQ(in.error().code, ErrorCode::kConflict);
    EXPECT_NE(in.error().message.find("signature"), std::string::npos) << in.error().message;
    auto mine = registry_->Visible(ben_);
    EXPECT_TRUE(mine->empty());  // nothing reached the workspace

    // A signature moved to another version does not verify either.
    const Version v2 = MustPublish(ann_, Plugin("stamp", "1.0.1", "stamps files"));
    MustApprove(v2);
    auto sig = db_->Query("SELECT signature FROM market_versions WHERE id = $1", std::array<storage::Value, 1>{v.id});
    auto moved = db_->Execute("UPDATE market_versions SET signature = $2 WHERE id = $1",
                              std::array<storage::Value, 2>{v2.id, *sig->GetText(0, "signature")});
    ASSERT_TRUE(moved);
    EXPECT_EQ(market_->InstallItem(ben_, "stamp", "1.0.1", ctx_).error().code, ErrorCode::kConflict);

    // A server with another secret verifies nothing this one signed.
    const auto other = crypto::Ed25519Signer::Derive("another secret", "dihya marketplace v1");
    EXPECT_NE(other.KeyId(), signer_.KeyId());
}

TEST_F(MarketplaceTest, RejectAndYankNeedAReasonAndYankedVersionsStayOnRecord) {
    const Version bad = MustPublish(ann_, Plugin("risky", "0.1.0", "does risky things"));
    auto no_reason = market_->Decide(admin_, bad.id, "reject", "", ctx_);
    ASSERT_FALSE(no_reason);
    EXPECT_EQ(no_reason.error().code, ErrorCode::kInvalidArgument);
    clock_.Advance(std::chrono::seconds(1));
    auto rejected = market_->Decide(admin_, bad.id, "reject", "It writes outside the project.", ctx_);
    ASSERT_TRUE(rejected) << rejected.error().message;
    EXPECT_EQ(notes_.notes.back().kind, "marketplace.version_rejected");
    EXPECT_EQ(notes_.notes.back().user_id, ann_.user_id);
    EXPECT_EQ(notes_.notes.back().data.at("reason").as_string(), "It writes outside the project.");
    EXPECT_EQ(market_->Decide(admin_, bad.id, "yank", "x", ctx_).error().code, ErrorCode::kConflict);

    clock_.Advance(std::chrono::seconds(1));
    const Version good = MustPublish(ann_, Plugin("risky", "0.2.0", "does careful things"));
    MustApprove(good);
    ASSERT_TRUE(market_->InstallItem(ben_, "risky", "", ctx_));
    clock_.Advance(std::chrono::seconds(1));
    ASSERT_TRUE(market_->Decide(admin_, good.id, "yank", "A flaw was found.", ctx_));
    EXPECT_EQ(notes_.notes.back().kind, "marketplace.version_yanked");

    // Nobody installs a yanked version; the one installed stays, on record as yanked.
    MustCreate("cat@example.test");
    const auth::Principal cat = MustLogin("cat@example.test");
    auto refused = market_->InstallItem(cat, "risky", "0.2.0", ctx_);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_NE(refused.error().message.find("yanked"), std::string::npos);
    EXPECT_EQ(market_->InstallItem(cat, "risky", "", ctx_).error().code, ErrorCode::kNotFound);  // none listed
    auto installs = market_->Installs(ben_, "", 50);
    ASSERT_TRUE(installs);
    ASSERT_EQ(installs->items.size(), 1u);
    EXPECT_EQ(installs->items[0].status, "yanked");
    EXPECT_EQ(registry_->Visible(ben_)->size(), 1u);
    EXPECT_TRUE(Names({.q = "risky"}).empty());

    // The author and admins read the history, newest first.
    auto page = market_->Get(ann_, "risky");
    ASSERT_TRUE(page);
    std::vector<std::string> events;
    for (const auto& h : page->history) events.push_back(h.version + " " + h.event);
    EXPECT_EQ(events, (std::vector<std::string>{"0.2.0 yanked", "0.2.0 approved", "0.2.0 submitted", "0.1.0 rejected",
                                                "0.1.0 submitted"}));
    EXPECT_EQ(market_->Fetch(auth::Principal{}, "risky", "0.2.0").error().code, ErrorCode::kConflict);
}

TEST_F(MarketplaceTest, PacksArePublishedInAnyFormatAndInstalledAsImports) {
    auto doc = library_->ExportInstalled("express");
    ASSERT_TRUE(doc);
    doc->manifest["name"] = "express-plus";
    Submission s{"pack",
                 packs::ToText(*doc, packs::Format::kYaml),
                 "yaml",
                 "Express with extras.",
                 "backend",
                 {"node", "api"},
                 "https://example.org/icon.png",
                 "Apache-2.0",
                 ""};
    const Version v = MustPublish(ann_, s);
    EXPECT_EQ(v.item_kind, "pack");
    MustApprove(v);
    auto got = market_->Fetch(auth::Principal{}, "express-plus", "");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(crypto::Sha256Hex(got->package), v.digest);
    EXPECT_TRUE(json::parse(got->package).is_object());  // kept as the canonical JSON document
    EXPECT_EQ(market_->Get(auth::Principal{}, "express-plus")->item.downloads, 1);

    auto in = market_->InstallItem(ben_, "express-plus", "", ctx_);
    ASSERT_TRUE(in) << in.error().message;
    auto mine = library_->ExportMine(ben_, "express-plus", "");
    ASSERT_TRUE(mine) << mine.error().message;
    EXPECT_EQ(mine->second.files, doc->files);

    // A broken pack is refused before review, as an import would be.
    doc->manifest["name"] = "broken-pack";
    doc->manifest["version"] = "one";
    s.package = packs::ToText(*doc, packs::Format::kJson);
    s.format = "json";
    auto broken = market_->Publish(ann_, s, ctx_);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);

    // Metadata is checked too.
    s = Submission{"pack", packs::ToText(*doc, packs::Format::kJson), "xml", "c", "backend", {}, "", "MIT", ""};
    EXPECT_EQ(market_->Publish(ann_, s, ctx_).error().details.count("format"), 1u);
    s.format = "json";
    s.licence = "";
    EXPECT_EQ(market_->Publish(ann_, s, ctx_).error().details.count("licence"), 1u);
    s.licence = "MIT";
    s.icon = "javascript:alert(1)";
    EXPECT_EQ(market_->Publish(ann_, s, ctx_).error().details.count("icon"), 1u);
    s.icon = "";
    s.tags = {"Not A Slug!"};
    EXPECT_EQ(market_->Publish(ann_, s, ctx_).error().details.count("tags"), 1u);
}

TEST_F(MarketplaceTest, SearchRanksFiltersSortsAndPages) {
    const Version a = MustPublish(ann_, Plugin("invoice-tools", "1.0.0", "numbers invoices", {"billing"}));
    const Version b = MustPublish(ann_, Plugin("audit-trail", "1.0.0", "keeps an invoice history", {"history"}));
    const Version c = MustPublish(ann_, Plugin("translate-ar", "1.0.0", "ترجمة الواجهة إلى العربية", {"i18n"}));
    MustApprove(a);
    MustApprove(b);
    MustApprove(c);
    // A word in the name ranks above the same word in a summary.
    EXPECT_EQ(Names({.q = "invoice"}), (std::vector<std::string>{"invoice-tools", "audit-trail"}));
    EXPECT_EQ(Names({.q = "invoice", .tag = "history"}), std::vector<std::string>{"audit-trail"});
    EXPECT_EQ(Names({.q = "العربية"}), std::vector<std::string>{"translate-ar"});
    EXPECT_EQ(Names({.kind = "pack"}), std::vector<std::string>{});
    EXPECT_EQ(Names({.category = "docs"}).size(), 3u);
    // Operators typed in the box are only words.
    EXPECT_EQ(Names({.q = "\"invoice*"}).size(), 2u);
    EXPECT_TRUE(Names({.q = "NEAR( OR invoice:* & !x"}).empty());
    // Any text is only words: no-break and ideographic spaces, quotes, over-long words cut between characters.
    EXPECT_EQ(Names({.q = "\xC2\xAB\xC2\xA0invoice\xC2\xA0\xC2\xBB"}).size(), 2u);
    EXPECT_EQ(Names({.q = "invoice\xE3\x80\x80tools"}), std::vector<std::string>{"invoice-tools"});
    std::string long_word = "a";
    for (int i = 0; i < 40; ++i) long_word += "\xC3\xA9";
    EXPECT_TRUE(Names({.q = long_word}).empty());
    EXPECT_TRUE(Names({.q = "it's l'invoice"}).empty());
    EXPECT_EQ(market_->Search(auth::Principal{}, {.tag = "%"}).error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(Names({.q = "!!!"}).empty());
    EXPECT_EQ(market_->Search(auth::Principal{}, {.sort = "loudest"}).error().code, ErrorCode::kInvalidArgument);

    // Ratings: one per user, editable, not on one's own item; sort by rating.
    MustCreate("cat@example.test");
    const auth::Principal cat = MustLogin("cat@example.test");
    EXPECT_EQ(market_->Rate(ann_, "audit-trail", 5, "mine", ctx_).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(market_->Rate(ben_, "audit-trail", 6, "", ctx_).error().code, ErrorCode::kInvalidArgument);
    ASSERT_TRUE(market_->Rate(ben_, "audit-trail", 2, "meh", ctx_));
    ASSERT_TRUE(market_->Rate(ben_, "audit-trail", 5, "better now", ctx_));  // edited, not added
    ASSERT_TRUE(market_->Rate(cat, "audit-trail", 4, "", ctx_));
    ASSERT_TRUE(market_->Rate(cat, "invoice-tools", 3, "", ctx_));
    auto rated = market_->Get(auth::Principal{}, "audit-trail");
    EXPECT_EQ(rated->item.rating_count, 2);
    EXPECT_DOUBLE_EQ(rated->item.rating, 4.5);
    EXPECT_EQ(Names({.sort = "rating"}).front(), "audit-trail");
    auto reviews = market_->Reviews(auth::Principal{}, "audit-trail", "", 1);
    ASSERT_TRUE(reviews);
    ASSERT_EQ(reviews->items.size(), 1u);
    EXPECT_FALSE(reviews->next_cursor.empty());
    auto rest = market_->Reviews(auth::Principal{}, "audit-trail", reviews->next_cursor, 10);
    ASSERT_TRUE(rest);
    EXPECT_EQ(rest->items.size(), 1u);
    ASSERT_TRUE(market_->Unrate(cat, "audit-trail", ctx_));
    EXPECT_EQ(market_->Unrate(cat, "audit-trail", ctx_).error().code, ErrorCode::kNotFound);

    // Installs sort; pages follow their cursor.
    ASSERT_TRUE(market_->InstallItem(ben_, "translate-ar", "", ctx_));
    EXPECT_EQ(Names({.sort = "installs"}).front(), "translate-ar");
    auto first = market_->Search(auth::Principal{}, {.sort = "recent", .limit = 2});
    ASSERT_TRUE(first);
    ASSERT_EQ(first->items.size(), 2u);
    EXPECT_EQ(first->items[0].name, "translate-ar");  // approved last
    auto second = market_->Search(auth::Principal{}, {.sort = "recent", .cursor = first->next_cursor, .limit = 2});
    ASSERT_TRUE(second);
    ASSERT_EQ(second->items.size(), 1u);
    EXPECT_TRUE(second->next_cursor.empty());
    EXPECT_EQ(market_->Search(auth::Principal{}, {.cursor = "bogus"}).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MarketplaceTest, DailyStatisticsSayWhatEachDayAdded) {
    const Version v = MustPublish(ann_, Plugin("counted", "1.0.0", "counts"));
    MustApprove(v);
    MustPublish(ann_, Plugin("unlisted", "1.0.0", "waits for review"));
    ASSERT_TRUE(market_->InstallItem(ben_, "counted", "", ctx_));
    auto first = market_->SnapshotStats();
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->at("items").as_int64(), 1) << "only listed items";
    ASSERT_TRUE(market_->SnapshotStats());  // again the same day: replaced, not added

    clock_.Advance(std::chrono::hours(24));
    MustCreate("cat@example.test");
    const auth::Principal cat = MustLogin("cat@example.test");
    ASSERT_TRUE(market_->InstallItem(cat, "counted", "", ctx_));
    ASSERT_TRUE(market_->Fetch(auth::Principal{}, "counted", ""));
    ASSERT_TRUE(market_->Rate(cat, "counted", 4, "", ctx_));
    ASSERT_TRUE(market_->SnapshotStats());

    auto days = market_->Stats(auth::Principal{}, "counted", 7);
    ASSERT_TRUE(days) << days.error().message;
    ASSERT_EQ(days->size(), 2u);
    EXPECT_EQ((*days)[0].installs, 1);
    EXPECT_EQ((*days)[1].installs, 2);
    EXPECT_EQ((*days)[1].new_installs, 1);
    EXPECT_EQ((*days)[1].new_downloads, 1);
    EXPECT_EQ((*days)[1].rating_count, 1);
    EXPECT_DOUBLE_EQ((*days)[1].rating, 4.0);
    auto last = market_->Stats(auth::Principal{}, "counted", 1);
    ASSERT_TRUE(last);
    ASSERT_EQ(last->size(), 1u);
    EXPECT_EQ(last->front().new_installs, 1) << "counted from the day before, outside the window";
    EXPECT_EQ(market_->Stats(auth::Principal{}, "unlisted", 7).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(market_->Stats(auth::Principal{}, "counted", 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MarketplaceTest, PersonalDataIsExportedAndErased) {
    const Version v = MustPublish(ann_, Plugin("mine-only", "1.0.0", "a plugin of ann"));
    MustApprove(v);
    const Version w = MustPublish(ben_, Plugin("bens", "1.0.0", "a plugin of ben"));
    MustApprove(w);
    ASSERT_TRUE(market_->Rate(ann_, "bens", 4, "good", ctx_));
    ASSERT_TRUE(market_->InstallItem(ann_, "bens", "", ctx_));
    json::value exported;
    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) -> Result<void> {
        auto e = market_->ExportPersonal(s, ann_.user_id);
        if (!e) return e.take_error();
        exported = *e;
        return {};
    }));
    EXPECT_EQ(exported.at("items").as_array().size(), 1u);
    EXPECT_EQ(exported.at("items").at(0).at("versions").at(0).at("status").as_string(), "approved");
    EXPECT_EQ(exported.at("reviews").at(0).at("item").as_string(), "bens");
    EXPECT_EQ(exported.at("installs").at(0).at("item").as_string(), "bens");

    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) { return market_->ErasePersonal(s, ann_.user_id); }));
    EXPECT_EQ(market_->Get(auth::Principal{}, "mine-only").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(Names({.q = "mine"}).empty());
    EXPECT_EQ(market_->Get(auth::Principal{}, "bens")->item.rating_count, 0);
    EXPECT_EQ(Names({.q = "bens"}), std::vector<std::string>{"bens"});
}

}  // namespace
}  // namespace dihya::marketplace
