#include "generator/pack_lint.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>

#include <boost/json/parse.hpp>

#include "generator/engine.hpp"
#include "generator/pack.hpp"

namespace dihya::generator {

namespace fs = std::filesystem;

std::size_t LintReport::errors() const {
    return static_cast<std::size_t>(std::count_if(findings.begin(), findings.end(), [](const LintFinding& f) {
        return f.severity == LintFinding::Severity::kError;
    }));
}

std::size_t LintReport::warnings() const {
    return findings.size() - errors();
}

std::string FormatFinding(const LintFinding& finding) {
    std::string out = finding.where.empty() ? std::string("(packs)") : finding.where;
    if (finding.severity == LintFinding::Severity::kWarning) return out + ": warning: " + finding.message;
    if (!finding.field.empty()) out += ": " + finding.field;
    return out + ": " + finding.message;
}

namespace {

bool HasPack(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir, ec) && fs::is_regular_file(dir / "pack.yaml", ec);
}

class Linter final {
public:
    Linter(const model::Vocabulary& vocab, LintReport& report) : vocab_(vocab), report_(report) {}

    void Error(std::string where, std::string field, std::string message) {
        Add({LintFinding::Severity::kError, std::move(where), std::move(field), std::move(message)});
    }
    void Warning(std::string where, std::string message) {
        Add({LintFinding::Severity::kWarning, std::move(where), "", std::move(message)});
    }

    /// Loads and checks one pack; nullopt when it does not load (the findings say why).
    std::optional<Pack> LintOne(const fs::path& dir) {
        auto pack = LoadPack(dir);
        if (!pack) {
            ReportLoadError(pack.error(), (dir / "pack.yaml").string());
            return std::nullopt;
        }
        report_.packs.push_back(pack->name + " " + pack->version);
        CountTemplates(*pack);
        CheckUnused(*pack, dir);
        CheckProvides(*pack);
        CheckFeatures(*pack);
        return std::move(pack.value());
    }

    void CheckRequires(const Pack& pack, const std::vector<Pack>& all) {
        for (const auto& [kind, value] : pack.required) {
            const bool provided = std::any_of(all.begin(), all.end(), [&](const Pack& p) {
                auto it = p.provides.find(kind);
                return it != p.provides.end() && it->second == value;
            });
            if (!provided) {
                Error(pack.origin, "requires." + kind, "no pack here provides " + kind + " = " + value);
            }
        }
    }

    /// Renders sample models with `all` installed; only combinations that choose one of `targets` are rendered.
    void RenderSamples(const std::vector<Pack>& all, const std::set<std::string>& targets) {
        if (all.empty()) return;
        Engine engine(all);
        std::map<std::string, std::set<std::string>> available;  // kind → values provided
        for (const Pack& p : all) {
            for (const auto& [kind, value] : p.provides) available[kind].insert(value);
        }
        auto values = [&](const std::string& kind) {
            std::vector<std::string> out(available[kind].begin(), available[kind].end());
            out.push_back("none");
            return out;
        };
        std::set<std::string> done;
        for (const bool full : {true, false}) {
            for (const std::string& frontend : values("frontend")) {
                for (const std::string& backend : values("backend")) {
                    std::map<std::string, std::string> stacks{{"frontend", frontend}, {"backend", backend}};
                    for (const char* kind : {"mobile", "ai", "blockchain"}) {
                        stacks[kind] = full && !available[kind].empty() ? *available[kind].begin() : "none";
                    }
                    std::vector<std::string> devops;
                    for (const Pack& p : all) {
                        auto it = p.provides.find("devops");
                        if (it == p.provides.end()) continue;
                        if (full || targets.contains(p.name)) devops.push_back(it->second);
                    }
                    // A chosen pack's `requires`: devops tools are added; another single value skips the combination.
                    auto picks = [&](const Pack& p) {
                        return std::all_of(p.provides.begin(), p.provides.end(), [&](const auto& kv) {
                            return kv.first == "devops"
                                       ? std::find(devops.begin(), devops.end(), kv.second) != devops.end()
                                       : stacks[kv.first] == kv.second;
                        });
                    };
                    bool consistent = true;
                    for (const Pack& p : all) {
                        if (p.provides.empty() || !picks(p)) continue;
                        for (const auto& [kind, value] : p.required) {
                            if (kind == "devops") {
                                if (std::find(devops.begin(), devops.end(), value) == devops.end()) {
                                    devops.push_back(value);
                                }
                            } else if (stacks[kind] != value) {
                                consistent = false;
                            }
                        }
                    }
                    if (!consistent) continue;
                    // Skip the combination when it chooses none of the targets.
                    const bool chosen = std::any_of(all.begin(), all.end(), [&](const Pack& p) {
                        return targets.contains(p.name) && !p.provides.empty() && picks(p);
                    });
                    if (!chosen) continue;
                    std::string label = std::string(full ? "full" : "minimal") + " sample, frontend=" + frontend +
                                        ", backend=" + backend;
                    if (!devops.empty()) {
                        label += ", devops=";
                        for (std::size_t i = 0; i < devops.size(); ++i) label += (i ? "+" : "") + devops[i];
                    }
                    if (!done.insert(label).second) continue;
                    RenderOne(engine, SampleSpec(full, stacks, devops), label, targets);
                }
            }
        }
    }

private:
    void Add(LintFinding f) {
        if (seen_.insert(FormatFinding(f)).second) report_.findings.push_back(std::move(f));
    }

