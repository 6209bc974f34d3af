#include "auth/signing_keys.hpp"

#include <boost/json.hpp>

#include "auth/jwt.hpp"

namespace dihya::auth {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCached = 20'000;

std::int64_t Seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

SigningKeys::SigningKeys(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, SigningPolicy policy)
    : db_(db), cipher_(cipher), clock_(clock), policy_(std::move(policy)) {}

Result<void> SigningKeys::Reload() {
    std::vector<SigningKeyRow> rows;
    auto r = db_.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto listed = repo_.ListSigningKeys(s, FormatTime(clock_.Now()));
            if (!listed) return listed.take_error();
            rows = std::move(*listed);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r;
    std::unique_lock lock(mu_);
    std::vector<Key> keys;
    for (auto& row : rows) {
        Key k{std::move(row), ""};
        for (auto& old : keys_) {
            if (old.row.kid == k.row.kid) k.private_pem = old.private_pem;
        }
        keys.push_back(std::move(k));
    }
    keys_ = std::move(keys);
    last_reload_ = clock_.Now();
    return Ok();
}

Result<std::string> SigningKeys::Create(storage::Session& s) {
    auto pair = GenerateEs256KeyPair();
    if (!pair) return pair.take_error();
    const TimePoint now = clock_.Now();
    SigningKeyRow row;
    row.kid = crypto::RandomToken(12);
    row.alg = "ES256";
    row.private_key_enc = cipher_.Encrypt(pair->private_pem, Ad(row.kid));
    row.public_key_pem = pair->public_pem;
    row.created_at = FormatTime(now);
    row.retire_at = FormatTime(now + std::chrono::seconds(policy_.rotation_seconds));
    row.expires_at = FormatTime(now + std::chrono::seconds(policy_.rotation_seconds + policy_.max_token_seconds + 300));
    if (auto r = repo_.InsertSigningKey(s, row); !r) return r.take_error();
    (void)repo_.PurgeSigningKeys(s, FormatTime(now));
    return row.kid;
}

Result<std::string> SigningKeys::Rotate() {
    std::string kid;
    auto r = db_.Transaction([&](storage::Session& s) -> Result<void> {
        auto created = Create(s);
        if (!created) return created.take_error();
        kid = std::move(*created);
        return Ok();
    });
    if (!r) return r.take_error();
    if (auto reloaded = Reload(); !reloaded) return reloaded.take_error();
    return kid;
}

Result<std::string> SigningKeys::Sign(json::object claims, std::string_view audience, std::int64_t ttl) {
    const TimePoint now = clock_.Now();
    const std::string now_text = FormatTime(now);
    std::string kid, pem;
    for (int attempt = 0; attempt < 3 && pem.empty(); ++attempt) {
        {
            std::shared_lock lock(mu_);
            if (!keys_.empty() && keys_.front().row.retire_at > now_text && !keys_.front().private_pem.empty()) {
                kid = keys_.front().row.kid;
                pem = keys_.front().private_pem;
                break;
            }
        }
        if (auto r = Reload(); !r) return r.take_error();
        std::unique_lock lock(mu_);
        if (keys_.empty() || keys_.front().row.retire_at <= now_text) {
            lock.unlock();
            if (auto created = Rotate(); !created) return created.take_error();
            continue;
        }
        Key& k = keys_.front();
        if (k.private_pem.empty()) {
            auto plain = cipher_.Decrypt(k.row.private_key_enc, Ad(k.row.kid));
            if (!plain)
                return MakeError(ErrorCode::kInternal, "cannot decrypt the signing key: " + plain.error().message);
            k.private_pem = std::move(*plain);
        }
    }
    if (pem.empty()) return MakeError(ErrorCode::kInternal, "no signing key available");
    const std::int64_t iat = Seconds(now);
    claims["iss"] = policy_.issuer;
    claims["aud"] = audience;
    claims["iat"] = iat;
    claims["exp"] = iat + std::min(ttl, policy_.max_token_seconds);
    claims["jti"] = crypto::RandomToken(12);
    return SignJwt(claims, "ES256", kid, pem);
}

Result<json::object> SigningKeys::Verify(std::string_view token, std::string_view audience) {
    const std::int64_t now = Seconds(clock_.Now());
    const std::string key(token);
    {
        std::lock_guard lock(cache_mu_);
        if (auto it = verified_.find(key); it != verified_.end()) {
            if (it->second.audience != audience)
                return MakeError(ErrorCode::kUnauthenticated, "invalid token: wrong audience");
            if (now >= it->second.exp) return MakeError(ErrorCode::kUnauthenticated, "token expired");
            return it->second.claims;
        }
    }
    if (auto canonical = CheckCompactJws(token); !canonical) return canonical.take_error();
    if (auto low = RequireLowS(token); !low) return low.take_error();
    auto header = PeekJwtHeader(token);
    if (!header) return header.take_error();
    const auto* alg = header->if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->as_string() != "ES256") {
        return MakeError(ErrorCode::kUnauthenticated, "invalid token: algorithm must be ES256");
    }
    const auto* kid_v = header->if_contains("kid");
    if (kid_v == nullptr || !kid_v->is_string()) return MakeError(ErrorCode::kUnauthenticated, "invalid token: no kid");
    const std::string kid(kid_v->as_string());
    auto find = [&]() -> std::string {
        std::shared_lock lock(mu_);
        for (const auto& k : keys_) {
            if (k.row.kid == kid) return k.row.public_key_pem;
        }
        return "";
    };
    std::string pem = find();
    if (pem.empty()) {
        bool reload = false;
        {
            std::shared_lock lock(mu_);
            reload = clock_.Now() - last_reload_ > std::chrono::seconds(1);  // another node's new key
        }
        if (reload) {
            if (auto r = Reload(); !r) return r.take_error();
            pem = find();
        }
    }
    if (pem.empty()) return MakeError(ErrorCode::kUnauthenticated, "invalid token: unknown signing key");
    auto claims = VerifyJwt(token, "ES256", pem);
    if (!claims) return claims.take_error();
    if (auto r = CheckClaims(*claims, {policy_.issuer, std::string(audience), now, 0}); !r) return r.take_error();
    const auto exp = claims->at("exp").to_number<std::int64_t>();
    std::lock_guard lock(cache_mu_);
    if (verified_.size() >= kMaxCached) {
        std::erase_if(verified_, [&](const auto& kv) { return kv.second.exp <= now; });
        if (verified_.size() >= kMaxCached) verified_.clear();
    }
    verified_.emplace(key, Cached{*claims, exp, std::string(audience)});
    return claims;
}

