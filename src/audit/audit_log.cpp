#include "audit/audit_log.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <stdexcept>
#include <utility>

#include <boost/json.hpp>
#include <sodium.h>

#include "audit/chain.hpp"
#include "audit/embedded_sql.hpp"
#include "core/redact.hpp"

namespace dihya::audit {

namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxIdLength = 128;
constexpr std::size_t kMaxDetailsBytes = std::size_t{16} * 1024;
constexpr std::int64_t kVerifyPageSize = 500;

std::string_view Query(std::string_view name) {
    std::string_view sql = sql::EmbeddedFile(name);
    if (sql.empty()) throw std::logic_error("audit: embedded query missing: " + std::string(name));
    return sql;
}

storage::Value Nullable(const std::optional<std::string>& s) {
    if (!s) return std::monostate{};
    return *s;
}

/// Words of [a-z0-9_] joined by single dots, at most 64 characters.
bool IsName(std::string_view s) {
    if (s.empty() || s.size() > kMaxNameLength || s.front() == '.' || s.back() == '.') return false;
    char prev = '.';
    for (char c : s) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!word && !(c == '.' && prev != '.')) return false;
        prev = c;
    }
    return true;
}

void CheckId(const std::optional<std::string>& id, const std::string& field,
             std::map<std::string, std::string>& errors) {
    if (id && (id->empty() || id->size() > kMaxIdLength)) errors[field] = "must be 1 to 128 characters";
}

/// Collects the paths of keys with secret-like names.
void FindSensitiveKeys(const boost::json::value& v, const std::string& path, std::map<std::string, std::string>& out) {
    if (v.is_object()) {
        for (const auto& [key, child] : v.as_object()) {
            const std::string child_path = path + "." + std::string(key);
            if (IsSensitiveName(key)) {
                out[child_path] = "looks like a secret; secrets never go into the audit log";
                continue;
            }
            FindSensitiveKeys(child, child_path, out);
        }
        return;
    }
    if (v.is_array()) {
        const auto& array = v.as_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            FindSensitiveKeys(array[i], path + "[" + std::to_string(i) + "]", out);
        }
    }
}

/// Validated, normalised fields of an entry (seq and at still unset) and its details as JSON text.
Result<ChainFields> Prepare(const Entry& entry) {
    std::map<std::string, std::string> errors;
    if (!IsName(entry.action)) errors["action"] = "must be words of [a-z0-9_] joined by '.', at most 64 characters";
    if (entry.target_type && !IsName(*entry.target_type)) {
        errors["target_type"] = "must be words of [a-z0-9_] joined by '.', at most 64 characters";
    }
    if (entry.target_id && !entry.target_type) errors["target_id"] = "needs a target_type";
    CheckId(entry.actor_id, "actor_id", errors);
    CheckId(entry.target_id, "target_id", errors);
    CheckId(entry.request_id, "request_id", errors);
    ChainFields fields;
    if (entry.ip) {
        fields.ip = TruncateIp(*entry.ip);
        if (!fields.ip) errors["ip"] = "not an IP address";
    }
    FindSensitiveKeys(entry.details, "details", errors);
    fields.details = boost::json::serialize(entry.details);
    if (fields.details.size() > kMaxDetailsBytes) errors["details"] = "larger than 16 KiB";
    if (!errors.empty()) return MakeError(ErrorCode::kInvalidArgument, "invalid audit entry", std::move(errors));
    fields.actor_id = entry.actor_id;
    fields.action = entry.action;
    fields.target_type = entry.target_type;
    fields.target_id = entry.target_id;
    fields.request_id = entry.request_id;
    return fields;
}

