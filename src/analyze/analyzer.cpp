#include "analyze/analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "analyze/text.hpp"
#include "model/names.hpp"
#include "model/utf8.hpp"

namespace dihya::analyze {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxDescription = 600;  // bytes of the text kept as the description (cut at a word)
constexpr std::size_t kMaxTitleWords = 8;
constexpr std::size_t kMaxFieldDistance = 6;  // tokens between an entity (or its last field) and a field

bool Contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
    if (!Contains(list, value)) list.push_back(value);
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::string Trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

/// Cuts `s` to at most `max` bytes at a code point boundary, preferring the last space.
std::string CutUtf8(std::string_view s, std::size_t max) {
    if (s.size() <= max) return std::string(s);
    std::size_t end = 0;
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < s.size()) {
        std::size_t next = i;
        model::utf8::Next(s, next, cp);
        if (next > max) break;
        i = next;
        end = i;
    }
    const std::size_t space = s.substr(0, end).rfind(' ');
    if (space != std::string_view::npos && space > end / 2) end = space;
    return Trim(s.substr(0, end)) + "...";
}

std::string Quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string Surface(std::string_view text, const std::vector<Token>& tokens, const Mention& m) {
    return std::string(text.substr(tokens[m.first].begin, tokens[m.first + m.count - 1].end - tokens[m.first].begin));
}

std::vector<std::string> Allowed(const model::Vocabulary& vocab, const std::string& kind) {
    const auto it = vocab.stacks.find(kind);
    return it == vocab.stacks.end() ? std::vector<std::string>{} : it->second;
}

// --- the work of one analysis -----------------------------------------------------------------------------------

struct ChosenEntity {
    const EntitySpec* spec = nullptr;
    std::string surface;           // as first written in the text ("" when assumed)
    std::string term;              // the lexicon words that named it, joined by '_'
    std::vector<FieldSpec> extra;  // fields mentioned next to it
};

class Run final {
public:
    Run(const Lexicon& lexicon, const model::Vocabulary& vocab, std::string_view text)
        : lex_(lexicon), vocab_(vocab), text_(text) {}

    Result<Analysis> Go() {
        tokens_ = Tokenize(text_);
        out_.language = DetectLanguage(tokens_, text_, lex_.Stopwords("fr"), lex_.Stopwords("en"));
        mentions_ = lex_.Find(tokens_, out_.language);
        Domain();
        Entities();
        Locales();
        Roles();
        Features();
        Stacks();
        Title();
        model_.description = CutUtf8(Trim(text_), kMaxDescription);
        return Validate();
    }

private:
    void Assume(std::string field, std::string message) {
        out_.assumptions.push_back({std::move(field), std::move(message)});
    }

    const std::vector<Token>& T() const { return tokens_.tokens; }

    // --- domain

    void Domain() {
        const std::vector<DomainSpec>& domains = lex_.domains();
        std::vector<double> score(domains.size(), 0);
        std::vector<std::vector<std::string>> why(domains.size());
        std::map<std::string, int> per_entity;
        const auto add = [&](const std::string& domain, double points, const std::string& surface) {
            for (std::size_t i = 0; i < domains.size(); ++i) {
                if (domains[i].name != domain) continue;
                score[i] += points;
                if (why[i].size() < 4) AddUnique(why[i], surface);
            }
        };
        for (const Mention& m : mentions_) {
            const std::string surface = Surface(text_, T(), m);
            if (m.term->category == Category::kDomain) add(m.term->key, 2, surface);
            if (m.term->category != Category::kEntity) continue;
            if (++per_entity[m.term->key] > 3) continue;
            const EntitySpec* e = lex_.FindEntity(m.term->key);
            for (const std::string& d : e->domains) add(d, 1.0 / static_cast<double>(e->domains.size()), surface);
        }
        std::size_t best = domains.size();
        double total = 0;
        for (std::size_t i = 0; i < domains.size(); ++i) {
            if (!Contains(vocab_.domains, domains[i].name)) continue;
            total += score[i];
            if (best == domains.size() || score[i] > score[best]) best = i;
        }
        if (best == domains.size() || score[best] < 2) {
            out_.domain = "custom";
            out_.domain_confidence = 0;
            Assume("domain", "no known domain recognised: custom");
            return;
        }
        out_.domain = domains[best].name;
        const double share = score[best] / total;
        const double strength = std::min(1.0, score[best] / 6.0);
        out_.domain_confidence = std::round(share * strength * 100) / 100;
        domain_ = &domains[best];
        std::vector<std::string> quoted;
        for (const std::string& w : why[best]) quoted.push_back(Quoted(w));
        Assume("domain", "recognised " + out_.domain + " from " + Join(quoted, ", "));
    }

