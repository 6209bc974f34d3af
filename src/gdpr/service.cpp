#include "gdpr/service.hpp"

#include <cerrno>
#include <fstream>

#include <boost/json.hpp>
#include <fcntl.h>
#include <unistd.h>

#include "auth/permissions.hpp"
#include "core/files.hpp"
#include "core/json_pretty.hpp"
#include "generator/archive.hpp"

namespace dihya::gdpr {

namespace json = boost::json;
using auth::Action;
using auth::Authorize;

namespace {

Result<void> WritePrivateFile(const std::filesystem::path& path, const std::string& bytes) {
    if (auto dir = MakePrivateDir(path.parent_path()); !dir) return dir;
    std::error_code ec;
    const std::string tmp = path.string() + ".part";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);  // NOLINT: owner-only from the start
    if (fd < 0) return MakeError(ErrorCode::kUnavailable, "cannot write the export archive");
    std::size_t off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (n <= 0) {
            const bool full = n < 0 && (errno == ENOSPC || errno == EDQUOT);
            ::close(fd);
            std::filesystem::remove(tmp, ec);
            if (full) {
                return MakeError(ErrorCode::kInsufficientStorage,
                                 "the disk holding the data directory is full: the export archive was not written");
            }
            return MakeError(ErrorCode::kUnavailable, "cannot write the export archive");
        }
        off += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    std::filesystem::rename(tmp, path, ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "cannot write the export archive");
    return Ok();
}

}  // namespace

GdprService::GdprService(GdprDeps deps) : d_(std::move(deps)) {}

GdprService::~GdprService() = default;

void GdprService::RegisterJobs() {
    d_.queue.Handle(std::string(kExportJob),
                    [this](const jobs::Job& job, jobs::Progress& progress) { return RunExport(job, progress); });
}

std::string GdprService::ReadmeText() const {
    std::string out =
        "# Your personal data\n\n"
        "This archive holds every piece of personal data this Dihya server keeps about you, as JSON files:\n\n";
    for (const auto* s : d_.sources) {
        out += "- `" + std::string(s->Name()) + ".json`: " + std::string(s->Description()) + "\n";
    }
    out +=
        "- `export.json`: when this archive was made, for which account, under which privacy policy version.\n\n"
        "Not included, because they are not data about you but secrets that protect you: password hashes, token "
        "hashes, API key hashes. Times are UTC (ISO 8601). Network addresses are stored truncated (IPv4 /24, IPv6 "
        "/48).\n\n"
        "To correct your data use PATCH /api/v1/users/me; to erase your account and its data, DELETE "
        "/api/v1/users/me. The archive itself is deleted from the server " +
        std::to_string(d_.config.export_days) + " days after it was made.\n";
    return out;
}

ExportInfo GdprService::InfoOf(const jobs::Job& job) const {
    ExportInfo e;
    e.id = job.id;
    e.status = job.status;
    e.created_at = job.created_at;
    e.finished_at = job.finished_at;
    e.error = job.error;
    if (job.result.is_object()) {
        const auto& r = job.result.as_object();
        if (const auto* v = r.if_contains("size"); v != nullptr && v->is_int64()) e.size = v->as_int64();
        if (const auto* v = r.if_contains("sha256"); v != nullptr && v->is_string()) e.sha256 = v->as_string();
        if (const auto* v = r.if_contains("expires_at"); v != nullptr && v->is_string()) e.expires_at = v->as_string();
    }
    return e;
}

