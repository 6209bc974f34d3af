#include "marketplace/marketplace.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>

#include <boost/json.hpp>

#include "auth/permissions.hpp"
#include "core/crypto.hpp"
#include "core/paging.hpp"
#include "generator/pack.hpp"
#include "marketplace/embedded.hpp"
#include "marketplace/search_words.hpp"
#include "model/utf8.hpp"
#include "storage/named_queries.hpp"

namespace dihya::marketplace {

namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q = storage::NamedQueries::Parse(sql::EmbeddedFile("queries/marketplace.sql"),
                                                                        "marketplace/queries/marketplace.sql");
    return q;
}

constexpr std::size_t kMaxChangelog = 16 * 1024;
constexpr std::size_t kMaxSummary = 500;
constexpr std::size_t kMaxTags = 10;
constexpr std::size_t kMaxIcon = 64 * 1024;
constexpr std::size_t kMaxReview = 4000;

/// Tags are kept as ",a,b," so that one is found with LIKE '%,a,%'.
std::string JoinTags(const std::vector<std::string>& tags) {
    if (tags.empty()) return "";
    std::string out = ",";
    for (const auto& t : tags) out += t + ",";
    return out;
}

std::vector<std::string> SplitTags(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::string t = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!t.empty()) out.push_back(t);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

bool IsSlug(std::string_view s, std::size_t max) {
    if (s.empty() || s.size() > max || s.front() == '-' || s.back() == '-') return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

/// Lower-cased and trimmed.
std::string Normal(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
    s = s.substr(start);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool ValidUtf8NoControls(std::string_view s, bool newlines) {
    if (model::utf8::FindInvalid(s) != std::string_view::npos) return false;
    return std::none_of(s.begin(), s.end(), [newlines](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && !(newlines && (c == '\n' || c == '\t' || c == '\r'))) || u == 0x7f;
    });
}

Result<void> CheckText(std::string_view field, std::string_view value, std::size_t max, bool newlines) {
    if (value.size() > max) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(field) + ": longer than " + std::to_string(max) + " bytes",
                         {{std::string(field), "too long"}});
    }
    if (!ValidUtf8NoControls(value, newlines)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(field) + ": must be UTF-8 text without control characters",
                         {{std::string(field), "not text"}});
    }
    return {};
}

/// An icon is an https URL or a small data: URL of an image.
Result<void> CheckIcon(const std::string& icon) {
    if (icon.empty()) return {};
    const bool https = icon.starts_with("https://") && icon.size() <= 2048;
    bool data = false;
    for (const char* prefix : {"data:image/png;base64,", "data:image/svg+xml;base64,", "data:image/webp;base64,",
                               "data:image/jpeg;base64,"}) {
        if (icon.starts_with(prefix) && icon.size() <= kMaxIcon) data = true;
    }
    const bool clean = std::none_of(icon.begin(), icon.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\';
    });
    if ((!https && !data) || !clean) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "icon: an https:// URL (at most 2048 characters) or a data:image/png, svg+xml, webp or "
                         "jpeg;base64 URL of at most 64 KiB",
                         {{"icon", "not an https or image data URL"}});
    }
    return {};
}

Result<void> CheckLicence(const std::string& licence) {
    // An SPDX expression's characters ("MIT", "Apache-2.0", "GPL-3.0-or-later", "MIT OR Apache-2.0").
    const bool ok =
        !licence.empty() && licence.size() <= 100 && std::all_of(licence.begin(), licence.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == ' ' ||
                   c == '(' || c == ')' || c == ':';
        });
    if (!ok) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "licence: required, an SPDX licence identifier or expression such as MIT or Apache-2.0",
                         {{"licence", licence.empty() ? "required" : "not an SPDX expression"}});
    }
    return {};
}

Item ReadItem(const storage::Rows& rows, std::size_t i) {
    Item it;
    it.id = rows.GetText(i, "id").value_or("");
    it.owner_id = rows.GetText(i, "owner_id").value_or("");
    it.kind = rows.GetText(i, "kind").value_or("");
    it.name = rows.GetText(i, "name").value_or("");
    it.title = rows.GetText(i, "title").value_or("");
    it.summary = rows.GetText(i, "summary").value_or("");
    it.category = rows.GetText(i, "category").value_or("");
    it.tags = SplitTags(rows.GetText(i, "tags").value_or(""));
    it.icon = rows.GetText(i, "icon").value_or("");
    it.licence = rows.GetText(i, "licence").value_or("");
    it.latest_version = rows.GetText(i, "latest_version").value_or("");
    it.published_at = rows.GetText(i, "published_at").value_or("");
    it.downloads = rows.GetInt(i, "downloads").value_or(0);
    it.installs = rows.GetInt(i, "installs").value_or(0);
    it.rating_count = rows.GetInt(i, "rating_count").value_or(0);
    const std::int64_t sum = rows.GetInt(i, "rating_sum").value_or(0);
    it.rating = it.rating_count > 0 ? static_cast<double>(sum) / static_cast<double>(it.rating_count) : 0;
    it.created_at = rows.GetText(i, "created_at").value_or("");
    return it;
}

