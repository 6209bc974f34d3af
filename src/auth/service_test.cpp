#include "auth/service.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/jwt.hpp"
#include "auth/password_policy.hpp"
#include "auth/permissions.hpp"
#include "auth/test_support.hpp"
#include "core/config.hpp"

namespace dihya::auth {
namespace {

using testing::kPassword;

class AccountsTest : public testing::AuthFixture {};

TEST_F(AccountsTest, RegisterValidatesAndStoresPersonalDataEncrypted) {
    auto weak = service_->Register(Account("ada@example.org", "password2024!"), ctx_);
    ASSERT_FALSE(weak.ok());
    EXPECT_EQ(weak.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(weak.error().details.contains("password"));
    EXPECT_EQ(weak.error().message.find("password2024"), std::string::npos) << "never echo the password";

    NewAccount no_consent = Account("ada@example.org");
    no_consent.consent.reset();
    EXPECT_EQ(service_->Register(no_consent, ctx_).error().code, ErrorCode::kInvalidArgument);
    NewAccount old_policy = Account("ada@example.org");
    old_policy.consent->policy_version = "0";
    EXPECT_EQ(service_->Register(old_policy, ctx_).error().code, ErrorCode::kInvalidArgument);

    NewAccount a = Account("  Ada@Example.ORG ");
    a.display_name = "Ada Lovelace";
    auto u = service_->Register(a, ctx_);
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(u->email, "ada@example.org");
    EXPECT_EQ(u->role, "user");
    EXPECT_FALSE(u->email_verified);
    // The same address again: an answer like the first (nothing says the address has an account), no second
    // account, and the owner is mailed a sign-in and reset link.
    auto again = service_->Register(Account("ADA@example.org"), ctx_);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->email, "ada@example.org");
    EXPECT_NE(again->id, u->id);
    EXPECT_EQ(mail_.sent().back().to, "ada@example.org");
    EXPECT_NE(mail_.sent().back().text.find("/account/reset#token="), std::string::npos);
    EXPECT_EQ(service_->CreateUser(Account("ADA@example.org"), Role::kUser, ctx_).error().code,
              ErrorCode::kAlreadyExists)
        << "an administrator creating an account is told";
    for (const char* name : {"Eve\r\nBcc: x@example.org", "Eve\xE2\x80\xAE", "\t", ""}) {
        NewAccount bad = Account("eve@example.org");
        bad.display_name = name;
        auto r = service_->Register(bad, ctx_);
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_TRUE(r.error().details.contains("display_name"));
    }

    auto rows = db_->Query("SELECT email_enc, email_index, display_name_enc, password_hash FROM users");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    for (const char* col : {"email_enc", "email_index", "display_name_enc", "password_hash"}) {
        const std::string v = rows->GetText(0, col).value_or("");
        EXPECT_EQ(v.find("ada"), std::string::npos) << col;
        EXPECT_EQ(v.find("Lovelace"), std::string::npos) << col;
    }
    EXPECT_EQ(rows->GetText(0, "password_hash")->rfind("$argon2id$", 0), 0u);
}

TEST_F(AccountsTest, EmailVerificationLinkWorksOnce) {
    ASSERT_TRUE(service_->Register(Account("bob@example.org"), ctx_).ok());
    const std::string token = mail_.LastToken("verify_email");
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(mail_.sent().back().to, "bob@example.org");
    EXPECT_NE(mail_.sent().back().text.find("https://dihya.test/account/verify#token="), std::string::npos);
    EXPECT_FALSE(service_->VerifyEmail("not-a-token", ctx_).ok());
    ASSERT_TRUE(service_->VerifyEmail(token, ctx_).ok());
    EXPECT_FALSE(service_->VerifyEmail(token, ctx_).ok()) << "single use";
    const Principal p = MustLogin("bob@example.org");
    EXPECT_TRUE(service_->GetMe(p)->email_verified);
}

TEST_F(AccountsTest, VerificationLinksExpire) {
    ASSERT_TRUE(service_->Register(Account("late@example.org"), ctx_).ok());
    clock_.Advance(std::chrono::seconds(config_.verify_token_ttl_seconds + 1));
    EXPECT_FALSE(service_->VerifyEmail(mail_.LastToken("verify_email"), ctx_).ok());
}

TEST_F(AccountsTest, LoginFailuresAreGenericAndThrottled) {
    MustCreate("carol@example.org");
    auto wrong = service_->Login("carol@example.org", "wrong password here!", ctx_);
    auto unknown = service_->Login("nobody@example.org", std::string(kPassword), ctx_);
    ASSERT_FALSE(wrong.ok());
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(wrong.error().message, unknown.error().message) << "no account enumeration";

    // free_failures (5) failures in all, then back-off: refused even with the right password.
    for (int i = 1; i < config_.throttle_free_failures; ++i) {
        EXPECT_EQ(service_->Login("carol@example.org", "wrong password here!", ctx_).error().code,
                  ErrorCode::kUnauthenticated);
    }
    auto throttled = service_->Login("carol@example.org", std::string(kPassword), ctx_);
    ASSERT_FALSE(throttled.ok());
    EXPECT_EQ(throttled.error().code, ErrorCode::kRateLimited);
    EXPECT_GE(throttled.error().retry_after, 1);
    clock_.Advance(std::chrono::seconds(throttled.error().retry_after));
    EXPECT_TRUE(service_->Login("carol@example.org", std::string(kPassword), ctx_).ok()) << "back-off has passed";
}

TEST_F(AccountsTest, RepeatedFailuresLockTheAccountForAWhile) {
    MustCreate("dave@example.org");
    int locked_after = 0;
    for (int i = 0; i < 40 && locked_after == 0; ++i) {
        auto r = service_->Login("dave@example.org", "wrong password here!", ctx_);
        if (r.error().code == ErrorCode::kRateLimited && r.error().retry_after > 120) {  // longer than any back-off
            locked_after = i;
        }
        clock_.Advance(std::chrono::minutes(2));  // wait out each back-off, as a patient attacker would
    }
    ASSERT_GT(locked_after, 0) << "the account locks";
    EXPECT_EQ(service_->Login("dave@example.org", std::string(kPassword), ctx_).error().code, ErrorCode::kRateLimited);
    clock_.Advance(std::chrono::seconds(config_.throttle_lock_seconds));
    EXPECT_TRUE(service_->Login("dave@example.org", std::string(kPassword), ctx_).ok());
}

TEST_F(AccountsTest, UnknownEmailsAreThrottledToo) {
    for (int i = 0; i < config_.throttle_free_failures; ++i)
        (void)service_->Login("ghost@example.org", "nope nope nope", ctx_);
    EXPECT_EQ(service_->Login("ghost@example.org", "nope nope nope", ctx_).error().code, ErrorCode::kRateLimited);
}

TEST_F(AccountsTest, OneAddressTryingManyAccountsIsThrottled) {
    MustCreate("target@example.org");
    for (int i = 0; i < config_.throttle_ip_free_failures; ++i) {
        auto r = service_->Login("victim" + std::to_string(i) + "@example.org", "guess guess guess", ctx_);
        ASSERT_EQ(r.error().code, ErrorCode::kUnauthenticated) << i;
    }
    EXPECT_EQ(service_->Login("target@example.org", std::string(kPassword), ctx_).error().code,
              ErrorCode::kRateLimited);
    const RequestContext elsewhere{"req-2", "198.51.100.9"};
    EXPECT_TRUE(service_->Login("target@example.org", std::string(kPassword), elsewhere).ok())
        << "other addresses are not affected";
}

TEST_F(AccountsTest, SigningKeysRotateAndOldKeysVerifyUntilTheirTokensExpire) {
    MustCreate("kai@example.org");
    MustLogin("kai@example.org");  // the first key is made now; it signs for a day (SigningPolicy above)
    auto kid = [](const TokenPair& t) { return std::string(PeekJwtHeader(t.access_token)->at("kid").as_string()); };
    clock_.Advance(std::chrono::seconds(86400 - 1));
    TokenPair last_of_old;
    MustLogin("kai@example.org", &last_of_old);
    clock_.Advance(std::chrono::seconds(2));
    TokenPair first_of_new;
    MustLogin("kai@example.org", &first_of_new);
    EXPECT_NE(kid(first_of_new), kid(last_of_old)) << "a key past its rotation age no longer signs";
    EXPECT_TRUE(keys_->Verify(last_of_old.access_token, kApiAudience).ok()) << "but still verifies its tokens";
    EXPECT_TRUE(keys_->Verify(first_of_new.access_token, kApiAudience).ok());
    auto published = [&] {
        std::set<std::string> kids;
        const auto jwks = keys_->Jwks();  // (a temporary in the range expression would not outlive the loop)
        for (const auto& k : jwks->at("keys").as_array()) kids.insert(std::string(k.at("kid").as_string()));
        return kids;
    };
    EXPECT_TRUE(published().contains(kid(last_of_old)));
    EXPECT_TRUE(published().contains(kid(first_of_new)));
    clock_.Advance(std::chrono::seconds(900 + 300 + 1));  // every token of the old key has expired
    EXPECT_FALSE(published().contains(kid(last_of_old))) << "a retired key goes once no token of it can be valid";
    EXPECT_TRUE(published().contains(kid(first_of_new)));
}

TEST_F(AccountsTest, RefreshRotatesAndReuseEndsTheFamily) {
    MustCreate("erin@example.org");
    TokenPair first;
    const Principal p = MustLogin("erin@example.org", &first);
    auto second = service_->Refresh(first.refresh_token, ctx_);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_NE(second->refresh_token, first.refresh_token);
    ASSERT_TRUE(service_->Authenticate(second->access_token).ok());

    auto replay = service_->Refresh(first.refresh_token, ctx_);
    ASSERT_FALSE(replay.ok());
    EXPECT_EQ(replay.error().code, ErrorCode::kUnauthenticated);
    EXPECT_FALSE(service_->Refresh(second->refresh_token, ctx_).ok()) << "the whole family is revoked";
    EXPECT_FALSE(service_->Authenticate(second->access_token).ok()) << "its access tokens too";
    EXPECT_FALSE(service_->Authenticate(first.access_token).ok());
    auto sessions = service_->Sessions(MustLogin("erin@example.org"));
    ASSERT_TRUE(sessions.ok());
    bool found = false;
    for (const auto& s : *sessions) {
        if (s.id == p.session_id) {
            found = true;
            EXPECT_EQ(s.revoked_reason.value_or(""), "refresh token reused");
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(AccountsTest, LogoutEndsOneSession) {
    MustCreate("fay@example.org");
    TokenPair a, b;
    const Principal pa = MustLogin("fay@example.org", &a);
    MustLogin("fay@example.org", &b);
    ASSERT_TRUE(service_->Logout(pa, std::nullopt, ctx_).ok());
    EXPECT_FALSE(service_->Authenticate(a.access_token).ok());
    EXPECT_FALSE(service_->Refresh(a.refresh_token, ctx_).ok());
    EXPECT_TRUE(service_->Authenticate(b.access_token).ok());
    ASSERT_TRUE(service_->Logout(Principal::Guest(), b.refresh_token, ctx_).ok());
    EXPECT_FALSE(service_->Authenticate(b.access_token).ok());
}

TEST_F(AccountsTest, ChangePasswordEndsTheOtherSessions) {
    MustCreate("gus@example.org");
    TokenPair here, elsewhere;
    const Principal me = MustLogin("gus@example.org", &here);
    MustLogin("gus@example.org", &elsewhere);
    auto wrong = service_->ChangePassword(me, "not my password at all", "a brand new passphrase", ctx_);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied);
    EXPECT_FALSE(service_->ChangePassword(me, std::string(kPassword), "short", ctx_).ok());
    ASSERT_TRUE(service_->ChangePassword(me, std::string(kPassword), "a brand new passphrase", ctx_).ok());
    EXPECT_TRUE(service_->Authenticate(here.access_token).ok()) << "this session stays";
    EXPECT_FALSE(service_->Authenticate(elsewhere.access_token).ok()) << "the others end";
    EXPECT_FALSE(service_->Login("gus@example.org", std::string(kPassword), ctx_).ok());
    EXPECT_TRUE(service_->Login("gus@example.org", "a brand new passphrase", ctx_).ok());
}

TEST_F(AccountsTest, PasswordResetByMailedTokenEndsAllSessions) {
    MustCreate("hal@example.org");
    TokenPair before;
    MustLogin("hal@example.org", &before);
    ASSERT_TRUE(service_->RequestPasswordReset("nobody@example.org", ctx_).ok()) << "same answer for unknown emails";
    EXPECT_TRUE(mail_.LastToken("reset_password").empty());
    ASSERT_TRUE(service_->RequestPasswordReset("HAL@example.org", ctx_).ok());
    const std::string token = mail_.LastToken("reset_password");
    ASSERT_FALSE(token.empty());
    EXPECT_FALSE(service_->ResetPassword(token, "password", ctx_).ok()) << "policy applies";
    ASSERT_TRUE(service_->ResetPassword(token, "another fine passphrase", ctx_).ok());
    EXPECT_FALSE(service_->ResetPassword(token, "yet another passphrase", ctx_).ok()) << "single use";
    EXPECT_FALSE(service_->Authenticate(before.access_token).ok());
    EXPECT_TRUE(service_->Login("hal@example.org", "another fine passphrase", ctx_).ok());
}

TEST_F(AccountsTest, ProfileUpdates) {
    MustCreate("ivy@example.org");
    const Principal me = MustLogin("ivy@example.org");
    ProfilePatch patch;
    patch.display_name = std::optional<std::string>("Ivy");
    patch.locale = "ar";
    patch.avatar_url = std::optional<std::string>("https://img.example.org/ivy.png");
    auto u = service_->UpdateMe(me, patch, ctx_);
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(u->display_name, "Ivy");
    EXPECT_EQ(u->locale, "ar");
    ProfilePatch clear;
    clear.display_name = std::optional<std::string>();
    EXPECT_FALSE(service_->UpdateMe(me, clear, ctx_)->display_name.has_value());
    ProfilePatch bad;
    bad.avatar_url = std::optional<std::string>("javascript:alert(1)");
    EXPECT_EQ(service_->UpdateMe(me, bad, ctx_).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->GetMe(Principal::Guest()).error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountsTest, ApiKeysAreScopedHashedAndRevocable) {
    MustCreate("jo@example.org");
    const Principal me = MustLogin("jo@example.org");
    EXPECT_EQ(service_->CreateApiKey(me, "ci", {"nope:nope"}, std::nullopt, ctx_).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->CreateApiKey(me, "ci", {"users:manage"}, std::nullopt, ctx_).error().code,
              ErrorCode::kPermissionDenied);
    auto key = service_->CreateApiKey(me, "ci", {"projects:read", "generate"}, 30, ctx_);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->key.rfind("dih_", 0), 0u);
    auto stored = db_->Query("SELECT key_hash FROM api_keys");
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->GetText(0, "key_hash").value_or("").find(key->key.substr(4)), std::string::npos);

    auto p = service_->Authenticate(key->key);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->user_id, me.user_id);
    EXPECT_TRUE(Authorize(*p, Action::kProjectsRead).ok());
    EXPECT_EQ(Authorize(*p, Action::kProjectsWrite).error().code, ErrorCode::kPermissionDenied) << "out of scope";
    EXPECT_EQ(service_->CreateApiKey(*p, "child", {"generate"}, std::nullopt, ctx_).error().code,
              ErrorCode::kPermissionDenied);
    auto listed = service_->ApiKeys(me);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().prefix, key->key.substr(0, 10));

