#include "analyze/structure.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyze/naming.hpp"
#include "model/utf8.hpp"

namespace dihya::analyze {

namespace {

enum class Role {
    kWord,
    kAdjective,
    kDet,
    kConj,
    kEach,
    kFieldIntro,
    kHas,
    kManage,
    kBelongs,
    kHasMany,
    kContains,
    kModal,
    kVerb,
    kAction,
    kLinker,
    kStop,
    kBreak,
};

enum Mark : unsigned { kComma = 1, kOpen = 2, kClose = 4, kColon = 8, kSlash = 16 };

constexpr std::size_t kMaxFieldWords = 5;
constexpr std::size_t kMaxStatedFields = 40;
/// Longer sentences are read in pieces (cut at punctuation when there is some): every rule looks within one
/// sentence, so this bound keeps the whole reading linear in the length of the text.
constexpr std::size_t kMaxSentenceTokens = 96;
/// A phrase is a few words ("date de retour prévue"); a run of more words is read as several phrases.
constexpr std::size_t kMaxPhraseWords = 8;

/// Categories of the lexicon mentions that cover a token (bits).
enum Covered : unsigned { kCoveredEntity = 1, kCoveredField = 2, kCoveredDomain = 4 };

struct Phrase {
    std::size_t first = 0, last = 0;  // tokens [first, last)
    std::size_t head = 0;
    std::vector<std::size_t> words;  // without linkers
    bool det_before = false;
    bool plural_det = false;
    std::size_t before = 0;  // the token before the phrase and its determiners (valid when has_before)
    bool has_before = false;
};

struct Item {
    enum Kind { kPhrase, kRole, kMark } kind = kRole;
    Role role = Role::kStop;
    unsigned mark = 0;
    std::size_t index = 0;  // phrase index or token
};

bool Has(const std::vector<std::string>& list, std::string_view w) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

class Reader final {
public:
    Reader(std::string_view text, const TokenizedText& tokens, const std::vector<Mention>& mentions,
           const Grammar& grammar, std::string_view language, const Budget& budget)
        : text_(text),
          tt_(tokens),
          t_(tokens.tokens),
          mentions_(mentions),
          g_(grammar),
          lang_(language),
          budget_(budget) {}

    Structure Go() {
        const std::size_t n = t_.size();
        out_.field_word.assign(n, false);
        out_.purpose.assign(n, false);
        in_entity_.assign(n, -1);
        IndexMentions();
        Variants();
        Marks();
        Roles();
        TitleLabel();
        BuildPhrases();
        std::size_t start = 0;
        while (start < n) {
            if (!budget_.Check()) return std::move(out_);  // the caller reports the budget
            std::size_t end = start;
            while (end < n && t_[end].sentence == t_[start].sentence && end - start < kMaxSentenceTokens) ++end;
            if (end < n && t_[end].sentence == t_[start].sentence) {
                // A long sentence: cut after the last punctuation of the piece's second half, if any.
                for (std::size_t cut = end - 1; cut > start + kMaxSentenceTokens / 2; --cut) {
                    if (marks_[cut] != 0) {
                        end = cut;
                        break;
                    }
                }
            }
            Sentence(start, end);
            start = end;
        }
        Bullets();
        FreeNouns();
        std::sort(out_.entities.begin(), out_.entities.end(),
                  [](const StatedEntity& a, const StatedEntity& b) { return a.head < b.head; });
        return std::move(out_);
    }

private:
    // --- per token

    void IndexMentions() {
        const std::size_t n = t_.size();
        mention_at_.assign(n, -1);
        covered_.assign(n, 0);
        for (std::size_t k = 0; k < mentions_.size(); ++k) {
            const Mention& m = mentions_[k];
            if (m.first < n && mention_at_[m.first] < 0) mention_at_[m.first] = static_cast<int>(k);
            const unsigned bit = m.term->category == Category::kEntity   ? kCoveredEntity
                                 : m.term->category == Category::kField  ? kCoveredField
                                 : m.term->category == Category::kDomain ? kCoveredDomain
                                                                         : 0U;
            for (std::size_t w = m.first; w < m.first + m.count && w < n; ++w) covered_[w] |= bit;
        }
    }

    bool CoveredBy(std::size_t w, unsigned bits) const { return (covered_[w] & bits) != 0; }

    void Variants() {
        for (const Token& tok : t_) {
            std::vector<std::string> v = TokenVariants(tok);
            if (!tok.arabic && lang_ == "en") {
                const std::string& w = tok.norm;
                const auto strip = [&](std::string_view suffix, std::string_view add) {
                    if (w.size() > suffix.size() + 2 && w.substr(w.size() - suffix.size()) == suffix) {
                        v.push_back(w.substr(0, w.size() - suffix.size()) + std::string(add));
                    }
                };
                strip("ed", "");
                strip("ed", "e");
                strip("ing", "");
                strip("ing", "e");
            }
            if (tok.arabic) v.push_back(ArabicStem(tok.norm));
            variants_.push_back(std::move(v));
        }
    }

