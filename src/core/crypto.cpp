#include "core/crypto.hpp"

#include <stdexcept>

#include <sodium.h>

namespace dihya::crypto {

namespace {

struct SodiumInit {
    SodiumInit() {
        if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    }
};

void EnsureInit() {
    static const SodiumInit init;
    (void)init;
}

const unsigned char* U(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

unsigned char* U(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

}  // namespace

std::string Sha256(std::string_view data) {
    std::string out(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(U(out), U(data), data.size());
    return out;
}

std::string Sha256Hex(std::string_view data) {
    return HexEncode(Sha256(data));
}

std::string HexEncode(std::string_view bytes) {
    std::string hex(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), U(bytes), bytes.size());
    hex.pop_back();
    return hex;
}

std::optional<std::string> HexDecode(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out(hex.size() / 2, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(U(out), out.size(), hex.data(), hex.size(), nullptr, &len, &end) != 0 || len != out.size() ||
        end != hex.data() + hex.size()) {
        return std::nullopt;
    }
    return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), U(bytes), bytes.size(), kVariant);
    out.pop_back();  // the terminating NUL
    return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
    std::string out(text.size() * 3 / 4 + 3, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(U(out), out.size(), text.data(), text.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size()) {
        return std::nullopt;
    }
    out.resize(len);
    return out;
}

std::string RandomBytes(std::size_t bytes) {
    EnsureInit();
    std::string out(bytes, '\0');
    randombytes_buf(out.data(), out.size());
    return out;
}

std::string RandomToken(std::size_t bytes) {
    return Base64UrlEncode(RandomBytes(bytes));
}

std::string NewUuid() {
    std::string b = RandomBytes(16);
    b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0F) | 0x40);
    b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3F) | 0x80);
    const std::string hex = HexEncode(b);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

PasswordHasher::PasswordHasher(PasswordCost cost) : cost_(cost) {
    EnsureInit();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.ops_limit,
                              static_cast<std::size_t>(cost_.mem_limit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return MakeError(ErrorCode::kUnavailable, "not enough memory to hash the password; try again later");
    }
    return std::string(out);
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
    if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
    const std::string z(encoded);  // NUL-terminated copy
    return crypto_pwhash_str_verify(z.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view encoded) const {
    const std::string z(encoded);
    return crypto_pwhash_str_needs_rehash(z.c_str(), cost_.ops_limit, static_cast<std::size_t>(cost_.mem_limit)) != 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
    std::call_once(dummy_once_, [this] {
        auto dummy = Hash(RandomToken(16));
        dummy_ = dummy ? std::move(*dummy) : std::string();
    });
    (void)Verify(dummy_, password);
}

namespace {

DataKey MakeDataKey(std::string key) {
    DataKey k;
    std::string id(8, '\0');
    crypto_generichash(U(id), id.size(), reinterpret_cast<const unsigned char*>("dihya-key-id"), 12, U(key),
                       key.size());  // NOLINT
    k.id = HexEncode(id).substr(0, 8);
    k.index_key.assign(32, '\0');
    crypto_kdf_derive_from_key(U(k.index_key), k.index_key.size(), 1, "dihyaidx", U(key));
    k.key = std::move(key);
    return k;
}

}  // namespace

Result<DataKey> ParseDataKey(std::string_view hex, std::string_view origin) {
    auto raw = HexDecode(hex);
    if (!raw || raw->size() != 32) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            std::string(origin) + ": must be 64 hexadecimal characters (32 bytes, e.g. `openssl rand -hex 32`)");
    }
    EnsureInit();
    return MakeDataKey(std::move(*raw));
}

DataKey DeriveDataKey(std::string_view secret) {
    EnsureInit();
    std::string key(32, '\0');
    crypto_generichash(U(key), key.size(), U(secret), secret.size(),
                       reinterpret_cast<const unsigned char*>("dihya-data-key"),
                       14);  // NOLINT
    return MakeDataKey(std::move(key));
}

FieldCipher::FieldCipher(DataKey current, std::vector<DataKey> previous)
    : current_(std::move(current)), previous_(std::move(previous)) {
    EnsureInit();
}

std::string FieldCipher::Encrypt(std::string_view plaintext, std::string_view ad) const {
    std::string buf(kNonce + plaintext.size() + kTag, '\0');
    randombytes_buf(buf.data(), kNonce);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(U(buf) + kNonce, &len, U(plaintext), plaintext.size(), U(ad), ad.size(),
                                               nullptr, U(buf), U(current_.key));
    buf.resize(kNonce + len);
    return current_.id + "." + Base64UrlEncode(buf);
}

const DataKey* FieldCipher::Find(std::string_view id) const {
    if (id == current_.id) return &current_;
    for (const auto& k : previous_) {
        if (k.id == id) return &k;
    }
    return nullptr;
}

Result<std::string> FieldCipher::Decrypt(std::string_view ciphertext, std::string_view ad) const {
    const auto dot = ciphertext.find('.');
    if (dot == std::string_view::npos) return MakeError(ErrorCode::kInvalidArgument, "malformed ciphertext");
    const DataKey* key = Find(ciphertext.substr(0, dot));
    if (key == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "data encrypted under key " + std::string(ciphertext.substr(0, dot)) +
                             ", which is not configured (encryption.key / encryption.previous_keys)");
    }
    auto raw = Base64UrlDecode(ciphertext.substr(dot + 1));
    if (!raw || raw->size() < kNonce + kTag) return MakeError(ErrorCode::kInvalidArgument, "malformed ciphertext");
    std::string out(raw->size() - kNonce - kTag, '\0');
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(U(out), &len, nullptr, U(*raw) + kNonce, raw->size() - kNonce, U(ad),
                                                   ad.size(), U(*raw), U(key->key)) != 0) {
        return MakeError(ErrorCode::kInvalidArgument, "ciphertext failed authentication");
    }
    out.resize(len);
    return out;
}

bool FieldCipher::IsStale(std::string_view ciphertext) const {
    return ciphertext.substr(0, ciphertext.find('.')) != current_.id;
}

std::string FieldCipher::Index(const DataKey& key, std::string_view domain, std::string_view value) {
    std::string out(32, '\0');
    crypto_generichash_state st;
    crypto_generichash_init(&st, U(key.index_key), key.index_key.size(), out.size());
    crypto_generichash_update(&st, U(domain), domain.size());
    const unsigned char sep = 0;
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, U(value), value.size());
    crypto_generichash_final(&st, U(out), out.size());
    return Base64UrlEncode(out);
}

std::string FieldCipher::BlindIndex(std::string_view domain, std::string_view value) const {
    return Index(current_, domain, value);
}

std::vector<std::string> FieldCipher::BlindIndexes(std::string_view domain, std::string_view value) const {
    std::vector<std::string> out{Index(current_, domain, value)};
    for (const auto& k : previous_) out.push_back(Index(k, domain, value));
    return out;
}

}  // namespace dihya::crypto