    std::string Alias(const std::string& entity) const {
        const EntitySpec* e = lex_.FindEntity(entity);
        if (e == nullptr) return entity;
        const auto it = e->aliases.find(out_.domain);
        return it == e->aliases.end() ? entity : it->second;
    }

    // --- entities and their fields

    std::size_t ChooseEntity(const Mention& m) {
        const std::string name = Alias(m.term->key);
        for (std::size_t i = 0; i < chosen_.size(); ++i) {
            if (chosen_[i].spec->name == name) return i;
        }
        if (chosen_.size() >= model::kMaxEntities) return chosen_.size();
        ChosenEntity c;
        c.spec = lex_.FindEntity(name);
        c.surface = Surface(text_, T(), m);
        c.term = Join(m.term->tokens, "_");
        chosen_.push_back(std::move(c));
        return chosen_.size() - 1;
    }

    /// Whether a field at token `field` still describes the entity mentioned at token `entity`: same sentence, or
    /// a list of bullets under a line that opens a list ("Patients:").
    bool SameContext(std::size_t entity, std::size_t field) const {
        const Token& e = T()[entity];
        const Token& f = T()[field];
        if (e.sentence == f.sentence) return true;
        if (f.line <= e.line || !tokens_.lines[e.line].opens_list) return false;
        for (std::size_t l = e.line + 1; l <= f.line; ++l) {
            if (!tokens_.lines[l].bullet && l == f.line) return false;
            if (!tokens_.lines[l].bullet && !IsBlankLine(l)) return false;
        }
        return true;
    }

    bool IsBlankLine(std::size_t line) const {
        return std::none_of(T().begin(), T().end(), [&](const Token& t) { return t.line == line; });
    }

    void Entities() {
        std::size_t current = chosen_.size() + model::kMaxEntities;  // none
        std::size_t current_token = 0;                               // the entity's mention
        std::size_t last_token = 0;                                  // the entity's mention or its last field
        for (const Mention& m : mentions_) {
            if (m.term->category == Category::kEntity) {
                current = ChooseEntity(m);
                current_token = m.first;
                last_token = m.first;
                continue;
            }
            if (m.term->category != Category::kField || current >= chosen_.size()) continue;
            // Fields follow their entity closely ("patients with name, email and birth date") or are listed under it.
            const bool near = m.first <= last_token + kMaxFieldDistance;
            const bool listed = T()[m.first].line > T()[current_token].line;
            if (!SameContext(current_token, m.first) || (!near && !listed)) {
                current = chosen_.size() + model::kMaxEntities;
                continue;
            }
            last_token = m.first;  // the next field may follow this one
            const FieldSpec* f = lex_.FindField(m.term->key);
            if (f != nullptr) chosen_[current].extra.push_back(*f);
        }
        if (chosen_.empty()) {
            const std::vector<std::string> core = domain_ != nullptr ? domain_->core : std::vector<std::string>{"Item"};
            for (const std::string& name : core) {
                ChosenEntity c;
                c.spec = lex_.FindEntity(Alias(name));
                chosen_.push_back(std::move(c));
            }
            std::vector<std::string> names;
            for (const ChosenEntity& c : chosen_) names.push_back(c.spec->name);
            Assume("entities", domain_ != nullptr ? "no entity named: used the usual ones for " + out_.domain + ": " +
                                                        Join(names, ", ")
                                                  : "no entity named: started with a generic Item");
        }
        for (const ChosenEntity& c : chosen_) {
            model_.entities.push_back(BuildEntity(c));
            const std::string snake = model::MakeNames(c.spec->name).snake;
            if (!c.surface.empty() && c.term != snake) {
                Assume("entities." + c.spec->name, "entity " + Quoted(c.surface) + " named " + c.spec->name);
            }
        }
    }

