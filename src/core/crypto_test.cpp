#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace dihya::crypto {
namespace {

TEST(Crypto, Sha256KnownVector) {
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, Base64UrlRoundTripAndRejects) {
    const std::string bytes("\xfb\xff\x00\x01hello", 8);
    const std::string enc = Base64UrlEncode(bytes);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(enc), bytes);
    EXPECT_FALSE(Base64UrlDecode("ab+/").has_value());
    EXPECT_FALSE(Base64UrlDecode("a!").has_value());
}

TEST(Crypto, RandomTokensAndUuids) {
    EXPECT_NE(RandomToken(), RandomToken());
    EXPECT_EQ(Base64UrlDecode(RandomToken(32))->size(), 32u);
    const std::string u = NewUuid();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
}

TEST(Crypto, ConstantTimeEquals) {
    EXPECT_TRUE(ConstantTimeEquals("same", "same"));
    EXPECT_FALSE(ConstantTimeEquals("same", "sama"));
    EXPECT_FALSE(ConstantTimeEquals("same", "same!"));
    EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(Crypto, PasswordHashVerifyAndRehash) {
    const PasswordHasher fast({1, 8 << 20});
    auto h = fast.Hash("correct horse battery staple");
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(fast.Verify(*h, "correct horse battery staple"));
    EXPECT_FALSE(fast.Verify(*h, "correct horse battery stapler"));
    EXPECT_FALSE(fast.Verify("not a hash", "x"));
    EXPECT_FALSE(fast.Verify("", ""));
    EXPECT_FALSE(fast.NeedsRehash(*h));
    const PasswordHasher stronger({2, 8 << 20});
    EXPECT_TRUE(stronger.NeedsRehash(*h));
    EXPECT_TRUE(stronger.Verify(*h, "correct horse battery staple"));  // old hashes still verify
}

TEST(Crypto, DataKeysParseAndDerive) {
    EXPECT_FALSE(ParseDataKey("abcd", "encryption.key").ok());
    auto k = ParseDataKey(std::string(64, 'a'), "encryption.key");
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->id.size(), 8u);
    EXPECT_EQ(k->key.size(), 32u);
    EXPECT_NE(k->index_key, k->key);
    EXPECT_EQ(DeriveDataKey("a secret of at least thirty-two chars").id,
              DeriveDataKey("a secret of at least thirty-two chars").id);
    EXPECT_NE(DeriveDataKey("a secret of at least thirty-two chars").id, k->id);
}

TEST(Crypto, FieldCipherEncryptsAuthenticatesAndRotates) {
    const DataKey a = *ParseDataKey(std::string(64, 'a'), "k");
    const DataKey b = *ParseDataKey(std::string(64, 'b'), "k");
    const FieldCipher old_ring(a);
    const std::string ct = old_ring.Encrypt("ada@example.org", "users.email:1");
    EXPECT_EQ(ct.find("ada"), std::string::npos);
    EXPECT_NE(ct, old_ring.Encrypt("ada@example.org", "users.email:1")) << "random nonces";
    EXPECT_EQ(*old_ring.Decrypt(ct, "users.email:1"), "ada@example.org");
    EXPECT_FALSE(old_ring.Decrypt(ct, "users.email:2").ok()) << "bound to its row";
    std::string tampered = ct;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(old_ring.Decrypt(tampered, "users.email:1").ok());

    const FieldCipher rotated(b, {a});
    EXPECT_TRUE(rotated.IsStale(ct));
    EXPECT_EQ(*rotated.Decrypt(ct, "users.email:1"), "ada@example.org");
    const std::string fresh = rotated.Encrypt("ada@example.org", "users.email:1");
    EXPECT_FALSE(rotated.IsStale(fresh));
    const FieldCipher only_b(b);
    auto unknown = only_b.Decrypt(ct, "users.email:1");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find(a.id), std::string::npos);
    EXPECT_EQ(unknown.error().message.find("ada"), std::string::npos);
}

TEST(Crypto, BlindIndexesAreKeyedAndDomainSeparated) {
    const DataKey a = *ParseDataKey(std::string(64, 'a'), "k");
    const DataKey b = *ParseDataKey(std::string(64, 'b'), "k");
    const FieldCipher ra(a), rb(b, {a});
    EXPECT_EQ(ra.BlindIndex("email", "x@y.z"), ra.BlindIndex("email", "x@y.z"));
    EXPECT_NE(ra.BlindIndex("email", "x@y.z"), ra.BlindIndex("oauth", "x@y.z"));
    EXPECT_NE(ra.BlindIndex("email", "x@y.z"), rb.BlindIndex("email", "x@y.z"));
    const auto all = rb.BlindIndexes("email", "x@y.z");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1], ra.BlindIndex("email", "x@y.z"));
}

TEST(Clock, FormatAndParseRoundTrip) {
    const TimePoint t = TimePoint(std::chrono::milliseconds(1'764'618'182'123));
    EXPECT_EQ(FormatTime(t), "2025-12-01T19:43:02.123Z");
    EXPECT_EQ(ParseTime("2025-12-01T19:43:02.123Z"), t);
    EXPECT_EQ(ParseTime("2025-12-01T19:43:02Z"), t - std::chrono::milliseconds(123));
    EXPECT_FALSE(ParseTime("2025-12-01 19:43:02Z").has_value());
    EXPECT_FALSE(ParseTime("2025-13-01T19:43:02Z").has_value());
    EXPECT_LT(FormatTime(t), FormatTime(t + std::chrono::milliseconds(1)));
    ManualClock clock(t);
    clock.Advance(std::chrono::seconds(5));
    EXPECT_EQ(FormatTime(clock.Now()), "2025-12-01T19:43:07.123Z");
}

}  // namespace
}  // namespace dihya::crypto
