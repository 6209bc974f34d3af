#include "model/names.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "model/utf8.hpp"

namespace dihya::model {

namespace {

// clang-format off
// ASCII spellings of U+00C0..U+017F (NFKD base letters, with the usual special cases Æ→AE, ß→ss, Ø→O, Þ→TH,
// Đ→D, Ł→L, Œ→OE, ı→i, ſ→s). "" marks × and ÷, which are not letters.
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatin = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",    // U+00C0
    "D", "N", "O", "O", "O", "O", "O", "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",   // U+00D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",    // U+00E0
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",    // U+00F0
    "A", "a", "A", "a", "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",     // U+0100
    "D", "d", "E", "e", "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",     // U+0110
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",     // U+0120
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L",   // U+0130
    "l", "L", "l", "N", "n", "N", "n", "N", "n", "n", "N", "n", "O", "o", "O", "o",     // U+0140
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",   // U+0150
    "S", "s", "T", "t", "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",     // U+0160
    "U", "u", "U", "u", "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s",     // U+0170
};
// clang-format on

std::string_view LatinToAscii(char32_t cp) {
    if (cp >= 0xC0 && cp < 0x180) return kLatin[cp - 0xC0];
    switch (cp) {
        case 0x218: return "S";  // Ș
        case 0x219: return "s";  // ș
        case 0x21A: return "T";  // Ț
        case 0x21B: return "t";  // ț
        default: return {};
    }
}

bool IsUpper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool IsLower(char c) {
    return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
    return IsUpper(c) || IsLower(c) || IsDigit(c);
}
char ToUpper(char c) {
    return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string Upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ToUpper);
    return out;
}

