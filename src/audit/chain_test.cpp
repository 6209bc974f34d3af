#include "audit/chain.hpp"

#include <chrono>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace dihya::audit {
namespace {

ChainFields Sample() {
    ChainFields f;
    f.seq = 7;
    f.at = "2025-01-02T03:04:05.678Z";
    f.actor_id = "u-1";
    f.action = "user.role_changed";
    f.target_type = "user";
    f.target_id = "u-2";
    f.request_id = "req-1";
    f.ip = "203.0.113.0";
    f.details = R"({"role":"admin"})";
    return f;
}

constexpr std::string_view kSalt = "00112233445566778899aabbccddeeff";

// Known answers computed independently (Python hashlib) from the encoding in docs/audit.md.
TEST(AuditChain, MatchesTheDocumentedEncoding) {
    const ChainFields f = Sample();
    const std::string digest = PiiDigest(kSalt, f);
    EXPECT_EQ(digest, "0f363f9b751033b6befb1ca2f2805cee1e2521348442554f3bde7a6e4fcc2d66");
    std::string prev;
    for (int i = 0; i < 32; ++i) prev += "ab";
    EXPECT_EQ(EntryHash(f, digest, prev), "d3099650fbc559dab218205e17177b2562a7dbc67587491cf61916834581b7d4");

    ChainFields g;
    g.seq = 1;
    g.at = "2025-01-02T03:04:05.678Z";
    g.action = "project.deleted";
    g.target_type = "project";
    g.target_id = "p-9";
    g.details = "{}";
    const std::string digest2 = PiiDigest(kSalt, g);
    EXPECT_EQ(digest2, "7c8e5ad8f5381a130e5088c387eab150dd623f65500f7eb8678eafa4130422a8");
    EXPECT_EQ(EntryHash(g, digest2, kGenesisHash), "e1ffb6daad3e6fc19d9c1e8abc59d8a5dee7429fe2f93f508cb1d09edffb3cdc");
}

TEST(AuditChain, EveryHashedFieldChangesTheHash) {
    const ChainFields base = Sample();
    const std::string digest = PiiDigest(kSalt, base);
    const std::string hash = EntryHash(base, digest, kGenesisHash);
    auto changed = [&](auto mutate) {
        ChainFields f = base;
        mutate(f);
        return EntryHash(f, digest, kGenesisHash) != hash;
    };
    EXPECT_TRUE(changed([](ChainFields& f) { f.seq = 8; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.at = "2025-01-02T03:04:05.679Z"; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.action = "user.disabled"; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.target_type = "project"; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.request_id = std::nullopt; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.details = R"({"role":"user"})"; }));
    EXPECT_NE(EntryHash(base, digest, std::string(64, '1')), hash);
    EXPECT_NE(EntryHash(base, std::string(64, '1'), kGenesisHash), hash);
    // Personal fields are covered by the digest, not by the hash directly: pseudonymising keeps the chain.
    EXPECT_FALSE(changed([](ChainFields& f) { f.actor_id = "erased-0123456789abcdef"; }));
    EXPECT_FALSE(changed([](ChainFields& f) { f.target_id = std::nullopt; }));
    EXPECT_FALSE(changed([](ChainFields& f) { f.ip = std::nullopt; }));
}

TEST(AuditChain, NonUserTargetIsHashedDirectly) {
    ChainFields f = Sample();
    f.target_type = "project";
    const std::string digest = PiiDigest(kSalt, f);
    const std::string hash = EntryHash(f, digest, kGenesisHash);
    ChainFields g = f;
    g.target_id = "p-other";
    EXPECT_NE(EntryHash(g, digest, kGenesisHash), hash);
    EXPECT_EQ(PiiDigest(kSalt, g), digest);
}

TEST(AuditChain, DigestCoversSaltAndPersonalFields) {
    const ChainFields base = Sample();
    const std::string digest = PiiDigest(kSalt, base);
    auto changed = [&](auto mutate) {
        ChainFields f = base;
        mutate(f);
        return PiiDigest(kSalt, f) != digest;
    };
    EXPECT_TRUE(changed([](ChainFields& f) { f.actor_id = "u-3"; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.actor_id = std::nullopt; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.target_id = "u-3"; }));
    EXPECT_TRUE(changed([](ChainFields& f) { f.ip = "203.0.114.0"; }));
    EXPECT_NE(PiiDigest("ffeeddccbbaa99887766554433221100", base), digest);
    // Length prefixes: moving a character from one field to the next changes the digest.
    ChainFields a = base;
    a.actor_id = "u-1u";
    a.target_id = "-2";
    EXPECT_NE(PiiDigest(kSalt, a), digest);
    // NULL and empty differ.
    ChainFields n = base;
    n.ip = "";
    ChainFields m = base;
    m.ip = std::nullopt;
    EXPECT_NE(PiiDigest(kSalt, n), PiiDigest(kSalt, m));
}

TEST(AuditChain, SaltsAreRandomHex) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        std::string s = NewSalt();
        EXPECT_EQ(s.size(), 32u);
        EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos);
        seen.insert(s);
    }
    EXPECT_EQ(seen.size(), 100u);
}

