#include "marketplace/search_words.hpp"

#include <cctype>

#include "model/utf8.hpp"

namespace dihya::marketplace {

namespace {

/// Whether a code point separates words: ASCII other than letters and digits, Latin-1's punctuation and spaces
/// (no-break space, « »), general punctuation and spaces (U+2000-U+206F: dashes, quotes, em space), Arabic
/// punctuation (، ؛ ؟ ٪ ٫ ٬ ٭ ۔), CJK punctuation and the ideographic space, full-width ASCII punctuation.
bool Separates(char32_t cp) {
    if (cp < 0x80) return !std::isalnum(static_cast<int>(cp));
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x060C ||
           cp == 0x061B || cp == 0x061F || (cp >= 0x066A && cp <= 0x066D) || cp == 0x06D4 ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
           cp == 0xFEFF;
}

}  // namespace

std::vector<std::string> SearchWords(std::string_view q) {
    std::vector<std::string> words;
    std::string w;
    auto flush = [&] {
        if (!w.empty() && words.size() < 8) words.push_back(w);
        w.clear();
    };
    std::size_t i = 0;
    while (i < q.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        if (!model::utf8::Next(q, i, cp)) {
            ++i;  // an invalid byte separates
            flush();
            continue;
        }
        if (Separates(cp)) {
            flush();
            continue;
        }
        if (w.size() + (i - at) > 64) continue;  // the rest of an over-long word is left out, whole characters kept
        for (std::size_t k = at; k < i; ++k) {
            const auto u = static_cast<unsigned char>(q[k]);
            w += u < 0x80 ? static_cast<char>(std::tolower(u)) : q[k];
        }
    }
    flush();
    return words;
}

}  // namespace dihya::marketplace