std::string Capitalize(std::string_view s) {
    std::string out(s);
    if (!out.empty()) out[0] = ToUpper(out[0]);
    return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

template <std::size_t N>
constexpr bool In(const std::array<std::string_view, N>& list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

struct Pair {
    std::string_view singular;
    std::string_view plural;
};

// Nouns without a distinct plural. Generated code needs one; ParseModel asks for a countable name instead.
constexpr auto kUncountable = std::to_array<std::string_view>({
    "advice",   "aircraft",  "baggage",     "bison",     "cattle",    "chaos",     "chassis",   "cosmos",
    "deer",     "equipment", "evidence",    "feedback",  "firmware",  "fish",      "furniture", "hardware",
    "homework", "info",      "information", "jeans",     "knowledge", "luggage",   "metadata",  "money",
    "moose",    "music",     "news",        "nightlife", "offspring", "personnel", "police",    "research",
    "rice",     "series",    "sheep",       "software",  "species",   "staff",
});

// Plurals given as input stay as they are (so that "Patients" can be recognised as plural by the caller).
constexpr auto kAlreadyPlural = std::to_array<std::string_view>({
    "people", "children", "men",    "women", "data",  "media",   "criteria", "phenomena", "teeth", "feet",  "geese",
    "mice",   "oxen",     "alumni", "cacti", "fungi", "indices", "matrices", "vertices",  "menus", "gurus",
});

// clang-format off
constexpr auto kIrregular = std::to_array<Pair>({
    {"person", "people"},       {"man", "men"},           {"woman", "women"},       {"child", "children"},
    {"tooth", "teeth"},         {"foot", "feet"},         {"goose", "geese"},       {"mouse", "mice"},
    {"louse", "lice"},          {"ox", "oxen"},           {"die", "dice"},          {"quiz", "quizzes"},
    {"datum", "data"},          {"medium", "media"},      {"criterion", "criteria"}, {"phenomenon", "phenomena"},
    {"curriculum", "curricula"}, {"bacterium", "bacteria"}, {"erratum", "errata"},  {"addendum", "addenda"},
    {"cactus", "cacti"},        {"fungus", "fungi"},      {"nucleus", "nuclei"},    {"radius", "radii"},
    {"stimulus", "stimuli"},    {"syllabus", "syllabi"},  {"alumnus", "alumni"},    {"genus", "genera"},
    {"appendix", "appendices"}, {"matrix", "matrices"},   {"vertex", "vertices"},   {"axis", "axes"},
    {"potato", "potatoes"},     {"tomato", "tomatoes"},   {"hero", "heroes"},       {"echo", "echoes"},
    {"veto", "vetoes"},         {"torpedo", "torpedoes"}, {"embargo", "embargoes"}, {"mosquito", "mosquitoes"},
    {"stomach", "stomachs"},    {"epoch", "epochs"},      {"monarch", "monarchs"},  {"patriarch", "patriarchs"},
    {"tech", "techs"},          {"leaf", "leaves"},       {"loaf", "loaves"},       {"thief", "thieves"},
    {"wolf", "wolves"},         {"half", "halves"},       {"calf", "calves"},       {"shelf", "shelves"},
    {"self", "selves"},         {"elf", "elves"},         {"knife", "knives"},      {"wife", "wives"},
    {"life", "lives"},          {"gas", "gases"},         {"lens", "lenses"},
});

constexpr auto kIrregularSuffix = std::to_array<Pair>({
    {"person", "people"}, {"woman", "women"}, {"child", "children"}, {"wife", "wives"},
    {"knife", "knives"},  {"shelf", "shelves"}, {"wolf", "wolves"},  {"man", "men"},
});
// clang-format on

// Words ending in "man" that are not compounds of "man".
constexpr auto kNotMan = std::to_array<std::string_view>(
    {"human", "german", "roman", "shaman", "talisman", "caiman", "cayman", "ottoman", "doberman", "walkman"});

constexpr auto kSingularAs = std::to_array<std::string_view>({"canvas", "atlas", "alias", "bias", "pancreas"});

bool IsVowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

std::string PluralizeLower(const std::string& w) {
    if (w.empty() || In(kUncountable, w) || In(kAlreadyPlural, w)) return w;
    for (const auto& p : kIrregular) {
        if (w == p.singular) return std::string(p.plural);
    }
    for (const auto& p : kIrregularSuffix) {
        if (w.size() > p.singular.size() && EndsWith(w, p.singular)) {
            if (p.singular == "man" && In(kNotMan, w)) break;
            return w.substr(0, w.size() - p.singular.size()) + std::string(p.plural);
        }
    }
    const char last = w.back();
    if (last == 's') {
        if (EndsWith(w, "ss") || EndsWith(w, "us") || In(kSingularAs, w)) return w + "es";
        if (EndsWith(w, "sis")) return w.substr(0, w.size() - 2) + "es";  // analysis → analyses
        if (EndsWith(w, "is")) return w + "es";                           // iris → irises
        return w;                                                         // already plural: patients, ideas
    }
    if (last == 'x' || last == 'z' || EndsWith(w, "ch") || EndsWith(w, "sh")) return w + "es";
    if (last == 'y' && w.size() >= 2 && (!IsVowel(w[w.size() - 2]) || EndsWith(w, "quy"))) {
        return w.substr(0, w.size() - 1) + "ies";  // category → categories, soliloquy → soliloquies
    }
    return w + "s";
}

struct Word {
    std::string lower;
    bool acronym = false;        // written all upper case in the source, at least two letters
    bool hyphen_before = false;  // separated from the previous word by a hyphen
};

std::vector<Word> SplitWords(std::string_view text) {
    // Transliterate, marking separators: ' ' for most, '-' for hyphens.
    std::string ascii;
    ascii.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        if (!utf8::Next(text, i, cp)) {
            ascii.push_back(' ');
            continue;
        }
        if (cp < 0x80) {
            const char c = static_cast<char>(cp);
            ascii.push_back(IsAlnum(c) ? c : (c == '-' ? '-' : ' '));
            continue;
        }
        const std::string_view t = LatinToAscii(cp);
        if (t.empty()) {
            ascii.push_back(cp == 0x2010 || cp == 0x2011 ? '-' : ' ');  // Unicode hyphens
            continue;
        }
        ascii.append(t);
    }

    std::vector<Word> words;
    bool hyphen = false;
    std::size_t pos = 0;
    while (pos < ascii.size()) {
        if (!IsAlnum(ascii[pos])) {
            if (ascii[pos] == '-' && !words.empty()) hyphen = true;
            ++pos;
            continue;
        }
        std::size_t end = pos;
        while (end < ascii.size() && IsAlnum(ascii[end])) ++end;
        // Split the run at case changes: "clinicBooking", "HTTPServer", "HTTP2Server".
        std::size_t start = pos;
        for (std::size_t k = pos + 1; k <= end; ++k) {
            bool boundary = k == end;
            if (!boundary && IsUpper(ascii[k])) {
                const char prev = ascii[k - 1];
                const bool next_lower = k + 1 < end && IsLower(ascii[k + 1]);
                boundary = IsLower(prev) || IsDigit(prev) || (IsUpper(prev) && next_lower);
            }
            if (!boundary) continue;
            const std::string_view raw(ascii.data() + start, k - start);
            Word w;
            w.lower = AsciiLower(raw);
            w.acronym = raw.size() >= 2 && std::none_of(raw.begin(), raw.end(), IsLower) &&
                        std::any_of(raw.begin(), raw.end(), IsUpper);
            w.hyphen_before = hyphen && start == pos;
            hyphen = false;
            words.push_back(std::move(w));
            start = k;
        }
        pos = end;
    }
    return words;
}

void Spell(const std::vector<Word>& words, const std::vector<std::string>& titles, std::string& pascal,
           std::string& camel, std::string& snake, std::string& kebab, std::string& title) {
    for (std::size_t k = 0; k < words.size(); ++k) {
        const std::string& w = words[k].lower;
        pascal += Capitalize(w);
        camel += k == 0 ? w : Capitalize(w);
        if (k > 0) {
            snake += '_';
            kebab += '-';
            title += words[k].hyphen_before ? '-' : ' ';
        }
        snake += w;
        kebab += w;
        title += titles[k];
    }
}

}  // namespace