TEST(AuditChain, PseudonymsAreStableKeyedAndShaped) {
    const std::string key(32, 'k');
    const std::string p = Pseudonym(key, "user-42");
    EXPECT_TRUE(IsPseudonym(p)) << p;
    EXPECT_EQ(p.size(), std::string("erased-").size() + 16);
    EXPECT_EQ(p, Pseudonym(key, "user-42"));
    EXPECT_NE(p, Pseudonym(key, "user-43"));
    EXPECT_NE(p, Pseudonym(std::string(32, 'j'), "user-42"));
    EXPECT_EQ(p.find("user-42"), std::string::npos);

    EXPECT_FALSE(IsPseudonym("user-42"));
    EXPECT_FALSE(IsPseudonym("erased-0123456789abcde"));    // too short
    EXPECT_FALSE(IsPseudonym("erased-0123456789abcdef0"));  // too long
    EXPECT_FALSE(IsPseudonym("erased-0123456789ABCDEF"));   // upper case
    EXPECT_FALSE(IsPseudonym("erased-0123456789abcdeg"));
    EXPECT_THROW((void)Pseudonym("short", "u"), std::invalid_argument);
}

TEST(AuditChain, DerivedPseudonymKeyIsStableAndSecretDependent) {
    const std::string a = DerivePseudonymKey("a-long-server-secret-of-at-least-32-chars");
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(a, DerivePseudonymKey("a-long-server-secret-of-at-least-32-chars"));
    EXPECT_NE(a, DerivePseudonymKey("another-long-server-secret-of-32-chars!!"));
    EXPECT_EQ(a.find("a-long"), std::string::npos);
}

TEST(AuditChain, TruncatesIpAddresses) {
    EXPECT_EQ(TruncateIp("203.0.113.77"), "203.0.113.0");
    EXPECT_EQ(TruncateIp("203.0.113.0"), "203.0.113.0");
    EXPECT_EQ(TruncateIp("10.1.2.255"), "10.1.2.0");
    EXPECT_EQ(TruncateIp("2001:db8:1:2:3:4:5:6"), "2001:db8:1::");
    EXPECT_EQ(TruncateIp("2001:db8:abcd:ffff::1"), "2001:db8:abcd::");
    EXPECT_EQ(TruncateIp("2001:db8:1::"), "2001:db8:1::");
    EXPECT_EQ(TruncateIp("[2001:db8:1:2::3]"), "2001:db8:1::");
    EXPECT_EQ(TruncateIp("fe80::1%eth0"), "fe80::");
    EXPECT_EQ(TruncateIp("::1"), "::");
    EXPECT_EQ(TruncateIp("::ffff:203.0.113.9"), "203.0.113.0");
    EXPECT_EQ(TruncateIp("::ffff:cb00:7109"), "203.0.113.0");
    EXPECT_EQ(TruncateIp(""), std::nullopt);
    EXPECT_EQ(TruncateIp("localhost"), std::nullopt);
    EXPECT_EQ(TruncateIp("203.0.113"), std::nullopt);
    EXPECT_EQ(TruncateIp("203.0.113.256"), std::nullopt);
    EXPECT_EQ(TruncateIp("203.0.113.7:443"), std::nullopt);
    EXPECT_EQ(TruncateIp("2001:db8::1::2"), std::nullopt);
}

TEST(AuditChain, FormatsTimesWithMilliseconds) {
    using namespace std::chrono;
    const sys_time<milliseconds> t =
        sys_days(year{2025} / 1 / 2) + hours{3} + minutes{4} + seconds{5} + milliseconds{6};
    EXPECT_EQ(FormatTime(t), "2025-01-02T03:04:05.006Z");
    EXPECT_EQ(FormatTime(sys_days(year{1999} / 12 / 31)), "1999-12-31T00:00:00.000Z");
}

TEST(AuditChain, NormalisesIsoTimes) {
    EXPECT_EQ(NormaliseTime("2025-01-02").value(), "2025-01-02T00:00:00.000Z");
    EXPECT_EQ(NormaliseTime("2025-01-02T03:04Z").value(), "2025-01-02T03:04:00.000Z");
    EXPECT_EQ(NormaliseTime("2025-01-02T03:04:05Z").value(), "2025-01-02T03:04:05.000Z");
    EXPECT_EQ(NormaliseTime("2025-01-02T03:04:05.1Z").value(), "2025-01-02T03:04:05.100Z");
    EXPECT_EQ(NormaliseTime("2025-01-02T03:04:05.123456Z").value(), "2025-01-02T03:04:05.123Z");
    EXPECT_EQ(NormaliseTime("2025-01-02T03:04:05+01:00").value(), "2025-01-02T02:04:05.000Z");
    EXPECT_EQ(NormaliseTime("2025-01-01T23:30:00-01:00").value(), "2025-01-02T00:30:00.000Z");
    for (const char* bad :
         {"", "2025", "2025-13-01", "2025-02-30", "2025-01-02T24:00Z", "2025-01-02T03:04:05", "2025-01-02T03:04:05.Z",
          "2025-01-02T03:04:05Zjunk", "yesterday", "2025-01-02T03:04+0100"}) {
        auto r = NormaliseTime(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        }
    }
}

}  // namespace
}  // namespace dihya::audit
