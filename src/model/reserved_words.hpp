#pragma once

#include <string>
#include <string_view>

namespace dihya::model {

/// Where a word is reserved, per language of generated code. Words are compared as written, so pass the
/// lower-case snake or camel spelling (Python's True/False/None are the only capitalised entries).
///
/// - JavaScript/TypeScript: ECMAScript reserved words, including the strict-mode and module ones (let, static,
///   yield, await, implements, interface, package, private, protected, public), `enum`, the literals, and
///   `arguments`/`eval`, which strict code cannot bind. Generated code destructures fields
///   (`const { name } = req.body`) and names variables after entities, so these break it.
///   TypeScript's contextual keywords (type, of, get, set, async, declare, ...) are ordinary identifiers.
/// - Python: the hard keywords of Python 3.12 (`keyword.kwlist`). Soft keywords (match, case, type, _) are fine.
/// - SQL (PostgreSQL): the keywords PostgreSQL classifies as reserved or "reserved (can be function or type)"
///   in src/include/parser/kwlist.h, which cannot name a column or table without quotes. Keywords that are
///   only non-reserved there (name, type, key, value, index, date, time, position, comment...) are fine.
struct Reserved {
    bool javascript = false;
    bool python = false;
    bool sql = false;
    bool django = false;  // attributes of a Django model (save, objects, pk, ...): checked for fields only

    bool Any() const { return javascript || python || sql || django; }
    /// "JavaScript/TypeScript and Python", ...
    std::string Languages() const;
    Reserved& operator|=(const Reserved& other);
};

Reserved ReservedIn(std::string_view word);

/// The JavaScript built-in global that an entity class called `pascal` would shadow in generated code
/// ("Date", "Map", "Error", ...), or empty.
std::string_view ShadowedJavaScriptBuiltin(std::string_view pascal);

}  // namespace dihya::model
