#include "auth/oauth.hpp"

#include <map>
#include <memory>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth/jwt.hpp"
#include "auth/signing_keys.hpp"
#include "mail/mailer.hpp"
#include "storage/migrations.hpp"
#include "storage/test_database.hpp"

namespace dihya::auth {

using net::CheckOutgoingUrl;
using net::HttpCall;
using net::HttpClient;
using net::HttpReply;
namespace {

namespace json = boost::json;

constexpr std::string_view kIssuer = "https://idp.test";
constexpr std::string_view kClient = "client-1";

struct TestKey {
    std::string kid;
    std::string private_pem;
    std::string public_pem;
    json::object jwk;  // public, with kid
};

std::string Pem(EVP_PKEY* key, bool priv) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (priv) {
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
        PEM_write_bio_PUBKEY(bio, key);
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

TestKey MakeRsaKey(const std::string& kid) {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    TestKey k{kid, Pem(key, true), Pem(key, false), {}};
    EVP_PKEY_free(key);
    auto jwk = PemToJwk(k.public_pem);
    EXPECT_TRUE(jwk.ok());
    k.jwk = *jwk;
    k.jwk["kid"] = kid;
    k.jwk["use"] = "sig";
    return k;
}

TestKey MakeEcKey(const std::string& kid) {
    auto pair = GenerateEs256KeyPair();
    EXPECT_TRUE(pair.ok());
    TestKey k{kid, pair->private_pem, pair->public_pem, {}};
    auto jwk = PemToJwk(k.public_pem);
    EXPECT_TRUE(jwk.ok());
    k.jwk = *jwk;
    k.jwk["kid"] = kid;
    return k;
}

/// Keys are slow to make: once for the whole file.
const TestKey& Rsa() {
    static const TestKey k = MakeRsaKey("rsa-1");
    return k;
}
const TestKey& OtherRsa() {
    static const TestKey k = MakeRsaKey("rsa-2");
    return k;
}
const TestKey& Ec() {
    static const TestKey k = MakeEcKey("ec-1");
    return k;
}

std::int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

json::object Claims(const std::string& nonce = "n-123") {
    const std::int64_t now = NowSeconds();
    return {{"iss", kIssuer}, {"sub", "user-42"},           {"aud", kClient},        {"iat", now}, {"exp", now + 300},
            {"nonce", nonce}, {"email", "ada@example.org"}, {"email_verified", true}};
}

std::string Sign(const json::object& claims, const TestKey& key, std::string_view alg = "RS256",
                 std::string_view kid = "") {
    auto t = SignJwt(claims, alg, kid.empty() ? key.kid : kid, key.private_pem);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return *t;
}

std::string B64(std::string_view s) {
    return crypto::Base64UrlEncode(s);
}

/// header.payload.signature put together by hand (for the forgeries libjwt would not make).
std::string Compact(const json::object& header, const json::object& claims, std::string_view signature) {
    return B64(json::serialize(header)) + "." + B64(json::serialize(claims)) + "." + std::string(signature);
}

IdTokenChecks Checks(const std::string& nonce = "n-123") {
    return {std::string(kIssuer), std::string(kClient), nonce, NowSeconds(), 60};
}

void ExpectRejected(const Result<json::object>& r, std::string_view why) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
}

// --- PKCE, return_to, URLs -------------------------------------------------------------------------------------

TEST(OAuthPkce, Rfc7636AppendixB) {
    EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
              "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OAuthReturnTo, PathsAndAllowedOriginsOnly) {
    const std::vector<std::string> allowed = {"https://app.example.org", "http://localhost:5173/"};
    for (const char* ok : {"/", "/app", "/app/welcome?tab=1&x=%20", "https://app.example.org/cb",
                           "https://app.example.org", "http://localhost:5173/x"}) {
        EXPECT_TRUE(CheckReturnTo(ok, allowed).ok()) << ok;
    }
    for (const char* bad : {"", "//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
                            "app", "/a#b", "/a b", "/a\nb", "https://user@app.example.org/", "http://app.example.org/",
                            "https://app.example.org:8443/", "ftp://app.example.org/"}) {
        auto r = CheckReturnTo(bad, allowed);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_TRUE(r.error().details.count("return_to")) << bad;
    }
    // "*" in the CORS list does not open redirects to anywhere.
    EXPECT_FALSE(CheckReturnTo("https://evil.example/", {"*"}).ok());
}

TEST(OAuthUrl, ParametersAreEncodedAndAppended) {
    EXPECT_EQ(AppendQuery("https://idp.test/auth", {{"a", "x y"}, {"redirect_uri", "https://h/p?q=1&r"}}),
              "https://idp.test/auth?a=x%20y&redirect_uri=https%3A%2F%2Fh%2Fp%3Fq%3D1%26r");
    EXPECT_EQ(AppendQuery("https://idp.test/auth?tenant=t", {{"b", "1"}}), "https://idp.test/auth?tenant=t&b=1");
    EXPECT_EQ(AppendQuery("https://idp.test/auth?", {{"b", "é"}}), "https://idp.test/auth?b=%C3%A9");
}

TEST(OAuthUrl, OutgoingUrlsAreHttpsOrLoopback) {
    EXPECT_TRUE(CheckOutgoingUrl("https://accounts.google.com/x", "t").ok());
    EXPECT_TRUE(CheckOutgoingUrl("http://127.0.0.1:8080/x", "t").ok());
    EXPECT_TRUE(CheckOutgoingUrl("http://localhost/x", "t").ok());
    EXPECT_TRUE(CheckOutgoingUrl("http://[::1]:9/x", "t").ok());
    EXPECT_FALSE(CheckOutgoingUrl("http://idp.example.org/x", "t").ok());
    EXPECT_FALSE(CheckOutgoingUrl("file:///etc/passwd", "t").ok());
    EXPECT_FALSE(CheckOutgoingUrl("not a url", "t").ok());
}

// --- ID tokens -------------------------------------------------------------------------------------------------

TEST(OAuthIdToken, ValidRs256AndEs256) {
    const JwkSet keys = {Rsa().jwk, Ec().jwk};
    auto rs = VerifyIdToken(Sign(Claims(), Rsa()), keys, Checks());
    ASSERT_TRUE(rs.ok()) << rs.error().message;
    EXPECT_EQ(rs->at("sub").as_string(), "user-42");
    auto es = VerifyIdToken(Sign(Claims(), Ec(), "ES256"), keys, Checks());
    ASSERT_TRUE(es.ok()) << es.error().message;
}

TEST(OAuthIdToken, AudienceArrayNeedsTheClientAndAMatchingAzp) {
    const JwkSet keys = {Rsa().jwk};
    json::object c = Claims();
    c["aud"] = json::array{"other", kClient};
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), keys, Checks()), "several audiences and no azp");
    c["azp"] = kClient;
    EXPECT_TRUE(VerifyIdToken(Sign(c, Rsa()), keys, Checks()).ok());
    c["azp"] = "other";
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), keys, Checks()), "azp");
}