Version ReadVersion(const storage::Rows& rows, std::size_t i) {
    Version v;
    v.id = rows.GetText(i, "id").value_or("");
    v.item_id = rows.GetText(i, "item_id").value_or("");
    v.item_name = rows.GetText(i, "item_name").value_or("");
    v.item_kind = rows.GetText(i, "item_kind").value_or("");
    v.version = rows.GetText(i, "version").value_or("");
    v.changelog = rows.GetText(i, "changelog").value_or("");
    v.title = rows.GetText(i, "title").value_or("");
    v.summary = rows.GetText(i, "summary").value_or("");
    v.category = rows.GetText(i, "category").value_or("");
    v.tags = SplitTags(rows.GetText(i, "tags").value_or(""));
    v.icon = rows.GetText(i, "icon").value_or("");
    v.licence = rows.GetText(i, "licence").value_or("");
    v.digest = rows.GetText(i, "digest").value_or("");
    v.bytes = rows.GetInt(i, "bytes").value_or(0);
    v.status = rows.GetText(i, "status").value_or("");
    v.reason = rows.GetText(i, "reason").value_or("");
    v.signature = rows.GetText(i, "signature").value_or("");
    v.key_id = rows.GetText(i, "key_id").value_or("");
    v.submitted_at = rows.GetText(i, "submitted_at").value_or("");
    v.decided_at = rows.GetText(i, "decided_at").value_or("");
    return v;
}

Install ReadInstall(const storage::Rows& rows, std::size_t i) {
    return Install{rows.GetText(i, "id").value_or(""),        rows.GetText(i, "item_id").value_or(""),
                   rows.GetText(i, "kind").value_or(""),      rows.GetText(i, "name").value_or(""),
                   rows.GetText(i, "version").value_or(""),   rows.GetText(i, "digest").value_or(""),
                   rows.GetText(i, "target_id").value_or(""), rows.GetText(i, "status").value_or(""),
                   rows.GetText(i, "created_at").value_or("")};
}

/// `text` cut to at most `max` bytes between characters (invalid bytes dropped).
std::string CutText(std::string_view text, std::size_t max) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        if (!model::utf8::Next(text, i, cp)) {
            ++i;
            continue;
        }
        if (out.size() + (i - at) > max) break;
        out.append(text.substr(at, i - at));
    }
    return out;
}

/// The offset a search cursor names ("" = 0).
Result<std::int64_t> OffsetOf(const std::string& cursor) {
    if (cursor.empty()) return 0;
    const auto raw = crypto::Base64UrlDecode(cursor);
    if (raw && raw->starts_with("o:")) {
        try {
            const std::int64_t n = std::stoll(raw->substr(2));
            if (n >= 0 && n <= 100000) return n;
        } catch (...) {  // falls through to the error
        }
    }
    return MakeError(ErrorCode::kInvalidArgument, "cursor: not one this list gave", {{"cursor", "unknown cursor"}});
}

Result<void> SignedIn(const auth::Principal& who, auth::Action action, std::string_view what) {
    if (!who.authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in to " + std::string(what));
    return auth::Authorize(who, action, who.user_id);
}

}  // namespace

std::string SignedMessage(const std::string& kind, const std::string& name, const std::string& version,
                          const std::string& digest) {
    return "dihya-marketplace-v1\n" + kind + "\n" + name + "\n" + version + "\nsha256:" + digest;
}

Marketplace::Marketplace(MarketplaceDeps deps) : d_(std::move(deps)) {}

Result<Item> Marketplace::ItemNamed(storage::Session* s, const std::string& name) {
    const std::array<Value, 1> p{name};
    auto rows = s != nullptr ? s->Query(Q()["item_by_name"], p) : d_.db.Query(Q()["item_by_name"], p);
    if (!rows) return rows.take_error();
    if (rows->empty()) return MakeError(ErrorCode::kNotFound, "no marketplace item is named " + name);
    return ReadItem(*rows, 0);
}

