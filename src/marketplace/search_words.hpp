#pragma once

// The words of a marketplace search (GET /api/v1/marketplace/items?q=): what both full-text engines are given.

#include <string>
#include <string_view>
#include <vector>

namespace dihya::marketplace {

/// At most 8 words of at most 64 bytes each (cut between characters): letters and digits of any script,
/// lower-cased where ASCII. ASCII punctuation, Latin-1's punctuation and spaces (no-break space, « »), general
/// punctuation and spaces (dashes, quotes, em space), Arabic and CJK punctuation, the ideographic space and
/// invalid bytes separate words. FTS5's query is built from these alone (each quoted); PostgreSQL reads them again
/// with its own parser.
std::vector<std::string> SearchWords(std::string_view q);

}  // namespace dihya::marketplace