TEST(OAuthIdToken, WrongIssuer) {
    json::object c = Claims();
    c["iss"] = "https://evil.test";
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "wrong issuer");
}

TEST(OAuthIdToken, WrongAudience) {
    json::object c = Claims();
    c["aud"] = "someone-else";
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "wrong audience");
}

TEST(OAuthIdToken, WrongOrMissingNonce) {
    ExpectRejected(VerifyIdToken(Sign(Claims("other"), Rsa()), {Rsa().jwk}, Checks()), "wrong nonce");
    json::object c = Claims();
    c.erase("nonce");
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "wrong nonce");
    // An empty expected nonce never matches (a state without one cannot accept any token).
    c["nonce"] = "";
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks("")), "wrong nonce");
}

TEST(OAuthIdToken, ExpiredAndWithoutIat) {
    json::object c = Claims();
    c["exp"] = NowSeconds() - 120;  // beyond the 60 s leeway
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "expired");
    c = Claims();
    c.erase("iat");
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "no iat");
    c = Claims();
    c.erase("sub");
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "sub");
}

TEST(OAuthIdToken, AnAlternateIssuerSpellingOnlyWhenConfigured) {
    json::object c = Claims();
    c["iss"] = "idp.test";
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, Checks()), "wrong issuer");
    IdTokenChecks checks = Checks();
    checks.alternate_issuer = "idp.test";
    EXPECT_TRUE(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, checks).ok());
    c["iss"] = "evil.test";
    ExpectRejected(VerifyIdToken(Sign(c, Rsa()), {Rsa().jwk}, checks), "wrong issuer");
}

