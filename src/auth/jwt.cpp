#include "auth/jwt.hpp"

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json.hpp>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "core/crypto.hpp"

namespace dihya::auth {

namespace json = boost::json;

namespace {

Error Invalid(std::string why) {
    return MakeError(ErrorCode::kUnauthenticated, "invalid token: " + why);
}

struct JwtFree {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
struct CharFree {
    void operator()(char* p) const { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

const unsigned char* U(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());  // NOLINT
}

jwt_alg_t AlgOf(std::string_view alg) {
    if (alg == "ES256") return JWT_ALG_ES256;
    if (alg == "RS256") return JWT_ALG_RS256;
    return JWT_ALG_INVAL;
}

Pkey ReadPublic(std::string_view pem) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return Pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

std::string WritePublic(EVP_PKEY* key) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(n)};
}

std::string BnBytes(const BIGNUM* bn, int pad = 0) {
    const int n = std::max(BN_num_bytes(bn), pad);
    std::string out(static_cast<std::size_t>(n), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n);  // NOLINT
    return out;
}

Bn BnFrom(const json::object& jwk, std::string_view field) {
    const auto* v = jwk.if_contains(field);
    if (v == nullptr || !v->is_string()) return nullptr;
    auto raw = crypto::Base64UrlDecode(std::string_view(v->as_string()));
    if (!raw || raw->empty()) return nullptr;
    return Bn(BN_bin2bn(U(*raw), static_cast<int>(raw->size()), nullptr));
}

bool Base64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int Base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '-' ? 62 : 63;
}

/// Unpadded base64url whose last character carries no stray bits: exactly one spelling per byte string.
bool CanonicalBase64Url(std::string_view part) {
    if (part.empty() || part.size() % 4 == 1) return false;
    for (char c : part) {
        if (!Base64UrlChar(c)) return false;
    }
    const int last = Base64UrlValue(part.back());
    if (part.size() % 4 == 2) return (last & 0x0F) == 0;
    if (part.size() % 4 == 3) return (last & 0x03) == 0;
    return true;
}

/// Half the order of P-256, big-endian: an ES256 signature's S above it has a low twin n - S.
constexpr unsigned char kP256HalfOrder[32] = {0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF,
                                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B,
                                              0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8};
constexpr unsigned char kP256Order[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                          0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

bool HighS(std::string_view signature) {
    const std::string_view s = signature.substr(32, 32);
    return std::string_view(reinterpret_cast<const char*>(kP256HalfOrder), 32) < s;  // NOLINT: byte-wise compare
}

/// The low-S twin of a 64-byte ES256 signature (R, n - S).
std::string LowSTwin(std::string_view signature) {
    std::string out(signature);
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        int d = static_cast<int>(kP256Order[i]) - static_cast<unsigned char>(signature[32 + i]) - borrow;
        borrow = d < 0 ? 1 : 0;
        if (d < 0) d += 256;
        out[32 + static_cast<std::size_t>(i)] = static_cast<char>(d);
    }
    return out;
}

}  // namespace

Result<void> CheckCompactJws(std::string_view token) {
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return Invalid("not a compact JWS (header.payload.signature)");
    }
    for (std::string_view part :
         {token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)}) {
        if (!CanonicalBase64Url(part)) return Invalid("not canonical unpadded base64url");
    }
    return Ok();
}

Result<void> RequireLowS(std::string_view token) {
    auto signature = crypto::Base64UrlDecode(token.substr(token.rfind('.') + 1));
    if (!signature || signature->size() != 64) return Invalid("an ES256 signature is 64 bytes");
    if (HighS(*signature)) return Invalid("not the canonical (low-S) signature");
    return Ok();
}

