#include "analyze/lexicon.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/project_model.hpp"

namespace dihya::analyze {

// Where the data lives (paths as embedded, relative to the source tree).
constexpr std::string_view kCatalogPath = "packs/catalog.yaml";
constexpr std::string_view kDomainsDir = "packs/domains/";
constexpr std::string_view kCorePath = "src/analyze/lexicon/core.yaml";
constexpr std::string_view kLexiconDir = "src/analyze/lexicon/";

namespace {

constexpr std::string_view kLanguages[] = {"fr", "en", "ar"};

Error DataError(std::string_view file, const std::string& what) {
    return MakeError(ErrorCode::kInternal, "analyzer lexicon " + std::string(file) + ": " + what);
}

std::vector<std::string> Strings(const YAML::Node& node) {
    std::vector<std::string> out;
    if (!node || !node.IsSequence()) return out;
    for (const auto& item : node) out.push_back(item.as<std::string>());
    return out;
}

std::string SpaceJoined(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

/// The words of a lexicon phrase, in key form.
std::vector<std::string> PhraseKeys(std::string_view phrase) {
    std::vector<std::string> keys;
    for (const Token& t : Tokenize(phrase).tokens) keys.push_back(LexiconKey(t.norm));
    return keys;
}

FieldSpec ParseField(const YAML::Node& node, std::string name) {
    FieldSpec f;
    f.name = node["name"] ? node["name"].as<std::string>() : std::move(name);
    if (node["type"]) f.type = node["type"].as<std::string>();
    if (node["required"]) f.required = node["required"].as<bool>();
    if (node["unique"]) f.unique = node["unique"].as<bool>();
    f.values = Strings(node["values"]);
    if (node["ref"]) f.ref = node["ref"].as<std::string>();
    f.same_as = Strings(node["same_as"]);
    return f;
}

StackSpec ParseStack(const YAML::Node& node) {
    StackSpec s;
    s.kind = node["kind"].as<std::string>();
    s.value = node["value"].as<std::string>();
    s.label = node["label"] ? node["label"].as<std::string>() : s.value;
    if (node["generic"]) s.generic = node["generic"].as<bool>();
    if (node["ambiguous"]) s.ambiguous = node["ambiguous"].as<bool>();
    if (node["unsupported"]) s.unsupported = node["unsupported"].as<bool>();
    return s;
}

void AddTerms(std::vector<Term>& terms, const YAML::Node& map, Category category) {
    if (!map || !map.IsMap()) return;
    for (const auto& entry : map) {
        const std::string key = entry.first.as<std::string>();
        for (const std::string& phrase : Strings(entry.second)) {
            Term t;
            t.tokens = PhraseKeys(phrase);
            if (t.tokens.empty()) continue;
            t.category = category;
            t.key = key;
            terms.push_back(std::move(t));
        }
    }
}

void AddPhrases(std::vector<Term>& terms, const YAML::Node& list, Category category) {
    for (const std::string& phrase : Strings(list)) {
        Term t;
        t.tokens = PhraseKeys(phrase);
        if (t.tokens.empty()) continue;
        t.category = category;
        terms.push_back(std::move(t));
    }
}

Phrases PhraseList(const YAML::Node& node) {
    Phrases out;
    for (const std::string& phrase : Strings(node)) {
        std::vector<std::string> keys = PhraseKeys(phrase);
        if (!keys.empty()) out.push_back(std::move(keys));
    }
    return out;
}

std::string Key(const std::string& word) {
    const std::vector<std::string> keys = PhraseKeys(word);
    std::string out;
    for (const std::string& k : keys) out += (out.empty() ? "" : " ") + k;
    return out;
}

Grammar ParseGrammar(const YAML::Node& g, const YAML::Node& types) {
    Grammar out;
    if (g && g.IsMap()) {
        const std::pair<const char*, Phrases*> lists[] = {
            {"determiners", &out.determiners},
            {"plural_determiners", &out.plural_determiners},
            {"conjunctions", &out.conjunctions},
            {"each", &out.each},
            {"field_intro", &out.field_intro},
            {"has", &out.has},
            {"manage", &out.manage},
            {"belongs", &out.belongs},
            {"has_many", &out.has_many},
            {"modals", &out.modals},
            {"linkers", &out.linkers},
            {"verbs", &out.verbs},
            {"adjectives", &out.adjectives},
            {"not_entities", &out.not_entities},
            {"distributive", &out.distributive},
            {"title_labels", &out.title_labels},
            {"role_words", &out.role_words},
            {"contains", &out.contains},
            {"relatives", &out.relatives},
            {"states", &out.states},
        };
        for (const auto& [key, list] : lists) *list = PhraseList(g[key]);
        if (g["actions"] && g["actions"].IsMap()) {
            for (const auto& a : g["actions"])
                out.actions.emplace_back(a.first.as<std::string>(), PhraseList(a.second));
        }
        if (g["irregular_plurals"] && g["irregular_plurals"].IsMap()) {
            for (const auto& p : g["irregular_plurals"]) {
                out.irregular_plurals[Key(p.first.as<std::string>())] = Key(p.second.as<std::string>());
            }
        }
        for (const std::string& w : Strings(g["invariable"])) out.invariable.push_back(Key(w));
    }
    if (types && types.IsSequence()) {
        for (const auto& r : types) {
            TypeRule rule;
            rule.type = r["type"].as<std::string>();
            rule.first = PhraseList(r["first"]);
            rule.last = PhraseList(r["last"]);
            rule.any = PhraseList(r["any"]);
            out.type_rules.push_back(std::move(rule));
        }
    }
    return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

namespace {

void AddWords(std::vector<Term>& out, const std::vector<std::pair<std::string, std::vector<std::string>>>& words,
              Category category) {
    for (const auto& [key, phrases] : words) {
        for (const std::string& phrase : phrases) {
            Term t;
            t.tokens = PhraseKeys(phrase);
            t.category = category;
            t.key = key;
            if (!t.tokens.empty()) out.push_back(std::move(t));
        }
    }
}

}  // namespace

Result<Lexicon> Lexicon::LoadEmbedded() {
    return Load([](std::string_view path) { return EmbeddedFile(path); });
}

Result<Lexicon> Lexicon::Load(const FileSource& files) {
    Lexicon lex;
    std::vector<std::pair<std::vector<std::string>, std::size_t>> core_stack_terms;
    // Words of the domains and their entities, per language: they live in the domain packs (packs/domains/).
    std::map<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>> domain_words, entity_words;
    const auto read_entity = [&](const YAML::Node& e, const std::vector<std::string>& own_domains) {
        EntitySpec spec;
        spec.name = e["name"].as<std::string>();
        spec.domains = e["domains"] ? Strings(e["domains"]) : own_domains;
        if (e["aliases"]) {
            for (const auto& a : e["aliases"]) spec.aliases[a.first.as<std::string>()] = a.second.as<std::string>();
        }
        for (const auto& f : e["fields"]) spec.fields.push_back(ParseField(f, ""));
        if (e["words"]) {
            for (const auto& w : e["words"])
                entity_words[w.first.as<std::string>()].emplace_back(spec.name, Strings(w.second));
        }
        lex.entities_.push_back(std::move(spec));
    };
    std::string domains_path = std::string(kCatalogPath);
    try {
        const std::string_view catalog_text = files(kCatalogPath);
        if (catalog_text.empty()) return DataError(kCatalogPath, "missing");
        const YAML::Node catalog = YAML::Load(std::string(catalog_text));
        for (const auto& name_node : catalog["domains"]) {
            const std::string name =
                name_node.IsMap() ? name_node["name"].as<std::string>() : name_node.as<std::string>();
            if (name == "custom") continue;
            domains_path = std::string(kDomainsDir) + name + ".yaml";
            const std::string_view text = files(domains_path);
            if (text.empty()) return DataError(domains_path, "missing: packs/catalog.yaml names this domain");
            const YAML::Node d = YAML::Load(std::string(text));
            DomainSpec spec;
            spec.name = d["name"].as<std::string>();
            if (spec.name != name) return DataError(domains_path, "name: must be " + name);
            spec.title = d["project_title"].as<std::string>();
            spec.core = Strings(d["core"]);
            spec.roles = Strings(d["roles"]);
            if (d["role_aliases"]) {
                for (const auto& a : d["role_aliases"]) {
                    spec.role_aliases[a.first.as<std::string>()] = a.second.as<std::string>();
                }
            }
            if (d["words"]) {
                for (const auto& w : d["words"])
                    domain_words[w.first.as<std::string>()].emplace_back(name, Strings(w.second));
            }
            for (const auto& e : d["entities"]) read_entity(e, {name});
            lex.domains_.push_back(std::move(spec));
        }
        domains_path = std::string(kDomainsDir) + "shared.yaml";
        const std::string_view shared = files(domains_path);
        if (shared.empty()) return DataError(domains_path, "missing");
        for (const auto& e : YAML::Load(std::string(shared))["entities"]) read_entity(e, {});
    } catch (const std::exception& e) {
        return DataError(domains_path, e.what());
    }
    const std::string_view core_path = kCorePath;
    try {
        const std::string_view core_text = files(core_path);
        if (core_text.empty()) return DataError(core_path, "missing");
        const YAML::Node core = YAML::Load(std::string(core_text));
        for (const auto& f : core["fields"]) {
            const std::string key = f.first.as<std::string>();
            lex.fields_[key] = ParseField(f.second, key);
        }
        for (const auto& s : core["stacks"]) {
            lex.stacks_.push_back(ParseStack(s));
            for (const std::string& phrase : Strings(s["terms"])) {
                core_stack_terms.emplace_back(PhraseKeys(phrase), lex.stacks_.size() - 1);
            }
        }
    } catch (const std::exception& e) {
        return DataError(core_path, e.what());
    }

    for (std::string_view language : kLanguages) {
        const std::string path = std::string(kLexiconDir) + std::string(language) + ".yaml";
        LanguageLexicon ll;
        try {
            const std::string_view text = files(path);
            if (text.empty()) return DataError(path, "missing");
            const YAML::Node doc = YAML::Load(std::string(text));
            for (const std::string& w : Strings(doc["stopwords"])) ll.stopwords.push_back(NormalizeForMatching(w));
            AddWords(ll.terms, domain_words[std::string(language)], Category::kDomain);
            AddWords(ll.terms, entity_words[std::string(language)], Category::kEntity);
            AddTerms(ll.terms, doc["fields"], Category::kField);
            AddTerms(ll.terms, doc["features"], Category::kFeature);
            AddTerms(ll.terms, doc["roles"], Category::kRole);
            AddTerms(ll.terms, doc["locales"], Category::kLocale);
            AddPhrases(ll.terms, doc["stack_context"], Category::kStackContext);
            AddPhrases(ll.terms, doc["name_cues"], Category::kNameCue);
            AddPhrases(ll.terms, doc["ignore"], Category::kIgnore);
            ll.grammar = ParseGrammar(doc["grammar"], doc["field_types"]);
            for (const TypeRule& rule : ll.grammar.type_rules) {
                if (rule.type != "enum" && !model::ParseFieldType(rule.type)) {
                    return DataError(path, "field_types: unknown type " + rule.type);
                }
            }
            for (const auto& s : doc["stacks"]) {
                lex.stacks_.push_back(ParseStack(s));
                for (const std::string& phrase : Strings(s["terms"])) {
                    Term t;
                    t.tokens = PhraseKeys(phrase);
                    t.category = Category::kStack;
                    t.stack = lex.stacks_.size() - 1;
                    if (!t.tokens.empty()) ll.terms.push_back(std::move(t));
                }
            }
        } catch (const std::exception& e) {
            return DataError(path, e.what());
        }
        for (const auto& [tokens, stack] : core_stack_terms) {
            Term t;
            t.tokens = tokens;
            t.category = Category::kStack;
            t.stack = stack;
            ll.terms.push_back(std::move(t));
        }
        lex.languages_[std::string(language)] = std::move(ll);
    }

    // Consistency of the data: every reference names something defined.
    for (const DomainSpec& d : lex.domains_) {
        for (const std::string& e : d.core) {
            if (lex.FindEntity(e) == nullptr) return DataError(core_path, "domain " + d.name + ": unknown entity " + e);
        }
    }
    for (const EntitySpec& e : lex.entities_) {
        for (const auto& [domain, alias] : e.aliases) {
            if (lex.FindEntity(alias) == nullptr) return DataError(core_path, e.name + ": unknown alias " + alias);
        }
        for (const FieldSpec& f : e.fields) {
            if (f.type == "ref" && lex.FindEntity(f.ref) == nullptr) {
                return DataError(core_path, e.name + "." + f.name + ": unknown ref " + f.ref);
            }
        }
    }
    for (auto& [language, ll] : lex.languages_) {
        for (const Term& t : ll.terms) {
            const std::string path = std::string(kLexiconDir) + language + ".yaml";
            if (t.category == Category::kEntity && lex.FindEntity(t.key) == nullptr) {
                return DataError(path, "unknown entity " + t.key);
            }
            if (t.category == Category::kField && lex.FindField(t.key) == nullptr) {
                return DataError(path, "unknown field " + t.key);
            }
            if (t.category == Category::kDomain && lex.FindDomain(t.key) == nullptr) {
                return DataError(path, "unknown domain " + t.key);
            }
        }
    }

    for (const auto& [language, ll] : lex.languages_) {
        Index& index = lex.indexes_[language];
        index.terms = ll.terms;
        Index& borrowed = lex.borrowed_indexes_[language];
        if (language != "en") {
            for (Term t : lex.languages_["en"].terms) {
                const auto& stopwords = ll.stopwords;  // (a structured binding is not captured by clang 14)
                const bool clash = std::any_of(t.tokens.begin(), t.tokens.end(),
                                               [&](const std::string& w) { return Contains(stopwords, w); });
                if (clash || t.category == Category::kStack) continue;  // stacks are already in every language
                t.primary = false;
                borrowed.terms.push_back(std::move(t));
            }
        }
        for (Index* i : {&index, &borrowed}) {
            for (std::size_t k = 0; k < i->terms.size(); ++k) i->by_first[i->terms[k].tokens[0]].push_back(k);
        }
    }
    if (const auto en = lex.languages_.find("en"); en != lex.languages_.end()) {
        for (const Term& t : en->second.terms) {
            if (t.category == Category::kEntity || t.category == Category::kField || t.category == Category::kRole ||
                t.category == Category::kDomain) {
                lex.english_words_.insert(SpaceJoined(t.tokens));
            }
        }
    }
    return lex;
}

const DomainSpec* Lexicon::FindDomain(std::string_view name) const {
    for (const DomainSpec& d : domains_) {
        if (d.name == name) return &d;
    }
    return nullptr;
}

const EntitySpec* Lexicon::FindEntity(std::string_view name) const {
    for (const EntitySpec& e : entities_) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

const FieldSpec* Lexicon::FindField(std::string_view key) const {
    const auto it = fields_.find(std::string(key));
    return it == fields_.end() ? nullptr : &it->second;
}

const std::vector<std::string>& Lexicon::Stopwords(std::string_view language) const {
    static const std::vector<std::string> kNone;
    const auto it = languages_.find(std::string(language));
    return it == languages_.end() ? kNone : it->second.stopwords;
}

const Grammar& Lexicon::GrammarOf(std::string_view language) const {
    static const Grammar kNone;
    const auto it = languages_.find(std::string(language));
    return it == languages_.end() ? kNone : it->second.grammar;
}

const Lexicon::Index* Lexicon::IndexFor(std::string_view language, bool borrowed) const {
    const auto& map = borrowed ? borrowed_indexes_ : indexes_;
    const auto it = map.find(std::string(language));
    return it == map.end() ? nullptr : &it->second;
}

std::vector<Mention> Lexicon::Find(const TokenizedText& text, std::string_view language) const {
    const std::vector<Token>& tokens = text.tokens;
    std::vector<std::vector<std::string>> variants;
    variants.reserve(tokens.size());
    for (const Token& t : tokens) variants.push_back(TokenVariants(t));

    const Index* indexes[] = {IndexFor(language, false), IndexFor(language, true)};
    std::vector<Mention> out;
    std::size_t i = 0;
    while (i < tokens.size()) {
        std::size_t best = 0;
        bool best_primary = false;
        std::vector<std::pair<const Term*, std::size_t>> candidates;
        std::vector<const Term*> found;
        for (const Index* index : indexes) {
            if (index == nullptr) continue;
            for (const std::string& v : variants[i]) {
                const auto it = index->by_first.find(v);
                if (it == index->by_first.end()) continue;
                for (std::size_t k : it->second) {
                    const Term& term = index->terms[k];
                    const std::size_t n = term.tokens.size();
                    if (i + n > tokens.size() || tokens[i + n - 1].sentence != tokens[i].sentence) continue;
                    // The cost of a match: how far from the written words the variants are (a word as written
                    // beats a word read as a plural or with a prefix stripped).
                    std::size_t cost = static_cast<std::size_t>(std::find(variants[i].begin(), variants[i].end(), v) -
                                                                variants[i].begin());
                    bool match = true;
                    for (std::size_t j = 1; j < n && match; ++j) {
                        const auto& vs = variants[i + j];
                        const auto at = std::find(vs.begin(), vs.end(), term.tokens[j]);
                        match = at != vs.end();
                        cost += static_cast<std::size_t>(at - vs.begin());
                    }
                    if (!match) continue;
                    // Longer phrases win, then the text's language over borrowed English.
                    if (n > best || (n == best && term.primary && !best_primary)) {
                        best = n;
                        best_primary = term.primary;
                        candidates.clear();
                    }
                    if (n == best && term.primary == best_primary) candidates.push_back({&term, cost});
                }
            }
        }
        // Within a category the lowest cost wins (a word as written beats a word read as a plural or with a
        // prefix stripped); different categories may all hold (e.g. "patient" is an entity and a role).
        for (const auto& candidate : candidates) {
            const Term* term = candidate.first;
            const std::size_t cost = candidate.second;
            const bool beaten = std::any_of(candidates.begin(), candidates.end(), [&](const auto& other) {
                return other.first->category == term->category && other.second < cost;
            });
            if (!beaten && std::find(found.begin(), found.end(), term) == found.end()) found.push_back(term);
        }
        if (best == 0) {
            ++i;
            continue;
        }
        for (const Term* term : found) out.push_back(Mention{i, best, term});
        i += best;
    }
    return out;
}

bool Lexicon::KnowsEnglishWord(std::string_view word) const {
    return english_words_.count(SpaceJoined(PhraseKeys(word))) != 0;
}

}  // namespace dihya::analyze
