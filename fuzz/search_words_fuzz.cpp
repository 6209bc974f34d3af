// A marketplace search as typed (GET /api/v1/marketplace/items?q=, marketplace/search_words.hpp): whatever the
// bytes, at most 8 words come out, each non-empty, at most 64 bytes, valid UTF-8, with no ASCII punctuation,
// space or control byte in it (so nothing of a query syntax reaches FTS5 or PostgreSQL), the same every time.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "marketplace/search_words.hpp"
#include "model/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using dihya::fuzz::Check;
    const std::string_view text = dihya::fuzz::AsText(data, size);
    const auto words = dihya::marketplace::SearchWords(text);
    Check(words.size() <= 8, "more than 8 words");
    for (const auto& w : words) {
        Check(!w.empty(), "an empty word");
        Check(w.size() <= 64, "a word over 64 bytes");
        Check(dihya::model::utf8::FindInvalid(w) == std::string_view::npos, "a word that is not UTF-8");
        for (const char c : w) {
            const auto u = static_cast<unsigned char>(c);
            Check(u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z'), "a word with an ASCII separator");
        }
    }
    Check(dihya::marketplace::SearchWords(text) == words, "two answers for one text");
    return 0;
}
