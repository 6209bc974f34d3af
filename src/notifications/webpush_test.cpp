#include "notifications/webpush.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"

namespace dihya::notifications {
namespace {

std::string B64(std::string_view s) {
    return *crypto::Base64UrlDecode(s);
}

// RFC 8291, Appendix A.
TEST(WebPush, EncryptsTheRfc8291Example) {
    const EphemeralKey as{
        B64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"),
        B64("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8")};
    auto body =
        EncryptPush("When I grow up, I want to be a watermelon",
                    B64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
                    B64("BTBZMqHH6r4Tts7J_aSIgg"), &as, B64("DGv6ra1nlYgDCS1FRnbzlw"));
    ASSERT_TRUE(body.ok()) << body.error().message;
    EXPECT_EQ(
        crypto::Base64UrlEncode(*body),
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6"
        "PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN");
}

TEST(WebPush, RefusesMalformedSubscriptionKeysAndMakesFreshOnesEachTime) {
    const std::string auth = B64("BTBZMqHH6r4Tts7J_aSIgg");
    const std::string ua =
        B64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
    EXPECT_EQ(EncryptPush("x", ua.substr(0, 33), auth).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(EncryptPush("x", ua, "short").error().code, ErrorCode::kInvalidArgument);
    std::string off_curve = ua;
    off_curve[40] = static_cast<char>(off_curve[40] ^ 1);
    EXPECT_EQ(EncryptPush("x", off_curve, auth).error().code, ErrorCode::kInvalidArgument);
    auto a = EncryptPush("hello", ua, auth);
    auto b = EncryptPush("hello", ua, auth);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(*a, *b) << "a new salt and key per message";
    EXPECT_EQ(a->size(), 16 + 4 + 1 + 65 + 5 + 1 + 16);
}

TEST(WebPush, VapidAuthorizationNamesTheEndpointsOrigin) {
    auto key = GenerateVapidKey();
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->public_key.size(), 65u);
    EXPECT_EQ(*VapidPublicKey(key->private_pem), key->public_key);
    auto header =
        VapidAuthorization("https://push.example.net:8443/send/abc?x=1", *key, "mailto:ops@example.org", 1000);
    ASSERT_TRUE(header.ok()) << header.error().message;
    ASSERT_EQ(header->rfind("vapid t=", 0), 0u);
    const std::string jwt = header->substr(8, header->find(',') - 8);
    const auto dot1 = jwt.find('.');
    const auto claims = *crypto::Base64UrlDecode(jwt.substr(dot1 + 1, jwt.rfind('.') - dot1 - 1));
    EXPECT_NE(claims.find("\"aud\":\"https://push.example.net:8443\""), std::string::npos) << claims;
    EXPECT_NE(claims.find("\"exp\":44200"), std::string::npos) << claims;
    EXPECT_NE(header->find(", k=" + crypto::Base64UrlEncode(key->public_key)), std::string::npos);
}

}  // namespace
}  // namespace dihya::notifications
