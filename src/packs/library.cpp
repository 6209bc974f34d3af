#include "packs/library.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "auth/permissions.hpp"
#include "catalog/catalog.hpp"
#include "core/crypto.hpp"
#include "core/paging.hpp"
#include "generator/pack.hpp"
#include "generator/pack_lint.hpp"
#include "packs/embedded.hpp"
#include "storage/named_queries.hpp"

namespace dihya::packs {

namespace fs = std::filesystem;
namespace json = boost::json;
using storage::Value;

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/user_packs.sql"), "packs/queries/user_packs.sql");
    return q;
}

StoredPack Read(const storage::Rows& rows, std::size_t i) {
    return StoredPack{rows.GetText(i, "id").value_or(""),        rows.GetText(i, "owner_id").value_or(""),
                      rows.GetText(i, "name").value_or(""),      rows.GetText(i, "version").value_or(""),
                      rows.GetText(i, "kind").value_or(""),      rows.GetText(i, "title").value_or(""),
                      rows.GetText(i, "digest").value_or(""),    rows.GetInt(i, "bytes").value_or(0),
                      rows.GetText(i, "created_at").value_or("")};
}

Result<void> MayManage(const auth::Principal& who, std::optional<std::string_view> owner = std::nullopt) {
    if (!who.authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in to keep template packs");
    return auth::Authorize(who, auth::Action::kPacksManage,
                           owner ? owner : std::optional<std::string_view>(who.user_id));
}

}  // namespace

Result<void> LintDocument(const PackDocument& doc, const fs::path& packs_dir, const model::Vocabulary& vocab) {
    if (doc.kind() != "stack" && doc.kind() != "library") return {};
    const fs::path tmp = fs::temp_directory_path() / ("dihya-pack-lint-" + crypto::RandomToken(8));
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } cleanup{tmp};
    const fs::path dir = tmp / (doc.kind() == "stack" ? "stacks" : "libraries") / doc.name();
    auto written = WritePack(doc, dir);
    if (!written) return written.take_error();
    auto report = generator::LintPacks(dir, vocab, {packs_dir});
    if (!report) return report.take_error();
    Error error{ErrorCode::kInvalidArgument, "", {}};
    const std::string prefix = dir.string() + "/";
    for (const auto& f : report->findings) {
        if (f.severity != generator::LintFinding::Severity::kError) continue;
        std::string where = f.where;
        // Findings about the installed packs beside it are theirs, not the import's.
        if (!where.empty() && !where.starts_with(prefix) && where != dir.string()) continue;
        if (where.starts_with(prefix)) where = where.substr(prefix.size());
        if (where == dir.string()) where = "";
        std::string text = where + (f.field.empty() ? "" : ": " + f.field) + ": " + f.message;
        if (error.message.empty()) error.message = "the pack does not pass `dihya pack lint`: " + text;
        error.details.emplace(where + (f.field.empty() ? "" : ":" + f.field), f.message);
    }
    if (error.details.size() > 1) error.message += " (and " + std::to_string(error.details.size() - 1) + " more)";
    if (!error.message.empty()) return error;
    return {};
}

const std::vector<InstalledPack>& PackLibrary::Installed() const {
    std::call_once(installed_once_, [this] {
        for (const char* group : {"stacks", "libraries"}) {
            for (const fs::path& dir : generator::PackFolders(d_.packs_dir / group)) {
                auto pack = generator::LoadPack(dir);
                if (!pack) continue;  // `dihya serve` refuses to start with a broken installed pack
                installed_.push_back({pack->name, pack->version, pack->kind, pack->title});
            }
        }
        for (const std::string& domain : d_.vocab.domains) {
            auto doc = ExportInstalled(domain);
            if (doc && doc->kind() == "domain") {
                installed_.push_back({doc->name(), doc->version(), "domain", doc->title()});
            }
        }
        std::sort(installed_.begin(), installed_.end(), [](const InstalledPack& a, const InstalledPack& b) {
            return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
        });
    });
    return installed_;
}

