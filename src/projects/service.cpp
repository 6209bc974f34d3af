#include "projects/service.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include <boost/json.hpp>

#include "auth/permissions.hpp"
#include "core/crypto.hpp"
#include "core/paging.hpp"

namespace dihya::projects {

namespace json = boost::json;
using auth::Action;
using auth::Principal;

namespace {

constexpr std::size_t kMaxIdempotencyKeyLength = 255;

json::value ParseJson(const std::string& text, json::value fallback) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    return ec ? std::move(fallback) : v;
}

std::string AssumptionsText(const std::vector<analyze::Assumption>& assumptions) {
    json::array out;
    for (const auto& a : assumptions) {
        json::object o{{"field", a.field}, {"message", a.message}};
        if (!a.spans.empty()) {
            json::array spans;
            for (const auto& [start, end] : a.spans) spans.push_back(json::array{start, end});
            o["spans"] = std::move(spans);
        }
        out.push_back(std::move(o));
    }
    return json::serialize(out);
}

std::vector<analyze::Assumption> ParseAssumptions(const std::string& text) {
    std::vector<analyze::Assumption> out;
    const json::value v = ParseJson(text, json::array());
    if (!v.is_array()) return out;
    for (const auto& item : v.as_array()) {
        if (!item.is_object()) continue;
        const auto* field = item.as_object().if_contains("field");
        const auto* message = item.as_object().if_contains("message");
        analyze::Assumption a{field != nullptr && field->is_string() ? std::string(field->as_string()) : "",
                              message != nullptr && message->is_string() ? std::string(message->as_string()) : "",
                              {}};
        if (const auto* spans = item.as_object().if_contains("spans"); spans != nullptr && spans->is_array()) {
            for (const auto& span : spans->as_array()) {
                if (!span.is_array() || span.as_array().size() != 2 || !span.as_array()[0].is_int64() ||
                    !span.as_array()[1].is_int64()) {
                    continue;
                }
                a.spans.emplace_back(span.as_array()[0].as_int64(), span.as_array()[1].as_int64());
            }
        }
        out.push_back(std::move(a));
    }
    return out;
}

/// A LIKE pattern matching `q` anywhere, in lower case, with the pattern characters escaped ('\').
std::string LikePattern(std::string_view q) {
    if (q.empty()) return "";
    std::string out = "%";
    for (char c : q) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out + "%";
}

Result<void> CheckKey(const std::string& key) {
    const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (key.empty() || key.size() > kMaxIdempotencyKeyLength || !printable) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
                         {{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
    }
    return Ok();
}

Error Stale(std::int64_t current, std::int64_t asked) {
    return MakeError(ErrorCode::kPreconditionFailed,
                     "the project is at version " + std::to_string(current) + ", not the one If-Match names" +
                         (asked > 0 ? " (" + std::to_string(asked) + ")" : std::string()) +
                         ": read it again and apply your change to that version",
                     {{"If-Match", "names version " + std::to_string(asked) + "; the project is at version " +
                                       std::to_string(current)}});
}

Error ChangedMeanwhile() {
    return MakeError(ErrorCode::kConflict,
                     "the project changed while this request was handled: read it again and retry",
                     {{"version", "changed meanwhile"}});
}

std::int64_t Count(std::size_t n) {
    return static_cast<std::int64_t>(n);
}

const json::value* FieldOf(const json::value& v, std::string_view key) {
    return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::string StringAt(const json::value& v, std::string_view key) {
    if (!v.is_object()) return "";
    const auto* found = v.as_object().if_contains(key);
    return found != nullptr && found->is_string() ? std::string(found->as_string()) : "";
}

}  // namespace

Project ToProject(const ProjectRow& row) {
    Project p;
    p.id = row.id;
    p.owner_id = row.owner_id;
    p.name = row.name;
    p.title = row.title;
    p.description = row.description;
    p.spec = ParseJson(row.spec, json::object());
    p.source_text = row.source_text;
    p.assumptions = ParseAssumptions(row.assumptions);
    p.version = row.version;
    p.created_at = row.created_at;
    p.updated_at = row.updated_at;
    if (p.spec.is_object()) {
        if (const auto* e = p.spec.as_object().if_contains("entities"); e != nullptr && e->is_array()) {
            p.entity_count = e->as_array().size();
        }
    }
    return p;
}

json::value MergePatch(json::value target, const json::value& patch) {
    if (!patch.is_object()) return patch;
    if (!target.is_object()) target = json::object();
    auto& out = target.as_object();
    for (const auto& kv : patch.as_object()) {
        if (kv.value().is_null()) {
            out.erase(kv.key());
            continue;
        }
        json::value current = out.contains(kv.key()) ? out.at(kv.key()) : json::value(nullptr);
        out[kv.key()] = MergePatch(std::move(current), kv.value());
    }
    return target;
}

ProjectsService::ProjectsService(ProjectsDeps deps, ProjectsLimits limits) : d_(deps), limits_(limits) {
    d_.queue.Handle(std::string(kGenerationJob),
                    [this](const jobs::Job& job, jobs::Progress& progress) { return RunGeneration(job, progress); });
}

// --- specifications ---------------------------------------------------------------------------------------------

Result<ProjectsService::Normalised> ProjectsService::Normalise(const json::value& spec) const {
    auto m = model::ParseModelValue(spec, "model", d_.vocabulary);
    if (!m) return m.take_error();
    Normalised out{std::move(*m), nullptr, ""};
    out.spec = model::ToSpec(out.model);
    out.spec_text = json::serialize(out.spec);
    if (Count(out.spec_text.size()) > limits_.max_spec_bytes) {
        const std::string reason = "is " + std::to_string(out.spec_text.size()) + " bytes as JSON; the limit is " +
                                   std::to_string(limits_.max_spec_bytes);
        return MakeError(ErrorCode::kInvalidArgument, "model: the specification " + reason, {{"model", reason}});
    }
    return out;
}

Result<ProjectsService::Normalised> ProjectsService::FromInput(const ProjectInput& input,
                                                               std::optional<std::string>& source_text,
                                                               std::vector<analyze::Assumption>& assumptions) const {
    auto resolved = generator::ResolveSpec(input.spec, d_.analyzer, d_.vocabulary);
    if (!resolved) return resolved.take_error();
    source_text = resolved->source_text;
    assumptions = std::move(resolved->assumptions);
    json::value spec = model::ToSpec(resolved->model);
    auto& o = spec.as_object();
    if (input.name) o["name"] = *input.name;
    if (input.title) o["title"] = *input.title;
    if (input.description) o["description"] = *input.description;
    return Normalise(spec);
}

// --- projects ---------------------------------------------------------------------------------------------------

Result<ProjectRow> ProjectsService::Load(const Principal& who, const std::string& id, Need need, std::string* role) {
    const Action action = need == Need::kRead ? Action::kProjectsRead : Action::kProjectsWrite;
    if (auto a = auth::Authorize(who, action); !a) return a.take_error();
    std::optional<ProjectRow> row;
    std::optional<MemberRow> member;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.Find(s, id);
            if (!found) return found.take_error();
            row = std::move(*found);
            if (!row || row->owner_id == who.user_id || who.user_id.empty()) return Ok();
            auto m = repo_.FindMember(s, id, who.user_id);
            if (!m) return m.take_error();
            member = std::move(*m);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    if (!row) return MakeError(ErrorCode::kNotFound, "no such project");
    auto grant = [&](std::string_view as) -> Result<ProjectRow> {
        if (role != nullptr) *role = std::string(as);
        return std::move(*row);
    };
    if (row->owner_id == who.user_id) return grant("owner");
    if (member) {
        if (need == Need::kRead || (need == Need::kEdit && member->role == kEditor)) return grant(member->role);
        return MakeError(ErrorCode::kPermissionDenied,
                         need == Need::kOwn ? "only the project's owner may do this"
                                            : "you may read this project but not change it: ask its owner to make "
                                              "you an editor");
    }
    if (auto a = auth::Authorize(who, action, row->owner_id); !a) {
        // Admins read every project but change only their own: say so rather than pretend it is absent.
        if (need != Need::kRead && a.error().code == ErrorCode::kNotFound &&
            auth::CanActOnAll(who, Action::kProjectsRead)) {
            return MakeError(ErrorCode::kPermissionDenied,
                             "admins may read other users' projects but not change them or generate from them");
        }
        return a.take_error();
    }
    return grant("admin");
}

Result<std::string> ProjectsService::RoleOf(const Principal& who, const std::string& id, Need need) {
    std::string role;
    auto row = Load(who, id, need, &role);
    if (!row) return row.take_error();
    return role;
}

Result<std::vector<Member>> ProjectsService::Members(const Principal& who, const std::string& id) {
    auto project = Load(who, id, Need::kRead);
    if (!project) return project.take_error();
    std::vector<MemberRow> rows;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto m = repo_.Members(s, id);
            if (!m) return m.take_error();
            rows = std::move(*m);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    auto name = [&](const std::string& user) {
        return d_.people.display_name ? d_.people.display_name(user) : std::string();
    };
    std::vector<Member> out;
    out.push_back({project->owner_id, name(project->owner_id), "owner", project->created_at, project->created_at});
    for (const auto& m : rows) out.push_back({m.user_id, name(m.user_id), m.role, m.created_at, m.updated_at});
    return out;
}

Result<Member> ProjectsService::Share(const Principal& who, const std::string& id, std::string_view email,
                                      std::string_view role, const RequestContext& ctx) {
    if (role != kViewer && role != kEditor) {
        return MakeError(ErrorCode::kInvalidArgument, "a member is a viewer or an editor",
                         {{"role", "must be viewer or editor"}});
    }
    auto project = Load(who, id, Need::kOwn);
    if (!project) return project.take_error();
    if (!d_.people.find_by_email) return MakeError(ErrorCode::kUnavailable, "sharing is not available here");
    auto person = d_.people.find_by_email(email);
    if (!person) return person.take_error();
    if (!*person) {
        return MakeError(ErrorCode::kNotFound, "no account uses this email: they must sign up first",
                         {{"email", "no such account"}});
    }
    Member member = std::move(**person);
    if (member.user_id == project->owner_id) {
        return MakeError(ErrorCode::kInvalidArgument, "the owner already has every right on the project",
                         {{"email", "is the owner's"}});
    }
    const std::string now = FormatTime(d_.clock.Now());
    MemberRow row{id, member.user_id, std::string(role), who.user_id, now, now};
    bool changed = true;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto before = repo_.FindMember(s, id, member.user_id);
        if (!before) return before.take_error();
        if (*before) {
            changed = (*before)->role != role;
            row.created_at = (*before)->created_at;
        } else {
            auto n = repo_.CountMembers(s, id);
            if (!n) return n.take_error();
            if (*n >= limits_.max_members) {
                return MakeError(ErrorCode::kConflict,
                                 "the project is shared with " + std::to_string(*n) +
                                     " people, the most there may be: remove someone first",
                                 {{"email", "too many members"}});
            }
        }
        if (!changed) return Ok();
        if (auto u = repo_.UpsertMember(s, row); !u) return u;
        return d_.audit.Record(s, {who.user_id, "project.shared", "project", id,
                                   json::object{{"member", member.user_id}, {"role", row.role}}, ctx});
    });
    if (!w) return w.take_error();
    member.role = row.role;
    member.added_at = row.created_at;
    member.updated_at = row.updated_at;
    if (changed) {
        if (d_.events != nullptr) {
            d_.events->Publish("project:" + id, "project.members",
                               json::object{{"project", id}, {"user", member.user_id}, {"role", member.role}});
        }
        if (d_.notifier != nullptr) {
            const std::string by = d_.people.display_name ? d_.people.display_name(who.user_id) : std::string();
            d_.notifier->Notify(member.user_id, "project.shared",
                                json::object{{"project", project->title},
                                             {"role", member.role},
                                             {"by", by.empty() ? std::string("Someone") : by}},
                                "/projects/" + id);
        }
    }
    return member;
}

