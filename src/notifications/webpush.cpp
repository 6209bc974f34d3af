#include "notifications/webpush.hpp"

#include <array>
#include <memory>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "auth/jwt.hpp"
#include "core/crypto.hpp"

namespace dihya::notifications {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherFree {
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Error Crypto(std::string what) {
    return MakeError(ErrorCode::kInternal, "web push: " + what);
}

std::string Hmac(std::string_view key, std::string_view data) {
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    crypto_auth_hmacsha256_final(&st, out.data());
    return {reinterpret_cast<const char*>(out.data()), out.size()};
}

/// HKDF-SHA-256 (RFC 5869) with one block of output, cut to `length` (≤ 32).
std::string Hkdf(std::string_view salt, std::string_view ikm, std::string_view info, std::size_t length) {
    const std::string prk = Hmac(salt, ikm);
    std::string t(info);
    t.push_back('\x01');
    return Hmac(prk, t).substr(0, length);
}

/// An EC P-256 key from its public point and, when given, its private scalar.
Result<Pkey> EcKey(std::string_view public_point, std::string_view private_scalar) {
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    BIGNUM* priv = nullptr;
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, public_point.data(), public_point.size());
    if (!private_scalar.empty()) {
        priv = BN_bin2bn(reinterpret_cast<const unsigned char*>(private_scalar.data()),
                         static_cast<int>(private_scalar.size()), nullptr);
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv);
    }
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* key = nullptr;
    const int selection = private_scalar.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR;
    const bool ok =
        ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 && EVP_PKEY_fromdata(ctx.get(), &key, selection, params) == 1;
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(priv);
    if (!ok || key == nullptr) return MakeError(ErrorCode::kInvalidArgument, "not a P-256 key");
    Pkey out(key);
    // A point that is not on the curve must not get further.
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> check(EVP_PKEY_CTX_new(out.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
        return MakeError(ErrorCode::kInvalidArgument, "not a point of P-256");
    }
    return out;
}

Result<std::string> PublicPoint(EVP_PKEY* key) {
    std::array<unsigned char, 65> buf{};
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, buf.data(), buf.size(), &len) != 1 || len != 65) {
        return Crypto("cannot read a public key");
    }
    return std::string(reinterpret_cast<const char*>(buf.data()), len);
}

Result<std::string> Ecdh(EVP_PKEY* mine, EVP_PKEY* theirs) {
    std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new(mine, nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), theirs) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
        return Crypto("ECDH failed");
    }
    std::string out(len, '\0');
    if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1) return Crypto("ECDH");
    out.resize(len);
    return out;
}

}  // namespace

Result<std::string> EncryptPush(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret,
                                const EphemeralKey* fixed_key, std::string_view fixed_salt) {
    if (ua_public.size() != 65 || ua_public[0] != '\x04') {
        return MakeError(ErrorCode::kInvalidArgument, "keys.p256dh must be an uncompressed P-256 point (65 bytes)",
                         {{"keys.p256dh", "not a P-256 public key"}});
    }
    if (auth_secret.size() != 16) {
        return MakeError(ErrorCode::kInvalidArgument, "keys.auth must be 16 bytes", {{"keys.auth", "16 bytes"}});
    }
    auto ua = EcKey(ua_public, {});
    if (!ua) return MakeError(ErrorCode::kInvalidArgument, "keys.p256dh: " + ua.error().message);
    Pkey as;
    std::string as_public;
    if (fixed_key != nullptr) {
        auto k = EcKey(fixed_key->public_key, fixed_key->private_key);
        if (!k) return k.take_error();
        as = std::move(*k);
        as_public = fixed_key->public_key;
    } else {
        as.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        if (!as) return Crypto("cannot make a key");
        auto p = PublicPoint(as.get());
        if (!p) return p.take_error();
        as_public = std::move(*p);
    }
    auto shared = Ecdh(as.get(), ua->get());
    if (!shared) return shared.take_error();

    // RFC 8291 §3.4: the input keying material, then RFC 8188's content-encryption key and nonce.
    std::string key_info = "WebPush: info";
    key_info.push_back('\0');
    key_info += ua_public;
    key_info += as_public;
    const std::string ikm = Hkdf(auth_secret, *shared, key_info, 32);
    std::string salt(fixed_salt);
    if (salt.empty()) {
        salt.resize(16);
        randombytes_buf(salt.data(), salt.size());
    }
    const std::string cek = Hkdf(salt, ikm, std::string("Content-Encoding: aes128gcm") + '\0', 16);
    const std::string nonce = Hkdf(salt, ikm, std::string("Content-Encoding: nonce") + '\0', 12);

    std::string record(plaintext);
    record.push_back('\x02');  // padding delimiter of the last (only) record
    std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
    std::string sealed(record.size() + 16, '\0');
    int len = 0;
    int total = 0;
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    if (!ctx ||
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, reinterpret_cast<const unsigned char*>(cek.data()),
                           reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out, &len, reinterpret_cast<const unsigned char*>(record.data()),
                          static_cast<int>(record.size())) != 1) {
        return Crypto("AES-GCM failed");
    }
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), out + total, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out + total + len) != 1) {
        return Crypto("AES-GCM failed");
    }
    total += len;
    sealed.resize(static_cast<std::size_t>(total) + 16);

    std::string body = salt;
    body += std::string("\x00\x00\x10\x00", 4);  // record size 4096
    body.push_back(static_cast<char>(as_public.size()));
    body += as_public;
    body += sealed;
    return body;
}

Result<VapidKey> GenerateVapidKey() {
    auto pair = auth::GenerateEs256KeyPair();
    if (!pair) return pair.take_error();
    auto pub = VapidPublicKey(pair->private_pem);
    if (!pub) return pub.take_error();
    return VapidKey{pair->private_pem, *pub};
}

Result<std::string> VapidPublicKey(std::string_view private_pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), &BIO_free);
    Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) return Crypto("cannot read the VAPID key");
    return PublicPoint(key.get());
}

Result<std::string> PushOrigin(std::string_view endpoint) {
    auto url = boost::urls::parse_uri(endpoint);
    if (!url) return MakeError(ErrorCode::kInvalidArgument, "the push endpoint is not a URL");
    std::string origin = std::string(url->scheme()) + "://" + std::string(url->encoded_host());
    if (url->has_port()) origin += ":" + std::string(url->port());
    return origin;
}

Result<std::string> VapidAuthorization(std::string_view endpoint, const VapidKey& key, std::string_view subject,
                                       std::int64_t now_seconds) {
    auto audience = PushOrigin(endpoint);
    if (!audience) return audience.take_error();
    const boost::json::object claims{{"aud", *audience}, {"exp", now_seconds + 12 * 3600}, {"sub", subject}};
    auto jwt = auth::SignJwt(claims, "ES256", "", key.private_pem);
    if (!jwt) return jwt.take_error();
    return "vapid t=" + *jwt + ", k=" + crypto::Base64UrlEncode(key.public_key);
}

}  // namespace dihya::notifications
