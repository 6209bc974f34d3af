#pragma once

// Compact JWS tokens through libjwt, with the checks libjwt leaves to the caller: the algorithm is fixed by the
// verifier (never taken from the token, so "alg": "none" and HS/RS confusion fail), and keys are PEM made from
// our own key pairs or from a provider's JWKS.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace dihya::auth {

/// The token's decoded header, without verifying anything (to choose the key by `kid`).
Result<boost::json::object> PeekJwtHeader(std::string_view token);

/// Verifies the signature with `public_pem` under exactly `alg` ("ES256" or "RS256") and returns the claims.
/// Time, issuer and audience are the caller's checks (CheckClaims).
Result<boost::json::object> VerifyJwt(std::string_view token, std::string_view alg, std::string_view public_pem);

/// Signs `claims` with `private_pem` under `alg`, with `kid` in the header.
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