Result<void> ProjectsService::Unshare(const Principal& who, const std::string& id, const std::string& user_id,
                                      const RequestContext& ctx) {
    auto project = Load(who, id, user_id == who.user_id ? Need::kRead : Need::kOwn);
    if (!project) return project.take_error();
    bool removed = false;
    auto w = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto del = repo_.DeleteMember(s, id, user_id);
        if (!del) return del.take_error();
        removed = *del;
        if (!removed) return Ok();
        return d_.audit.Record(
            s, {who.user_id, "project.unshared", "project", id, json::object{{"member", user_id}}, ctx});
    });
    if (!w) return w.take_error();
    if (!removed) return MakeError(ErrorCode::kNotFound, "this person is not a member of the project");
    if (d_.events != nullptr) {
        d_.events->Publish("project:" + id, "project.members",
                           json::object{{"project", id}, {"user", user_id}, {"role", nullptr}});
    }
    return Ok();
}

Result<std::optional<Created>> ProjectsService::Replay(const Principal& who, const IdempotencyKey& key) {
    std::optional<IdempotencyRow> seen;
    std::optional<ProjectRow> project;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.FindKey(s, who.user_id, key.key);
            if (!found) return found.take_error();
            seen = std::move(*found);
            if (!seen) return Ok();
            auto p = repo_.Find(s, seen->project_id);
            if (!p) return p.take_error();
            project = std::move(*p);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    if (!seen) return std::optional<Created>();
    const auto at = ParseTime(seen->created_at);
    const bool expired = !at || *at + std::chrono::seconds(limits_.idempotency_seconds) < d_.clock.Now();
    if (expired || !project) {
        auto del = d_.db.Transaction([&](storage::Session& s) { return repo_.DeleteKey(s, who.user_id, key.key); });
        if (!del) return del.take_error();
        return std::optional<Created>();
    }
    if (seen->request_hash != key.request_hash) {
        return MakeError(ErrorCode::kConflict,
                         "this Idempotency-Key was used with another request body: use a new key for a new request",
                         {{"Idempotency-Key", "already used with another request body"}});
    }
    return std::optional<Created>(Created{ToProject(*project), true});
}

