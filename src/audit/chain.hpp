#pragma once

// The audit chain's hashing, as documented in docs/audit.md. Pure functions: no database, no clock.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/net.hpp"
#include "core/result.hpp"

namespace dihya::audit {

/// The target type whose target_id is a user id, hence personal data.
inline constexpr std::string_view kUserTarget = "user";

/// prev_hash of the first entry and last_hash of an empty chain.
inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

/// Prefix of every pseudonym; see Pseudonym().
inline constexpr std::string_view kPseudonymPrefix = "erased-";

/// The fields of one entry that the chain covers, as stored (NULL = nullopt).
struct ChainFields {
    std::int64_t seq = 0;
    std::string at;
    std::optional<std::string> actor_id;
    std::string action;
    std::optional<std::string> target_type;
    std::optional<std::string> target_id;
    std::optional<std::string> request_id;
    std::optional<std::string> ip;
    std::string details;  // the JSON text exactly as stored
};

/// True when target_id is a user id (target_type "user"): it is then committed through the PII digest.
bool IsPersonalTarget(const std::optional<std::string>& target_type);

/// SHA-256 over the salt (hex, as stored) and the personal fields: actor_id, target_id when personal, ip.
std::string PiiDigest(std::string_view salt_hex, const ChainFields& fields);

/// SHA-256 over seq, at, action, target_type, target_id when not personal, request_id, details,
/// pii_digest and prev_hash, each length-prefixed.
std::string EntryHash(const ChainFields& fields, std::string_view pii_digest, std::string_view prev_hash);

/// 16 random bytes as 32 hex characters.
std::string NewSalt();

/// "erased-" + the first 16 hex characters of BLAKE2b(user_id) keyed with `key` (16 to 64 bytes).
std::string Pseudonym(std::string_view key, std::string_view user_id);

/// True for a value shaped like Pseudonym()'s output.
bool IsPseudonym(std::string_view value);

/// A 32-byte pseudonym key derived from the server secret (BLAKE2b with a fixed context), so that the
/// key needs no configuration of its own. Pseudonyms stay stable as long as the secret does.
std::string DerivePseudonymKey(std::string_view secret);

/// Parses "YYYY-MM-DD", or "YYYY-MM-DDTHH:MM[:SS[.fraction]]" followed by "Z" or "±HH:MM", into the
/// canonical form of FormatTime (sub-millisecond digits are dropped). kInvalidArgument otherwise.
Result<std::string> NormaliseTime(std::string_view text);

/// Lower-case hex.
std::string Hex(std::string_view bytes);

}  // namespace dihya::audit
