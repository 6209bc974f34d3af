#pragma once

// Web Push (RFC 8030) message encryption (RFC 8291, aes128gcm of RFC 8188) and VAPID (RFC 8292) authorization.

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dihya::notifications {

/// An application-server key pair for one message (P-256): the private scalar (32 bytes) and the uncompressed
/// public point (65 bytes). Random by default; fixed only to check the RFC's example.
struct EphemeralKey {
    std::string private_key;
    std::string public_key;
};

/// The aes128gcm body of a push message for the subscription's `ua_public` (65-byte point) and `auth_secret`
/// (16 bytes): salt, record size 4096, key id = the ephemeral public key, one record. kInvalidArgument when the
/// subscription's keys are malformed.
Result<std::string> EncryptPush(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret,
                                const EphemeralKey* fixed_key = nullptr, std::string_view fixed_salt = {});

/// A new P-256 key pair: the private key as PEM (for the VAPID JWT) and the public key as an uncompressed point.
struct VapidKey {
    std::string private_pem;
    std::string public_key;  // 65 bytes; base64url of it is the applicationServerKey browsers subscribe with
};
Result<VapidKey> GenerateVapidKey();
/// The public point of a VAPID private key (PEM).
Result<std::string> VapidPublicKey(std::string_view private_pem);

/// scheme://host[:port] of a push endpoint: the push service, the JWT's audience.
Result<std::string> PushOrigin(std::string_view endpoint);

/// The Authorization header of a push to `endpoint`: "vapid t=<ES256 JWT for the endpoint's origin, valid
/// 12 hours>, k=<public key>".
Result<std::string> VapidAuthorization(std::string_view endpoint, const VapidKey& key, std::string_view subject,
                                       std::int64_t now_seconds);

}  // namespace dihya::notifications