Result<Created> ProjectsService::Create(const Principal& who, const ProjectInput& input,
                                        const std::optional<IdempotencyKey>& key, const RequestContext& ctx) {
    if (auto a = auth::Authorize(who, Action::kProjectsWrite); !a) return a.take_error();
    if (key) {
        if (auto k = CheckKey(key->key); !k) return k.take_error();
        auto replay = Replay(who, *key);
        if (!replay) return replay.take_error();
        if (*replay) return std::move(**replay);
    }
    std::optional<std::string> source_text;
    std::vector<analyze::Assumption> assumptions;
    auto next = FromInput(input, source_text, assumptions);
    if (!next) return next.take_error();

    ProjectRow row;
    row.id = crypto::NewUuid();
    row.owner_id = who.user_id;
    row.name = next->model.name;
    row.title = next->model.title;
    row.description = next->model.description;
    row.spec = next->spec_text;
    row.source_text = source_text;
    row.assumptions = AssumptionsText(assumptions);
    row.created_at = FormatTime(d_.clock.Now());
    row.updated_at = row.created_at;
    row.version = 1;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto n = repo_.Count(s, who.user_id);
        if (!n) return n.take_error();
        if (*n >= limits_.max_projects_per_user) {
            const std::string limit = std::to_string(limits_.max_projects_per_user);
            return MakeError(ErrorCode::kConflict,
                             "an account keeps at most " + limit + " projects: delete one to save another",
                             {{"projects", "at most " + limit + " per account"}});
        }
        if (auto ins = repo_.Insert(s, row); !ins) return ins.take_error();
        if (key) {
            if (auto k = repo_.InsertKey(s, who.user_id, key->key, {row.id, key->request_hash, row.created_at}); !k) {
                return k.take_error();
            }
        }
        return d_.audit.Record(
            s, {who.user_id, "project.created", "project", row.id,
                json::object{{"entities", Count(next->model.entities.size())}, {"from_text", source_text.has_value()}},
                ctx});
    });
    if (!r) {
        // Two requests with the same new key at once: the second one's key insert collides; answer as a replay.
        if (key && r.error().code == ErrorCode::kAlreadyExists) {
            auto again = Replay(who, *key);
            if (again && *again) return std::move(**again);
        }
        return r.take_error();
    }
    Created created{ToProject(row), false};
    created.project.role = "owner";
    return created;
}

