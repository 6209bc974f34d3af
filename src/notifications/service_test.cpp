#include "notifications/service.hpp"

#include <array>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/test_support.hpp"
#include "core/clock.hpp"
#include "storage/migrations.hpp"
#include "storage/test_database.hpp"

namespace dihya::notifications {
namespace {

namespace json = boost::json;

struct Published {
    std::string channel;
    std::string event;
    json::value data;
};

class RecordingSink final : public EventSink {
public:
    void Publish(std::string_view channel, std::string_view event, const json::value& data) override {
        got.push_back({std::string(channel), std::string(event), data});
    }
    std::vector<Published> got;
};

TEST(NotificationCatalog, RendersInTheUsersLanguageWithItsValues) {
    auto c = Catalog::LoadEmbedded();
    ASSERT_TRUE(c.ok()) << c.error().message;
    const Kind* failed = c->Find("generation.failed");
    ASSERT_NE(failed, nullptr);
    EXPECT_TRUE(failed->channels.at("email"));
    const json::object data{{"project", "Clinique\nSanté"}, {"error", "no pack for cobol"}};
    const Text fr = c->Render(*failed, "fr-FR", data, "https://dihya.example/p/1");
    EXPECT_EQ(fr.title, "Clinique Santé : la génération a échoué") << "no line break in a title (mail subject)";
    EXPECT_NE(fr.body.find("no pack for cobol"), std::string::npos);
    EXPECT_NE(fr.body.find("https://dihya.example/p/1"), std::string::npos);
    EXPECT_NE(c->Render(*failed, "ar", data, "").title.find("فشل"), std::string::npos);
    EXPECT_EQ(c->Render(*failed, "de", data, "").title, "Clinique Santé: generation failed") << "others: English";
    for (const Kind& k : c->kinds()) {
        for (const char* lang : {"en", "fr", "ar"}) {
            EXPECT_TRUE(k.title.contains(lang) && k.body.contains(lang)) << k.name << " has no " << lang << " text";
        }
    }
    EXPECT_FALSE(Catalog::Parse("x: {channels: {pigeon: true}, title: {en: a}, body: {en: b}}", "t").ok());
    EXPECT_FALSE(Catalog::Parse("x: {channels: {in_app: true}, title: {fr: a}, body: {en: b}}", "t").ok());
}

class NotificationsTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = test_db_.CreateMigrated();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        for (const char* id : {"u1", "u2"}) {
            const std::array<storage::Value, 3> p{std::string(id), std::string("index-") + id,
                                                  std::string("2026-01-01T00:00:00.000Z")};
            ASSERT_TRUE(db_->Execute("INSERT INTO users (id, email_enc, email_index, locale, role, created_at, "
                                     "updated_at) VALUES ($1, 'x', $2, 'en', 'user', $3, $3)",
                                     p)
                            .ok());
        }
        auto c = Catalog::LoadEmbedded();
        ASSERT_TRUE(c.ok());
        catalog_ = std::move(*c);
        service_ = std::make_unique<NotificationsService>(
            NotificationsDeps{*db_, catalog_, mail_, sink_, clock_, log_,
                              [this](storage::Session*, const std::string& id) -> Result<Recipient> {
                                  return Recipient{id + "@example.org", locales_.contains(id) ? locales_[id] : "en"};
                              },
                              "https://dihya.example"});
    }

    static auth::Principal Who(const std::string& id) {
        auth::Principal p;
        p.user_id = id;
        p.role = auth::Role::kUser;
        return p;
    }

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    ManualClock clock_;
    Logger log_{LogLevel::kError};
    Catalog catalog_;
    auth::testing::KeptMail mail_;
    RecordingSink sink_;
    std::map<std::string, std::string> locales_;
    std::unique_ptr<NotificationsService> service_;
};

