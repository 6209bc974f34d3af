#pragma once

// The marketplace (docs/marketplace.md): users publish plugins and template packs as items with immutable
// versions; each version waits for an admin's review (approve, reject with a reason, yank); an approved version's
// package is signed (Ed25519) and every install verifies that signature before the package reaches the user's
// workspace (their plugins, their imported packs). Anyone may browse and search; users rate and review. Nothing
// here touches HTTP, and what an item is (how a package is checked and installed) comes from the kinds given.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "auth/principal.hpp"
#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/event_sink.hpp"
#include "core/notifier.hpp"
#include "core/personal_data.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "core/signature.hpp"
#include "storage/db.hpp"

namespace dihya::marketplace {

/// A package as its kind checked it: the name and version its manifest declares, and the text kept (canonical).
struct CheckedPackage {
    std::string name;
    std::string version;
    std::string title;
    std::string summary;
    std::string package;
};

/// What the marketplace knows of a kind of item (plugin, pack): how to check a package submitted in a format, and
/// how to install a verified package into a user's workspace (returns the id it has there).
struct ItemKind {
    std::function<Result<CheckedPackage>(const std::string& text, const std::string& format)> check;
    std::function<Result<std::string>(const auth::Principal& who, const std::string& package,
                                      const RequestContext& ctx)>
        install;
    std::vector<std::string> formats;  // accepted `format`s; the first is the default
};

struct Item {
    std::string id;
    std::string owner_id;
    std::string kind;
    std::string name;
    std::string title;
    std::string summary;
    std::string category;
    std::vector<std::string> tags;
    std::string icon;
    std::string licence;
    std::string latest_version;  // the highest approved version; "" while none is
    std::string published_at;
    std::int64_t downloads = 0;
    std::int64_t installs = 0;
    std::int64_t rating_count = 0;
    double rating = 0;  // the average, 0 without ratings
    std::string created_at;
};

struct Version {
    std::string id;
    std::string item_id;
    std::string item_name;
    std::string item_kind;
    std::string version;
    std::string changelog;
    std::string title;
    std::string summary;
    std::string category;
    std::vector<std::string> tags;
    std::string icon;
    std::string licence;
    std::string digest;  // SHA-256 of the package, hex
    std::int64_t bytes = 0;
    std::string status;  // pending, approved, rejected, yanked
    std::string reason;  // of a rejection or a yank
    std::string signature;
    std::string key_id;
    std::string submitted_at;
    std::string decided_at;
};

struct HistoryEntry {
    std::string version;
    std::string event;  // submitted, approved, rejected, yanked
    std::string reason;
    std::string at;
};

/// An item as its page shows it: the versions the caller may see (approved and yanked for everybody; every one
/// for its owner and admins) and, for them, what happened to each.
struct ItemPage {
    Item item;
    std::vector<Version> versions;
    std::vector<HistoryEntry> history;  // owner and admins only
    bool owned = false;
};

struct Submission {
    std::string kind;
    std::string package;  // the plugin's module text; a pack's document
    std::string format;   // "" = the kind's default
    std::string changelog;
    std::string category;
    std::vector<std::string> tags;
    std::string icon;
    std::string licence;
    std::string summary;  // "" = the package's description
};

struct SearchQuery {
    std::string q;
    std::string kind;
    std::string category;
    std::string tag;
    std::string sort;  // relevance (default with q), recent (default without), downloads, installs, rating
    std::string cursor;
    std::int64_t limit = 20;
};

struct SearchPage {
    std::vector<Item> items;
    std::string next_cursor;
};

struct Review {
    std::string item_id;
    std::string user_id;
    std::string author;  // their display name, "" when they have none
    int rating = 0;
    std::string body;
    std::string created_at;
    std::string updated_at;
};

struct ReviewPage {
    std::vector<Review> items;
    std::string next_cursor;
};

struct Install {
    std::string id;
    std::string item_id;
    std::string kind;
    std::string name;
    std::string version;
    std::string digest;
    std::string target_id;  // the plugin's or the imported pack's id in the workspace
    std::string status;     // the version's status today ("" when the item was removed)
    std::string created_at;
};

struct InstallPage {
    std::vector<Install> items;
    std::string next_cursor;
};

struct Download {
    Version version;
    std::string package;
};

/// One day of an item's statistics: the counts as they stood that day (UTC), and what the day added.
struct DayStats {
    std::string day;  // YYYY-MM-DD
    std::int64_t downloads = 0;
    std::int64_t installs = 0;
    std::int64_t rating_count = 0;
    double rating = 0;
    std::int64_t new_downloads = 0;  // since the day before (since the first snapshot, for the first one)
    std::int64_t new_installs = 0;
};

struct MarketplaceDeps {
    storage::Db& db;
    AuditSink& audit;
    const Clock& clock;
    const crypto::Ed25519Signer& signer;
    std::map<std::string, ItemKind> kinds;  // "plugin", "pack"
    Notifier* notifier = nullptr;           // tells authors of review decisions (in-app, mail as they chose)
    EventSink* events = nullptr;            // the `marketplace` channel: marketplace.version_approved / _yanked
    /// Called in the decision's transaction (platform events for plugins: review.decided).
    std::function<Result<void>(storage::Session&, const boost::json::object&)> on_decided = {};
    /// A user's display name for reviews ("" when none).
    std::function<std::string(const std::string& user_id)> display_name = {};
    std::size_t max_pending_per_user = 20;
    std::size_t max_package = 8u << 20;
};

/// The message an approved version's signature covers: the kind, name, version and package digest, so that a
/// signature is worth nothing for another item, version or package.
std::string SignedMessage(const std::string& kind, const std::string& name, const std::string& version,
                          const std::string& digest);

class Marketplace final {
public:
    explicit Marketplace(MarketplaceDeps deps);

