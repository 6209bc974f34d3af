#include "analyze/text.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/names.hpp"
#include "model/utf8.hpp"

namespace dihya::analyze {

namespace {

enum class Kind { kSeparator, kLatin, kArabic, kIgnored };

struct Mapped {
    Kind kind = Kind::kSeparator;
    std::string text;  // the matching form of the code point
};

void AppendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

char Lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsArabicLetter(char32_t cp) {
    return (cp >= 0x0621 && cp <= 0x063A) || (cp >= 0x0641 && cp <= 0x064A) || cp == 0x0671 || cp == 0x06A9 ||
           cp == 0x06CC || cp == 0x06C1 || cp == 0x06BE;
}

Mapped MapCodePoint(char32_t cp, std::string_view original) {
    if (cp < 0x80) {
        const char c = static_cast<char>(cp);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return {Kind::kLatin, std::string(1, Lower(c))};
        }
        return {Kind::kSeparator, {}};
    }
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 || cp == 0x200C || cp == 0x200D ||
        cp == 0x00AD) {
        return {Kind::kIgnored, {}};  // tashkeel, superscript alef, tatweel, joiners, soft hyphen
    }
    if (cp >= 0x0660 && cp <= 0x0669) return {Kind::kLatin, std::string(1, static_cast<char>('0' + (cp - 0x0660)))};
    if (cp >= 0x06F0 && cp <= 0x06F9) return {Kind::kLatin, std::string(1, static_cast<char>('0' + (cp - 0x06F0)))};
    if (IsArabicLetter(cp)) {
        char32_t n = cp;
        switch (cp) {
            case 0x0622:
            case 0x0623:
            case 0x0625:
            case 0x0671: n = 0x0627; break;  // alef forms → ا
            case 0x0629: n = 0x0647; break;  // ة → ه
            case 0x0649: n = 0x064A; break;  // ى → ي
            case 0x0624: n = 0x0648; break;  // ؤ → و
            case 0x0626: n = 0x064A; break;  // ئ → ي
            case 0x06A9: n = 0x0643; break;  // ک → ك
            case 0x06CC: n = 0x064A; break;  // ی → ي
            case 0x06C1:
            case 0x06BE: n = 0x0647; break;  // ہ ھ → ه
            default: break;
        }
        Mapped m{Kind::kArabic, {}};
        AppendUtf8(m.text, n);
        return m;
    }
    bool complete = false;
    std::string ascii = model::TransliterateLatin(original, &complete);
    if (!complete || ascii.empty()) return {Kind::kSeparator, {}};
    for (char& c : ascii) c = Lower(c);
    return {Kind::kLatin, std::move(ascii)};
}