std::string EncodeCursor(std::int64_t seq) {
    const std::string text = std::to_string(seq);
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_ENCODED_LEN(text.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                      kVariant);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

std::optional<std::int64_t> DecodeCursor(std::string_view cursor) {
    std::array<unsigned char, 32> bin{};
    std::size_t len = 0;
    const char* end = nullptr;
    if (cursor.empty() || cursor.size() > 40 ||
        sodium_base642bin(bin.data(), bin.size(), cursor.data(), cursor.size(), nullptr, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != cursor.data() + cursor.size() || len == 0) {
        return std::nullopt;
    }
    const std::string_view text(reinterpret_cast<const char*>(bin.data()), len);
    if (text.front() == '0') return std::nullopt;
    std::int64_t seq = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
    if (ec != std::errc{} || ptr != text.data() + text.size() || seq <= 0) return std::nullopt;
    return seq;
}

/// The first bad thing about row i of a verify page, given the previous entry's hash.
std::optional<std::string> CheckRow(const storage::Rows& rows, std::size_t i, const std::string& prev_hash) {
    ChainFields f;
    f.seq = *rows.GetInt(i, "seq");
    f.at = rows.GetText(i, "at").value_or("");
    f.actor_id = rows.GetText(i, "actor_id");
    f.action = rows.GetText(i, "action").value_or("");
    f.target_type = rows.GetText(i, "target_type");
    f.target_id = rows.GetText(i, "target_id");
    f.request_id = rows.GetText(i, "request_id");
    f.ip = rows.GetText(i, "ip");
    f.details = rows.GetText(i, "details").value_or("");
    const auto salt = rows.GetText(i, "pii_salt");
    const std::string digest = rows.GetText(i, "pii_digest").value_or("");
    const bool pseudonymised = rows.GetText(i, "pseudonymised_at").has_value();
    if (rows.GetText(i, "prev_hash").value_or("") != prev_hash) return "chain broken";
    if (EntryHash(f, digest, prev_hash) != rows.GetText(i, "hash").value_or("")) return "modified";
    if (!pseudonymised) {
        if (!salt || PiiDigest(*salt, f) != digest) return "modified";
        return std::nullopt;
    }
    auto pseudonym_or_null = [](const std::optional<std::string>& v) { return !v || IsPseudonym(*v); };
    const bool target_ok = !IsPersonalTarget(f.target_type) || pseudonym_or_null(f.target_id);
    if (salt || f.ip || !pseudonym_or_null(f.actor_id) || !target_ok) return "pseudonymised but holds personal data";
    return std::nullopt;
}

Record ToRecord(const storage::Rows& rows, std::size_t i) {
    Record r;
    r.seq = rows.GetInt(i, "seq").value_or(0);
    r.at = rows.GetText(i, "at").value_or("");
    r.actor_id = rows.GetText(i, "actor_id");
    r.action = rows.GetText(i, "action").value_or("");
    r.target_type = rows.GetText(i, "target_type");
    r.target_id = rows.GetText(i, "target_id");
    r.request_id = rows.GetText(i, "request_id");
    r.ip = rows.GetText(i, "ip");
    boost::system::error_code ec;
    auto details = boost::json::parse(rows.GetText(i, "details").value_or("{}"), ec);
    if (!ec && details.is_object()) r.details = std::move(details.as_object());
    r.pseudonymised_at = rows.GetText(i, "pseudonymised_at");
    r.pseudonymised = r.pseudonymised_at.has_value();
    r.hash = rows.GetText(i, "hash").value_or("");
    return r;
}

}  // namespace

Entry EntryFor(const RequestContext& ctx, std::string action, std::optional<std::string> actor_id) {
    Entry e;
    e.action = std::move(action);
    e.actor_id = std::move(actor_id);
    if (!ctx.request_id.empty()) e.request_id = ctx.request_id;
    if (!ctx.ip.empty()) e.ip = TruncateIp(ctx.ip);
    return e;
}

Result<VerifyReport> Verify(storage::Db& db) {
    VerifyReport report;
    report.head_hash = std::string(kGenesisHash);
    auto walked = db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            report = VerifyReport{};
            if (db.dialect() == storage::Dialect::kPostgres) {
                // One snapshot for every page and the head, so concurrent appends do not look like damage.
                auto iso = s.Execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                if (!iso) return iso.take_error();
            }
            std::string prev = std::string(kGenesisHash);
            std::int64_t last = 0;
            for (;;) {
                const std::array<storage::Value, 2> params{last, kVerifyPageSize};
                auto rows = s.Query(Query("queries/verify_page.sql"), params);
                if (!rows) return rows.take_error();
                for (std::size_t i = 0; i < rows->size(); ++i) {
                    const std::int64_t seq = rows->GetInt(i, "seq").value_or(0);
                    if (seq != last + 1) {
                        report.failure = VerifyFailure{last + 1, "missing (gap after " + std::to_string(last) + ")"};
                        return Ok();
                    }
                    if (auto bad = CheckRow(*rows, i, prev)) {
                        report.failure = VerifyFailure{seq, *bad};
                        return Ok();
                    }
                    prev = rows->GetText(i, "hash").value_or("");
                    last = seq;
                    ++report.entries;
                }
                if (rows->size() < static_cast<std::size_t>(kVerifyPageSize)) break;
            }
            report.head_hash = prev;
            auto head = s.Query(Query("queries/read_head.sql"));
            if (!head) return head.take_error();
            if (head->size() != 1) {
                report.failure = VerifyFailure{last + 1, "head missing"};
                return Ok();
            }
            const std::int64_t head_seq = head->GetInt(0, "last_seq").value_or(-1);
            if (head_seq > last) {
                report.failure = VerifyFailure{last + 1, "tail deleted: head says " + std::to_string(head_seq)};
            } else if (head_seq < last) {
                report.failure = VerifyFailure{head_seq + 1, "not in head: head says " + std::to_string(head_seq)};
            } else if (head->GetText(0, "last_hash").value_or("") != prev) {
                report.failure = VerifyFailure{last, "head mismatch"};
            }
            return Ok();
        },
        storage::TxKind::kRead);
    if (!walked) return walked.take_error();
    return report;
}

