#include "core/signature.hpp"

#include <array>
#include <stdexcept>

#include <sodium.h>

#include "core/crypto.hpp"

namespace dihya::crypto {

Ed25519Signer Ed25519Signer::Derive(std::string_view secret, std::string_view purpose) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    const std::string key = Sha256(secret);  // any length of secret → a 32-byte BLAKE2b key
    crypto_generichash(seed.data(), seed.size(), reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size(),
                       reinterpret_cast<const unsigned char*>(key.data()), key.size());
    Ed25519Signer s;
    s.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
    s.secret_key_.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(s.public_key_.data()),
                             reinterpret_cast<unsigned char*>(s.secret_key_.data()), seed.data());
    sodium_memzero(seed.data(), seed.size());
    return s;
}

std::string Ed25519Signer::Sign(std::string_view message) const {
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         reinterpret_cast<const unsigned char*>(secret_key_.data()));
    return Base64UrlEncode(sig);
}

bool Ed25519Signer::VerifyWith(std::string_view public_key, std::string_view message, std::string_view signature) {
    const auto key = Base64UrlDecode(public_key);
    const auto sig = Base64UrlDecode(signature);
    if (!key || !sig || key->size() != crypto_sign_PUBLICKEYBYTES || sig->size() != crypto_sign_BYTES) return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                       reinterpret_cast<const unsigned char*>(key->data())) == 0;
}

bool Ed25519Signer::Verify(std::string_view message, std::string_view signature) const {
    return VerifyWith(PublicKey(), message, signature);
}

std::string Ed25519Signer::PublicKey() const {
    return Base64UrlEncode(public_key_);
}

std::string Ed25519Signer::KeyId() const {
    return Sha256Hex(public_key_).substr(0, 16);
}

}  // namespace dihya::crypto