    unsigned MarksIn(std::string_view gap) const {
        unsigned m = 0;
        if (gap.find(',') != std::string_view::npos || gap.find("\xD8\x8C") != std::string_view::npos) m |= kComma;
        if (gap.find_first_of("([") != std::string_view::npos) m |= kOpen;
        if (gap.find_first_of(")]") != std::string_view::npos) m |= kClose;
        if (gap.find(':') != std::string_view::npos || gap.find("\xEF\xBC\x9A") != std::string_view::npos) m |= kColon;
        // "Shows - title, description": a dash between spaces introduces what follows, as a colon does — on the
        // same line (a dash that starts an indented line is a bullet).
        const std::string_view same_line = gap.substr(0, gap.find('\n'));
        for (std::string_view dash : {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
            if (same_line.find(dash) != std::string_view::npos) m |= kColon;
        }
        if (gap.find('/') != std::string_view::npos) m |= kSlash;
        return m;
    }

    void Marks() {
        for (std::size_t i = 0; i < t_.size(); ++i) {
            const std::size_t from = i == 0 ? 0 : t_[i - 1].end;
            marks_.push_back(i == 0 ? 0 : MarksIn(text_.substr(from, t_[i].begin - from)));
            const std::size_t to = i + 1 < t_.size() ? t_[i + 1].begin : text_.size();
            marks_after_.push_back(MarksIn(text_.substr(t_[i].end, to - t_[i].end)));
        }
    }

    /// The length of the longest phrase of `list` at token i (0 when none), within a sentence and without
    /// punctuation inside.
    std::size_t Match(std::size_t i, const Phrases& list) const {
        std::size_t best = 0;
        for (const auto& p : list) {
            if (p.size() <= best || i + p.size() > t_.size()) continue;
            bool ok = true;
            for (std::size_t j = 0; j < p.size() && ok; ++j) {
                ok = Has(variants_[i + j], p[j]) && t_[i + j].sentence == t_[i].sentence &&
                     (j == 0 || marks_[i + j] == 0);
            }
            if (ok) best = p.size();
        }
        return best;
    }

    const Mention* MentionAt(std::size_t i) const {
        return mention_at_[i] < 0 ? nullptr : &mentions_[static_cast<std::size_t>(mention_at_[i])];
    }

    void Roles() {
        const std::size_t n = t_.size();
        role_.assign(n, Role::kWord);
        span_at_.assign(n, 1);
        std::size_t i = 0;
        while (i < n) {
            const bool after_det = i > 0 && (role_[i - 1] == Role::kDet || role_[i - 1] == Role::kEach) &&
                                   t_[i - 1].sentence == t_[i].sentence;
            const bool grave_a = text_.substr(t_[i].begin, 2) == "\xC3\xA0";  // French "à" is not "a" (has)
            Role role = Role::kWord;
            std::size_t span = 0;
            const auto consider = [&](const Phrases& list, Role r) {
                const std::size_t m = Match(i, list);
                if (m > span) {
                    span = m;
                    role = r;
                }
            };
            consider(g_.contains, Role::kContains);
            consider(g_.has_many, Role::kHasMany);
            consider(g_.belongs, Role::kBelongs);
            consider(g_.each, Role::kEach);
            consider(g_.field_intro, Role::kFieldIntro);
            consider(g_.manage, Role::kManage);
            if (!grave_a && !after_det) consider(g_.has, Role::kHas);
            consider(g_.conjunctions, Role::kConj);
            if (!after_det) consider(g_.modals, Role::kModal);
            consider(g_.linkers, Role::kLinker);
            consider(g_.determiners, Role::kDet);
            if (!after_det) {
                std::size_t action_span = 0;
                std::string action;
                for (const auto& [entity, verbs] : g_.actions) {
                    const std::size_t m = Match(i, verbs);
                    if (m > action_span) {
                        action_span = m;
                        action = entity;
                    }
                }
                const bool context =
                    i > 0 && t_[i - 1].sentence == t_[i].sentence &&
                    (role_[i - 1] == Role::kModal || (role_[i - 1] == Role::kWord && marks_[i] == 0 &&
                                                      (grave_a || IsPluralWord(i - 1) || t_[i - 1].capitalized)));
                if (action_span > span && context) {
                    span = action_span;
                    role = Role::kAction;
                    actions_[i] = action;
                }
                // A verb's object is a noun ("users write posts"), and so is an English sentence's first word in
                // -s ("volunteers record shifts"): imperatives take the bare form.
                const bool sentence_start = i == 0 || t_[i - 1].sentence != t_[i].sentence;
                const bool after_verb =
                    i > 0 && !sentence_start &&
                    (role_[i - 1] == Role::kVerb || role_[i - 1] == Role::kManage || role_[i - 1] == Role::kAction);
                // ... and so is the first word in -s of a relative clause ("a portal where volunteers organise").
                const bool clause_start = sentence_start || (i > 0 && Match(i - 1, g_.relatives) == 1);
                const bool subject = lang_ == "en" && clause_start && IsPluralWord(i);
                if (!after_verb && !subject) consider(g_.verbs, Role::kVerb);
            }
            consider(g_.adjectives, Role::kAdjective);
            bool known = false;  // a lexicon entity or field
            if (const Mention* m = MentionAt(i); m != nullptr && m->count > span) {
                const Category c = m->term->category;
                if (c == Category::kStack || c == Category::kStackContext || c == Category::kNameCue ||
                    c == Category::kLocale) {
                    role = Role::kBreak;
                    span = m->count;
                } else if (c == Category::kIgnore) {
                    role = Role::kStop;
                    span = m->count;
                } else if (c == Category::kEntity || c == Category::kField) {
                    role = Role::kWord;
                    span = 0;  // the words stay words
                    known = true;
                }
            }
            if (span == 0) {
                span = 1;
                role = Role::kWord;
                if (grave_a || IsStopword(i)) role = Role::kStop;
                // English: an unknown bare word between a plural noun and another noun is a verb ("volunteers
                // organise clean-ups"): noun compounds take singular modifiers ("time entries").
                if (role == Role::kWord && !known && lang_ == "en" && i > 0 && i + 1 < n && !t_[i].arabic &&
                    t_[i - 1].sentence == t_[i].sentence && t_[i + 1].sentence == t_[i].sentence &&
                    role_[i - 1] == Role::kWord && marks_[i] == 0 && marks_[i + 1] == 0 && IsPluralWord(i - 1) &&
                    !IsPluralWord(i) && !IsStopword(i + 1)) {
                    role = Role::kVerb;
                }
                // Adverbs ("quickly") are not names, but "an hourly rate" is.
                if (!t_[i].arabic && t_[i].norm.size() > 3 && t_[i].norm.substr(t_[i].norm.size() - 2) == "ly" &&
                    lang_ == "en" && !after_det) {
                    role = Role::kStop;
                }
                if (t_[i].norm.find_first_not_of("0123456789") == std::string::npos) role = Role::kStop;
            }
            for (std::size_t j = i; j < i + span && j < n; ++j) role_[j] = role;
            if (span > 1) span_at_[i] = span;
            i += span;
        }
    }

    /// "Project: TaskFlow. A tool for ..." at the start of a line: the words up to the end of the sentence are the
    /// project's title, not entities.
    void TitleLabel() {
        const std::size_t n = t_.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (i > 0 && t_[i - 1].line == t_[i].line) continue;
            const std::size_t m = Match(i, g_.title_labels);
            if (m == 0 || i + m >= n || (marks_after_[i + m - 1] & kColon) == 0) continue;
            const std::size_t first = i + m;
            if (t_[first].line != t_[i].line) continue;
            std::size_t last = first;
            while (last < n && t_[last].sentence == t_[first].sentence) ++last;
            for (std::size_t w = i; w < last; ++w) {
                role_[w] = Role::kBreak;
                out_.purpose[w] = true;
            }
            if (out_.title.empty()) {
                out_.title = std::string(text_.substr(t_[first].begin, t_[last - 1].end - t_[first].begin));
            }
        }
    }

public:
    void SetStopwords(const std::vector<std::string>& stop) { stopwords_ = stop; }

private:
    bool IsStopword(std::size_t i) const {
        if (Has(stopwords_, t_[i].norm)) return true;
        // Arabic writes "and" and "so" onto the next word: "وإلى", "فمن" are grammar words too.
        if (!t_[i].arabic || model::utf8::Length(t_[i].norm) < 3) return false;
        for (const char* conj : {"\xD9\x88", "\xD9\x81"}) {  // و, ف
            if (t_[i].norm.rfind(conj, 0) == 0 && Has(stopwords_, t_[i].norm.substr(2))) return true;
        }
        return false;
    }

    bool IsPluralWord(std::size_t i) const {
        if (t_[i].arabic) return false;
        return SingularWord(t_[i].norm, lang_, g_) != t_[i].norm;
    }

    bool ConjPrefix(std::size_t i) const {
        return t_[i].arabic && t_[i].norm.rfind("\xD9\x88", 0) == 0 && model::utf8::Length(t_[i].norm) >= 4 &&
               ArabicStem(t_[i].norm) != t_[i].norm;
    }

    bool Wordish(std::size_t i) const { return role_[i] == Role::kWord || role_[i] == Role::kAdjective; }