TEST(OAuthIdToken, AlgNoneIsRefused) {
    const std::string token = Compact({{"alg", "none"}, {"kid", Rsa().kid}}, Claims(), "");
    ExpectRejected(VerifyIdToken(token, {Rsa().jwk}, Checks()), "RS256 or ES256");
}

TEST(OAuthIdToken, Hs256KeyedWithThePublicKeyIsRefused) {
    const std::string header = B64(json::serialize(json::object{{"alg", "HS256"}, {"kid", Rsa().kid}}));
    const std::string input = header + "." + B64(json::serialize(Claims()));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), Rsa().public_pem.data(), static_cast<int>(Rsa().public_pem.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);          // NOLINT
    const std::string token = input + "." + B64(std::string(reinterpret_cast<char*>(mac), len));  // NOLINT
    ExpectRejected(VerifyIdToken(token, {Rsa().jwk}, Checks()), "RS256 or ES256");
}

TEST(OAuthIdToken, UnknownKid) {
    ExpectRejected(VerifyIdToken(Sign(Claims(), OtherRsa()), {Rsa().jwk}, Checks()), "no key");
    json::object header{{"alg", "RS256"}, {"kid", "rsa-2"}};
    EXPECT_EQ(SelectJwk({Rsa().jwk}, header), nullptr);
    EXPECT_NE(SelectJwk({Rsa().jwk, OtherRsa().jwk}, header), nullptr);
}

TEST(OAuthIdToken, BadSignature) {
    // Signed with another key, claiming the published kid.
    ExpectRejected(VerifyIdToken(Sign(Claims(), OtherRsa(), "RS256", Rsa().kid), {Rsa().jwk}, Checks()),
                   "bad signature");
    // A claim changed after signing.
    std::string token = Sign(Claims(), Rsa());
    const auto dot1 = token.find('.');
    const auto dot2 = token.find('.', dot1 + 1);
    json::object changed = Claims();
    changed["sub"] = "admin";
    token = token.substr(0, dot1 + 1) + B64(json::serialize(changed)) + token.substr(dot2);
    ExpectRejected(VerifyIdToken(token, {Rsa().jwk}, Checks()), "bad signature");
}

TEST(OAuthIdToken, TheKeyDecidesTheAlgorithm) {
    // An RSA key whose JWK names another algorithm, an encryption key, and an EC key under an RS256 header: no key.
    json::object rs512 = Rsa().jwk;
    rs512["alg"] = "RS512";
    ExpectRejected(VerifyIdToken(Sign(Claims(), Rsa()), {rs512}, Checks()), "no key");
    json::object enc = Rsa().jwk;
    enc["use"] = "enc";
    ExpectRejected(VerifyIdToken(Sign(Claims(), Rsa()), {enc}, Checks()), "no key");
    json::object ec_as_rsa_kid = Ec().jwk;
    ec_as_rsa_kid["kid"] = Rsa().kid;
    ExpectRejected(VerifyIdToken(Sign(Claims(), Rsa()), {ec_as_rsa_kid}, Checks()), "no key");
}