Result<Version> Marketplace::Publish(const auth::Principal& who, const Submission& sub, const RequestContext& ctx) {
    if (auto ok = SignedIn(who, auth::Action::kMarketplacePublish, "publish in the marketplace"); !ok) {
        return ok.take_error();
    }
    const auto kind = d_.kinds.find(sub.kind);
    if (kind == d_.kinds.end()) {
        std::string known;
        for (const auto& [k, _] : d_.kinds) known += (known.empty() ? "" : " or ") + k;
        return MakeError(ErrorCode::kInvalidArgument, "kind: " + known, {{"kind", known}});
    }
    const std::string format = sub.format.empty() ? kind->second.formats.front() : sub.format;
    if (std::find(kind->second.formats.begin(), kind->second.formats.end(), format) == kind->second.formats.end()) {
        std::string known;
        for (const auto& f : kind->second.formats) known += (known.empty() ? "" : ", ") + f;
        return MakeError(ErrorCode::kInvalidArgument, "format: a " + sub.kind + " is published as " + known,
                         {{"format", known}});
    }
    if (sub.package.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "package: required", {{"package", "required"}});
    }
    if (sub.package.size() > d_.max_package) {
        return MakeError(ErrorCode::kPayloadTooLarge,
                         "package: larger than " + std::to_string(d_.max_package >> 20) + " MiB",
                         {{"package", "too large"}});
    }
    const std::string category = Normal(sub.category);
    if (!IsSlug(category, 40)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "category: required, lower-case letters, digits and dashes (at most 40), e.g. i18n",
                         {{"category", category.empty() ? "required" : "not a slug"}});
    }
    std::vector<std::string> tags;
    for (const auto& t : sub.tags) {
        std::string tag = Normal(t);
        if (!IsSlug(tag, 30)) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "tags: each lower-case letters, digits and dashes (at most 30): " +
                                 std::string(tag.size() > 30 ? "one is too long" : "\"" + tag.substr(0, 30) + "\""),
                             {{"tags", "not a slug"}});
        }
        if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
    }
    if (tags.size() > kMaxTags) {
        return MakeError(ErrorCode::kInvalidArgument, "tags: at most " + std::to_string(kMaxTags),
                         {{"tags", "too many"}});
    }
    if (auto ok = CheckIcon(sub.icon); !ok) return ok.take_error();
    if (auto ok = CheckLicence(sub.licence); !ok) return ok.take_error();
    if (auto ok = CheckText("changelog", sub.changelog, kMaxChangelog, true); !ok) return ok.take_error();
    if (auto ok = CheckText("summary", sub.summary, kMaxSummary, false); !ok) return ok.take_error();
    if (sub.changelog.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "changelog: required (what this version changes)",
                         {{"changelog", "required"}});
    }

    auto checked = kind->second.check(sub.package, format);
    if (!checked) return checked.take_error();
    if (!IsSlug(checked->name, 64)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the package's name must be lower-case letters, digits and dashes to be published",
                         {{"package", "name"}});
    }
    if (!generator::IsSemver(checked->version)) {
        return MakeError(ErrorCode::kInvalidArgument, "the package's version must be a semantic version",
                         {{"package", "version"}});
    }
    std::string summary = sub.summary.empty() ? CutText(checked->summary, kMaxSummary) : sub.summary;
    std::replace_if(
        summary.begin(), summary.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    if (auto ok = CheckText("summary", summary, kMaxSummary, false); !ok) return ok.take_error();

    Version v;
    v.id = crypto::NewUuid();
    v.item_name = checked->name;
    v.item_kind = sub.kind;
    v.version = checked->version;
    v.changelog = sub.changelog;
    v.title = checked->title.empty() ? checked->name : checked->title;
    v.summary = std::move(summary);
    v.category = category;
    v.tags = tags;
    v.icon = sub.icon;
    v.licence = sub.licence;
    v.digest = crypto::Sha256Hex(checked->package);
    v.bytes = static_cast<std::int64_t>(checked->package.size());
    v.status = "pending";
    v.submitted_at = FormatTime(d_.clock.Now());
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto item = ItemNamed(&s, v.item_name);
        if (!item && item.error().code != ErrorCode::kNotFound) return item.take_error();
        if (item) {
            if (item->owner_id != who.user_id) {
                return MakeError(ErrorCode::kPermissionDenied,
                                 "the marketplace item " + v.item_name +
                                     " belongs to another user: only they publish its versions (rename your package "
                                     "to publish it as another item)");
            }
            if (item->kind != sub.kind) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "the marketplace item " + v.item_name + " is a " + item->kind + ", not a " + sub.kind,
                                 {{"kind", "the item's kind is " + item->kind}});
            }
            v.item_id = item->id;
        } else {
            v.item_id = crypto::NewUuid();
            auto n = s.Execute(Q()["insert_item"],
                               std::array<Value, 5>{v.item_id, who.user_id, sub.kind, v.item_name, v.submitted_at});
            if (!n) {
                if (n.error().code == ErrorCode::kAlreadyExists) {
                    return MakeError(ErrorCode::kConflict, "the item " + v.item_name + " was created meanwhile; retry");
                }
                return n.take_error();
            }
        }
        auto pending = s.Query(Q()["pending_of_owner"], std::array<Value, 1>{who.user_id});
        if (!pending) return pending.take_error();
        if (static_cast<std::size_t>(pending->GetInt(0, "n").value_or(0)) >= d_.max_pending_per_user) {
            return MakeError(ErrorCode::kPayloadTooLarge,
                             "you have " + std::to_string(d_.max_pending_per_user) +
                                 " versions waiting for review already; wait for the decisions first");
        }
        auto exists = s.Query(Q()["version_exists"], std::array<Value, 2>{v.item_id, v.version});
        if (!exists) return exists.take_error();
        if (!exists->empty()) {
            return MakeError(ErrorCode::kAlreadyExists, v.item_name + " " + v.version +
                                                            " was published already: versions never change; "
                                                            "publish a new version");
        }
        auto n = s.Execute(Q()["insert_version"],
                           std::array<Value, 14>{v.id, v.item_id, v.version, v.changelog, v.title, v.summary,
                                                 v.category, JoinTags(v.tags), v.icon, v.licence, checked->package,
                                                 v.digest, v.bytes, v.submitted_at});
        if (!n) {
            if (n.error().code == ErrorCode::kAlreadyExists) {
                return MakeError(ErrorCode::kAlreadyExists, v.item_name + " " + v.version + " was published already");
            }
            return n.take_error();
        }
        auto h = s.Execute(Q()["insert_history"], std::array<Value, 7>{crypto::NewUuid(), v.item_id, v.version,
                                                                       "submitted", "", who.user_id, v.submitted_at});
        if (!h) return h.take_error();
        return d_.audit.Record(
            s, AuditEvent{who.user_id,
                          "marketplace.version_submitted",
                          "marketplace_item",
                          v.item_id,
                          {{"name", v.item_name}, {"kind", v.item_kind}, {"version", v.version}, {"digest", v.digest}},
                          ctx});
    });
    if (!r) return r.take_error();
    return v;
}

