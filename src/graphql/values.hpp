#pragma once

// Input values (GraphQL spec §3.5, §3.10, §3.12, §5.6, §6.4.1): literals of a document and JSON variables, coerced
// to what resolvers get; and leaf values serialised for responses (§3.5 result coercion).

#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"
#include "graphql/ast.hpp"
#include "graphql/schema.hpp"

namespace dihya::graphql {

/// A variable's JSON value coerced to `type` (§6.1.2); kInvalidArgument saying why (e.g. "Int cannot represent
/// non-integer value: 1.5"), `where` naming the place ("$first", "$input.name").
Result<boost::json::value> CoerceInput(const Schema& schema, const TypeExpr& type, const boost::json::value& value,
                                       const std::string& where);

/// A literal coerced to `type`, variables taken from `variables` (already coerced). nullopt: the literal is a
/// variable that was not provided (the caller applies the default or leaves the argument out).
Result<std::optional<boost::json::value>> CoerceLiteral(const Schema& schema, const TypeExpr& type,
                                                        const Value& literal, const boost::json::object& variables);

/// The literal as a JSON value (for the JSON scalar and for error messages); variables left as null.
boost::json::value LiteralToJson(const Value& literal);

/// A leaf's result value (§3.5.x result coercion): nullopt when `value` cannot be represented as `type` (a scalar
/// or enum name).
std::optional<boost::json::value> SerializeLeaf(const TypeDef& type, const boost::json::value& value);

/// The literal printed back in GraphQL syntax (for messages).
std::string PrintValue(const Value& literal);

/// A document's type reference ([T]!, …) as the schema writes it.
TypeExpr ExprOf(const TypeRef& ref);

/// The root type of an operation kind: null when the schema has none (e.g. no mutations).
const TypeDef* RootOf(const Schema& schema, Operation::Kind kind);

}  // namespace dihya::graphql
