#pragma once

// Validation and execution of GraphQL requests (GraphQL spec, October 2021, §5 and §6) over a Schema.
//
//   auto prepared = Prepare(schema, limits, {query, operation_name, variables});
//   if (prepared.errors.empty()) response = Execute(schema, prepared, context);
//
// Errors follow the spec's response format (§7.1.2): {message, locations, path, extensions}; an error a resolver
// returns (dihya::Error) carries its problem type in extensions: {type, status, title, errors?}.

#include <any>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"
#include "graphql/ast.hpp"
#include "graphql/parser.hpp"
#include "graphql/schema.hpp"

namespace dihya::graphql {

struct Limits {
    ParseLimits parse;
    /// Nesting of fields (fragments expanded; introspection's __ fields do not count).
    int max_depth = 12;
    /// The sum over selected fields of their cost, connections multiplying what is under them by their page size.
    std::int64_t max_cost = 20000;
    /// Fields and fragment spreads selected in a document, fragments expanded (against alias-multiplied work).
    std::int64_t max_fields = 2000;
    /// Introspection's list fields of __Type (fields, interfaces, possibleTypes, inputFields) nest fewer than
    /// this many deep, as graphql-js's MaxIntrospectionDepthRule.
    int max_introspection_depth = 3;
    /// Root fields of one mutation (each a change: aliases would otherwise make one request do thousands).
    std::int64_t max_mutation_fields = 10;
};

struct RequestParams {
    std::string query;
    std::string operation_name;    // "" when not given
    boost::json::value variables;  // object or null
};

struct GraphqlError {
    std::string message;
    std::vector<Location> locations;
    boost::json::array path;
    boost::json::object extensions;
};

boost::json::object ToJson(const GraphqlError& error);
/// The error a resolver returned, with its problem type (core/problem.hpp) in extensions.
GraphqlError FromError(const Error& error);

/// A parsed, validated request, ready to execute (or the reasons it cannot be).
struct Prepared {
    std::shared_ptr<const Document> document;
    const Operation* operation = nullptr;
    boost::json::object variables;  // coerced
    std::vector<GraphqlError> errors;
    /// What made it fail: "syntax", "validation" or "variables" (GraphQL over HTTP answers 400 to all), or "" when
    /// there are no errors.
    std::string stage;
};

Prepared Prepare(const Schema& schema, const Limits& limits, const RequestParams& params);

/// Runs a prepared query or mutation: {"data": …, "errors": […]?}. Mutation fields run one after the other.
boost::json::object Execute(const Schema& schema, const Prepared& prepared, const std::any& context);

/// A subscription's source: the stream of its single root field (§6.2.3.1), or the error that stops it.
Result<SourceStream> Subscribe(const Schema& schema, const Prepared& prepared, const std::any& context,
                               std::vector<GraphqlError>& errors);
/// The response for one event of a subscription (§6.2.3.2): the root field's value is `event`.
boost::json::object ExecuteEvent(const Schema& schema, const Prepared& prepared, const std::any& context,
                                 const boost::json::value& event);

}  // namespace dihya::graphql