    ASSERT_TRUE(service_->RevokeApiKey(me, key->info.id, ctx_).ok());
    EXPECT_FALSE(service_->Authenticate(key->key).ok());
    EXPECT_EQ(service_->RevokeApiKey(me, key->info.id, ctx_).error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(service_->Authenticate("dih_forged").ok());
}

TEST_F(AccountsTest, ApiKeysExpire) {
    MustCreate("kim@example.org");
    auto key = service_->CreateApiKey(MustLogin("kim@example.org"), "short", {"generate"}, 1, ctx_);
    ASSERT_TRUE(key.ok());
    EXPECT_TRUE(service_->Authenticate(key->key).ok());
    clock_.Advance(std::chrono::hours(25));
    EXPECT_FALSE(service_->Authenticate(key->key).ok());
}

TEST_F(AccountsTest, AdminsManageRolesButNotThemselvesNorTheLastAdmin) {
    const User root = MustCreate("root@example.org", Role::kAdmin);
    const User u = MustCreate("lea@example.org");
    const Principal admin = MustLogin("root@example.org");
    TokenPair lea_before;
    const Principal user = MustLogin("lea@example.org", &lea_before);
    EXPECT_EQ(service_->AdminUpdate(user, root.id, {"user", std::nullopt}, ctx_).error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(service_->AdminUpdate(admin, root.id, {"user", std::nullopt}, ctx_).error().code, ErrorCode::kConflict);
    EXPECT_EQ(service_->AdminUpdate(admin, root.id, {std::nullopt, true}, ctx_).error().code, ErrorCode::kConflict);

    auto promoted = service_->AdminUpdate(admin, u.id, {"admin", std::nullopt}, ctx_);
    ASSERT_TRUE(promoted.ok()) << promoted.error().message;
    EXPECT_EQ(promoted->role, "admin");
    // The role applies at once to sessions opened before the change (it is read per request).
    EXPECT_TRUE(Authorize(*service_->Authenticate(lea_before.access_token), Action::kUsersManage).ok());
    // Two admins: one may demote the other, but not the last one left.
    const Principal lea_admin = MustLogin("lea@example.org");
    ASSERT_TRUE(service_->AdminUpdate(lea_admin, root.id, {"user", std::nullopt}, ctx_).ok());
    EXPECT_EQ(service_->AdminUpdate(lea_admin, u.id, {"user", std::nullopt}, ctx_).error().code, ErrorCode::kConflict);
    EXPECT_EQ(service_->AdminUpdate(lea_admin, "00000000-0000-4000-8000-000000000000", {"user", std::nullopt}, ctx_)
                  .error()
                  .code,
              ErrorCode::kNotFound);
}

TEST_F(AccountsTest, DisablingEndsSessionsAndRefusesLogins) {
    MustCreate("root@example.org", Role::kAdmin);
    const User u = MustCreate("max@example.org");
    const Principal admin = MustLogin("root@example.org");
    TokenPair t;
    MustLogin("max@example.org", &t);
    ASSERT_TRUE(service_->AdminUpdate(admin, u.id, {std::nullopt, true}, ctx_).ok());
    EXPECT_FALSE(service_->Authenticate(t.access_token).ok());
    EXPECT_EQ(service_->Login("max@example.org", std::string(kPassword), ctx_).error().code,
              ErrorCode::kPermissionDenied);
    ASSERT_TRUE(service_->AdminUpdate(admin, u.id, {std::nullopt, false}, ctx_).ok());
    EXPECT_TRUE(service_->Login("max@example.org", std::string(kPassword), ctx_).ok());
}

TEST_F(AccountsTest, AdminListPagesWithCursorAndSearches) {
    MustCreate("root@example.org", Role::kAdmin);
    for (int i = 0; i < 7; ++i) {
        NewAccount a = Account("user" + std::to_string(i) + "@example.org");
        a.display_name = i % 2 == 0 ? "Even Person " + std::to_string(i) : "Odd Person " + std::to_string(i);
        ASSERT_TRUE(service_->CreateUser(a, Role::kUser, ctx_).ok());
        clock_.Advance(std::chrono::milliseconds(5));
    }
    const Principal admin = MustLogin("root@example.org");
    UserQuery q;
    q.limit = 3;
    std::vector<std::string> seen;
    for (int page = 0; page < 10; ++page) {
        auto p = service_->ListUsers(admin, q);
        ASSERT_TRUE(p.ok()) << p.error().message;
        for (const auto& u : p->users) seen.push_back(u.email);
        if (!p->next_cursor) break;
        q.cursor = *p->next_cursor;
    }
    EXPECT_EQ(seen.size(), 8u);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 8u) << "no duplicates across pages";

    UserQuery by_email{"USER3@example.org"};
    auto one = service_->ListUsers(admin, by_email);
    ASSERT_EQ(one->users.size(), 1u);
    EXPECT_EQ(one->users[0].email, "user3@example.org");
    UserQuery by_name{"even"};
    EXPECT_EQ(service_->ListUsers(admin, by_name)->users.size(), 4u);
    UserQuery admins;
    admins.role = "admin";
    EXPECT_EQ(service_->ListUsers(admin, admins)->users.size(), 1u);
    UserQuery bad;
    bad.cursor = "garbage!";
    EXPECT_EQ(service_->ListUsers(admin, bad).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->ListUsers(MustLogin("user1@example.org"), {}).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(AccountsTest, KeyRotationReEncryptsEverything) {
    NewAccount a = Account("nina@example.org");
    a.display_name = "Nina";
    ASSERT_TRUE(service_->CreateUser(a, Role::kUser, ctx_).ok());
    MustLogin("nina@example.org");  // makes a signing key, encrypted under key A
    const auto key_a = *crypto::ParseDataKey(std::string(64, 'a'), "a");
    const auto key_b = *crypto::ParseDataKey(std::string(64, 'b'), "b");

    Rebuild(crypto::FieldCipher(key_b, {key_a}));  // B current, A still readable
    EXPECT_TRUE(service_->Login("nina@example.org", std::string(kPassword), ctx_).ok()) << "found under the old index";
    auto changed = service_->ReEncryptAll();
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_GE(*changed, 3) << "email, name and the signing key";

    Rebuild(crypto::FieldCipher(key_b));  // A gone
    TokenPair t;
    const Principal p = MustLogin("nina@example.org", &t);
    auto me = service_->GetMe(p);
    ASSERT_TRUE(me.ok()) << me.error().message;
    EXPECT_EQ(me->email, "nina@example.org");
    EXPECT_EQ(me->display_name, "Nina");
    EXPECT_EQ(*service_->ReEncryptAll(), 0) << "nothing left to do";
}

TEST_F(AccountsTest, TokensOfOtherKindsAndForgeriesAreRejected) {
    MustCreate("otto@example.org");
    TokenPair t;
    const Principal p = MustLogin("otto@example.org", &t);
    auto ticket = service_->IssueRealtimeTicket(p);
    ASSERT_TRUE(ticket.ok());
    EXPECT_FALSE(service_->Authenticate(*ticket).ok()) << "a realtime ticket is not an API token (audience)";
    EXPECT_TRUE(service_->AuthenticateTicket(*ticket).ok());
    EXPECT_FALSE(service_->AuthenticateTicket(t.access_token).ok()) << "and the other way round";

    // alg=none with the same claims.
    const std::string payload =
        t.access_token.substr(t.access_token.find('.') + 1, t.access_token.rfind('.') - t.access_token.find('.') - 1);
    const std::string none = crypto::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
    EXPECT_FALSE(service_->Authenticate(none).ok());
    // A flipped signature byte.
    std::string tampered = t.access_token;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(service_->Authenticate(tampered).ok());
    // Expired.
    clock_.Advance(std::chrono::seconds(config_.access_ttl_seconds + 1));
    auto expired = service_->Authenticate(t.access_token);
    ASSERT_FALSE(expired.ok());
    EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
}

TEST_F(AccountsTest, AuditRecordsAuthEventsWithoutPersonalData) {
    ASSERT_TRUE(service_->Register(Account("pia@example.org"), ctx_).ok());
    (void)service_->Login("pia@example.org", "wrong password here!", ctx_);
    MustLogin("pia@example.org");
    auto page = audit_->List({});
    ASSERT_TRUE(page.ok());
    std::set<std::string> actions;
    for (const auto& e : page->entries) {
        actions.insert(e.action);
        EXPECT_EQ(boost::json::serialize(e.details).find("pia@"), std::string::npos);
        EXPECT_EQ(e.ip.value_or(""), "203.0.113.0") << "truncated";
        EXPECT_EQ(e.request_id.value_or(""), "req-1");
    }
    EXPECT_TRUE(actions.contains("auth.register"));
    EXPECT_TRUE(actions.contains("auth.login_failed"));
    EXPECT_TRUE(actions.contains("auth.login"));
    EXPECT_TRUE(audit_->Verify()->ok());
}

TEST(PasswordPolicy, LengthPassphrasesAndCommonPasswords) {
    EXPECT_TRUE(CheckPassword("violet tapestry under rain").ok());
    EXPECT_FALSE(CheckPassword("correct horse battery staple").ok()) << "too famous";
    EXPECT_TRUE(CheckPassword("Tr0ub4dor&3xyz").ok());
    EXPECT_TRUE(CheckPassword("le chat dort ici").ok()) << "a passphrase of four words";
    EXPECT_TRUE(CheckPassword("قطة تنام على السرير").ok()) << "Arabic passphrases count characters, not bytes";
    EXPECT_FALSE(CheckPassword("short1!").ok());
    EXPECT_FALSE(CheckPassword("elevenchars").ok());
    for (const char* common :
         {"password1234", "Password2024!", "azertyuiop123", "qwertyuiop12", "123456789012", "aaaaaaaaaaaa",
          "abcdefghijkl", "passwordpassword", "1q2w3e4r5t6y", "motdepasse123", "iloveyou1234", "abcabcabcabc"}) {
        EXPECT_FALSE(CheckPassword(common).ok()) << common;
    }
    EXPECT_FALSE(CheckPassword("jean.dupont1990", "jean.dupont@example.org").ok());
    EXPECT_FALSE(CheckPassword(std::string(1025, 'x')).ok());
}

TEST(Permissions, DocsMatchTheTable) {
    std::ifstream in(std::string(dihya::SourceDir()) + "/docs/permissions.md");
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), PermissionsMarkdown())
        << "docs/permissions.md is rendered from src/auth/permissions.cpp: regenerate it (dihya permissions > "
           "docs/permissions.md)";
}

TEST(Permissions, GuestsUsersAdminsAndOwnership) {
    const Principal guest;
    Principal user{"u1", Role::kUser};
    Principal admin{"a1", Role::kAdmin};
    EXPECT_TRUE(Authorize(guest, Action::kGenerate).ok());
    EXPECT_EQ(Authorize(guest, Action::kProjectsRead).error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(Authorize(user, Action::kUsersRead).error().code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(Authorize(user, Action::kProjectsRead, "u1").ok());
    EXPECT_EQ(Authorize(user, Action::kProjectsRead, "u2").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(Authorize(admin, Action::kProjectsRead, "u2").ok());
    EXPECT_EQ(Authorize(admin, Action::kProjectsWrite, "u2").error().code, ErrorCode::kNotFound);
    Principal guest_account{"g1", Role::kGuest};
    EXPECT_TRUE(Authorize(guest_account, Action::kAccountExport, "g1").ok());
    EXPECT_EQ(Authorize(guest_account, Action::kProjectsWrite).error().code, ErrorCode::kPermissionDenied);
    for (const auto& p : Permissions()) EXPECT_EQ(FindPermission(p.name), &p);
}

TEST(Jwt, AlgorithmIsFixedByTheVerifier) {
    auto pair = GenerateEs256KeyPair();
    ASSERT_TRUE(pair.ok());
    const boost::json::object claims{{"sub", "x"}, {"exp", 4102444800}};
    auto token = SignJwt(claims, "ES256", "k1", pair->private_pem);
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(VerifyJwt(*token, "ES256", pair->public_pem).ok());
    EXPECT_FALSE(VerifyJwt(*token, "RS256", pair->public_pem).ok());
    // HS256 "signed" with the public key's PEM (the classic confusion attack).
    const std::string header = crypto::Base64UrlEncode(R"({"alg":"HS256","kid":"k1"})");
    const std::string body = crypto::Base64UrlEncode(R"({"sub":"x","exp":4102444800})");
    EXPECT_FALSE(VerifyJwt(header + "." + body + ".c2lnbmF0dXJl", "ES256", pair->public_pem).ok());
    auto jwk = PemToJwk(pair->public_pem);
    ASSERT_TRUE(jwk.ok());
    auto pem = JwkToPem(*jwk);
    ASSERT_TRUE(pem.ok()) << pem.error().message;
    EXPECT_TRUE(VerifyJwt(*token, "ES256", *pem).ok()) << "JWK round trip";
    EXPECT_FALSE(CheckClaims(claims, {"iss", "", 0, 0}).ok()) << "issuer required when asked";
    EXPECT_FALSE(CheckClaims({{"exp", 10}}, {"", "", 20, 0}).ok());
    EXPECT_TRUE(CheckClaims({{"exp", 30}, {"aud", boost::json::array{"a", "b"}}}, {"", "b", 20, 0}).ok());
    EXPECT_FALSE(CheckClaims({{"exp", 30}, {"aud", "a"}}, {"", "b", 20, 0}).ok());
}

}  // namespace
}  // namespace dihya::auth
