#pragma once

// Validation of a document against a schema (GraphQL spec §5): the rules graphql-js runs by default
// (specifiedRules), with its messages where practical, and this server's limits (executor.hpp's Limits).

#include <vector>

#include "graphql/ast.hpp"
#include "graphql/executor.hpp"
#include "graphql/schema.hpp"

namespace dihya::graphql {

/// At most this many errors are reported (as graphql-js's maxErrors); the last one says validation stopped.
inline constexpr std::size_t kMaxValidationErrors = 100;

std::vector<GraphqlError> Validate(const Schema& schema, const Document& document, const Limits& limits);

}  // namespace dihya::graphql
