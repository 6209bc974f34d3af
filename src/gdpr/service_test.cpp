#include "gdpr/service.hpp"

#include <filesystem>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "audit/personal_data.hpp"
#include "auth/personal_data.hpp"
#include "auth/test_support.hpp"

namespace dihya::gdpr {
namespace {

class GdprTest : public auth::testing::AuthFixture {
protected:
    void SetUp() override {
        AuthFixture::SetUp();
        dir_ = storage::testing::TempRoot() / ("dihya-gdpr-" + storage::testing::RandomSuffix());
        queue_ = std::make_unique<jobs::Queue>(*db_, clock_, log_);
        account_ = std::make_unique<auth::AccountData>(*service_);
        audit_data_ = std::make_unique<audit::AuditData>(*audit_);
        gdpr_config_.unverified_account_days = 30;
        gdpr_config_.export_days = 7;
        gdpr_ =
            std::make_unique<GdprService>(GdprDeps{*db_,
                                                   *queue_,
                                                   *service_,
                                                   *sink_,
                                                   clock_,
                                                   log_,
                                                   gdpr_config_,
                                                   dir_,
                                                   {audit_data_.get(), account_.get()},
                                                   [this](const std::string& id) { return audit_->PseudonymOf(id); }});
        gdpr_->RegisterJobs();
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::filesystem::path dir_;
    GdprConfig gdpr_config_;
    std::unique_ptr<jobs::Queue> queue_;
    std::unique_ptr<auth::AccountData> account_;
    std::unique_ptr<audit::AuditData> audit_data_;
    std::unique_ptr<GdprService> gdpr_;
};

TEST_F(GdprTest, ExportJobWritesAnArchiveOnlyItsOwnerCanFetch) {
    MustCreate("owner@example.org");
    MustCreate("other@example.org");
    const auth::Principal owner = MustLogin("owner@example.org");
    const auth::Principal other = MustLogin("other@example.org");
    auto e = gdpr_->RequestExport(owner, ctx_);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(gdpr_->RequestExport(owner, ctx_).error().code, ErrorCode::kConflict) << "one at a time";
    EXPECT_EQ(gdpr_->ExportArchive(owner, e->id).error().code, ErrorCode::kConflict) << "not ready yet";
    ASSERT_EQ(*queue_->RunPending(), 1);
    auto info = gdpr_->GetExport(owner, e->id);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->status, "succeeded") << info->error;
    EXPECT_GT(info->size, 0);
    auto path = gdpr_->ExportArchive(owner, e->id);
    ASSERT_TRUE(path.ok());
    EXPECT_TRUE(std::filesystem::exists(*path));
    EXPECT_EQ(std::filesystem::status(*path).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
    EXPECT_EQ(gdpr_->GetExport(other, e->id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(gdpr_->ExportArchive(other, e->id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(gdpr_->RequestExport(auth::Principal::Guest(), ctx_).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(GdprTest, RetentionPurgesUnverifiedAccountsAndOldExports) {
    ASSERT_TRUE(service_->Register(Account("never.verified@example.org"), ctx_).ok());
    MustCreate("verified@example.org");
    const auth::Principal p = MustLogin("verified@example.org");
    auto e = gdpr_->RequestExport(p, ctx_);
    ASSERT_TRUE(queue_->RunPending().ok());
    const auto archive = *gdpr_->ExportArchive(p, e->id);

    auto early = gdpr_->RunRetention();
    ASSERT_TRUE(early.ok()) << early.error().message;
    EXPECT_EQ(early->at("unverified_accounts").as_int64(), 0);
    EXPECT_EQ(early->at("exports").as_int64(), 0);

    clock_.Advance(std::chrono::hours(24 * 8));
    auto week = gdpr_->RunRetention();
    ASSERT_TRUE(week.ok());
    EXPECT_EQ(week->at("exports").as_int64(), 1);
    EXPECT_FALSE(std::filesystem::exists(archive));
    EXPECT_EQ(gdpr_->GetExport(p, e->id).error().code, ErrorCode::kNotFound);

    clock_.Advance(std::chrono::hours(24 * 23));
    auto month = gdpr_->RunRetention();
    ASSERT_TRUE(month.ok());
    EXPECT_EQ(month->at("unverified_accounts").as_int64(), 1);
    EXPECT_FALSE(service_->Login("never.verified@example.org", std::string(auth::testing::kPassword), ctx_).ok());
    EXPECT_TRUE(service_->Login("verified@example.org", std::string(auth::testing::kPassword), ctx_).ok());
    EXPECT_TRUE(audit_->Verify()->ok());
}

TEST_F(GdprTest, ErasureKeepsTheLastAdminAndPseudonymises) {
    const auth::User admin = MustCreate("admin@example.org", auth::Role::kAdmin);
    const auth::User user = MustCreate("user@example.org");
    const auth::Principal a = MustLogin("admin@example.org");
    const auth::Principal u = MustLogin("user@example.org");
    EXPECT_EQ(gdpr_->Erase(a, std::string(auth::testing::kPassword), ctx_).error().code, ErrorCode::kConflict);
    EXPECT_EQ(gdpr_->Erase(u, "wrong password here!", ctx_).error().code, ErrorCode::kPermissionDenied);
    ASSERT_TRUE(gdpr_->Erase(u, std::string(auth::testing::kPassword), ctx_).ok());
    auto rows = db_->Query("SELECT actor_id, target_id, ip FROM audit_log");
    ASSERT_TRUE(rows.ok());
    for (std::size_t i = 0; i < rows->size(); ++i) {
        EXPECT_NE(rows->GetText(i, "actor_id").value_or(""), user.id);
        EXPECT_NE(rows->GetText(i, "target_id").value_or(""), user.id);
    }
    EXPECT_EQ(db_->Query("SELECT id FROM users")->size(), 1u);
    EXPECT_TRUE(audit_->Verify()->ok());
    (void)admin;
}

}  // namespace
}  // namespace dihya::gdpr
