#include "generator/engine.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>

#include "core/json_pretty.hpp"
#include "core/text.hpp"

namespace dihya::generator {

namespace mustache = kainjow::mustache;

/// Parsed templates, kept between renders: parsing was about four fifths of a generation's time. Keyed by the
/// template text's address inside the engine's packs (stable for the engine's life) and checked against the text
/// itself, so a template of a plugin's plan that reuses an address is parsed anew. Each entry serves one render at a
/// time; concurrent renders of the same template parse extra copies, which are kept too.
class TemplatePool final {
public:
    struct Parsed {
        std::string source;
        mustache::mustache tmpl;
        explicit Parsed(const std::string& text) : source(text), tmpl(StripStandaloneTags(text)) {}
    };

    std::unique_ptr<Parsed> Take(const std::string& text) {
        {
            std::lock_guard lock(mu_);
            auto it = free_.find(&text);
            if (it != free_.end()) {
                auto& list = it->second;
                while (!list.empty()) {
                    std::unique_ptr<Parsed> p = std::move(list.back());
                    list.pop_back();
                    if (p->source == text) return p;
                }
            }
        }
        return std::make_unique<Parsed>(text);
    }

    void Give(const std::string& text, std::unique_ptr<Parsed> parsed) {
        std::lock_guard lock(mu_);
        auto& list = free_[&text];
        if (list.size() < kPerTemplate) list.push_back(std::move(parsed));
    }

private:
    static constexpr std::size_t kPerTemplate = 8;
    std::mutex mu_;
    std::unordered_map<const std::string*, std::vector<std::unique_ptr<Parsed>>> free_;
};

namespace json = boost::json;

namespace {

#ifdef DIHYA_VERSION
constexpr std::string_view kBuildVersion = DIHYA_VERSION;
#else
constexpr std::string_view kBuildVersion = "0.0.0-dev";
#endif

/// mustache.js's HTML escaping, so that templates render the same with mustache.js.
std::string EscapeHtml(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '/': out += "&#x2F;"; break;
            case '`': out += "&#x60;"; break;
            case '=': out += "&#x3D;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string NoEscape(const std::string& s) {
    return s;
}

/// Partials a pack may include: its libraries' ("library/name" → the template, standalone tags stripped).
using Partials = std::map<std::string, mustache::data, std::less<>>;

/// A context whose partials come only from the pack's libraries: `{{> name}}` never looks a name up in the model
/// (which would render a model string as a template). An unknown partial is remembered for the error.
class Context final : public mustache::context<std::string> {
public:
    Context(const mustache::data* base, const Partials* partials)
        : mustache::context<std::string>(base), partials_(partials) {}