Result<Project> ProjectsService::Get(const Principal& who, const std::string& id) {
    std::string role;
    auto row = Load(who, id, Need::kRead, &role);
    if (!row) return row.take_error();
    Project p = ToProject(*row);
    p.role = std::move(role);
    return p;
}

Result<Project> ProjectsService::Find(const std::string& id) {
    std::optional<ProjectRow> row;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.Find(s, id);
            if (!found) return found.take_error();
            row = std::move(*found);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    if (!row) return MakeError(ErrorCode::kNotFound, "no such project");
    return ToProject(*row);
}

Result<void> ProjectsService::CanWatchProject(const Principal& who, const std::string& id) {
    auto row = Load(who, id, Need::kRead);
    if (!row) return row.take_error();
    return Ok();
}

Result<void> ProjectsService::CanWatchGeneration(const Principal& who, const std::string& generation_id) {
    auto job = d_.queue.Find(generation_id);
    if (!job) return job.take_error();
    if (!*job || (*job)->kind != kGenerationJob) return MakeError(ErrorCode::kNotFound, "no such generation");
    auto row = Load(who, (*job)->subject_id, Need::kRead);
    if (!row) {
        if (row.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no such generation");
        return row.take_error();
    }
    return Ok();
}

Result<ProjectPage> ProjectsService::List(const Principal& who, const ProjectQuery& query) {
    if (auto a = auth::Authorize(who, Action::kProjectsRead); !a) return a.take_error();
    std::string owner = query.owner.empty() ? who.user_id : query.owner;
    if (owner != who.user_id && !auth::CanActOnAll(who, Action::kProjectsRead)) {
        return MakeError(ErrorCode::kPermissionDenied, "only admins list other users' projects",
                         {{"owner", "must be your own user id"}});
    }
    if (owner == "*") owner.clear();
    auto cursor = ParsePageCursor(query.cursor);
    if (!cursor) return cursor.take_error();
    const std::int64_t limit = std::clamp<std::int64_t>(query.limit, 1, 200);
    std::vector<ProjectRow> rows;
    std::vector<std::string> roles;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found =
                query.shared
                    ? repo_.ListShared(s, who.user_id, cursor->first, cursor->second, LikePattern(query.q), limit + 1)
                    : repo_.List(s, owner, cursor->first, cursor->second, LikePattern(query.q), limit + 1);
            if (!found) return found.take_error();
            rows = std::move(*found);
            if (!query.shared) return Ok();
            for (const auto& row : rows) {
                auto m = repo_.FindMember(s, row.id, who.user_id);
                if (!m) return m.take_error();
                roles.push_back(*m ? (*m)->role : std::string(kViewer));
            }
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    ProjectPage page;
    const bool more = Count(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        page.items.push_back(ToProject(rows[i]));
        page.items.back().role = query.shared ? roles[i] : rows[i].owner_id == who.user_id ? "owner" : "admin";
    }
    if (more) page.next_cursor = PageCursor(rows.back().created_at, rows.back().id);
    return page;
}

Result<Project> ProjectsService::Save(const ProjectRow& current, const Normalised& next,
                                      std::optional<std::string> source_text,
                                      const std::vector<analyze::Assumption>& assumptions,
                                      std::optional<std::int64_t> if_match, const RequestContext& ctx) {
    if (if_match && *if_match != current.version) return Stale(current.version, *if_match);
    ProjectRow row = current;
    row.name = next.model.name;
    row.title = next.model.title;
    row.description = next.model.description;
    row.spec = next.spec_text;
    row.source_text = std::move(source_text);
    row.assumptions = AssumptionsText(assumptions);
    if (row.spec == current.spec && row.source_text == current.source_text && row.assumptions == current.assumptions) {
        return ToProject(current);  // nothing changes: no new version
    }
    row.updated_at = FormatTime(d_.clock.Now());
    bool updated = false;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto u = repo_.Update(s, row);
        if (!u) return u.take_error();
        updated = *u;
        return Ok();
    });
    if (!r) return r.take_error();
    if (!updated) return ChangedMeanwhile();
    row.version = current.version + 1;
    d_.log.Info("project updated", {{"project", row.id}, {"version", row.version}, {"request_id", ctx.request_id}});
    if (d_.events != nullptr) {
        d_.events->Publish("project:" + row.id, "project.updated",
                           json::object{{"project", row.id}, {"version", row.version}, {"updated_at", row.updated_at}});
    }
    return ToProject(row);
}

Result<Project> ProjectsService::Replace(const Principal& who, const std::string& id, const ProjectInput& input,
                                         std::optional<std::int64_t> if_match, const RequestContext& ctx) {
    std::string role;
    auto current = Load(who, id, Need::kEdit, &role);
    if (!current) return current.take_error();
    if (if_match && *if_match != current->version) return Stale(current->version, *if_match);
    std::optional<std::string> source_text;
    std::vector<analyze::Assumption> assumptions;
    auto next = FromInput(input, source_text, assumptions);
    if (!next) return next.take_error();
    auto saved = Save(*current, *next, std::move(source_text), assumptions, if_match, ctx);
    if (saved) saved->role = role;
    return saved;
}

