#pragma once

// Sign-in with OAuth2 / OpenID Connect providers (GitHub, Google, any OIDC issuer found by discovery): the
// authorization code flow with PKCE (S256), a single-use state kept in the database (hashed; the PKCE verifier
// encrypted) so any node can finish a flow another started, and, for OIDC, a nonce and a verified ID token. The
// identity found goes to AuthService::LoginWithIdentity (or LinkIdentity for a signed-in account). No HTTP types:
// oauth_handlers.cpp maps this to routes.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/principal.hpp"
#include "auth/repository.hpp"
#include "auth/service.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "net/http_client.hpp"
#include "storage/db.hpp"

namespace dihya::auth {

/// RFC 7636 S256: base64url(SHA-256(verifier)), unpadded.
std::string PkceChallenge(std::string_view verifier);

/// Where a flow may send the browser back to: a path on this site ("/app", not "//host" or "/\host"), or an URL
/// whose origin is listed in cors.allowed_origins. kInvalidArgument naming return_to otherwise.
Result<void> CheckReturnTo(std::string_view return_to, const std::vector<std::string>& allowed_origins);

/// `url` with `params` appended to its query (encoded).
std::string AppendQuery(std::string_view url, const std::vector<std::pair<std::string, std::string>>& params);

/// A provider's signing keys (the `keys` of its JWKS document).
using JwkSet = std::vector<boost::json::object>;
/// The keys of a JWKS document (objects with a `kty`); kUnavailable when it has none.
Result<JwkSet> ParseJwks(const boost::json::value& document);

/// The key that should verify a token with this header: by `kid`, or the only suitable key when the token names
/// none. Suitable: RSA for RS256, EC P-256 for ES256, `use` sig or absent, `alg` equal or absent. nullptr when
/// none fits (an unknown kid: the caller may refetch the JWKS once).
const boost::json::object* SelectJwk(const JwkSet& keys, const boost::json::object& header);

struct IdTokenChecks {
    std::string issuer;
    std::string client_id;
    std::string nonce;
    std::int64_t now = 0;  // seconds since the epoch
    std::int64_t leeway = 60;
    /// Another spelling of the issuer the provider is known to use (Google: "accounts.google.com").
    std::string alternate_issuer;
};

/// OpenID Connect Core 3.1.3.7: the signature under the provider's key (RS256 or ES256 only, the algorithm
/// decided by the key, never by the token), iss, aud containing client_id (and azp, when present, equal to it),
/// exp, iat, sub, and nonce equal to the one sent. The claims, or kUnauthenticated naming the failed check.
Result<boost::json::object> VerifyIdToken(std::string_view token, const JwkSet& keys, const IdTokenChecks& checks);

struct OAuthOutcome {
    std::string provider;
    std::optional<TokenPair> tokens;  // a sign-in
    bool linked = false;              // an identity linked to the account that started the flow
    std::optional<std::string> return_to;
    /// A failure after the flow was recognised, when it has a return_to: the browser goes back there with the
    /// error in the fragment instead of stopping on an API error page. (Without return_to, Finish fails.)
    std::optional<Error> error;
};

/// What the provider sent to the redirect URI.
struct OAuthCallback {
    std::string code;
    std::string state;
    std::string error;    // the provider's error code (access_denied, ...), when it refused
    std::string browser;  // the value of the flow's cookie, as the browser sent it back
};

struct OAuthDeps {
    storage::Db& db;
    const crypto::FieldCipher& cipher;
    AuthService& auth;
    const net::HttpClient& http;
    const Clock& clock;
    Logger& log;
    std::vector<OAuthProviderConfig> providers;  // as checked and completed by the configuration loader
    std::string public_url;                      // base of the redirect URIs, without a trailing slash
    std::vector<std::string> allowed_origins;    // cors.allowed_origins: absolute return_to URLs allowed
    std::int64_t state_ttl_seconds = 600;
    std::int64_t cache_ttl_seconds = 3600;  // discovery documents and JWKS
};

class OAuthService final {
public:
    explicit OAuthService(OAuthDeps deps);

    const std::vector<OAuthProviderConfig>& providers() const { return d_.providers; }
    /// The URLs of every provider can be used (https://, or http:// to localhost); kInvalidArgument naming the key.
    Result<void> CheckProviders() const;
    /// "<public_url>/api/v1/auth/oauth/<name>/callback": register it with the provider.
    std::string RedirectUri(std::string_view provider) const;
    static std::string StartPath(std::string_view provider);

    /// A new flow: the provider's authorization URL to send the browser to. `link`: the signed-in account the
    /// identity will be linked to (instead of a sign-in). kNotFound for an unknown provider, kInvalidArgument for
    /// a bad return_to, kUnavailable when an OIDC provider's discovery document cannot be had.
    /// `browser`: a random value the caller also puts in a cookie of the browser; the callback must bring it back,
    /// so a flow started in one browser cannot be finished in another (login CSRF). Empty: no such check.
    Result<std::string> Start(std::string_view provider, const std::optional<std::string>& return_to,
                              const std::optional<Principal>& link, const RequestContext& ctx,
                              const std::string& browser = {});

    /// Ends a flow at the redirect URI: checks and spends the state, trades the code (with the PKCE verifier) for
    /// tokens, establishes who signed in, and signs in (or links). kInvalidArgument for a missing, unknown,
    /// expired or used state; kUnauthenticated when the provider refused or what it sent does not check out.
    Result<OAuthOutcome> Finish(std::string_view provider, const OAuthCallback& callback, const RequestContext& ctx);

private:
    struct Discovery {
        std::string issuer;
        std::string authorization_endpoint;
        std::string token_endpoint;
        std::string userinfo_endpoint;
        std::string jwks_uri;
        bool basic_auth = true;  // client_secret_basic, else client_secret_post
        TimePoint fetched_at;
    };
    struct Keys {
        JwkSet keys;
        TimePoint fetched_at;
    };

    const OAuthProviderConfig* Find(std::string_view name) const;
    Result<Discovery> Discover(const OAuthProviderConfig& p);
    Result<JwkSet> Jwks(const OAuthProviderConfig& p, const Discovery& disc, bool refresh);
    Result<boost::json::object> ExchangeCode(const OAuthProviderConfig& p, const std::string& token_endpoint,
                                             bool basic_auth, const std::string& code, const std::string& verifier);
    Result<ExternalIdentity> OidcIdentity(const OAuthProviderConfig& p, const std::string& code,
                                          const std::string& verifier, const std::string& nonce);
    Result<ExternalIdentity> GithubIdentity(const OAuthProviderConfig& p, const std::string& code,
                                            const std::string& verifier);
    Result<std::optional<OAuthStateRow>> TakeState(const std::string& state_hash);
    std::string VerifierAd(const std::string& state_hash) const { return "oauth_states.code_verifier:" + state_hash; }
    bool Fresh(TimePoint fetched_at) const;

    OAuthDeps d_;
    AccountsRepository repo_;
    std::mutex mu_;  // guards the caches
    std::map<std::string, Discovery, std::less<>> discovery_;
    std::map<std::string, Keys, std::less<>> jwks_;
};

}  // namespace dihya::auth