    const mustache::data* get_partial(const std::string& name) const override {
        if (partials_ != nullptr) {
            if (const auto it = partials_->find(name); it != partials_->end()) return &it->second;
        }
        partial_ = name;
        return nullptr;
    }
    const std::string& partial() const { return partial_; }

private:
    const Partials* partials_;
    mutable std::string partial_;
};

/// JSON → Mustache data. Empty strings and null become false so that sections treat them as mustache.js does
/// (they render as nothing either way); numbers become their JSON text.
mustache::data ToData(const json::value& v) {
    switch (v.kind()) {
        case json::kind::object: {
            mustache::data out{mustache::data::type::object};
            for (const auto& kv : v.get_object()) out[std::string(kv.key())] = ToData(kv.value());
            return out;
        }
        case json::kind::array: {
            mustache::data out{mustache::data::type::list};
            // kainjow only offers push_back(const&), which deep-copies; the list itself is not const.
            auto& items = const_cast<mustache::list&>(out.list_value());
            items.reserve(v.get_array().size());
            for (const auto& item : v.get_array()) items.push_back(ToData(item));
            return out;
        }
        case json::kind::string: {
            const auto& s = v.get_string();
            if (s.empty()) return mustache::data{false};
            return mustache::data{std::string(s)};
        }
        case json::kind::bool_: return mustache::data{v.get_bool()};
        case json::kind::null: return mustache::data{false};
        default: return mustache::data{json::serialize(v)};
    }
}

bool Truthy(const json::value* v) {
    if (v == nullptr || v->is_null()) return false;
    if (v->is_bool()) return v->get_bool();
    if (v->is_string()) return !v->get_string().empty();
    if (v->is_array()) return !v->get_array().empty();
    if (v->is_int64()) return v->get_int64() != 0;
    if (v->is_uint64()) return v->get_uint64() != 0;
    if (v->is_double()) return v->get_double() != 0.0;
    return true;
}

const json::value* Find(const json::object& root, std::string_view path) {
    const json::object* object = &root;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        const std::string_view part = path.substr(start, dot == std::string_view::npos ? path.npos : dot - start);
        const json::value* v = object->if_contains(part);
        if (v == nullptr || dot == std::string_view::npos) return v;
        if (!v->is_object()) return nullptr;
        object = &v->get_object();
        start = dot + 1;
    }
}

std::string Text(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    return json::serialize(v);
}

bool Equals(const json::value* v, const std::string& literal) {
    if (v == nullptr) return false;
    if (v->is_array()) {
        const auto& a = v->get_array();
        return std::any_of(a.begin(), a.end(), [&](const json::value& item) { return Text(item) == literal; });
    }
    return Text(*v) == literal;
}

bool HoldsIn(const Condition& c, const json::object& overlay, const json::object& base) {
    const json::value* v = Find(overlay, c.path);
    if (v == nullptr) v = Find(base, c.path);
    switch (c.op) {
        case Condition::Op::kTruthy: return Truthy(v);
        case Condition::Op::kFalsy: return !Truthy(v);
        case Condition::Op::kEquals: return Equals(v, c.literal);
        case Condition::Op::kNotEquals: return !Equals(v, c.literal);
    }
    return false;
}

/// Adds first/last/index/comma to the elements of every array of objects, at any depth.
void Decorate(json::value& v) {
    if (v.is_object()) {
        for (auto& kv : v.get_object()) Decorate(kv.value());
        return;
    }
    if (!v.is_array()) return;
    auto& a = v.get_array();
    const bool objects =
        !a.empty() && std::all_of(a.begin(), a.end(), [](const json::value& x) { return x.is_object(); });
    for (std::size_t i = 0; i < a.size(); ++i) {
        Decorate(a[i]);
        if (!objects) continue;
        auto& o = a[i].get_object();
        o["first"] = i == 0;
        o["last"] = i + 1 == a.size();
        o["index"] = i;
        o["comma"] = i + 1 == a.size() ? "" : ",";
    }
}

void AddFieldFlags(json::object& field) {
    const std::string type(field["type"].as_string());
    field["is_" + type] = true;
    if (type == "int" || type == "float") field["is_numeric"] = true;
    if (type == "string" || type == "text" || type == "email" || type == "url") field["is_textual"] = true;
    if (type == "date" || type == "datetime") field["is_temporal"] = true;
}

std::string Describe(const PlannedFile& f) {
    if (f.pack == nullptr) return "the engine";
    if (!f.file->library.empty()) {
        return "pack " + f.pack->name + " (library " + f.file->library + ": " + f.file->template_path + ")";
    }
    return "pack " + f.pack->name + " (" + f.file->template_path + ")";
}

/// Confinement, duplicates (also differing only in case, as on macOS and Windows) and file/folder clashes.
Result<void> CheckPaths(const std::vector<std::pair<std::string, std::string>>& paths) {
    std::map<std::string, std::size_t> seen;  // lower-case path → index
    std::map<std::string, std::size_t> folders;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const auto& [path, who] = paths[i];
        if (const std::string reason = PathProblem(path); !reason.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, who + ": output path " + reason, {{path, reason}});
        }
        const auto [it, inserted] = seen.emplace(AsciiLower(path), i);
        if (!inserted) {
            const auto& [other, other_who] = paths[it->second];
            const std::string how = other == path ? "the same path" : "paths that differ only in case";
            return MakeError(ErrorCode::kInvalidArgument, who + " and " + other_who + " write " + how + ": " + path,
                             {{path, "written twice"}});
        }
        for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
            folders.emplace(AsciiLower(path.substr(0, slash)), i);
        }
    }
    for (const auto& [folder, i] : folders) {
        const auto it = seen.find(folder);
        if (it == seen.end()) continue;
        return MakeError(ErrorCode::kInvalidArgument,
                         paths[it->second].second + " writes a file at " + paths[it->second].first + " but " +
                             paths[i].second + " uses it as a folder: " + paths[i].first,
                         {{paths[it->second].first, "both a file and a folder"}});
    }
    return Ok();
}

