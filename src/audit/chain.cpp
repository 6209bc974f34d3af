#include "audit/chain.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <arpa/inet.h>
#include <sodium.h>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace dihya::audit {

namespace {

constexpr std::string_view kEntryTag = "dihya.audit.entry.v1";
constexpr std::string_view kPiiTag = "dihya.audit.pii.v1";
constexpr std::string_view kPseudonymKeyTag = "dihya.audit.pseudonym-key.v1";
constexpr std::size_t kPseudonymHexChars = 16;

void EnsureSodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

/// Canonical encoding of one field: 0x00 for NULL, else 0x01, the length as 8 bytes big-endian, the bytes.
class Encoder final {
public:
    Encoder() {
        EnsureSodium();
        crypto_hash_sha256_init(&state_);
    }

    Encoder& Add(std::optional<std::string_view> field) {
        if (!field) {
            const unsigned char null_marker = 0;
            crypto_hash_sha256_update(&state_, &null_marker, 1);
            return *this;
        }
        std::array<unsigned char, 9> header{};
        header[0] = 1;
        std::uint64_t n = field->size();
        for (int i = 8; i >= 1; --i, n >>= 8) header[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n);
        crypto_hash_sha256_update(&state_, header.data(), header.size());
        crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(field->data()), field->size());
        return *this;
    }

    Encoder& Add(const std::optional<std::string>& field) {
        return Add(field ? std::optional<std::string_view>(*field) : std::nullopt);
    }

    std::string HexDigest() {
        std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
        crypto_hash_sha256_final(&state_, out.data());
        return Hex(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
    }

private:
    crypto_hash_sha256_state state_{};
};

bool IsLowerHex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

/// Reads exactly `width` digits at text[pos]; advances pos.
std::optional<int> Digits(std::string_view text, std::size_t& pos, std::size_t width) {
    if (pos + width > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

bool IsPersonalTarget(const std::optional<std::string>& target_type) {
    return target_type && *target_type == kUserTarget;
}

std::string PiiDigest(std::string_view salt_hex, const ChainFields& fields) {
    const bool personal_target = IsPersonalTarget(fields.target_type);
    return Encoder()
        .Add(kPiiTag)
        .Add(salt_hex)
        .Add(fields.actor_id)
        .Add(personal_target ? fields.target_id : std::nullopt)
        .Add(fields.ip)
        .HexDigest();
}

std::string EntryHash(const ChainFields& fields, std::string_view pii_digest, std::string_view prev_hash) {
    const bool personal_target = IsPersonalTarget(fields.target_type);
    const std::string seq = std::to_string(fields.seq);
    return Encoder()
        .Add(kEntryTag)
        .Add(std::string_view(seq))
        .Add(std::string_view(fields.at))
        .Add(std::string_view(fields.action))
        .Add(fields.target_type)
        .Add(personal_target ? std::nullopt : fields.target_id)
        .Add(fields.request_id)
        .Add(std::string_view(fields.details))
        .Add(pii_digest)
        .Add(prev_hash)
        .HexDigest();
}

std::string NewSalt() {
    return RandomHex(16);
}

std::string Pseudonym(std::string_view key, std::string_view user_id) {
    EnsureSodium();
    if (key.size() < crypto_generichash_KEYBYTES_MIN || key.size() > crypto_generichash_KEYBYTES_MAX) {
        throw std::invalid_argument("audit: the pseudonym key must be 16 to 64 bytes");
    }
    std::array<unsigned char, crypto_generichash_BYTES_MIN> out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(user_id.data()), user_id.size(),
                       reinterpret_cast<const unsigned char*>(key.data()), key.size());
    std::string hex = Hex(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
    return std::string(kPseudonymPrefix) + hex.substr(0, kPseudonymHexChars);
}

bool IsPseudonym(std::string_view value) {
    if (!value.starts_with(kPseudonymPrefix)) return false;
    std::string_view rest = value.substr(kPseudonymPrefix.size());
    return rest.size() == kPseudonymHexChars && IsLowerHex(rest);
}

std::string DerivePseudonymKey(std::string_view secret) {
    EnsureSodium();
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kPseudonymKeyTag.data()),
                              kPseudonymKeyTag.size());
    const unsigned char separator = 0;
    crypto_generichash_update(&state, &separator, 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    std::array<unsigned char, 32> out{};
    crypto_generichash_final(&state, out.data(), out.size());
    return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

Result<std::string> NormaliseTime(std::string_view text) {
    using namespace std::chrono;
    auto invalid = [] {
        return MakeError(ErrorCode::kInvalidArgument,
                         "not an ISO 8601 time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.mmm]Z or ±HH:MM)");
    };
    std::size_t pos = 0;
    auto y = Digits(text, pos, 4);
    if (!y || !Expect(text, pos, '-')) return invalid();
    auto mo = Digits(text, pos, 2);
    if (!mo || !Expect(text, pos, '-')) return invalid();
    auto d = Digits(text, pos, 2);
    if (!d) return invalid();
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return invalid();
    sys_time<milliseconds> t = sys_days(ymd);
    if (pos == text.size()) return FormatTime(t);
    if (!Expect(text, pos, 'T') && !Expect(text, pos, 't') && !Expect(text, pos, ' ')) return invalid();
    auto h = Digits(text, pos, 2);
    if (!h || *h > 23 || !Expect(text, pos, ':')) return invalid();
    auto mi = Digits(text, pos, 2);
    if (!mi || *mi > 59) return invalid();
    int sec = 0;
    int millis = 0;
    if (Expect(text, pos, ':')) {
        auto s = Digits(text, pos, 2);
        if (!s || *s > 60) return invalid();  // 60: a leap second, folded into the next minute
        sec = *s;
        if (Expect(text, pos, '.')) {
            std::size_t start = pos;
            while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) ++pos;
            if (pos == start) return invalid();
            std::string frac(text.substr(start, std::min<std::size_t>(pos - start, 3)));
            frac.resize(3, '0');
            millis = std::stoi(frac);
        }
    }
    t += hours{*h} + minutes{*mi} + seconds{sec} + milliseconds{millis};
    if (Expect(text, pos, 'Z') || Expect(text, pos, 'z')) {
        if (pos != text.size()) return invalid();
        return FormatTime(t);
    }
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return invalid();
    const int sign = text[pos++] == '+' ? 1 : -1;
    auto oh = Digits(text, pos, 2);
    if (!oh || *oh > 23 || !Expect(text, pos, ':')) return invalid();
    auto om = Digits(text, pos, 2);
    if (!om || *om > 59 || pos != text.size()) return invalid();
    t -= sign * (hours{*oh} + minutes{*om});
    return FormatTime(t);
}

std::string Hex(std::string_view bytes) {
    std::string hex(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    hex.pop_back();
    return hex;
}

}  // namespace dihya::audit
