#pragma once

// The analyzer's lexicons: data embedded at build time, loaded once into an object. The business domains, their
// entities and the words that name both come from the domain packs (packs/domains/<name>.yaml and shared.yaml, for
// the domains packs/catalog.yaml lists); src/analyze/lexicon/core.yaml holds the field definitions and technology
// names; fr.yaml, en.yaml and ar.yaml hold each language's words for fields, features, roles, stacks and grammar.

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/text.hpp"
#include "core/result.hpp"

namespace dihya::analyze {

/// The embedded data files, by their path in the source tree ("src/analyze/lexicon/fr.yaml",
/// "packs/domains/health.yaml", "packs/catalog.yaml"); empty when absent.
std::string_view EmbeddedFile(std::string_view path);

enum class Category { kDomain, kEntity, kField, kFeature, kStack, kRole, kLocale, kStackContext, kNameCue, kIgnore };

struct FieldSpec final {
    std::string name;
    std::string type = "string";
    bool required = false;
    bool unique = false;
    std::vector<std::string> values;   // enum
    std::string ref;                   // ref: the canonical entity name
    std::vector<std::string> same_as;  // fields that make this one redundant on an entity (full_name ~ name)
    std::string label;                 // the text's words for a stated field (French and Arabic texts)
};

struct EntitySpec final {
    std::string name;                            // PascalCase, English
    std::vector<std::string> domains;            // domains the entity hints at
    std::map<std::string, std::string> aliases;  // domain → the entity used instead in that domain
    std::vector<FieldSpec> fields;               // defaults; ref fields are kept only when the target exists
};

struct DomainSpec final {
    std::string name;
    std::string title;                                // the default project title
    std::vector<std::string> core;                    // entities used when the text names none
    std::vector<std::string> roles;                   // roles used when the text names none
    std::map<std::string, std::string> role_aliases;  // role → the role used instead in this domain
};

struct StackSpec final {
    std::string kind;          // frontend, backend, mobile, ai, devops, blockchain
    std::string value;         // a catalog value ("none" allowed for single-valued kinds)
    std::string label;         // how the technology is called, for assumptions
    bool generic = false;      // a hint (e.g. "mobile app", "Node.js") that a specific name overrides
    bool ambiguous = false;    // also an ordinary word ("vue", "express"): needs a capital or a tech context
    bool unsupported = false;  // a known technology Dihya does not generate; `value` is the substitute
};

struct Term final {
    std::vector<std::string> tokens;  // LexiconKey of each word
    Category category = Category::kIgnore;
    std::string key;        // domain, entity, field, feature, role or locale key
    std::size_t stack = 0;  // index into Lexicon::stacks() for kStack
    bool primary = true;    // from the text's language (else borrowed from English)
};

/// A lexicon phrase found in the text: tokens [first, first + count).
struct Mention final {
    std::size_t first = 0;
    std::size_t count = 0;
    const Term* term = nullptr;
};

/// Phrases in key form (LexiconKey of each word).
using Phrases = std::vector<std::vector<std::string>>;

/// A rule of field-type inference ("publication year" → int): the field starts with one of `first`, ends with one
/// of `last` or holds one of `any` (phrases, compared word by word).
struct TypeRule final {
    std::string type;
    Phrases first, last, any;
};

/// How a language's sentences name entities and fields: the `grammar` and `field_types` sections.
struct Grammar final {
    Phrases determiners, plural_determiners, conjunctions, each, field_intro, has, manage, belongs, has_many, modals,
        linkers, verbs, adjectives, not_entities, distributive,
        title_labels,  // "Project:" at the start of a line: the title follows
        role_words,    // people the model knows as roles (admin, user): entities only when given fields
        contains,      // "projects contain tasks": the second is a child of the first
        relatives,     // "a platform where teachers ...": a clause about actors, not the product's subject
        states;        // "a walk is scheduled, done or cancelled": the states of a record follow
    std::vector<std::pair<std::string, Phrases>> actions;  // entity → verbs that create one, in file order
    std::map<std::string, std::string> irregular_plurals;  // plural → singular (key forms)
    std::vector<std::string> invariable;                   // words whose singular ends like a plural
    std::vector<TypeRule> type_rules;
};

struct LanguageLexicon final {
    std::vector<std::string> stopwords;
    std::vector<Term> terms;
    Grammar grammar;
};

class Lexicon final {
public:
    /// Whether an English word (lower case, one or more words) is one of the English lexicon's: an entity, field or
    /// role word, or a domain's word (the dictionaries prefer translations the lexicon knows).
    bool KnowsEnglishWord(std::string_view word) const;
    using FileSource = std::function<std::string_view(std::string_view path)>;

    /// Loads lexicon/core.yaml and lexicon/{fr,en,ar}.yaml from `files`. Errors are kInternal (bad data).
    static Result<Lexicon> Load(const FileSource& files);
    static Result<Lexicon> LoadEmbedded();

    const std::vector<DomainSpec>& domains() const { return domains_; }
    const std::vector<EntitySpec>& entities() const { return entities_; }
    const std::vector<StackSpec>& stacks() const { return stacks_; }
    const DomainSpec* FindDomain(std::string_view name) const;
    const EntitySpec* FindEntity(std::string_view name) const;
    const FieldSpec* FindField(std::string_view key) const;
    const std::vector<std::string>& Stopwords(std::string_view language) const;
    /// The sentence structure words and field-type rules of `language` (empty for an unknown language).
    const Grammar& GrammarOf(std::string_view language) const;

    /// The lexicon phrases of `text`, left to right, longest first; at one position every term spelled by the
    /// longest phrase is reported (e.g. "patient" is an entity and a role). Terms of `language` come first;
    /// English terms are also tried in French and Arabic texts (technical words are often English), except those
    /// that are stop words of the text's language.
    std::vector<Mention> Find(const TokenizedText& text, std::string_view language) const;

private:
    struct Index final {
        std::vector<Term> terms;
        std::map<std::string, std::vector<std::size_t>> by_first;
    };
    const Index* IndexFor(std::string_view language, bool borrowed) const;

    std::vector<DomainSpec> domains_;
    std::vector<EntitySpec> entities_;
    std::map<std::string, FieldSpec> fields_;
    std::vector<StackSpec> stacks_;
    std::map<std::string, LanguageLexicon> languages_;
    std::map<std::string, Index> indexes_;              // per language
    std::set<std::string, std::less<>> english_words_;  // the English lexicon's entity, field, role and domain words
    std::map<std::string, Index> borrowed_indexes_;     // English terms usable in that language
};

}  // namespace dihya::analyze