Result<PackDocument> ExportInstalledPack(const fs::path& packs_dir, const std::string& name) {
    if (generator::PathProblem(name).empty() && name.find('/') == std::string::npos) {
        for (const char* group : {"stacks", "libraries"}) {
            const fs::path dir = packs_dir / group / name;
            std::error_code ec;
            if (fs::is_regular_file(dir / "pack.yaml", ec)) return ReadPack(dir);
        }
        const std::string_view domain = catalog::EmbeddedFile("domains/" + name + ".yaml");
        if (!domain.empty() && name != "shared") {
            auto manifest = YamlToJson(domain, "packs/domains/" + name + ".yaml");
            if (!manifest) return manifest.take_error();
            if (manifest->is_object()) {
                PackDocument doc;
                doc.manifest = std::move(manifest->as_object());
                return doc;
            }
        }
    }
    return MakeError(ErrorCode::kNotFound, "no installed pack is named " + name);
}

Result<PackDocument> PackLibrary::Check(std::string_view text, Format format) const {
    auto doc = ParseDocument(text, format, "the pack document", d_.limits, d_.evaluate);
    if (!doc) return doc.take_error();
    if (auto ok = CheckDocument(*doc, "the pack document", d_.limits); !ok) return ok.take_error();
    if (auto ok = LintDocument(*doc, d_.packs_dir, d_.vocab); !ok) return ok.take_error();
    return doc;
}

Result<StoredPack> PackLibrary::Import(const auth::Principal& who, std::string_view text, Format format,
                                       const RequestContext& context) {
    if (auto ok = MayManage(who); !ok) return ok.take_error();
    auto doc = Check(text, format);
    if (!doc) return doc.take_error();
    const std::string canonical = json::serialize(ToJson(*doc));
    StoredPack stored{crypto::NewUuid(),
                      who.user_id,
                      doc->name(),
                      doc->version(),
                      doc->kind(),
                      doc->title(),
                      Digest(*doc),
                      static_cast<std::int64_t>(canonical.size()),
                      FormatTime(d_.clock.Now())};
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto count = s.Query(Q()["count_of_owner"], std::array<Value, 1>{who.user_id});
        if (!count) return count.take_error();
        if (static_cast<std::size_t>(count->GetInt(0, "n").value_or(0)) >= d_.max_per_user) {
            return MakeError(ErrorCode::kPayloadTooLarge, "you keep " + std::to_string(d_.max_per_user) +
                                                              " imported packs already (the most one may keep); "
                                                              "remove one first");
        }
        auto exists = s.Query(Q()["exists"], std::array<Value, 3>{who.user_id, stored.name, stored.version});
        if (!exists) return exists.take_error();
        if (!exists->empty()) {
            return MakeError(ErrorCode::kAlreadyExists, "you already imported " + stored.name + " " + stored.version +
                                                            "; a version is never replaced: import it with a new "
                                                            "version, or remove the old one first");
        }
        auto n = s.Execute(Q()["insert"], std::array<Value, 10>{stored.id, stored.owner_id, stored.name, stored.version,
                                                                stored.kind, stored.title, stored.digest, stored.bytes,
                                                                canonical, stored.created_at});
        if (!n) return n.take_error();
        return d_.audit.Record(s, AuditEvent{who.user_id,
                                             "pack.imported",
                                             "pack",
                                             stored.id,
                                             {{"name", stored.name},
                                              {"version", stored.version},
                                              {"kind", stored.kind},
                                              {"digest", stored.digest},
                                              {"format", std::string(NameOf(format))}},
                                             context});
    });
    if (!r) return r.take_error();
    return stored;
}

