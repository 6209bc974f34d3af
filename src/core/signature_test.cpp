#include "core/signature.hpp"

#include <gtest/gtest.h>

namespace dihya::crypto {
namespace {

TEST(Ed25519Signer, SignsAndVerifiesAndRefusesAnyChange) {
    const auto signer = Ed25519Signer::Derive("a server secret", "marketplace");
    const std::string sig = signer.Sign("package digest");
    EXPECT_TRUE(signer.Verify("package digest", sig));
    EXPECT_FALSE(signer.Verify("package digesT", sig));
    std::string other = sig;
    other[3] = other[3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(signer.Verify("package digest", other));
    EXPECT_FALSE(signer.Verify("package digest", "not base64url!"));
    EXPECT_FALSE(signer.Verify("package digest", ""));
    EXPECT_TRUE(Ed25519Signer::VerifyWith(signer.PublicKey(), "package digest", sig));
}

TEST(Ed25519Signer, TheKeyFollowsTheSecretAndThePurpose) {
    const auto a = Ed25519Signer::Derive("secret one", "marketplace");
    EXPECT_EQ(a.PublicKey(), Ed25519Signer::Derive("secret one", "marketplace").PublicKey());
    EXPECT_NE(a.PublicKey(), Ed25519Signer::Derive("secret two", "marketplace").PublicKey());
    EXPECT_NE(a.PublicKey(), Ed25519Signer::Derive("secret one", "other").PublicKey());
    EXPECT_EQ(a.KeyId().size(), 16u);
    const auto b = Ed25519Signer::Derive("secret two", "marketplace");
    EXPECT_FALSE(b.Verify("m", a.Sign("m")));
}

}  // namespace
}  // namespace dihya::crypto