Result<json::object> PeekJwtHeader(std::string_view token) {
    const auto dot = token.find('.');
    if (dot == std::string_view::npos || token.find('.', dot + 1) == std::string_view::npos) {
        return Invalid("not a compact JWS (header.payload.signature)");
    }
    auto raw = crypto::Base64UrlDecode(token.substr(0, dot));
    if (!raw) return Invalid("the header is not base64url");
    boost::system::error_code ec;
    json::value v = json::parse(*raw, ec);
    if (ec || !v.is_object()) return Invalid("the header is not a JSON object");
    return std::move(v.as_object());
}

Result<json::object> VerifyJwt(std::string_view token, std::string_view alg, std::string_view public_pem) {
    if (token.size() > 16 * 1024) return Invalid("too long");
    if (auto canonical = CheckCompactJws(token); !canonical) return canonical.take_error();
    auto header = PeekJwtHeader(token);
    if (!header) return header.take_error();
    const auto* h_alg = header->if_contains("alg");
    if (h_alg == nullptr || !h_alg->is_string() || h_alg->as_string() != alg) {
        return Invalid("algorithm must be " + std::string(alg));
    }
    if (token.size() > 16 * 1024) return Invalid("too long");
    jwt_t* raw = nullptr;
    const std::string z(token);
    if (jwt_decode(&raw, z.c_str(), U(public_pem), static_cast<int>(public_pem.size())) != 0 || raw == nullptr) {
        if (raw != nullptr) jwt_free(raw);
        return Invalid("bad signature");
    }
    std::unique_ptr<jwt_t, JwtFree> jwt(raw);
    if (jwt_get_alg(jwt.get()) != AlgOf(alg)) return Invalid("algorithm must be " + std::string(alg));
    std::unique_ptr<char, CharFree> grants(jwt_get_grants_json(jwt.get(), nullptr));
    if (!grants) return Invalid("no claims");
    boost::system::error_code ec;
    json::value v = json::parse(grants.get(), ec);
    if (ec || !v.is_object()) return Invalid("claims are not a JSON object");
    return std::move(v.as_object());
}

Result<std::string> SignJwt(const json::object& claims, std::string_view alg, std::string_view kid,
                            std::string_view private_pem) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) return MakeError(ErrorCode::kInternal, "cannot create a token");
    std::unique_ptr<jwt_t, JwtFree> jwt(raw);
    if (jwt_set_alg(jwt.get(), AlgOf(alg), U(private_pem), static_cast<int>(private_pem.size())) != 0 ||
        jwt_add_header(jwt.get(), "kid", std::string(kid).c_str()) != 0 ||
        jwt_add_grants_json(jwt.get(), json::serialize(claims).c_str()) != 0) {
        return MakeError(ErrorCode::kInternal, "cannot sign a token");
    }
    std::unique_ptr<char, CharFree> out(jwt_encode_str(jwt.get()));
    if (!out) return MakeError(ErrorCode::kInternal, "cannot sign a token");
    std::string token(out.get());
    if (alg == "ES256") {
        const auto dot = token.rfind('.');
        auto signature = crypto::Base64UrlDecode(std::string_view(token).substr(dot + 1));
        if (!signature || signature->size() != 64) return MakeError(ErrorCode::kInternal, "cannot sign a token");
        if (HighS(*signature)) token = token.substr(0, dot + 1) + crypto::Base64UrlEncode(LowSTwin(*signature));
    }
    return token;
}

Result<void> CheckClaims(const json::object& claims, const ClaimChecks& checks) {
    auto num = [&](std::string_view name) -> std::optional<std::int64_t> {
        const auto* v = claims.if_contains(name);
        if (v == nullptr || !v->is_number()) return std::nullopt;
        return v->to_number<std::int64_t>();
    };
    const auto exp = num("exp");
    if (!exp) return Invalid("no expiry");
    if (checks.now >= *exp + checks.leeway) return MakeError(ErrorCode::kUnauthenticated, "token expired");
    if (auto nbf = num("nbf"); nbf && checks.now + checks.leeway < *nbf) return Invalid("not valid yet");
    if (auto iat = num("iat"); iat && checks.now + checks.leeway + 60 < *iat) return Invalid("issued in the future");
    if (!checks.issuer.empty()) {
        const auto* iss = claims.if_contains("iss");
        if (iss == nullptr || !iss->is_string() || iss->as_string() != checks.issuer) return Invalid("wrong issuer");
    }
    if (!checks.audience.empty()) {
        const auto* aud = claims.if_contains("aud");
        bool ok = false;
        if (aud != nullptr && aud->is_string()) ok = aud->as_string() == checks.audience;
        if (aud != nullptr && aud->is_array()) {
            for (const auto& a : aud->as_array()) ok = ok || (a.is_string() && a.as_string() == checks.audience);
        }
        if (!ok) return Invalid("wrong audience");
    }
    return Ok();
}

