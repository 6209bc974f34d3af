#pragma once

// The audit log: append-only, hash-chained, with pseudonymisation for GDPR erasure.
// Design and verification procedure: docs/audit.md.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/request_context.hpp"
#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::audit {

/// One thing that happened. Personal data goes only into actor_id, target_id (when target_type is
/// "user") and ip: those are committed by a salted digest and can be pseudonymised. `details` is hashed
/// as is and is never rewritten, so it must hold neither secrets nor personal data (no e-mail
/// addresses, names, tokens; refer to people through actor_id / target_id instead).
struct Entry {
    std::string action;                      // e.g. "auth.login": [a-z0-9_] words joined by '.', ≤ 64 chars
    std::optional<std::string> actor_id;     // user id; nullopt = the system or a guest
    std::optional<std::string> target_type;  // e.g. "user", "project"; same alphabet as action
    std::optional<std::string> target_id;    // requires target_type
    std::optional<std::string> request_id;
    std::optional<std::string> ip;  // truncated by TruncateIp on append (a full address is never stored)
    boost::json::object details;    // keys with secret-like names (password, token, ...) are refused
};

/// An entry for `action` taken while serving a request: request_id and (truncated) ip from `ctx`;
/// an empty or unparsable ctx.ip leaves ip unset.
Entry EntryFor(const RequestContext& ctx, std::string action, std::optional<std::string> actor_id = std::nullopt);

/// An entry as stored, for listing.
struct Record {
    std::int64_t seq = 0;
    std::string at;  // ISO 8601 UTC with milliseconds
    std::optional<std::string> actor_id;
    std::string action;
    std::optional<std::string> target_type;
    std::optional<std::string> target_id;
    std::optional<std::string> request_id;
    std::optional<std::string> ip;
    boost::json::object details;
    bool pseudonymised = false;
    std::optional<std::string> pseudonymised_at;
    std::string hash;
};

struct ListFilter {
    std::optional<std::string> actor_id;
    /// Exact action, or a prefix when it ends with '.' ("auth.") or ".*" ("auth.*").
    std::optional<std::string> action;
    std::optional<std::string> target_type;
    std::optional<std::string> target_id;
    std::optional<std::string> from;  // inclusive; ISO 8601 (see NormaliseTime)
    std::optional<std::string> to;    // exclusive
};

struct Page {
    std::vector<Record> entries;             // newest first
    std::optional<std::string> next_cursor;  // absent on the last page
};

inline constexpr int kDefaultListLimit = 50;
inline constexpr int kMaxListLimit = 200;

/// The first bad entry found by Verify.
struct VerifyFailure {
    std::int64_t seq = 0;
    /// "modified", "missing (gap after N)", "chain broken", "tail deleted: head says N",
    /// "not in head: head says N", "head mismatch", "pseudonymised but holds personal data", "head missing".
    std::string reason;
};

struct VerifyReport {
    std::int64_t entries = 0;  // entries checked (all of them when ok)
    std::string head_hash;     // hash of the last entry (kGenesisHash for an empty log)
    std::optional<VerifyFailure> failure;
    bool ok() const { return !failure.has_value(); }
};

/// Walks the whole chain in one consistent snapshot. Needs no key: anyone with read access can verify.
/// An error result means the log could not be read; a broken chain is a report with a failure.
Result<VerifyReport> Verify(storage::Db& db);

struct AuditOptions {
    /// Key for pseudonyms (16 to 64 bytes), e.g. DerivePseudonymKey(config.secret). Not stored anywhere.
    std::string pseudonym_key;
    /// Clock for `at` and `pseudonymised_at`; the system clock when empty.
    std::function<std::chrono::system_clock::time_point()> clock;
};

class AuditLog final {
public:
    /// Fails (kInvalidArgument) when the pseudonym key has the wrong size.
    static Result<std::unique_ptr<AuditLog>> Create(storage::Db& db, AuditOptions options);

    /// Appends inside the caller's write transaction on this log's database, so that an action and its
    /// entry commit (or roll back) together. Locks the chain's head until that transaction ends: append
    /// last in the transaction. Returns the entry's seq.
    Result<std::int64_t> Append(storage::Session& session, const Entry& entry) const;
    /// Appends in a transaction of its own.
    Result<std::int64_t> Append(const Entry& entry) const;

    /// Newest first. `cursor` is a Page::next_cursor (empty for the first page); `limit` 0 means
    /// kDefaultListLimit and is capped at kMaxListLimit. kInvalidArgument (with the field in details) on a
    /// bad cursor, limit, time or action filter.
    Result<Page> List(const ListFilter& filter, std::string_view cursor = {}, int limit = 0) const;

    /// GDPR erasure: every entry naming `user_id` (as actor, or as target of type "user") gets all of
    /// its personal fields replaced by their pseudonyms, its ip and salt removed and pseudonymised_at
    /// set. The chain stays valid. Returns the number of entries changed.
    Result<std::int64_t> Pseudonymise(storage::Session& session, std::string_view user_id) const;
    Result<std::int64_t> Pseudonymise(std::string_view user_id) const;

    /// The stable pseudonym that replaces `user_id` (e.g. to find an erased user's entries by key holders).
    std::string PseudonymOf(std::string_view user_id) const;

    Result<VerifyReport> Verify() const { return audit::Verify(db_); }

private:
    AuditLog(storage::Db& db, AuditOptions options) : db_(db), options_(std::move(options)) {}
    std::string Now() const;

    storage::Db& db_;
    AuditOptions options_;
};

}  // namespace dihya::audit
