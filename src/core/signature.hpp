#pragma once

// Ed25519 signatures (libsodium crypto_sign_detached): what the marketplace signs approved packages with, and what
// every install verifies.

#include <string>
#include <string_view>

namespace dihya::crypto {

class Ed25519Signer final {
public:
    /// A key pair derived from `secret` for `purpose` (BLAKE2b keyed by the secret → the seed): every node of a
    /// cluster sharing the secret signs with the same key, and a new secret means a new key.
    static Ed25519Signer Derive(std::string_view secret, std::string_view purpose);

    /// The 64-byte signature of `message`, base64url.
    std::string Sign(std::string_view message) const;
    /// Whether `signature` (base64url) is this key's signature of `message`.
    bool Verify(std::string_view message, std::string_view signature) const;

    /// The 32-byte public key, base64url.
    std::string PublicKey() const;
    /// The first 16 hex characters of the public key's SHA-256: names the key beside each signature.
    std::string KeyId() const;

    /// Whether `signature` (base64url) is `public_key`'s (base64url) signature of `message`.
    static bool VerifyWith(std::string_view public_key, std::string_view message, std::string_view signature);

private:
    Ed25519Signer() = default;
    std::string public_key_;  // raw, 32 bytes
    std::string secret_key_;  // raw, 64 bytes (libsodium's seed ‖ public key)
};

}  // namespace dihya::crypto