    void BuildPhrases() {
        const std::size_t n = t_.size();
        phrase_of_.assign(n, -1);
        std::size_t i = 0;
        while (i < n) {
            if (!Wordish(i)) {
                ++i;
                continue;
            }
            Phrase p;
            p.first = i;
            std::size_t j = i;
            while (true) {
                p.words.push_back(j);
                const std::size_t next = j + 1;
                if (next >= n || t_[next].sentence != t_[i].sentence || marks_[next] != 0) break;
                if (p.words.size() >= kMaxPhraseWords) break;
                if (lang_ == "en" && IsPluralWord(j) && role_[j] == Role::kWord) break;
                if (ConjPrefix(next)) break;
                if (Wordish(next)) {
                    j = next;
                    continue;
                }
                // French "date de retour": a linker between two words, with no determiner after it.
                if (role_[next] == Role::kLinker && next + 1 < n && t_[next + 1].sentence == t_[i].sentence &&
                    marks_[next + 1] == 0 && role_[next + 1] == Role::kWord) {
                    j = next + 1;
                    continue;
                }
                break;
            }
            p.last = j + 1;
            if (std::all_of(p.words.begin(), p.words.end(),
                            [&](std::size_t w) { return role_[w] == Role::kAdjective; })) {
                i = p.last;
                continue;
            }
            // The head: English puts it last, French and Arabic first (adjectives are not heads).
            std::vector<std::size_t> nouns;
            for (std::size_t w : p.words) {
                if (role_[w] != Role::kAdjective) nouns.push_back(w);
            }
            p.head = lang_ == "en" ? nouns.back() : nouns.front();
            std::size_t k = p.first;
            while (k > 0 && t_[k - 1].sentence == t_[p.first].sentence &&
                   (role_[k - 1] == Role::kDet || role_[k - 1] == Role::kEach) && marks_[k] == 0) {
                --k;
                p.det_before = true;
                if (Match(k, g_.plural_determiners) > 0) p.plural_det = true;
            }
            if (k > 0 && t_[k - 1].sentence == t_[p.first].sentence) {
                p.before = k - 1;
                p.has_before = true;
            }
            for (std::size_t w = p.first; w < p.last; ++w) phrase_of_[w] = static_cast<int>(phrases_.size());
            phrases_.push_back(std::move(p));
            i = phrases_.back().last;
        }
    }

    // --- one sentence

    std::vector<Item> Items(std::size_t start, std::size_t end) const {
        std::vector<Item> items;
        std::size_t i = start;
        while (i < end) {
            if (marks_[i] != 0 && i != start) items.push_back({Item::kMark, Role::kStop, marks_[i], i});
            // "والأعضاء" after a word or a comma: "and"; right after a verb ("لإدارة ورشة") it is a letter of the word.
            if (ConjPrefix(i) && !items.empty() &&
                (items.back().kind == Item::kPhrase || items.back().kind == Item::kMark))
                items.push_back({Item::kRole, Role::kConj, 0, i});
            if (phrase_of_[i] >= 0) {
                const Phrase& p = phrases_[static_cast<std::size_t>(phrase_of_[i])];
                items.push_back({Item::kPhrase, Role::kWord, 0, static_cast<std::size_t>(phrase_of_[i])});
                i = p.last;
                continue;
            }
            items.push_back({Item::kRole, role_[i], 0, i});
            const std::size_t span = span_at_[i];
            i += span;
        }
        if (end > start && (marks_after_[end - 1] & (kClose | kColon)) != 0) {
            items.push_back({Item::kMark, Role::kStop, marks_after_[end - 1] & (kClose | kColon), end});
        }
        return items;
    }

    bool NotEntity(const Phrase& p) const {
        // "projects", "applications": a lexicon entity in the plural names things the model keeps.
        if (IsPluralWord(p.head) && CoveredBy(p.head, kCoveredEntity)) return false;
        // Only a generic head word counts: "time entries" and "report templates" may be entities.
        for (std::size_t w : p.words) {
            const std::size_t m = Match(w, g_.not_entities);
            if (m > 0 && w <= p.head && p.head < w + m) return true;
        }
        // A domain word that is not also an entity ("boutique", "clinic") describes the product.
        return CoveredBy(p.head, kCoveredDomain) && !CoveredBy(p.head, kCoveredEntity);
    }

    StatedEntity& Entity(const Phrase& p, int strength) {
        if (const auto it = entity_of_head_.find(p.head); it != entity_of_head_.end()) {
            StatedEntity& e = out_.entities[it->second];
            e.strength = std::max(e.strength, strength);
            return e;
        }
        StatedEntity e;
        e.head = p.head;
        for (std::size_t w : p.words) {
            if (role_[w] != Role::kAdjective) e.tokens.push_back(w);
        }
        e.strength = strength;
        entity_of_head_.emplace(p.head, out_.entities.size());
        out_.entities.push_back(std::move(e));
        for (std::size_t w = p.first; w < p.last; ++w) in_entity_[w] = 1;
        return out_.entities.back();
    }

    static bool IsMark(const Item& it, unsigned m) { return it.kind == Item::kMark && (it.mark & m) != 0; }
    static bool IsRole(const Item& it, Role r) { return it.kind == Item::kRole && it.role == r; }

    /// Fields from items[k]: "title, ISBN, author and publication year", "a due date and a return date",
    /// "status (open, closed)". Stops at a closing parenthesis when `paren`.
    std::size_t FieldList(const std::vector<Item>& items, std::size_t k, bool paren, std::vector<StatedField>& out) {
        while (k < items.size()) {
            const Item& it = items[k];
            if (IsMark(it, kClose)) return paren ? k + 1 : k;
            if (it.kind == Item::kMark || IsRole(it, Role::kConj) || IsRole(it, Role::kDet)) {
                ++k;
                continue;
            }
            if (it.kind != Item::kPhrase) {
                // "distance in km", "fuel used": a stop word or verb inside one field.
                const bool joins = (it.role == Role::kStop || it.role == Role::kVerb || it.role == Role::kLinker) &&
                                   !out.empty() && k + 1 < items.size() && items[k + 1].kind == Item::kPhrase &&
                                   k > 0 && items[k - 1].kind == Item::kPhrase &&
                                   out.back().tokens.size() < kMaxFieldWords;
                if (joins) {
                    const Phrase& q = phrases_[items[k + 1].index];
                    const bool keep = TypePrefix(out.back().tokens, it.index);  // "number of frames"
                    for (std::size_t w = it.index; w < q.last; ++w) {
                        if ((w == it.index && keep) ||
                            (role_[w] != Role::kStop && role_[w] != Role::kLinker && role_[w] != Role::kDet)) {
                            out.back().tokens.push_back(w);
                        }
                        out_.field_word[w] = true;
                    }
                    k += 2;
                    continue;
                }
                if (it.role == Role::kVerb && !out.empty() && k > 0 && items[k - 1].kind == Item::kPhrase &&
                    out.back().tokens.size() < kMaxFieldWords &&
                    (k + 1 >= items.size() || items[k + 1].kind != Item::kPhrase)) {
                    out.back().tokens.push_back(it.index);  // "fuel used"
                    out_.field_word[it.index] = true;
                    ++k;
                    continue;
                }
                return k;
            }
            const Phrase& p = phrases_[it.index];
            if (p.words.size() > kMaxFieldWords) return k;
            if (out.size() >= kMaxStatedFields) return k;
            StatedField f;
            f.tokens = p.words;
            for (std::size_t w = p.first; w < p.last; ++w) out_.field_word[w] = true;
            ++k;
            bool whole = false;
            k = Values(items, k, f, whole);
            if (whole) {
                // "menu with dishes and drinks (name, price, description)": the fields of the whole.
                out.push_back(std::move(f));
                return FieldList(items, k, true, out);
            }
            out.push_back(std::move(f));
        }
        return k;
    }