TEST_F(NotificationsTest, StoresPublishesAndMailsAsThePreferencesSay) {
    locales_["u1"] = "fr";
    const json::object data{{"project", "Clinic"}, {"files", 42}, {"generation", "g1"}};
    auto sent = service_->Send("u1", "generation.succeeded", data, "/projects/p1/generations/g1");
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    ASSERT_TRUE(sent->has_value()) << "in-app is on by default";
    EXPECT_EQ((*sent)->title, "Clinic : génération terminée");
    EXPECT_TRUE(mail_.sent().empty()) << "mail is off by default for a success";
    ASSERT_EQ(sink_.got.size(), 1u);
    EXPECT_EQ(sink_.got[0].channel, "user:u1");
    EXPECT_EQ(sink_.got[0].event, "notification.created");
    EXPECT_EQ(sink_.got[0].data.at("unread"), 1);
    EXPECT_EQ(sink_.got[0].data.at("notification").at("id"), (*sent)->id.c_str());

    // A failure is mailed by default; turning in-app off keeps it out of the list but still mails.
    auto prefs = service_->SetPreferences(Who("u1"), {{"generation.failed", "in_app", false, false}});
    ASSERT_TRUE(prefs.ok()) << prefs.error().message;
    auto failed = service_->Send("u1", "generation.failed", {{"project", "Clinic"}, {"error", "boom"}}, "/x");
    ASSERT_TRUE(failed.ok());
    EXPECT_FALSE(failed->has_value());
    ASSERT_EQ(mail_.sent().size(), 1u);
    EXPECT_EQ(mail_.sent()[0].to, "u1@example.org");
    EXPECT_EQ(mail_.sent()[0].subject, "Clinic : la génération a échoué");
    EXPECT_NE(mail_.sent()[0].text.find("https://dihya.example/x"), std::string::npos);
    EXPECT_EQ(mail_.sent()[0].kind, "notification.generation.failed");

    EXPECT_EQ(*service_->UnreadCount(Who("u1")), 1);
    EXPECT_EQ(*service_->UnreadCount(Who("u2")), 0) << "each user sees their own";
    EXPECT_FALSE(service_->Send("u1", "no.such.kind", {}, "/").ok());
}

TEST_F(NotificationsTest, DigestsMailWhoChoseThemWhatIsUnreadSinceTheLastOne) {
    locales_["u1"] = "fr";
    auto digest_mail = [&] {
        std::vector<mail::Message> out;
        for (auto& m : mail_.sent()) {
            if (m.kind == "notification.digest") out.push_back(m);
        }
        return out;
    };
    auto digests = [&] { return digest_mail().size(); };
    const json::object data{{"project", "Clinic"}, {"files", 3}, {"generation", "g1"}};
    ASSERT_TRUE(service_->Send("u1", "generation.succeeded", data, "/a").ok());
    ASSERT_TRUE(service_->Send("u2", "generation.succeeded", data, "/b").ok());
    auto sent = service_->SendDigests(clock_.Now() - std::chrono::hours(24 * 7));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->at("users").as_int64(), 0) << "nobody chose the digest (off by default)";
    EXPECT_EQ(digests(), 0u);

    ASSERT_TRUE(service_->SetPreferences(Who("u1"), {{"digest", "email", true, false}}).ok());
    clock_.Advance(std::chrono::seconds(1));
    auto second =
        service_->Send("u1", "project.shared", {{"project", "Atlas"}, {"by", "Ana"}, {"role", "viewer"}}, "/c");
    ASSERT_TRUE(second.ok());
    sent = service_->SendDigests(clock_.Now() - std::chrono::hours(24 * 7));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->at("users").as_int64(), 1);
    EXPECT_EQ(sent->at("notifications").as_int64(), 2);
    ASSERT_EQ(digests(), 1u);
    const mail::Message m = digest_mail()[0];
    EXPECT_EQ(m.to, "u1@example.org");
    EXPECT_EQ(m.kind, "notification.digest");
    EXPECT_EQ(m.subject, "Dihya : notifications non lues (2)");
    EXPECT_NE(m.text.find("• Ana a partagé Atlas avec vous\n• Clinic : génération terminée"), std::string::npos)
        << m.text;
    EXPECT_NE(m.text.find("https://dihya.example/notifications"), std::string::npos) << m.text;

    // Nothing new: no second digest. Something new: only that, once. Read ones and old ones are left out.
    clock_.Advance(std::chrono::hours(24));
    EXPECT_EQ(service_->SendDigests(clock_.Now() - std::chrono::hours(24 * 7))->at("users").as_int64(), 0);
    ASSERT_TRUE(service_->Send("u1", "generation.failed", {{"project", "Clinic"}, {"error", "boom"}}, "/d").ok());
    auto third = service_->Send("u1", "generation.succeeded", data, "/e");
    ASSERT_TRUE(service_->MarkRead(Who("u1"), (*third)->id).ok());
    sent = service_->SendDigests(clock_.Now() - std::chrono::hours(24 * 7));
    EXPECT_EQ(sent->at("notifications").as_int64(), 1);
    ASSERT_EQ(digests(), 2u);
    EXPECT_EQ(digest_mail().back().subject, "Dihya : notifications non lues (1)");
    clock_.Advance(std::chrono::hours(24 * 8));
    ASSERT_TRUE(service_->SetPreferences(Who("u2"), {{"digest", "email", true, false}}).ok());
    EXPECT_EQ(service_->SendDigests(clock_.Now() - std::chrono::hours(24 * 7))->at("users").as_int64(), 0)
        << "u2's only notification is more than a week old";

    auto exported = db_->Transaction([&](storage::Session& s) -> Result<void> {
        auto e = service_->Export(s, "u1");
        if (!e) return e.take_error();
        EXPECT_TRUE(e->at("last_digest").is_object());
        EXPECT_TRUE(e->at("last_digest").at("sent_at").is_string());
        return Ok();
    });
    EXPECT_TRUE(exported.ok());
}