Result<Project> ProjectsService::Patch(const Principal& who, const std::string& id, const ProjectPatch& patch,
                                       std::optional<std::int64_t> if_match, const RequestContext& ctx,
                                       const Budget& budget) {
    std::string role;
    auto current = Load(who, id, Need::kEdit, &role);
    if (!current) return current.take_error();
    if (if_match && *if_match != current->version) return Stale(current->version, *if_match);

    std::map<std::string, std::string> bad;
    for (const auto& kv : patch) {
        const std::string key(kv.key());
        const json::value& v = kv.value();
        if (key == "name" || key == "title" || key == "description") {
            if (!v.is_string() && !v.is_null()) bad[key] = "must be a string or null";
        } else if (key == "spec") {
            if (!v.is_object()) bad[key] = "must be an object (a JSON merge patch of the specification)";
        } else if (key == "text") {
            if (!v.is_string()) bad[key] = "must be a string (the new free-text specification)";
        } else {
            bad[key] = "is not a known field (name, title, description, spec, text)";
        }
    }
    if (patch.contains("spec") && patch.contains("text")) bad["text"] = "not allowed together with spec";
    if (!bad.empty()) {
        std::string message = "invalid patch: ";
        for (const auto& [field, reason] : bad) {
            message += field;
            message += ' ';
            message += reason;
            message += "; ";
        }
        message.resize(message.size() - 2);
        return MakeError(ErrorCode::kInvalidArgument, message, std::move(bad));
    }

    std::optional<std::string> source_text = current->source_text;
    std::vector<analyze::Assumption> assumptions = ParseAssumptions(current->assumptions);
    json::value spec = ParseJson(current->spec, json::object());
    if (const auto* text = patch.if_contains("text")) {
        generator::SpecInput in;
        in.text = std::string(text->as_string());
        in.budget = budget;
        auto resolved = generator::ResolveSpec(in, d_.analyzer, d_.vocabulary);
        if (!resolved) return resolved.take_error();
        spec = model::ToSpec(resolved->model);
        source_text = resolved->source_text;
        assumptions = std::move(resolved->assumptions);
    }
    if (const auto* s = patch.if_contains("spec")) spec = MergePatch(std::move(spec), *s);
    for (const char* key : {"name", "title", "description"}) {
        const auto* v = patch.if_contains(key);
        if (v == nullptr) continue;
        if (v->is_null()) {
            spec.as_object().erase(key);
        } else {
            spec.as_object()[key] = *v;
        }
    }
    auto next = Normalise(spec);
    if (!next) return next.take_error();
    auto saved = Save(*current, *next, std::move(source_text), assumptions, if_match, ctx);
    if (saved) saved->role = role;
    return saved;
}

Result<void> ProjectsService::Delete(const Principal& who, const std::string& id, std::optional<std::int64_t> if_match,
                                     const RequestContext& ctx) {
    auto current = Load(who, id, Need::kOwn);
    if (!current) return current.take_error();
    if (if_match && *if_match != current->version) return Stale(current->version, *if_match);
    bool deleted = false;
    auto r = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto jobs = d_.queue.DeleteSubject(s, id, std::string(kGenerationJob));
        if (!jobs) return jobs.take_error();
        auto del = repo_.Delete(s, id, current->version);
        if (!del) return del.take_error();
        deleted = *del;
        if (!deleted) return ChangedMeanwhile();
        return d_.audit.Record(s, {who.user_id, "project.deleted", "project", id,
                                   json::object{{"version", current->version}, {"generations", *jobs}}, ctx});
    });
    if (!r) return r.take_error();
    if (d_.events != nullptr) d_.events->Publish("project:" + id, "project.deleted", json::object{{"project", id}});
    return Ok();
}

// --- generations ------------------------------------------------------------------------------------------------

Result<jobs::Job> ProjectsService::LoadGeneration(const Principal& who, const std::string& project_id,
                                                  const std::string& generation_id, bool write) {
    auto project = Load(who, project_id, write ? Need::kEdit : Need::kRead);
    if (!project) return project.take_error();
    auto job = d_.queue.Find(generation_id);
    if (!job) return job.take_error();
    if (!*job || (*job)->kind != kGenerationJob || (*job)->subject_id != project_id) {
        return MakeError(ErrorCode::kNotFound, "no such generation of this project");
    }
    return std::move(**job);
}

Result<jobs::Job> ProjectsService::StartGeneration(const Principal& who, const std::string& project_id,
                                                   const RequestContext& ctx) {
    auto project = Load(who, project_id, Need::kEdit);
    if (!project) return project.take_error();
    auto recent = d_.queue.ListByOwner(project->owner_id, std::string(kGenerationJob), 200);
    if (!recent) return recent.take_error();
    const auto active = std::count_if(recent->begin(), recent->end(), [](const jobs::Job& j) { return !j.finished(); });
    if (active >= limits_.max_active_generations) {
        Error e =
            MakeError(ErrorCode::kRateLimited,
                      std::to_string(active) + " of your generations are queued or running (the most at once is " +
                          std::to_string(limits_.max_active_generations) + "): wait for one to finish",
                      {{"generations",
                        "at most " + std::to_string(limits_.max_active_generations) + " queued or running at once"}});
        e.retry_after = 5;
        return e;
    }
    json::object input{{"project_id", project_id},
                       {"project_version", project->version},
                       {"spec", ParseJson(project->spec, json::object())}};
    auto job = d_.queue.Enqueue(std::string(kGenerationJob), project->owner_id, project_id, std::move(input));
    if (!job) return job.take_error();
    d_.log.Info("generation queued",
                {{"generation", job->id}, {"project", project_id}, {"request_id", ctx.request_id}});
    return std::move(*job);
}