    /// The values listed after a field at items[k]: "status (open, closed)", "statut : ouvert, clos". Returns the
    /// next item; `whole` when a parenthesis lists fields instead (of the whole list before it).
    std::size_t Values(const std::vector<Item>& items, std::size_t k, StatedField& f, bool& whole) {
        // "status (open, closed)", "status: open/closed" are the values of an enum.
        if (k < items.size() && IsMark(items[k], kOpen) && k + 1 < items.size()) {
            std::size_t v = k;
            std::vector<std::string> values;
            bool closed = false;
            while (++v < items.size()) {
                if (IsMark(items[v], kClose)) {
                    closed = true;
                    break;
                }
                if (items[v].kind == Item::kPhrase) {
                    const Phrase& q = phrases_[items[v].index];
                    std::string value;
                    for (std::size_t w : q.words)
                        value += (value.empty() ? "" : "_") + IdentifierWord(t_[w], lang_, g_, false);
                    if (!value.empty()) values.push_back(value);
                } else if (items[v].kind == Item::kRole && items[v].role != Role::kConj &&
                           items[v].role != Role::kDet) {
                    // Any word listed between the parentheses is a value ("(comedy, business, tech)" where
                    // "business" is also a grammar word), unless it joins words into a sentence.
                    if (items[v].role == Role::kModal || items[v].role == Role::kEach) break;
                    values.push_back(IdentifierWord(t_[items[v].index], lang_, g_, false));
                }
            }
            if (closed && values.size() >= 2 && (EnumLike(f.tokens) || ValueList(f, items, k, v))) {
                f.values = values;
                for (std::size_t x = items[k].index; x < items[v].index && x < t_.size(); ++x)
                    out_.field_word[x] = true;
                k = v + 1;
            } else if (closed) {
                // "menu with dishes and drinks (name, price, description)": after a plural, several words in
                // parentheses are the fields of the whole. Anything else in parentheses annotates this field — a
                // unit "(kg)", a note "(generated automatically)", an example — and the list goes on after it.
                std::size_t listed = 0;
                for (std::size_t x = k + 1; x < v; ++x) listed += items[x].kind == Item::kPhrase ? 1 : 0;
                if (listed >= 2 && !f.tokens.empty() && IsPluralWord(f.tokens.back())) {
                    whole = true;
                    return k + 1;
                }
                for (std::size_t x = items[k].index; x <= items[v].index && x < t_.size(); ++x)
                    out_.field_word[x] = true;
                k = v + 1;
            }
        }
        // "a status: draft, active or closed": the values follow a colon, without determiners.
        if (k + 1 < items.size() && IsMark(items[k], kColon) &&
            (EnumLike(f.tokens) || ValueList(f, items, k, ColonListEnd(items, k)))) {
            std::size_t v = k + 1;
            std::vector<std::string> values;
            std::size_t end = k;
            while (v < items.size()) {
                const Item& x = items[v];
                if (x.kind == Item::kPhrase) {
                    const Phrase& q = phrases_[x.index];
                    if (q.det_before || q.words.size() > 2) break;
                    std::string value;
                    for (std::size_t w : q.words)
                        value += (value.empty() ? "" : "_") + IdentifierWord(t_[w], lang_, g_, false);
                    values.push_back(value);
                    end = v;
                    ++v;
                    continue;
                }
                if (IsRole(x, Role::kAdjective) && (x.index == 0 || role_[x.index - 1] != Role::kDet)) {
                    values.push_back(IdentifierWord(t_[x.index], lang_, g_, false));  // "ouverte"
                    end = v;
                    ++v;
                    continue;
                }
                if (IsMark(x, kClose | kOpen | kColon)) break;
                if (x.kind == Item::kMark || IsRole(x, Role::kConj)) {
                    ++v;
                    continue;
                }
                break;
            }
            if (values.size() >= 2) {
                f.values = values;
                for (std::size_t x = k; x <= end; ++x) {
                    if (items[x].kind != Item::kPhrase) continue;
                    const Phrase& q = phrases_[items[x].index];
                    for (std::size_t w = q.first; w < q.last; ++w) out_.field_word[w] = true;
                }
                k = end + 1;
            }
        }
        return k;
    }

    /// The item after the words listed after a colon at items[k] (to the end of the sentence or a determiner).
    std::size_t ColonListEnd(const std::vector<Item>& items, std::size_t k) const {
        std::size_t v = k + 1;
        while (v < items.size()) {
            const Item& x = items[v];
            if (x.kind == Item::kPhrase && phrases_[x.index].det_before) break;
            if (x.kind == Item::kRole && x.role != Role::kConj && x.role != Role::kAdjective) break;
            ++v;
        }
        return v;
    }

    /// Whether `field` followed by the word at `join` starts like a typed field ("number of", "nombre de").
    bool TypePrefix(const std::vector<std::size_t>& field, std::size_t join) const {
        std::vector<std::vector<std::string>> words;
        for (std::size_t w : field) words.push_back(variants_[w]);
        words.push_back(variants_[join]);
        for (const TypeRule& rule : g_.type_rules) {
            for (const auto& p : rule.first) {
                if (p.size() == words.size() && PhraseAt(words, 0, p)) return true;
            }
        }
        return false;
    }

    /// "a level (beginner, confirmed, instructor)": a field in the singular followed in parentheses by short words
    /// none of which reads as a field lists its values.
    bool ValueList(const StatedField& f, const std::vector<Item>& items, std::size_t open, std::size_t close) const {
        if (f.tokens.empty() || IsPluralWord(f.tokens.back())) return false;
        for (std::size_t x = open + 1; x < close; ++x) {
            if (items[x].kind != Item::kPhrase) continue;
            const Phrase& q = phrases_[items[x].index];
            if (q.words.size() > 2) return false;
            StatedField value;
            value.tokens = q.words;
            if (FieldLike(value)) return false;
        }
        return true;
    }

    /// The type the field-type rules give these words, remembered for runs of consecutive tokens (the same
    /// phrase is asked about again and again in long lists).
    const std::string& TypeOf(const std::vector<std::size_t>& tokens) const {
        const bool run = !tokens.empty() && tokens.size() < 64 && tokens.back() - tokens.front() + 1 == tokens.size() &&
                         std::is_sorted(tokens.begin(), tokens.end());
        const std::uint64_t key = run ? (static_cast<std::uint64_t>(tokens.front()) << 6) | tokens.size() : 0;
        if (run) {
            if (const auto it = type_of_run_.find(key); it != type_of_run_.end()) return it->second;
        }
        std::vector<std::vector<std::string>> words;
        for (std::size_t w : tokens) words.push_back(variants_[w]);
        std::string type = InferFieldType(words, g_);
        if (!run) {
            scratch_type_ = std::move(type);
            return scratch_type_;
        }
        return type_of_run_.emplace(key, std::move(type)).first->second;
    }

    bool EnumLike(const std::vector<std::size_t>& tokens) const { return TypeOf(tokens) == "enum"; }

    /// Entities from items[k]: "books, members and loans", each maybe with its own fields.
    std::size_t EntityList(const std::vector<Item>& items, std::size_t k, bool paren) {
        while (k < items.size()) {
            const Item& it = items[k];
            if (IsMark(it, kClose)) return paren ? k + 1 : k;
            if (IsMark(it, kComma | kSlash) || IsRole(it, Role::kConj) || IsRole(it, Role::kDet)) {
                ++k;
                continue;
            }
            if (it.kind != Item::kPhrase) return k;
            const Phrase& p = phrases_[it.index];
            if (NotEntity(p)) return k;
            std::size_t next = k + 1;
            std::vector<StatedField> fields;
            if (next < items.size() && IsMark(items[next], kOpen)) {
                next = FieldList(items, next + 1, true, fields);
            } else if (next < items.size() && (IsRole(items[next], Role::kFieldIntro))) {
                next = FieldList(items, next + 1, false, fields);
            }
            StatedEntity& e = Entity(p, fields.empty() ? 2 : 3);
            Distribute(fields);
            for (StatedField& f : fields) e.fields.push_back(std::move(f));
            k = next;
        }
        return k;
    }

