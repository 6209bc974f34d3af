#pragma once

// Thin wrappers over libsodium: hashing, random tokens, constant-time comparison, Argon2id password
// hashes, and field encryption (XChaCha20-Poly1305) with keyed blind indexes for lookups.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dihya::crypto {

/// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
/// Raw 32-byte SHA-256 of `data`.
std::string Sha256(std::string_view data);

std::string Base64UrlEncode(std::string_view bytes);
/// nullopt when `text` is not unpadded base64url.
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);

/// `bytes` random bytes as unpadded base64url (an unguessable token for links, refresh tokens, keys).
std::string RandomToken(std::size_t bytes = 32);
std::string RandomBytes(std::size_t bytes);
/// A random (version 4) UUID in its canonical lower-case form.
std::string NewUuid();

/// Constant-time for equal lengths; different lengths are unequal (the length is not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

/// Argon2id (libsodium crypto_pwhash_str) with the cost chosen in configuration.
struct PasswordCost {
    std::uint64_t ops_limit = 2;            // crypto_pwhash_OPSLIMIT_INTERACTIVE
    std::uint64_t mem_limit = 64ULL << 20;  // bytes; crypto_pwhash_MEMLIMIT_INTERACTIVE
};

class PasswordHasher final {
public:
    explicit PasswordHasher(PasswordCost cost = {});
    /// An encoded Argon2id hash ($argon2id$v=19$m=...,t=...,p=1$salt$hash).
    Result<std::string> Hash(std::string_view password) const;
    bool Verify(std::string_view encoded, std::string_view password) const;
    /// True when `encoded` was made with other parameters (rehash after a successful login).
    bool NeedsRehash(std::string_view encoded) const;
    /// Spends the time of one verification against a hash of a random password: callers use it when there is
    /// no account, so unknown and known emails take the same time.
    void VerifyDummy(std::string_view password) const;

private:
    PasswordCost cost_;
    mutable std::once_flag dummy_once_;  // the dummy hash costs one hashing: made on first need, not at start-up
    mutable std::string dummy_;
};

/// A 32-byte data key: `id` (8 hex characters derived from the key) names it inside each ciphertext.
struct DataKey {
    std::string id;
    std::string key;        // 32 raw bytes (encryption)
    std::string index_key;  // 32 raw bytes derived from `key` (blind indexes)
};

/// Parses 64 hex characters into a DataKey; the message names `origin` on failure.
Result<DataKey> ParseDataKey(std::string_view hex, std::string_view origin);
/// Derives a data key from the server secret (used when no encryption key is configured).
DataKey DeriveDataKey(std::string_view secret);

/// Field encryption with a key ring: the current key encrypts; previous keys still decrypt, so keys can be rotated
/// while data is re-encrypted (`dihya keys rotate`). Ciphertexts are "<key id>.<base64url(nonce ‖ ciphertext)>".
/// The associated data binds a ciphertext to its place (e.g. "users.email:<user id>"): moved elsewhere, it fails.
class FieldCipher final {
public:
    FieldCipher(DataKey current, std::vector<DataKey> previous = {});

    std::string Encrypt(std::string_view plaintext, std::string_view associated_data) const;
    /// kInvalidArgument on a malformed or tampered ciphertext, or one under an unknown key.
    Result<std::string> Decrypt(std::string_view ciphertext, std::string_view associated_data) const;
    /// True when `ciphertext` is not under the current key (it needs re-encryption).
    bool IsStale(std::string_view ciphertext) const;

    /// Keyed BLAKE2b of `value` under the current key: equal values give equal indexes, so a column of them can be
    /// searched for equality without storing the value. `domain` separates uses ("email", "oauth-subject").
    std::string BlindIndex(std::string_view domain, std::string_view value) const;
    /// The index under every key of the ring, current first: lookups during a rotation find rows under either.
    std::vector<std::string> BlindIndexes(std::string_view domain, std::string_view value) const;

    const DataKey& current() const { return current_; }

private:
    const DataKey* Find(std::string_view id) const;
    static std::string Index(const DataKey& key, std::string_view domain, std::string_view value);

    DataKey current_;
    std::vector<DataKey> previous_;
};

}  // namespace dihya::crypto