    /// Publishes a new version of an item (signed-in users): the package is checked by its kind; the item is
    /// created on its first version and belongs to whoever published it; another user's item is kPermissionDenied;
    /// a version already published is kAlreadyExists. The version waits for review.
    Result<Version> Publish(const auth::Principal& who, const Submission& s, const RequestContext& ctx);

    /// Guests too: the listed items matching, ranked.
    Result<SearchPage> Search(const auth::Principal& who, const SearchQuery& query);
    Result<ItemPage> Get(const auth::Principal& who, const std::string& name);

    /// Admins: versions of a status (pending by default), oldest first.
    Result<std::pair<std::vector<Version>, std::string>> Queue(const auth::Principal& who, const std::string& status,
                                                               const std::string& cursor, std::int64_t limit);
    /// Admins: approve (pending → approved, signed), reject (pending → rejected; a reason is required) or yank
    /// (approved → yanked; a reason is required). The author is notified; the history keeps it.
    Result<Version> Decide(const auth::Principal& who, const std::string& version_id, const std::string& decision,
                           const std::string& reason, const RequestContext& ctx);

    /// An approved version's package (guests too; counts a download). `version` "" = the latest.
    Result<Download> Fetch(const auth::Principal& who, const std::string& name, const std::string& version);

    /// Installs an approved version into the caller's workspace after verifying its digest and signature. A
    /// version the caller installed already answers that install (second = false).
    Result<std::pair<Install, bool>> InstallItem(const auth::Principal& who, const std::string& name,
                                                 const std::string& version, const RequestContext& ctx);
    Result<InstallPage> Installs(const auth::Principal& who, const std::string& cursor, std::int64_t limit);

    /// One rating (1-5) and review per user per item, editable; not on one's own item.
    Result<Review> Rate(const auth::Principal& who, const std::string& name, int rating, const std::string& body,
                        const RequestContext& ctx);
    Result<void> Unrate(const auth::Principal& who, const std::string& name, const RequestContext& ctx);
    Result<ReviewPage> Reviews(const auth::Principal& who, const std::string& name, const std::string& cursor,
                               std::int64_t limit);

    /// The scheduled job "marketplace-stats": today's counts of every listed item (again the same day: replaced);
    /// snapshots older than a year go. Answers {day, items, pruned}.
    Result<boost::json::object> SnapshotStats();
    /// An item's days, oldest first, the last `days` (1-365) — whoever may see the item.
    Result<std::vector<DayStats>> Stats(const auth::Principal& who, const std::string& name, int days);

    /// GDPR: the user's items (every version with its package), reviews and installs; erasure removes them.
    Result<boost::json::value> ExportPersonal(storage::Session& s, const std::string& user_id);
    Result<void> ErasePersonal(storage::Session& s, const std::string& user_id);

    const crypto::Ed25519Signer& signer() const { return d_.signer; }

private:
    Result<Item> ItemNamed(storage::Session* s, const std::string& name);
    /// Whether `who` reviews the item's versions: its author, or an admin.
    bool MayReview(const auth::Principal& who, const Item& item) const;
    /// The item named, when `who` may see it (listed, with a yanked version, or theirs to review); else kNotFound.
    Result<Item> VisibleItem(const auth::Principal& who, const std::string& name);
    Result<void> Relist(storage::Session& s, const std::string& item_id, const std::string& name);

    MarketplaceDeps d_;
};

/// The user's marketplace items, reviews and installs in the GDPR export and erasure.
class MarketplaceData final : public PersonalDataSource {
public:
    explicit MarketplaceData(Marketplace& market) : market_(market) {}
    std::string_view Name() const override { return "marketplace"; }
    std::string_view Description() const override {
        return "What you published in the marketplace (every version, its package and its review), your ratings "
               "and reviews, and what you installed from it.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override {
        return market_.ExportPersonal(s, user_id);
    }
    Result<void> Erase(storage::Session& s, const std::string& user_id) override {
        return market_.ErasePersonal(s, user_id);
    }

private:
    Marketplace& market_;
};

}  // namespace dihya::marketplace