    /// "start and end location" → start_location, end_location.
    void Distribute(std::vector<StatedField>& fields) const {
        for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
            StatedField& a = fields[i];
            const StatedField& b = fields[i + 1];
            if (a.tokens.size() != 1 || b.tokens.size() < 2) continue;
            if (Match(a.tokens[0], g_.distributive) == 0 || Match(b.tokens[0], g_.distributive) == 0) continue;
            a.tokens.insert(a.tokens.end(), b.tokens.begin() + 1, b.tokens.end());
        }
    }

    /// Whether a phrase can name a thing: in French a noun comes after a determiner, at the start of a clause or
    /// in a list ("à louer" is a verb).
    bool NounLike(const Phrase& p) const {
        if (lang_ != "fr" || p.det_before || !p.has_before || marks_[p.first] != 0) return true;
        const Role r = role_[p.before];
        if (r == Role::kConj || r == Role::kManage || r == Role::kEach || r == Role::kFieldIntro) return true;
        return CoveredBy(p.head, kCoveredEntity) || t_[p.head].capitalized;
    }

    bool AtClauseStart(const Phrase& p) const {
        if (!p.has_before) return true;
        const Role r = role_[p.before];
        return r == Role::kStop || r == Role::kConj || marks_[p.first] != 0 || r == Role::kEach;
    }

    void Sentence(std::size_t start, std::size_t end) {
        const std::vector<Item> items = Items(start, end);
        // "an app for a gym": the first phrase after the product word describes the product.
        std::size_t leading = 0;
        for (std::size_t k = 0; k < items.size(); ++k) {
            // The product word may be a stop word too ("an app to run a consultancy").
            // "نظام لإدارة": a product word and a verb of management in one.
            const bool product_word = items[k].kind == Item::kRole &&
                                      (items[k].role == Role::kStop || items[k].role == Role::kManage) &&
                                      Match(items[k].index, g_.not_entities) > 0;
            if (items[k].kind != Item::kPhrase && !product_word) continue;
            if (!product_word) {
                const Phrase& product = phrases_[items[k].index];
                if (std::none_of(product.words.begin(), product.words.end(),
                                 [&](std::size_t w) { return Match(w, g_.not_entities) > 0; })) {
                    if (++leading > 2) break;  // only the sentence's first phrases may name the product
                    continue;
                }
                // "موقعا لنادي الشطرنج": in Arabic the product word and its subject make one phrase.
                const std::size_t m = Match(product.words.front(), g_.not_entities);
                if (lang_ == "ar" && m > 0 && product.words.size() > m) {
                    if (!ActionWord(product.words[m])) {  // "تطبيقا لحجز المواعيد": booking is what it does
                        out_.purpose[product.words[m]] = true;
                        out_.purpose_heads.push_back(product.words[m]);
                    }
                }
            }
            std::size_t j = k + 1;
            bool managed = false;   // "an app to manage a library": the library is the product's subject
            bool relative = false;  // "a platform where teachers create courses": teachers are actors
            while (j < items.size() && items[j].kind == Item::kRole &&
                   (items[j].role == Role::kStop || items[j].role == Role::kDet || items[j].role == Role::kModal ||
                    items[j].role == Role::kVerb || items[j].role == Role::kLinker || items[j].role == Role::kManage)) {
                managed = managed || items[j].role == Role::kManage;
                relative = relative || Match(items[j].index, g_.relatives) > 0;
                ++j;
            }
            if (relative || j >= items.size() || items[j].kind != Item::kPhrase) break;
            if (managed) {
                // Only one thing managed, named in the singular: "manage books, members and loans" lists entities.
                const Phrase& q = phrases_[items[j].index];
                const bool listed =
                    j + 1 < items.size() && (IsMark(items[j + 1], kComma) || IsRole(items[j + 1], Role::kConj));
                const bool plural = q.plural_det || (lang_ != "ar" && IsPluralWord(q.head));
                if (listed || plural) break;
            }
            const bool subject = j + 1 < items.size() && items[j + 1].kind == Item::kRole &&
                                 (items[j + 1].role == Role::kModal || items[j + 1].role == Role::kVerb ||
                                  items[j + 1].role == Role::kAction || items[j + 1].role == Role::kHas);
            if (subject) break;
            const Phrase& q = phrases_[items[j].index];
            for (std::size_t w = q.first; w < q.last; ++w) out_.purpose[w] = true;
            if (!q.plural_det && (lang_ == "ar" || !IsPluralWord(q.head)) && !ActionWord(q.head)) {
                out_.purpose_heads.push_back(q.head);
            }
            break;
        }
        std::size_t k = 0;
        while (k < items.size()) {
            const Item& it = items[k];
            // "A walk is scheduled, done or cancelled": the states of a record, an enum field of its own.
            if (it.kind == Item::kPhrase) {
                if (const std::size_t next = States(items, k); next > k) {
                    k = next;
                    continue;
                }
            }
            // "تحتوي الإصلاحات على قطع غيار لكل منها سعر": "each of them" gives fields to the entity just named.
            if (IsRole(it, Role::kEach) && lang_ == "ar" && k + 2 < items.size() && IsRole(items[k + 1], Role::kStop) &&
                OfThem(items[k + 1].index) && !out_.entities.empty() && items[k + 2].kind == Item::kPhrase) {
                std::vector<StatedField> fields;
                const std::size_t next = FieldList(items, k + 2, false, fields);
                // The entity just named: among the last ones added (they come in the order of the text, give or take).
                StatedEntity* last = &out_.entities.back();
                const std::size_t from = out_.entities.size() > 16 ? out_.entities.size() - 16 : 0;
                for (std::size_t x = from; x < out_.entities.size(); ++x) {
                    StatedEntity& e = out_.entities[x];
                    if (e.head < items[k].index && (last->head >= items[k].index || e.head >= last->head)) last = &e;
                }
                if (last->head < items[k].index) {
                    last->strength = std::max(last->strength, fields.empty() ? 2 : 3);
                    for (StatedField& f : fields) last->fields.push_back(std::move(f));
                }
                k = std::max(next, k + 2);
                continue;
            }
            if (IsRole(it, Role::kEach) && k + 1 < items.size() && items[k + 1].kind == Item::kPhrase) {
                const Phrase& p = phrases_[items[k + 1].index];
                std::size_t next = k + 2;
                // "each dog belongs to an owner": the relation, read from the phrase on.
                if (next < items.size() &&
                    (IsRole(items[next], Role::kBelongs) || IsRole(items[next], Role::kHasMany))) {
                    ++k;
                    continue;
                }
                // "each quiz contains questions with a prompt": the questions are entities of their own.
                if (next + 1 < items.size() && IsRole(items[next], Role::kContains)) {
                    std::size_t j = next + 1;
                    while (j < items.size() && IsRole(items[j], Role::kDet)) ++j;
                    if (j < items.size() && items[j].kind == Item::kPhrase) {
                        const Phrase& q = phrases_[items[j].index];
                        const bool described = j + 1 < items.size() &&
                                               (IsRole(items[j + 1], Role::kFieldIntro) || IsMark(items[j + 1], kOpen));
                        if ((q.plural_det || IsPluralWord(q.head) || !q.det_before) && described && !NotEntity(q) &&
                            !EnumLike(q.words)) {
                            k = Child(items, k + 1, j);
                            continue;
                        }
                    }
                }
                if (next < items.size() && (IsRole(items[next], Role::kHas) || IsRole(items[next], Role::kFieldIntro) ||
                                            IsRole(items[next], Role::kContains) || IsMark(items[next], kColon))) {
                    ++next;
                }
                std::vector<StatedField> fields;
                Phrase named = p;
                if (lang_ == "ar" && p.words.size() > 1 && !HasArticle(p.words[1])) {
                    // "لكل كتاب عنوان ومؤلف": no verb between the entity and its first field.
                    StatedField first;
                    first.tokens.assign(p.words.begin() + 1, p.words.end());
                    for (std::size_t w : first.tokens) out_.field_word[w] = true;
                    bool whole = false;
                    next = Values(items, next, first, whole);  // "لكل مباراة نتيجة (فوز، تعادل)"
                    fields.push_back(std::move(first));
                    named.words = {p.words[0]};
                    named.head = p.words[0];
                    named.last = p.words[0] + 1;
                }
                next = FieldList(items, next, false, fields);
                if (fields.empty() && NotEntity(named)) {  // "every Saturday", "chaque jour": a time, not a record
                    k = std::max(next, k + 2);
                    continue;
                }
                Distribute(fields);
                StatedEntity& e = Entity(named, fields.empty() ? 2 : 3);
                for (StatedField& f : fields) e.fields.push_back(std::move(f));
                k = std::max(next, k + 2);
                continue;
            }
            if (IsRole(it, Role::kManage)) {
                const std::size_t listed = out_.entities.size();
                const std::size_t after = EntityList(items, k + 1, false);
                if (out_.entities.size() == listed + 1 && k > 0) Relate(items, k - 1, out_.entities.back(), after);
                k = std::max(after, k + 1);
                continue;
            }
            // "تحتوي المشاريع على مهام": the verb first, then the whole, then its parts.
            if (IsRole(it, Role::kContains) && lang_ == "ar" && k + 1 < items.size() &&
                items[k + 1].kind == Item::kPhrase) {
                std::size_t j = k + 2;
                while (j < items.size() && items[j].kind == Item::kRole && items[j].role == Role::kStop) ++j;
                if (j < items.size() && items[j].kind == Item::kPhrase) {
                    k = Child(items, k + 1, j);
                    continue;
                }
            }
            if (IsRole(it, Role::kAction)) {
                Action(items, k);
                ++k;
                continue;
            }
            if (it.kind != Item::kPhrase || k + 1 >= items.size()) {
                ++k;
                continue;
            }
            const Phrase& p = phrases_[it.index];
            const Item& next = items[k + 1];
            if (!NounLike(p) || out_.purpose[p.head]) {
                ++k;
                continue;
            }
            std::vector<StatedField> fields;
            std::size_t after = k + 1;
            bool listed = false;
            if ((IsMark(next, kOpen) || IsMark(next, kColon)) && EnumLike(p.words)) {
                // "status (draft, active)" outside a list of fields: values, not an entity with fields.
                std::vector<StatedField> values;
                k = std::max(FieldList(items, k + 2, IsMark(next, kOpen), values), k + 1);
                for (const StatedField& v : values) {
                    for (std::size_t w : v.tokens) out_.field_word[w] = true;
                }
                continue;
            }
            if (IsRole(next, Role::kContains) && !NotEntity(p)) {
                std::size_t j = k + 2;
                while (j < items.size() && IsRole(items[j], Role::kDet)) ++j;
                if (j < items.size() && items[j].kind == Item::kPhrase) {
                    const Phrase& q = phrases_[items[j].index];
                    const bool parts =
                        lang_ == "ar" || q.plural_det || IsPluralWord(q.head) || !phrases_[items[j].index].det_before;
                    const bool described = j + 1 < items.size() &&
                                           (IsRole(items[j + 1], Role::kFieldIntro) || IsMark(items[j + 1], kOpen));
                    if (parts && !NotEntity(q) && !EnumLike(q.words) && (described || !FieldMentionAt(q.head))) {
                        k = Child(items, k, j);
                        continue;
                    }
                }
                after = FieldList(items, k + 2, false, fields);  // "each order contains a date and a total"
                listed = true;
            } else if (IsMark(next, kOpen)) {
                if (NotEntity(p)) {
                    ++k;  // "a shop of crafts (pottery, rugs)": examples
                    continue;
                }
                after = FieldList(items, k + 2, true, fields);
                listed = true;
                if (IsPluralWord(p.head) && !fields.empty() &&
                    std::none_of(fields.begin(), fields.end(), [&](const StatedField& f) { return FieldLike(f); })) {
                    for (StatedField& f : fields) f.weak = true;  // "courses (yoga, spinning)": maybe examples
                }
            } else if (IsMark(next, kColon)) {
                if (NotEntity(p)) {
                    k = std::max(EntityList(items, k + 2, false), k + 2);
                    continue;
                }
                after = FieldList(items, k + 2, false, fields);
                listed = true;
            } else if (IsRole(next, Role::kFieldIntro) && !NotEntity(p)) {
                after = FieldList(items, k + 2, false, fields);
                listed = true;
            } else if (IsRole(next, Role::kHas) && !NotEntity(p) && AtClauseStart(p)) {
                after = FieldList(items, k + 2, false, fields);
                listed = true;
            } else if ((IsRole(next, Role::kBelongs) || IsRole(next, Role::kHasMany)) && k + 2 < items.size()) {
                std::size_t j = k + 2;
                while (j < items.size() && IsRole(items[j], Role::kDet)) ++j;
                if (j < items.size() && items[j].kind == Item::kPhrase && !NotEntity(p) &&
                    !NotEntity(phrases_[items[j].index])) {
                    const Phrase& q = phrases_[items[j].index];
                    const std::size_t qhead = q.head;
                    const std::size_t phead = p.head;
                    if (IsRole(next, Role::kBelongs)) {
                        Entity(q, 2);
                        Entity(p, 2).refs.push_back(qhead);
                    } else {
                        Entity(p, 2);
                        Entity(q, 2).refs.push_back(phead);
                    }
                    k = j + 1;
                    continue;
                }
            }
            if (listed && !fields.empty()) {
                Distribute(fields);
                StatedEntity& e = Entity(p, 3);
                for (StatedField& f : fields) e.fields.push_back(std::move(f));
                k = std::max(after, k + 1);
                continue;
            }
            ++k;
        }
    }

