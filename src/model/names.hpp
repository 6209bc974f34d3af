#pragma once

#include <string>
#include <string_view>

namespace dihya::model {

/// The spellings of one name that templates need. All are ASCII; `title` keeps acronyms ("HTTP Server")
/// and the hyphens of the source ("E-Mail Address"); plurals inflect the last word only.
struct Names {
    std::string pascal, camel, snake, kebab;
    std::string plural_pascal, plural_camel, plural_snake, plural_kebab;
    std::string title, plural_title;
};

/// Splits a name written in any case ("clinic booking", "ClinicBooking", "clinic_booking", "HTTPServer",
/// "Rendez-vous") into words and spells them every way. Common accented Latin letters are transliterated
/// (é→e, ß→ss, œ→oe); other non-ASCII characters separate words and are dropped. Empty words give empty names.
Names MakeNames(std::string_view any_case_name);

/// The English plural of a word, or of the last word of a phrase ("e-mail address" → "e-mail addresses").
/// Handles the usual irregular and Latin forms (person→people, child→children, criterion→criteria),
/// -y/-s/-x/-ch/-sh/-f/-fe/-o endings and uncountable nouns (news, equipment), which stay unchanged, as do
/// words that already look plural ("patients"). Keeps the case of the input ("Person"→"People", "API"→"APIs").
std::string Pluralize(std::string_view english_word);

/// Replaces common accented Latin letters (Latin-1 Supplement, Latin Extended-A, Romanian ș/ț) with their ASCII
/// base letters. Other non-ASCII code points and invalid UTF-8 bytes are dropped; `complete`, when given, is set
/// to false if anything was dropped.
std::string TransliterateLatin(std::string_view utf8, bool* complete = nullptr);

}  // namespace dihya::model