TEST(OAuthIdToken, WithoutKidTheOnlySuitableKey) {
    json::object rsa = Rsa().jwk;
    rsa.erase("kid");
    const std::string token = Compact({{"alg", "RS256"}}, Claims(), "x");
    auto header = PeekJwtHeader(token);
    ASSERT_TRUE(header.ok());
    EXPECT_NE(SelectJwk({rsa, Ec().jwk}, *header), nullptr);
    EXPECT_EQ(SelectJwk({rsa, OtherRsa().jwk}, *header), nullptr);  // two candidates: ambiguous
}

TEST(OAuthIdToken, JwksDocument) {
    auto keys = ParseJwks(json::parse(R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"},{"x":1},"junk"]})"));
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->size(), 1U);
    EXPECT_FALSE(ParseJwks(json::parse(R"({"keys":[]})")).ok());
    EXPECT_FALSE(ParseJwks(json::parse(R"([])")).ok());
}

// --- the service: state handling and a whole flow against a scripted provider ----------------------------------

std::map<std::string, std::string> QueryOf(std::string_view url) {
    std::map<std::string, std::string> out;
    auto u = boost::urls::parse_uri_reference(url);
    EXPECT_TRUE(u.has_value());
    for (const auto& p : u->params()) out[p.key] = p.value;
    return out;
}

/// An OpenID Connect provider in process: discovery, JWKS and a token endpoint that checks the PKCE verifier.
class ScriptedProvider final : public HttpClient {
public:
    Result<HttpReply> Send(const HttpCall& call) const override {
        calls.push_back(call);
        const std::string base(kIssuer);
        if (call.url == base + "/.well-known/openid-configuration") {
            ++discovery_fetches;
            return Reply(200, json::object{{"issuer", issuer},
                                           {"authorization_endpoint", base + "/authorize"},
                                           {"token_endpoint", base + "/token"},
                                           {"jwks_uri", base + "/jwks"}});
        }
        if (call.url == base + "/jwks") {
            ++jwks_fetches;
            json::array keys;
            for (const auto& k : published) keys.push_back(k);
            return Reply(200, json::object{{"keys", keys}});
        }
        if (call.url == base + "/token" && call.method == "POST") {
            const auto form = QueryOf("?" + call.body);
            if (form.count("code_verifier") == 0 || PkceChallenge(form.at("code_verifier")) != challenge ||
                form.at("code") != "good-code") {
                return Reply(400, json::object{{"error", "invalid_grant"}, {"error_description", "secret stuff"}});
            }
            json::object claims = Claims(nonce);
            if (tweak) tweak(claims);
            return Reply(
                200,
                json::object{{"access_token", "at-1"}, {"token_type", "Bearer"}, {"id_token", Sign(claims, *signer)}});
        }
        return Reply(404, json::object{});
    }

    static HttpReply Reply(long status, const json::value& body) {
        return {status, "application/json", json::serialize(body)};
    }

    std::string issuer{kIssuer};
    std::vector<json::object> published{Rsa().jwk};
    const TestKey* signer = &Rsa();
    std::function<void(json::object&)> tweak;
    std::string challenge;  // what the authorization URL carried
    std::string nonce;
    mutable std::vector<HttpCall> calls;
    mutable int discovery_fetches = 0;
    mutable int jwks_fetches = 0;
};

class NullMailer final : public mail::Mailer {
public:
    void Send(mail::Message) override {}
    void Flush() override {}
};

class NullAudit final : public AuditSink {
public:
    Result<void> Record(storage::Session&, const AuditEvent&) override { return Ok(); }
};

class OAuthServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(test_db_.Create().ok());
        auto db = test_db_.Open();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        auto migrated = storage::Migrate(*db_, storage::EmbeddedMigrations(db_->dialect()));
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        keys_ = std::make_unique<SigningKeys>(*db_, cipher_, clock_, SigningPolicy{"https://dihya.test", 86400, 900});
        auth_ = std::make_unique<AuthService>(AuthDeps{*db_, cipher_, hasher_, *keys_, mailer_, audit_, clock_, log_,
                                                       AuthConfig{}, "https://dihya.test", "1"});
        OAuthProviderConfig oidc{.name = "idp",
                                 .kind = "oidc",
                                 .title = "IdP",
                                 .client_id = std::string(kClient),
                                 .client_secret = "secret-1",
                                 .issuer = std::string(kIssuer),
                                 .scopes = {"openid", "email"}};
        OAuthProviderConfig other = oidc;
        other.name = "other";
        service_ = std::make_unique<OAuthService>(OAuthDeps{
            *db_, cipher_, *auth_, idp_, clock_, log_, {oidc, other}, "https://dihya.test/", {"https://app.test"}});
    }

    /// Starts a flow and tells the scripted provider what the authorization request carried.
    std::map<std::string, std::string> Begin(std::optional<std::string> return_to = std::nullopt,
                                             const std::string& provider = "idp") {
        auto url = service_->Start(provider, return_to, std::nullopt, {});
        EXPECT_TRUE(url.ok()) << url.error().message;
        if (!url.ok()) return {};
        auto q = QueryOf(*url);
        idp_.challenge = q["code_challenge"];
        idp_.nonce = q["nonce"];
        return q;
    }

    storage::testing::TestDatabase test_db_;
    std::unique_ptr<storage::Db> db_;
    crypto::FieldCipher cipher_{crypto::DeriveDataKey("a test secret that is long enough to use")};
    crypto::PasswordHasher hasher_{crypto::PasswordCost{1, 8 * 1024 * 1024}};
    ManualClock clock_;
    Logger log_{LogLevel::kError};
    NullMailer mailer_;
    NullAudit audit_;
    ScriptedProvider idp_;
    std::unique_ptr<SigningKeys> keys_;
    std::unique_ptr<AuthService> auth_;
    std::unique_ptr<OAuthService> service_;
};

TEST_F(OAuthServiceTest, StartBuildsTheAuthorizationRequest) {
    auto url = service_->Start("idp", std::string("/app"), std::nullopt, {});
    ASSERT_TRUE(url.ok()) << url.error().message;
    EXPECT_EQ(url->rfind("https://idp.test/authorize?", 0), 0U) << *url;
    auto q = QueryOf(*url);
    EXPECT_EQ(q["response_type"], "code");
    EXPECT_EQ(q["client_id"], kClient);
    EXPECT_EQ(q["redirect_uri"], "https://dihya.test/api/v1/auth/oauth/idp/callback");
    EXPECT_EQ(q["scope"], "openid email");
    EXPECT_EQ(q["code_challenge_method"], "S256");
    EXPECT_EQ(q["code_challenge"].size(), 43U);
    EXPECT_GE(q["state"].size(), 43U);
    EXPECT_GE(q["nonce"].size(), 22U);
    EXPECT_EQ(q.count("client_secret"), 0U);

    // Stored: the state hashed, the verifier encrypted (bound to the state), the nonce, ten minutes.
    auto rows = db_->Query("SELECT * FROM oauth_states");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1U);
    EXPECT_EQ(rows->GetText(0, "state_hash"), crypto::Sha256Hex(q["state"]));
    const std::string enc = *rows->GetText(0, "code_verifier_enc");
    auto verifier = cipher_.Decrypt(enc, "oauth_states.code_verifier:" + crypto::Sha256Hex(q["state"]));
    ASSERT_TRUE(verifier.ok());
    EXPECT_EQ(PkceChallenge(*verifier), q["code_challenge"]);
    EXPECT_GE(verifier->size(), 43U);
    EXPECT_EQ(enc.find(*verifier), std::string::npos);
    EXPECT_FALSE(cipher_.Decrypt(enc, "oauth_states.code_verifier:other").ok());
    EXPECT_EQ(rows->GetText(0, "nonce"), q["nonce"]);
    EXPECT_EQ(rows->GetText(0, "return_to"), "/app");
    EXPECT_EQ(rows->GetText(0, "expires_at"), FormatTime(clock_.Now() + std::chrono::minutes(10)));

    // Every start is new.
    auto again = QueryOf(*service_->Start("idp", std::nullopt, std::nullopt, {}));
    EXPECT_NE(again["state"], q["state"]);
    EXPECT_NE(again["code_challenge"], q["code_challenge"]);
    EXPECT_NE(again["nonce"], q["nonce"]);
    // The discovery document was fetched once and cached.
    EXPECT_EQ(idp_.discovery_fetches, 1);
}