TEST_F(NotificationsTest, PagesReadStateAndOwnership) {
    for (int i = 0; i < 5; ++i) {
        clock_.Advance(std::chrono::seconds(1));
        ASSERT_TRUE(service_->Send("u1", "generation.succeeded", {{"project", "P" + std::to_string(i)}}, "/").ok());
    }
    auto first = service_->List(Who("u1"), "", 2, false);
    ASSERT_TRUE(first.ok());
    ASSERT_EQ(first->items.size(), 2u);
    EXPECT_EQ(first->items[0].data.at("project"), "P4") << "newest first";
    EXPECT_EQ(first->unread, 5);
    ASSERT_TRUE(first->next_cursor);
    auto second = service_->List(Who("u1"), *first->next_cursor, 10, false);
    ASSERT_EQ(second->items.size(), 3u);
    EXPECT_FALSE(second->next_cursor);
    EXPECT_EQ(second->items.back().data.at("project"), "P0");
    EXPECT_FALSE(service_->List(Who("u1"), "garbage!", 2, false).ok());

    const std::string id = first->items[0].id;
    EXPECT_EQ(service_->MarkRead(Who("u2"), id).error().code, ErrorCode::kNotFound) << "not u2's";
    auto read = service_->MarkRead(Who("u1"), id);
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(read->read_at.has_value());
    EXPECT_EQ(sink_.got.back().event, "notification.read");
    EXPECT_EQ(sink_.got.back().data.at("unread"), 4);
    EXPECT_EQ(service_->List(Who("u1"), "", 10, true)->items.size(), 4u) << "unread only";
    EXPECT_EQ(*service_->MarkAllRead(Who("u1")), 4);
    EXPECT_EQ(*service_->MarkAllRead(Who("u1")), 0);
    EXPECT_EQ(*service_->UnreadCount(Who("u1")), 0);
    EXPECT_EQ(service_->Delete(Who("u2"), id).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(service_->Delete(Who("u1"), id).ok());
    EXPECT_EQ(service_->List(Who("u1"), "", 10, false)->items.size(), 4u);
    EXPECT_EQ(service_->List(auth::Principal::Guest(), "", 10, false).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(NotificationsTest, PreferencesAreCheckedAndExportedAndErased) {
    auto bad_kind = service_->SetPreferences(Who("u1"), {{"generation.exploded", "email", true, false}});
    ASSERT_FALSE(bad_kind.ok());
    EXPECT_TRUE(bad_kind.error().details.contains("items[0].kind"));
    auto bad_channel = service_->SetPreferences(Who("u1"), {{"generation.failed", "pigeon", true, false}});
    ASSERT_FALSE(bad_channel.ok());
    EXPECT_NE(bad_channel.error().message.find("in_app"), std::string::npos) << "names the channels there are";
    auto set = service_->SetPreferences(Who("u1"), {{"generation.succeeded", "email", true, false}});
    ASSERT_TRUE(set.ok());
    bool found = false;
    for (const Preference& p : *set) {
        if (p.kind == "generation.succeeded" && p.channel == "email") {
            found = true;
            EXPECT_TRUE(p.enabled);
            EXPECT_FALSE(p.by_default);
        }
    }
    EXPECT_TRUE(found);
    ASSERT_TRUE(service_->Send("u1", "generation.succeeded", {{"project", "P"}}, "/").ok());
    EXPECT_EQ(mail_.sent().size(), 1u);

    json::value exported;
    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) -> Result<void> {
                       auto e = service_->Export(s, "u1");
                       if (!e) return e.take_error();
                       exported = *e;
                       return service_->Erase(s, "u1");
                   })
                    .ok());
    EXPECT_EQ(exported.at("notifications").as_array().size(), 1u);
    EXPECT_EQ(exported.at("notifications").at(0).at("title"), "P: generation finished");
    EXPECT_FALSE(exported.at("preferences").as_array().empty());
    EXPECT_TRUE(service_->List(Who("u1"), "", 10, false)->items.empty());
    auto after = service_->Preferences(Who("u1"));
    ASSERT_TRUE(after.ok());
    const std::vector<Preference> defaults = after.value();
    for (const Preference& p : defaults) EXPECT_EQ(p.enabled, p.by_default);
}

}  // namespace
}  // namespace dihya::notifications
