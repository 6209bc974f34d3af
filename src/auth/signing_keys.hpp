#pragma once

// ES256 signing keys for the tokens Dihya issues, kept in the database (private keys encrypted) so every node of a
// cluster signs and verifies alike. The newest key signs; a key is replaced when it is older than
// auth.signing_key_rotation_seconds, and replaced keys keep verifying until every token they signed has expired.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/repository.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::auth {

inline constexpr std::string_view kApiAudience = "dihya-api";
/// Short-lived tickets for protocols that cannot send an Authorization header (WebSocket, EventSource).
inline constexpr std::string_view kRealtimeAudience = "dihya-realtime";

struct SigningPolicy {
    std::string issuer;
    std::int64_t rotation_seconds = 7 * 86400;
    std::int64_t max_token_seconds = 3600;  // longest lifetime of a token signed (verification horizon)
};

class SigningKeys final {
public:
    SigningKeys(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, SigningPolicy policy);

    /// Signs `claims` (iss, aud, iat, exp and jti are added) for `audience`, valid `ttl_seconds`.
    Result<std::string> Sign(boost::json::object claims, std::string_view audience, std::int64_t ttl_seconds);
    /// Signature (ES256 only, known kid), issuer, audience and time. kUnauthenticated with the reason.
    Result<boost::json::object> Verify(std::string_view token, std::string_view audience);
    /// The public keys still verifying, as a JWK set.
    Result<boost::json::object> Jwks();
    /// Adds a new signing key now (also done automatically when the newest is due).
    Result<std::string> Rotate();
    /// Re-encrypts private keys that are under an older data key; returns how many.
    Result<std::int64_t> ReEncrypt();

private:
    struct Key {
        SigningKeyRow row;
        std::string private_pem;  // decrypted on first use for signing
    };
    Result<void> Reload();
    Result<std::string> Create(storage::Session& s);
    std::string Ad(const std::string& kid) const { return "signing_keys.private_key:" + kid; }

    storage::Db& db_;
    const crypto::FieldCipher& cipher_;
    const Clock& clock_;
    SigningPolicy policy_;
    AccountsRepository repo_;

    std::shared_mutex mu_;
    std::vector<Key> keys_;  // newest first
    TimePoint last_reload_{};

    struct Cached {
        boost::json::object claims;
        std::int64_t exp = 0;
        std::string audience;
    };
    std::mutex cache_mu_;
    std::unordered_map<std::string, Cached> verified_;  // token → claims, for tokens seen before
};

}  // namespace dihya::auth