TEST_F(OAuthServiceTest, AWholeFlowSignsInOnceAndTheStateWorksOnce) {
    auto q = Begin(std::string("/app"));
    auto out = service_->Finish("idp", {"good-code", q["state"], ""}, {});
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_TRUE(out->tokens.has_value());
    EXPECT_FALSE(out->tokens->access_token.empty());
    EXPECT_EQ(out->return_to, "/app");
    // The token call carried the code, the redirect URI and the verifier; the client authenticated with Basic.
    auto it = std::find_if(idp_.calls.begin(), idp_.calls.end(),
                           [](const HttpCall& c) { return c.url == "https://idp.test/token"; });
    ASSERT_NE(it, idp_.calls.end());
    const HttpCall& token = *it;
    EXPECT_EQ(token.method, "POST");
    auto form = QueryOf("?" + token.body);
    EXPECT_EQ(form["grant_type"], "authorization_code");
    EXPECT_EQ(form["redirect_uri"], "https://dihya.test/api/v1/auth/oauth/idp/callback");
    EXPECT_EQ(PkceChallenge(form["code_verifier"]), q["code_challenge"]);
    EXPECT_EQ(form.count("client_secret"), 0U);
    EXPECT_NE(std::find(token.headers.begin(), token.headers.end(),
                        "Authorization: Basic " + std::string("Y2xpZW50LTE6c2VjcmV0LTE=")),
              token.headers.end());

    auto again = service_->Finish("idp", {"good-code", q["state"], ""}, {});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(again.error().details.count("state"));
}

TEST_F(OAuthServiceTest, UnknownMissingAndTamperedStates) {
    auto q = Begin();
    for (const std::string& state : {std::string(), std::string("nope"), q["state"] + "x", std::string(600, 'a')}) {
        auto r = service_->Finish("idp", {"good-code", state, ""}, {});
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << state;
    }
    // None of that spent the real one.
    EXPECT_TRUE(service_->Finish("idp", {"good-code", q["state"], ""}, {}).ok());
}