    /// Arabic "منها", "منهم", "منه" (of them, of it).
    bool OfThem(std::size_t w) const {
        const std::string& s = t_[w].norm;
        return s == "\xD9\x85\xD9\x86\xD9\x87\xD8\xA7" || s == "\xD9\x85\xD9\x86\xD9\x87\xD9\x85" ||
               s == "\xD9\x85\xD9\x86\xD9\x87";
    }

    bool ActionWord(std::size_t w) const {
        return std::any_of(g_.actions.begin(), g_.actions.end(), [&](const auto& a) { return Match(w, a.second) > 0; });
    }

    /// Whether the lexicon knows the word at `w` as a field ("title", "date").
    bool FieldMentionAt(std::size_t w) const { return CoveredBy(w, kCoveredField); }

    /// Whether a listed word reads as a field rather than a value or an example: the lexicon knows it as a field or
    /// its words give it a type.
    bool FieldLike(const StatedField& f) const {
        for (std::size_t w : f.tokens) {
            if (FieldMentionAt(w)) return true;
        }
        const std::string& type = TypeOf(f.tokens);
        return type != "string" && type != "bool" && type != "enum";
    }

    /// "projects contain tasks with a title and a priority": the part (items[q]) is an entity of its own, with the
    /// fields stated after it, that refers to the whole (items[p]). Returns the next item.
    std::size_t Child(const std::vector<Item>& items, std::size_t p, std::size_t q) {
        const Phrase& whole = phrases_[items[p].index];
        const Phrase& part = phrases_[items[q].index];
        std::size_t next = q + 1;
        std::vector<StatedField> fields;
        if (next < items.size() && IsMark(items[next], kOpen)) {
            next = FieldList(items, next + 1, true, fields);
        } else if (next < items.size() && (IsRole(items[next], Role::kFieldIntro) || IsMark(items[next], kColon))) {
            next = FieldList(items, next + 1, false, fields);
        }
        const std::size_t whole_head = whole.head;
        Entity(whole, 2);
        Distribute(fields);
        StatedEntity& e = Entity(part, fields.empty() ? 2 : 3);
        for (StatedField& f : fields) e.fields.push_back(std::move(f));
        e.refs.push_back(whole_head);
        return std::max(next, q + 1);
    }

