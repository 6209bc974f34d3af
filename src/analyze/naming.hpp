#pragma once

// Identifiers for what a text names in its own words: entity and field names made from French, English or Arabic
// words (accents folded, singular, Arabic transliterated), and field types inferred from those words.

#include <string>
#include <string_view>
#include <vector>

#include "analyze/lexicon.hpp"
#include "analyze/text.hpp"

namespace dihya::analyze {

/// The singular of a folded Latin word ("books" → "book", "adherents" → "adherent", "chevaux" → "cheval"), by the
/// language's irregular plurals and invariable words, then the regular endings.
std::string SingularWord(std::string_view word, std::string_view language, const Grammar& grammar);

/// An Arabic word in matching form without the prefixes و ف ب ل ك, the article ال (and لل) and the sound plural
/// endings ات ون ين and the attached pronouns ها هم هن كم ("والكتب" → "كتب", "المشتركين" → "مشترك",
/// "أصحابها" → "أصحاب").
std::string ArabicStem(std::string_view normalized);

/// A readable Latin spelling of an Arabic word in matching form ("كتاب" → "kitab"-like "ktab"; "عضو" → "adu").
std::string TransliterateArabic(std::string_view normalized);

/// The identifier word of a token: folded Latin, or the transliterated Arabic stem; `singular` also singularises.
std::string IdentifierWord(const Token& token, std::string_view language, const Grammar& grammar, bool singular);

/// The type of a field named by `words` (each word's matching variants, in order) under `grammar`'s field_types
/// rules: "int", "date", "email", ... or "string" when no rule matches. "enum" is returned for status-like words.
std::string InferFieldType(const std::vector<std::vector<std::string>>& words, const Grammar& grammar);

/// Whether `words` (each word's variants) start at `at` with `phrase`.
bool PhraseAt(const std::vector<std::vector<std::string>>& words, std::size_t at,
              const std::vector<std::string>& phrase);

}  // namespace dihya::analyze
