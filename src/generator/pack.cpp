#include "generator/pack.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <future>
#include <iterator>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <kainjow/mustache.hpp>
#include <yaml-cpp/yaml.h>

#include "model/utf8.hpp"

namespace dihya::generator {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxPackFiles = 2000;
constexpr std::uintmax_t kMaxTemplateBytes = 4u << 20;
constexpr std::string_view kStackKinds[] = {"frontend", "backend", "mobile", "ai", "devops", "blockchain"};

std::string Trim(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

bool IsSlug(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool IsNumericIdentifier(std::string_view s) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    return s.size() == 1 || s[0] != '0';
}

bool IsDotSeparated(std::string_view s, bool prerelease) {
    if (s.empty()) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        const std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
        if (part.empty()) return false;
        const bool alnum = std::all_of(part.begin(), part.end(),
                                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
        if (!alnum) return false;
        const bool digits = std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (prerelease && digits && !IsNumericIdentifier(part)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool IsContextPath(std::string_view s) {
    if (s.empty()) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        const std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
        if (part.empty()) return false;
        const bool ok = std::all_of(part.begin(), part.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        });
        if (!ok) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

/// Collects problems as "<field>" → "<origin>:<line>: <reason>", in document order.
class Problems final {
public:
    explicit Problems(std::string_view origin) : origin_(origin) {}

    void Add(const std::string& field, int line, const std::string& reason) {
        const std::string where = origin_ + ":" + std::to_string(line) + ": ";
        if (first_.empty()) first_ = where + field + ": " + reason;
        details_.emplace(field, where + reason);
        ++count_;
    }
    void Add(const std::string& field, const YAML::Node& node, const std::string& reason) {
        Add(field, node.Mark().line + 1, reason);
    }
    bool empty() const { return count_ == 0; }

    Error ToError() const {
        std::string message = first_;
        if (count_ > 1) message += " (and " + std::to_string(count_ - 1) + " more)";
        return MakeError(ErrorCode::kInvalidArgument, std::move(message), details_);
    }

private:
    std::string origin_;
    std::string first_;
    std::map<std::string, std::string> details_;
    std::size_t count_ = 0;
};

std::optional<std::string> ScalarOf(const YAML::Node& node) {
    if (!node.IsScalar()) return std::nullopt;
    return node.Scalar();
}

/// kainjow's message ("Unclosed section \"x\" at 120", an offset), with the line instead of the offset.
std::string TemplateProblem(const std::string& text) {
    kainjow::mustache::mustache tmpl{text};
    if (!tmpl.is_valid()) {
        std::string message = tmpl.error_message();
        const auto at = message.rfind(" at ");
        if (at != std::string::npos && at + 4 < message.size() &&
            std::all_of(message.begin() + static_cast<std::ptrdiff_t>(at) + 4, message.end(),
                        [](unsigned char c) { return std::isdigit(c) != 0; })) {
            const std::size_t offset = std::min<std::size_t>(std::stoul(message.substr(at + 4)), text.size());
            const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
            message = message.substr(0, at) + " on line " + std::to_string(line);
        }
        return message;
    }
    return "";
}

void ParseFile(const YAML::Node& entry, const std::string& field, const PackReader& read, Problems& problems,
               std::vector<PackFile>& out) {
    if (!entry.IsMap()) {
        problems.Add(field, entry, "must be a mapping with template and path");
        return;
    }
    PackFile file;
    file.line = entry.Mark().line + 1;
    bool ok = true;
    for (const auto& kv : entry) {
        const std::string key = kv.first.Scalar();
        const YAML::Node& value = kv.second;
        const std::string sub = field + "." + key;
        const auto scalar = ScalarOf(value);
        if (key == "template" || key == "path" || key == "each") {
            if (!scalar || scalar->empty()) {
                problems.Add(sub, value, "must be a non-empty string");
                ok = false;
                continue;
            }
            if (key == "template") file.template_path = *scalar;
            if (key == "path") file.path = *scalar;
            if (key == "each") file.each = *scalar;
            continue;
        }
        if (key == "raw") {
            if (!scalar || (*scalar != "true" && *scalar != "false")) {
                problems.Add(sub, value, "must be true or false");
                ok = false;
                continue;
            }
            file.raw = *scalar == "true";
            continue;
        }
        if (key == "mode") {
            if (!scalar || (*scalar != "755" && *scalar != "0755" && *scalar != "644" && *scalar != "0644")) {
                problems.Add(sub, value, "must be 755 or 644");
                ok = false;
                continue;
            }
            file.executable = scalar->find("755") != std::string::npos;
            continue;
        }
        if (key == "when") {
            std::vector<std::pair<std::string, YAML::Node>> items;
            if (value.IsScalar()) items.emplace_back(value.Scalar(), value);
            if (value.IsSequence()) {
                for (const auto& item : value) items.emplace_back(item.IsScalar() ? item.Scalar() : "", item);
            }
            if (items.empty()) {
                problems.Add(sub, value, "must be a condition or a list of conditions");
                ok = false;
                continue;
            }
            for (std::size_t i = 0; i < items.size(); ++i) {
                auto condition = ParseCondition(items[i].first);
                if (!condition) {
                    const std::string at = value.IsSequence() ? sub + "[" + std::to_string(i) + "]" : sub;
                    problems.Add(at, items[i].second, condition.error().message);
                    ok = false;
                    continue;
                }
                file.when.push_back(std::move(condition.value()));
            }
            continue;
        }
        problems.Add(sub, kv.first, "unknown key (expected template, path, each, when, raw, mode)");
        ok = false;
    }
    if (file.template_path.empty() && !entry["template"]) {
        problems.Add(field + ".template", entry, "is required");
        ok = false;
    }
    if (file.path.empty() && !entry["path"]) {
        problems.Add(field + ".path", entry, "is required");
        ok = false;
    }
    if (!file.each.empty() && file.each != "entities") {
        problems.Add(field + ".each", entry["each"], "must be \"entities\"");
        ok = false;
    }
    if (!file.path.empty()) {
        const std::string reason = TemplateProblem(file.path);
        if (!reason.empty()) {
            problems.Add(field + ".path", entry["path"], "bad Mustache: " + reason);
            ok = false;
        } else if (file.path.find("{{") == std::string::npos && !PathProblem(file.path).empty()) {
            problems.Add(field + ".path", entry["path"], PathProblem(file.path));
            ok = false;
        }
    }
    if (!file.template_path.empty()) {
        const std::string reason = PathProblem(file.template_path);
        if (!reason.empty()) {
            problems.Add(field + ".template", entry["template"], reason);
            ok = false;
        } else if (auto content = read(file.template_path); !content) {
            problems.Add(field + ".template", entry["template"], "no such file in the pack: " + file.template_path);
            ok = false;
        } else {
            file.content = std::move(*content);
            const std::string problem = file.raw ? "" : TemplateProblem(file.content);
            if (!problem.empty()) {
                problems.Add(field + ".template", entry["template"], file.template_path + ": " + problem);
                ok = false;
            }
        }
    }
    if (ok) out.push_back(std::move(file));
}

std::optional<std::string> ReadRegularFile(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    if (fs::file_size(path, ec) > kMaxTemplateBytes || ec) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

bool SemverLess(std::string_view a, std::string_view b) {
    const bool sa = IsSemver(a);
    const bool sb = IsSemver(b);
    if (!sa || !sb) return sa != sb ? sa : a < b;
    auto split = [](std::string_view v, char sep) {
        std::vector<std::string_view> out;
        std::size_t start = 0;
        while (true) {
            const std::size_t at = v.find(sep, start);
            out.push_back(v.substr(start, at == std::string_view::npos ? v.npos : at - start));
            if (at == std::string_view::npos) break;
            start = at + 1;
        }
        return out;
    };
    auto strip = [](std::string_view v) { return v.substr(0, v.find('+')); };
    a = strip(a);
    b = strip(b);
    const std::size_t da = a.find('-');
    const std::size_t db = b.find('-');
    // Numeric identifiers have no leading zeros (IsSemver): a longer one is larger, equal lengths compare as text.
    auto number_less = [](std::string_view x, std::string_view y) {
        return x.size() != y.size() ? x.size() < y.size() : x < y;
    };
    const auto ca = split(a.substr(0, da), '.');
    const auto cb = split(b.substr(0, db), '.');
    for (std::size_t i = 0; i < 3; ++i) {
        if (ca[i] != cb[i]) return number_less(ca[i], cb[i]);
    }
    if (da == std::string_view::npos || db == std::string_view::npos) {
        return da != std::string_view::npos && db == std::string_view::npos;  // a pre-release before its release
    }
    const auto pa = split(a.substr(da + 1), '.');
    const auto pb = split(b.substr(db + 1), '.');
    auto numeric = [](std::string_view x) {
        return !x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    for (std::size_t i = 0; i < std::min(pa.size(), pb.size()); ++i) {
        if (pa[i] == pb[i]) continue;
        const bool na = numeric(pa[i]);
        const bool nb = numeric(pb[i]);
        if (na && nb) return number_less(pa[i], pb[i]);
        if (na != nb) return na;
        return pa[i] < pb[i];
    }
    return pa.size() < pb.size();
}

bool IsSemver(std::string_view version) {
    std::string_view core = version;
    const std::size_t plus = core.find('+');
    if (plus != std::string_view::npos) {
        if (!IsDotSeparated(core.substr(plus + 1), false)) return false;
        core = core.substr(0, plus);
    }
    const std::size_t dash = core.find('-');
    if (dash != std::string_view::npos) {
        if (!IsDotSeparated(core.substr(dash + 1), true)) return false;
        core = core.substr(0, dash);
    }
    int parts = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = core.find('.', start);
        if (!IsNumericIdentifier(core.substr(start, dot == std::string_view::npos ? core.npos : dot - start))) {
            return false;
        }
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts == 3;
}

std::string PathProblem(std::string_view path) {
    if (path.empty()) return "is empty";
    if (path.size() > 1024) return "is longer than 1024 bytes";
    if (path.front() == '/') return "must be relative, not absolute: " + std::string(path);
    if (model::utf8::FindInvalid(path) != std::string_view::npos) return "must be UTF-8";
    for (char c : path) {
        if (c == '\\') return "must not contain a backslash: " + std::string(path);
        if (c == '\0') return "must not contain a NUL character";
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "must not contain control characters";
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        const std::string_view part = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
        if (part.empty()) return "must not contain an empty segment: " + std::string(path);
        if (part == "." || part == "..") return "must not contain '" + std::string(part) + "': " + std::string(path);
        std::string lower(part);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lower == ".git") return "must not name .git: " + std::string(path);
        if (slash == std::string_view::npos) return "";
        start = slash + 1;
    }
}

Result<Condition> ParseCondition(std::string_view text) {
    Condition c;
    c.text = Trim(text);
    const std::string& t = c.text;
    if (t.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty condition");
    std::size_t op = t.find("==");
    c.op = Condition::Op::kEquals;
    if (const std::size_t ne = t.find("!="); ne != std::string::npos && (op == std::string::npos || ne < op)) {
        op = ne;
        c.op = Condition::Op::kNotEquals;
    }
    if (op != std::string::npos) {
        c.path = Trim(t.substr(0, op));
        c.literal = Trim(t.substr(op + 2));
        if (c.literal.size() >= 2 && (c.literal.front() == '"' || c.literal.front() == '\'') &&
            c.literal.back() == c.literal.front()) {
            c.literal = c.literal.substr(1, c.literal.size() - 2);
        }
        if (!IsContextPath(c.path)) {
            return MakeError(ErrorCode::kInvalidArgument, "bad condition \"" + t + "\": expected <path> == <value>");
        }
        if (c.literal.empty() || c.literal.find_first_of("=!") != std::string::npos) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "bad condition \"" + t + "\": expected a value after " + t.substr(op, 2));
        }
        return c;
    }
    c.op = Condition::Op::kTruthy;
    std::string_view path = t;
    if (path.front() == '!') {
        c.op = Condition::Op::kFalsy;
        path = path.substr(1);
    }
    c.path = Trim(path);
    if (!IsContextPath(c.path)) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "bad condition \"" + t + "\": expected a dotted path (features.auth), !path, or path == value");
    }
    return c;
}

namespace {

/// The requirement without its operator (>=, ^, ~, =).
std::string_view RequirementVersion(std::string_view req) {
    for (std::string_view op : {">=", "^", "~", "="}) {
        if (req.rfind(op, 0) == 0) return req.substr(op.size());
    }
    return req;
}

bool ValidRequirement(std::string_view req) {
    return req.empty() || req == "*" || IsSemver(Trim(RequirementVersion(req)));
}

void ParseUses(const YAML::Node& node, Problems& problems, std::vector<PackUse>& out) {
    if (!node) return;
    if (!node.IsSequence()) {
        problems.Add("uses", node, "must be a list of {library, version, into, files}");
        return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node entry = node[i];
        const std::string field = "uses[" + std::to_string(i) + "]";
        if (!entry.IsMap()) {
            problems.Add(field, entry, "must be a mapping like {library: web-common, version: ^1.0.0}");
            continue;
        }
        PackUse use;
        use.line = entry.Mark().line + 1;
        for (const auto& kv : entry) {
            const std::string key = kv.first.Scalar();
            const std::string sub = field + "." + key;
            const auto scalar = ScalarOf(kv.second);
            if (key == "library") {
                if (!scalar || !IsSlug(*scalar)) {
                    problems.Add(sub, kv.second, "must be a pack name like web-common");
                } else {
                    use.library = *scalar;
                }
            } else if (key == "version") {
                if (!scalar || !ValidRequirement(*scalar)) {
                    problems.Add(sub, kv.second, "must be a version requirement like ^1.0.0, ~1.2.0, >=1.0.0 or 1.0.0");
                } else {
                    use.version = *scalar;
                }
            } else if (key == "into") {
                std::string into = scalar.value_or("");
                while (!into.empty() && into.back() == '/') into.pop_back();
                if (const std::string reason = PathProblem(into); !scalar || !reason.empty()) {
                    problems.Add(sub, kv.second, scalar ? reason : "must be a relative folder");
                } else {
                    use.into = into;
                }
            } else if (key == "files") {
                if (!kv.second.IsSequence()) {
                    problems.Add(sub, kv.second, "must be a list of the library's template paths");
                    continue;
                }
                for (const auto& f : kv.second) {
                    const auto name = ScalarOf(f);
                    if (!name || name->empty()) {
                        problems.Add(sub, f, "must name template paths of the library");
                    } else {
                        use.files.push_back(*name);
                    }
                }
            } else {
                problems.Add(sub, kv.first, "unknown key (expected library, version, into, files)");
            }
        }
        if (use.library.empty() && !entry["library"]) problems.Add(field + ".library", entry, "is required");
        out.push_back(std::move(use));
    }
}

void ParsePartials(const YAML::Node& node, const PackReader& read, Problems& problems,
                   std::map<std::string, std::string>& out, std::vector<std::string>& templates) {
    if (!node) return;
    if (!node.IsMap()) {
        problems.Add("partials", node, "must be a mapping of partial names to template paths");
        return;
    }
    for (const auto& kv : node) {
        const std::string name = kv.first.Scalar();
        const std::string field = "partials." + name;
        const auto path = ScalarOf(kv.second);
        if (!IsSlug(name)) {
            problems.Add(field, kv.first, "a partial name must match [a-z0-9-]+");
            continue;
        }
        if (!path || path->empty()) {
            problems.Add(field, kv.second, "must be the path of a template in the library");
            continue;
        }
        const auto content = read(*path);
        if (!content) {
            problems.Add(field, kv.second, "template not found (or not a regular file inside the pack): " + *path);
            continue;
        }
        if (content->find("{{>") != std::string::npos) {
            problems.Add(field, kv.second, "a partial cannot include another partial ({{> ...}})");
            continue;
        }
        out[name] = *content;
        templates.push_back(*path);
    }
}

/// MAJOR.MINOR.PATCH of a semantic version (prerelease and build ignored); nullopt when it is not one.
std::optional<std::array<long, 3>> VersionParts(std::string_view v) {
    if (!IsSemver(v)) return std::nullopt;
    std::array<long, 3> out{};
    std::size_t at = 0;
    for (long& part : out) {
        part = 0;
        while (at < v.size() && v[at] >= '0' && v[at] <= '9') part = part * 10 + (v[at++] - '0');
        ++at;  // the dot
    }
    return out;
}

}  // namespace

bool VersionSatisfies(std::string_view version, std::string_view requirement) {
    const std::string req = Trim(requirement);
    if (req.empty() || req == "*") return true;
    const std::string_view rest = RequirementVersion(req);
    const std::string_view op = std::string_view(req).substr(0, req.size() - rest.size());
    const auto have = VersionParts(version);
    const auto want = VersionParts(Trim(rest));
    if (!have || !want) return false;
    if (op.empty() || op == "=") return *have == *want;
    if (*have < *want) return false;
    if (op == ">=") return true;
    if (op == "~") return (*have)[0] == (*want)[0] && (*have)[1] == (*want)[1];
    // ^: the same major version (for 0.x, the same minor).
    if ((*want)[0] == 0) return (*have)[0] == 0 && (*have)[1] == (*want)[1];
    return (*have)[0] == (*want)[0];
}

Result<Pack> ParsePack(std::string_view yaml, std::string_view origin, const PackReader& read) {
    Problems problems(origin);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        problems.Add("$", e.mark.line + 1, e.msg);
        return problems.ToError();
    }
    if (!root.IsMap()) {
        problems.Add("$", root.Mark().line + 1, "pack.yaml must be a mapping");
        return problems.ToError();
    }
    Pack pack;
    pack.origin = std::string(origin);
    const auto string_field = [&](const char* key, std::string& out, bool required) {
        const YAML::Node node = root[key];
        if (!node) {
            if (required) problems.Add(key, 1, "is required");
            return false;
        }
        const auto scalar = ScalarOf(node);
        if (!scalar || scalar->empty()) {
            problems.Add(key, node, "must be a non-empty string");
            return false;
        }
        out = *scalar;
        return true;
    };
    for (const auto& kv : root) {
        static constexpr std::string_view kKeys[] = {"name",        "version", "kind",     "title",
                                                     "provides",    "root",    "files",    "requires",
                                                     "description", "uses",    "partials", "features"};
        const std::string key = kv.first.Scalar();
        if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
            problems.Add(key, kv.first,
                         "unknown key (expected name, version, kind, title, description, provides, requires, root, "
                         "features, uses, partials, files)");
        }
    }
    if (string_field("name", pack.name, true) && !IsSlug(pack.name)) {
        problems.Add("name", root["name"], "must match [a-z0-9-]+ (at most 64 characters)");
    }
    if (string_field("version", pack.version, true) && !IsSemver(pack.version)) {
        problems.Add("version", root["version"], "must be a semantic version like 1.0.0, not \"" + pack.version + "\"");
    }
    if (string_field("kind", pack.kind, true) && pack.kind != "stack" && pack.kind != "domain" &&
        pack.kind != "library") {
        problems.Add("kind", root["kind"], "must be stack, domain or library");
    }
    string_field("title", pack.title, false);
    if (string_field("root", pack.root, false)) {
        while (!pack.root.empty() && pack.root.back() == '/') pack.root.pop_back();
        if (const std::string reason = PathProblem(pack.root); !reason.empty()) {
            problems.Add("root", root["root"], reason);
        }
    }
    const auto stack_map = [&](const char* key, std::map<std::string, std::string>& out) {
        const YAML::Node node = root[key];
        if (!node) return;
        if (!node.IsMap()) {
            problems.Add(key, node, "must be a mapping like {backend: express}");
            return;
        }
        for (const auto& kv : node) {
            const std::string kind = kv.first.Scalar();
            const auto value = ScalarOf(kv.second);
            const std::string field = std::string(key) + "." + kind;
            if (std::find(std::begin(kStackKinds), std::end(kStackKinds), kind) == std::end(kStackKinds)) {
                problems.Add(field, kv.first,
                             "unknown stack kind (expected frontend, backend, mobile, ai, devops, blockchain)");
            } else if (!value || !IsSlug(*value) || *value == "none") {
                problems.Add(field, kv.second, "must be a stack value like express");
            } else {
                out[kind] = *value;
            }
        }
    };
    stack_map("provides", pack.provides);
    stack_map("requires", pack.required);
    if (pack.kind == "stack" && !root["provides"]) {
        problems.Add("provides", 1, "is required for kind: stack ({backend: express})");
    } else if (pack.kind == "stack" && root["provides"].IsMap() && root["provides"].size() != 1) {
        problems.Add("provides", root["provides"], "must name exactly one stack");
    }
    if (pack.kind == "library" && (root["provides"] || root["requires"] || root["root"] || root["uses"])) {
        problems.Add(root["provides"]   ? "provides"
                     : root["requires"] ? "requires"
                     : root["root"]     ? "root"
                                        : "uses",
                     1, "a library has no provides, requires, root or uses: the packs that use it decide");
    }
    ParseUses(root["uses"], problems, pack.uses);
    if (const YAML::Node features = root["features"]; features) {
        if (!features.IsSequence()) {
            problems.Add("features", features, "must be a list of the catalog features the pack implements");
        } else {
            for (const auto& f : features) {
                const auto name = ScalarOf(f);
                if (!name || !IsSlug(*name)) {
                    problems.Add("features", f, "must be feature names like auth, search");
                } else {
                    pack.features.push_back(*name);
                }
            }
        }
    }
    ParsePartials(root["partials"], read, problems, pack.partials, pack.partial_templates);
    if (pack.kind != "library" && root["partials"]) {
        problems.Add("partials", root["partials"], "only a library (kind: library) offers partials");
    }
    const YAML::Node files = root["files"];
    if (!files && pack.kind == "library") {
        // A library may offer partials only.
    } else if (!files) {
        problems.Add("files", 1, "is required");
    } else if (!files.IsSequence()) {
        problems.Add("files", files, "must be a list");
    } else if (files.size() > kMaxPackFiles) {
        problems.Add("files", files, "has more than " + std::to_string(kMaxPackFiles) + " entries");
    } else {
        for (std::size_t i = 0; i < files.size(); ++i) {
            ParseFile(files[i], "files[" + std::to_string(i) + "]", read, problems, pack.files);
        }
    }
    if (!problems.empty()) return problems.ToError();
    return pack;
}

Result<Pack> LoadPack(const fs::path& dir) {
    const fs::path yaml_path = dir / "pack.yaml";
    const auto yaml = ReadRegularFile(yaml_path);
    if (!yaml) {
        return MakeError(ErrorCode::kInvalidArgument, yaml_path.string() + ": not found or not a regular file",
                         {{"$", yaml_path.string() + ": not found"}});
    }
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(dir, ec);
    if (ec) return MakeError(ErrorCode::kInvalidArgument, dir.string() + ": " + ec.message());
    const PackReader read = [&](const std::string& relative) -> std::optional<std::string> {
        std::error_code error;
        const fs::path target = fs::weakly_canonical(base / relative, error);
        if (error) return std::nullopt;
        const auto [end, _] = std::mismatch(base.begin(), base.end(), target.begin(), target.end());
        if (end != base.end()) return std::nullopt;  // a link leading out of the pack
        return ReadRegularFile(target);
    };
    return ParsePack(*yaml, yaml_path.string(), read);
}

std::vector<fs::path> PackFolders(const fs::path& parent) {
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        std::error_code error;
        if (entry.is_directory(error) && fs::exists(entry.path() / "pack.yaml", error)) {
            dirs.push_back(entry.path());
        }
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

Result<std::vector<Pack>> LoadPacks(const fs::path& packs_dir) {
    std::vector<Pack> packs;
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const char* folder : {"stacks", "libraries"}) {
        if (!fs::is_directory(packs_dir / folder, ec)) continue;
        for (fs::path& dir : PackFolders(packs_dir / folder)) dirs.push_back(std::move(dir));
    }
    // Parsing every template to validate it is most of the start-up: the packs load side by side.
    std::vector<std::future<Result<Pack>>> loading;
    loading.reserve(dirs.size());
    for (const fs::path& dir : dirs) loading.push_back(std::async(std::launch::async, [dir] { return LoadPack(dir); }));
    std::set<std::string> names;
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        const fs::path& dir = dirs[i];
        auto pack = loading[i].get();
        if (!pack) {
            for (std::size_t j = i + 1; j < loading.size(); ++j) loading[j].wait();
            return pack.take_error();
        }
        if (!names.insert(pack->name).second) {
            return MakeError(ErrorCode::kInvalidArgument,
                             (dir / "pack.yaml").string() + ": name: another pack is already named " + pack->name);
        }
        packs.push_back(std::move(pack.value()));
    }
    if (auto resolved = ResolveLibraries(packs); !resolved) return resolved.take_error();
    return packs;
}