    bool IsChosen(const std::string& name) const {
        return std::any_of(chosen_.begin(), chosen_.end(), [&](const ChosenEntity& c) { return c.spec->name == name; });
    }

    model::Entity BuildEntity(const ChosenEntity& c) const {
        model::Entity e;
        e.name = c.spec->name;
        std::vector<std::string> names;
        const auto add = [&](const FieldSpec& spec, std::string name) {
            if (Contains(names, name) || e.fields.size() >= model::kMaxFieldsPerEntity) return;
            model::Field f;
            f.name = name;
            f.type = model::ParseFieldType(spec.type).value_or(model::FieldType::kString);
            f.required = spec.required;
            f.unique = spec.unique;
            f.values = spec.values;
            f.ref = spec.ref;
            names.push_back(std::move(name));
            e.fields.push_back(std::move(f));
        };
        for (const FieldSpec& f : c.spec->fields) {
            if (f.type != "ref") {
                add(f, f.name);
                continue;
            }
            if (IsChosen(f.ref)) {
                add(f, f.name);
                continue;
            }
            const std::string alias = Alias(f.ref);
            if (alias != f.ref && IsChosen(alias) && alias != e.name) {
                FieldSpec retargeted = f;
                retargeted.ref = alias;
                add(retargeted, model::MakeNames(alias).snake);
            }
        }
        for (const FieldSpec& f : c.extra) {
            const bool redundant = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
                return n == f.name || Contains(f.same_as, n);
            });
            if (!redundant) add(f, f.name);
        }
        return e;
    }

    // --- locales, roles, features

    void Locales() {
        std::vector<std::string> named;
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kLocale) continue;
            if (Contains(vocab_.locales, m.term->key)) {
                AddUnique(named, m.term->key);
            } else if (!Contains(unsupported_locales_, m.term->key)) {
                unsupported_locales_.push_back(m.term->key);
                Assume("locales", Quoted(Surface(text_, T(), m)) +
                                      " is not a supported language (supported: " + Join(vocab_.locales, ", ") + ")");
            }
        }
        const std::string& lang = out_.language;
        std::vector<std::string> locales;
        if (named.size() >= 2) {
            if (Contains(named, lang)) locales.push_back(lang);
            for (const std::string& l : named) AddUnique(locales, l);
        } else {
            if (Contains(vocab_.locales, lang)) locales.push_back(lang);
            for (const std::string& l : named) AddUnique(locales, l);
            if (named.empty()) {
                Assume("locales", "no language named: " + lang + ", the language of the text");
            } else if (!Contains(named, lang) && Contains(vocab_.locales, lang)) {
                Assume("locales", "kept " + lang + ", the language of the text, as the default locale");
            }
        }
        if (locales.empty()) locales.push_back(vocab_.locales.empty() ? "en" : vocab_.locales.front());
        model_.locales = std::move(locales);
    }

    void Roles() {
        std::vector<std::string> roles;
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kRole || roles.size() >= model::kMaxRoles) continue;
            std::string role = m.term->key;
            if (domain_ != nullptr) {
                const auto it = domain_->role_aliases.find(role);
                if (it != domain_->role_aliases.end()) role = it->second;
            }
            AddUnique(roles, role);
        }
        if (roles.empty()) {
            roles = domain_ != nullptr ? domain_->roles : std::vector<std::string>{"admin", "user"};
            Assume("roles", "no role named: " + Join(roles, ", "));
        } else if (!Contains(roles, "admin")) {
            roles.insert(roles.begin(), "admin");
            if (roles.size() > model::kMaxRoles) roles.pop_back();
            Assume("roles", "added the admin role");
        } else if (roles.front() != "admin") {
            roles.erase(std::find(roles.begin(), roles.end(), "admin"));
            roles.insert(roles.begin(), "admin");
        }
        model_.roles = std::move(roles);
    }

    void Features() {
        std::vector<std::string> features;
        bool i18n_named = false;
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kFeature || !Contains(vocab_.features, m.term->key)) continue;
            AddUnique(features, m.term->key);
            if (m.term->key == "i18n") i18n_named = true;
        }
        const bool people =
            std::any_of(model_.roles.begin(), model_.roles.end(), [](const std::string& r) { return r != "admin"; });
        if (people && !Contains(features, "auth") && Contains(vocab_.features, "auth")) {
            features.push_back("auth");
            Assume("features", "several roles: added auth (accounts and login)");
        }
        if (i18n_named && model_.locales.size() == 1) {
            for (const std::string& l : vocab_.locales) AddUnique(model_.locales, l);
            Assume("locales", "several languages wanted but none named: " + Join(model_.locales, ", "));
        }
        if (model_.locales.size() > 1 && !Contains(features, "i18n") && Contains(vocab_.features, "i18n")) {
            features.push_back("i18n");
            Assume("features", "several languages: added i18n");
        }
        model_.features = std::move(features);
    }

    // --- stacks

    bool StackAccepted(const Mention& m) const {
        const StackSpec& s = lex_.stacks()[m.term->stack];
        if (!s.ambiguous) return true;
        if (T()[m.first].capitalized) return true;
        const std::size_t sentence = T()[m.first].sentence;
        return std::any_of(mentions_.begin(), mentions_.end(), [&](const Mention& o) {
            if (&o == &m || T()[o.first].sentence != sentence) return false;
            if (o.term->category == Category::kStackContext) return true;
            return o.term->category == Category::kStack && !lex_.stacks()[o.term->stack].ambiguous;
        });
    }

    void Stacks() {
        std::map<std::string, std::vector<const StackSpec*>> named;  // kind → in order of mention
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kStack || !StackAccepted(m)) continue;
            const StackSpec* s = &lex_.stacks()[m.term->stack];
            auto& list = named[s->kind];
            if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
        }
        const std::pair<std::string, std::string*> single[] = {
            {"frontend", &model_.stacks.frontend},     {"backend", &model_.stacks.backend},
            {"mobile", &model_.stacks.mobile},         {"ai", &model_.stacks.ai},
            {"blockchain", &model_.stacks.blockchain},
        };
        for (const auto& [kind, slot] : single) ChooseSingle(kind, named[kind], *slot);

        std::vector<std::string> devops;
        for (const StackSpec* s : named["devops"]) {
            if (s->unsupported) {
                Assume("stacks.devops", s->label + " is not available: used " + s->value);
            }
            if (s->value == "compose" && !Contains(devops, "docker")) devops.push_back("docker");
            if (Contains(Allowed(vocab_, "devops"), s->value)) AddUnique(devops, s->value);
        }
        if (devops.empty()) {
            devops = {"docker", "compose", "github-actions"};
            Assume("stacks.devops", "no deployment tool named: docker, compose, github-actions");
        }
        model_.stacks.devops = std::move(devops);
    }

    void ChooseSingle(const std::string& kind, const std::vector<const StackSpec*>& named, std::string& slot) {
        std::vector<std::string> allowed = Allowed(vocab_, kind);
        allowed.push_back("none");
        const StackSpec* chosen = nullptr;
        for (int pass = 0; pass < 3 && chosen == nullptr; ++pass) {
            for (const StackSpec* s : named) {
                const bool fits = pass == 0   ? (!s->generic && !s->unsupported)
                                  : pass == 1 ? s->generic
                                              : s->unsupported;
                if (fits && Contains(allowed, s->value)) {
                    chosen = s;
                    break;
                }
            }
        }
        const bool optional = kind == "mobile" || kind == "ai" || kind == "blockchain";
        if (chosen == nullptr) {
            slot = optional ? "none" : (kind == "frontend" ? "react" : "express");
            if (!optional) Assume("stacks." + kind, "no " + kind + " named: chose " + slot);
            return;
        }
        slot = chosen->value;
        if (kind == "mobile" && chosen->generic && model_.stacks.frontend == "vue") slot = "flutter";
        if (chosen->unsupported) {
            Assume("stacks." + kind, chosen->label + " is not available: chose " + slot);
        } else if (chosen->generic && chosen->value != "none") {
            Assume("stacks." + kind, chosen->label + " named without a framework: chose " + slot);
        }
        for (const StackSpec* s : named) {
            if (s != chosen && !s->generic && !s->unsupported && s->value != slot) {
                Assume("stacks." + kind, "also named " + s->label + ": kept " + slot);
            }
        }
    }

    // --- title and name

    std::string TitleAfterCue(const Mention& cue) const {
        std::string_view rest = text_.substr(T()[cue.first + cue.count - 1].end);
        const std::size_t eol = rest.find('\n');
        if (eol != std::string_view::npos) rest = rest.substr(0, eol);
        // Quoted: the quoted words.
        for (const auto& [open, close] : {std::pair<std::string_view, std::string_view>{"\"", "\""},
                                          {"\xC2\xAB", "\xC2\xBB"},
                                          {"\xE2\x80\x9C", "\xE2\x80\x9D"},
                                          {"'", "'"}}) {
            const std::size_t a = rest.find(open);
            if (a == std::string_view::npos || a > 12) continue;
            const std::size_t b = rest.find(close, a + open.size());
            if (b == std::string_view::npos) continue;
            const std::string inside = Trim(rest.substr(a + open.size(), b - a - open.size()));
            if (!inside.empty()) return inside;
        }
        std::string s = Trim(rest);
        for (std::string_view lead : {":", "-", "est", "is", "will be", "sera", "="}) {
            if (s.rfind(lead, 0) == 0 && (lead.size() == 1 || s.size() == lead.size() || s[lead.size()] == ' ')) {
                s = Trim(std::string_view(s).substr(lead.size()));
            }
        }
        const std::size_t stop = s.find_first_of(".,;!?()");
        if (stop != std::string::npos) s = Trim(std::string_view(s).substr(0, stop));
        return LimitWords(s);
    }

    static std::string LimitWords(const std::string& s) {
        std::size_t words = 0;
        std::size_t i = 0;
        while (i < s.size()) {
            while (i < s.size() && s[i] == ' ') ++i;
            if (i >= s.size()) break;
            if (++words > kMaxTitleWords) return Trim(std::string_view(s).substr(0, i));
            while (i < s.size() && s[i] != ' ') ++i;
        }
        return s;
    }

    std::string TitleFromFirstLine() const {
        std::string_view rest = text_;
        std::string first;
        while (!rest.empty()) {
            const std::size_t eol = rest.find('\n');
            first = Trim(rest.substr(0, eol));
            rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
            if (!first.empty()) break;
        }
        if (first.empty() || Trim(rest).empty()) return {};  // a single paragraph has no title line
        while (!first.empty() && (first[0] == '#' || first[0] == ' ' || first[0] == '*')) first.erase(0, 1);
        while (!first.empty() && (first.back() == '*' || first.back() == ':')) first.pop_back();
        for (std::string_view prefix : {"Titre :", "Titre:", "Title:", "Title :", "Projet :", "Projet:", "Project:"}) {
            if (first.rfind(prefix, 0) == 0) first = Trim(std::string_view(first).substr(prefix.size()));
        }
        first = Trim(first);
        if (first.empty() || first.back() == '.' || first.size() > 80) return {};
        if (LimitWords(first) != first) return {};
        return first;
    }

    void Title() {
        std::string title;
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kNameCue) continue;
            title = TitleAfterCue(m);
            if (!title.empty()) break;
        }
        if (title.empty()) title = TitleFromFirstLine();
        if (title.find_first_of("\r\t") != std::string::npos || model::utf8::Length(title) > model::kMaxTitleLength) {
            title.clear();
        }
        const std::string fallback = domain_ != nullptr ? domain_->title : "Custom App";
        if (title.empty()) {
            title = fallback;
            Assume("title", "no project name given: " + Quoted(title));
        }
        model_.title = title;
        std::string name = ProjectName(title);
        if (name.empty()) {
            name = ProjectName(fallback);
            Assume("name", "the title has no Latin letters: named the project " + name);
        }
        model_.name = name;
    }

    static std::string ProjectName(const std::string& title) {
        const std::string kebab = model::MakeNames(title).kebab;
        std::string name;
        std::size_t pos = 0;
        while (pos < kebab.size()) {
            std::size_t end = kebab.find('-', pos);
            if (end == std::string::npos) end = kebab.size();
            const std::string word = kebab.substr(pos, end - pos);
            pos = end + 1;
            if (word.empty() || (name.empty() && word[0] >= '0' && word[0] <= '9')) continue;
            if (name.size() + 1 + word.size() > model::kMaxNameLength) break;
            if (!name.empty()) name += '-';
            name += word;
        }
        return name;
    }

    // --- validation

    Result<Analysis> Validate() {
        model_.domain = out_.domain;
        for (int attempt = 0; attempt < 3; ++attempt) {
            auto parsed = model::ParseModelValue(model::ToSpec(model_), "analysis", vocab_);
            if (parsed) {
                out_.model = std::move(parsed.value());
                return std::move(out_);
            }
            // Never emit an invalid model: drop what the validator rejects (a lexicon bug) and say so.
            const Error error = parsed.take_error();
            std::set<std::size_t> bad;
            for (const auto& [path, reason] : error.details) {
                if (path.rfind("entities[", 0) == 0) bad.insert(std::stoul(path.substr(9)));
            }
            if (bad.empty())
                return MakeError(ErrorCode::kInternal, "analysis produced an invalid model: " + error.message);
            for (auto it = bad.rbegin(); it != bad.rend(); ++it) {
                if (*it >= model_.entities.size()) continue;
                const std::string dropped = model_.entities[*it].name;
                model_.entities.erase(model_.entities.begin() + static_cast<std::ptrdiff_t>(*it));
                for (model::Entity& e : model_.entities) {
                    std::erase_if(e.fields, [&](const model::Field& f) {
                        return f.type == model::FieldType::kRef && f.ref == dropped;
                    });
                }
                Assume("entities", "left out " + dropped + ", which the model rejects");
            }
        }
        return MakeError(ErrorCode::kInternal, "analysis produced an invalid model");
    }

    const Lexicon& lex_;
    const model::Vocabulary& vocab_;
    std::string_view text_;
    TokenizedText tokens_;
    std::vector<Mention> mentions_;
    const DomainSpec* domain_ = nullptr;
    std::vector<ChosenEntity> chosen_;
    std::vector<std::string> unsupported_locales_;
    model::ProjectModel model_;
    Analysis out_;
};

