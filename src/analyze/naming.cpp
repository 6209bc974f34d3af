#include "analyze/naming.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/utf8.hpp"

namespace dihya::analyze {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::size_t Letters(std::string_view s) {
    return model::utf8::Length(s);
}

}  // namespace

std::string SingularWord(std::string_view word, std::string_view language, const Grammar& grammar) {
    const std::string w(word);
    if (const auto it = grammar.irregular_plurals.find(w); it != grammar.irregular_plurals.end()) return it->second;
    if (Contains(grammar.invariable, w) || w.size() <= 3) return w;
    const std::size_t n = w.size();
    if (language == "fr") {
        if (EndsWith(w, "eaux") || EndsWith(w, "eux")) return w.substr(0, n - 1);
        if (EndsWith(w, "aux")) return w.substr(0, n - 3) + "al";
        if (EndsWith(w, "s") && !EndsWith(w, "ss")) return w.substr(0, n - 1);
        return w;
    }
    if (EndsWith(w, "ies") && n > 4) return w.substr(0, n - 3) + "y";
    for (std::string_view e : {"sses", "xes", "ches", "shes", "zes"}) {
        if (EndsWith(w, e)) return w.substr(0, n - 2);
    }
    if (EndsWith(w, "ss") || EndsWith(w, "us") || EndsWith(w, "is")) return w;
    if (EndsWith(w, "s")) return w.substr(0, n - 1);
    return w;
}

std::string ArabicStem(std::string_view normalized) {
    std::string s(normalized);
    constexpr std::string_view kWaw = "\xD9\x88", kFa = "\xD9\x81", kBa = "\xD8\xA8", kLam = "\xD9\x84",
                               kKaf = "\xD9\x83", kAl = "\xD8\xA7\xD9\x84", kLil = "\xD9\x84\xD9\x84",
                               kAt = "\xD8\xA7\xD8\xAA", kUn = "\xD9\x88\xD9\x86", kIn = "\xD9\x8A\xD9\x86",
                               kHa = "\xD9\x87";
    for (std::string_view p : {kWaw, kFa}) {
        if (StartsWith(s, p) && Letters(s) >= 4) {
            s = s.substr(p.size());
            break;
        }
    }
    if (StartsWith(s, kLil) && Letters(s) >= 4) {
        s = s.substr(kLil.size());
    } else if (StartsWith(s, kAl) && Letters(s) >= 4) {
        s = s.substr(kAl.size());
    } else {
        for (std::string_view p : {kBa, kLam, kKaf}) {
            if (StartsWith(s, p) && StartsWith(std::string_view(s).substr(p.size()), kAl) && Letters(s) >= 5) {
                s = s.substr(p.size() + kAl.size());
                break;
            }
        }
    }
    // Attached pronouns: "أصحابها" (its owners) → "أصحاب", "ملاحظاتهم" → "ملاحظات". A lone ه or ك is left alone:
    // ه is also the folded ة ("مهمة") and many nouns end with ك ("اشتراك").
    for (std::string_view suffix : {"\xD9\x87\xD8\xA7", "\xD9\x87\xD9\x85", "\xD9\x87\xD9\x86", "\xD9\x83\xD9\x85"}) {
        const std::size_t min = suffix == "\xD9\x87\xD8\xA7" ? 5 : 6;
        if (Letters(s) >= min && EndsWith(s, suffix)) {
            s = s.substr(0, s.size() - suffix.size());
            break;
        }
    }
    if (Letters(s) >= 5 && EndsWith(s, kAt)) return s.substr(0, s.size() - kAt.size()) + std::string(kHa);
    if (Letters(s) >= 5 && (EndsWith(s, kUn) || EndsWith(s, kIn))) return s.substr(0, s.size() - kUn.size());
    return s;
}

std::string TransliterateArabic(std::string_view normalized) {
    std::string out;
    std::size_t i = 0;
    char32_t previous = 0;
    while (i < normalized.size()) {
        char32_t cp = 0;
        if (!model::utf8::Next(normalized, i, cp)) continue;
        const bool initial = previous == 0;
        const bool last = i >= normalized.size();
        std::string_view latin;
        switch (cp) {
            case 0x0627: latin = "a"; break;
            case 0x0628: latin = "b"; break;
            case 0x062A: latin = "t"; break;
            case 0x062B: latin = "th"; break;
            case 0x062C: latin = "j"; break;
            case 0x062D: latin = "h"; break;
            case 0x062E: latin = "kh"; break;
            case 0x062F: latin = "d"; break;
            case 0x0630: latin = "dh"; break;
            case 0x0631: latin = "r"; break;
            case 0x0632: latin = "z"; break;
            case 0x0633: latin = "s"; break;
            case 0x0634: latin = "sh"; break;
            case 0x0635: latin = "s"; break;
            case 0x0636: latin = "d"; break;
            case 0x0637: latin = "t"; break;
            case 0x0638: latin = "z"; break;
            case 0x0639: latin = "a"; break;
            case 0x063A: latin = "gh"; break;
            case 0x0641: latin = "f"; break;
            case 0x0642: latin = "q"; break;
            case 0x0643: latin = "k"; break;
            case 0x0644: latin = "l"; break;
            case 0x0645: latin = "m"; break;
            case 0x0646: latin = "n"; break;
            case 0x0647: latin = last ? "a" : "h"; break;
            case 0x0648: latin = (initial || previous == 0x0627) ? "w" : "u"; break;
            case 0x064A: latin = (initial || previous == 0x0627) ? "y" : "i"; break;
            default: latin = ""; break;  // hamza and anything else
        }
        previous = cp;
        for (char c : latin) {
            const bool vowel = c == 'a' || c == 'i' || c == 'u';
            if (vowel && !out.empty() && out.back() == c) continue;  // "aa" → "a"
            out.push_back(c);
        }
    }
    return out;
}

std::string IdentifierWord(const Token& token, std::string_view language, const Grammar& grammar, bool singular) {
    if (token.arabic) return TransliterateArabic(ArabicStem(token.norm));
    return singular ? SingularWord(token.norm, language, grammar) : token.norm;
}

bool PhraseAt(const std::vector<std::vector<std::string>>& words, std::size_t at,
              const std::vector<std::string>& phrase) {
    if (phrase.empty() || at + phrase.size() > words.size()) return false;
    for (std::size_t j = 0; j < phrase.size(); ++j) {
        if (!Contains(words[at + j], phrase[j])) return false;
    }
    return true;
}

std::string InferFieldType(const std::vector<std::vector<std::string>>& words, const Grammar& grammar) {
    if (words.empty()) return "string";
    for (const TypeRule& rule : grammar.type_rules) {
        for (const auto& p : rule.first) {
            if (p.size() < words.size() && PhraseAt(words, 0, p)) return rule.type;
        }
        for (const auto& p : rule.last) {
            if (p.size() < words.size() && PhraseAt(words, words.size() - p.size(), p)) return rule.type;
        }
        for (const auto& p : rule.any) {
            for (std::size_t at = 0; at + p.size() <= words.size(); ++at) {
                if (PhraseAt(words, at, p)) return rule.type;
            }
        }
    }
    return "string";
}

}  // namespace dihya::analyze
