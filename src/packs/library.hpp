#pragma once

// The packs a server knows: those installed with it (packs/ on disk, domains built in) and those each user
// imported, private to them (docs/packs.md "Import and export"). Imports are checked like `dihya pack lint`
// before they are kept; nothing here touches HTTP.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "auth/principal.hpp"
#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/personal_data.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "model/project_model.hpp"
#include "packs/document.hpp"
#include "storage/db.hpp"

namespace dihya::packs {

struct InstalledPack {
    std::string name;
    std::string version;
    std::string kind;
    std::string title;
};

struct StoredPack {
    std::string id;
    std::string owner_id;
    std::string name;
    std::string version;
    std::string kind;
    std::string title;
    std::string digest;
    std::int64_t bytes = 0;
    std::string created_at;
};

struct StoredPage {
    std::vector<StoredPack> items;
    std::string next_cursor;  // "" on the last page
};

struct PackLibraryDeps {
    storage::Db& db;
    AuditSink& audit;
    const Clock& clock;
    std::filesystem::path packs_dir;  // the installed packs (stacks/, libraries/)
    model::Vocabulary vocab;          // for the lint of imports
    Limits limits;
    std::size_t max_per_user = 100;
    JsEvaluator evaluate = {};  // JavaScript packs that compute their export (the plugin sandbox)
};

/// Lints a stack or library pack document as `dihya pack lint` does its folder, with the packs installed under
/// `packs_dir` beside it (its libraries, the stacks it requires); returns the first error finding (naming the
/// file and line inside the pack) as kInvalidArgument, every error finding in `details`.
Result<void> LintDocument(const PackDocument& doc, const std::filesystem::path& packs_dir,
                          const model::Vocabulary& vocab);

/// An installed pack as a document: a stack or library pack under `packs_dir`, or a built-in domain; kNotFound
/// when there is none of that name.
Result<PackDocument> ExportInstalledPack(const std::filesystem::path& packs_dir, const std::string& name);

class PackLibrary final {
public:
    explicit PackLibrary(PackLibraryDeps deps) : d_(std::move(deps)) {}

    /// The installed packs: stack and library packs under packs_dir, and the built-in domains; sorted by kind then
    /// name. Read once (they change only with a restart, as the generator's do).
    const std::vector<InstalledPack>& Installed() const;

    Result<PackDocument> ExportInstalled(const std::string& name) const {
        return ExportInstalledPack(d_.packs_dir, name);
    }

    /// Parses, checks and lints a document as Import does before keeping it (the marketplace checks what is
    /// published with it).
    Result<PackDocument> Check(std::string_view text, Format format) const;

    /// Imports a document for `who` (signed in; packs:manage): parsed, checked and linted, then kept privately.
    /// kAlreadyExists when they already keep that name and version; kPayloadTooLarge past the limits or their
    /// quota.
    Result<StoredPack> Import(const auth::Principal& who, std::string_view text, Format format,
                              const RequestContext& context);

    /// The packs `who` imported, newest first.
    Result<StoredPage> Mine(const auth::Principal& who, const std::string& cursor, std::int64_t limit);

    /// One of `who`'s packs as a document: by name, the highest version unless `version` is given.
    Result<std::pair<StoredPack, PackDocument>> ExportMine(const auth::Principal& who, const std::string& name,
                                                           const std::string& version);

    /// Deletes one of `who`'s packs (kNotFound when it is not theirs).
    Result<void> Remove(const auth::Principal& who, const std::string& id, const RequestContext& context);

    /// GDPR: the user's imported packs (their manifests and digests; the files stay in the export's packs/).
    Result<boost::json::value> ExportPersonal(storage::Session& s, const std::string& user_id);
    Result<void> ErasePersonal(storage::Session& s, const std::string& user_id);

private:
    PackLibraryDeps d_;
    mutable std::once_flag installed_once_;
    mutable std::vector<InstalledPack> installed_;
};

/// A user's imported packs in the GDPR export and erasure.
class PackData final : public PersonalDataSource {
public:
    explicit PackData(PackLibrary& library) : library_(library) {}
    std::string_view Name() const override { return "packs"; }
    std::string_view Description() const override {
        return "The template packs you imported, each as its whole document (manifest and files).";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override {
        return library_.ExportPersonal(s, user_id);
    }
    Result<void> Erase(storage::Session& s, const std::string& user_id) override {
        return library_.ErasePersonal(s, user_id);
    }

private:
    PackLibrary& library_;
};

}  // namespace dihya::packs
