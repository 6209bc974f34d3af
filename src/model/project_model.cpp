#include "model/project_model.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/text.hpp"
#include "model/reserved_words.hpp"
#include "model/spec_tree.hpp"
#include "model/utf8.hpp"

namespace dihya::model {

namespace {

constexpr auto kFieldTypeNames = std::to_array<std::string_view>(
    {"string", "text", "int", "float", "bool", "date", "datetime", "email", "url", "enum", "ref", "file"});

constexpr auto kTopKeys = std::to_array<std::string_view>(
    {"name", "title", "description", "domain", "locales", "roles", "features", "entities", "stacks"});
constexpr auto kEntityKeys = std::to_array<std::string_view>({"name", "plural", "label", "description", "fields"});
constexpr auto kFieldKeys =
    std::to_array<std::string_view>({"name", "type", "label", "required", "unique", "values", "ref", "description"});
constexpr auto kStackKinds =
    std::to_array<std::string_view>({"frontend", "backend", "mobile", "ai", "devops", "blockchain"});

struct Alias {
    std::string_view written;
    std::string_view meant;
};

// clang-format off
// Type names people write for the ones we have; used for "did you mean" only.
constexpr auto kTypeAliases = std::to_array<Alias>({
    {"str", "string"},        {"varchar", "string"},   {"char", "string"},      {"integer", "int"},
    {"number", "float"},      {"decimal", "float"},    {"double", "float"},     {"real", "float"},
    {"boolean", "bool"},      {"timestamp", "datetime"}, {"time", "datetime"},  {"date_time", "datetime"},
    {"link", "url"},          {"uri", "url"},          {"mail", "email"},       {"choice", "enum"},
    {"select", "enum"},       {"reference", "ref"},    {"relation", "ref"},     {"foreign_key", "ref"},
    {"textarea", "text"},     {"long_text", "text"},     {"upload", "file"},      {"attachment", "file"},
    {"image", "file"},        {"blob", "file"},
});
// clang-format on

// clang-format off
// Stack names people write for the ones we have; used for "did you mean" only.
constexpr auto kStackAliases = std::to_array<Alias>({
    {"reactjs", "react"},         {"react.js", "react"},          {"vuejs", "vue"},
    {"vue.js", "vue"},            {"sveltekit", "svelte"},        {"node", "express"},
    {"nodejs", "express"},        {"node.js", "express"},         {"expressjs", "express"},
    {"express.js", "express"},    {"reactnative", "react-native"}, {"react native", "react-native"},
    {"rn", "react-native"},       {"k8s", "kubernetes"},          {"docker-compose", "compose"},
    {"github", "github-actions"}, {"gh-actions", "github-actions"}, {"actions", "github-actions"},
    {"tf", "terraform"},          {"ethereum", "solidity"},       {"ml", "python-ml"},
});
// clang-format on

constexpr auto kRightToLeft =
    std::to_array<std::string_view>({"ar", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"});

constexpr std::size_t kMaxReportedIssues = 200;

// --- small string helpers ---------------------------------------------------------------------------------------

std::string Trim(std::string_view s) {
    const std::size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const std::size_t e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

template <class Range>
std::string JoinList(const Range& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

std::string Quote(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// Optimal string alignment distance (Levenshtein with adjacent transpositions).
std::size_t Distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

/// The closest candidate to `word` when it is plausibly a typo of it.
template <class Range>
std::optional<std::string> Closest(std::string_view word, const Range& candidates) {
    if (word.size() > 64) return std::nullopt;
    const std::string lower = AsciiLower(word);
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    for (const auto& c : candidates) {
        const std::string_view candidate(c);
        const std::size_t d = Distance(lower, AsciiLower(candidate));
        const std::size_t limit = std::min<std::size_t>(2, std::max<std::size_t>(lower.size(), candidate.size()) / 3);
        if (d > std::max<std::size_t>(limit, 1) || d >= std::max(lower.size(), candidate.size())) continue;
        if (!best || d < best_distance) {
            best = std::string(candidate);
            best_distance = d;
        }
    }
    return best;
}

template <class Range>
std::string DidYouMean(std::string_view word, const Range& candidates) {
    const auto best = Closest(word, candidates);
    return best ? "; did you mean " + Quote(*best) + "?" : "";
}

/// DidYouMean for stack values, which also knows common other spellings ("k8s", "reactjs").
std::string StackHint(std::string_view value, const std::vector<std::string>& allowed) {
    for (const auto& alias : kStackAliases) {
        if (alias.written == value && std::find(allowed.begin(), allowed.end(), alias.meant) != allowed.end()) {
            return "; did you mean " + Quote(alias.meant) + "?";
        }
    }
    return DidYouMean(value, allowed);
}

std::string Describe(const SpecNode& n) {
    switch (n.kind) {
        case SpecNode::Kind::kNull: return "an empty value";
        case SpecNode::Kind::kSequence: return "a list";
        case SpecNode::Kind::kMap: return "a map";
        case SpecNode::Kind::kScalar: break;
    }
    std::string shown = n.scalar.size() > 40 ? n.scalar.substr(0, 40) + "..." : n.scalar;
    return n.quoted ? "the string \"" + shown + "\"" : Quote(shown);
}

std::string Index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}
std::string Member(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// --- identifiers ------------------------------------------------------------------------------------------------

/// Why `raw` (trimmed) cannot be a name in generated code, or nothing.
std::optional<std::string> IdentifierProblem(std::string_view raw) {
    if (raw.empty()) return "must not be empty";
    const std::size_t length = utf8::Length(raw);
    if (length > kMaxNameLength) {
        return "is " + std::to_string(length) + " characters long; the limit is " + std::to_string(kMaxNameLength);
    }
    bool first = true;
    std::size_t i = 0;
    while (i < raw.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        utf8::Next(raw, i, cp);
        const std::string_view original = raw.substr(at, i - at);
        bool complete = false;
        const std::string ascii = TransliterateLatin(original, &complete);
        if (!complete || ascii.empty()) {
            return "contains " + Quote(original) +
                   ", which is not a Latin letter, digit, space, '-' or '_' (generated code needs ASCII names)";
        }
        const char c = ascii[0];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (first && !letter) return "must start with a letter";
        if (!letter && !digit && c != ' ' && c != '_' && c != '-') {
            return "contains " + Quote(original) + ", which is not allowed (use letters, digits, spaces, '-' or '_')";
        }
        first = false;
    }
    return std::nullopt;
}

std::string DeriveProjectName(std::string_view title) {
    const Names n = MakeNames(title);
    std::string name;
    std::size_t pos = 0;
    const std::string& kebab = n.kebab;
    while (pos < kebab.size()) {
        std::size_t end = kebab.find('-', pos);
        if (end == std::string::npos) end = kebab.size();
        const std::string_view word(kebab.data() + pos, end - pos);
        pos = end + 1;
        if (name.empty() && !word.empty() && word[0] >= '0' && word[0] <= '9') continue;  // must start with a letter
        if (name.size() + (name.empty() ? 0 : 1) + word.size() > kMaxNameLength) break;
        if (!name.empty()) name += '-';
        name += word;
    }
    return name.empty() ? "project" : name;
}

// --- the checker ------------------------------------------------------------------------------------------------

struct Issue {
    int line = 0;
    std::string path;
    std::string reason;
};

struct Located {
    std::string text;
    int line = 0;
};

struct PendingRef {
    std::size_t entity = 0;
    std::size_t field = 0;
    std::string target;
    int line = 0;
    std::string path;
};

class ModelChecker final {
public:
    explicit ModelChecker(const Vocabulary& vocab) : vocab_(vocab) {}

    Result<ProjectModel> Check(const SpecNode& root, std::string_view origin) {
        if (!root.IsMap()) {
            Add(root.line, "",
                "the specification must be a map of keys (name, title, entities, ...), not " + Describe(root));
            return ToError(origin);
        }
        misspelt_top_ = CheckKeys(root, "", kTopKeys);
        ProjectIdentity(root, misspelt_top_);
        model_.description = Description(root, "");
        Domain(root);
        Locales(root);
        Roles(root);
        Features(root);
        StacksSection(root);
        Entities(root);
        if (!issues_.empty()) return ToError(origin);
        return std::move(model_);
    }

private:
    // --- reporting

    void Add(int line, std::string path, std::string reason) {
        ++issue_count_;
        if (issues_.size() < kMaxReportedIssues) issues_.push_back({line, std::move(path), std::move(reason)});
    }

    Error ToError(std::string_view origin) {
        // Document order; problems without a line (JSON values) keep the order they were found in.
        const auto key = [](const Issue& i) { return i.line > 0 ? i.line : std::numeric_limits<int>::max(); };
        std::stable_sort(issues_.begin(), issues_.end(),
                         [&](const Issue& a, const Issue& b) { return key(a) < key(b); });
        const Issue& first = issues_.front();
        std::string message(origin);
        if (first.line > 0) message += ":" + std::to_string(first.line);
        message += ": ";
        if (!first.path.empty()) message += first.path + ": ";
        message += first.reason;
        if (issue_count_ > 1) message += " (and " + std::to_string(issue_count_ - 1) + " more)";
        std::map<std::string, std::string> details;
        for (const auto& issue : issues_) {
            std::string& slot = details[issue.path.empty() ? "$" : issue.path];
            if (!slot.empty()) slot += "; ";
            slot += issue.reason;
        }
        return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(details));
    }

    // --- generic readers

    /// Reports unknown and duplicate keys. Returns the known keys suggested for misspelt ones, so that callers
    /// do not also report those as missing.
    template <class Range>
    std::vector<std::string> CheckKeys(const SpecNode& map, const std::string& path, const Range& known) {
        std::vector<std::string> suggested;
        std::map<std::string, int> seen;
        for (const auto& e : map.entries) {
            const std::string key_path = Member(path, e.key);
            if (std::find(known.begin(), known.end(), e.key) == known.end()) {
                const auto best = Closest(e.key, known);
                if (best) suggested.push_back(*best);
                Add(e.key_line, key_path,
                    "unknown key " + Quote(e.key) + (best ? "; did you mean " + Quote(*best) + "?" : "") +
                        " (expected " + JoinList(known) + ")");
                continue;
            }
            const auto [it, inserted] = seen.emplace(e.key, e.key_line);
            if (!inserted) {
                Add(e.key_line, key_path,
                    "duplicate key " + Quote(e.key) + " (first given on line " + std::to_string(it->second) + ")");
            }
        }
        return suggested;
    }

    static bool Misspelt(const std::vector<std::string>& suggested, std::string_view key) {
        return std::find(suggested.begin(), suggested.end(), key) != suggested.end();
    }

    /// The value under `key`, or nullptr when absent or empty (`key:` or `key: null`).
    static const SpecNode* Value(const SpecNode& map, std::string_view key) {
        const SpecNode* n = map.Find(key);
        return n == nullptr || n->IsNull() ? nullptr : n;
    }

    std::optional<std::string> Text(const SpecNode& n, const std::string& path) {
        if (n.IsScalar()) return n.scalar;
        Add(n.line, path, "a string expected, not " + Describe(n));
        return std::nullopt;
    }

    std::string CheckLength(const SpecNode& n, const std::string& path, std::string text, std::size_t limit) {
        const std::size_t length = utf8::Length(text);
        if (length > limit) {
            Add(n.line, path,
                "is " + std::to_string(length) + " characters long; the limit is " + std::to_string(limit));
        }
        return text;
    }

    std::optional<bool> Bool(const SpecNode& n, const std::string& path) {
        if (n.IsScalar() && !n.quoted) {
            const std::string v = AsciiLower(n.scalar);
            if (v == "true") return true;
            if (v == "false") return false;
        }
        Add(n.line, path, "true or false expected, not " + Describe(n));
        return std::nullopt;
    }

    /// The trimmed `description` of a map, or "".
    std::string Description(const SpecNode& map, const std::string& path) {
        const SpecNode* n = Value(map, "description");
        if (n == nullptr) return {};
        const std::string d_path = Member(path, "description");
        auto text = Text(*n, d_path);
        return text ? CheckLength(*n, d_path, Trim(*text), kMaxDescriptionLength) : std::string();
    }

    /// The trimmed `label` of an entity or field (one line), or "".
    std::string Label(const SpecNode& map, const std::string& path) {
        const SpecNode* n = Value(map, "label");
        if (n == nullptr) return {};
        const std::string l_path = Member(path, "label");
        auto text = Text(*n, l_path);
        if (!text) return {};
        const std::string label = Trim(*text);
        if (label.find_first_of("\r\n") != std::string::npos) {
            Add(n->line, l_path, "one line expected: a label is shown as a heading");
            return {};
        }
        return CheckLength(*n, l_path, label, kMaxLabelLength);
    }

    /// The items of a list of strings, each with its line; problems are reported.
    std::optional<std::vector<Located>> TextList(const SpecNode& n, const std::string& path, std::string_view example) {
        if (!n.IsSequence()) {
            Add(n.line, path, "a list expected, e.g. " + std::string(example) + ", not " + Describe(n));
            return std::nullopt;
        }
        std::vector<Located> out;
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            const SpecNode& item = *n.items[i];
            if (auto text = Text(item, Index(path, i))) out.push_back({Trim(*text), item.line});
        }
        return out;
    }

    // --- top level

    void ProjectIdentity(const SpecNode& root, const std::vector<std::string>& misspelt) {
        std::optional<std::string> title;
        if (const SpecNode* n = Value(root, "title")) {
            if (auto text = Text(*n, "title")) {
                std::string t = Trim(*text);
                if (t.empty()) {
                    Add(n->line, "title", "must not be empty");
                } else if (t.find_first_of("\r\n\t") != std::string::npos) {
                    Add(n->line, "title", "must be a single line");
                } else {
                    title = CheckLength(*n, "title", std::move(t), kMaxTitleLength);
                }
            }
        }
        if (const SpecNode* n = Value(root, "name")) {
            if (auto text = Text(*n, "name")) {
                const std::string raw = Trim(*text);
                if (auto problem = IdentifierProblem(raw)) {
                    Add(n->line, "name", *problem);
                } else {
                    model_.name = MakeNames(raw).kebab;
                }
            }
        } else if (title) {
            model_.name = DeriveProjectName(*title);
        } else if (Value(root, "title") == nullptr && !Misspelt(misspelt, "name") && !Misspelt(misspelt, "title")) {
            Add(root.line, "name", "missing: give the project a name (kebab-case) or a title");
        }
        if (title) {
            model_.title = *title;
        } else if (!model_.name.empty()) {
            model_.title = MakeNames(model_.name).title;
        }
    }

    void Domain(const SpecNode& root) {
        const SpecNode* n = Value(root, "domain");
        if (n == nullptr) return;
        auto text = Text(*n, "domain");
        if (!text) return;
        const std::string domain = AsciiLower(Trim(*text));
        if (domain == "custom" ||
            std::find(vocab_.domains.begin(), vocab_.domains.end(), domain) != vocab_.domains.end()) {
            model_.domain = domain;
            return;
        }
        std::vector<std::string> known = vocab_.domains;
        if (std::find(known.begin(), known.end(), "custom") == known.end()) known.push_back("custom");
        Add(n->line, "domain",
            "unknown domain " + Quote(domain) + DidYouMean(domain, known) + " (known: " + JoinList(known) + ")");
    }

    void Locales(const SpecNode& root) {
        const SpecNode* n = Value(root, "locales");
        if (n == nullptr) return;
        auto items = TextList(*n, "locales", "[fr, en, ar]");
        if (!items) return;
        if (n->items.empty()) {
            Add(n->line, "locales", "at least one locale is needed; the first is the default");
            return;
        }
        std::vector<std::string> locales;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const std::string code = AsciiLower((*items)[i].text);
            if (std::find(vocab_.locales.begin(), vocab_.locales.end(), code) == vocab_.locales.end()) {
                Add((*items)[i].line, Index("locales", i),
                    "unknown locale " + Quote(code) + DidYouMean(code, vocab_.locales) +
                        " (supported: " + JoinList(vocab_.locales) + ")");
                continue;
            }
            if (std::find(locales.begin(), locales.end(), code) == locales.end()) locales.push_back(code);
        }
        if (!locales.empty()) model_.locales = std::move(locales);
    }

    void Roles(const SpecNode& root) {
        const SpecNode* n = Value(root, "roles");
        if (n == nullptr) {
            // A domain named without roles: the domain's own.
            if (const auto r = vocab_.domain_roles.find(model_.domain); r != vocab_.domain_roles.end()) {
                model_.roles = r->second;
            }
            return;
        }
        auto items = TextList(*n, "roles", "[admin, user]");
        if (!items) return;
        if (n->items.empty()) {
            Add(n->line, "roles", "at least one role is needed (leave 'roles' out for admin and user)");
            return;
        }
        if (n->items.size() > kMaxRoles) {
            Add(n->line, "roles",
                "at most " + std::to_string(kMaxRoles) + " roles (found " + std::to_string(n->items.size()) + ")");
        }
        std::vector<std::string> roles;
        std::map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const Located& item = (*items)[i];
            const std::string path = Index("roles", i);
            if (auto problem = IdentifierProblem(item.text)) {
                Add(item.line, path, "role " + Quote(item.text) + " " + *problem);
                continue;
            }
            const std::string role = MakeNames(item.text).snake;
            const auto [it, inserted] = seen.emplace(role, i);
            if (!inserted) {
                Add(item.line, path,
                    "duplicate role " + Quote(role) + " (also roles[" + std::to_string(it->second) + "])");
                continue;
            }
            roles.push_back(role);
        }
        model_.roles = std::move(roles);
    }

    void Features(const SpecNode& root) {
        const SpecNode* n = Value(root, "features");
        if (n == nullptr) return;
        auto items = TextList(*n, "features", "[auth, i18n]");
        if (!items) return;
        std::vector<std::string> features;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const std::string feature = AsciiLower((*items)[i].text);
            if (std::find(vocab_.features.begin(), vocab_.features.end(), feature) == vocab_.features.end()) {
                Add((*items)[i].line, Index("features", i),
                    "unknown feature " + Quote(feature) + DidYouMean(feature, vocab_.features) +
                        " (known: " + JoinList(vocab_.features) + ")");
                continue;
            }
            if (std::find(features.begin(), features.end(), feature) == features.end()) features.push_back(feature);
        }
        model_.features = std::move(features);
    }

    std::vector<std::string> AllowedStacks(std::string_view kind, bool with_none) const {
        std::vector<std::string> allowed;
        if (const auto it = vocab_.stacks.find(std::string(kind)); it != vocab_.stacks.end()) allowed = it->second;
        if (with_none && std::find(allowed.begin(), allowed.end(), "none") == allowed.end()) allowed.push_back("none");
        return allowed;
    }

    void StacksSection(const SpecNode& root) {
        const SpecNode* n = Value(root, "stacks");
        if (n == nullptr) return;
        if (!n->IsMap()) {
            Add(n->line, "stacks", "a map expected, e.g. {frontend: react, backend: express}, not " + Describe(*n));
            return;
        }
        CheckKeys(*n, "stacks", kStackKinds);
        const std::pair<std::string_view, std::string*> single[] = {
            {"frontend", &model_.stacks.frontend},     {"backend", &model_.stacks.backend},
            {"mobile", &model_.stacks.mobile},         {"ai", &model_.stacks.ai},
            {"blockchain", &model_.stacks.blockchain},
        };
        for (const auto& [kind, slot] : single) {
            const SpecNode* v = Value(*n, kind);
            if (v == nullptr) continue;
            const std::string path = Member("stacks", kind);
            auto text = Text(*v, path);
            if (!text) continue;
            const std::string value = AsciiLower(Trim(*text));
            const std::vector<std::string> allowed = AllowedStacks(kind, true);
            if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
                Add(v->line, path,
                    "unknown " + std::string(kind) + " stack " + Quote(value) + StackHint(value, allowed) +
                        " (known: " + JoinList(allowed) + ")");
                continue;
            }
            *slot = value;
        }
        const SpecNode* devops = Value(*n, "devops");
        if (devops == nullptr) return;
        if (devops->IsScalar() && AsciiLower(Trim(devops->scalar)) == "none") {
            model_.stacks.devops.clear();
            return;
        }
        auto items = TextList(*devops, "stacks.devops", "[docker, compose]");
        if (!items) return;
        const std::vector<std::string> allowed = AllowedStacks("devops", false);
        std::vector<std::string> chosen;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const std::string value = AsciiLower((*items)[i].text);
            if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
                Add((*items)[i].line, Index("stacks.devops", i),
                    "unknown devops tool " + Quote(value) + StackHint(value, allowed) +
                        " (known: " + JoinList(allowed) + ")");
                continue;
            }
            if (std::find(chosen.begin(), chosen.end(), value) == chosen.end()) chosen.push_back(value);
        }
        model_.stacks.devops = std::move(chosen);
    }

    // --- entities and fields

    void Entities(const SpecNode& root) {
        const SpecNode* n = Value(root, "entities");
        if (n == nullptr && !Misspelt(misspelt_top_, "entities")) {
            // A domain named without entities: the domain's own (docs/packs.md, "Domains").
            const auto defaults = vocab_.domain_entities.find(model_.domain);
            if (defaults == vocab_.domain_entities.end()) return;
            domain_tree_ = SpecTree::FromJson(defaults->second);
            n = domain_tree_.root();
            if (n == nullptr) return;
        }
        if (n == nullptr) return;
        if (!n->IsSequence()) {
            Add(n->line, "entities", "a list of entities expected, not " + Describe(*n));
            return;
        }
        if (n->items.size() > kMaxEntities) {
            Add(n->line, "entities",
                "at most " + std::to_string(kMaxEntities) + " entities (found " + std::to_string(n->items.size()) +
                    ")");
        }
        entity_lines_.clear();
        for (std::size_t i = 0; i < n->items.size(); ++i) EntityAt(*n->items[i], Index("entities", i));
        CrossChecks();
    }

    void EntityAt(const SpecNode& n, const std::string& path) {
        const std::size_t index = model_.entities.size();
        model_.entities.emplace_back();
        entity_lines_.push_back(n.line);
        entity_valid_.push_back(false);
        field_lines_.emplace_back();
        if (!n.IsMap()) {
            Add(n.line, path, "an entity expected (a map with name and fields), not " + Describe(n));
            return;
        }
        const std::vector<std::string> misspelt = CheckKeys(n, path, kEntityKeys);
        Entity& e = model_.entities[index];
        const std::string name_path = Member(path, "name");
        const SpecNode* name = Value(n, "name");
        if (name == nullptr) {
            if (!Misspelt(misspelt, "name")) {
                Add(n.line, name_path, "missing: every entity needs a name, e.g. name: Patient");
            }
        } else if (auto text = Text(*name, name_path)) {
            entity_lines_[index] = name->line;
            const std::string raw = Trim(*text);
            if (auto problem = IdentifierProblem(raw)) {
                Add(name->line, name_path, *problem);
            } else {
                e.names = MakeNames(raw);
                e.name = e.names.pascal;
                entity_valid_[index] = CheckEntityName(e, name->line, name_path);
            }
        }
        if (const SpecNode* plural = Value(n, "plural"); plural != nullptr && entity_valid_[index]) {
            const std::string plural_path = Member(path, "plural");
            if (auto text = Text(*plural, plural_path)) {
                const std::string raw = Trim(*text);
                if (auto problem = IdentifierProblem(raw)) {
                    Add(plural->line, plural_path, *problem);
                } else {
                    const Names p = MakeNames(raw);
                    e.names.plural_pascal = p.pascal;
                    e.names.plural_camel = p.camel;
                    e.names.plural_snake = p.snake;
                    e.names.plural_kebab = p.kebab;
                    e.names.plural_title = p.title;
                    if (p.snake == e.names.snake) {
                        Add(plural->line, plural_path, "must differ from the singular " + Quote(e.name));
                        entity_valid_[index] = false;
                    } else {
                        entity_valid_[index] = CheckPluralSpellings(e, plural->line, plural_path);
                    }
                }
            }
        } else if (entity_valid_[index] && e.names.plural_snake == e.names.snake) {
            Add(name->line, name_path,
                Quote(e.name) +
                    " reads the same in the singular and the plural, which generated code cannot tell "
                    "apart; use a singular, countable name (e.g. 'Patient' rather than 'Patients', "
                    "'StaffMember' rather than 'Staff') or give the plural with 'plural:'");
            entity_valid_[index] = false;
        } else if (entity_valid_[index]) {
            entity_valid_[index] = CheckPluralSpellings(e, name->line, name_path);
        }
        e.table = e.names.plural_snake;
        e.route = e.names.plural_kebab.empty() ? "" : "/api/" + e.names.plural_kebab;
        e.description = Description(n, path);
        e.label = Label(n, path);

        const std::string fields_path = Member(path, "fields");
        const SpecNode* fields = Value(n, "fields");
        if (fields == nullptr) {
            if (!Misspelt(misspelt, "fields")) Add(n.line, fields_path, "missing: an entity needs at least one field");
            return;
        }
        if (!fields->IsSequence()) {
            Add(fields->line, fields_path, "a list of fields expected, not " + Describe(*fields));
            return;
        }
        if (fields->items.empty()) {
            Add(fields->line, fields_path, "an entity needs at least one field");
            return;
        }
        if (fields->items.size() > kMaxFieldsPerEntity) {
            Add(fields->line, fields_path,
                "at most " + std::to_string(kMaxFieldsPerEntity) + " fields (found " +
                    std::to_string(fields->items.size()) + ")");
        }
        for (std::size_t i = 0; i < fields->items.size(); ++i) {
            FieldAt(*fields->items[i], Index(fields_path, i), index);
        }
    }

    bool CheckEntityName(const Entity& e, int line, const std::string& path) {
        Reserved r = ReservedIn(e.names.camel);
        r |= ReservedIn(e.names.snake);
        r.sql = false;     // the singular never names a table or column
        r.django = false;  // nor a model's field
        if (e.names.pascal == "True" || e.names.pascal == "False" || e.names.pascal == "None") r.python = true;
        if (r.Any()) {
            Add(line, path,
                Quote(e.names.camel) + " is a reserved word in " + r.Languages() +
                    ", and generated code names variables and classes after entities; choose another name");
            return false;
        }
        if (e.names.snake == "index") {
            Add(line, path,
                Quote(e.name) +
                    " is the name of the index modules that generated code keeps beside the entities' files "
                    "(src/entities/index.ts, src/resources/index.js); choose a more specific name, e.g. " +
                    Quote(e.name + "Entry"));
            return false;
        }
        if (const std::string_view builtin = ShadowedJavaScriptBuiltin(e.names.pascal); !builtin.empty()) {
            Add(line, path,
                Quote(e.names.pascal) + " would hide JavaScript's built-in " + std::string(builtin) +
                    " in generated code; choose a more specific name");
            return false;
        }
        return true;
    }

    bool CheckPluralSpellings(const Entity& e, int line, const std::string& path) {
        Reserved r = ReservedIn(e.names.plural_camel);
        r |= ReservedIn(e.names.plural_snake);
        if (!r.Any()) return true;
        Add(line, path,
            "the plural " + Quote(e.names.plural_snake) + " is a reserved word in " + r.Languages() +
                ", and generated code uses it for a table and variables; choose another name");
        return false;
    }

    void FieldAt(const SpecNode& n, const std::string& path, std::size_t entity) {
        Entity& e = model_.entities[entity];
        const std::size_t index = e.fields.size();
        e.fields.emplace_back();
        field_lines_[entity].push_back(n.line);
        if (!n.IsMap()) {
            Add(n.line, path, "a field expected (a map with name and type), not " + Describe(n));
            return;
        }
        const std::vector<std::string> misspelt = CheckKeys(n, path, kFieldKeys);
        Field& f = e.fields[index];

        const std::string name_path = Member(path, "name");
        const SpecNode* name = Value(n, "name");
        if (name == nullptr) {
            if (!Misspelt(misspelt, "name")) {
                Add(n.line, name_path, "missing: every field needs a name, e.g. name: full_name");
            }
        } else if (auto text = Text(*name, name_path)) {
            field_lines_[entity][index] = name->line;
            const std::string raw = Trim(*text);
            if (auto problem = IdentifierProblem(raw)) {
                Add(name->line, name_path, *problem);
            } else {
                f.names = MakeNames(raw);
                f.name = f.names.snake;
                CheckFieldName(f, e, name->line, name_path);
            }
        }

        const std::string type_path = Member(path, "type");
        std::optional<FieldType> type;
        const SpecNode* type_node = Value(n, "type");
        if (type_node == nullptr) {
            if (!Misspelt(misspelt, "type")) {
                Add(n.line, type_path, "missing: every field needs a type (" + JoinList(kFieldTypeNames) + ")");
            }
        } else if (auto text = Text(*type_node, type_path)) {
            const std::string written = AsciiLower(Trim(*text));
            type = ParseFieldType(written);
            if (!type) {
                std::string hint = DidYouMean(written, kFieldTypeNames);
                for (const auto& alias : kTypeAliases) {
                    if (alias.written == written) hint = "; did you mean " + Quote(alias.meant) + "?";
                }
                Add(type_node->line, type_path,
                    "unknown type " + Quote(written) + hint + " (allowed: " + JoinList(kFieldTypeNames) + ")");
            } else {
                f.type = *type;
            }
        }

        if (const SpecNode* v = Value(n, "required")) {
            if (auto b = Bool(*v, Member(path, "required"))) f.required = *b;
        }
        if (const SpecNode* v = Value(n, "unique")) {
            if (auto b = Bool(*v, Member(path, "unique"))) f.unique = *b;
        }
        f.description = Description(n, path);
        f.label = Label(n, path);
        if (type == FieldType::kFile) {
            if (f.unique) Add(n.line, Member(path, "unique"), "a file field cannot be unique");
            if (f.required) {
                Add(n.line, Member(path, "required"),
                    "a file is uploaded once its row exists (PUT to the field's URL): a file field cannot be required");
            }
        }

        const SpecNode* values = n.Find("values");
        const SpecNode* ref = n.Find("ref");
        const std::string type_name = type ? std::string(FieldTypeName(*type)) : "";
        if (type == FieldType::kEnum && !(values == nullptr && Misspelt(misspelt, "values"))) {
            EnumValues(values, n, f, Member(path, "values"));
        } else if (values != nullptr && type) {
            Add(values->line, Member(path, "values"),
                "values only apply to enum fields (this field's type is " + Quote(type_name) + ")");
        }
        const std::string ref_path = Member(path, "ref");
        if (type == FieldType::kRef) {
            if (ref == nullptr || ref->IsNull()) {
                if (!Misspelt(misspelt, "ref")) {
                    Add(n.line, ref_path, "missing: a ref field names the entity it points to, e.g. ref: Patient");
                }
            } else if (auto text = Text(*ref, ref_path)) {
                refs_.push_back({entity, index, Trim(*text), ref->line, ref_path});
            }
        } else if (ref != nullptr && type) {
            Add(ref->line, ref_path,
                "ref only applies to ref fields (this field's type is " + Quote(type_name) + "); set type: ref");
        }
    }

    void CheckFieldName(const Field& f, const Entity& e, int line, const std::string& path) {
        if (f.names.snake == "id") {
            Add(line, path, "'id' is added to every entity by the generated code; remove this field");
            return;
        }
        Reserved r = ReservedIn(f.names.camel);
        r.sql = false;
        Reserved snake = ReservedIn(f.names.snake);
        snake.javascript = false;
        r |= snake;
        if (!r.Any()) return;
        const std::string suggestion =
            e.names.snake.empty() ? "" : " (e.g. " + Quote(e.names.snake + "_" + f.names.snake) + ")";
        Add(line, path,
            Quote(f.names.snake) + " is a reserved word in " + r.Languages() +
                ", and generated code uses field names for variables and columns; choose another name" + suggestion);
    }

    void EnumValues(const SpecNode* values, const SpecNode& field, Field& f, const std::string& path) {
        if (values == nullptr || values->IsNull()) {
            Add(field.line, path, "missing: an enum field lists its values, e.g. values: [draft, published]");
            return;
        }
        auto items = TextList(*values, path, "[draft, published]");
        if (!items) return;
        if (values->items.empty()) {
            Add(values->line, path, "an enum field needs at least one value");
            return;
        }
        if (values->items.size() > kMaxEnumValues) {
            Add(values->line, path,
                "at most " + std::to_string(kMaxEnumValues) + " values (found " + std::to_string(values->items.size()) +
                    ")");
        }
        std::map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const Located& item = (*items)[i];
            const std::string item_path = Index(path, i);
            if (auto problem = IdentifierProblem(item.text)) {
                Add(item.line, item_path,
                    "value " + Quote(item.text) + " " + *problem +
                        " (values also become identifiers in generated code)");
                continue;
            }
            // Values that differ only in case or separators would give generated code the same identifier.
            const auto [it, inserted] = seen.emplace(MakeNames(item.text).snake, f.values.size());
            if (!inserted) {
                Add(item.line, item_path,
                    "duplicate value " + Quote(item.text) + " (same as " + Quote(f.values[it->second]) + ")");
                continue;
            }
            f.values.push_back(item.text);
        }
    }

    void CrossChecks() {
        // Duplicate entities (by PascalCase name, ignoring case) and shared tables.
        std::map<std::string, std::size_t> by_name;
        std::map<std::string, std::size_t> by_table;
        for (std::size_t i = 0; i < model_.entities.size(); ++i) {
            if (!entity_valid_[i]) continue;
            const Entity& e = model_.entities[i];
            const std::string path = Index("entities", i) + ".name";
            if (const auto [it, inserted] = by_name.emplace(AsciiLower(e.name), i); !inserted) {
                Add(entity_lines_[i], path,
                    "duplicate entity " + Quote(e.name) + " (also entities[" + std::to_string(it->second) + "])");
                continue;
            }
            if (const auto [it, inserted] = by_table.emplace(e.table, i); !inserted) {
                Add(entity_lines_[i], path,
                    Quote(e.name) + " would use the same table " + Quote(e.table) + " as entities[" +
                        std::to_string(it->second) + "] " + Quote(model_.entities[it->second].name));
            }
        }

        // Features serve routes of their own beside the entities' (docs/generated-api.md): an entity may not take
        // one of them.
        static constexpr std::pair<std::string_view, std::string_view> kFeatureRoutes[] = {
            {"payments", "/api/payments"}, {"notifications", "/api/notifications"},
            {"realtime", "/api/live"},     {"analytics", "/api/analytics"},
            {"admin", "/api/admin"},
        };
        for (std::size_t i = 0; i < model_.entities.size(); ++i) {
            const Entity& e = model_.entities[i];
            for (const auto& [feature, route] : kFeatureRoutes) {
                if (e.route != route) continue;
                if (std::find(model_.features.begin(), model_.features.end(), feature) == model_.features.end())
                    continue;
                Add(entity_lines_[i], Index("entities", i) + ".name",
                    Quote(e.name) + "'s route " + std::string(route) + " is the " + std::string(feature) +
                        " feature's: rename the entity (e.g. " + Quote(e.name + "Record") + ") or remove " +
                        std::string(feature) + " from features");
            }
        }
        // Files are uploads: the feature says so and turns on the upload routes.
        const bool uploads =
            std::find(model_.features.begin(), model_.features.end(), "uploads") != model_.features.end();
        for (std::size_t i = 0; i < model_.entities.size() && !uploads; ++i) {
            const Entity& e = model_.entities[i];
            for (std::size_t j = 0; j < e.fields.size(); ++j) {
                if (e.fields[j].type != FieldType::kFile) continue;
                Add(field_lines_[i][j], Index(Index("entities", i) + ".fields", j) + ".type",
                    "a file field needs the uploads feature: add uploads to features");
            }
        }
        // Duplicate fields and foreign-key columns that clash with fields.
        for (std::size_t i = 0; i < model_.entities.size(); ++i) {
            const Entity& e = model_.entities[i];
            std::map<std::string, std::size_t> fields;
            for (std::size_t j = 0; j < e.fields.size(); ++j) {
                if (e.fields[j].name.empty()) continue;
                if (const auto [it, inserted] = fields.emplace(e.fields[j].name, j); !inserted) {
                    Add(field_lines_[i][j], Index(Index("entities", i) + ".fields", j) + ".name",
                        "duplicate field " + Quote(e.fields[j].name) + " (also fields[" + std::to_string(it->second) +
                            "])");
                }
            }
            for (const Field& f : e.fields) {
                if (f.type != FieldType::kRef || f.name.empty()) continue;
                const auto it = fields.find(f.name + "_id");
                if (it == fields.end()) continue;
                Add(field_lines_[i][it->second], Index(Index("entities", i) + ".fields", it->second) + ".name",
                    Quote(f.name + "_id") + " clashes with the column that the ref field " + Quote(f.name) +
                        " is stored in; remove it or rename one of them");
            }
        }

        // References.
        std::vector<std::string> names;
        for (std::size_t i = 0; i < model_.entities.size(); ++i) {
            const std::string& name = model_.entities[i].name;
            if (entity_valid_[i] && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
        for (const PendingRef& ref : refs_) {
            const std::string wanted = MakeNames(ref.target).pascal;
            const auto it = std::find_if(names.begin(), names.end(), [&](const std::string& n) {
                return !wanted.empty() && AsciiLower(n) == AsciiLower(wanted);
            });
            if (it != names.end()) {
                model_.entities[ref.entity].fields[ref.field].ref = *it;
                continue;
            }
            const std::string known = names.empty() ? "there are no entities" : "entities: " + JoinList(names);
            Add(ref.line, ref.path,
                "unknown entity " + Quote(ref.target) + DidYouMean(wanted, names) + " (" + known + ")");
        }

        // Required references may not form a cycle (a required self-reference included): no first row could
        // ever be created.
        const auto index_of = [&](const std::string& name) -> std::optional<std::size_t> {
            for (std::size_t i = 0; i < model_.entities.size(); ++i) {
                if (model_.entities[i].name == name) return i;
            }
            return std::nullopt;
        };
        for (const PendingRef& ref : refs_) {
            const Field& start = model_.entities[ref.entity].fields[ref.field];
            if (!start.required || start.ref.empty()) continue;
            // Follow required refs from the target; a path back to this entity is a cycle.
            std::vector<std::size_t> stack{};
            std::vector<bool> seen(model_.entities.size(), false);
            if (auto t = index_of(start.ref)) stack.push_back(*t);
            bool cycle = false;
            while (!stack.empty() && !cycle) {
                const std::size_t at = stack.back();
                stack.pop_back();
                if (at == ref.entity) {
                    cycle = true;
                    break;
                }
                if (seen[at]) continue;
                seen[at] = true;
                for (const Field& f : model_.entities[at].fields) {
                    if (f.type != FieldType::kRef || !f.required || f.ref.empty()) continue;
                    if (auto t = index_of(f.ref)) stack.push_back(*t);
                }
            }
            if (cycle) {
                Add(ref.line, ref.path,
                    "required references lead back to " + Quote(model_.entities[ref.entity].name) +
                        ": no first row could ever be created; make this reference (or another in the cycle) "
                        "optional");
            }
        }
    }

    std::vector<std::string> misspelt_top_;
    SpecTree domain_tree_;  // a named domain's entities, when the specification names none
    const Vocabulary& vocab_;
    ProjectModel model_;
    std::vector<Issue> issues_;
    std::size_t issue_count_ = 0;
    std::vector<int> entity_lines_;
    std::vector<bool> entity_valid_;
    std::vector<std::vector<int>> field_lines_;
    std::vector<PendingRef> refs_;
};

Result<ProjectModel> CheckTree(const SpecTree& tree, std::string_view origin, const Vocabulary& vocab) {
    if (const auto& error = tree.error()) {
        std::string message(origin);
        if (error->line > 0) message += ":" + std::to_string(error->line);
        message += ": " + error->reason;
        return MakeError(ErrorCode::kInvalidArgument, std::move(message), {{"$", error->reason}});
    }
    ModelChecker checker(vocab);
    return checker.Check(*tree.root(), origin);
}

// --- JSON output --------------------------------------------------------------------------------------------------

boost::json::object NamesJson(const Names& n) {
    return boost::json::object{
        {"pascal", n.pascal},
        {"camel", n.camel},
        {"snake", n.snake},
        {"kebab", n.kebab},
        {"plural_pascal", n.plural_pascal},
        {"plural_camel", n.plural_camel},
        {"plural_snake", n.plural_snake},
        {"plural_kebab", n.plural_kebab},
        {"title", n.title},
        {"plural_title", n.plural_title},
    };
}

boost::json::array Strings(const std::vector<std::string>& items) {
    boost::json::array out;
    for (const auto& s : items) out.emplace_back(s);
    return out;
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
    return kFieldTypeNames[static_cast<std::size_t>(type)];
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
    for (std::size_t i = 0; i < kFieldTypeNames.size(); ++i) {
        if (kFieldTypeNames[i] == name) return static_cast<FieldType>(i);
    }
    return std::nullopt;
}

std::span<const std::string_view> FieldTypeNames() {
    return kFieldTypeNames;
}

bool IsRightToLeft(std::string_view locale) {
    const std::string language = AsciiLower(locale.substr(0, locale.find_first_of("-_")));
    return std::find(kRightToLeft.begin(), kRightToLeft.end(), language) != kRightToLeft.end();
}

Result<ProjectModel> ParseModel(std::string_view text, std::string_view origin, const Vocabulary& vocab) {
    const std::optional<SpecFormat> named = FormatFromOrigin(origin);
    const SpecFormat format = named.value_or(SniffFormat(text));
    SpecTree tree = SpecTree::Parse(text, format);
    if (tree.error() && !named && format == SpecFormat::kJson) {
        // "{name: x}" is a YAML flow map, not JSON: accept it when the origin does not say which it is.
        SpecTree yaml = SpecTree::Parse(text, SpecFormat::kYaml);
        if (!yaml.error()) tree = std::move(yaml);
    }
    return CheckTree(tree, origin, vocab);
}

Result<ProjectModel> ParseModelValue(const boost::json::value& model, std::string_view origin,
                                     const Vocabulary& vocab) {
    return CheckTree(SpecTree::FromJson(model), origin, vocab);
}

boost::json::value ToJson(const ProjectModel& model) {
    boost::json::object out;
    out["name"] = model.name;
    out["title"] = model.title;
    out["description"] = model.description;
    out["domain"] = model.domain;
    out["locales"] = Strings(model.locales);
    out["default_locale"] = model.locales.empty() ? std::string("en") : model.locales.front();
    boost::json::array locale_info;
    bool any_rtl = false;
    for (std::size_t i = 0; i < model.locales.size(); ++i) {
        const bool rtl = IsRightToLeft(model.locales[i]);
        any_rtl = any_rtl || rtl;
        locale_info.push_back(boost::json::object{{"code", model.locales[i]}, {"rtl", rtl}, {"default", i == 0}});
    }
    out["locale_info"] = std::move(locale_info);
    out["rtl"] = any_rtl;
    out["roles"] = Strings(model.roles);
    out["features"] = Strings(model.features);
    boost::json::object flags;
    for (const auto& f : model.features) flags[f] = true;
    out["feature_flags"] = std::move(flags);

    boost::json::array entities;
    for (const Entity& e : model.entities) {
        boost::json::object entity;
        entity["name"] = e.name;
        entity["names"] = NamesJson(e.names);
        entity["table"] = e.table;
        entity["route"] = e.route;
        entity["description"] = e.description;
        entity["label"] = e.label.empty() ? e.names.title : e.label;
        boost::json::array fields;
        for (const Field& f : e.fields) {
            boost::json::object field;
            field["name"] = f.name;
            field["names"] = NamesJson(f.names);
            field["type"] = FieldTypeName(f.type);
            field["required"] = f.required;
            field["unique"] = f.unique;
            field["description"] = f.description;
            field["label"] = f.label.empty() ? f.names.title : f.label;
            if (f.type == FieldType::kEnum) {
                field["values"] = Strings(f.values);
                boost::json::array enum_values;
                for (const auto& v : f.values) {
                    enum_values.push_back(boost::json::object{{"value", v}, {"names", NamesJson(MakeNames(v))}});
                }
                field["enum_values"] = std::move(enum_values);
            }
            if (f.type == FieldType::kRef) {
                field["ref"] = f.ref;
                const auto target = std::find_if(model.entities.begin(), model.entities.end(),
                                                 [&](const Entity& t) { return t.name == f.ref; });
                const Names ref_names = target != model.entities.end() ? target->names : MakeNames(f.ref);
                field["ref_names"] = NamesJson(ref_names);
                field["ref_table"] = target != model.entities.end() ? target->table : ref_names.plural_snake;
                field["ref_route"] = target != model.entities.end() ? target->route : "/api/" + ref_names.plural_kebab;
            }
            fields.push_back(std::move(field));
        }
        entity["fields"] = std::move(fields);
        entities.push_back(std::move(entity));
    }
    out["entities"] = std::move(entities);

    out["stacks"] = boost::json::object{
        {"frontend", model.stacks.frontend},      {"backend", model.stacks.backend},
        {"mobile", model.stacks.mobile},          {"ai", model.stacks.ai},
        {"devops", Strings(model.stacks.devops)}, {"blockchain", model.stacks.blockchain},
    };
    return out;
}

boost::json::value ToSpec(const ProjectModel& m) {
    boost::json::object root;
    root["name"] = m.name;
    root["title"] = m.title;
    if (!m.description.empty()) root["description"] = m.description;
    root["domain"] = m.domain;
    const auto strings = [](const std::vector<std::string>& list) {
        boost::json::array a;
        for (const std::string& s : list) a.emplace_back(s);
        return a;
    };
    root["locales"] = strings(m.locales);
    root["roles"] = strings(m.roles);
    root["features"] = strings(m.features);
    boost::json::array entities;
    for (const Entity& e : m.entities) {
        boost::json::object entity;
        entity["name"] = e.name;
        // A plural given in the spec (not the one derived from the name) is kept.
        if (!e.names.plural_pascal.empty() && e.names.plural_pascal != MakeNames(e.name).plural_pascal) {
            entity["plural"] = e.names.plural_pascal;
        }
        if (!e.label.empty()) entity["label"] = e.label;
        if (!e.description.empty()) entity["description"] = e.description;
        boost::json::array fields;
        for (const Field& f : e.fields) {
            boost::json::object field;
            field["name"] = f.name;
            field["type"] = std::string(FieldTypeName(f.type));
            if (f.required) field["required"] = true;
            if (f.unique) field["unique"] = true;
            if (f.type == FieldType::kEnum) field["values"] = strings(f.values);
            if (f.type == FieldType::kRef) field["ref"] = f.ref;
            if (!f.label.empty()) field["label"] = f.label;
            if (!f.description.empty()) field["description"] = f.description;
            fields.push_back(std::move(field));
        }
        entity["fields"] = std::move(fields);
        entities.push_back(std::move(entity));
    }
    root["entities"] = std::move(entities);
    boost::json::object stacks;
    stacks["frontend"] = m.stacks.frontend;
    stacks["backend"] = m.stacks.backend;
    stacks["mobile"] = m.stacks.mobile;
    stacks["ai"] = m.stacks.ai;
    stacks["devops"] =
        m.stacks.devops.empty() ? boost::json::value("none") : boost::json::value(strings(m.stacks.devops));
    stacks["blockchain"] = m.stacks.blockchain;
    root["stacks"] = std::move(stacks);
    return root;
}

std::vector<std::pair<std::string, std::pair<std::string, std::string>>> Vocabulary::UnsupportedFeatures(
    const std::vector<std::string>& features, const std::map<std::string, std::vector<std::string>>& stacks) const {
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> out;
    if (feature_support.empty()) return out;
    for (const std::string& feature : features) {
        const auto kinds = feature_kinds.find(feature);
        if (kinds == feature_kinds.end()) continue;
        const auto support = feature_support.find(feature);
        bool any = false;  // a stack of the kinds the feature concerns is chosen
        for (const std::string& kind : kinds->second) {
            const auto chosen = stacks.find(kind);
            if (chosen == stacks.end()) continue;
            for (const std::string& value : chosen->second) {
                if (value.empty() || value == "none") continue;
                any = true;
                bool ok = false;
                if (support != feature_support.end()) {
                    const auto by_kind = support->second.find(kind);
                    ok = by_kind != support->second.end() &&
                         std::find(by_kind->second.begin(), by_kind->second.end(), value) != by_kind->second.end();
                }
                if (!ok) out.push_back({feature, {kind, value}});
            }
        }
        // Nothing chosen would carry it ("seo" without a front end): it would be ignored, so it is reported too,
        // as {"frontend", "none"} (the kinds joined by ", " when several).
        if (!any && !kinds->second.empty()) {
            std::string joined;
            for (const std::string& kind : kinds->second) joined += (joined.empty() ? "" : ", ") + kind;
            out.push_back({feature, {joined, "none"}});
        }
    }
    return out;
}

std::string Vocabulary::SupportOf(const std::string& feature) const {
    const auto support = feature_support.find(feature);
    std::string out;
    if (support != feature_support.end()) {
        for (const auto& [kind, values] : support->second) {
            if (values.empty()) continue;
            out += (out.empty() ? "" : "; ") + kind;
            for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? " " : ", ") + values[i];
        }
    }
    return feature + (out.empty() ? " is implemented by no installed pack yet" : " is implemented by: " + out);
}

}  // namespace dihya::model
