#include "projects/repository.hpp"

#include <algorithm>
#include <array>

#include "projects/embedded.hpp"
#include "storage/named_queries.hpp"
#include "storage/params.hpp"

namespace dihya::projects {

namespace {

using storage::Rows;
using storage::Value;

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/projects.sql"), "projects/queries/projects.sql");
    return q;
}

/// A statement with the project column list in place of {columns}.
std::string WithColumns(std::string_view name) {
    std::string s(Q()[name]);
    s.replace(s.find("{columns}"), 9, std::string(Q()["project_columns"]));
    return s;
}

const std::string& Sql(std::string_view name) {
    static const std::array<std::pair<std::string_view, std::string>, 5> kExpanded{{
        {"list_shared_projects", WithColumns("list_shared_projects")},
        {"find_project", WithColumns("find_project")},
        {"list_projects", WithColumns("list_projects")},
        {"list_all_projects", WithColumns("list_all_projects")},
        {"owner_projects", WithColumns("owner_projects")},
    }};
    for (const auto& [n, s] : kExpanded) {
        if (n == name) return s;
    }
    throw std::logic_error("no expanded statement " + std::string(name));
}

Result<void> Void(Result<std::int64_t> r) {
    if (!r) return r.take_error();
    return Ok();
}

ProjectRow ReadProject(const Rows& r, std::size_t i) {
    ProjectRow p;
    p.id = r.GetText(i, "id").value_or("");
    p.owner_id = r.GetText(i, "owner_id").value_or("");
    p.name = r.GetText(i, "name").value_or("");
    p.title = r.GetText(i, "title").value_or("");
    p.description = r.GetText(i, "description").value_or("");
    p.spec = r.GetText(i, "spec").value_or("{}");
    p.source_text = r.GetText(i, "source_text");
    p.assumptions = r.GetText(i, "assumptions").value_or("[]");
    p.created_at = r.GetText(i, "created_at").value_or("");
    p.updated_at = r.GetText(i, "updated_at").value_or("");
    p.version = r.GetInt(i, "version").value_or(1);
    return p;
}

std::vector<ProjectRow> ReadProjects(const Rows& r) {
    std::vector<ProjectRow> out;
    out.reserve(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back(ReadProject(r, i));
    return out;
}

std::vector<MemberRow> ReadMembers(const Rows& r) {
    std::vector<MemberRow> out;
    for (std::size_t i = 0; i < r.size(); ++i) {
        MemberRow m;
        m.project_id = r.GetText(i, "project_id").value_or("");
        m.user_id = r.GetText(i, "user_id").value_or("");
        m.role = r.GetText(i, "role").value_or("viewer");
        m.added_by = r.GetText(i, "added_by").value_or("");
        m.created_at = r.GetText(i, "created_at").value_or("");
        m.updated_at = r.GetText(i, "updated_at").value_or("");
        out.push_back(std::move(m));
    }
    return out;
}

FileRow ReadFile(const Rows& r, std::size_t i, bool with_content) {
    FileRow f;
    f.path = r.GetText(i, "path").value_or("");
    f.size = r.GetInt(i, "size").value_or(0);
    f.sha256 = r.GetText(i, "sha256").value_or("");
    f.executable = r.GetInt(i, "executable").value_or(0) != 0;
    if (with_content) f.content = r.GetText(i, "content");
    return f;
}

/// PostgreSQL sorts text by its collation; archives and listings use byte order.
std::vector<FileRow> SortedFiles(const Rows& r, bool with_content) {
    std::vector<FileRow> out;
    out.reserve(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back(ReadFile(r, i, with_content));
    std::sort(out.begin(), out.end(), [](const FileRow& a, const FileRow& b) { return a.path < b.path; });
    return out;
}

}  // namespace

Result<void> ProjectsRepository::Insert(S& s, const ProjectRow& p) const {
    return Void(storage::Execute(s, Q()["insert_project"], p.id, p.owner_id, p.name, p.title, p.description, p.spec,
                                 p.source_text, p.assumptions, p.created_at));
}

Result<std::optional<ProjectRow>> ProjectsRepository::Find(S& s, const std::string& id) const {
    auto r = storage::Query(s, Sql("find_project"), id);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<ProjectRow>();
    return std::optional<ProjectRow>(ReadProject(*r, 0));
}

Result<std::vector<ProjectRow>> ProjectsRepository::List(S& s, const std::string& owner_id,
                                                         const std::string& before_created,
                                                         const std::string& before_id, const std::string& like,
                                                         std::int64_t limit) const {
    auto r = owner_id.empty()
                 ? storage::Query(s, Sql("list_all_projects"), before_created, before_id, like, limit)
                 : storage::Query(s, Sql("list_projects"), owner_id, before_created, before_id, like, limit);
    if (!r) return r.take_error();
    return ReadProjects(*r);
}

Result<std::vector<ProjectRow>> ProjectsRepository::ListShared(S& s, const std::string& user_id,
                                                               const std::string& before_created,
                                                               const std::string& before_id, const std::string& like,
                                                               std::int64_t limit) const {
    auto r = storage::Query(s, Sql("list_shared_projects"), user_id, before_created, before_id, like, limit);
    if (!r) return r.take_error();
    return ReadProjects(*r);
}

Result<std::optional<MemberRow>> ProjectsRepository::FindMember(S& s, const std::string& project_id,
                                                                const std::string& user_id) const {
    auto r = storage::Query(s, Q()["find_member"], project_id, user_id);
    if (!r) return r.take_error();
    auto rows = ReadMembers(*r);
    if (rows.empty()) return std::optional<MemberRow>();
    return std::optional<MemberRow>(std::move(rows[0]));
}

Result<std::vector<MemberRow>> ProjectsRepository::Members(S& s, const std::string& project_id) const {
    auto r = storage::Query(s, Q()["list_members"], project_id);
    if (!r) return r.take_error();
    return ReadMembers(*r);
}

Result<std::int64_t> ProjectsRepository::CountMembers(S& s, const std::string& project_id) const {
    auto r = storage::Query(s, Q()["count_members"], project_id);
    if (!r) return r.take_error();
    return r->empty() ? 0 : r->GetInt(0, "n").value_or(0);
}

Result<void> ProjectsRepository::UpsertMember(S& s, const MemberRow& m) const {
    return Void(storage::Execute(s, Q()["upsert_member"], m.project_id, m.user_id, m.role, m.added_by, m.updated_at));
}

Result<bool> ProjectsRepository::DeleteMember(S& s, const std::string& project_id, const std::string& user_id) const {
    auto r = storage::Execute(s, Q()["delete_member"], project_id, user_id);
    if (!r) return r.take_error();
    return *r > 0;
}

Result<std::vector<MemberRow>> ProjectsRepository::MembershipsOf(S& s, const std::string& user_id) const {
    auto r = storage::Query(s, Q()["memberships_of"], user_id);
    if (!r) return r.take_error();
    return ReadMembers(*r);
}

Result<void> ProjectsRepository::DeleteMemberships(S& s, const std::string& user_id) const {
    return Void(storage::Execute(s, Q()["delete_memberships"], user_id));
}

Result<std::vector<ProjectRow>> ProjectsRepository::OfOwner(S& s, const std::string& owner_id) const {
    auto r = storage::Query(s, Sql("owner_projects"), owner_id);
    if (!r) return r.take_error();
    return ReadProjects(*r);
}

Result<std::int64_t> ProjectsRepository::Count(S& s, const std::string& owner_id) const {
    auto r = storage::Query(s, Q()["count_projects"], owner_id);
    if (!r) return r.take_error();
    return r->empty() ? 0 : r->GetInt(0, "n").value_or(0);
}

Result<bool> ProjectsRepository::Update(S& s, const ProjectRow& p) const {
    auto r = storage::Execute(s, Q()["update_project"], p.id, p.version, p.name, p.title, p.description, p.spec,
                              p.source_text, p.assumptions, p.updated_at);
    if (!r) return r.take_error();
    return *r > 0;
}

Result<bool> ProjectsRepository::Delete(S& s, const std::string& id, std::int64_t version) const {
    auto r = storage::Execute(s, Q()["delete_project"], id, version);
    if (!r) return r.take_error();
    return *r > 0;
}

Result<std::int64_t> ProjectsRepository::DeleteOwner(S& s, const std::string& owner_id) const {
    return storage::Execute(s, Q()["delete_owner_projects"], owner_id);
}

Result<std::optional<IdempotencyRow>> ProjectsRepository::FindKey(S& s, const std::string& owner_id,
                                                                  const std::string& key) const {
    auto r = storage::Query(s, Q()["find_idempotency_key"], owner_id, key);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<IdempotencyRow>();
    return std::optional<IdempotencyRow>(IdempotencyRow{r->GetText(0, "project_id").value_or(""),
                                                        r->GetText(0, "request_hash").value_or(""),
                                                        r->GetText(0, "created_at").value_or("")});
}

Result<void> ProjectsRepository::InsertKey(S& s, const std::string& owner_id, const std::string& key,
                                           const IdempotencyRow& row) const {
    return Void(storage::Execute(s, Q()["insert_idempotency_key"], owner_id, key, row.request_hash, row.project_id,
                                 row.created_at));
}

Result<void> ProjectsRepository::DeleteKey(S& s, const std::string& owner_id, const std::string& key) const {
    return Void(storage::Execute(s, Q()["delete_idempotency_key"], owner_id, key));
}

Result<void> ProjectsRepository::DeleteFiles(S& s, const std::string& generation_id) const {
    return Void(storage::Execute(s, Q()["delete_files"], generation_id));
}

Result<void> ProjectsRepository::InsertFile(S& s, const std::string& generation_id, const FileRow& f) const {
    const std::string& content = f.content ? *f.content : std::string();
    storage::Blob blob{std::vector<std::uint8_t>(content.begin(), content.end())};
    return Void(storage::Execute(s, Q()["insert_file"], generation_id, f.path, f.size, f.sha256, f.executable, blob));
}

Result<std::vector<FileRow>> ProjectsRepository::ListFiles(S& s, const std::string& generation_id) const {
    auto r = storage::Query(s, Q()["list_files"], generation_id);
    if (!r) return r.take_error();
    return SortedFiles(*r, false);
}

Result<std::optional<FileRow>> ProjectsRepository::FindFile(S& s, const std::string& generation_id,
                                                            const std::string& path,
                                                            std::int64_t max_content_bytes) const {
    auto r = storage::Query(s, Q()["find_file"], generation_id, path, max_content_bytes);
    if (!r) return r.take_error();
    if (r->empty()) return std::optional<FileRow>();
    return std::optional<FileRow>(ReadFile(*r, 0, true));
}

Result<std::vector<FileRow>> ProjectsRepository::AllFiles(S& s, const std::string& generation_id) const {
    auto r = storage::Query(s, Q()["all_files"], generation_id);
    if (!r) return r.take_error();
    return SortedFiles(*r, true);
}

}  // namespace dihya::projects
