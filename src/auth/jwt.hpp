#pragma once

// Compact JWS tokens through libjwt, with the checks libjwt leaves to the caller: the algorithm is fixed by the
// verifier (never taken from the token, so "alg": "none" and HS/RS confusion fail), and keys are PEM made from
// our own key pairs or from a provider's JWKS.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace dihya::auth {

/// Whether `token` is a compact JWS in its one canonical spelling: three non-empty parts of unpadded base64url
/// ([A-Za-z0-9_-] only, no '=', unused trailing bits zero), no fourth part or trailing '.'. kUnauthenticated.
Result<void> CheckCompactJws(std::string_view token);

/// ES256 signatures of our own tokens are low-S (S ≤ n/2; SignJwt writes them so): the high-S twin of a valid
/// signature is refused, so one token has one spelling. kUnauthenticated.
Result<void> RequireLowS(std::string_view token);

/// The token's decoded header, without verifying anything (to choose the key by `kid`).
Result<boost::json::object> PeekJwtHeader(std::string_view token);

/// Verifies the signature with `public_pem` under exactly `alg` ("ES256" or "RS256") and returns the claims;
/// non-canonical spellings (CheckCompactJws) are refused first.
/// Time, issuer and audience are the caller's checks (CheckClaims).
Result<boost::json::object> VerifyJwt(std::string_view token, std::string_view alg, std::string_view public_pem);

/// Signs `claims` with `private_pem` under `alg`, with `kid` in the header (ES256: a low-S signature).
Result<std::string> SignJwt(const boost::json::object& claims, std::string_view alg, std::string_view kid,
                            std::string_view private_pem);

struct ClaimChecks {
    std::string issuer;
    std::string audience;  // matches a string `aud` or one element of an array `aud`
    std::int64_t now = 0;  // seconds since the epoch
    std::int64_t leeway = 0;
};
/// exp (required), nbf and iat (if present), iss, aud. kUnauthenticated naming the failed check.
Result<void> CheckClaims(const boost::json::object& claims, const ClaimChecks& checks);

struct KeyPair {
    std::string private_pem;
    std::string public_pem;
};
/// A new P-256 key pair for ES256.
Result<KeyPair> GenerateEs256KeyPair();

/// A public key from a JWK (RSA: n, e; EC P-256: x, y) as PEM.
Result<std::string> JwkToPem(const boost::json::object& jwk);
/// The public JWK (kty, crv, x, y / n, e) of a PEM public key.
Result<boost::json::object> PemToJwk(std::string_view public_pem);

}  // namespace dihya::auth
