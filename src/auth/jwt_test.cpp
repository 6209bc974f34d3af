#include "auth/jwt.hpp"

#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/bn.h>

#include "core/crypto.hpp"

namespace dihya::auth {
namespace {

/// The high-S twin (R, n - S) of a token's ES256 signature: valid for the same key and message.
std::string HighSTwin(const std::string& token) {
    const auto dot = token.rfind('.');
    std::string sig = *crypto::Base64UrlDecode(token.substr(dot + 1));
    BIGNUM* n = nullptr;
    BN_hex2bn(&n, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr);  // NOLINT
    BIGNUM* twin = BN_new();
    BN_sub(twin, n, s);
    BN_bn2binpad(twin, reinterpret_cast<unsigned char*>(sig.data()) + 32, 32);  // NOLINT
    BN_free(n);
    BN_free(s);
    BN_free(twin);
    return token.substr(0, dot + 1) + crypto::Base64UrlEncode(sig);
}

TEST(Jwt, SignsLowSAndRefusesEveryOtherSpelling) {
    auto keys = GenerateEs256KeyPair();
    ASSERT_TRUE(keys.ok());
    const boost::json::object claims{{"sub", "u1"}, {"exp", 4102444800}};
    for (int i = 0; i < 32; ++i) {  // about half of raw ECDSA signatures are high-S: all of ours are low
        auto token = SignJwt(claims, "ES256", "k1", keys->private_pem);
        ASSERT_TRUE(token.ok());
        ASSERT_TRUE(RequireLowS(*token).ok()) << *token;
        ASSERT_TRUE(VerifyJwt(*token, "ES256", keys->public_pem).ok());
        const std::string twin = HighSTwin(*token);
        EXPECT_FALSE(RequireLowS(twin).ok());
    }
    auto token = SignJwt(claims, "ES256", "k1", keys->private_pem);
    ASSERT_TRUE(token.ok());
    const std::string& t = *token;
    const auto last = t.rfind('.');
    for (const std::string& bad : {t + ".", t + "==", t.substr(0, last) + ".", "." + t, t + ".x", std::string("a.b"),
                                   t.substr(0, last + 1) + "+" + t.substr(last + 2)}) {
        EXPECT_FALSE(CheckCompactJws(bad).ok()) << bad;
        EXPECT_FALSE(VerifyJwt(bad, "ES256", keys->public_pem).ok()) << bad;
    }
    EXPECT_TRUE(CheckCompactJws(t).ok());
    // Stray bits in the last character: "AB" and "AC" decode to the same byte; only "AA"-style spellings pass.
    EXPECT_TRUE(CheckCompactJws("AA.AA.AA").ok());
    EXPECT_FALSE(CheckCompactJws("AA.AA.AB").ok());
    EXPECT_FALSE(CheckCompactJws("AA.AA.A").ok()) << "a length of 4k+1 is never base64";
}

}  // namespace
}  // namespace dihya::auth