Result<SearchPage> Marketplace::Search(const auth::Principal& who, const SearchQuery& query) {
    if (auto ok = auth::Authorize(who, auth::Action::kMarketplaceRead); !ok) return ok.take_error();
    const std::string sort = query.sort.empty() ? (query.q.empty() ? "recent" : "relevance") : query.sort;
    constexpr std::array<std::string_view, 5> kSorts{"relevance", "recent", "downloads", "installs", "rating"};
    if (std::find(kSorts.begin(), kSorts.end(), sort) == kSorts.end()) {
        return MakeError(ErrorCode::kInvalidArgument, "sort: relevance, recent, downloads, installs or rating",
                         {{"sort", "relevance, recent, downloads, installs or rating"}});
    }
    if (!query.kind.empty() && !d_.kinds.contains(query.kind)) {
        return MakeError(ErrorCode::kInvalidArgument, "kind: plugin or pack", {{"kind", "plugin or pack"}});
    }
    for (const auto& [field, value] : {std::pair<const char*, std::string>{"category", Normal(query.category)},
                                       std::pair<const char*, std::string>{"tag", Normal(query.tag)}}) {
        if (!value.empty() && !IsSlug(value, 40)) {
            return MakeError(ErrorCode::kInvalidArgument,
                             std::string(field) + ": lower-case letters, digits and dashes", {{field, "not a slug"}});
        }
    }
    auto offset = OffsetOf(query.cursor);
    if (!offset) return offset.take_error();
    const std::vector<std::string> words = SearchWords(query.q);
    std::string match;
    std::string_view statement = Q()["list"];
    if (!words.empty()) {
        const bool pg = d_.db.dialect() == storage::Dialect::kPostgres;
        for (const auto& w : words) {
            // FTS5: "word"* (quoted: no operator can hide in it); PostgreSQL: the words, which its own parser reads
            // into lexemes, each quoted and made a prefix in search_postgres.
            match += (match.empty() ? "" : " ") + (pg ? w : "\"" + w + "\"*");
        }
        statement = pg ? Q()["search_postgres"] : Q()["search_sqlite"];
    } else if (!query.q.empty()) {
        return SearchPage{};  // only separators: nothing can match
    }
    auto rows = d_.db.Query(statement, std::array<Value, 7>{match, query.kind, Normal(query.category),
                                                            Normal(query.tag), sort, query.limit + 1, *offset});
    if (!rows) return rows.take_error();
    SearchPage page;
    for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < query.limit; ++i) {
        page.items.push_back(ReadItem(*rows, i));
    }
    if (static_cast<std::int64_t>(rows->size()) > query.limit) {
        page.next_cursor = crypto::Base64UrlEncode("o:" + std::to_string(*offset + query.limit));
    }
    return page;
}

bool Marketplace::MayReview(const auth::Principal& who, const Item& item) const {
    return (who.authenticated() && item.owner_id == who.user_id) ||
           auth::CanActOnAll(who, auth::Action::kMarketplaceModerate);
}

Result<Item> Marketplace::VisibleItem(const auth::Principal& who, const std::string& name) {
    if (auto ok = auth::Authorize(who, auth::Action::kMarketplaceRead); !ok) return ok.take_error();
    auto item = ItemNamed(nullptr, name);
    if (!item) return item.take_error();
    if (!item->latest_version.empty() || MayReview(who, *item)) return item;
    // Without an approved version: only its yanked versions show (their page says they were yanked).
    auto yanked = d_.db.Query(Q()["has_yanked"], std::array<Value, 1>{item->id});
    if (!yanked) return yanked.take_error();
    if (yanked->empty()) return MakeError(ErrorCode::kNotFound, "no marketplace item is named " + name);
    return item;
}

Result<ItemPage> Marketplace::Get(const auth::Principal& who, const std::string& name) {
    auto item = VisibleItem(who, name);
    if (!item) return item.take_error();
    ItemPage page;
    page.owned = who.authenticated() && item->owner_id == who.user_id;
    const bool reviewer = MayReview(who, *item);
    auto versions = d_.db.Query(Q()["versions_of_item"], std::array<Value, 1>{item->id});
    if (!versions) return versions.take_error();
    for (std::size_t i = 0; i < versions->size(); ++i) {
        Version v = ReadVersion(*versions, i);
        v.item_name = item->name;
        v.item_kind = item->kind;
        if (reviewer || v.status == "approved" || v.status == "yanked") page.versions.push_back(std::move(v));
    }
    if (reviewer) {
        auto history = d_.db.Query(Q()["history_of_item"], std::array<Value, 1>{item->id});
        if (!history) return history.take_error();
        for (std::size_t i = 0; i < history->size(); ++i) {
            page.history.push_back(
                {history->GetText(i, "version").value_or(""), history->GetText(i, "event").value_or(""),
                 history->GetText(i, "reason").value_or(""), history->GetText(i, "at").value_or("")});
        }
    }
    page.item = std::move(*item);
    return page;
}

Result<std::pair<std::vector<Version>, std::string>> Marketplace::Queue(const auth::Principal& who,
                                                                        const std::string& status,
                                                                        const std::string& cursor, std::int64_t limit) {
    if (auto ok = auth::Authorize(who, auth::Action::kMarketplaceModerate); !ok) return ok.take_error();
    const std::string st = status.empty() ? "pending" : status;
    if (st != "pending" && st != "approved" && st != "rejected" && st != "yanked") {
        return MakeError(ErrorCode::kInvalidArgument, "status: pending, approved, rejected or yanked",
                         {{"status", "pending, approved, rejected or yanked"}});
    }
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    auto rows = d_.db.Query(Q()["queue"], std::array<Value, 4>{st, after->first, after->second, limit + 1});
    if (!rows) return rows.take_error();
    std::vector<Version> out;
    for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < limit; ++i) {
        out.push_back(ReadVersion(*rows, i));
    }
    std::string next;
    if (static_cast<std::int64_t>(rows->size()) > limit && !out.empty()) {
        next = PageCursor(out.back().submitted_at, out.back().id);
    }
    return std::make_pair(std::move(out), next);
}

