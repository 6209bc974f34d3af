#pragma once

// Projects storage: projects, their Idempotency-Keys and the files of their generations. SQL in
// queries/projects.sql. Generations themselves are jobs (jobs/queue.hpp) of kind "generation".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::projects {

struct ProjectRow {
    std::string id;
    std::string owner_id;
    std::string name;
    std::string title;
    std::string description;
    std::string spec;  // JSON text
    std::optional<std::string> source_text;
    std::string assumptions;  // JSON array text
    std::string created_at;
    std::string updated_at;
    std::int64_t version = 1;
};

struct IdempotencyRow {
    std::string project_id;
    std::string request_hash;
    std::string created_at;
};

struct FileRow {
    std::string path;
    std::int64_t size = 0;
    std::string sha256;
    bool executable = false;
    std::optional<std::string> content;  // absent when not asked for, or over the size asked
};

/// A member of a project other than its owner.
struct MemberRow {
    std::string project_id;
    std::string user_id;
    std::string role;  // viewer | editor
    std::string added_by;
    std::string created_at;
    std::string updated_at;
};

class ProjectsRepository final {
public:
    using S = storage::Session;

    Result<void> Insert(S& s, const ProjectRow& p) const;
    Result<std::optional<ProjectRow>> Find(S& s, const std::string& id) const;
    /// Newest first, after the (created_at, id) cursor; `like` is a lower-case LIKE pattern or "". An empty owner
    /// lists every owner's projects.
    Result<std::vector<ProjectRow>> List(S& s, const std::string& owner_id, const std::string& before_created,
                                         const std::string& before_id, const std::string& like,
                                         std::int64_t limit) const;
    /// Like List, over the projects shared with `user_id`.
    Result<std::vector<ProjectRow>> ListShared(S& s, const std::string& user_id, const std::string& before_created,
                                               const std::string& before_id, const std::string& like,
                                               std::int64_t limit) const;
    /// Oldest first.
    Result<std::vector<ProjectRow>> OfOwner(S& s, const std::string& owner_id) const;
    Result<std::int64_t> Count(S& s, const std::string& owner_id) const;
    /// Writes `p` (its version is the expected current one; the stored one becomes version + 1). False when the
    /// project is gone or at another version.
    Result<bool> Update(S& s, const ProjectRow& p) const;
    /// False when the project is gone or at another version.
    Result<bool> Delete(S& s, const std::string& id, std::int64_t version) const;
    Result<std::int64_t> DeleteOwner(S& s, const std::string& owner_id) const;

    Result<std::optional<IdempotencyRow>> FindKey(S& s, const std::string& owner_id, const std::string& key) const;
    Result<void> InsertKey(S& s, const std::string& owner_id, const std::string& key, const IdempotencyRow& row) const;
    Result<void> DeleteKey(S& s, const std::string& owner_id, const std::string& key) const;

    Result<std::optional<MemberRow>> FindMember(S& s, const std::string& project_id, const std::string& user_id) const;
    /// Oldest first.
    Result<std::vector<MemberRow>> Members(S& s, const std::string& project_id) const;
    Result<std::int64_t> CountMembers(S& s, const std::string& project_id) const;
    /// Adds the member or changes its role.
    Result<void> UpsertMember(S& s, const MemberRow& m) const;
    /// False when there was no such member.
    Result<bool> DeleteMember(S& s, const std::string& project_id, const std::string& user_id) const;
    /// The projects shared with `user_id`, oldest first.
    Result<std::vector<MemberRow>> MembershipsOf(S& s, const std::string& user_id) const;
    Result<void> DeleteMemberships(S& s, const std::string& user_id) const;

    /// Replaces the files of a generation.
    Result<void> DeleteFiles(S& s, const std::string& generation_id) const;
    Result<void> InsertFile(S& s, const std::string& generation_id, const FileRow& f) const;
    /// Without contents, sorted by path (byte order).
    Result<std::vector<FileRow>> ListFiles(S& s, const std::string& generation_id) const;
    /// With the content when the file is at most `max_content_bytes` long.
    Result<std::optional<FileRow>> FindFile(S& s, const std::string& generation_id, const std::string& path,
                                            std::int64_t max_content_bytes) const;
    /// Everything, with contents, sorted by path.
    Result<std::vector<FileRow>> AllFiles(S& s, const std::string& generation_id) const;
};

}  // namespace dihya::projects