Result<std::string> RenderText(TemplatePool& pool, const std::string& text, const mustache::data& base,
                               const mustache::data& overlay, bool escape, const std::string& who,
                               const Partials* partials = nullptr) {
    auto parsed = pool.Take(text);
    mustache::mustache& tmpl = parsed->tmpl;
    if (!tmpl.is_valid()) return MakeError(ErrorCode::kInvalidArgument, who + ": " + tmpl.error_message());
    tmpl.set_custom_escape(escape ? EscapeHtml : NoEscape);
    Context ctx(&base, partials);
    ctx.push(&overlay);
    std::string out = tmpl.render(ctx);
    for (auto at = out.find(kStandaloneMark); at != std::string::npos; at = out.find(kStandaloneMark, at)) {
        out.erase(at, kStandaloneMark.size());
    }
    if (!tmpl.is_valid()) return MakeError(ErrorCode::kInvalidArgument, who + ": " + tmpl.error_message());
    if (!ctx.partial().empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         who + ": no partial " + ctx.partial() + " ({{> " + ctx.partial() +
                             "}}): partials come from the libraries the pack uses, as {{> library/name}}");
    }
    pool.Give(text, std::move(parsed));  // only templates that rendered cleanly go back
    return out;
}

json::object Overlay(const PlannedFile& f, const json::object& context) {
    json::object overlay;
    if (f.pack != nullptr) overlay["pack"] = json::object{{"name", f.pack->name}, {"version", f.pack->version}};
    if (f.entity) {
        const json::value* entities = context.if_contains("entities");
        if (entities != nullptr && entities->is_array() && *f.entity < entities->get_array().size()) {
            overlay["entity"] = entities->get_array()[*f.entity];
        }
    }
    return overlay;
}

}  // namespace

json::object MakeContext(const model::ProjectModel& model, const std::string& generator_version) {
    json::value root = model::ToJson(model);
    json::object& ctx = root.as_object();
    ctx["feature_list"] = ctx["features"];
    ctx["features"] = ctx["feature_flags"];
    for (json::value& e : ctx["entities"].as_array()) {
        json::object& entity = e.as_object();
        json::array required;
        bool has_refs = false;
        for (json::value& f : entity["fields"].as_array()) {
            json::object& field = f.as_object();
            AddFieldFlags(field);
            has_refs = has_refs || field["type"] == "ref";
            if (field["required"] == true) required.push_back(field);
        }
        entity["required_fields"] = std::move(required);
        entity["has_refs"] = has_refs;
    }
    // stack_flags.<kind>: false when the kind is not chosen, else {<value>: true} (devops: one per tool), so that
    // templates branch with {{#stack_flags.backend.express}} and {{^stack_flags.frontend}}.
    json::object stack_flags;
    const std::pair<std::string_view, const std::string*> single[] = {
        {"frontend", &model.stacks.frontend},     {"backend", &model.stacks.backend},
        {"mobile", &model.stacks.mobile},         {"ai", &model.stacks.ai},
        {"blockchain", &model.stacks.blockchain},
    };
    for (const auto& [kind, value] : single) {
        if (value->empty() || *value == "none") {
            stack_flags[kind] = false;
        } else {
            stack_flags[kind] = json::object{{*value, true}};
        }
    }
    json::object devops;
    for (const std::string& tool : model.stacks.devops) {
        if (!tool.empty() && tool != "none") devops[tool] = true;
    }
    stack_flags["devops"] = devops.empty() ? json::value(false) : json::value(std::move(devops));
    ctx["stack_flags"] = std::move(stack_flags);
    // role_info: each role with the prefix of its environment variables (ADMIN for ADMIN_EMAIL, ADMIN_PASSWORD).
    json::array role_info;
    for (const std::string& role : model.roles) {
        std::string upper = role;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        role_info.push_back(json::object{{"name", role}, {"env", upper}});
    }
    ctx["role_info"] = std::move(role_info);
    ctx["generator"] = json::object{{"name", "dihya"}, {"version", generator_version}};
    Decorate(root);
    return std::move(ctx);
}

bool Holds(const Condition& condition, const json::value& context) {
    const json::object empty;
    return HoldsIn(condition, empty, context.is_object() ? context.get_object() : empty);
}

struct Engine::PartialsByPack {
    std::map<const Pack*, Partials> map;
    auto find(const Pack* p) const { return map.find(p); }
    auto end() const { return map.end(); }
};