Result<void> Marketplace::Relist(storage::Session& s, const std::string& item_id, const std::string& name) {
    auto rows = s.Query(Q()["approved_of_item"], std::array<Value, 1>{item_id});
    if (!rows) return rows.take_error();
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        if (!best || generator::SemverLess(rows->GetText(*best, "version").value_or(""),
                                           rows->GetText(i, "version").value_or(""))) {
            best = i;
        }
    }
    const bool sqlite = d_.db.dialect() == storage::Dialect::kSqlite;
    if (sqlite) {
        auto n = s.Execute(Q()["unindex_sqlite"], std::array<Value, 1>{item_id});
        if (!n) return n.take_error();
    }
    auto text = [&](const char* column) { return best ? rows->GetText(*best, column).value_or("") : std::string(); };
    const std::string tags = text("tags");
    Value published = best ? Value(text("decided_at")) : Value();
    auto n = s.Execute(Q()["set_listing"],
                       std::array<Value, 9>{item_id, text("version"), text("title"), text("summary"), text("category"),
                                            tags, text("icon"), text("licence"), published});
    if (!n) return n.take_error();
    if (sqlite && best) {
        std::string words = name;
        std::replace(words.begin(), words.end(), '-', ' ');
        std::string tag_words = tags;
        std::replace(tag_words.begin(), tag_words.end(), ',', ' ');
        auto i = s.Execute(Q()["index_sqlite"],
                           std::array<Value, 5>{item_id, words, text("title"), tag_words, text("summary")});
        if (!i) return i.take_error();
    }
    return {};
}

Result<Version> Marketplace::Decide(const auth::Principal& who, const std::string& version_id,
                                    const std::string& decision, const std::string& reason, const RequestContext& ctx) {
    if (auto ok = auth::Authorize(who, auth::Action::kMarketplaceModerate); !ok) return ok.take_error();
    std::string from;
    std::string to;
    if (decision == "approve") {
        from = "pending";
        to = "approved";
    } else if (decision == "reject") {
        from = "pending";
        to = "rejected";
    } else if (decision == "yank") {
        from = "approved";
        to = "yanked";
    } else {
        return MakeError(ErrorCode::kInvalidArgument, "decision: approve, reject or yank",
                         {{"decision", "approve, reject or yank"}});
    }
    if (auto ok = CheckText("reason", reason, 2000, true); !ok) return ok.take_error();
    if (to != "approved" && reason.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "reason: required to " + decision + " (the author reads it)",
                         {{"reason", "required"}});
    }
    Version v;
    std::string owner;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto rows = s.Query(Q()["version_by_id"], std::array<Value, 1>{version_id});
        if (!rows) return rows.take_error();
        if (rows->empty()) return MakeError(ErrorCode::kNotFound, "no marketplace version has this id");
        v = ReadVersion(*rows, 0);
        owner = rows->GetText(0, "item_owner").value_or("");
        if (d_.db.dialect() == storage::Dialect::kPostgres) {
            // Another decision on this item waits: the listing is then computed from what both decided.
            auto locked = s.Query(Q()["lock_item_postgres"], std::array<Value, 1>{v.item_id});
            if (!locked) return locked.take_error();
        }
        if (v.status != from) {
            return MakeError(ErrorCode::kConflict, v.item_name + " " + v.version + " is " + v.status + ": only " +
                                                       std::string(from == "pending" ? "a pending" : "an approved") +
                                                       " version can be " + to);
        }
        const std::string package = rows->GetText(0, "package").value_or("");
        if (to == "approved") {
            // The digest is recomputed from the package kept, then signed with the kind, name and version.
            v.digest = crypto::Sha256Hex(package);
            v.signature = d_.signer.Sign(SignedMessage(v.item_kind, v.item_name, v.version, v.digest));
            v.key_id = d_.signer.KeyId();
        }
        v.status = to;
        v.reason = reason;
        v.decided_at = FormatTime(d_.clock.Now());
        auto n = s.Execute(Q()["decide"], std::array<Value, 8>{v.id, v.status, v.reason, v.signature, v.key_id,
                                                               v.decided_at, who.user_id, from});
        if (!n) return n.take_error();
        if (*n != 1) return MakeError(ErrorCode::kConflict, "another admin decided on this version meanwhile");
        auto h = s.Execute(Q()["insert_history"], std::array<Value, 7>{crypto::NewUuid(), v.item_id, v.version, to,
                                                                       reason, who.user_id, v.decided_at});
        if (!h) return h.take_error();
        if (auto ok = Relist(s, v.item_id, v.item_name); !ok) return ok;
        json::object details{{"name", v.item_name}, {"version", v.version}, {"decision", to}};
        if (!reason.empty()) details["reason"] = reason;
        if (to == "approved") details["key_id"] = v.key_id;
        if (auto ok = d_.audit.Record(
                s, AuditEvent{who.user_id, "marketplace.version_" + to, "marketplace_item", v.item_id, details, ctx});
            !ok) {
            return ok;
        }
        if (d_.on_decided) {
            return d_.on_decided(s, json::object{{"item", v.item_name},
                                                 {"kind", v.item_kind},
                                                 {"version", v.version},
                                                 {"decision", to},
                                                 {"reason", reason}});
        }
        return {};
    });
    if (!r) return r.take_error();
    if (d_.events != nullptr && to != "rejected") {
        d_.events->Publish("marketplace", "marketplace.version_" + to,
                           json::object{{"item", v.item_name}, {"kind", v.item_kind}, {"version", v.version}});
    }
    if (d_.notifier != nullptr) {
        d_.notifier->Notify(owner, "marketplace.version_" + to,
                            json::object{{"item", v.item_name}, {"version", v.version}, {"reason", reason}},
                            "/api/v1/marketplace/items/" + v.item_name);
    }
    return v;
}