    /// "A walk is scheduled, done or cancelled", « une demande est acceptée ou refusée »: after the phrase at
    /// items[k], a word of state and two or more short values to the end of the sentence give that entity a status
    /// enum. Returns the item after the sentence, or k when the words do not read so.
    std::size_t States(const std::vector<Item>& items, std::size_t k) {
        if (k + 2 >= items.size() || items[k + 1].kind != Item::kRole) return k;
        const Phrase& subject = phrases_[items[k].index];
        const std::size_t at = items[k + 1].index;
        const std::size_t m = Match(at, g_.states);
        if (m == 0 || NotEntity(subject) || !AtClauseStart(subject)) return k;
        std::size_t v = k + 1;
        while (v < items.size() && items[v].kind != Item::kPhrase && items[v].index < at + m) ++v;
        // "is either": a conjunction may come first.
        while (v < items.size() && IsRole(items[v], Role::kConj)) ++v;
        std::vector<std::string> values;
        std::vector<std::size_t> words;
        bool separated = false;
        std::string current;  // the words of one value ("in transit", « en attente »)
        const auto add_word = [&](std::size_t w) {
            current += (current.empty() ? "" : "_") + IdentifierWord(t_[w], lang_, g_, false);
            words.push_back(w);
        };
        const auto push = [&]() {
            if (!current.empty()) values.push_back(std::move(current));
            current.clear();
        };
        for (; v < items.size(); ++v) {
            const Item& x = items[v];
            if (x.kind == Item::kPhrase) {
                const Phrase& q = phrases_[x.index];
                if (q.det_before || q.words.size() > 3) return k;
                for (std::size_t w : q.words) add_word(w);
                continue;
            }
            if (x.kind == Item::kMark) {
                if ((x.mark & (kComma | kSlash)) == 0) break;
                push();
                separated = true;
                continue;
            }
            if (x.role == Role::kConj) {
                push();
                separated = true;
                continue;
            }
            if (x.role == Role::kDet || x.role == Role::kModal || x.role == Role::kEach || x.role == Role::kHas ||
                x.role == Role::kFieldIntro) {
                return k;
            }
            add_word(x.index);
        }
        push();
        for (const std::string& value : values) {
            if (value.empty() || std::isdigit(static_cast<unsigned char>(value[0])) != 0) return k;
            if (std::count(value.begin(), value.end(), '_') > 2) return k;  // a clause, not a state
        }
        if (v < items.size() || values.size() < 2 || !separated) return k;
        StatedEntity& e = Entity(subject, 3);
        StatedField f;
        f.name = "status";
        f.values = std::move(values);
        e.fields.push_back(std::move(f));
        for (std::size_t w : words) out_.field_word[w] = true;
        return items.size();
    }

    /// "employees log time entries against tasks": a record made by its subject (items[s]) about the thing named
    /// after a preposition refers to both.
    void Relate(const std::vector<Item>& items, std::size_t s, StatedEntity& record, std::size_t after) {
        if (after + 1 >= items.size() || items[s].kind != Item::kPhrase) return;
        if (!IsRole(items[after], Role::kStop) || items[after + 1].kind != Item::kPhrase) return;
        const Phrase& subject = phrases_[items[s].index];
        const Phrase& other = phrases_[items[after + 1].index];
        if (NotEntity(subject) || NotEntity(other) || !AtClauseStart(subject)) return;
        const std::size_t record_head = record.head;
        const std::size_t subject_head = subject.head;
        const std::size_t other_head = other.head;
        Entity(subject, 1);
        Entity(other, 1);
        if (const auto it = entity_of_head_.find(record_head); it != entity_of_head_.end()) {
            StatedEntity& e = out_.entities[it->second];
            e.refs.push_back(subject_head);
            e.refs.push_back(other_head);
        }
    }

    /// "members can reserve a book": a Reservation that refers to the member and the book.
    void Action(const std::vector<Item>& items, std::size_t k) {
        StatedEntity e;
        e.head = items[k].index;
        e.tokens = {items[k].index};
        e.action = actions_[items[k].index];
        e.strength = 2;
        std::size_t b = k;
        while (b > 0 && items[b - 1].kind == Item::kRole && items[b - 1].role == Role::kModal) --b;
        if (b > 0 && items[b - 1].kind == Item::kPhrase) {
            const Phrase& s = phrases_[items[b - 1].index];
            if (!NotEntity(s)) {
                Entity(s, 1);
                e.refs.push_back(s.head);
            }
        }
        std::size_t a = k + 1;
        while (a < items.size() && items[a].kind == Item::kRole &&
               (items[a].role == Role::kDet || items[a].role == Role::kStop)) {
            ++a;
        }
        if (a < items.size() && items[a].kind == Item::kPhrase) {
            const Phrase& o = phrases_[items[a].index];
            if (!NotEntity(o)) {
                Entity(o, 1);
                e.refs.push_back(o.head);
            }
        }
        if (const auto it = entity_of_action_.find(e.action); it != entity_of_action_.end()) {
            StatedEntity& x = out_.entities[it->second];
            if (x.refs.size() < kMaxStatedFields) {
                for (std::size_t r : e.refs) x.refs.push_back(r);
            }
            return;
        }
        entity_of_action_.emplace(e.action, out_.entities.size());
        out_.entities.push_back(std::move(e));
    }

    // --- lists under a heading line ("Books:" then "- title", "- author")

    /// Whether the line of token `i` (its last) is a heading without a colon: one short phrase, after at most a
    /// number or a determiner ("1. Job openings", "## Books", "Les biens"), with a bullet on the next line.
    bool BareHeading(std::size_t i) const {
        const Phrase& p = phrases_[static_cast<std::size_t>(phrase_of_[i])];
        if (p.last != i + 1 || p.words.size() > 4 || i + 1 >= t_.size()) return false;
        const std::size_t line = t_[i].line;
        std::size_t before = 0;
        for (std::size_t x = p.first; x > 0 && t_[x - 1].line == line; --x) {
            if (phrase_of_[x - 1] >= 0 || ++before > 2) return false;
        }
        const std::size_t next = t_[i + 1].line;
        if (!tt_.lines[next].bullet) return false;
        // A bullet heads others only when it is numbered and they are not ("1. Job openings" over "- title").
        if (tt_.lines[line].bullet) return tt_.lines[line].numbered && !tt_.lines[next].numbered;
        return true;
    }