bool HasAssumption(const Analysis& a, std::string_view field) {
    return std::any_of(a.assumptions.begin(), a.assumptions.end(),
                       [&](const Assumption& x) { return x.field == field; });
}

void DropAssumptions(Analysis& a, std::string_view field) {
    std::erase_if(a.assumptions, [&](const Assumption& x) { return x.field == field; });
}

}  // namespace

Result<std::unique_ptr<RuleAnalyzer>> RuleAnalyzer::Create() {
    auto lexicon = Lexicon::LoadEmbedded();
    if (!lexicon) return lexicon.take_error();
    return std::make_unique<RuleAnalyzer>(std::move(lexicon.value()));
}

Result<Analysis> RuleAnalyzer::Analyze(std::string_view text, const model::Vocabulary& vocab) {
    if (Trim(text).empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "text is empty: describe the project to generate",
                         {{"text", "must not be empty"}});
    }
    const std::size_t length = model::utf8::Length(text);
    if (length > kMaxTextLength) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "text too long: " + std::to_string(length) + " characters; the limit is " + std::to_string(kMaxTextLength),
            {{"text", "text too long"}});
    }
    return Run(lexicon_, vocab, text).Go();
}

Result<Analysis> AnalyzePrototypeForm(Analyzer& analyzer, const PrototypeForm& form, const model::Vocabulary& vocab) {
    std::string text = form.spec;
    std::vector<std::string> parts;
    std::string part;
    for (char c : form.stack + "+") {
        if (c == '+' || c == ',' || c == '/' || c == ';' || c == '|') {
            if (!Trim(part).empty()) parts.push_back(Trim(part));
            part.clear();
            continue;
        }
        part += c;
    }
    if (!parts.empty() && !Trim(text).empty()) text += "\n\nStack: " + Join(parts, ", ") + ".";
    auto analysed = analyzer.Analyze(text, vocab);
    if (!analysed) return analysed;
    Analysis a = std::move(analysed.value());

    std::string type;
    for (char c : Trim(form.type)) type += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    model::Stacks& s = a.model.stacks;
    const bool frontend_assumed = HasAssumption(a, "stacks.frontend");
    const auto allowed = [&](const std::string& kind, const std::string& value) {
        return Contains(Allowed(vocab, kind), value);
    };
    if (type.empty() || type == "webapp" || type == "web" || type == "website" || type == "site" ||
        type == "fullstack" || type == "saas" || type == "pwa") {
        // A web application: the default stacks already have a frontend.
    } else if (type == "mobile" || type == "app" || type == "android" || type == "ios") {
        if (s.mobile == "none") {
            s.mobile = (s.frontend == "vue" && allowed("mobile", "flutter")) ? "flutter" : "react-native";
            a.assumptions.push_back({"stacks.mobile", "type " + type + ": mobile app with " + s.mobile});
        }
        if (frontend_assumed) {
            s.frontend = "none";
            DropAssumptions(a, "stacks.frontend");
        }
    } else if (type == "api" || type == "backend" || type == "rest" || type == "microservice") {
        if (frontend_assumed) {
            s.frontend = "none";
            DropAssumptions(a, "stacks.frontend");
        }
        s.mobile = "none";
    } else if (type == "ai" || type == "ml" || type == "data") {
        s.ai = "python-ml";
    } else if (type == "blockchain" || type == "dapp" || type == "web3") {
        s.blockchain = "solidity";
    } else {
        a.assumptions.push_back({"stacks", "unknown project type " + Quoted(type) + ": treated as a web application"});
    }
    auto parsed = model::ParseModelValue(model::ToSpec(a.model), "analysis", vocab);
    if (!parsed) return parsed.take_error();
    a.model = std::move(parsed.value());
    return a;
}

json::value AnalysisToJson(const Analysis& analysis) {
    json::object out;
    out["model"] = model::ToJson(analysis.model);
    json::array assumptions;
    for (const Assumption& a : analysis.assumptions) {
        assumptions.push_back(json::object{{"field", a.field}, {"message", a.message}});
    }
    out["assumptions"] = std::move(assumptions);
    out["language"] = analysis.language;
    out["domain"] = analysis.domain;
    out["domain_confidence"] = analysis.domain_confidence;
    out["engine"] = analysis.engine;
    return out;
}

}  // namespace dihya::analyze