Result<KeyPair> GenerateEs256KeyPair() {
    Pkey key(EVP_EC_gen("P-256"));
    if (!key) return MakeError(ErrorCode::kInternal, "cannot generate a P-256 key");
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return MakeError(ErrorCode::kInternal, "cannot encode a P-256 key");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    KeyPair pair{std::string(data, static_cast<std::size_t>(n)), WritePublic(key.get())};
    OPENSSL_cleanse(data, static_cast<std::size_t>(n));
    return pair;
}

Result<std::string> JwkToPem(const json::object& jwk) {
    const auto* kty = jwk.if_contains("kty");
    if (kty == nullptr || !kty->is_string()) return Invalid("JWK without kty");
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
    std::string type;
    Bn n, e;
    std::string point;
    if (kty->as_string() == "RSA") {
        n = BnFrom(jwk, "n");
        e = BnFrom(jwk, "e");
        if (!n || !e) return Invalid("RSA JWK without n or e");
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
        type = "RSA";
    } else if (kty->as_string() == "EC") {
        const auto* crv = jwk.if_contains("crv");
        if (crv == nullptr || !crv->is_string() || crv->as_string() != "P-256") return Invalid("EC JWK is not P-256");
        Bn x = BnFrom(jwk, "x"), y = BnFrom(jwk, "y");
        if (!x || !y) return Invalid("EC JWK without x or y");
        point = "\x04" + BnBytes(x.get(), 32) + BnBytes(y.get(), 32);
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
        type = "EC";
    } else {
        return Invalid("unsupported JWK type " + std::string(kty->as_string()));
    }
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_name(nullptr, type.c_str(), nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return Invalid("JWK is not a valid public key");
    }
    Pkey key(raw);
    return WritePublic(key.get());
}

Result<json::object> PemToJwk(std::string_view public_pem) {
    Pkey key = ReadPublic(public_pem);
    if (!key) return MakeError(ErrorCode::kInternal, "not a PEM public key");
    json::object jwk;
    if (EVP_PKEY_is_a(key.get(), "EC")) {
        BIGNUM* x = nullptr;
        BIGNUM* y = nullptr;
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x);
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y);
        Bn bx(x), by(y);
        if (!bx || !by) return MakeError(ErrorCode::kInternal, "cannot read the EC key");
        jwk = {{"kty", "EC"},
               {"crv", "P-256"},
               {"x", crypto::Base64UrlEncode(BnBytes(bx.get(), 32))},
               {"y", crypto::Base64UrlEncode(BnBytes(by.get(), 32))}};
    } else if (EVP_PKEY_is_a(key.get(), "RSA")) {
        BIGNUM* n = nullptr;
        BIGNUM* e = nullptr;
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n);
        EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e);
        Bn bn(n), be(e);
        if (!bn || !be) return MakeError(ErrorCode::kInternal, "cannot read the RSA key");
        jwk = {{"kty", "RSA"},
               {"n", crypto::Base64UrlEncode(BnBytes(bn.get()))},
               {"e", crypto::Base64UrlEncode(BnBytes(be.get()))}};
    } else {
        return MakeError(ErrorCode::kInternal, "unsupported key type");
    }
    return jwk;
}

}  // namespace dihya::auth