    void Bullets() {
        const std::size_t n = t_.size();
        for (std::size_t i = 0; i < n; ++i) {
            const bool last_of_line = i + 1 >= n || t_[i + 1].line != t_[i].line;
            if (!last_of_line || phrase_of_[i] < 0) continue;
            if ((marks_after_[i] & kColon) == 0 && !BareHeading(i)) continue;
            const Phrase& head = phrases_[static_cast<std::size_t>(phrase_of_[i])];
            const std::size_t line = t_[i].line;
            std::vector<StatedField> fields;
            std::vector<const Phrase*> listed;
            std::size_t j = i + 1;
            for (std::size_t l = line + 1; l < tt_.lines.size() && fields.size() < kMaxStatedFields; ++l) {
                if (j >= n) break;
                if (t_[j].line != l) {
                    if (tt_.lines[l].bullet) break;
                    continue;  // a blank line
                }
                if (!tt_.lines[l].bullet) break;
                if (tt_.lines[line].numbered && tt_.lines[l].numbered) break;  // the next numbered heading
                std::size_t end = j;
                while (end < n && t_[end].line == l) ++end;
                bool own = false;     // a bullet with its own structure ("- Books: title, author")
                bool commas = false;  // a bullet listing several fields ("- title, department, site")
                for (std::size_t x = j; x < end; ++x) {
                    const unsigned m = (x > j ? marks_[x] : 0u) | (x + 1 == end ? marks_after_[x] : 0u);
                    own = own || (m & kColon) != 0;
                    commas = commas || m != 0;
                }
                std::size_t first = j;
                while (first < end && (role_[first] == Role::kDet || role_[first] == Role::kStop)) ++first;
                if (!own && commas && !NotEntity(head)) {
                    // The fields it lists, as a sentence's list is read (values in parentheses included).
                    const std::vector<Item> items = Items(j, end);
                    std::vector<StatedField> more;
                    FieldList(items, 0, false, more);
                    for (StatedField& f : more) fields.push_back(std::move(f));
                } else if (!own && !commas && first < end && phrase_of_[first] >= 0) {
                    const Phrase& p = phrases_[static_cast<std::size_t>(phrase_of_[first])];
                    listed.push_back(&p);
                    StatedField f;
                    f.tokens = p.words;
                    fields.push_back(std::move(f));
                }
                j = end;
            }
            if (fields.empty()) continue;
            if (NotEntity(head)) {
                for (const Phrase* p : listed) {
                    if (!NotEntity(*p)) Entity(*p, 2);
                }
                continue;
            }
            for (const Phrase* p : listed) {
                for (std::size_t w = p->first; w < p->last; ++w) out_.field_word[w] = true;
            }
            StatedEntity& e = Entity(head, 3);
            for (StatedField& f : fields) e.fields.push_back(std::move(f));
        }
    }

    // --- subjects and objects

    bool HasArticle(std::size_t w) const {
        const std::string& s = t_[w].norm;
        for (std::string_view p : {"\xD8\xA7\xD9\x84", "\xD9\x88\xD8\xA7\xD9\x84", "\xD8\xA8\xD8\xA7\xD9\x84",
                                   "\xD9\x84\xD9\x84", "\xD9\x81\xD8\xA7\xD9\x84", "\xD9\x88\xD9\x84\xD9\x84"}) {
            if (s.rfind(p, 0) == 0 && model::utf8::Length(s) >= 4) return true;
        }
        return false;
    }

    void FreeNouns() {
        for (const Phrase& p : phrases_) {
            if (out_.field_word[p.head] || out_.purpose[p.head] || in_entity_[p.head] >= 0 || NotEntity(p)) continue;
            if (role_[p.head] != Role::kWord) continue;
            const Role before = p.has_before ? role_[p.before] : Role::kStop;
            const bool start = !p.has_before;
            bool noun = false;
            if (lang_ == "fr") {
                const bool verb_before =
                    p.has_before && (before == Role::kWord || before == Role::kVerb || before == Role::kAction);
                noun = p.det_before && (p.plural_det || start || verb_before);
            } else if (lang_ == "en") {
                const bool plural = IsPluralWord(p.head);
                const bool after_verb = before == Role::kVerb || before == Role::kAction || before == Role::kManage;
                noun = (plural && (start || after_verb || before == Role::kWord || before == Role::kStop)) ||
                       (p.det_before && (start || after_verb));
            } else {
                noun = HasArticle(p.first) && (start || before == Role::kWord || before == Role::kVerb ||
                                               before == Role::kAction || before == Role::kStop);
            }
            if (noun) Entity(p, InClause(p) ? 1 : 0);
        }
    }

    /// Whether the phrase is the subject or the object of a verb whose other side is a noun phrase too ("les
    /// adhérents paient un abonnement"), rather than a word named in passing ("un samedi par mois").
    bool InClause(const Phrase& p) const {
        const auto verb_between = [&](std::size_t from, std::size_t to) {
            if (to <= from || to - from > 4) return false;
            bool verb = false;
            for (std::size_t w = from; w < to; ++w) {
                if (marks_[w] != 0 || t_[w].sentence != t_[p.head].sentence) return false;
                const Role r = role_[w];
                if (r == Role::kWord || r == Role::kVerb || r == Role::kAction) {
                    verb = true;
                } else if (r != Role::kDet && r != Role::kModal && r != Role::kStop) {
                    return false;
                }
            }
            return verb;
        };
        // Phrases are in the order of the text and do not overlap: only the neighbours within four words can be
        // the other side, so each phrase looks at a few others (the reading stays linear).
        const auto same = [&](const Phrase& q) { return !NotEntity(q) && t_[q.head].sentence == t_[p.head].sentence; };
        const std::size_t i = static_cast<std::size_t>(&p - phrases_.data());
        for (std::size_t j = i + 1; j < phrases_.size() && phrases_[j].first <= p.last + 4; ++j) {
            const Phrase& q = phrases_[j];
            if (same(q) && verb_between(p.last, q.first) && (q.det_before || IsPluralWord(q.head))) return true;
        }
        for (std::size_t j = i; j > 0 && phrases_[j - 1].last + 4 >= p.first; --j) {
            const Phrase& q = phrases_[j - 1];
            if (same(q) && verb_between(q.last, p.first) && (p.det_before || IsPluralWord(p.head))) return true;
        }
        return false;
    }

    std::string_view text_;
    const TokenizedText& tt_;
    const std::vector<Token>& t_;
    const std::vector<Mention>& mentions_;
    const Grammar& g_;
    std::string lang_;
    const Budget& budget_;
    std::vector<std::string> stopwords_;
    std::vector<std::vector<std::string>> variants_;
    std::vector<unsigned> marks_, marks_after_;
    std::vector<Role> role_;
    std::vector<std::size_t> span_at_;  // per token: how many tokens its role spans (1 for single words)
    std::vector<int> mention_at_;       // per token: the first mention starting there, or -1
    std::vector<unsigned> covered_;     // per token: Covered bits of the mentions over it
    mutable std::unordered_map<std::uint64_t, std::string> type_of_run_;  // TypeOf's memory
    mutable std::string scratch_type_;
    std::unordered_map<std::size_t, std::size_t> entity_of_head_;    // head token → index in out_.entities
    std::unordered_map<std::string, std::size_t> entity_of_action_;  // action → index in out_.entities
    std::map<std::size_t, std::string> actions_;
    std::vector<int> phrase_of_;
    std::vector<int> in_entity_;
    std::vector<Phrase> phrases_;
    Structure out_;
};

}  // namespace

Structure ReadStructure(std::string_view text, const TokenizedText& tokens, const std::vector<Mention>& mentions,
                        const Grammar& grammar, std::string_view language, const std::vector<std::string>& stopwords,
                        const Budget& budget) {
    Reader reader(text, tokens, mentions, grammar, language, budget);
    reader.SetStopwords(stopwords);
    return reader.Go();
}

}  // namespace dihya::analyze
