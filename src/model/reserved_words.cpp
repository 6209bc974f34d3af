#include "model/reserved_words.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace dihya::model {

namespace {

// Sorted (ASCII), for binary search.
constexpr auto kJavaScript = std::to_array<std::string_view>({
    "arguments", "await",      "break",     "case",   "catch",    "class",  "const",      "continue",
    "debugger",  "default",    "delete",    "do",     "else",     "enum",   "eval",       "export",
    "extends",   "false",      "finally",   "for",    "function", "if",     "implements", "import",
    "in",        "instanceof", "interface", "let",    "new",      "null",   "package",    "private",
    "protected", "public",     "return",    "static", "super",    "switch", "this",       "throw",
    "true",      "try",        "typeof",    "var",    "void",     "while",  "with",
});

constexpr auto kPython = std::to_array<std::string_view>({
    "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
    "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
    "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
    "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield",
});

// clang-format off
// PostgreSQL RESERVED_KEYWORD and TYPE_FUNC_NAME_KEYWORD entries of kwlist.h (PostgreSQL 16/17).
constexpr auto kSql = std::to_array<std::string_view>({
    "all",          "analyse",        "analyze",     "and",          "any",
    "array",        "as",             "asc",         "asymmetric",   "authorization",
    "binary",       "both",           "case",        "cast",         "check",
    "collate",      "collation",      "column",      "concurrently", "constraint",
    "create",       "cross",          "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "default",
    "deferrable",   "desc",           "distinct",    "do",           "else",
    "end",          "except",         "false",       "fetch",        "for",
    "foreign",      "freeze",         "from",        "full",         "grant",
    "group",        "having",         "ilike",       "in",           "initially",
    "inner",        "intersect",      "into",        "is",           "isnull",
    "join",         "lateral",        "leading",     "left",         "like",
    "limit",        "localtime",      "localtimestamp", "natural",   "not",
    "notnull",      "null",           "offset",      "on",           "only",
    "or",           "order",          "outer",       "overlaps",     "placing",
    "primary",      "references",     "returning",   "right",        "select",
    "session_user", "similar",        "some",        "symmetric",    "system_user",
    "table",        "tablesample",    "then",        "to",           "trailing",
    "true",         "union",          "unique",      "user",         "using",
    "variadic",     "verbose",        "when",        "where",        "window",
    "with",
});
// clang-format on

constexpr auto kJavaScriptBuiltins =
    std::to_array<std::string_view>({"Array", "BigInt", "Boolean", "Date", "Error", "Function", "JSON", "Map", "Math",
                                     "Number", "Object", "Promise", "RegExp", "Set", "String", "Symbol"});

// Names a Django model's fields cannot take: its own attributes and methods (a field named `save` replaces the method
// that stores the row) and the `models` module the model's fields are declared with.
constexpr auto kDjango =
    std::to_array<std::string_view>({"check", "clean", "clean_fields", "delete", "full_clean", "models", "objects",
                                     "pk", "refresh_from_db", "save", "validate_unique"});

static_assert(std::is_sorted(kJavaScript.begin(), kJavaScript.end()));
static_assert(std::is_sorted(kDjango.begin(), kDjango.end()));
static_assert(std::is_sorted(kPython.begin(), kPython.end()));
static_assert(std::is_sorted(kSql.begin(), kSql.end()));

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& sorted, std::string_view word) {
    return std::binary_search(sorted.begin(), sorted.end(), word);
}

}  // namespace

std::string Reserved::Languages() const {
    std::string out;
    const auto add = [&](std::string_view language) {
        if (!out.empty()) out += " and ";
        out += language;
    };
    if (javascript) add("JavaScript/TypeScript");
    if (python) add("Python");
    if (sql) add("SQL (PostgreSQL)");
    if (django) add("Django models");
    return out;
}

Reserved& Reserved::operator|=(const Reserved& other) {
    javascript = javascript || other.javascript;
    python = python || other.python;
    sql = sql || other.sql;
    django = django || other.django;
    return *this;
}

Reserved ReservedIn(std::string_view word) {
    Reserved r;
    r.javascript = Contains(kJavaScript, word);
    r.python = Contains(kPython, word);
    r.sql = Contains(kSql, word);
    r.django = Contains(kDjango, word);
    return r;
}

std::string_view ShadowedJavaScriptBuiltin(std::string_view pascal) {
    const auto it = std::find(kJavaScriptBuiltins.begin(), kJavaScriptBuiltins.end(), pascal);
    return it == kJavaScriptBuiltins.end() ? std::string_view{} : *it;
}

}  // namespace dihya::model