Result<jobs::Job> ProjectsService::GetGeneration(const Principal& who, const std::string& project_id,
                                                 const std::string& generation_id) {
    return LoadGeneration(who, project_id, generation_id, false);
}

Result<GenerationPage> ProjectsService::ListGenerations(const Principal& who, const std::string& project_id,
                                                        const std::string& cursor, std::int64_t limit) {
    auto project = Load(who, project_id, Need::kRead);
    if (!project) return project.take_error();
    auto after = ParsePageCursor(cursor);
    if (!after) return after.take_error();
    limit = std::clamp<std::int64_t>(limit, 1, 200);
    auto list = d_.queue.ListBySubject(project_id, std::string(kGenerationJob), after->first, after->second, limit + 1);
    if (!list) return list.take_error();
    GenerationPage page;
    page.items = std::move(*list);
    if (Count(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        page.next_cursor = PageCursor(page.items.back().created_at, page.items.back().id);
    }
    return page;
}

Result<std::vector<jobs::Event>> ProjectsService::GenerationLog(const Principal& who, const std::string& project_id,
                                                                const std::string& generation_id,
                                                                std::int64_t after_seq, std::int64_t limit) {
    auto job = LoadGeneration(who, project_id, generation_id, false);
    if (!job) return job.take_error();
    return d_.queue.Events(generation_id, std::max<std::int64_t>(after_seq, 0),
                           std::clamp<std::int64_t>(limit, 1, 1000));
}

Result<void> ProjectsService::DeleteGeneration(const Principal& who, const std::string& project_id,
                                               const std::string& generation_id, const RequestContext& ctx) {
    auto job = LoadGeneration(who, project_id, generation_id, true);
    if (!job) return job.take_error();
    if (job->status == "queued") {
        auto cancelled = d_.queue.Cancel(generation_id);
        if (!cancelled) return cancelled.take_error();
        if (!*cancelled) job->status = "running";  // a worker took it meanwhile
    }
    if (job->status == "running") {
        return MakeError(ErrorCode::kConflict, "the generation is running: delete it once it has finished",
                         {{"status", "running"}});
    }
    if (auto r = d_.queue.Delete(generation_id); !r) return r.take_error();
    d_.log.Info("generation deleted",
                {{"generation", generation_id}, {"project", project_id}, {"request_id", ctx.request_id}});
    return Ok();
}

namespace {

Result<void> Succeeded(const jobs::Job& job) {
    if (job.status == "succeeded") return Ok();
    std::string message = "the generation has not succeeded (its status is " + job.status + ")";
    if (!job.finished()) message += ": wait until it has";
    return MakeError(ErrorCode::kConflict, message, {{"status", job.status}});
}

}  // namespace

Result<std::vector<FileEntry>> ProjectsService::Files(const Principal& who, const std::string& project_id,
                                                      const std::string& generation_id) {
    auto job = LoadGeneration(who, project_id, generation_id, false);
    if (!job) return job.take_error();
    if (auto ok = Succeeded(*job); !ok) return ok.take_error();
    std::vector<FileEntry> files;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto list = repo_.ListFiles(s, generation_id);
            if (!list) return list.take_error();
            files = std::move(*list);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    return files;
}

Result<FileEntry> ProjectsService::File(const Principal& who, const std::string& project_id,
                                        const std::string& generation_id, const std::string& path) {
    auto job = LoadGeneration(who, project_id, generation_id, false);
    if (!job) return job.take_error();
    if (auto ok = Succeeded(*job); !ok) return ok.take_error();
    std::optional<FileRow> file;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto found = repo_.FindFile(s, generation_id, path, limits_.max_preview_bytes);
            if (!found) return found.take_error();
            file = std::move(*found);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    if (!file)
        return MakeError(ErrorCode::kNotFound, "no file at this path in the generation", {{"path", "not found"}});
    if (!file->content) {
        const std::string reason = "is " + std::to_string(file->size) + " bytes; previews stop at " +
                                   std::to_string(limits_.max_preview_bytes) + " bytes";
        return MakeError(ErrorCode::kPayloadTooLarge, "the file " + reason + ": download the archive instead",
                         {{"path", reason}});
    }
    return std::move(*file);
}

Result<Download> ProjectsService::Archive(const Principal& who, const std::string& project_id,
                                          const std::string& generation_id, generator::ArchiveFormat format) {
    auto job = LoadGeneration(who, project_id, generation_id, false);
    if (!job) return job.take_error();
    if (auto ok = Succeeded(*job); !ok) return ok.take_error();
    generator::Tree tree;
    auto r = d_.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto files = repo_.AllFiles(s, generation_id);
            if (!files) return files.take_error();
            for (auto& f : *files) tree.files.push_back({f.path, f.content.value_or(""), f.executable});
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    const std::string name = StringAt(job->result, "name");
    const bool zip = format == generator::ArchiveFormat::kZip;
    auto archive = generator::WriteArchive(tree, format, {name});
    if (!archive) return archive.take_error();
    const json::value* recorded = FieldOf(job->result, "archives");
    const json::value* entry = recorded != nullptr ? FieldOf(*recorded, zip ? "zip" : "tar.gz") : nullptr;
    const std::string want = entry != nullptr ? StringAt(*entry, "sha256") : "";
    if (want != archive->sha256) {
        d_.log.Error("stored generation files do not rebuild the recorded archive",
                     {{"generation", generation_id}, {"format", zip ? "zip" : "tar.gz"}});
        return MakeError(ErrorCode::kInternal,
                         "the stored files no longer give the archive recorded when they were generated");
    }
    return Download{name + (zip ? ".zip" : ".tar.gz"), std::move(archive->bytes), archive->sha256};
}

Result<json::value> ProjectsService::RunGeneration(const jobs::Job& job, jobs::Progress& progress) {
    const std::string project_id = StringAt(job.input, "project_id");
    const auto* version = job.input.is_object() ? job.input.as_object().if_contains("project_version") : nullptr;
    const std::int64_t project_version = version != nullptr && version->is_int64() ? version->as_int64() : 0;
    const auto* spec = job.input.is_object() ? job.input.as_object().if_contains("spec") : nullptr;
    if (project_id.empty() || spec == nullptr) return MakeError(ErrorCode::kInternal, "malformed generation input");

    progress.Step("validating", 0, 0);
    progress.Log("generating version " + std::to_string(project_version) + " of the project" +
                 (job.attempts > 1 ? " (attempt " + std::to_string(job.attempts) + ")" : std::string()));
    auto m = model::ParseModelValue(*spec, "spec", d_.vocabulary);
    if (!m) {
        progress.Log("the specification is not valid here: " + m.error().message);
        return MakeError(ErrorCode::kInvalidArgument, "the specification is not valid: " + m.error().message);
    }
    std::size_t field_count = 0;
    for (const auto& e : m->entities) field_count += e.fields.size();
    progress.Log("specification valid: " + std::to_string(m->entities.size()) + " entities, " +
                 std::to_string(field_count) + " fields");

    progress.Step("rendering", 0, 0);
    std::size_t reported = 0;
    const GenerationPlugins::Render render = [&](const model::ProjectModel& model, generator::Hooks* hooks) {
        return d_.engine.Render(model, hooks != nullptr ? hooks : d_.hooks, [&](std::size_t done, std::size_t total) {
            const std::size_t every = std::max<std::size_t>(1, total / 50);
            if (done == total || done >= reported + every) {
                reported = done;
                progress.Step("rendering", Count(done), Count(total));
            }
        });
    };
    std::vector<GenerationPlugins::Used> plugins_used;
    auto tree = d_.plugins == nullptr
                    ? render(*m, nullptr)
                    : d_.plugins->Generate(
                          project_id, *m, render, [&](const std::string& line) { progress.Log(line); }, plugins_used);
    if (!tree) {
        progress.Log("rendering failed: " + tree.error().message);
        return tree.take_error();
    }
    const std::int64_t files = Count(tree->files.size());
    std::int64_t bytes = 0;
    for (const auto& f : tree->files) bytes += Count(f.content.size());
    json::array packs;
    for (const auto& f : tree->files) {
        if (f.path != generator::kAnswersPath) continue;
        const json::value answers = ParseJson(f.content, json::object());
        if (const auto* p = answers.is_object() ? answers.as_object().if_contains("packs") : nullptr;
            p != nullptr && p->is_array()) {
            packs = p->as_array();
        }
    }
    std::string pack_list;
    for (const auto& p : packs) {
        pack_list += (pack_list.empty() ? "" : ", ") + StringAt(p, "name") + " " + StringAt(p, "version");
    }
    progress.Log("rendered " + std::to_string(files) + " files (" + std::to_string(bytes) + " bytes) with the packs " +
                 (pack_list.empty() ? std::string("(none)") : pack_list));

    progress.Step("archiving", files, files);
    json::object archives;
    for (const auto format : {generator::ArchiveFormat::kZip, generator::ArchiveFormat::kTarGz}) {
        auto archive = generator::WriteArchive(*tree, format, {m->name});
        if (!archive) return archive.take_error();
        const std::string label = format == generator::ArchiveFormat::kZip ? "zip" : "tar.gz";
        archives[label] = json::object{{"sha256", archive->sha256}, {"size", Count(archive->bytes.size())}};
        progress.Log(label + " archive: " + std::to_string(archive->bytes.size()) + " bytes, SHA-256 " +
                     archive->sha256);
    }

    progress.Step("storing", files, files);
    auto stored = d_.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto project = repo_.Find(s, project_id);
        if (!project) return project.take_error();
        if (!*project) return MakeError(ErrorCode::kNotFound, "the project was deleted");
        if (auto del = repo_.DeleteFiles(s, job.id); !del) return del.take_error();  // a retry replaces them
        for (const auto& f : tree->files) {
            FileRow row{f.path, Count(f.content.size()), crypto::Sha256Hex(f.content), f.executable, f.content};
            if (auto ins = repo_.InsertFile(s, job.id, row); !ins) return ins.take_error();
        }
        return Ok();
    });
    if (!stored) {
        progress.Log("cannot store the files: " + stored.error().message);
        return stored.take_error();
    }
    progress.Log("stored " + std::to_string(files) + " files");
    PruneGenerations(project_id);

    json::object result;
    result["project_id"] = project_id;
    result["project_version"] = project_version;
    result["name"] = m->name;
    result["files"] = files;
    result["bytes"] = bytes;
    result["archives"] = std::move(archives);
    result["packs"] = std::move(packs);
    json::array plugins;
    for (const auto& p : plugins_used) {
        plugins.push_back(json::object{{"name", p.name}, {"version", p.version}, {"digest", p.digest}});
    }
    result["plugins"] = std::move(plugins);
    return json::value(std::move(result));
}