Result<json::object> SigningKeys::Jwks() {
    if (auto r = Reload(); !r) return r.take_error();
    json::array keys;
    std::shared_lock lock(mu_);
    for (const auto& k : keys_) {
        auto jwk = PemToJwk(k.row.public_key_pem);
        if (!jwk) return jwk.take_error();
        (*jwk)["kid"] = k.row.kid;
        (*jwk)["alg"] = "ES256";
        (*jwk)["use"] = "sig";
        keys.push_back(std::move(*jwk));
    }
    return json::object{{"keys", std::move(keys)}};
}

Result<std::int64_t> SigningKeys::ReEncrypt() {
    std::int64_t n = 0;
    auto r = db_.Transaction([&](storage::Session& s) -> Result<void> {
        auto all = repo_.AllSigningKeys(s);
        if (!all) return all.take_error();
        for (const auto& [kid, enc] : *all) {
            if (!cipher_.IsStale(enc)) continue;
            auto plain = cipher_.Decrypt(enc, Ad(kid));
            if (!plain)
                return MakeError(ErrorCode::kInvalidArgument, "signing key " + kid + ": " + plain.error().message);
            if (auto u = repo_.UpdateSigningKey(s, kid, cipher_.Encrypt(*plain, Ad(kid))); !u) return u;
            ++n;
        }
        return Ok();
    });
    if (!r) return r.take_error();
    return n;
}

}  // namespace dihya::auth