Result<void> ResolveLibraries(std::vector<Pack>& packs) {
    std::map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < packs.size(); ++i) by_name.emplace(packs[i].name, i);
    for (Pack& pack : packs) {
        if (pack.uses.empty() || !pack.libraries.empty()) continue;
        for (std::size_t u = 0; u < pack.uses.size(); ++u) {
            const PackUse& use = pack.uses[u];
            const std::string where =
                pack.origin + ":" + std::to_string(use.line) + ": uses[" + std::to_string(u) + "]";
            const auto fail = [&](const std::string& field, const std::string& why) {
                return MakeError(ErrorCode::kInvalidArgument, where + "." + field + ": " + why,
                                 {{"uses[" + std::to_string(u) + "]." + field, why}});
            };
            const auto it = by_name.find(use.library);
            if (it == by_name.end()) return fail("library", "no library pack named " + use.library + " is installed");
            const Pack& lib = packs[it->second];
            if (lib.kind != "library")
                return fail("library", use.library + " is a " + lib.kind + " pack, not a library");
            if (!VersionSatisfies(lib.version, use.version)) {
                return fail("version", use.library + " " + lib.version + " does not meet " + use.version);
            }
            for (const std::string& wanted : use.files) {
                const bool found = std::any_of(lib.files.begin(), lib.files.end(),
                                               [&](const PackFile& f) { return f.template_path == wanted; });
                if (!found) return fail("files", use.library + " has no file " + wanted);
            }
            for (const PackFile& f : lib.files) {
                if (!use.files.empty() &&
                    std::find(use.files.begin(), use.files.end(), f.template_path) == use.files.end()) {
                    continue;
                }
                PackFile copy = f;
                copy.library = lib.name;
                if (!use.into.empty()) copy.path = use.into + "/" + copy.path;
                pack.files.push_back(std::move(copy));
            }
            for (const auto& [name, content] : lib.partials) pack.partials[lib.name + "/" + name] = content;
            pack.libraries.emplace_back(lib.name, lib.version);
        }
    }
    // Every partial a template names must come from a library its pack uses.
    for (const Pack& pack : packs) {
        if (pack.kind == "library") continue;
        for (const PackFile& f : pack.files) {
            if (f.raw) continue;
            for (auto at = f.content.find("{{>"); at != std::string::npos; at = f.content.find("{{>", at + 3)) {
                const auto close = f.content.find("}}", at);
                if (close == std::string::npos) break;
                const std::string name = Trim(std::string_view(f.content).substr(at + 3, close - at - 3));
                if (pack.partials.contains(name)) continue;
                const std::string where =
                    f.library.empty() ? f.template_path : "library " + f.library + ": " + f.template_path;
                return MakeError(ErrorCode::kInvalidArgument,
                                 pack.origin + ":" + std::to_string(f.line) + ": " + where + ": no partial " + name +
                                     " ({{> " + name + "}}): partials come from the libraries the pack uses, as " +
                                     "{{> library/name}}",
                                 {{"files", where + ": no partial " + name}});
            }
        }
    }
    return Ok();
}

}  // namespace dihya::generator
