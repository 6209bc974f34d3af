#pragma once

// GDPR rights: export (a background job that gathers every PersonalDataSource into one archive) and erasure (every
// source, in one transaction: data deleted, audit entries pseudonymised, the account removed), plus the retention
// rules (docs/privacy.md), which the scheduler runs.

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/principal.hpp"
#include "auth/service.hpp"
#include "core/audit_sink.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/personal_data.hpp"
#include "core/request_context.hpp"
#include "jobs/queue.hpp"
#include "storage/db.hpp"

namespace dihya::gdpr {

inline constexpr std::string_view kExportJob = "gdpr_export";

struct ExportInfo {
    std::string id;
    std::string status;  // queued | running | succeeded | failed
    std::string created_at;
    std::string finished_at;
    std::int64_t size = 0;
    std::string sha256;
    std::string expires_at;
    std::string error;
};

struct GdprDeps {
    storage::Db& db;
    jobs::Queue& queue;
    auth::AuthService& auth;
    AuditSink& audit;
    const Clock& clock;
    Logger& log;
    GdprConfig config;
    std::filesystem::path export_dir;
    /// Every source of personal data. Erasure calls them in this order: put the account last.
    std::vector<PersonalDataSource*> sources;
    /// The pseudonym that replaces an erased user in the audit log (recorded in the erasure entry).
    std::function<std::string(const std::string&)> pseudonym;
};

class GdprService final {
public:
    explicit GdprService(GdprDeps deps);
    ~GdprService();

    /// Registers the export job's handler on the queue.
    void RegisterJobs();

    Result<ExportInfo> RequestExport(const auth::Principal& who, const RequestContext& ctx);
    Result<std::vector<ExportInfo>> Exports(const auth::Principal& who);
    Result<ExportInfo> GetExport(const auth::Principal& who, const std::string& id);
    /// The archive's path on disk, when the export succeeded and has not expired.
    Result<std::filesystem::path> ExportArchive(const auth::Principal& who, const std::string& id);

    /// Erases the caller's account. Password accounts confirm with their password; the last admin cannot leave.
    Result<void> Erase(const auth::Principal& who, const std::string& password, const RequestContext& ctx);
    /// Erasure of `user_id` without a caller (retention rules). `reason` goes into the audit entry.
    Result<void> EraseUser(const std::string& user_id, const std::string& reason, const RequestContext& ctx);

    /// Runs the retention rules once (the scheduled job "gdpr-retention"); returns what was removed, by kind.
    Result<boost::json::object> RunRetention();

    /// The archive's README (also docs/privacy.md's inventory): what each file holds and why.
    std::string ReadmeText() const;

private:
    Result<boost::json::value> RunExport(const jobs::Job& job, jobs::Progress& progress);
    ExportInfo InfoOf(const jobs::Job& job) const;
    std::filesystem::path FileOf(const std::string& id) const { return d_.export_dir / (id + ".zip"); }

    GdprDeps d_;
};

}  // namespace dihya::gdpr