Result<Download> Marketplace::Fetch(const auth::Principal& who, const std::string& name, const std::string& version) {
    if (auto ok = auth::Authorize(who, auth::Action::kMarketplaceRead); !ok) return ok.take_error();
    auto item = ItemNamed(nullptr, name);
    if (!item) return item.take_error();
    // Its author and the admins read every version (what they review); others, the approved ones.
    const bool reviewer = MayReview(who, *item);
    const std::string wanted = version.empty() ? item->latest_version : version;
    if (wanted.empty()) {
        return MakeError(ErrorCode::kNotFound,
                         reviewer ? name + " has no approved version yet" : "no marketplace item is named " + name);
    }
    auto rows = d_.db.Query(Q()["version_of_item"], std::array<Value, 2>{item->id, wanted});
    if (!rows) return rows.take_error();
    if (rows->empty()) return MakeError(ErrorCode::kNotFound, name + " has no version " + wanted);
    Download out{ReadVersion(*rows, 0), rows->GetText(0, "package").value_or("")};
    if (out.version.status != "approved" && reviewer) return out;  // not counted as a download
    if (out.version.status == "yanked") {
        return MakeError(ErrorCode::kConflict, name + " " + wanted + " was yanked: " + out.version.reason);
    }
    if (out.version.status != "approved") {
        return MakeError(ErrorCode::kNotFound, name + " has no version " + wanted);
    }
    auto n = d_.db.Execute(Q()["count_download"], std::array<Value, 1>{item->id});
    if (!n) return n.take_error();
    return out;
}

Result<std::pair<Install, bool>> Marketplace::InstallItem(const auth::Principal& who, const std::string& name,
                                                          const std::string& version, const RequestContext& ctx) {
    if (auto ok = SignedIn(who, auth::Action::kMarketplaceInstall, "install from the marketplace"); !ok) {
        return ok.take_error();
    }
    auto item = ItemNamed(nullptr, name);
    if (!item) return item.take_error();
    const bool reviewer = MayReview(who, *item);
    const std::string wanted = version.empty() ? item->latest_version : version;
    if (wanted.empty()) {
        return MakeError(ErrorCode::kNotFound, reviewer ? name + " has no approved version to install"
                                                        : "no marketplace item is named " + name);
    }
    auto rows = d_.db.Query(Q()["version_of_item"], std::array<Value, 2>{item->id, wanted});
    if (!rows) return rows.take_error();
    if (rows->empty()) return MakeError(ErrorCode::kNotFound, name + " has no version " + wanted);
    const Version v = ReadVersion(*rows, 0);
    if (!reviewer && v.status != "approved" && v.status != "yanked") {
        return MakeError(ErrorCode::kNotFound, name + " has no version " + wanted);
    }
    if (v.status == "yanked") {
        return MakeError(ErrorCode::kConflict,
                         name + " " + wanted + " was yanked and can no longer be installed: " + v.reason);
    }
    if (v.status != "approved") {
        return MakeError(ErrorCode::kConflict, name + " " + wanted + " is " + v.status +
                                                   ": only approved versions "
                                                   "are installed");
    }
    // Verified before anything reaches the workspace: the package is the one approved (its digest), and the
    // digest is the one this server signed for this kind, name and version.
    const std::string package = rows->GetText(0, "package").value_or("");
    const std::string digest = crypto::Sha256Hex(package);
    if (!crypto::ConstantTimeEquals(digest, v.digest) ||
        !d_.signer.Verify(SignedMessage(item->kind, item->name, v.version, digest), v.signature)) {
        return MakeError(ErrorCode::kConflict,
                         name + " " + wanted + " fails its signature check: the package is not the one approved" +
                             (v.key_id != d_.signer.KeyId() ? " (it was signed by key " + v.key_id +
                                                                  ", this server signs with " + d_.signer.KeyId() + ")"
                                                            : ""),
                         {{"signature", "does not verify"}});
    }
    const auto kind = d_.kinds.find(item->kind);
    if (kind == d_.kinds.end()) return MakeError(ErrorCode::kInternal, "unknown item kind " + item->kind);
    auto existing = d_.db.Query(Q()["install_of"], std::array<Value, 3>{who.user_id, item->id, wanted});
    if (!existing) return existing.take_error();
    std::optional<Install> before;
    if (!existing->empty()) {
        before = ReadInstall(*existing, 0);
        before->status = v.status;
    }
    auto target = kind->second.install(who, package, ctx);
    if (!target) {
        // Still in the workspace from the install on record: that install is the answer.
        if (before && target.error().code == ErrorCode::kAlreadyExists)
            return std::make_pair(std::move(*before), false);
        return target.take_error();
    }
    Install in{before ? before->id : crypto::NewUuid(),
               item->id,
               item->kind,
               item->name,
               v.version,
               digest,
               *target,
               v.status,
               before ? before->created_at : FormatTime(d_.clock.Now())};
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        if (before) {
            // Removed from the workspace since, and installed again: the record follows the new copy.
            auto n = s.Execute(Q()["set_install_target"], std::array<Value, 2>{in.id, in.target_id});
            if (!n) return n.take_error();
        } else {
            auto n = s.Execute(Q()["insert_install"],
                               std::array<Value, 9>{in.id, who.user_id, in.item_id, in.kind, in.name, in.version,
                                                    in.digest, in.target_id, in.created_at});
            if (!n) return n.take_error();
            auto c = s.Execute(Q()["count_install"], std::array<Value, 1>{in.item_id});
            if (!c) return c.take_error();
        }
        return d_.audit.Record(s, AuditEvent{who.user_id,
                                             "marketplace.installed",
                                             "marketplace_item",
                                             in.item_id,
                                             {{"name", in.name},
                                              {"version", in.version},
                                              {"digest", in.digest},
                                              {"key_id", v.key_id},
                                              {"target", in.target_id}},
                                             ctx});
    });
    if (!r) return r.take_error();
    return std::make_pair(std::move(in), true);
}

