#pragma once

// Test support (header-only, for *_test.cpp): an AuthService on a fresh migrated database (SQLite, or PostgreSQL
// when the harness is running), a manual clock, fast Argon2id, a mailer that keeps what it is given, the real
// audit log.

#include <memory>
#include <mutex>
#include <regex>
#include <vector>

#include <gtest/gtest.h>

#include "audit/audit_log.hpp"
#include "audit/sink.hpp"
#include "auth/service.hpp"
#include "auth/signing_keys.hpp"
#include "storage/migrations.hpp"
#include "storage/test_database.hpp"

namespace dihya::auth::testing {

class KeptMail final : public mail::Mailer {
public:
    void Send(mail::Message m) override {
        std::lock_guard lock(mu_);
        sent_.push_back(std::move(m));
    }
    void Flush() override {}
    std::vector<mail::Message> sent() {
        std::lock_guard lock(mu_);
        return sent_;
    }
    /// The token in the last mail of `kind` (the link's fragment).
    std::string LastToken(std::string_view kind) {
        std::lock_guard lock(mu_);
        for (auto it = sent_.rbegin(); it != sent_.rend(); ++it) {
            if (it->kind != kind) continue;
            std::smatch m;
            if (std::regex_search(it->text, m, std::regex("#token=([A-Za-z0-9_-]+)"))) return m[1];
        }
        return "";
    }

private:
    std::mutex mu_;
    std::vector<mail::Message> sent_;
};

inline constexpr std::string_view kPassword = "violet tapestry under rain";

class AuthFixture : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(test_db_.Create().ok());
        auto db = test_db_.Open();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        auto migrated = storage::Migrate(*db_, storage::EmbeddedMigrations(db_->dialect()));
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        auto log = audit::AuditLog::Create(
            *db_, {.pseudonym_key = std::string(32, 'p'), .clock = [this] { return clock_.Now(); }});
        ASSERT_TRUE(log.ok());
        audit_ = std::move(*log);
        sink_ = std::make_unique<audit::LogSink>(*audit_);
        Rebuild(crypto::FieldCipher(*crypto::ParseDataKey(std::string(64, 'a'), "test")));
    }

    /// (Re)creates the services with another key ring or configuration.
    void Rebuild(crypto::FieldCipher cipher) {
        service_.reset();
        keys_.reset();
        cipher_ = std::make_unique<crypto::FieldCipher>(std::move(cipher));
        keys_ = std::make_unique<SigningKeys>(*db_, *cipher_, clock_, SigningPolicy{"https://dihya.test", 86400, 900});
        service_ = std::make_unique<AuthService>(
            AuthDeps{*db_, *cipher_, hasher_, *keys_, mail_, *sink_, clock_, log_, config_, "https://dihya.test", "1"});
    }

    NewAccount Account(std::string email, std::string password = std::string(kPassword)) {
        return {std::move(email), std::move(password), std::nullopt, std::nullopt, Consent{"1", {"terms", "privacy"}}};
    }

    User MustCreate(const std::string& email, Role role = Role::kUser) {
        auto u = service_->CreateUser(Account(email), role, ctx_);
        EXPECT_TRUE(u.ok()) << u.error().message;
        return u ? *u : User{};
    }

    Principal MustLogin(const std::string& email, TokenPair* pair = nullptr) {
        auto t = service_->Login(email, std::string(kPassword), ctx_);
        EXPECT_TRUE(t.ok()) << t.error().message;
        if (!t) return {};
        if (pair != nullptr) *pair = *t;
        auto p = service_->Authenticate(t->access_token);
        EXPECT_TRUE(p.ok()) << p.error().message;
        return p ? *p : Principal{};
    }

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    ManualClock clock_;
    Logger log_{LogLevel::kError};
    crypto::PasswordHasher hasher_{{1, 8 << 20}};
    AuthConfig config_;
    KeptMail mail_;
    std::unique_ptr<audit::AuditLog> audit_;
    std::unique_ptr<audit::LogSink> sink_;
    std::unique_ptr<crypto::FieldCipher> cipher_;
    std::unique_ptr<SigningKeys> keys_;
    std::unique_ptr<AuthService> service_;
    RequestContext ctx_{"req-1", "203.0.113.7"};
};

}  // namespace dihya::auth::testing