Result<std::unique_ptr<AuditLog>> AuditLog::Create(storage::Db& db, AuditOptions options) {
    if (options.pseudonym_key.size() < crypto_generichash_KEYBYTES_MIN ||
        options.pseudonym_key.size() > crypto_generichash_KEYBYTES_MAX) {
        return MakeError(ErrorCode::kInvalidArgument, "audit: the pseudonym key must be 16 to 64 bytes");
    }
    return std::unique_ptr<AuditLog>(new AuditLog(db, std::move(options)));
}

std::string AuditLog::Now() const {
    return FormatTime(options_.clock ? options_.clock() : std::chrono::system_clock::now());
}

std::string AuditLog::PseudonymOf(std::string_view user_id) const {
    return Pseudonym(options_.pseudonym_key, user_id);
}

Result<std::int64_t> AuditLog::Append(storage::Session& session, const Entry& entry) const {
    auto prepared = Prepare(entry);
    if (!prepared) return prepared.take_error();
    ChainFields& f = *prepared;

    auto head = session.Query(Query("queries/lock_head.sql"));
    if (!head) return head.take_error();
    if (head->size() != 1) {
        return MakeError(ErrorCode::kInternal, "audit: the audit_head row is missing (see dihya audit verify)");
    }
    const auto last_seq = head->GetInt(0, "last_seq");
    const auto last_hash = head->GetText(0, "last_hash");
    if (!last_seq || !last_hash) return MakeError(ErrorCode::kInternal, "audit: the audit_head row is damaged");

    f.seq = *last_seq + 1;
    f.at = Now();
    const std::string salt = NewSalt();
    const std::string digest = PiiDigest(salt, f);
    const std::string hash = EntryHash(f, digest, *last_hash);
    const std::array<storage::Value, 13> row{f.seq,
                                             f.at,
                                             Nullable(f.actor_id),
                                             f.action,
                                             Nullable(f.target_type),
                                             Nullable(f.target_id),
                                             Nullable(f.request_id),
                                             Nullable(f.ip),
                                             f.details,
                                             salt,
                                             digest,
                                             *last_hash,
                                             hash};
    if (auto r = session.Execute(Query("queries/insert_entry.sql"), row); !r) return r.take_error();
    const std::array<storage::Value, 2> new_head{f.seq, hash};
    if (auto r = session.Execute(Query("queries/update_head.sql"), new_head); !r) return r.take_error();
    return f.seq;
}

Result<std::int64_t> AuditLog::Append(const Entry& entry) const {
    std::int64_t seq = 0;
    auto done = db_.Transaction([&](storage::Session& s) -> Result<void> {
        auto appended = Append(s, entry);
        if (!appended) return appended.take_error();
        seq = *appended;
        return Ok();
    });
    if (!done) return done.take_error();
    return seq;
}