    void ReportLoadError(const dihya::Error& error, const std::string& origin) {
        if (error.details.empty()) {
            Error("", "", error.message);
            return;
        }
        for (const auto& [field, text] : error.details) {
            // "<origin>:<line>: <reason>" (or "<origin>: <reason>")
            std::string where = origin;
            std::string reason = text;
            if (text.starts_with(origin)) {
                const auto colon = text.find(": ", origin.size());
                if (colon != std::string::npos) {
                    where = text.substr(0, colon);
                    reason = text.substr(colon + 2);
                }
            }
            Error(where, field == "$" ? "" : field, reason);
        }
    }

    void CountTemplates(const Pack& pack) {  // LoadPack parsed them and reported their errors
        report_.templates += static_cast<std::size_t>(
            std::count_if(pack.files.begin(), pack.files.end(), [](const PackFile& f) { return !f.raw; }));
    }

    void CheckUnused(const Pack& pack, const fs::path& dir) {
        std::set<std::string> used{"pack.yaml"};
        for (const PackFile& f : pack.files) used.insert(fs::path(f.template_path).lexically_normal().generic_string());
        for (const std::string& t : pack.partial_templates)
            used.insert(fs::path(t).lexically_normal().generic_string());
        std::error_code ec;
        std::vector<std::string> unused;
        for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
             it.increment(ec)) {
            std::error_code error;
            if (!it->is_regular_file(error)) continue;
            const std::string relative = it->path().lexically_relative(dir).generic_string();
            if (!used.contains(relative)) unused.push_back(relative);
        }
        std::sort(unused.begin(), unused.end());
        for (const std::string& relative : unused) {
            Warning((dir / relative).string(), "not used: no files[] entry of pack.yaml names it");
        }
    }

    void CheckFeatures(const Pack& pack) {
        for (const std::string& f : pack.features) {
            if (std::find(vocab_.features.begin(), vocab_.features.end(), f) != vocab_.features.end()) continue;
            std::string known;
            for (const std::string& k : vocab_.features) known += (known.empty() ? "" : ", ") + k;
            Error(pack.origin, "features", "'" + f + "' is not a catalog feature (known: " + known + ")");
        }
    }

