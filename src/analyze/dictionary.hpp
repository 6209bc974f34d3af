#pragma once

// Bilingual dictionaries that name entities and fields in English: French and Arabic nouns to English nouns,
// compiled at build time from Debian's FreeDict (fra-eng, eng-fra, ara-eng, eng-ara) with English WordNet's usage
// counts to order the translations (scripts/compile-dictionaries). Built without them, the tables are empty and
// names fall back on the text's words (transliterated for Arabic).

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dihya::analyze {

class Dictionary final {
public:
    /// The compiled tables, parsed on first use.
    static const Dictionary& Embedded();

    /// English translations of `word` (in the analyser's matching form: NormalizeForMatching) from `language` ("fr"
    /// or "ar"), best first; null when the dictionary has no entry.
    const std::vector<std::string>* Find(std::string_view language, std::string_view word) const;

    /// How many words each table holds (0 when built without the dictionaries).
    std::size_t Size(std::string_view language) const;

    /// The resource named in assumptions ("FreeDict French-English").
    static std::string_view SourceName(std::string_view language);

private:
    void Load(std::string_view language, std::string_view tsv);

    std::unordered_map<std::string, std::unordered_map<std::string, std::vector<std::string>>> tables_;
};

}  // namespace dihya::analyze