Engine::Engine(std::vector<Pack> packs, EngineOptions options)
    : packs_(std::move(packs)),
      options_(std::move(options)),
      templates_(std::make_unique<TemplatePool>()),
      partials_(std::make_unique<PartialsByPack>()) {
    if (options_.generator_version.empty()) options_.generator_version = std::string(kBuildVersion);
    for (const Pack& pack : packs_) {
        if (pack.partials.empty() || pack.kind == "library") continue;
        Partials& own = partials_->map[&pack];
        for (const auto& [name, content] : pack.partials) {
            own.emplace(name,
                        mustache::data(mustache::partial([text = StripStandaloneTags(content)] { return text; })));
        }
    }
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Result<Plan> Engine::MakePlan(const model::ProjectModel& model) const {
    Plan plan;
    // The stacks the model asks for, in catalog order.
    std::vector<std::pair<std::string, std::string>> wanted;
    const std::pair<std::string_view, const std::string*> single[] = {
        {"frontend", &model.stacks.frontend},
        {"backend", &model.stacks.backend},
        {"mobile", &model.stacks.mobile},
        {"ai", &model.stacks.ai},
    };
    for (const auto& [kind, value] : single) {
        if (!value->empty() && *value != "none") wanted.emplace_back(kind, *value);
    }
    for (const std::string& value : model.stacks.devops) {
        if (!value.empty() && value != "none") wanted.emplace_back("devops", value);
    }
    if (!model.stacks.blockchain.empty() && model.stacks.blockchain != "none") {
        wanted.emplace_back("blockchain", model.stacks.blockchain);
    }

    std::vector<std::pair<std::string, std::string>> missing;  // field → value
    std::size_t devops_index = 0;
    for (const auto& [kind, value] : wanted) {
        const std::string field =
            kind == "devops" ? "stacks.devops[" + std::to_string(devops_index++) + "]" : "stacks." + kind;
        const auto it = std::find_if(packs_.begin(), packs_.end(), [&, &k = kind, &v = value](const Pack& p) {
            const auto provided = p.provides.find(k);
            return p.kind == "stack" && provided != p.provides.end() && provided->second == v;
        });
        if (it == packs_.end()) {
            missing.emplace_back(field, value);
            continue;
        }
        if (std::find(plan.packs.begin(), plan.packs.end(), &*it) == plan.packs.end()) plan.packs.push_back(&*it);
    }
    if (!missing.empty()) {
        std::map<std::string, std::set<std::string>> available;
        for (const Pack& p : packs_) {
            for (const auto& [kind, value] : p.provides) available[kind].insert(value);
        }
        std::string message = "no template pack for";
        std::map<std::string, std::string> details;
        std::string sep = " ";
        for (const auto& [field, value] : missing) {
            message += sep + field + " = " + value;
            sep = ", ";
            details.emplace(field, "no template pack for " + value);
        }
        message += "; packs exist for ";
        if (available.empty()) message += "no stack";
        sep = "";
        for (std::string_view kind : {"frontend", "backend", "mobile", "ai", "devops", "blockchain"}) {
            const auto it = available.find(std::string(kind));
            if (it == available.end()) continue;
            std::string values;
            for (const std::string& v : it->second) values += (values.empty() ? "" : ", ") + v;
            message += sep + std::string(kind) + ": " + values;
            sep = "; ";
        }
        return MakeError(ErrorCode::kInvalidArgument, message, std::move(details));
    }
    // Stacks that a chosen pack needs beside its own (compose builds the images of the docker pack).
    for (const Pack* pack : plan.packs) {
        for (const auto& [kind, value] : pack->required) {
            if (std::find(wanted.begin(), wanted.end(), std::pair<std::string, std::string>{kind, value}) !=
                wanted.end()) {
                continue;
            }
            const auto& [own_kind, own_value] = *pack->provides.begin();
            const std::string field = "stacks." + kind;
            const std::string how =
                kind == "devops" ? "add " + value + " to " + field : "set " + field + " to " + value;
            return MakeError(ErrorCode::kInvalidArgument,
                             "stacks." + own_kind + " = " + own_value + " needs " + field + " = " + value +
                                 " as well (pack " + pack->name + "): " + how,
                             {{field, own_value + " needs " + value}});
        }
    }

    if (auto features = CheckFeatures(model, plan.packs); !features) return features.take_error();

    plan.context = MakeContext(model, options_.generator_version);
    // Output paths see the context without the (large) list of entities; `entity` is there for `each: entities`.
    json::object path_context;
    for (const auto& kv : plan.context) path_context[kv.key()] = kv.key() == "entities" ? json::array{} : kv.value();
    const mustache::data base = ToData(path_context);
    const std::size_t entity_count = model.entities.size();
    for (const Pack* pack : plan.packs) {
        for (const PackFile& file : pack->files) {
            const std::size_t copies = file.each == "entities" ? entity_count : 1;
            for (std::size_t i = 0; i < copies; ++i) {
                PlannedFile planned{pack, &file, "", std::nullopt};
                if (file.each == "entities") planned.entity = i;
                const json::object overlay_json = Overlay(planned, plan.context);
                const bool holds = std::all_of(file.when.begin(), file.when.end(), [&](const Condition& c) {
                    return HoldsIn(c, overlay_json, plan.context);
                });
                if (!holds) continue;
                auto path = RenderText(*templates_, file.path, base, ToData(overlay_json), false,
                                       "pack " + pack->name + " (" + file.template_path + ", path)");
                if (!path) return path.take_error();
                planned.path = pack->root.empty() ? *path : pack->root + "/" + *path;
                if (planned.path == kAnswersPath || planned.path.rfind(".dihya/", 0) == 0) {
                    return MakeError(ErrorCode::kInvalidArgument,
                                     Describe(planned) + ": .dihya/ is reserved for the generator: " + planned.path,
                                     {{planned.path, "reserved"}});
                }
                plan.files.push_back(std::move(planned));
            }
        }
    }
    plan.files.push_back(PlannedFile{nullptr, nullptr, std::string(kAnswersPath), std::nullopt});
    std::vector<std::pair<std::string, std::string>> paths;
    for (const PlannedFile& f : plan.files) paths.emplace_back(f.path, Describe(f));
    if (auto checked = CheckPaths(paths); !checked) return checked.take_error();
    std::sort(plan.files.begin(), plan.files.end(),
              [](const PlannedFile& a, const PlannedFile& b) { return a.path < b.path; });

    json::array packs;
    std::set<std::pair<std::string, std::string>> libraries;
    for (const Pack* p : plan.packs) {
        packs.push_back(json::object{{"name", p->name}, {"version", p->version}});
        libraries.insert(p->libraries.begin(), p->libraries.end());
    }
    for (const auto& [name, version] : libraries) {
        packs.push_back(json::object{{"name", name}, {"version", version}, {"kind", "library"}});
    }
    plan.answers = json::object{
        {"model", model::ToSpec(model)},
        {"packs", std::move(packs)},
        {"generator", json::object{{"name", "dihya"}, {"version", options_.generator_version}}},
    };
    return plan;
}

Result<void> Engine::CheckFeatures(const model::ProjectModel& model, const std::vector<const Pack*>& chosen) const {
    std::string message;
    std::map<std::string, std::string> details;
    for (const std::string& feature : model.features) {
        const auto kinds = options_.feature_kinds.find(feature);
        if (kinds == options_.feature_kinds.end()) continue;
        bool concerned = false;  // a chosen pack is of a kind the feature concerns
        for (const Pack* pack : chosen) {
            if (pack->provides.empty()) continue;
            const auto& [kind, value] = *pack->provides.begin();
            if (std::find(kinds->second.begin(), kinds->second.end(), kind) == kinds->second.end()) continue;
            concerned = true;
            if (std::find(pack->features.begin(), pack->features.end(), feature) != pack->features.end()) continue;
            std::string others;
            for (const Pack& p : packs_) {
                const auto provided = p.provides.find(kind);
                if (provided == p.provides.end() || p.kind != "stack") continue;
                if (std::find(p.features.begin(), p.features.end(), feature) == p.features.end()) continue;
                others += (others.empty() ? "" : ", ") + provided->second;
            }
            message += std::string(message.empty() ? "" : "; ") + feature + " is not implemented by stacks." + kind +
                       " = " + value + " (pack " + pack->name + " " + pack->version + "): " +
                       (others.empty() ? "no installed " + kind + " pack implements it yet"
                                       : "choose a " + kind + " among " + others) +
                       ", or remove " + feature + " from features";
            details.emplace("features", feature + " is not implemented by " + value);
        }
        if (!concerned && !kinds->second.empty()) {
            // "seo" without a front end: nothing would carry it, so it is refused rather than ignored.
            std::string kinds_text;
            std::string carriers;
            for (const std::string& kind : kinds->second) {
                kinds_text += (kinds_text.empty() ? "" : ", ") + kind;
                for (const Pack& p : packs_) {
                    const auto provided = p.provides.find(kind);
                    if (provided == p.provides.end() || p.kind != "stack") continue;
                    if (std::find(p.features.begin(), p.features.end(), feature) == p.features.end()) continue;
                    carriers += (carriers.empty() ? "" : ", ") + kind + " " + provided->second;
                }
            }
            message += std::string(message.empty() ? "" : "; ") + feature + " concerns the " + kinds_text +
                       " stacks and none is chosen: " +
                       (carriers.empty() ? "no installed pack implements it yet" : "choose one among " + carriers) +
                       ", or remove " + feature + " from features";
            details.emplace("features", feature + " concerns no chosen stack");
        }
    }
    if (message.empty()) return Ok();
    return MakeError(ErrorCode::kInvalidArgument, message, std::move(details));
}

Result<Tree> Engine::RenderPlan(const Plan& plan, const std::function<void(std::size_t, std::size_t)>& progress) const {
    std::vector<std::pair<std::string, std::string>> paths;
    for (const PlannedFile& f : plan.files) paths.emplace_back(f.path, Describe(f));
    if (auto checked = CheckPaths(paths); !checked) return checked.take_error();

    const mustache::data base = ToData(plan.context);
    Tree tree;
    tree.files.reserve(plan.files.size());
    for (const PlannedFile& f : plan.files) {
        GeneratedFile out{f.path, "", false};
        if (f.file == nullptr) {
            if (f.path != kAnswersPath) {
                return MakeError(ErrorCode::kInternal, "planned file without a template: " + f.path);
            }
            out.content = PrettyJson(plan.answers) + "\n";
        } else if (f.file->raw) {
            out.content = f.file->content;
            out.executable = f.file->executable;
        } else {
            const auto partials = partials_->find(f.pack);
            auto text = RenderText(*templates_, f.file->content, base, ToData(Overlay(f, plan.context)), true,
                                   Describe(f), partials == partials_->end() ? nullptr : &partials->second);
            if (!text) return text.take_error();
            out.content = std::move(*text);
            out.executable = f.file->executable;
        }
        tree.files.push_back(std::move(out));
        if (progress) progress(tree.files.size(), plan.files.size());
    }
    std::sort(tree.files.begin(), tree.files.end(),
              [](const GeneratedFile& a, const GeneratedFile& b) { return a.path < b.path; });
    return tree;
}

Result<Tree> Engine::Render(const model::ProjectModel& model, Hooks* hooks,
                            std::function<void(std::size_t, std::size_t)> progress) const {
    auto plan = MakePlan(model);
    if (!plan) return plan.take_error();
    if (hooks != nullptr) {
        if (auto r = hooks->BeforeRender(*plan); !r) return r.take_error();
    }
    auto tree = RenderPlan(*plan, progress);
    if (!tree) return tree.take_error();
    if (hooks == nullptr) return tree;
    if (auto r = hooks->AfterRender(*tree); !r) return r.take_error();
    std::vector<std::pair<std::string, std::string>> paths;
    for (const GeneratedFile& f : tree->files) paths.emplace_back(f.path, "a plugin");
    if (auto checked = CheckPaths(paths); !checked) return checked.take_error();
    std::sort(tree->files.begin(), tree->files.end(),
              [](const GeneratedFile& a, const GeneratedFile& b) { return a.path < b.path; });
    return tree;
}

std::string StripStandaloneTags(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        const std::string_view line = text.substr(pos, end - pos);
        std::string_view body = line;
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
        const std::size_t first = body.find_first_not_of(" \t");
        if (first != std::string_view::npos) {
            const std::string_view core = body.substr(first, body.find_last_not_of(" \t") - first + 1);
            const bool one_tag = core.size() >= 5 && core.substr(0, 2) == "{{" &&
                                 core.substr(core.size() - 2) == "}}" && core.find("{{", 2) == std::string_view::npos;
            if (one_tag && core[2] == '>') {
                // A partial alone on its line: the partial's own lines replace the line (its indentation is its own).
                out += core;
                pos = end;
                continue;
            }
            if (one_tag && std::string_view("#^/!").find(core[2]) != std::string_view::npos) {
                // The line goes; the tag stays, with a mark outside its section so that kainjow never sees an
                // empty line with a section tag (its own, partial, standalone rule) — RenderText removes the marks.
                if (core[2] == '/') {
                    out += core;
                    out += kStandaloneMark;
                } else {
                    out += kStandaloneMark;
                    out += core;
                }
                pos = end;
                continue;
            }
        }
        out += line;
        pos = end;
    }
    return out;
}

}  // namespace dihya::generator
