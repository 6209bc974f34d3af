#include "analyze/analyzer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "analyze/dictionary.hpp"
#include "analyze/naming.hpp"
#include "analyze/structure.hpp"
#include "analyze/text.hpp"
#include "core/text.hpp"
#include "model/names.hpp"
#include "model/reserved_words.hpp"
#include "model/utf8.hpp"

namespace dihya::analyze {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxDescription = 600;  // bytes of the text kept as the description (cut at a word)
constexpr std::size_t kMaxTitleWords = 8;
constexpr std::size_t kMaxFieldDistance = 6;    // tokens between an entity (or its last field) and a field
constexpr std::size_t kMaxChosenEntities = 24;  // entities an analysis proposes (the model allows more)

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
    const EntitySpec* spec = nullptr;  // the lexicon's entity, or null for one named in the text's own words
    std::string name;                  // PascalCase
    std::string surface;               // as first written in the text ("" when assumed)
    std::string term;                  // the lexicon words that named it, joined by '_'
    std::vector<FieldSpec> extra;      // fields mentioned next to it
    std::vector<FieldSpec> stated;     // fields the text gives it ("books with title and author")
    std::vector<std::string> refs;     // entities it refers to (canonical names before aliasing)
    bool action = false;               // named by a verb ("can reserve")
    std::string label;                 // French and Arabic texts: the text's words for it, in the singular
    std::string skeleton;              // Arabic words of the text: the consonants of its transliteration
    int strength = 2;
    int mentions = 0;       // times the text names it
    std::size_t first = 0;  // its first token
};

class Run final {
public:
    Run(const Lexicon& lexicon, const Dictionary& dictionary, const model::Vocabulary& vocab, std::string_view text,
        const Budget& budget)
        : lex_(lexicon), dict_(dictionary), vocab_(vocab), text_(text), budget_(budget) {}

    Result<Analysis> Go() {
        tokens_ = Tokenize(text_);
        if (auto b = budget_.CheckNow(); !b) return b.take_error();
        out_.language = DetectLanguage(tokens_, text_, lex_.Stopwords("fr"), lex_.Stopwords("en"));
        mentions_ = lex_.Find(tokens_, out_.language);
        IndexMentions();
        if (auto b = budget_.CheckNow(); !b) return b.take_error();
        structure_ = ReadStructure(text_, tokens_, mentions_, lex_.GrammarOf(out_.language), out_.language,
                                   lex_.Stopwords(out_.language), budget_);
        if (auto b = budget_.CheckNow(); !b) return b.take_error();
        Entities();
        if (auto b = budget_.CheckNow(); !b) return b.take_error();
        Domain();
        FinishEntities();
        Locales();
        Roles();
        Features();
        Stacks();
        SupportedFeatures();
        FeatureRoutes();
        Title();
        model_.description = CutUtf8(Trim(text_), kMaxDescription);
        return Validate();
    }

private:
    using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

    void Assume(std::string field, std::string message, Spans spans = {}) {
        out_.assumptions.push_back({std::move(field), std::move(message), std::move(spans)});
    }

    /// The UTF-16 offset of a byte offset of the text (computed once).
    std::size_t Utf16(std::size_t byte) {
        if (utf16_.empty()) {
            utf16_.assign(text_.size() + 1, 0);
            std::size_t units = 0;
            std::size_t i = 0;
            while (i < text_.size()) {
                const std::size_t at = i;
                char32_t cp = 0;
                model::utf8::Next(text_, i, cp);
                for (std::size_t b = at; b < i && b < utf16_.size(); ++b) utf16_[b] = units;
                units += cp >= 0x10000 ? 2 : 1;
            }
            utf16_[text_.size()] = units;
        }
        return utf16_[std::min(byte, text_.size())];
    }

    /// The span of a byte range of the text.
    std::pair<std::size_t, std::size_t> SpanOf(std::size_t begin, std::size_t end) {
        return {Utf16(begin), Utf16(end)};
    }
    std::pair<std::size_t, std::size_t> SpanOf(const Mention& m) {
        return SpanOf(T()[m.first].begin, T()[m.first + m.count - 1].end);
    }

    const std::vector<Token>& T() const { return tokens_.tokens; }

    // --- domain