Result<Page> AuditLog::List(const ListFilter& filter, std::string_view cursor, int limit) const {
    std::map<std::string, std::string> errors;
    if (limit < 0) errors["limit"] = "must be between 1 and " + std::to_string(kMaxListLimit);
    const int effective_limit = limit == 0 ? kDefaultListLimit : std::min(limit, kMaxListLimit);
    std::optional<std::int64_t> before;
    if (!cursor.empty()) {
        before = DecodeCursor(cursor);
        if (!before) errors["cursor"] = "not a cursor from a previous page";
    }
    std::optional<std::string> action;
    std::optional<std::string> prefix;
    if (filter.action) {
        std::string a = *filter.action;
        if (a.ends_with(".*")) a.pop_back();
        if (a.ends_with('.')) {
            if (!IsName(std::string_view(a).substr(0, a.size() - 1))) errors["action"] = "not an action or a prefix";
            prefix = std::move(a);
        } else {
            if (!IsName(a)) errors["action"] = "not an action or a prefix";
            action = std::move(a);
        }
    }
    std::optional<std::string> from;
    std::optional<std::string> to;
    if (filter.from) {
        auto t = NormaliseTime(*filter.from);
        if (t)
            from = *t;
        else
            errors["from"] = t.error().message;
    }
    if (filter.to) {
        auto t = NormaliseTime(*filter.to);
        if (t)
            to = *t;
        else
            errors["to"] = t.error().message;
    }
    if (!errors.empty()) return MakeError(ErrorCode::kInvalidArgument, "invalid audit log query", std::move(errors));

    const std::array<storage::Value, 9> params{Nullable(filter.actor_id),
                                               Nullable(action),
                                               Nullable(prefix),
                                               Nullable(filter.target_type),
                                               Nullable(filter.target_id),
                                               Nullable(from),
                                               Nullable(to),
                                               before ? storage::Value(*before) : storage::Value(std::monostate{}),
                                               std::int64_t{effective_limit} + 1};
    auto rows = db_.Query(Query("queries/list.sql"), params);
    if (!rows) return rows.take_error();
    Page page;
    const std::size_t n = std::min(rows->size(), static_cast<std::size_t>(effective_limit));
    page.entries.reserve(n);
    for (std::size_t i = 0; i < n; ++i) page.entries.push_back(ToRecord(*rows, i));
    if (rows->size() > n && !page.entries.empty()) page.next_cursor = EncodeCursor(page.entries.back().seq);
    return page;
}

Result<std::int64_t> AuditLog::Pseudonymise(storage::Session& session, std::string_view user_id) const {
    if (user_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "audit: empty user id");
    const std::array<storage::Value, 2> params{std::string(user_id), std::string(kUserTarget)};
    auto rows = session.Query(Query("queries/select_user_entries.sql"), params);
    if (!rows) return rows.take_error();
    const std::string now = Now();
    auto pseudonymous = [&](const std::optional<std::string>& v) -> storage::Value {
        if (!v) return std::monostate{};
        return IsPseudonym(*v) ? *v : PseudonymOf(*v);
    };
    std::int64_t changed = 0;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto target_type = rows->GetText(i, "target_type");
        const auto target_id = rows->GetText(i, "target_id");
        const std::array<storage::Value, 4> update{
            rows->GetInt(i, "seq").value_or(0), pseudonymous(rows->GetText(i, "actor_id")),
            IsPersonalTarget(target_type) ? pseudonymous(target_id) : Nullable(target_id), now};
        auto r = session.Execute(Query("queries/pseudonymise_entry.sql"), update);
        if (!r) return r.take_error();
        changed += *r;
    }
    return changed;
}

Result<std::int64_t> AuditLog::Pseudonymise(std::string_view user_id) const {
    std::int64_t changed = 0;
    auto done = db_.Transaction([&](storage::Session& s) -> Result<void> {
        auto n = Pseudonymise(s, user_id);
        if (!n) return n.take_error();
        changed = *n;
        return Ok();
    });
    if (!done) return done.take_error();
    return changed;
}

}  // namespace dihya::audit
