#pragma once

// A GraphQL parser for executable documents (GraphQL spec, October 2021: §2 Language, Appendix B grammar), checked
// against graphql-js's `parse` on the same documents (tests/blackbox/graphql.test.mjs) and fuzzed
// (fuzz/graphql_parse_fuzz.cpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "graphql/ast.hpp"

namespace dihya::graphql {

struct ParseLimits {
    std::size_t max_bytes = std::size_t{100} * 1024;  ///< longer documents are refused before lexing
    std::size_t max_tokens = 20000;                   ///< like graphql-js's `maxTokens` option
    int max_nesting = 64;  ///< selection sets, list/object values and type wrappers, together
};

/// A document that does not parse: the message and where (graphql-js's wording where it has one, e.g.
/// "Syntax Error: Expected Name, found <EOF>.").
struct SyntaxError {
    std::string message;
    Location loc;
};

/// Parses an executable document. Type-system definitions and extensions (`type`, `schema`, `extend`, …) are
/// refused with "The X definition is not executable." at their location (graphql-js parses them and refuses them
/// in validation; a document that has them is refused by both).
std::variant<Document, SyntaxError> Parse(std::string_view source, const ParseLimits& limits = {});

}  // namespace dihya::graphql
