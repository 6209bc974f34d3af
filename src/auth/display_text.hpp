#pragma once

// Free text people give about themselves (display names) ends up in mail bodies, pages and exports: it must be
// one line of printable text that cannot reorder what is shown around it.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dihya::auth {

/// Why `cp` may not appear in a display text, or null: control characters (C0, DEL, C1), line and paragraph
/// separators, bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), zero-width
/// space, word joiner, byte order mark, interlinear annotations and non-characters. Bidirectional marks
/// (U+200E, U+200F, U+061C) and the zero-width joiners that scripts need stay allowed.
const char* RefusedCodePoint(char32_t cp);

/// kInvalidArgument naming `field` when `value` is empty or blank, longer than `max_bytes`, not UTF-8, or holds a
/// refused code point (the message gives its U+ code and position, never the text).
Result<void> CheckDisplayText(std::string_view field, std::string_view value, std::size_t max_bytes);

/// `value` without the code points CheckDisplayText refuses (invalid UTF-8 dropped too), trimmed, cut to at most
/// `max_bytes` at a code point boundary: for names that come from elsewhere (OAuth providers).
std::string CleanDisplayText(std::string_view value, std::size_t max_bytes);

}  // namespace dihya::auth
