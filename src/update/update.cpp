#include "update/update.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <boost/json.hpp>

#include "generator/archive.hpp"
#include "update/merge.hpp"

namespace dihya::update {

namespace fs = std::filesystem;
namespace json = boost::json;
using generator::ExistingFile;
using generator::GeneratedFile;

namespace {

using Files = std::map<std::string, const GeneratedFile*>;

Files Index(const generator::Tree& tree) {
    Files out;
    for (const GeneratedFile& f : tree.files) {
        if (f.path != generator::kAnswersPath) out.emplace(f.path, &f);
    }
    return out;
}

GeneratedFile At(std::string path, const GeneratedFile& from) {
    return GeneratedFile{std::move(path), from.content, from.executable};
}

/// Yours stays; the generated version goes beside it, unless something that is not a plain file is there.
Result<Change> Beside(std::string path, const GeneratedFile& generated, const fs::path& dir, std::string why) {
    Change c{std::move(path), Action::kConflictBeside, std::move(why), std::nullopt, false};
    const std::string beside = c.path + std::string(kBesideSuffix);
    if (!generator::PathProblem(beside).empty()) {
        c.detail += "; the generated version cannot be written beside it (path too long)";
        return c;
    }
    auto existing = generator::ReadExisting(dir, beside);
    if (!existing) return existing.take_error();
    if (existing->kind == ExistingFile::Kind::kOther) {
        c.detail += "; " + beside + " is a link or folder, so the generated version was not written there";
        return c;
    }
    c.detail += "; the generated version is in " + beside;
    c.write = At(beside, generated);
    return c;
}

/// Both generations have the file.
Result<Change> Both(const std::string& path, const GeneratedFile& base, const GeneratedFile& next,
                    const ExistingFile& yours, const fs::path& dir) {
    const bool generator_changed = base.content != next.content;
    if (yours.kind == ExistingFile::Kind::kMissing) {
        if (!generator_changed)
            return Change{path, Action::kKeepDeleted, "you deleted it; it stays deleted", std::nullopt, false};
        return Beside(path, next, dir, "you deleted it and the generator changed it");
    }
    if (yours.content == next.content) return Change{path, Action::kUnchanged, "", std::nullopt, false};
    if (yours.content == base.content) return Change{path, Action::kUpdate, "", At(path, next), false};
    if (!generator_changed) {
        return Change{path, Action::kKeep, "your edit; the generator did not change it", std::nullopt, false};
    }
    if (!IsText(base.content) || !IsText(yours.content) || !IsText(next.content)) {
        return Beside(path, next, dir, "binary or non-UTF-8 content changed by you and by the generator");
    }
    auto merged = MergeText(base.content, yours.content, next.content);
    if (!merged) return merged.take_error();
    GeneratedFile out{path, std::move(merged->text), next.executable};
    if (merged->clean) return Change{path, Action::kMerge, "your edit and the generator's", std::move(out), false};
    return Change{path, Action::kConflict,
                  "you and the generator changed the same lines: resolve the <<<<<<< yours / >>>>>>> generated "
                  "markers",
                  std::move(out), false};
}

Result<Change> Decide(const std::string& path, const GeneratedFile* base, const GeneratedFile* next,
                      const fs::path& dir) {
    auto read = generator::ReadExisting(dir, path);
    if (!read) return read.take_error();
    const ExistingFile& yours = *read;
    if (yours.kind == ExistingFile::Kind::kOther) {
        if (next == nullptr) return Change{path, Action::kUnchanged, "", std::nullopt, false};
        return Change{path, Action::kBlocked, "a symbolic link, folder or special file is there (or on the way)",
                      std::nullopt, false};
    }
    if (base != nullptr && next != nullptr) return Both(path, *base, *next, yours, dir);
    if (next != nullptr) {  // new in this generation
        if (yours.kind == ExistingFile::Kind::kMissing) return Change{path, Action::kAdd, "", At(path, *next), false};
        if (yours.content == next->content) return Change{path, Action::kUnchanged, "", std::nullopt, false};
        return Beside(path, *next, dir, "new in this generation, but you have a different file there");
    }
    // no longer generated
    if (yours.kind == ExistingFile::Kind::kMissing) return Change{path, Action::kUnchanged, "", std::nullopt, false};
    if (yours.content == base->content) {
        return Change{path, Action::kDelete, "no longer generated", std::nullopt, true};
    }
    return Change{path, Action::kKeepObsolete, "no longer generated, but you edited it", std::nullopt, false};
}

std::string Text(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::string_view ActionName(Action action) {
    switch (action) {
        case Action::kUnchanged: return "unchanged";
        case Action::kUpdate: return "updated";
        case Action::kAdd: return "added";
        case Action::kKeep: return "kept";
        case Action::kMerge: return "merged";
        case Action::kConflict: return "conflict";
        case Action::kConflictBeside: return "conflict";
        case Action::kBlocked: return "conflict";
        case Action::kDelete: return "deleted";
        case Action::kKeepObsolete: return "kept";
        case Action::kKeepDeleted: return "kept";
    }
    return "?";
}

bool IsConflict(Action action) {
    return action == Action::kConflict || action == Action::kConflictBeside || action == Action::kBlocked;
}

std::size_t UpdatePlan::Count(Action action) const {
    return static_cast<std::size_t>(
        std::count_if(changes.begin(), changes.end(), [&](const Change& c) { return c.action == action; }));
}

std::size_t UpdatePlan::Conflicts() const {
    return static_cast<std::size_t>(
        std::count_if(changes.begin(), changes.end(), [](const Change& c) { return IsConflict(c.action); }));
}

Result<UpdatePlan> PlanUpdate(const generator::Tree& base, const generator::Tree& next, const fs::path& dir) {
    const Files old_files = Index(base);
    const Files new_files = Index(next);
    std::map<std::string, std::pair<const GeneratedFile*, const GeneratedFile*>> paths;
    for (const auto& [path, f] : old_files) paths[path].first = f;
    for (const auto& [path, f] : new_files) paths[path].second = f;
    UpdatePlan plan;
    for (const auto& [path, sides] : paths) {
        auto change = Decide(path, sides.first, sides.second, dir);
        if (!change) return change.take_error();
        plan.changes.push_back(std::move(*change));
    }
    const auto answers = std::find_if(next.files.begin(), next.files.end(),
                                      [](const GeneratedFile& f) { return f.path == generator::kAnswersPath; });
    if (answers == next.files.end()) {
        return MakeError(ErrorCode::kInternal, "the new generation has no " + std::string(generator::kAnswersPath));
    }
    plan.answers = *answers;
    return plan;
}

Result<void> ApplyUpdate(const UpdatePlan& plan, const fs::path& dir) {
    generator::Tree writes;
    for (const Change& c : plan.changes) {
        if (c.write) writes.files.push_back(*c.write);
    }
    if (auto r = generator::WriteDirectory(writes, dir); !r) return r;
    for (const Change& c : plan.changes) {
        if (!c.remove) continue;
        if (auto r = generator::RemoveFile(dir, c.path); !r) return r.take_error();
    }
    generator::Tree answers;
    answers.files.push_back(plan.answers);
    return generator::WriteDirectory(answers, dir);
}

Result<Answers> ReadAnswers(const fs::path& dir, const model::Vocabulary& vocabulary) {
    const std::string shown = (dir / std::string(generator::kAnswersPath)).string();
    auto file = generator::ReadExisting(dir, generator::kAnswersPath);
    if (!file) return file.take_error();
    if (file->kind == ExistingFile::Kind::kMissing) {
        return MakeError(ErrorCode::kNotFound,
                         dir.string() + ": not a generated project (no " + std::string(generator::kAnswersPath) + ")");
    }
    if (file->kind == ExistingFile::Kind::kOther) {
        return MakeError(ErrorCode::kInvalidArgument, shown + ": not a regular file (symbolic links are not followed)");
    }
    boost::system::error_code ec;
    json::value doc = json::parse(file->content, ec);
    if (ec) return MakeError(ErrorCode::kInvalidArgument, shown + ": not valid JSON (" + ec.message() + ")");
    if (!doc.is_object() || doc.get_object().if_contains("model") == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument, shown + ": model: missing");
    }
    const json::object& o = doc.get_object();
    auto parsed = model::ParseModelValue(o.at("model"), shown + ": model", vocabulary);
    if (!parsed) return parsed.take_error();
    Answers answers{std::move(*parsed), {}, {}};
    if (const json::value* packs = o.if_contains("packs"); packs != nullptr && packs->is_array()) {
        for (const json::value& p : packs->get_array()) {
            if (!p.is_object()) continue;
            answers.packs.push_back({Text(p.get_object(), "name"), Text(p.get_object(), "version")});
        }
    }
    if (const json::value* g = o.if_contains("generator"); g != nullptr && g->is_object()) {
        answers.generator_version = Text(g->get_object(), "version");
    }
    return answers;
}

Result<UpdateReport> UpdateProject(const generator::Engine& engine, const fs::path& dir, const Answers& answers,
                                   const model::ProjectModel& next, bool dry_run) {
    UpdateReport report;
    for (const PackVersion& recorded : answers.packs) {
        const auto installed = std::find_if(engine.packs().begin(), engine.packs().end(),
                                            [&](const generator::Pack& p) { return p.name == recorded.name; });
        if (installed == engine.packs().end()) {
            report.pack_changes.push_back({recorded.name, recorded.version, ""});
        } else if (installed->version != recorded.version) {
            report.pack_changes.push_back({recorded.name, recorded.version, installed->version});
        }
    }
    report.recorded_generator = answers.generator_version;
    report.generator = engine.generator_version();
    auto base = engine.Render(answers.model);
    if (!base) {
        Error e = base.take_error();
        e.message = "the recorded answers no longer generate: " + e.message;
        return e;
    }
    auto fresh = engine.Render(next);
    if (!fresh) return fresh.take_error();
    auto plan = PlanUpdate(*base, *fresh, dir);
    if (!plan) return plan.take_error();
    report.plan = std::move(*plan);
    if (!dry_run) {
        if (auto r = ApplyUpdate(report.plan, dir); !r) return r.take_error();
    }
    return report;
}

}  // namespace dihya::update