Result<json::value> GdprService::RunExport(const jobs::Job& job, jobs::Progress& progress) {
    const std::string user_id = job.owner_id;
    generator::Tree tree;
    const auto total = static_cast<std::int64_t>(d_.sources.size()) + 1;
    std::int64_t done = 0;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            for (auto* source : d_.sources) {
                progress.Step("collecting " + std::string(source->Name()), done, total);
                auto data = source->Export(s, user_id);
                if (!data) return data.take_error();
                tree.files.push_back({std::string(source->Name()) + ".json", PrettyJson(*data) + "\n", false});
                ++done;
            }
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    const std::string now = FormatTime(d_.clock.Now());
    const json::object manifest{{"generated_at", now},
                                {"user_id", user_id},
                                {"policy_version", d_.config.policy_version},
                                {"files", [&] {
                                     json::array files;
                                     for (const auto& f : tree.files) files.push_back(json::value(f.path));
                                     return files;
                                 }()}};
    tree.files.push_back({"export.json", PrettyJson(manifest) + "\n", false});
    tree.files.push_back({"README.md", ReadmeText(), false});
    std::sort(tree.files.begin(), tree.files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    progress.Step("writing the archive", done, total);
    auto archive = generator::WriteArchive(tree, generator::ArchiveFormat::kZip, {"personal-data"});
    if (!archive) return archive.take_error();
    if (auto w = WritePrivateFile(FileOf(job.id), archive->bytes); !w) return w.take_error();
    progress.Step("done", total, total);
    progress.Log("archive of " + std::to_string(tree.files.size()) + " files written");
    const std::string expires = FormatTime(d_.clock.Now() + std::chrono::hours(24 * d_.config.export_days));
    return json::value(json::object{{"size", static_cast<std::int64_t>(archive->bytes.size())},
                                    {"sha256", archive->sha256},
                                    {"expires_at", expires}});
}

Result<ExportInfo> GdprService::RequestExport(const auth::Principal& who, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountExport); !a) return a.take_error();
    auto recent = d_.queue.ListByOwner(who.user_id, std::string(kExportJob), 1);
    if (!recent) return recent.take_error();
    if (!recent->empty() && !recent->front().finished()) {
        Error e = MakeError(ErrorCode::kConflict, "an export is already being prepared: " + recent->front().id);
        e.retry_after = 5;
        return e;
    }
    auto job = d_.queue.Enqueue(std::string(kExportJob), who.user_id, "", json::object{});
    if (!job) return job.take_error();
    (void)d_.db.Transaction([&](storage::Session& s) {
        return d_.audit.Record(s, {who.user_id, "gdpr.export_requested", "user", who.user_id, {{"job", job->id}}, ctx});
    });
    return InfoOf(*job);
}

Result<std::vector<ExportInfo>> GdprService::Exports(const auth::Principal& who) {
    if (auto a = Authorize(who, Action::kAccountExport); !a) return a.take_error();
    auto list = d_.queue.ListByOwner(who.user_id, std::string(kExportJob), 50);
    if (!list) return list.take_error();
    std::vector<ExportInfo> out;
    for (const auto& j : *list) out.push_back(InfoOf(j));
    return out;
}

Result<ExportInfo> GdprService::GetExport(const auth::Principal& who, const std::string& id) {
    if (auto a = Authorize(who, Action::kAccountExport); !a) return a.take_error();
    auto job = d_.queue.Find(id);
    if (!job) return job.take_error();
    if (!*job || (*job)->kind != kExportJob || (*job)->owner_id != who.user_id) {
        return MakeError(ErrorCode::kNotFound, "no such export");
    }
    return InfoOf(**job);
}

Result<std::filesystem::path> GdprService::ExportArchive(const auth::Principal& who, const std::string& id) {
    auto info = GetExport(who, id);
    if (!info) return info.take_error();
    if (info->status != "succeeded") {
        Error e =
            MakeError(ErrorCode::kConflict, "the export is " + info->status + "; try again when it has succeeded");
        if (info->status == "queued" || info->status == "running") e.retry_after = 2;
        return e;
    }
    const auto path = FileOf(id);
    if (!std::filesystem::exists(path))
        return MakeError(ErrorCode::kNotFound, "this export has expired; ask for a new one");
    return path;
}