Result<InstallPage> Marketplace::Installs(const auth::Principal& who, const std::string& cursor, std::int64_t limit) {
    if (auto ok = SignedIn(who, auth::Action::kMarketplaceInstall, "see your installs"); !ok) return ok.take_error();
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    auto rows =
        d_.db.Query(Q()["installs_of_user"], std::array<Value, 4>{who.user_id, after->first, after->second, limit + 1});
    if (!rows) return rows.take_error();
    InstallPage page;
    for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < limit; ++i) {
        page.items.push_back(ReadInstall(*rows, i));
    }
    if (static_cast<std::int64_t>(rows->size()) > limit && !page.items.empty()) {
        page.next_cursor = PageCursor(page.items.back().created_at, page.items.back().id);
    }
    return page;
}

Result<Review> Marketplace::Rate(const auth::Principal& who, const std::string& name, int rating,
                                 const std::string& body, const RequestContext& ctx) {
    if (auto ok = SignedIn(who, auth::Action::kMarketplaceInstall, "rate marketplace items"); !ok) {
        return ok.take_error();
    }
    if (rating < 1 || rating > 5) {
        return MakeError(ErrorCode::kInvalidArgument, "rating: from 1 to 5", {{"rating", "from 1 to 5"}});
    }
    if (auto ok = CheckText("body", body, kMaxReview, true); !ok) return ok.take_error();
    auto item = ItemNamed(nullptr, name);
    if (!item) return item.take_error();
    if (item->latest_version.empty()) return MakeError(ErrorCode::kNotFound, "no marketplace item is named " + name);
    if (item->owner_id == who.user_id) {
        return MakeError(ErrorCode::kPermissionDenied, "you may not rate your own item");
    }
    Review out{item->id, who.user_id, "", rating, body, "", ""};
    const std::string now = FormatTime(d_.clock.Now());
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto before = s.Query(Q()["review_of"], std::array<Value, 2>{item->id, who.user_id});
        if (!before) return before.take_error();
        auto n = s.Execute(Q()["upsert_review"], std::array<Value, 5>{item->id, who.user_id, rating, body, now});
        if (!n) return n.take_error();
        out.created_at = before->empty() ? now : before->GetText(0, "created_at").value_or(now);
        out.updated_at = now;
        return d_.audit.Record(s,
                               AuditEvent{who.user_id,
                                          before->empty() ? "marketplace.review_created" : "marketplace.review_edited",
                                          "marketplace_item",
                                          item->id,
                                          {{"name", item->name}, {"rating", rating}},
                                          ctx});
    });
    if (!r) return r.take_error();
    if (d_.display_name) out.author = d_.display_name(who.user_id);
    return out;
}

Result<void> Marketplace::Unrate(const auth::Principal& who, const std::string& name, const RequestContext& ctx) {
    if (auto ok = SignedIn(who, auth::Action::kMarketplaceInstall, "rate marketplace items"); !ok) {
        return ok.take_error();
    }
    auto item = ItemNamed(nullptr, name);
    if (!item) return item.take_error();
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto n = s.Execute(Q()["delete_review"], std::array<Value, 2>{item->id, who.user_id});
        if (!n) return n.take_error();
        if (*n == 0) return MakeError(ErrorCode::kNotFound, "you have not rated " + name);
        return d_.audit.Record(
            s,
            AuditEvent{
                who.user_id, "marketplace.review_deleted", "marketplace_item", item->id, {{"name", item->name}}, ctx});
    });
}

Result<ReviewPage> Marketplace::Reviews(const auth::Principal& who, const std::string& name, const std::string& cursor,
                                        std::int64_t limit) {
    auto item = VisibleItem(who, name);
    if (!item) return item.take_error();
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    auto rows =
        d_.db.Query(Q()["reviews_of_item"], std::array<Value, 4>{item->id, after->first, after->second, limit + 1});
    if (!rows) return rows.take_error();
    ReviewPage page;
    for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < limit; ++i) {
        Review rv{rows->GetText(i, "item_id").value_or(""),
                  rows->GetText(i, "user_id").value_or(""),
                  "",
                  static_cast<int>(rows->GetInt(i, "rating").value_or(0)),
                  rows->GetText(i, "body").value_or(""),
                  rows->GetText(i, "created_at").value_or(""),
                  rows->GetText(i, "updated_at").value_or("")};
        if (d_.display_name) rv.author = d_.display_name(rv.user_id);
        page.items.push_back(std::move(rv));
    }
    if (static_cast<std::int64_t>(rows->size()) > limit && !page.items.empty()) {
        page.next_cursor = PageCursor(page.items.back().updated_at, page.items.back().user_id);
    }
    return page;
}

