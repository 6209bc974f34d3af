#pragma once

// Text handling for the rule-based analyzer: normalisation for matching, tokens, language detection.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dihya::analyze {

/// One word of the text. `norm` is the matching form: lower case, accents stripped (é→e, œ→oe), and for Arabic
/// without tashkeel and tatweel, with unified alef forms (أإآٱ→ا), ة→ه, ى→ي, ؤ→و, ئ→ي and Arabic-Indic digits.
struct Token final {
    std::string norm;
    std::size_t begin = 0;  // byte offsets of the word in the original text
    std::size_t end = 0;
    bool arabic = false;
    bool capitalized = false;  // the original word starts with an upper-case Latin letter
    std::size_t sentence = 0;  // index of the sentence (split at . ! ? ; and line breaks)
    std::size_t line = 0;      // index of the line
};

/// What a line looks like, for lists of fields under an entity ("Patients:" followed by "- name").
struct LineInfo final {
    bool bullet = false;      // starts with -, *, •, or "1." / "1)"
    bool numbered = false;    // starts with "1." / "1)"
    bool opens_list = false;  // ends with ':' or is a Markdown heading
};

struct TokenizedText final {
    std::vector<Token> tokens;
    std::vector<LineInfo> lines;
};

/// The whole text in its matching form (tokens joined by single spaces).
std::string NormalizeForMatching(std::string_view text);

TokenizedText Tokenize(std::string_view text);

/// Forms a text token may match a lexicon word in: the token itself, then French/English singulars
/// (-s, -es, -x, -aux→-al, -ies→-y) or, for Arabic, the word without the prefixes و ف ب ل ك and the article ال
/// and without the sound-plural endings ات ون ين. In a fixed order, without duplicates.
std::vector<std::string> TokenVariants(const Token& token);

/// The key form of a lexicon word: its matching form, and for Arabic without the article ال.
std::string LexiconKey(std::string_view normalized_word);

/// "ar" when at least a fifth of the letters are Arabic, else "fr" or "en" by counts of stop words (accented
/// letters break ties towards French).
std::string DetectLanguage(const TokenizedText& text, std::string_view original,
                           const std::vector<std::string>& french_stopwords,
                           const std::vector<std::string>& english_stopwords);

}  // namespace dihya::analyze