void ProjectsService::PruneGenerations(const std::string& project_id) {
    const std::int64_t keep = std::max<std::int64_t>(limits_.keep_generations, 1);
    auto list = d_.queue.ListBySubject(project_id, std::string(kGenerationJob), "", "", keep + 100);
    if (!list) return;
    for (std::size_t i = static_cast<std::size_t>(keep); i < list->size(); ++i) {
        const jobs::Job& old = (*list)[i];
        if (!old.finished()) continue;
        if (auto r = d_.queue.Delete(old.id); !r) {
            d_.log.Warn("cannot delete an old generation", {{"generation", old.id}, {"error", r.error().message}});
        }
    }
}

// --- personal data ----------------------------------------------------------------------------------------------

namespace {

class ProjectsPersonalData final : public PersonalDataSource {
public:
    explicit ProjectsPersonalData(jobs::Queue& queue) : queue_(queue) {}

    std::string_view Name() const override { return "projects"; }
    std::string_view Description() const override {
        return "Your saved projects: each specification, the text it was analysed from and what was assumed, and "
               "the generations made from it (status, times, files and archive checksums), and whom you shared "
               "each with; the projects others shared with you and your role there. Kept until you delete the "
               "project or your account.";
    }

    Result<json::value> Export(storage::Session& s, const std::string& user_id) override {
        auto rows = repo_.OfOwner(s, user_id);
        if (!rows) return rows.take_error();
        json::array projects;
        for (const auto& row : *rows) {
            const Project p = ToProject(row);
            auto generations = queue_.ListBySubject(s, p.id, std::string(kGenerationJob));
            if (!generations) return generations.take_error();
            json::array gens;
            for (const auto& g : *generations) {
                json::object o{{"id", g.id}, {"status", g.status}, {"created_at", g.created_at}};
                if (!g.started_at.empty()) o["started_at"] = g.started_at;
                if (!g.finished_at.empty()) o["finished_at"] = g.finished_at;
                if (!g.error.empty()) o["error"] = g.error;
                if (const auto* v = g.input.is_object() ? g.input.as_object().if_contains("project_version") : nullptr)
                    o["project_version"] = *v;
                if (g.result.is_object()) {
                    for (const char* k : {"files", "bytes", "archives", "packs", "plugins"}) {
                        if (const auto* v = g.result.as_object().if_contains(k)) o[k] = *v;
                    }
                }
                gens.push_back(std::move(o));
            }
            json::array assumptions;
            for (const auto& a : p.assumptions) {
                assumptions.push_back(json::object{{"field", a.field}, {"message", a.message}});
            }
            json::object o{{"id", p.id},
                           {"name", p.name},
                           {"title", p.title},
                           {"description", p.description},
                           {"spec", p.spec},
                           {"source_text", p.source_text ? json::value(*p.source_text) : json::value(nullptr)},
                           {"assumptions", std::move(assumptions)},
                           {"version", p.version},
                           {"created_at", p.created_at},
                           {"updated_at", p.updated_at},
                           {"generations", std::move(gens)}};
            auto members = repo_.Members(s, p.id);
            if (!members) return members.take_error();
            json::array shared;
            for (const auto& m : *members) {
                shared.push_back(json::object{{"user_id", m.user_id}, {"role", m.role}, {"since", m.created_at}});
            }
            o["shared_with"] = std::move(shared);
            projects.push_back(std::move(o));
        }
        auto memberships = repo_.MembershipsOf(s, user_id);
        if (!memberships) return memberships.take_error();
        json::array shared_with_me;
        for (const auto& m : *memberships) {
            shared_with_me.push_back(
                json::object{{"project_id", m.project_id}, {"role", m.role}, {"since", m.created_at}});
        }
        return json::value(
            json::object{{"projects", std::move(projects)}, {"shared_with_me", std::move(shared_with_me)}});
    }

    Result<void> Erase(storage::Session& s, const std::string& user_id) override {
        auto rows = repo_.OfOwner(s, user_id);
        if (!rows) return rows.take_error();
        for (const auto& row : *rows) {
            if (auto r = queue_.DeleteSubject(s, row.id, std::string(kGenerationJob)); !r) return r.take_error();
        }
        if (auto m = repo_.DeleteMemberships(s, user_id); !m) return m;
        auto r = repo_.DeleteOwner(s, user_id);
        if (!r) return r.take_error();
        return Ok();
    }

private:
    jobs::Queue& queue_;
    ProjectsRepository repo_;
};

}  // namespace

std::unique_ptr<PersonalDataSource> PersonalData(jobs::Queue& queue) {
    return std::make_unique<ProjectsPersonalData>(queue);
}

}  // namespace dihya::projects
