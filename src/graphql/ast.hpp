#pragma once

// The syntax tree of an executable GraphQL document (GraphQL spec, October 2021, §2): operations and fragments.
// Produced by graphql::Parse (parser.hpp), read by the validator and executor (executor.hpp).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dihya::graphql {

/// 1-based line and column (in UTF-16 code units, as graphql-js counts them) of a token.
struct Location {
    int line = 0;
    int column = 0;
};

/// An input value literal (§2.9), or a variable reference.
struct Value {
    enum class Kind { kVariable, kInt, kFloat, kString, kBoolean, kNull, kEnum, kList, kObject };
    Value() = default;  // declared: libstdc++'s pair<string, Value> below needs Value complete for clang otherwise
    Kind kind = Kind::kNull;
    /// kVariable: the name without '$'; kInt/kFloat: the literal as written; kString: the decoded string (escapes
    /// and block-string indentation handled); kBoolean: "true" or "false"; kEnum: the name.
    std::string text;
    std::vector<Value> list;                            // kList
    std::vector<std::pair<std::string, Value>> fields;  // kObject, in document order
    Location loc;
};

/// A type reference in a variable definition: Name, [T] or T!.
struct TypeRef {
    enum class Kind { kNamed, kList, kNonNull };
    Kind kind = Kind::kNamed;
    std::string name;                   // kNamed
    std::shared_ptr<const TypeRef> of;  // kList, kNonNull
    Location loc;
};

struct Argument {
    std::string name;
    Value value;
    Location loc;
};

struct Directive {
    std::string name;
    std::vector<Argument> arguments;
    Location loc;
};

struct Selection;
using SelectionSet = std::vector<Selection>;

struct Selection {
    enum class Kind { kField, kFragmentSpread, kInlineFragment };
    Kind kind = Kind::kField;
    std::string alias;                // kField: empty when none
    std::string name;                 // kField: the field name; kFragmentSpread: the fragment name
    std::vector<Argument> arguments;  // kField
    std::vector<Directive> directives;
    std::string type_condition;  // kInlineFragment: empty when none
    SelectionSet selections;     // kField (may be empty), kInlineFragment
    Location loc;

    const std::string& response_key() const { return alias.empty() ? name : alias; }
};

struct VariableDefinition {
    std::string name;  // without '$'
    TypeRef type;
    std::optional<Value> default_value;
    std::vector<Directive> directives;
    Location loc;
};

struct Operation {
    enum class Kind { kQuery, kMutation, kSubscription };
    Kind kind = Kind::kQuery;
    std::string name;  // empty for an anonymous operation (incl. the `{ … }` shorthand)
    std::vector<VariableDefinition> variables;
    std::vector<Directive> directives;
    SelectionSet selections;
    Location loc;
};

struct Fragment {
    std::string name;
    std::string type_condition;
    std::vector<Directive> directives;
    SelectionSet selections;
    Location loc;
};

/// An executable document, definitions in document order within each list.
struct Document {
    std::vector<Operation> operations;
    std::vector<Fragment> fragments;
};

}  // namespace dihya::graphql