std::string TransliterateLatin(std::string_view utf8, bool* complete) {
    std::string out;
    out.reserve(utf8.size());
    bool all = true;
    std::size_t i = 0;
    while (i < utf8.size()) {
        char32_t cp = 0;
        if (!utf8::Next(utf8, i, cp)) {
            all = false;
            continue;
        }
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
            continue;
        }
        const std::string_view t = LatinToAscii(cp);
        if (t.empty()) all = false;
        out.append(t);
    }
    if (complete != nullptr) *complete = all;
    return out;
}

std::string Pluralize(std::string_view english_word) {
    // Inflect the last alphanumeric run ("line2" → "line2s").
    std::size_t end = english_word.size();
    while (end > 0 && !IsAlnum(english_word[end - 1])) --end;
    std::size_t begin = end;
    while (begin > 0 && IsAlnum(english_word[begin - 1])) --begin;
    if (begin == end) return std::string(english_word);
    const std::string_view word = english_word.substr(begin, end - begin);
    const std::string head(english_word.substr(0, begin));
    const std::string tail(english_word.substr(end));

    const std::string lower = AsciiLower(word);
    const std::string plural = PluralizeLower(lower);
    const bool all_upper = word.size() >= 2 && std::none_of(word.begin(), word.end(), IsLower);
    if (all_upper) {
        // Acronyms take a lower-case ending ("APIs", "URLs"); irregular ones are spelled in capitals.
        if (plural.compare(0, lower.size(), lower) == 0) {
            return head + std::string(word) + plural.substr(lower.size()) + tail;
        }
        return head + Upper(plural) + tail;
    }
    if (IsUpper(word.front())) return head + Capitalize(plural) + tail;
    return head + plural + tail;
}

Names MakeNames(std::string_view any_case_name) {
    const std::vector<Word> words = SplitWords(any_case_name);
    Names n;
    if (words.empty()) return n;

    std::vector<std::string> titles;
    titles.reserve(words.size());
    for (const auto& w : words) titles.push_back(w.acronym ? Upper(w.lower) : Capitalize(w.lower));
    Spell(words, titles, n.pascal, n.camel, n.snake, n.kebab, n.title);

    std::vector<Word> plural_words = words;
    std::vector<std::string> plural_titles = titles;
    Word& last = plural_words.back();
    const std::string plural = PluralizeLower(last.lower);
    if (last.acronym && plural.compare(0, last.lower.size(), last.lower) == 0) {
        plural_titles.back() = Upper(last.lower) + plural.substr(last.lower.size());  // "APIs"
    } else {
        plural_titles.back() = last.acronym ? Upper(plural) : Capitalize(plural);
    }
    last.lower = plural;
    Spell(plural_words, plural_titles, n.plural_pascal, n.plural_camel, n.plural_snake, n.plural_kebab, n.plural_title);
    return n;
}

}  // namespace dihya::model