Result<void> GdprService::Erase(const auth::Principal& who, const std::string& password, const RequestContext& ctx) {
    if (auto a = Authorize(who, Action::kAccountDelete); !a) return a;
    if (!who.api_key_id.empty()) {
        return MakeError(ErrorCode::kPermissionDenied, "an API key cannot erase an account; sign in to do it");
    }
    auto user = d_.auth.LoadUser(who.user_id);
    if (!user) return user.take_error();
    if (user->has_password) {
        if (password.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, "confirm with your password: {\"password\": \"...\"}",
                             {{"password", "is required"}});
        }
        if (auto c = d_.auth.ConfirmPassword(who, password, ctx); !c) return c;
    } else {
        // No password to confirm (OAuth-only accounts): ask for a recent sign-in instead.
        const auto since = ParseTime(who.auth_time);
        if (!since || d_.clock.Now() - *since > std::chrono::minutes(15)) {
            return MakeError(ErrorCode::kPermissionDenied, "sign in again (within 15 minutes) to erase your account");
        }
    }
    return EraseUser(who.user_id, "requested", ctx);
}

Result<void> GdprService::EraseUser(const std::string& user_id, const std::string& reason, const RequestContext& ctx) {
    std::vector<std::string> exports;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto user = d_.auth.LoadUser(s, user_id);
        if (!user) return user.take_error();
        if (user->role == "admin" && !user->disabled) {
            auto admins = d_.auth.repository().CountActiveAdmins(s);
            if (!admins) return admins.take_error();
            if (*admins <= 1) {
                return MakeError(ErrorCode::kConflict,
                                 "the last active admin cannot erase their account: make another admin first");
            }
        }
        auto jobs = d_.queue.ListByOwner(user_id, std::string(kExportJob), 1000);
        if (!jobs) return jobs.take_error();
        for (const auto& j : *jobs) exports.push_back(j.id);
        for (auto* source : d_.sources) {
            if (auto r = source->Erase(s, user_id); !r) {
                Error e = r.take_error();
                e.message = std::string(source->Name()) + ": " + e.message;
                return e;
            }
        }
        if (auto r = d_.queue.DeleteOwner(s, user_id); !r) return r.take_error();
        // The entry names the pseudonym only: the person is gone from the log.
        return d_.audit.Record(
            s, {"", "gdpr.erasure", "", "", {{"subject", d_.pseudonym(user_id)}, {"reason", reason}}, ctx});
    });
    if (!w) return w;
    for (const auto& id : exports) {
        std::error_code ec;
        std::filesystem::remove(FileOf(id), ec);
    }
    d_.log.Info("account erased", {{"reason", reason}});
    return Ok();
}

Result<json::object> GdprService::RunRetention() {
    const TimePoint now = d_.clock.Now();
    std::optional<TimePoint> unverified_before;
    if (d_.config.unverified_account_days > 0) {
        unverified_before = now - std::chrono::hours(24 * d_.config.unverified_account_days);
    }
    auto purged = d_.auth.Purge(unverified_before, now - std::chrono::hours(24 * d_.config.session_days_after_expiry));
    if (!purged) return purged.take_error();
    json::object out = std::move(*purged);
    std::int64_t erased = 0;
    for (const auto& id : out["unverified_accounts"].as_array()) {
        if (EraseUser(std::string(id.as_string()), "retention: email never verified", {"retention", ""})) ++erased;
    }
    out["unverified_accounts"] = erased;
    auto old =
        d_.queue.OldFinished(std::string(kExportJob), FormatTime(now - std::chrono::hours(24 * d_.config.export_days)));
    if (!old) return old.take_error();
    for (const auto& [id, result] : *old) {
        std::error_code ec;
        std::filesystem::remove(FileOf(id), ec);
        (void)d_.queue.Delete(id);
    }
    out["exports"] = static_cast<std::int64_t>(old->size());
    return out;
}

}  // namespace dihya::gdpr