Result<StoredPage> PackLibrary::Mine(const auth::Principal& who, const std::string& cursor, std::int64_t limit) {
    if (auto ok = MayManage(who); !ok) return ok.take_error();
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    auto rows =
        d_.db.Query(Q()["page_of_owner"], std::array<Value, 4>{who.user_id, after->first, after->second, limit + 1});
    if (!rows) return rows.take_error();
    StoredPage page;
    for (std::size_t i = 0; i < rows->size() && static_cast<std::int64_t>(i) < limit; ++i) {
        page.items.push_back(Read(*rows, i));
    }
    if (static_cast<std::int64_t>(rows->size()) > limit && !page.items.empty()) {
        page.next_cursor = PageCursor(page.items.back().created_at, page.items.back().id);
    }
    return page;
}

Result<std::pair<StoredPack, PackDocument>> PackLibrary::ExportMine(const auth::Principal& who, const std::string& name,
                                                                    const std::string& version) {
    if (auto ok = MayManage(who); !ok) return ok.take_error();
    auto rows = d_.db.Query(Q()["versions_of_owner"], std::array<Value, 2>{who.user_id, name});
    if (!rows) return rows.take_error();
    std::optional<StoredPack> best;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        StoredPack p = Read(*rows, i);
        if (!version.empty() ? p.version == version : (!best || generator::SemverLess(best->version, p.version))) {
            best = std::move(p);
            if (!version.empty()) break;
        }
    }
    if (!best) {
        return MakeError(ErrorCode::kNotFound, "no pack " + name + (version.empty() ? "" : " " + version) +
                                                   " is installed or imported by you");
    }
    auto doc_rows = d_.db.Query(Q()["document"], std::array<Value, 1>{best->id});
    if (!doc_rows) return doc_rows.take_error();
    if (doc_rows->empty()) return MakeError(ErrorCode::kNotFound, "the pack was removed meanwhile");
    auto doc = ParseDocument(doc_rows->GetText(0, "document").value_or(""), Format::kJson, "stored pack",
                             Limits{.max_bytes = SIZE_MAX, .max_files = SIZE_MAX});
    if (!doc) return MakeError(ErrorCode::kInternal, "a stored pack does not read back: " + doc.error().message);
    return std::make_pair(std::move(*best), std::move(*doc));
}

Result<void> PackLibrary::Remove(const auth::Principal& who, const std::string& id, const RequestContext& context) {
    if (auto ok = MayManage(who); !ok) return ok.take_error();
    return d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto rows = s.Query(Q()["document"], std::array<Value, 1>{id});
        if (!rows) return rows.take_error();
        if (rows->empty() || rows->GetText(0, "owner_id").value_or("") != who.user_id) {
            return MakeError(ErrorCode::kNotFound, "you have no imported pack with this id");
        }
        const StoredPack p = Read(*rows, 0);
        auto n = s.Execute(Q()["delete"], std::array<Value, 2>{id, who.user_id});
        if (!n) return n.take_error();
        return d_.audit.Record(s, AuditEvent{who.user_id,
                                             "pack.removed",
                                             "pack",
                                             id,
                                             {{"name", p.name}, {"version", p.version}, {"digest", p.digest}},
                                             context});
    });
}

Result<json::value> PackLibrary::ExportPersonal(storage::Session& s, const std::string& user_id) {
    auto rows = s.Query(Q()["all_of_owner"], std::array<Value, 1>{user_id});
    if (!rows) return rows.take_error();
    json::array items;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const StoredPack p = Read(*rows, i);
        std::error_code ec;
        json::value document = json::parse(rows->GetText(i, "document").value_or("null"), ec);
        items.push_back(json::object{{"id", p.id},
                                     {"name", p.name},
                                     {"version", p.version},
                                     {"kind", p.kind},
                                     {"digest", p.digest},
                                     {"imported_at", p.created_at},
                                     {"document", ec ? json::value(nullptr) : std::move(document)}});
    }
    return json::value(json::object{{"imported", std::move(items)}});
}

Result<void> PackLibrary::ErasePersonal(storage::Session& s, const std::string& user_id) {
    auto n = s.Execute(Q()["delete_of_owner"], std::array<Value, 1>{user_id});
    if (!n) return n.take_error();
    return {};
}

}  // namespace dihya::packs