    void CheckProvides(const Pack& pack) {
        for (const auto& [kind, value] : pack.provides) {
            auto it = vocab_.stacks.find(kind);
            if (it == vocab_.stacks.end()) {
                std::string known;
                for (const auto& [k, _] : vocab_.stacks) known += (known.empty() ? "" : ", ") + k;
                Error(pack.origin, "provides." + kind, "unknown kind of stack (known: " + known + ")");
                continue;
            }
            if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
                std::string known;
                for (const auto& v : it->second) known += (known.empty() ? "" : ", ") + v;
                Error(pack.origin, "provides." + kind,
                      "'" + value + "' is not a " + kind + " a specification can name (known: " + known + ")");
            }
        }
    }

    std::string SampleSpec(bool full, const std::map<std::string, std::string>& stacks,
                           const std::vector<std::string>& devops) const {
        std::ostringstream y;
        y << "title: " << (full ? "Lint Sample" : "Minimal") << "\n";
        y << "stacks:\n";
        for (const auto& [kind, value] : stacks) y << "  " << kind << ": " << value << "\n";
        y << "  devops: [";
        for (std::size_t i = 0; i < devops.size(); ++i) y << (i ? ", " : "") << devops[i];
        y << "]\n";
        if (!full) {
            y << "locales: [" << (vocab_.locales.empty() ? std::string("en") : vocab_.locales.front()) << "]\n"
              << "features: []\n"
              << "entities:\n  - name: Item\n    fields:\n      - {name: label, type: string}\n";
            return y.str();
        }
        y << "description: A sample with every field type and feature\n";
        std::vector<std::string> locales;
        for (const char* l : {"en", "fr", "ar"}) {
            if (std::find(vocab_.locales.begin(), vocab_.locales.end(), l) != vocab_.locales.end()) {
                locales.emplace_back(l);
            }
        }
        y << "locales: [";
        for (std::size_t i = 0; i < locales.size(); ++i) y << (i ? ", " : "") << locales[i];
        y << "]\nroles: [admin, editor, viewer]\nfeatures: [";
        for (std::size_t i = 0; i < vocab_.features.size(); ++i) y << (i ? ", " : "") << vocab_.features[i];
        y << "]\n";
        y << R"(entities:
  - name: Customer
    fields:
      - {name: full_name, type: string, required: true}
      - {name: email, type: email, unique: true}
      - {name: website, type: url}
      - {name: notes, type: text}
  - name: Order
    fields:
      - {name: reference, type: string, required: true, unique: true}
      - {name: quantity, type: int, required: true}
      - {name: total, type: float}
      - {name: paid, type: bool}
      - {name: placed_on, type: date}
      - {name: shipped_at, type: datetime}
      - {name: status, type: enum, values: [new, paid, shipped]}
      - {name: customer, type: ref, ref: Customer, required: true}
)";
        return y.str();
    }

    void RenderOne(const Engine& engine, const std::string& spec, const std::string& label,
                   const std::set<std::string>& targets) {
        ++report_.renders;
        auto m = model::ParseModel(spec, "sample.yaml", vocab_);
        if (!m) {
            Error("", label, "the sample model does not validate: " + m.error().message);
            return;
        }
        auto plan = engine.MakePlan(*m);
        if (!plan) {
            Error("", label, plan.error().message);
            return;
        }
        auto tree = engine.RenderPlan(*plan);
        if (!tree) {
            Error("", label, tree.error().message);
            return;
        }
        std::map<std::string, const PlannedFile*> by_path;
        for (const PlannedFile& f : plan->files) by_path[f.path] = &f;
        for (const GeneratedFile& out : tree->files) {
            if (!out.path.ends_with(".json")) continue;
            auto it = by_path.find(out.path);
            if (it == by_path.end() || it->second->pack == nullptr || !targets.contains(it->second->pack->name)) {
                continue;
            }
            std::error_code ec;
            boost::json::parse(out.content, ec);
            if (ec) {
                const std::string origin = fs::path(it->second->pack->origin).parent_path().string();
                Error(origin + "/" + it->second->file->template_path, label,
                      "renders " + out.path + ", which is not valid JSON (" + ec.message() + ")");
            }
        }
    }

    const model::Vocabulary& vocab_;
    LintReport& report_;
    std::set<std::string> seen_;
};

}  // namespace