bool IsSentenceBreak(char32_t cp) {
    return cp == '!' || cp == '?' || cp == ';' || cp == 0x061F || cp == 0x061B || cp == 0x3002;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view TrimView(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

LineInfo DescribeLine(std::string_view line) {
    const std::string_view t = TrimView(line);
    LineInfo info;
    if (t.empty()) return info;
    if (t[0] == '-' || t[0] == '*' || t[0] == '+' || StartsWith(t, "\xE2\x80\xA2") || StartsWith(t, "\xC2\xB7")) {
        info.bullet = true;
    } else if (t[0] >= '0' && t[0] <= '9') {
        std::size_t i = 0;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
        info.bullet = i < t.size() && (t[i] == '.' || t[i] == ')');
        info.numbered = info.bullet;
    }
    info.opens_list = t.back() == ':' || t[0] == '#' || EndsWith(t, "\xEF\xBC\x9A");
    return info;
}

std::size_t Letters(std::string_view s) {
    return model::utf8::Length(s);
}

void AddUnique(std::vector<std::string>& out, std::string value) {
    if (value.empty()) return;
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
}

constexpr std::string_view kAl = "\xD8\xA7\xD9\x84";   // ال
constexpr std::string_view kLil = "\xD9\x84\xD9\x84";  // لل
constexpr std::string_view kWaw = "\xD9\x88";          // و
constexpr std::string_view kFa = "\xD9\x81";           // ف
constexpr std::string_view kBa = "\xD8\xA8";           // ب
constexpr std::string_view kLam = "\xD9\x84";          // ل
constexpr std::string_view kKaf = "\xD9\x83";          // ك
constexpr std::string_view kAt = "\xD8\xA7\xD8\xAA";   // ات
constexpr std::string_view kUn = "\xD9\x88\xD9\x86";   // ون
constexpr std::string_view kIn = "\xD9\x8A\xD9\x86";   // ين
constexpr std::string_view kHa = "\xD9\x87";           // ه (normalised taa marbuta)

std::vector<std::string> ArabicVariants(const std::string& token) {
    std::vector<std::string> stems{token};
    // Conjunctions و / ف.
    for (std::string_view p : {kWaw, kFa}) {
        if (StartsWith(token, p) && Letters(token) >= 4) AddUnique(stems, token.substr(p.size()));
    }
    // Prepositions ب / ل / ك and the contraction لل (ل + ال).
    for (std::size_t i = 0, n = stems.size(); i < n; ++i) {
        const std::string s = stems[i];
        if (StartsWith(s, kLil) && Letters(s) >= 4) AddUnique(stems, s.substr(kLil.size()));
        for (std::string_view p : {kBa, kLam, kKaf}) {
            if (StartsWith(s, p) && Letters(s) >= 4) AddUnique(stems, s.substr(p.size()));
        }
    }
    // The article.
    for (std::size_t i = 0, n = stems.size(); i < n; ++i) {
        const std::string s = stems[i];
        if (StartsWith(s, kAl) && Letters(s) >= 4) AddUnique(stems, s.substr(kAl.size()));
    }
    // Attached pronouns ها هم هن كم ("أصحابها" → "أصحاب") and the written tanween alef ("تطبيقا" → "تطبيق").
    for (std::size_t i = 0, n = stems.size(); i < n; ++i) {
        const std::string s = stems[i];
        for (std::string_view suffix :
             {"\xD9\x87\xD8\xA7", "\xD9\x87\xD9\x85", "\xD9\x87\xD9\x86", "\xD9\x83\xD9\x85"}) {
            const std::size_t min = suffix == "\xD9\x87\xD8\xA7" ? 5 : 6;
            if (Letters(s) >= min && EndsWith(s, suffix)) AddUnique(stems, s.substr(0, s.size() - suffix.size()));
        }
        if (Letters(s) >= 4 && EndsWith(s, "\xD8\xA7") && !EndsWith(s, "\xD9\x87\xD8\xA7")) {
            AddUnique(stems, s.substr(0, s.size() - 2));
        }
    }
    // Sound plurals.
    std::vector<std::string> out = stems;
    for (const std::string& s : stems) {
        if (Letters(s) < 4) continue;
        if (EndsWith(s, kAt)) {
            const std::string base = s.substr(0, s.size() - kAt.size());
            AddUnique(out, base + std::string(kHa));
            AddUnique(out, base);
        }
        if (Letters(s) >= 5 && (EndsWith(s, kUn) || EndsWith(s, kIn))) AddUnique(out, s.substr(0, s.size() - 4));
    }
    return out;
}

std::vector<std::string> LatinVariants(const std::string& t) {
    std::vector<std::string> out{t};
    const std::size_t n = t.size();
    if (n > 4 && EndsWith(t, "ies")) AddUnique(out, t.substr(0, n - 3) + "y");
    if (n > 4 && EndsWith(t, "aux")) AddUnique(out, t.substr(0, n - 3) + "al");
    if (n > 3 && EndsWith(t, "s") && !EndsWith(t, "ss")) AddUnique(out, t.substr(0, n - 1));
    if (n > 4 && EndsWith(t, "es")) AddUnique(out, t.substr(0, n - 2));
    if (n > 3 && EndsWith(t, "x")) AddUnique(out, t.substr(0, n - 1));
    return out;
}

}  // namespace

TokenizedText Tokenize(std::string_view text) {
    TokenizedText out;
    std::size_t sentence = 0;
    std::size_t line = 0;
    Token current;
    bool in_token = false;
    bool sentence_used = false;  // the current sentence holds a token

    const auto flush = [&]() {
        if (!in_token) return;
        current.sentence = sentence;
        current.line = line;
        out.tokens.push_back(std::move(current));
        current = Token{};
        in_token = false;
        sentence_used = true;
    };
    const auto next_sentence = [&]() {
        flush();
        if (sentence_used) {
            ++sentence;
            sentence_used = false;
        }
    };

    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        if (!model::utf8::Next(text, i, cp)) {
            flush();
            continue;
        }
        const std::string_view original = text.substr(at, i - at);
        if (cp == '\n') {
            next_sentence();
            ++line;
            continue;
        }
        if (IsSentenceBreak(cp) || (cp == '.' && (i >= text.size() || text[i] == ' ' || text[i] == '\n' ||
                                                  text[i] == '\r' || text[i] == '\t'))) {
            next_sentence();
            continue;
        }
        const Mapped m = MapCodePoint(cp, original);
        if (m.kind == Kind::kIgnored) continue;
        if (m.kind == Kind::kSeparator) {
            flush();
            continue;
        }
        const bool arabic = m.kind == Kind::kArabic;
        if (in_token && current.arabic != arabic) flush();
        if (!in_token) {
            in_token = true;
            current.begin = at;
            current.arabic = arabic;
            const std::string ascii = arabic ? std::string() : model::TransliterateLatin(original);
            current.capitalized = !ascii.empty() && ascii[0] >= 'A' && ascii[0] <= 'Z';
        }
        current.norm += m.text;
        current.end = i;
    }
    flush();

    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        out.lines.push_back(DescribeLine(text.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

std::string NormalizeForMatching(std::string_view text) {
    const TokenizedText t = Tokenize(text);
    std::string out;
    for (const Token& token : t.tokens) {
        if (!out.empty()) out += ' ';
        out += token.norm;
    }
    return out;
}

std::vector<std::string> TokenVariants(const Token& token) {
    return token.arabic ? ArabicVariants(token.norm) : LatinVariants(token.norm);
}

std::string LexiconKey(std::string_view normalized_word) {
    std::string w(normalized_word);
    if (StartsWith(w, kAl) && Letters(w) >= 4) return w.substr(kAl.size());
    return w;
}

std::string DetectLanguage(const TokenizedText& text, std::string_view original,
                           const std::vector<std::string>& french_stopwords,
                           const std::vector<std::string>& english_stopwords) {
    std::size_t arabic = 0;
    std::size_t latin = 0;
    for (const Token& token : text.tokens) {
        const std::size_t n = Letters(token.norm);
        (token.arabic ? arabic : latin) += n;
    }
    if (arabic > 0 && arabic * 5 >= arabic + latin) return "ar";
    std::size_t fr = 0;
    std::size_t en = 0;
    for (const Token& token : text.tokens) {
        if (std::find(french_stopwords.begin(), french_stopwords.end(), token.norm) != french_stopwords.end()) ++fr;
        if (std::find(english_stopwords.begin(), english_stopwords.end(), token.norm) != english_stopwords.end()) ++en;
    }
    if (fr != en) return fr > en ? "fr" : "en";
    // Ties: French accents (é è ê à ç ù) tip the balance.
    for (std::string_view accent : {"\xC3\xA9", "\xC3\xA8", "\xC3\xAA", "\xC3\xA0", "\xC3\xA7", "\xC3\xB9"}) {
        if (original.find(accent) != std::string_view::npos) return "fr";
    }
    return "en";
}

}  // namespace dihya::analyze