Result<json::object> Marketplace::SnapshotStats() {
    const TimePoint now = d_.clock.Now();
    const std::string day = FormatTime(now).substr(0, 10);
    const std::string oldest = FormatTime(now - std::chrono::hours(24 * 366)).substr(0, 10);
    std::int64_t items = 0;
    std::int64_t pruned = 0;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto n = s.Execute(Q()["snapshot_stats"], std::array<Value, 1>{day});
        if (!n) return n.take_error();
        items = *n;
        auto p = s.Execute(Q()["prune_stats"], std::array<Value, 1>{oldest});
        if (!p) return p.take_error();
        pruned = *p;
        return {};
    });
    if (!r) return r.take_error();
    return json::object{{"day", day}, {"items", items}, {"pruned", pruned}};
}

Result<std::vector<DayStats>> Marketplace::Stats(const auth::Principal& who, const std::string& name, int days) {
    if (days < 1 || days > 365) {
        return MakeError(ErrorCode::kInvalidArgument, "days: from 1 to 365", {{"days", "from 1 to 365"}});
    }
    auto item = VisibleItem(who, name);
    if (!item) return item.take_error();
    // One day more than asked: the first day's additions are counted from the day before.
    const std::string from =
        FormatTime(d_.clock.Now() - std::chrono::hours(24 * static_cast<std::int64_t>(days))).substr(0, 10);
    auto rows = d_.db.Query(Q()["stats_of_item"], std::array<Value, 2>{item->id, from});
    if (!rows) return rows.take_error();
    std::vector<DayStats> out;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        DayStats d;
        d.day = rows->GetText(i, "day").value_or("");
        d.downloads = rows->GetInt(i, "downloads").value_or(0);
        d.installs = rows->GetInt(i, "installs").value_or(0);
        d.rating_count = rows->GetInt(i, "rating_count").value_or(0);
        const std::int64_t sum = rows->GetInt(i, "rating_sum").value_or(0);
        d.rating = d.rating_count > 0 ? static_cast<double>(sum) / static_cast<double>(d.rating_count) : 0;
        d.new_downloads = out.empty() ? d.downloads : d.downloads - out.back().downloads;
        d.new_installs = out.empty() ? d.installs : d.installs - out.back().installs;
        out.push_back(std::move(d));
    }
    if (out.size() > static_cast<std::size_t>(days)) out.erase(out.begin());
    return out;
}

Result<json::value> Marketplace::ExportPersonal(storage::Session& s, const std::string& user_id) {
    json::object out;
    auto items = s.Query(Q()["owned_by"], std::array<Value, 1>{user_id});
    if (!items) return items.take_error();
    auto versions = s.Query(Q()["all_versions_of_owner"], std::array<Value, 1>{user_id});
    if (!versions) return versions.take_error();
    json::array published;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Item it = ReadItem(*items, i);
        json::array vs;
        for (std::size_t k = 0; k < versions->size(); ++k) {
            if (versions->GetText(k, "item_name").value_or("") != it.name) continue;
            vs.push_back(json::object{{"version", versions->GetText(k, "version").value_or("")},
                                      {"changelog", versions->GetText(k, "changelog").value_or("")},
                                      {"status", versions->GetText(k, "status").value_or("")},
                                      {"reason", versions->GetText(k, "reason").value_or("")},
                                      {"digest", versions->GetText(k, "digest").value_or("")},
                                      {"submitted_at", versions->GetText(k, "submitted_at").value_or("")},
                                      {"decided_at", versions->GetText(k, "decided_at").value_or("")},
                                      {"package", versions->GetText(k, "package").value_or("")}});
        }
        published.push_back(json::object{{"name", it.name},
                                         {"kind", it.kind},
                                         {"title", it.title},
                                         {"downloads", it.downloads},
                                         {"installs", it.installs},
                                         {"created_at", it.created_at},
                                         {"versions", std::move(vs)}});
    }
    out["items"] = std::move(published);
    auto reviews = s.Query(Q()["reviews_of_user"], std::array<Value, 1>{user_id});
    if (!reviews) return reviews.take_error();
    json::array rs;
    for (std::size_t i = 0; i < reviews->size(); ++i) {
        rs.push_back(json::object{{"item", reviews->GetText(i, "item_name").value_or("")},
                                  {"rating", reviews->GetInt(i, "rating").value_or(0)},
                                  {"body", reviews->GetText(i, "body").value_or("")},
                                  {"created_at", reviews->GetText(i, "created_at").value_or("")},
                                  {"updated_at", reviews->GetText(i, "updated_at").value_or("")}});
    }
    out["reviews"] = std::move(rs);
    auto installs = s.Query(Q()["all_installs_of_user"], std::array<Value, 1>{user_id});
    if (!installs) return installs.take_error();
    json::array is;
    for (std::size_t i = 0; i < installs->size(); ++i) {
        const Install in = ReadInstall(*installs, i);
        is.push_back(json::object{{"item", in.name},
                                  {"kind", in.kind},
                                  {"version", in.version},
                                  {"digest", in.digest},
                                  {"installed_at", in.created_at}});
    }
    out["installs"] = std::move(is);
    return json::value(std::move(out));
}

Result<void> Marketplace::ErasePersonal(storage::Session& s, const std::string& user_id) {
    const std::array<Value, 1> p{user_id};
    for (const char* q : {"delete_reviews_of_user", "delete_installs_of_user"}) {
        auto n = s.Execute(Q()[q], p);
        if (!n) return n.take_error();
    }
    if (d_.db.dialect() == storage::Dialect::kSqlite) {
        auto n = s.Execute(Q()["unindex_owner_sqlite"], p);
        if (!n) return n.take_error();
    }
    auto n = s.Execute(Q()["delete_items_of_owner"], p);
    if (!n) return n.take_error();
    return {};
}

}  // namespace dihya::marketplace