Result<LintReport> LintPacks(const fs::path& target, const model::Vocabulary& vocab,
                             const std::vector<fs::path>& installed) {
    std::error_code ec;
    fs::path dir = target;
    if (fs::is_regular_file(dir, ec)) {
        if (dir.filename() != "pack.yaml") {
            return MakeError(ErrorCode::kInvalidArgument,
                             target.string() + ": expected a pack folder, its pack.yaml or a packs folder");
        }
        dir = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    }
    if (!fs::is_directory(dir, ec)) return MakeError(ErrorCode::kNotFound, target.string() + ": no such folder");

    std::vector<fs::path> targets_dirs;
    std::vector<fs::path> siblings;
    if (HasPack(dir)) {
        targets_dirs.push_back(dir);
        // The packs beside it, and those of the packs folder it is in (stacks/ and libraries/).
        const fs::path parent = fs::weakly_canonical(dir, ec).parent_path();
        std::set<fs::path> seen{fs::weakly_canonical(dir, ec)};
        for (const fs::path& folder : {parent, parent.parent_path() / "stacks", parent.parent_path() / "libraries"}) {
            for (const fs::path& d : PackFolders(folder)) {
                if (seen.insert(fs::weakly_canonical(d, ec)).second) siblings.push_back(d);
            }
        }
    } else if (fs::is_directory(dir / "stacks", ec)) {
        targets_dirs = PackFolders(dir / "stacks");
        for (const fs::path& d : PackFolders(dir / "libraries")) targets_dirs.push_back(d);
        if (targets_dirs.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, (dir / "stacks").string() + ": holds no pack (*/pack.yaml)");
        }
    } else {
        return MakeError(ErrorCode::kInvalidArgument,
                         target.string() + ": neither a pack (no pack.yaml) nor a packs folder (no stacks/)");
    }

    std::set<fs::path> installed_dirs;
    {
        std::set<fs::path> seen;
        for (const fs::path& d : targets_dirs) seen.insert(fs::weakly_canonical(d, ec));
        for (const fs::path& d : siblings) seen.insert(fs::weakly_canonical(d, ec));
        for (const fs::path& packs : installed) {
            for (const fs::path& folder : {packs / "stacks", packs / "libraries"}) {
                for (const fs::path& d : PackFolders(folder)) {
                    if (seen.insert(fs::weakly_canonical(d, ec)).second) {
                        siblings.push_back(d);
                        installed_dirs.insert(d);
                    }
                }
            }
        }
    }

    LintReport report;
    Linter linter(vocab, report);
    std::vector<Pack> all;
    std::set<std::string> targets;
    std::map<std::string, std::string> origin_of;  // name → pack.yaml, to find duplicates
    for (const fs::path& d : targets_dirs) {
        auto pack = linter.LintOne(d);
        if (!pack) continue;
        if (auto [it, fresh] = origin_of.emplace(pack->name, pack->origin); !fresh) {
            linter.Error(pack->origin, "name", "another pack is already named " + pack->name + " (" + it->second + ")");
            continue;
        }
        targets.insert(pack->name);
        all.push_back(std::move(*pack));
    }
    for (const fs::path& d : siblings) {
        auto pack = LoadPack(d);
        if (!pack) {
            linter.Warning((d / "pack.yaml").string(),
                           "this pack beside it does not load; left out of the sample renders");
            continue;
        }
        if (origin_of.contains(pack->name)) {
            if (targets.contains(pack->name) && !installed_dirs.contains(d)) {
                linter.Error(origin_of[pack->name], "name",
                             "another pack beside it is also named " + pack->name + " (" + pack->origin + ")");
            }
            continue;
        }
        origin_of.emplace(pack->name, pack->origin);
        all.push_back(std::move(pack.value()));
    }
    for (const Pack& p : all) {
        if (targets.contains(p.name)) linter.CheckRequires(p, all);
    }
    // Libraries: each use names an installed library of a fitting version and files it has. An installed pack
    // beside the target that the target breaks (it requires another version of a library the target replaces) is
    // left out, so that the target is still rendered.
    Result<void> resolved = Ok();
    for (;;) {
        std::vector<Pack> attempt = all;
        resolved = ResolveLibraries(attempt);
        if (resolved) {
            all = std::move(attempt);
            break;
        }
        const auto culprit = std::find_if(all.begin(), all.end(), [&](const Pack& p) {
            return !targets.contains(p.name) && installed_dirs.contains(fs::path(p.origin).parent_path()) &&
                   resolved.error().message.starts_with(p.origin + ":");
        });
        if (culprit == all.end()) break;
        all.erase(culprit);
    }
    if (!resolved) {
        // "<pack.yaml>:<line>: <field>: <reason>": split at the first ": " after the line number.
        const std::string& m = resolved.error().message;
        const auto yaml = m.find(".yaml:");
        const auto colon = yaml == std::string::npos ? std::string::npos : m.find(": ", yaml + 6);
        linter.Error(colon == std::string::npos ? "" : m.substr(0, colon), "",
                     colon == std::string::npos ? m : m.substr(colon + 2));
    }
    // Render only when every target loaded cleanly; otherwise the render errors would repeat the load errors.
    if (report.errors() == 0) linter.RenderSamples(all, targets);
    return report;
}

}  // namespace dihya::generator
