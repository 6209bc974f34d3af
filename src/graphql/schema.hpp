#pragma once

// A GraphQL schema described in C++: named types, their fields and the resolvers that give field values. Values are
// JSON (boost::json): a resolver returns the value its field's type describes — for an object type, a JSON object
// whose members answer the fields that have no resolver of their own (by name, or by the name in snake_case, so
// that the REST answers' JSON serves GraphQL's camelCase fields as they are).
//
// The introspection types (__Schema, __Type, …) and the built-in scalars are added by Schema::Finish.

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"

namespace dihya::graphql {

enum class TypeKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };

/// A type as written in the schema language: "Project", "[Project!]!".
struct TypeExpr {
    enum class Wrap { kList, kNonNull };
    std::vector<Wrap> wraps;  // outermost first
    std::string name;

    static std::optional<TypeExpr> Parse(std::string_view text);
    std::string ToString() const;
    bool non_null() const { return !wraps.empty() && wraps.front() == Wrap::kNonNull; }
    bool list() const { return !wraps.empty() && wraps.front() == Wrap::kList; }
    /// The type without its outermost wrapper.
    TypeExpr Inner() const;
    /// The type without a NonNull wrapper (itself when nullable).
    TypeExpr Nullable() const { return non_null() ? Inner() : *this; }
    bool operator==(const TypeExpr&) const = default;
};

/// What a resolver (or a subscription's source) is given.
struct FieldCall {
    const boost::json::value& source;  // the parent's value (null for root fields)
    const boost::json::object& args;   // coerced arguments, defaults applied
    const std::any& context;           // per request, set by the caller of Execute (e.g. the signed-in user)
};

using Resolver = std::function<Result<boost::json::value>(const FieldCall&)>;

/// The events a subscription field follows: channels of the realtime hub, and what each event means for the
/// subscriber (nullopt: not for this subscription, skip it).
struct SourceStream {
    std::vector<std::string> channels;
    /// Whether the events of these channels still in the hub's log come first (a subscriber that starts late
    /// still sees all of a generation).
    bool replay = false;
    /// Events after which the subscription completes (e.g. generation.finished).
    std::vector<std::string> end_events;
    std::function<std::optional<boost::json::value>(std::string_view channel, std::string_view event,
                                                    const boost::json::value& data)>
        map;
};
using Subscriber = std::function<Result<SourceStream>(const FieldCall&)>;

struct InputValueDef {
    std::string name;
    std::string type;  // schema language, e.g. "Int!"
    std::string description;
    /// The default as a coerced value (what the resolver receives when the argument is absent).
    std::optional<boost::json::value> default_value;
};

struct FieldDef {
    std::string name;
    std::string type;
    std::string description;
    std::vector<InputValueDef> args;
    Resolver resolve;                       // unset: the parent object's member of that name (or snake_case name)
    Subscriber subscribe;                   // subscription root fields only
    std::optional<std::string> deprecated;  // the reason, when deprecated
    /// Query cost (Limits::max_cost): this field's own cost, and the argument whose value multiplies the cost of
    /// what is selected under it (a connection's page size), with its largest value.
    std::int64_t cost = 1;
    std::string cost_multiplier;

    // Set by Schema::Finish, for execution: `type` parsed, and the snake_case member that answers the field when
    // the parent has none of its name.
    TypeExpr parsed_type;
    std::string snake_name;
};

struct EnumValueDef {
    std::string name;
    std::string description;
    std::optional<std::string> deprecated;
};

struct TypeDef {
    TypeKind kind = TypeKind::kObject;
    std::string name;
    std::string description;
    std::vector<FieldDef> fields;             // kObject, kInterface
    std::vector<InputValueDef> input_fields;  // kInputObject
    std::vector<EnumValueDef> values;         // kEnum
    std::vector<std::string> interfaces;      // kObject
    std::vector<std::string> members;         // kUnion
    std::string specified_by;                 // kScalar: specifiedByURL

    const FieldDef* Field(std::string_view name) const;
    const InputValueDef* InputField(std::string_view name) const;
    bool HasValue(std::string_view name) const;
};

struct DirectiveDef {
    std::string name;
    std::string description;
    std::vector<std::string> locations;  // QUERY, FIELD, FRAGMENT_SPREAD, …
    std::vector<InputValueDef> args;
    bool repeatable = false;
};

/// The schema: add types, then Finish() once; it is immutable (and shared between threads) afterwards.
class Schema final {
public:
    Schema() = default;
    Schema(const Schema&) = delete;
    Schema& operator=(const Schema&) = delete;

    std::string description;
    std::string query_type = "Query";
    std::string mutation_type;      // "" when none
    std::string subscription_type;  // "" when none

    void Add(TypeDef type);
    /// Adds the built-in scalars, the specified directives and the introspection types, and checks every type
    /// reference: kInvalidArgument naming the first problem (a programming error of the schema's author).
    Result<void> Finish();

    const TypeDef* Find(std::string_view name) const;
    /// The field `name` of `parent`, including the meta-fields: __typename on every composite type, __schema and
    /// __type on the query type.
    const FieldDef* FieldOf(const TypeDef& parent, std::string_view name) const;
    const DirectiveDef* Directive(std::string_view name) const;
    const std::vector<std::unique_ptr<TypeDef>>& types() const { return types_; }
    const std::vector<DirectiveDef>& directives() const { return directives_; }

    /// Whether `object` (an object type) is, or implements, or belongs to the abstract type `abstract`.
    bool IsPossible(const TypeDef& abstract, const TypeDef& object) const;
    /// The object types an abstract type may be (itself for an object type).
    std::vector<const TypeDef*> PossibleTypes(const TypeDef& type) const;

private:
    void AddIntrospection();
    std::vector<std::unique_ptr<TypeDef>> types_;
    std::map<std::string, TypeDef*, std::less<>> by_name_;
    std::vector<DirectiveDef> directives_;
    FieldDef typename_field_;
    FieldDef schema_field_;
    FieldDef type_field_;
};

bool IsInputKind(TypeKind kind);
bool IsLeafKind(TypeKind kind);
bool IsCompositeKind(TypeKind kind);
/// "Int", "Float", "String", "Boolean", "ID".
bool IsBuiltinScalar(std::string_view name);

/// `value` printed as a GraphQL literal (introspection's defaultValue): strings quoted, enums bare when `type` is an
/// enum.
std::string PrintLiteral(const Schema& schema, const TypeExpr& type, const boost::json::value& value);

}  // namespace dihya::graphql