    void Domain() {
        // Domain words weigh 2 (at most 3 mentions each); the entities the text names weigh 1 each, shared among
        // their domains. A domain needs a domain word or two of its entities, and a fair share of the entities.
        const std::vector<DomainSpec>& domains = lex_.domains();
        std::vector<double> score(domains.size(), 0);
        std::vector<double> support(domains.size(), 0);  // entities of the domain
        std::vector<int> words(domains.size(), 0);
        std::vector<std::vector<std::string>> why(domains.size());
        std::map<std::string, int> per_term;
        std::vector<Spans> where(domains.size());
        const auto index = [&](const std::string& domain) {
            for (std::size_t i = 0; i < domains.size(); ++i) {
                if (domains[i].name == domain) return i;
            }
            return domains.size();
        };
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kDomain || structure_.field_word[m.first] ||
                ++per_term[m.term->key + Join(m.term->tokens, " ")] > 3) {
                continue;
            }
            const std::size_t i = index(m.term->key);
            if (i >= domains.size()) continue;
            score[i] += 2;
            ++words[i];
            if (why[i].size() < 4) AddUnique(why[i], Surface(text_, T(), m));
            if (where[i].size() < 8) where[i].push_back(SpanOf(m));
        }
        for (const ChosenEntity& c : chosen_) {
            if (c.spec == nullptr || c.spec->domains.empty()) continue;
            for (const std::string& d : c.spec->domains) {
                const std::size_t i = index(d);
                if (i >= domains.size()) continue;
                const double share = 1.0 / static_cast<double>(c.spec->domains.size());
                score[i] += share;
                support[i] += share;
                if (why[i].size() < 4 && !c.surface.empty()) AddUnique(why[i], c.surface);
            }
        }
        std::size_t best = domains.size();
        double total = 0;
        for (std::size_t i = 0; i < domains.size(); ++i) {
            if (!Contains(vocab_.domains, domains[i].name)) continue;
            total += score[i];
            if (best == domains.size() || score[i] > score[best]) best = i;
        }
        const double named = static_cast<double>(chosen_.size());
        bool sure = best < domains.size() && score[best] >= 2;
        if (sure) {
            const double share = named == 0 ? 1 : support[best] / named;
            sure = (words[best] > 0 && share >= 0.2) || (support[best] >= 2 && share >= 0.4) ||
                   (words[best] > 0 && named == 0);
        }
        if (!sure) {
            out_.domain = "custom";
            out_.domain_confidence = 0;
            if (best < domains.size() && score[best] > 0) {
                std::vector<std::string> quoted;
                for (const std::string& w : why[best]) quoted.push_back(Quoted(w));
                Assume("domain",
                       "not enough to recognise " + domains[best].name + " (only " + Join(quoted, ", ") +
                           " among what the text names): custom",
                       where[best]);
            } else {
                Assume("domain", "no known domain recognised: custom");
            }
            return;
        }
        out_.domain = domains[best].name;
        const double share = score[best] / total;
        const double strength = std::min(1.0, score[best] / 6.0);
        out_.domain_confidence = std::round(share * strength * 100) / 100;
        domain_ = &domains[best];
        std::vector<std::string> quoted;
        for (const std::string& w : why[best]) quoted.push_back(Quoted(w));
        Assume("domain", "recognised " + out_.domain + " from " + Join(quoted, ", "), where[best]);
    }

    std::string Alias(const std::string& entity) const {
        const EntitySpec* e = lex_.FindEntity(entity);
        if (e == nullptr) return entity;
        const auto it = e->aliases.find(out_.domain);
        return it == e->aliases.end() ? entity : it->second;
    }

    // --- entities and their fields

    std::size_t FindChosen(const std::string& name) const {
        for (std::size_t i = 0; i < chosen_.size(); ++i) {
            if (chosen_[i].name == name) return i;
        }
        return chosen_.size();
    }

    std::size_t ChooseEntity(const Mention& m) {
        const std::string& name = m.term->key;
        if (const std::size_t i = FindChosen(name); i < chosen_.size()) {
            ++chosen_[i].mentions;
            return i;
        }
        if (chosen_.size() >= kMaxChosenEntities) return chosen_.size();
        ChosenEntity c;
        c.strength = 0;  // only named: the text neither lists it nor gives it fields
        c.mentions = 1;
        c.spec = lex_.FindEntity(name);
        c.name = name;
        c.surface = Surface(text_, T(), m);
        c.term = Join(m.term->tokens, "_");
        c.first = m.first;
        if (out_.language != "en") c.label = LabelOf(m.first, m.first + m.count - 1, true);
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

    const Grammar& G() const { return lex_.GrammarOf(out_.language); }

    /// Per token: the first entity mention over it, and the field mentions starting at it (indexes into
    /// mentions_), so that looking a word up costs the same at any length of text.
    void IndexMentions() {
        entity_mention_over_.assign(T().size(), -1);
        field_mentions_at_.assign(T().size(), {});
        for (std::size_t k = 0; k < mentions_.size(); ++k) {
            const Mention& m = mentions_[k];
            if (m.term->category == Category::kEntity) {
                for (std::size_t w = m.first; w < m.first + m.count && w < T().size(); ++w) {
                    if (entity_mention_over_[w] < 0) entity_mention_over_[w] = static_cast<int>(k);
                }
            } else if (m.term->category == Category::kField && m.first < T().size()) {
                field_mentions_at_[m.first].push_back(k);
            }
        }
    }

    const Mention* EntityMentionAt(std::size_t token) const {
        if (token >= entity_mention_over_.size() || entity_mention_over_[token] < 0) return nullptr;
        return &mentions_[static_cast<std::size_t>(entity_mention_over_[token])];
    }

    const Mention* FieldMention(const std::vector<std::size_t>& tokens) const {
        if (tokens.empty() || tokens.front() >= field_mentions_at_.size()) return nullptr;
        for (std::size_t k : field_mentions_at_[tokens.front()]) {
            const Mention& m = mentions_[k];
            if (m.first + m.count == tokens.back() + 1) return &m;
        }
        return nullptr;
    }

    /// The identifier of an entity named in the text's words: English keeps a two-word compound ("book copy"),
    /// The English word a dictionary gives for the word at token `t` (French or Arabic), or "": the translations of
    /// the word's singular first (plural entries are often collective senses: « adhérents » → party); among them,
    /// one the English lexicon knows (طلب → order rather than application, « lieu » → location rather than
    /// motive), else the best-ranked one.
    std::string Translated(std::size_t t) const {
        if (out_.language == "en") return "";
        const Token& tok = T()[t];
        const Dictionary& dict = dict_;
        std::vector<std::string> forms;
        if (tok.arabic) {
            forms = TokenVariants(tok);
            forms.push_back(ArabicStem(tok.norm));
        } else {
            forms = {SingularWord(tok.norm, out_.language, G()), tok.norm};
        }
        for (const std::string& form : forms) {
            const std::vector<std::string>* english = dict.Find(out_.language, form);
            if (english == nullptr) continue;
            for (const std::string& w : *english) {
                if (lex_.KnowsEnglishWord(w)) return w;
            }
        }
        for (const std::string& form : forms) {
            const std::vector<std::string>* english = dict.Find(out_.language, form);
            if (english != nullptr && !english->empty()) return english->front();
        }
        return "";
    }

    /// English words for a name of several words of a French or Arabic text, or "" when one of its words has no
    /// translation (a name is never half translated). French and Arabic put the head first and its complement after
    /// (« date de naissance », تاريخ الميلاد): English the other way round (birth date); a French preposition keeps
    /// the order (« poids en kg » → weight in kg), « nombre de X » is a number of X.
    std::string TranslatedPhrase(const std::vector<std::size_t>& tokens) const {
        if (out_.language == "en" || tokens.empty()) return "";
        static const std::set<std::string, std::less<>> kArticles = {"de", "d", "du", "des", "la", "le", "les", "l"};
        static const std::map<std::string, std::string, std::less<>> kPrepositions = {
            {"en", "in"}, {"par", "per"}, {"pour", "for"}, {"sur", "on"}, {"avec", "with"}, {"sans", "without"}};
        static const std::set<std::string, std::less<>> kUnits = {
            "kg", "g", "mg", "km", "m", "cm", "mm", "l", "ml", "h", "min", "ht", "ttc", "m2", "m3", "eur", "usd"};
        std::vector<std::string> words;
        bool keep_order = false;
        bool count = false;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const Token& tok = T()[tokens[i]];
            if (!tok.arabic && kArticles.count(tok.norm) != 0) continue;
            if (!tok.arabic && i > 0) {
                if (const auto p = kPrepositions.find(tok.norm); p != kPrepositions.end()) {
                    words.push_back(p->second);
                    keep_order = true;
                    continue;
                }
                if (kUnits.count(tok.norm) != 0) {
                    words.push_back(tok.norm);
                    keep_order = true;
                    continue;
                }
            }
            if (words.empty() && tokens.size() > 1 &&
                (tok.arabic ? ArabicStem(tok.norm) == "\xD8\xB9\xD8\xAF\xD8\xAF" : tok.norm == "nombre")) {
                count = true;  // « nombre de séances », عدد الساعات
                continue;
            }
            std::string english = Translated(tokens[i]);
            if (english.empty()) return "";
            // « durée en minutes »: after a preposition a plural stays plural (duration in minutes).
            if (keep_order && !tok.arabic && SingularWord(tok.norm, out_.language, G()) != tok.norm) {
                english = model::MakeNames(english).plural_snake;
            }
            words.push_back(std::move(english));
        }
        if (words.empty()) return "";
        if (count) {
            std::string rest;
            for (const std::string& w : words) rest += (rest.empty() ? "" : " ") + w;
            return "number of " + model::MakeNames(rest).plural_snake;
        }
        if (!keep_order) std::reverse(words.begin(), words.end());
        std::string joined;
        for (const std::string& w : words) joined += (joined.empty() ? "" : " ") + w;
        return joined;
    }

    /// The text's words for a name, as a label in the text's language: the words as written, the first one in the
    /// singular for an entity (« Points de collecte » → « Point de collecte »), with a capital letter.
    std::string LabelOf(std::size_t first, std::size_t last, bool singular) const {
        if (first >= T().size() || last >= T().size() || last < first) return "";
        std::string label(text_.substr(T()[first].begin, T()[last].end - T()[first].begin));
        if (singular && !T()[first].arabic) {
            const std::string written(text_.substr(T()[first].begin, T()[first].end - T()[first].begin));
            // Drop a plural ending as written (accents kept): the matching form tells whether it is one.
            if (SingularWord(T()[first].norm, out_.language, G()) != T()[first].norm && written.size() > 1 &&
                (written.back() == 's' || written.back() == 'x')) {
                label = written.substr(0, written.size() - 1) + label.substr(written.size());
            }
        }
        if (T()[first].arabic) {
            // « وتاريخ الميلاد »: the conjunction و or ف joined to the first word is not part of the name (the stem
            // follows it), nor, for an entity, the article ال (« الحملات » → حملات).
            const std::string& norm = T()[first].norm;
            const std::string stem = ArabicStem(norm);
            for (std::string_view conjunction : {"\xD9\x88", "\xD9\x81"}) {
                if (norm.starts_with(conjunction) && norm.find(stem, conjunction.size()) != std::string::npos &&
                    label.starts_with(conjunction)) {
                    label.erase(0, conjunction.size());
                    break;
                }
            }
            constexpr std::string_view kArticle = "\xD8\xA7\xD9\x84";
            if (singular && label.starts_with(kArticle) && !stem.starts_with(kArticle)) label.erase(0, kArticle.size());
        }
        if (!label.empty() && label[0] >= 'a' && label[0] <= 'z') label[0] = static_cast<char>(label[0] - 'a' + 'A');
        if (label.size() > model::kMaxLabelLength || label.find_first_of("\r\n") != std::string::npos) return "";
        return label;
    }

    /// The identifier of an entity named in the text's words: English keeps a two-word compound ("book copy"),
    /// French a noun and its complement ("point de collecte" → PointCollecte), Arabic the noun. French and Arabic
    /// words are named in English when the dictionary knows them (the text's words stay its label).
    std::string NewEntityName(const StatedEntity& e) const {
        std::vector<std::size_t> words;
        if (out_.language == "en") {
            const auto at = std::find(e.tokens.begin(), e.tokens.end(), e.head);
            if (at != e.tokens.begin() && at != e.tokens.end() && !T()[*(at - 1)].arabic) words.push_back(*(at - 1));
            words.push_back(e.head);
        } else {
            words.push_back(e.head);
            if (out_.language == "fr") {
                const auto at = std::find(e.tokens.begin(), e.tokens.end(), e.head);
                if (at != e.tokens.end() && at + 1 != e.tokens.end() && *(at + 1) == e.head + 2)
                    words.push_back(*(at + 1));
            }
        }
        if (out_.language != "en") {
            std::vector<std::size_t> phrase = words;
            if (phrase.size() == 2) phrase.insert(phrase.begin() + 1, words[0] + 1);  // « point de collecte »
            const std::string english = TranslatedPhrase(phrase);
            if (!english.empty()) {
                const std::string name = model::MakeNames(english).pascal;
                named_by_[name] = std::string(Dictionary::SourceName(out_.language));
                return name;
            }
        }
        std::string joined;
        for (std::size_t i = 0; i < words.size(); ++i) {
            const bool singular = out_.language == "en" ? i + 1 == words.size() : i == 0;
            joined += (joined.empty() ? "" : " ") + IdentifierWord(T()[words[i]], out_.language, G(), singular);
        }
        const std::string name = model::MakeNames(joined).pascal;
        if (out_.language != "en") {
            named_by_[name] =
                T()[e.head].arabic ? "transliterated: no dictionary entry" : "the text's words: no dictionary entry";
        }
        return name;
    }

    /// Whether the text gives `e` fields of its own (not only examples in parentheses).
    static bool DescribesFields(const StatedEntity& e) {
        return e.action.empty() &&
               std::any_of(e.fields.begin(), e.fields.end(), [](const StatedField& f) { return !f.weak; });
    }

    std::string StatedName(const StatedEntity& e) const {
        const EntitySpec* spec = nullptr;
        std::string term, surface;
        return StatedEntityName(e, &spec, &term, &surface);
    }

    std::string StatedEntityName(const StatedEntity& e, const EntitySpec** spec, std::string* term,
                                 std::string* surface) const {
        *spec = nullptr;
        if (!e.action.empty()) {
            *spec = lex_.FindEntity(e.action);
            return e.action;
        }
        if (const Mention* m = EntityMentionAt(e.head)) {
            *spec = lex_.FindEntity(m->term->key);
            *term = Join(m->term->tokens, "_");
            *surface = Surface(text_, T(), *m);
            return m->term->key;
        }
        // "title", "email": a field word, unless the text relates it ("nurses log shift notes against patients").
        if (e.strength < 3 && e.refs.empty() && FieldMention({e.head}) != nullptr) return {};
        return NewEntityName(e);
    }

    static std::string Skeleton(const std::string& name) {
        std::string out;
        for (char c : name) {
            const char l = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            if (l != 'a' && l != 'e' && l != 'i' && l != 'o' && l != 'u' && l != 'w' && l != 'y') out += l;
        }
        return out;
    }

    std::string FieldName(const std::vector<std::size_t>& tokens) const {
        if (out_.language != "en") {
            const std::string english = TranslatedPhrase(tokens);
            if (!english.empty()) return model::MakeNames(english).snake;
        }
        std::string joined;
        for (std::size_t t : tokens) {
            // "عدد الساعات": a number of hours.
            const bool count = joined.empty() && tokens.size() > 1 && T()[t].arabic &&
                               ArabicStem(T()[t].norm) == "\xD8\xB9\xD8\xAF\xD8\xAF";
            joined += (joined.empty() ? "" : " ") +
                      (count ? std::string("number of") : IdentifierWord(T()[t], out_.language, G(), false));
        }
        return model::MakeNames(joined).snake;
    }

    FieldSpec StatedFieldSpec(const StatedField& f) const {
        FieldSpec out = StatedFieldSpecOf(f);
        if (out_.language != "en" && !f.tokens.empty()) out.label = LabelOf(f.tokens.front(), f.tokens.back(), false);
        return out;
    }

    FieldSpec StatedFieldSpecOf(const StatedField& f) const {
        if (f.tokens.empty()) {  // implied by the text ("a walk is scheduled, done or cancelled": its status)
            FieldSpec out;
            out.name = f.name;
            out.type = f.values.empty() ? "string" : "enum";
            out.values = f.values;
            return out;
        }
        if (const Mention* m = FieldMention(f.tokens)) {
            if (const FieldSpec* spec = lex_.FindField(m->term->key)) {
                FieldSpec out = *spec;
                if (!f.values.empty()) {
                    out.type = "enum";
                    out.values = f.values;
                }
                return out;
            }
        }
        FieldSpec out;
        out.name = FieldName(f.tokens);
        std::vector<std::vector<std::string>> words;
        for (std::size_t t : f.tokens) {
            std::vector<std::string> v = TokenVariants(T()[t]);
            if (T()[t].arabic) v.push_back(ArabicStem(T()[t].norm));
            words.push_back(std::move(v));
        }
        out.type = InferFieldType(words, G());
        if (out.type == "string" && out_.language != "en") out.type = InferFieldType(words, lex_.GrammarOf("en"));
        if (!f.values.empty()) out.type = "enum";  // "a level (beginner, confirmed)": its values are listed
        if (out.type == "enum") {
            // An enum needs its values: without them a status or type is plain text.
            if (f.values.empty()) out.type = "string";
            out.values = f.values;
        }
        // A field named after an entity refers to it ("each loan has a book and a member").
        const bool dated = out.type == "date" || out.type == "datetime";  // "date d'inscription" is a date
        if (const Mention* m = EntityMentionAt(f.tokens.back()); m != nullptr && f.tokens.size() <= 2 && !dated) {
            out.ref = m->term->key;
        }
        return out;
    }

    void Entities() {
        // The text's own structure first: entities it lists, describes or makes act, with the fields it states.
        std::map<std::size_t, std::string> name_of;              // head token → entity name
        std::vector<std::pair<std::size_t, std::size_t>> refs;   // (chosen index, head token of the target)
        std::unordered_map<std::string, int> described_by_name;  // entities given fields (not examples), by name
        for (const StatedEntity& e : structure_.entities) {
            if (DescribesFields(e)) ++described_by_name[StatedName(e)];
        }
        for (const StatedEntity& e : structure_.entities) {
            const EntitySpec* spec = nullptr;
            std::string term;
            std::string surface(text_.substr(T()[e.head].begin, T()[e.head].end - T()[e.head].begin));
            std::string name = StatedEntityName(e, &spec, &term, &surface);
            if (name.empty()) continue;
            std::size_t i = FindChosen(name);
            // Arabic plurals are often broken (كتب / كتاب): the same consonants name the same entity, whatever the
            // dictionary calls each form.
            const std::string skeleton =
                spec == nullptr && out_.language == "ar" && e.action.empty()
                    ? Skeleton(model::MakeNames(IdentifierWord(T()[e.head], "ar", G(), true)).pascal)
                    : std::string();
            if (i >= chosen_.size() && !skeleton.empty()) {
                for (std::size_t j = 0; j < chosen_.size(); ++j) {
                    if (chosen_[j].spec != nullptr || chosen_[j].skeleton != skeleton) continue;
                    i = j;
                    if (e.strength > chosen_[j].strength) {
                        for (auto& [token, n] : name_of) {
                            if (n == chosen_[j].name) n = name;
                        }
                        chosen_[j].name = name;
                        chosen_[j].term = model::MakeNames(name).snake;
                        if (!chosen_[j].label.empty()) chosen_[j].label = LabelOf(e.head, e.head, true);
                    }
                    break;
                }
            }
            if (i < chosen_.size()) name = chosen_[i].name;
            if (e.action.empty()) name_of[e.head] = name;
            if (i >= chosen_.size()) {
                if (chosen_.size() >= kMaxChosenEntities) continue;
                ChosenEntity c;
                c.spec = spec;
                c.name = name;
                c.term = term.empty() ? model::MakeNames(name).snake : term;
                c.surface = surface;
                c.action = !e.action.empty();
                c.strength = e.strength;
                c.first = e.head;
                c.skeleton = skeleton;
                if (out_.language != "en" && e.action.empty()) {
                    const auto at = std::find(e.tokens.begin(), e.tokens.end(), e.head);
                    const bool compound = out_.language == "fr" && at != e.tokens.end() && at + 1 != e.tokens.end() &&
                                          *(at + 1) == e.head + 2;  // « point de collecte »
                    c.label = LabelOf(e.head, compound ? e.head + 2 : e.head, true);
                }
                chosen_.push_back(std::move(c));
                i = chosen_.size() - 1;
            }
            ChosenEntity& c = chosen_[i];
            c.strength = std::max(c.strength, e.strength);
            ++c.mentions;
            // "courses (yoga, spinning)" where the text gives courses fields elsewhere: examples, not fields.
            const auto described = described_by_name.find(name);
            const bool examples =
                described != described_by_name.end() && described->second > (DescribesFields(e) ? 1 : 0);
            for (const StatedField& f : e.fields) {
                if (c.stated.size() >= model::kMaxFieldsPerEntity) break;
                if (f.weak && examples) continue;
                FieldSpec spec_field = StatedFieldSpec(f);
                if (spec_field.name.empty()) continue;
                const bool seen = std::any_of(c.stated.begin(), c.stated.end(),
                                              [&](const FieldSpec& x) { return x.name == spec_field.name; });
                if (!seen) c.stated.push_back(std::move(spec_field));
            }
            for (std::size_t r : e.refs) refs.emplace_back(i, r);
        }
        // Words of stated fields: 1 the head of a field in a list of several, 2 another word of a field ("number of
        // rounds") or a listed value; a lone "with an agent" is left to the lexicon.
        std::vector<int> listed(T().size(), 0);
        for (std::size_t t = 0; t < T().size(); ++t) {
            if (structure_.field_word[t]) listed[t] = 2;
        }
        for (const StatedEntity& e : structure_.entities) {
            for (const StatedField& f : e.fields) {
                if (f.tokens.empty()) continue;
                // English puts the head last, but only within the first run of words ("tours to destinations").
                std::size_t run = 0;
                while (run + 1 < f.tokens.size() && f.tokens[run + 1] == f.tokens[run] + 1) ++run;
                const std::size_t head = out_.language == "en" ? f.tokens[run] : f.tokens.front();
                for (std::size_t t : f.tokens) listed[t] = e.fields.size() < 2 ? 0 : (t == head ? 1 : 2);
            }
        }
        std::size_t current = chosen_.size() + model::kMaxEntities;  // none
        std::size_t current_token = 0;                               // the entity's mention
        std::size_t last_token = 0;                                  // the entity's mention or its last field
        for (const auto& [owner, token] : refs) {
            const auto it = name_of.find(token);
            if (it != name_of.end() && it->second != chosen_[owner].name) AddUnique(chosen_[owner].refs, it->second);
        }
        for (const Mention& m : mentions_) {
            if (m.term->category == Category::kEntity) {
                // A word describing the product is not an entity of its own, nor is a word listed as a field
                // ("each project has a name and a budget") unless the text makes it an entity elsewhere.
                if (structure_.purpose[m.first + m.count - 1] || (listed[m.first + m.count - 1] == 1 && !Plural(m)) ||
                    listed[m.first + m.count - 1] == 2) {
                    current = chosen_.size() + model::kMaxEntities;
                    continue;
                }
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
            if (f != nullptr && chosen_[current].extra.size() < model::kMaxFieldsPerEntity) {
                chosen_[current].extra.push_back(*f);
            }
        }
        std::stable_sort(chosen_.begin(), chosen_.end(),
                         [](const ChosenEntity& a, const ChosenEntity& b) { return a.first < b.first; });
    }

    void FinishEntities() {
        // Aliases of the recognised domain ("client" is a Customer in a shop); entities that become the same merge.
        std::vector<ChosenEntity> merged;
        for (ChosenEntity& c : chosen_) {
            if (c.spec != nullptr) {
                const std::string alias = Alias(c.name);
                if (alias != c.name) {
                    c.name = alias;
                    c.spec = lex_.FindEntity(alias);
                }
            }
            const auto same =
                std::find_if(merged.begin(), merged.end(), [&](const ChosenEntity& m) { return m.name == c.name; });
            if (same == merged.end()) {
                merged.push_back(std::move(c));
                continue;
            }
            for (FieldSpec& f : c.stated) same->stated.push_back(std::move(f));
            for (FieldSpec& f : c.extra) same->extra.push_back(std::move(f));
            for (std::string& r : c.refs) same->refs.push_back(std::move(r));
            same->mentions += c.mentions;
            same->strength = std::max(same->strength, c.strength);
        }
        chosen_ = std::move(merged);
        DropNonEntities();
        for (ChosenEntity& c : chosen_) {
            for (FieldSpec& f : c.stated) {
                if (!f.ref.empty()) f.ref = Alias(f.ref);
            }
            for (std::string& r : c.refs) r = Alias(r);
        }
        if (chosen_.empty()) {
            const std::vector<std::string> core = domain_ != nullptr ? domain_->core : std::vector<std::string>{"Item"};
            for (const std::string& name : core) {
                ChosenEntity c;
                c.spec = lex_.FindEntity(Alias(name));
                c.name = c.spec->name;
                chosen_.push_back(std::move(c));
            }
            std::vector<std::string> names;
            for (const ChosenEntity& c : chosen_) names.push_back(c.name);
            Assume("entities", domain_ != nullptr ? "no entity named: used the usual ones for " + out_.domain + ": " +
                                                        Join(names, ", ")
                                                  : "no entity named: started with a generic Item");
        }
        for (const ChosenEntity& c : chosen_) {
            model_.entities.push_back(BuildEntity(c));
            model_.entities.back().label = c.label;
            if (!c.surface.empty()) out_.entity_words[c.name] = c.surface;
            const std::string snake = model::MakeNames(c.name).snake;
            const Spans at = c.surface.empty() || c.first >= T().size()
                                 ? Spans{}
                                 : Spans{SpanOf(T()[c.first].begin, T()[c.first].begin + c.surface.size())};
            if (!c.surface.empty() && (c.term != snake || c.spec == nullptr)) {
                // Which resource named it: the lexicon, a dictionary, or the text's own word.
                const auto by = named_by_.find(c.name);
                const std::string source = c.spec != nullptr       ? "lexicon"
                                           : by != named_by_.end() ? by->second
                                                                   : "the text's words";
                Assume("entities." + c.name,
                       "entity \xC2\xAB" + c.surface + "\xC2\xBB named " + c.name + " (" + source + ")", at);
            }
        }
    }

    /// Whether an entity's mention is in the plural ("events with speakers and sponsors": parts, not fields).
    bool Plural(const Mention& m) const {
        const Token& t = T()[m.first + m.count - 1];
        if (t.arabic) {
            const std::string& w = t.norm;
            const auto ends = [&](std::string_view e) {
                return w.size() > e.size() && w.compare(w.size() - e.size(), e.size(), e) == 0;
            };
            return model::utf8::Length(w) >= 5 &&
                   (ends("\xD8\xA7\xD8\xAA") || ends("\xD9\x88\xD9\x86") || ends("\xD9\x8A\xD9\x86"));
        }
        return SingularWord(t.norm, out_.language, G()) != t.norm;
    }

    /// Whether the words at `token` start with one of `list`.
    bool StartsList(std::size_t token, const Phrases& list) const {
        std::vector<std::vector<std::string>> words;
        for (std::size_t t = token; t < T().size() && t < token + 4; ++t) {
            std::vector<std::string> v = TokenVariants(T()[t]);
            if (T()[t].arabic) v.push_back(ArabicStem(T()[t].norm));
            words.push_back(std::move(v));
        }
        return std::any_of(list.begin(), list.end(), [&](const auto& p) { return PhraseAt(words, 0, p); });
    }

    /// The names the product's own subject may take ("an app to manage a library" → Library, "لنادي" → Nadi).
    std::vector<std::string> PurposeNames() const {
        std::vector<std::string> names;
        for (std::size_t h : structure_.purpose_heads) {
            const Mention* m = EntityMentionAt(h);
            if (m != nullptr && m->first + m->count - 1 == h) AddUnique(names, Alias(m->term->key));
            StatedEntity e;
            e.head = h;
            std::size_t first = h;  // the phrase around the head ("a dog grooming salon")
            while (first > 0 && structure_.purpose[first - 1] && T()[first - 1].sentence == T()[h].sentence) --first;
            std::size_t last = h;
            while (last + 1 < T().size() && structure_.purpose[last + 1] && T()[last + 1].sentence == T()[h].sentence)
                ++last;
            for (std::size_t t = first; t <= last; ++t) e.tokens.push_back(t);
            AddUnique(names, NewEntityName(e));
            e.tokens = {h};
            AddUnique(names, NewEntityName(e));
            const std::string& norm = T()[h].norm;
            if (T()[h].arabic && model::utf8::Length(norm) >= 5 &&
                (norm.rfind("\xD9\x84", 0) == 0 || norm.rfind("\xD8\xA8", 0) == 0)) {
                AddUnique(names, model::MakeNames(TransliterateArabic(ArabicStem(norm.substr(2)))).pascal);
            }
        }
        return names;
    }

    /// Leaves out what the text names without making it an entity: the product's own subject ("a platform for a
    /// diving club") when nothing gives it fields or relations, and people that are roles of the model ("admins
    /// manage technicians") unless the text gives them fields.
    void DropNonEntities() {
        const std::vector<std::string> purpose = PurposeNames();
        const auto referenced = [&](const std::string& name) {
            return std::any_of(chosen_.begin(), chosen_.end(), [&](const ChosenEntity& o) {
                return o.name != name &&
                       (Contains(o.refs, name) || std::any_of(o.stated.begin(), o.stated.end(),
                                                              [&](const FieldSpec& f) { return f.ref == name; }));
            });
        };
        std::vector<std::string> dropped;
        std::vector<std::string> passing;
        std::vector<std::string> features;
        for (const ChosenEntity& c : chosen_) {
            if (!c.stated.empty() || c.action) continue;
            const bool role = StartsList(c.first, G().role_words) &&
                              (c.spec == nullptr || domain_ == nullptr || !Contains(c.spec->domains, domain_->name));
            const bool subject = Contains(purpose, c.name) && c.refs.empty() && !referenced(c.name);
            const bool feature = NamesAFeature(c) && c.refs.empty() && !referenced(c.name);
            if (feature) {
                dropped.push_back(c.name);
                features.push_back(c.name);
                continue;
            }
            // A word the text names once in passing ("un samedi par mois", "notre cahier papier"): not listed,
            // nothing recorded about it, nothing refers to it, and not one of the recognised domain's entities.
            const bool bare = c.strength < 1 && c.mentions < 2 && c.extra.empty() && c.refs.empty() &&
                              !referenced(c.name) && !OfTheDomain(c.spec);
            if (role || subject) dropped.push_back(c.name);
            if (bare && !role && !subject) passing.push_back(c.name);
        }
        // Words named in passing go only when the text describes at least two entities besides them.
        if (chosen_.size() < dropped.size() + passing.size() + 2) passing.clear();
        for (const std::string& name : passing) dropped.push_back(name);
        if (dropped.empty() || dropped.size() == chosen_.size()) return;
        std::vector<ChosenEntity> removed;
        for (const ChosenEntity& c : chosen_) {
            if (Contains(dropped, c.name)) removed.push_back(c);
        }
        std::erase_if(chosen_, [&](const ChosenEntity& c) { return Contains(dropped, c.name); });
        for (ChosenEntity& c : chosen_)
            std::erase_if(c.refs, [&](const std::string& r) { return Contains(dropped, r); });
        for (const std::string& name : dropped) {
            if (Contains(features, name)) {
                Assume("entities", Quoted(name) + " asks for a feature of the project: not an entity");
            } else if (!Contains(passing, name)) {
                Assume("entities", Quoted(name) + " describes the product or is a role: not an entity");
            }
        }
        for (const ChosenEntity& c : removed) {
            if (!Contains(passing, c.name)) continue;
            const Spans at = c.surface.empty() || c.first >= T().size()
                                 ? Spans{}
                                 : Spans{SpanOf(T()[c.first].begin, T()[c.first].begin + c.surface.size())};
            Assume("entities",
                   Quoted(c.surface.empty() ? c.name : c.surface) +
                       " is named once in passing, with nothing recorded about it: not an entity",
                   at);
        }
    }

    /// Whether the entity's words ask for a feature ("SEO", "an admin area", "realtime updates"): the feature
    /// provides it, it is not a record of the model.
    bool NamesAFeature(const ChosenEntity& c) const {
        if (c.surface.empty() || c.first >= T().size()) return false;
        return std::any_of(mentions_.begin(), mentions_.end(), [&](const Mention& m) {
            if (m.term->category != Category::kFeature) return false;
            return c.first >= m.first && c.first < m.first + m.count;
        });
    }

    /// Whether a lexicon entity belongs to the recognised domain, or to none in particular.
    bool OfTheDomain(const EntitySpec* spec) const {
        if (spec == nullptr) return false;
        return spec->domains.empty() || (domain_ != nullptr && Contains(spec->domains, domain_->name));
    }

    bool IsChosen(const std::string& name) const {
        return std::any_of(chosen_.begin(), chosen_.end(), [&](const ChosenEntity& c) { return c.name == name; });
    }

    model::Entity BuildEntity(const ChosenEntity& c) const {
        model::Entity e;
        e.name = c.name;
        std::vector<std::string> names;
        const auto add = [&](const FieldSpec& spec, std::string name) {
            if (name.empty() || Contains(names, name) || e.fields.size() >= model::kMaxFieldsPerEntity) return;
            model::Field f;
            f.name = name;
            f.type = model::ParseFieldType(spec.type).value_or(model::FieldType::kString);
            f.required = spec.required;
            f.unique = spec.unique;
            f.values = spec.values;
            f.ref = spec.ref;
            f.label = spec.label;
            names.push_back(std::move(name));
            e.fields.push_back(std::move(f));
        };
        const auto add_ref = [&](const std::string& target) {
            if (target == e.name || !IsChosen(target)) return false;
            FieldSpec r;
            r.type = "ref";
            r.ref = target;
            for (const ChosenEntity& t : chosen_) {
                if (t.name == target) r.label = t.label;  // called as the text calls the entity it refers to
            }
            const std::string name = model::MakeNames(target).snake;
            const bool present = std::any_of(e.fields.begin(), e.fields.end(), [&](const model::Field& f) {
                return f.type == model::FieldType::kRef && f.ref == target;
            });
            if (!present) add(r, name);
            return true;
        };
        // Lexicon defaults only from the domain the text was recognised as (or from entities of no domain): a
        // library's loans never get a bank loan's interest rate.
        const std::vector<FieldSpec> none;
        const std::vector<FieldSpec>& defaults = OfTheDomain(c.spec) ? c.spec->fields : none;
        if (c.stated.empty()) {
            for (const FieldSpec& f : defaults) {
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
            if (e.fields.empty() && c.action) {
                FieldSpec date;
                date.type = "date";
                date.required = true;
                add(date, "date");
            }
            if (e.fields.empty()) {
                FieldSpec name;
                name.required = true;
                add(name, "name");
            }
        } else {
            // The fields the text states, spelt as the lexicon entity does where they mean the same (nom ~ full_name),
            // after a display field when none of them is a name or title.
            std::vector<FieldSpec> fields;
            for (const FieldSpec& f : c.stated) {
                const auto same = std::find_if(defaults.begin(), defaults.end(), [&](const FieldSpec& d) {
                    return d.type != "ref" && (d.name == f.name || Contains(f.same_as, d.name));
                });
                FieldSpec chosen = same != defaults.end() ? *same : f;
                if (!f.values.empty()) {  // the values the text lists win over the lexicon's
                    chosen.type = "enum";
                    chosen.values = f.values;
                }
                fields.push_back(std::move(chosen));
            }
            const auto displays = [](const FieldSpec& f) {
                if (f.type != "string" || !f.ref.empty()) return false;
                for (std::string_view w : {"name", "title", "label", "number", "code", "reference", "isbn", "plate"}) {
                    if (f.name.find(w) != std::string::npos) return true;
                }
                return false;
            };
            if (!c.action && std::none_of(fields.begin(), fields.end(), displays)) {
                const auto first = std::find_if(defaults.begin(), defaults.end(),
                                                [](const FieldSpec& d) { return d.type == "string" && d.required; });
                FieldSpec display;
                display.name = "name";
                display.required = true;
                add(first != defaults.end() ? *first : display, first != defaults.end() ? first->name : "name");
            }
            for (const FieldSpec& f : fields) {
                if (!f.ref.empty() && f.type != "ref" && f.ref == c.name) continue;  // "menu with dishes": itself
                if (!f.ref.empty() && f.type != "ref") {
                    if (add_ref(f.ref)) continue;  // "each loan has a book": a ref when Book is an entity
                    FieldSpec plain = f;
                    plain.ref.clear();
                    add(plain, plain.name);
                    continue;
                }
                // "each repair has a mechanic" where mechanics are an entity of the text: a ref.
                const std::string target = model::MakeNames(f.name).pascal;
                if (f.type == "string" && f.ref.empty() && target != c.name && IsChosen(target) && add_ref(target)) {
                    continue;
                }
                add(f, f.name);
            }
            for (const FieldSpec& f : defaults) {
                if (f.type == "ref") add_ref(Alias(f.ref));
            }
        }
        for (const std::string& r : c.refs) add_ref(r);
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
                Assume("locales",
                       Quoted(Surface(text_, T(), m)) +
                           " is not a supported language (supported: " + Join(vocab_.locales, ", ") + ")",
                       {SpanOf(m)});
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
        std::vector<std::string> files;
        for (const model::Entity& e : model_.entities) {
            for (const model::Field& f : e.fields) {
                if (f.type == model::FieldType::kFile) files.push_back(e.name + "." + f.name);
            }
        }
        if (!files.empty() && !Contains(features, "uploads")) {
            features.push_back("uploads");
            Assume("features", "files to keep (" + Join(files, ", ") + "): added uploads");
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

    /// An entity whose route a kept feature serves (Payment with payments: /api/payments) is renamed, with an
    /// assumption, and the fields that refer to it follow.
    void FeatureRoutes() {
        static constexpr std::pair<std::string_view, std::string_view> kRoutes[] = {{"payments", "payments"},
                                                                                    {"notifications", "notifications"},
                                                                                    {"realtime", "live"},
                                                                                    {"analytics", "analytics"},
                                                                                    {"admin", "admin"}};
        for (model::Entity& e : model_.entities) {
            for (const auto& [feature, segment] : kRoutes) {
                if (e.names.plural_kebab != segment || !Contains(model_.features, std::string(feature))) continue;
                const std::string old = e.name;
                e.name += "Record";
                e.names = model::MakeNames(e.name);
                e.table = e.names.plural_snake;
                e.route = "/api/" + e.names.plural_kebab;
                for (model::Entity& other : model_.entities) {
                    for (model::Field& f : other.fields) {
                        if (f.type == model::FieldType::kRef && f.ref == old) f.ref = e.name;
                    }
                }
                Assume("entities." + e.name, "entity " + old + " renamed " + e.name + ": /api/" + std::string(segment) +
                                                 " belongs to the " + std::string(feature) + " feature");
                break;
            }
        }
    }

    /// Features the chosen stacks' packs do not implement are left out, with an assumption naming the stacks that
    /// do: free text is taken as far as it can be generated, never silently.
    void SupportedFeatures() {
        const auto unsupported = vocab_.UnsupportedFeatures(model_.features, model_.stacks.ByKind());
        for (const auto& [feature, stack] : unsupported) {
            if (std::find(model_.features.begin(), model_.features.end(), feature) == model_.features.end()) continue;
            std::erase(model_.features, feature);
            if (stack.second == "none") {
                Assume("features", feature + " left out: it concerns stacks." + stack.first + " and none is chosen (" +
                                       vocab_.SupportOf(feature) + ")");
            } else {
                Assume("features", feature + " left out: stacks." + stack.first + " = " + stack.second +
                                       " does not implement it (" + vocab_.SupportOf(feature) + ")");
            }
            if (feature != "uploads") continue;
            // Without uploads, a file is kept as a link to it.
            for (model::Entity& e : model_.entities) {
                for (model::Field& f : e.fields) {
                    if (f.type != model::FieldType::kFile) continue;
                    f.type = model::FieldType::kUrl;
                    Assume("entities." + e.name + "." + f.name,
                           "a link (url) instead of an uploaded file: uploads left out");
                }
            }
        }
    }

    void Stacks() {
        std::map<std::string, std::vector<const StackSpec*>> named;  // kind → in order of mention
        for (const Mention& m : mentions_) {
            if (m.term->category != Category::kStack || !StackAccepted(m)) continue;
            const StackSpec* s = &lex_.stacks()[m.term->stack];
            auto& list = named[s->kind];
            if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
            stack_spans_[s].push_back(SpanOf(m));
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
                Assume("stacks.devops", s->label + " is not available: used " + s->value, stack_spans_[s]);
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
            Assume("stacks." + kind, chosen->label + " is not available: chose " + slot, stack_spans_[chosen]);
        } else if (chosen->generic && chosen->value != "none") {
            Assume("stacks." + kind, chosen->label + " named without a framework: chose " + slot, stack_spans_[chosen]);
        }
        for (const StackSpec* s : named) {
            if (s != chosen && !s->generic && !s->unsupported && s->value != slot) {
                Assume("stacks." + kind, "also named " + s->label + ": kept " + slot, stack_spans_[s]);
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
        std::string title = LimitWords(Trim(structure_.title));
        for (const Mention& m : mentions_) {
            if (!title.empty()) break;
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

    static bool Reserved(const model::Names& n) {
        model::Reserved r = model::ReservedIn(n.camel);
        r |= model::ReservedIn(n.snake);
        r.sql = false;  // the singular never names a table or column
        r |= model::ReservedIn(n.plural_camel);
        r |= model::ReservedIn(n.plural_snake);
        return r.Any() || n.pascal == "True" || n.pascal == "False" || n.pascal == "None" ||
               !model::ShadowedJavaScriptBuiltin(n.pascal).empty();
    }

    static std::string Cut(std::string name, std::size_t max) {
        if (name.size() > max) name.resize(max);
        while (!name.empty() && (name.back() == '_' || name.back() == '-')) name.pop_back();
        return name;
    }

    /// Makes every name the analysis produced acceptable to the model: reserved words and names that read the
    /// same in the plural are renamed (and said so), broken values and refs are left out.
    void Sanitize() {
        std::vector<model::Entity> kept;
        std::map<std::string, std::string> renamed;
        for (model::Entity& e : model_.entities) {
            std::string name = model::MakeNames(Cut(e.name, model::kMaxNameLength)).pascal;
            while (!name.empty() && name[0] >= '0' && name[0] <= '9') name.erase(0, 1);
            if (name.empty()) {
                Assume("entities", "left out an entity without a Latin name");
                continue;
            }
            model::Names names = model::MakeNames(name);
            if (Reserved(names)) {
                const std::string other = Cut(name, model::kMaxNameLength - 6) + "Record";
                Assume("entities." + other, Quoted(name) + " is a reserved word in generated code: named " + other);
                name = other;
                names = model::MakeNames(name);
            }
            if (names.plural_snake == names.snake) {
                names.plural_pascal = Cut(name, model::kMaxNameLength - 4) + "List";
                Assume("entities." + name,
                       Quoted(name) + " reads the same in the plural: plural " + names.plural_pascal);
            }
            const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const model::Entity& k) {
                return model::MakeNames(k.name).snake == names.snake;
            });
            if (duplicate) continue;
            renamed[e.name] = name;
            e.name = name;
            e.names = names;
            kept.push_back(std::move(e));
        }
        for (model::Entity& e : kept) {
            const std::string entity_snake = model::MakeNames(e.name).snake;
            std::vector<model::Field> fields;
            std::vector<std::string> seen;
            for (model::Field& f : e.fields) {
                std::string name = model::MakeNames(f.name).snake;
                while (!name.empty() && ((name[0] >= '0' && name[0] <= '9') || name[0] == '_')) name.erase(0, 1);
                name = Cut(name, model::kMaxNameLength);
                if (name.empty()) continue;
                if (name == "id") name = entity_snake + "_code";
                model::Reserved r = model::ReservedIn(model::MakeNames(name).camel);
                r |= model::ReservedIn(name);
                if (r.Any()) {
                    const std::string other = Cut(entity_snake + "_" + name, model::kMaxNameLength);
                    Assume("entities." + e.name,
                           Quoted(name) + " is a reserved word in generated code: field " + other);
                    name = other;
                }
                if (Contains(seen, name)) continue;
                if (f.type == model::FieldType::kRef) {
                    const auto it = renamed.find(f.ref);
                    if (it == renamed.end()) continue;
                    f.ref = it->second;
                    f.required = false;
                }
                if (f.type == model::FieldType::kEnum) {
                    std::vector<std::string> values;
                    std::vector<std::string> snakes;
                    for (const std::string& v : f.values) {
                        const std::string snake = model::MakeNames(v).snake;
                        if (snake.empty() || !((snake[0] >= 'a' && snake[0] <= 'z')) || Contains(snakes, snake) ||
                            snake.size() > model::kMaxNameLength || values.size() >= model::kMaxEnumValues) {
                            continue;
                        }
                        snakes.push_back(snake);
                        values.push_back(snake);
                    }
                    f.values = values;
                    if (f.values.empty()) f.type = model::FieldType::kString;
                }
                f.name = name;
                seen.push_back(name);
                fields.push_back(std::move(f));
            }
            // A ref is stored in <name>_id: a field of that name would clash with it.
            std::erase_if(fields, [&](const model::Field& f) {
                return f.type != model::FieldType::kRef &&
                       std::any_of(fields.begin(), fields.end(), [&](const model::Field& r) {
                           return r.type == model::FieldType::kRef && r.name + "_id" == f.name;
                       });
            });
            if (fields.empty()) {
                model::Field name;
                name.name = "name";
                name.required = true;
                fields.push_back(std::move(name));
            }
            e.fields = std::move(fields);
        }
        model_.entities = std::move(kept);
    }

    Result<Analysis> Validate() {
        model_.domain = out_.domain;
        Sanitize();
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
    const Dictionary& dict_;
    const model::Vocabulary& vocab_;
    std::string_view text_;
    const Budget& budget_;
    std::vector<std::size_t> utf16_;                       // byte offset → UTF-16 offset (see Utf16)
    mutable std::map<std::string, std::string> named_by_;  // entity name → the resource that named it
    std::map<const StackSpec*, Spans> stack_spans_;        // where each named technology is written
    TokenizedText tokens_;
    std::vector<Mention> mentions_;
    std::vector<int> entity_mention_over_;  // see IndexMentions
    std::vector<std::vector<std::size_t>> field_mentions_at_;
    const DomainSpec* domain_ = nullptr;
    std::vector<ChosenEntity> chosen_;
    Structure structure_;
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
    return std::make_unique<RuleAnalyzer>(std::move(lexicon.value()), Dictionary::Embedded());
}

Result<Analysis> RuleAnalyzer::Analyze(std::string_view text, const model::Vocabulary& vocab, const Budget& budget) {
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
    return Run(lexicon_, dictionary_, vocab, text, budget).Go();
}

Result<Analysis> AnalyzePrototypeForm(Analyzer& analyzer, const PrototypeForm& form, const model::Vocabulary& vocab,
                                      const Budget& budget) {
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
    auto analysed = analyzer.Analyze(text, vocab, budget);
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

namespace {

std::string Folded(std::string_view s) {
    std::string out;
    for (const Token& t : Tokenize(s).tokens) out += (out.empty() ? "" : " ") + t.norm;
    return out;
}

Error CorrectionError(std::size_t i, const std::string& key, const std::string& reason) {
    const std::string field = "corrections[" + std::to_string(i) + "]." + key;
    return MakeError(ErrorCode::kInvalidArgument, field + ": " + reason, {{field, reason}});
}

/// The entity a correction names: by its name (case-insensitive) or by the words of the text that named it.
model::Entity* FindCorrected(Analysis& a, const std::string& name) {
    const std::string folded = Folded(name);
    for (model::Entity& e : a.model.entities) {
        if (AsciiLower(e.name) == AsciiLower(name)) return &e;
        const auto w = a.entity_words.find(e.name);
        if (w != a.entity_words.end() && !folded.empty() && Folded(w->second) == folded) return &e;
    }
    return nullptr;
}

void DropEntity(Analysis& a, const std::string& name) {
    std::erase_if(a.model.entities, [&](const model::Entity& e) { return e.name == name; });
    for (model::Entity& e : a.model.entities) {
        std::erase_if(e.fields,
                      [&](const model::Field& f) { return f.type == model::FieldType::kRef && f.ref == name; });
    }
    a.entity_words.erase(name);
}

std::string KnownEntities(const Analysis& a) {
    std::vector<std::string> names;
    for (const model::Entity& e : a.model.entities) names.push_back(e.name);
    return names.empty() ? "there are none" : "entities: " + Join(names, ", ");
}

}  // namespace

Result<void> ApplyCorrections(Analysis& a, const std::vector<Correction>& corrections, const model::Vocabulary& vocab) {
    for (std::size_t i = 0; i < corrections.size(); ++i) {
        const Correction& c = corrections[i];
        if (c.kind == "role") {
            if (Trim(c.word).empty()) return CorrectionError(i, "word", "is required: the word that names a role");
            const std::string role = model::MakeNames(c.word).snake;
            if (role.empty()) return CorrectionError(i, "word", "gives no role name");
            if (model::Entity* e = FindCorrected(a, c.word)) {
                const std::string name = e->name;
                DropEntity(a, name);
                a.assumptions.push_back({"corrections", Quoted(c.word) + " is a role: " + name + " left out", {}});
            }
            if (!Contains(a.model.roles, role)) a.model.roles.push_back(role);
            a.assumptions.push_back({"corrections", "role " + role + " added", {}});
        } else if (c.kind == "not_entity") {
            model::Entity* e = FindCorrected(a, c.entity);
            if (e == nullptr)
                return CorrectionError(i, "entity", "no entity " + Quoted(c.entity) + " (" + KnownEntities(a) + ")");
            const std::string name = e->name;
            DropEntity(a, name);
            a.assumptions.push_back({"corrections", name + " is not an entity: left out", {}});
        } else if (c.kind == "rename") {
            model::Entity* e = FindCorrected(a, c.entity);
            if (e == nullptr)
                return CorrectionError(i, "entity", "no entity " + Quoted(c.entity) + " (" + KnownEntities(a) + ")");
            const std::string to = model::MakeNames(c.to).pascal;
            if (to.empty()) return CorrectionError(i, "to", "gives no entity name");
            const std::string old = e->name;
            e->name = to;
            for (model::Entity& other : a.model.entities) {
                for (model::Field& f : other.fields) {
                    if (f.type == model::FieldType::kRef && f.ref == old) f.ref = to;
                }
            }
            if (auto w = a.entity_words.extract(old)) {
                w.key() = to;
                a.entity_words.insert(std::move(w));
            }
            a.assumptions.push_back({"corrections", old + " renamed " + to, {}});
        } else if (c.kind == "values") {
            model::Entity* e = FindCorrected(a, c.entity);
            if (e == nullptr)
                return CorrectionError(i, "entity", "no entity " + Quoted(c.entity) + " (" + KnownEntities(a) + ")");
            const std::string field = model::MakeNames(c.field).snake;
            if (field.empty()) return CorrectionError(i, "field", "is required: the field whose values these are");
            if (c.values.size() < 2) return CorrectionError(i, "values", "an enum needs at least two values");
            std::vector<std::string> values;
            for (const std::string& v : c.values) {
                const std::string id = model::MakeNames(v).snake;
                if (id.empty()) return CorrectionError(i, "values", Quoted(v) + " gives no value name");
                AddUnique(values, id);
            }
            auto it = std::find_if(e->fields.begin(), e->fields.end(),
                                   [&](const model::Field& f) { return f.name == field; });
            if (it == e->fields.end()) {
                model::Field f;
                f.name = field;
                e->fields.push_back(std::move(f));
                it = e->fields.end() - 1;
            }
            it->type = model::FieldType::kEnum;
            it->values = std::move(values);
            it->ref.clear();
            a.assumptions.push_back(
                {"corrections", e->name + "." + field + " is an enum: " + Join(it->values, ", "), {}});
        } else {
            return CorrectionError(
                i, "kind", "unknown correction " + Quoted(c.kind) + " (known: role, not_entity, rename, values)");
        }
    }
    auto parsed = model::ParseModelValue(model::ToSpec(a.model), "corrected analysis", vocab);
    if (!parsed) {
        Error e = parsed.take_error();
        e.message = "the corrected model is not valid: " + e.message;
        return e;
    }
    a.model = std::move(parsed.value());
    return Ok();
}

json::value AnalysisToJson(const Analysis& analysis) {
    json::object out;
    out["model"] = model::ToJson(analysis.model);
    json::array assumptions;
    for (const Assumption& a : analysis.assumptions) {
        json::object o{{"field", a.field}, {"message", a.message}};
        if (!a.spans.empty()) {
            json::array spans;
            for (const auto& [start, end] : a.spans) spans.push_back(json::object{{"start", start}, {"end", end}});
            o["spans"] = std::move(spans);
        }
        assumptions.push_back(std::move(o));
    }
    out["assumptions"] = std::move(assumptions);
    out["language"] = analysis.language;
    out["domain"] = analysis.domain;
    out["domain_confidence"] = analysis.domain_confidence;
    out["engine"] = analysis.engine;
    json::object words;
    for (const auto& [name, surface] : analysis.entity_words) words[name] = surface;
    out["entity_words"] = std::move(words);
    return out;
}

}  // namespace dihya::analyze
