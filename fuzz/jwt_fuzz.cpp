// Bearer tokens and provider keys: compact JWS checks, header peeking, signature verification under a fixed key
// (nothing random verifies), low-S checks, and JWKs turned into PEM keys.

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "auth/jwt.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const dihya::auth::KeyPair keys = [] {
        auto k = dihya::auth::GenerateEs256KeyPair();
        dihya::fuzz::Check(k.ok(), "no key pair");
        return std::move(k.value());
    }();
    const std::string token(dihya::fuzz::AsText(data, size));
    const bool canonical = dihya::auth::CheckCompactJws(token).ok();
    (void)dihya::auth::PeekJwtHeader(token);
    (void)dihya::auth::RequireLowS(token);
    auto claims = dihya::auth::VerifyJwt(token, "ES256", keys.public_pem);
    dihya::fuzz::Check(!claims.ok() || canonical, "a non-canonical token verified");
    dihya::fuzz::Check(!claims.ok(), "a token nobody signed with our key verified");
    (void)dihya::auth::VerifyJwt(token, "RS256", keys.public_pem);
    boost::system::error_code ec;
    boost::json::value jwk = boost::json::parse(token, ec);
    if (!ec && jwk.is_object()) (void)dihya::auth::JwkToPem(jwk.as_object());
    return 0;
}