TEST_F(OAuthServiceTest, ExpiredState) {
    auto q = Begin();
    clock_.Advance(std::chrono::minutes(10) + std::chrono::seconds(1));
    auto r = service_->Finish("idp", {"good-code", q["state"], ""}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(OAuthServiceTest, AStateBelongsToItsProvider) {
    auto q = Begin();
    auto r = service_->Finish("other", {"good-code", q["state"], ""}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(OAuthServiceTest, TheProvidersRefusalSpendsTheState) {
    auto q = Begin();
    auto r = service_->Finish("idp", {"", q["state"], "access_denied"}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message.find("access_denied"), std::string::npos);
    // Text that is not a plain error code is not repeated.
    auto q2 = Begin();
    auto odd = service_->Finish("idp", {"", q2["state"], "<script>alert(1)</script>"}, {});
    ASSERT_FALSE(odd.ok());
    EXPECT_EQ(odd.error().message.find("script"), std::string::npos);
    auto again = service_->Finish("idp", {"good-code", q["state"], ""}, {});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(OAuthServiceTest, UnknownProviderAndLinkWithoutSignIn) {
    EXPECT_EQ(service_->Start("nope", std::nullopt, std::nullopt, {}).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Finish("nope", {"c", "s", ""}, {}).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Start("idp", std::nullopt, Principal::Guest(), {}).error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(service_->Start("idp", std::string("https://evil.test/"), std::nullopt, {}).error().code,
              ErrorCode::kInvalidArgument);
}

TEST_F(OAuthServiceTest, AVerifierTheProviderDoesNotAcceptFails) {
    auto q = Begin();
    idp_.challenge = PkceChallenge("some-other-verifier-some-other-verifier-1234");
    auto r = service_->Finish("idp", {"good-code", q["state"], ""}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message.find("(invalid_grant)"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("secret stuff"), std::string::npos);
}

TEST_F(OAuthServiceTest, IdTokenFailuresRefuseTheSignIn) {
    for (const auto& [what, tweak] : std::vector<std::pair<std::string, std::function<void(json::object&)>>>{
             {"wrong nonce", [](json::object& c) { c["nonce"] = "other"; }},
             {"wrong audience", [](json::object& c) { c["aud"] = "other"; }},
             {"wrong issuer", [](json::object& c) { c["iss"] = "https://evil.test"; }},
             {"expired", [](json::object& c) { c["exp"] = NowSeconds() - 3600; }}}) {
        auto q = Begin();
        idp_.tweak = tweak;
        auto r = service_->Finish("idp", {"good-code", q["state"], ""}, {});
        ASSERT_FALSE(r.ok()) << what;
        EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated) << what;
        EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
    }
    auto users = db_->Query("SELECT COUNT(*) AS n FROM users");
    ASSERT_TRUE(users.ok());
    EXPECT_EQ(users->GetInt(0, "n"), 0);
}

TEST_F(OAuthServiceTest, AnUnknownKidFetchesTheJwksOnceMore) {
    auto q = Begin();
    ASSERT_TRUE(service_->Finish("idp", {"good-code", q["state"], ""}, {}).ok());
    EXPECT_EQ(idp_.jwks_fetches, 1);
    // The provider rotates its key: the cached set lacks the new kid, so it is fetched again, once.
    idp_.published = {OtherRsa().jwk};
    idp_.signer = &OtherRsa();
    q = Begin();
    ASSERT_TRUE(service_->Finish("idp", {"good-code", q["state"], ""}, {}).ok());
    EXPECT_EQ(idp_.jwks_fetches, 2);
    // A kid the provider does not publish at all: one more fetch, then refusal.
    idp_.signer = &Rsa();
    q = Begin();
    auto r = service_->Finish("idp", {"good-code", q["state"], ""}, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(idp_.jwks_fetches, 3);
}

TEST_F(OAuthServiceTest, ProviderUrlsMustBeHttpsOrLoopback) {
    EXPECT_TRUE(service_->CheckProviders().ok());
    OAuthProviderConfig plain{
        .name = "plain", .kind = "oidc", .client_id = "c", .client_secret = "s", .issuer = "http://sso.example.org"};
    OAuthService bad(OAuthDeps{*db_, cipher_, *auth_, idp_, clock_, log_, {plain}, "https://dihya.test", {}});
    auto r = bad.CheckProviders();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("oauth.plain.issuer"), std::string::npos) << r.error().message;
    plain.issuer = "http://127.0.0.1:9000";
    OAuthService local(OAuthDeps{*db_, cipher_, *auth_, idp_, clock_, log_, {plain}, "https://dihya.test", {}});
    EXPECT_TRUE(local.CheckProviders().ok());
}

TEST_F(OAuthServiceTest, ADiscoveryDocumentOfAnotherIssuerIsRefused) {
    idp_.issuer = "https://evil.test";
    auto r = service_->Start("idp", std::nullopt, std::nullopt, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(r.error().message.find("issuer"), std::string::npos);
}

}  // namespace
}  // namespace dihya::auth
