#include "graphql/parser.hpp"

#include <string>

#include <gtest/gtest.h>

// The expected messages and locations are graphql-js 17.1's (`parse`, then ExecutableDefinitionsRule for
// type-system definitions) on the same documents.

namespace dihya::graphql {
namespace {

Document Parsed(std::string_view source, const ParseLimits& limits = {}) {
    auto result = Parse(source, limits);
    if (auto* error = std::get_if<SyntaxError>(&result)) {
        ADD_FAILURE() << "unexpected error for `" << source << "`: " << error->message << " at " << error->loc.line
                      << ":" << error->loc.column;
        return {};
    }
    return std::get<Document>(std::move(result));
}

SyntaxError Refused(std::string_view source, const ParseLimits& limits = {}) {
    auto result = Parse(source, limits);
    if (auto* error = std::get_if<SyntaxError>(&result)) return *error;
    ADD_FAILURE() << "`" << source << "` parsed";
    return {};
}

/// The value of the argument `x` of the only field of a shorthand query.
Value ArgumentValue(std::string_view literal) {
    const Document document = Parsed("{ f(x: " + std::string(literal) + ") }");
    if (document.operations.size() != 1 || document.operations[0].selections.size() != 1 ||
        document.operations[0].selections[0].arguments.size() != 1) {
        ADD_FAILURE() << "no argument in `" << literal << "`";
        return {};
    }
    return document.operations[0].selections[0].arguments[0].value;
}

std::string StringValue(std::string_view literal) {
    const Value value = ArgumentValue(literal);
    EXPECT_EQ(value.kind, Value::Kind::kString) << literal;
    return value.text;
}

void ExpectLocation(const Location& loc, int line, int column) {
    EXPECT_EQ(loc.line, line);
    EXPECT_EQ(loc.column, column);
}

TEST(GraphqlParser, ParsesTheShorthandQuery) {
    const Document document = Parsed("{ hello }");
    ASSERT_EQ(document.operations.size(), 1u);
    EXPECT_TRUE(document.fragments.empty());
    const Operation& operation = document.operations[0];
    EXPECT_EQ(operation.kind, Operation::Kind::kQuery);
    EXPECT_EQ(operation.name, "");
    EXPECT_TRUE(operation.variables.empty());
    ExpectLocation(operation.loc, 1, 1);
    ASSERT_EQ(operation.selections.size(), 1u);
    EXPECT_EQ(operation.selections[0].kind, Selection::Kind::kField);
    EXPECT_EQ(operation.selections[0].name, "hello");
    EXPECT_EQ(operation.selections[0].response_key(), "hello");
    EXPECT_TRUE(operation.selections[0].selections.empty());
    ExpectLocation(operation.selections[0].loc, 1, 3);
}

TEST(GraphqlParser, ParsesNamedOperationsWithVariables) {
    const Document document = Parsed(
        "query Q($id: ID!, $n: Int = 10 @d(a: 1), $tags: [[String!]]! = [[\"a\"]]) @live { a }\n"
        "mutation M { b }\n"
        "subscription S { c }");
    ASSERT_EQ(document.operations.size(), 3u);
    const Operation& query = document.operations[0];
    EXPECT_EQ(query.kind, Operation::Kind::kQuery);
    EXPECT_EQ(query.name, "Q");
    ASSERT_EQ(query.variables.size(), 3u);

    const VariableDefinition& id = query.variables[0];
    EXPECT_EQ(id.name, "id");
    ExpectLocation(id.loc, 1, 9);
    EXPECT_EQ(id.type.kind, TypeRef::Kind::kNonNull);
    ASSERT_TRUE(id.type.of);
    EXPECT_EQ(id.type.of->kind, TypeRef::Kind::kNamed);
    EXPECT_EQ(id.type.of->name, "ID");
    EXPECT_FALSE(id.default_value.has_value());

    const VariableDefinition& n = query.variables[1];
    EXPECT_EQ(n.type.kind, TypeRef::Kind::kNamed);
    EXPECT_EQ(n.type.name, "Int");
    ASSERT_TRUE(n.default_value.has_value());
    EXPECT_EQ(n.default_value->kind, Value::Kind::kInt);
    EXPECT_EQ(n.default_value->text, "10");
    ASSERT_EQ(n.directives.size(), 1u);
    EXPECT_EQ(n.directives[0].name, "d");
    ASSERT_EQ(n.directives[0].arguments.size(), 1u);
    EXPECT_EQ(n.directives[0].arguments[0].name, "a");

    const TypeRef& tags = query.variables[2].type;  // [[String!]]!
    ExpectLocation(tags.loc, 1, 49);
    ASSERT_EQ(tags.kind, TypeRef::Kind::kNonNull);
    ASSERT_EQ(tags.of->kind, TypeRef::Kind::kList);
    ASSERT_EQ(tags.of->of->kind, TypeRef::Kind::kList);
    ExpectLocation(tags.of->of->loc, 1, 50);
    ASSERT_EQ(tags.of->of->of->kind, TypeRef::Kind::kNonNull);
    EXPECT_EQ(tags.of->of->of->of->name, "String");
    ASSERT_TRUE(query.variables[2].default_value.has_value());
    EXPECT_EQ(query.variables[2].default_value->kind, Value::Kind::kList);

    ASSERT_EQ(query.directives.size(), 1u);
    EXPECT_EQ(query.directives[0].name, "live");
    EXPECT_EQ(document.operations[1].kind, Operation::Kind::kMutation);
    EXPECT_EQ(document.operations[1].name, "M");
    ExpectLocation(document.operations[1].loc, 2, 1);
    EXPECT_EQ(document.operations[2].kind, Operation::Kind::kSubscription);
    EXPECT_EQ(document.operations[2].name, "S");
}

TEST(GraphqlParser, ParsesAliasesArgumentsDirectivesAndNestedSelections) {
    const Document document =
        Parsed("{\n  me: user(id: 4, flag: $f) @include(if: $on) {\n    name\n    friends { id }\n  }\n}");
    const Selection& me = document.operations.at(0).selections.at(0);
    EXPECT_EQ(me.alias, "me");
    EXPECT_EQ(me.name, "user");
    EXPECT_EQ(me.response_key(), "me");
    ExpectLocation(me.loc, 2, 3);
    ASSERT_EQ(me.arguments.size(), 2u);
    EXPECT_EQ(me.arguments[0].name, "id");
    ExpectLocation(me.arguments[0].loc, 2, 12);
    ExpectLocation(me.arguments[0].value.loc, 2, 16);
    EXPECT_EQ(me.arguments[1].value.kind, Value::Kind::kVariable);
    EXPECT_EQ(me.arguments[1].value.text, "f");
    ASSERT_EQ(me.directives.size(), 1u);
    EXPECT_EQ(me.directives[0].name, "include");
    ExpectLocation(me.directives[0].loc, 2, 29);
    ASSERT_EQ(me.selections.size(), 2u);
    EXPECT_EQ(me.selections[0].name, "name");
    ExpectLocation(me.selections[1].loc, 4, 5);
    ASSERT_EQ(me.selections[1].selections.size(), 1u);
    EXPECT_EQ(me.selections[1].selections[0].name, "id");
}

TEST(GraphqlParser, ParsesFragmentsSpreadsAndInlineFragments) {
    const Document document = Parsed(
        "query { node { ...Parts @defer ... on User @d { email } ... @include(if: true) { id } } }\n"
        "fragment Parts on Node @f { id }");
    const SelectionSet& node = document.operations.at(0).selections.at(0).selections;
    ASSERT_EQ(node.size(), 3u);
    EXPECT_EQ(node[0].kind, Selection::Kind::kFragmentSpread);
    EXPECT_EQ(node[0].name, "Parts");
    ASSERT_EQ(node[0].directives.size(), 1u);
    ExpectLocation(node[0].loc, 1, 16);
    EXPECT_EQ(node[1].kind, Selection::Kind::kInlineFragment);
    EXPECT_EQ(node[1].type_condition, "User");
    ASSERT_EQ(node[1].selections.size(), 1u);
    EXPECT_EQ(node[1].selections[0].name, "email");
    EXPECT_EQ(node[2].kind, Selection::Kind::kInlineFragment);
    EXPECT_EQ(node[2].type_condition, "");
    ASSERT_EQ(node[2].directives.size(), 1u);

    ASSERT_EQ(document.fragments.size(), 1u);
    const Fragment& parts = document.fragments[0];
    EXPECT_EQ(parts.name, "Parts");
    EXPECT_EQ(parts.type_condition, "Node");
    ASSERT_EQ(parts.directives.size(), 1u);
    ASSERT_EQ(parts.selections.size(), 1u);
    ExpectLocation(parts.loc, 2, 1);
}

TEST(GraphqlParser, KeywordsAreOrdinaryNames) {
    const Document document = Parsed("query query { on: fragment(true: null, on: on) ... on on { query } }");
    EXPECT_EQ(document.operations.at(0).name, "query");
    const SelectionSet& selections = document.operations[0].selections;
    ASSERT_EQ(selections.size(), 2u);
    EXPECT_EQ(selections[0].alias, "on");
    EXPECT_EQ(selections[0].name, "fragment");
    EXPECT_EQ(selections[0].arguments.at(1).value.kind, Value::Kind::kEnum);
    EXPECT_EQ(selections[1].type_condition, "on");
}

TEST(GraphqlParser, AcceptsDescriptionsOnOperationsAndFragments) {
    // graphql-js 17 parses executable descriptions; they are not kept.
    const Document document = Parsed("\"\"\"Q\"\"\" query Q(\"the id\" $id: ID) { a } \"F\" fragment F on T { a }");
    EXPECT_EQ(document.operations.at(0).name, "Q");
    ExpectLocation(document.operations[0].loc, 1, 1);
    EXPECT_EQ(document.operations[0].variables.at(0).name, "id");
    EXPECT_EQ(document.fragments.at(0).name, "F");
}

TEST(GraphqlParser, ParsesEveryValueKind) {
    const Value value = ArgumentValue(
        "{int: -12, float: 1.5e-3, string: \"s\", block: \"\"\"b\"\"\", t: true, f: false, n: null, e: RED, "
        "v: $var, list: [1, [2], []], object: {}}");
    ASSERT_EQ(value.kind, Value::Kind::kObject);
    ASSERT_EQ(value.fields.size(), 11u);
    const auto expect = [&](std::size_t i, const char* name, Value::Kind kind, const char* text) {
        EXPECT_EQ(value.fields[i].first, name);
        EXPECT_EQ(value.fields[i].second.kind, kind) << name;
        EXPECT_EQ(value.fields[i].second.text, text) << name;
    };
    expect(0, "int", Value::Kind::kInt, "-12");
    expect(1, "float", Value::Kind::kFloat, "1.5e-3");
    expect(2, "string", Value::Kind::kString, "s");
    expect(3, "block", Value::Kind::kString, "b");
    expect(4, "t", Value::Kind::kBoolean, "true");
    expect(5, "f", Value::Kind::kBoolean, "false");
    expect(6, "n", Value::Kind::kNull, "");
    expect(7, "e", Value::Kind::kEnum, "RED");
    expect(8, "v", Value::Kind::kVariable, "var");
    const Value& list = value.fields[9].second;
    ASSERT_EQ(list.kind, Value::Kind::kList);
    ASSERT_EQ(list.list.size(), 3u);
    EXPECT_EQ(list.list[1].kind, Value::Kind::kList);
    EXPECT_EQ(list.list[1].list.at(0).text, "2");
    EXPECT_TRUE(list.list[2].list.empty());
    EXPECT_EQ(value.fields[10].second.kind, Value::Kind::kObject);
    EXPECT_TRUE(value.fields[10].second.fields.empty());
    ExpectLocation(value.loc, 1, 8);
    ExpectLocation(value.fields[1].second.loc, 1, 26);
}

TEST(GraphqlParser, NumbersFollowTheSpec) {
    EXPECT_EQ(ArgumentValue("0").kind, Value::Kind::kInt);
    EXPECT_EQ(ArgumentValue("-0").text, "-0");
    EXPECT_EQ(ArgumentValue("123456789012345678901234567890").kind, Value::Kind::kInt);
    EXPECT_EQ(ArgumentValue("1e10").kind, Value::Kind::kFloat);
    EXPECT_EQ(ArgumentValue("-0.0E+0").text, "-0.0E+0");

    const auto error = [](std::string_view literal) { return Refused("{ f(x: " + std::string(literal) + ") }"); };
    EXPECT_EQ(error("01").message, "Syntax Error: Invalid number, unexpected digit after 0: \"1\".");
    EXPECT_EQ(error("1.").message, "Syntax Error: Invalid number, expected digit but got: \")\".");
    EXPECT_EQ(error("1.e5").message, "Syntax Error: Invalid number, expected digit but got: \"e\".");
    EXPECT_EQ(error("1e+").message, "Syntax Error: Invalid number, expected digit but got: \")\".");
    EXPECT_EQ(error("-a").message, "Syntax Error: Invalid number, expected digit but got: \"a\".");
    const SyntaxError name_after = error("12x");
    EXPECT_EQ(name_after.message, "Syntax Error: Invalid number, expected digit but got: \"x\".");
    ExpectLocation(name_after.loc, 1, 10);
    EXPECT_EQ(error("1.2.3").message, "Syntax Error: Invalid number, expected digit but got: \".\".");
    EXPECT_EQ(error("0x10").message, "Syntax Error: Invalid number, expected digit but got: \"x\".");
    EXPECT_EQ(error(".5").message, "Syntax Error: Invalid number, expected digit before \".\", did you mean \"0.5\"?");
}

TEST(GraphqlParser, DecodesStringEscapes) {
    EXPECT_EQ(StringValue(R"("\" \\ \/ \b \f \n \r \t")"), "\" \\ / \b \f \n \r \t");
    EXPECT_EQ(StringValue(R"("\u00e9\u00C9")"), "\xC3\xA9\xC3\x89");
    EXPECT_EQ(StringValue(R"("\uD83D\uDE00")"), "\xF0\x9F\x98\x80");  // a surrogate pair: U+1F600
    EXPECT_EQ(StringValue(R"("\u{1F600}\u{41}\u{00000041}")"), std::string("\xF0\x9F\x98\x80") + "AA");
    EXPECT_EQ(StringValue("\"caf\xC3\xA9 \xF0\x9F\x98\x80\""), "caf\xC3\xA9 \xF0\x9F\x98\x80");
    EXPECT_EQ(StringValue(std::string("\"a\tb\0c\"", 7)), std::string("a\tb\0c", 5));

    const auto error = [](std::string_view literal) { return Refused("{ f(x: " + std::string(literal) + ") }"); };
    EXPECT_EQ(error(R"("\uD83D")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\".");
    EXPECT_EQ(error(R"("\uDE00")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\uDE00\".");
    EXPECT_EQ(error(R"("\uD83D\u0041")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\".");
    EXPECT_EQ(error(R"("\u12G4")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\u12G4\".");
    EXPECT_EQ(error(R"("\u{110000}")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".");
    EXPECT_EQ(error(R"("\u{D800}")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\u{D800}\".");
    EXPECT_EQ(error(R"("\u{}")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\".");
    EXPECT_EQ(error(R"("\u{000000041}")").message, "Syntax Error: Invalid Unicode escape sequence: \"\\u{000000041\".");
    const SyntaxError bad_escape = error(R"("a\qb")");
    EXPECT_EQ(bad_escape.message, "Syntax Error: Invalid character escape sequence: \"\\q\".");
    ExpectLocation(bad_escape.loc, 1, 10);
}

TEST(GraphqlParser, DedentsBlockStrings) {
    EXPECT_EQ(StringValue("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\""),
              "Hello,\n  World!\n\nYours,\n  GraphQL.");
    EXPECT_EQ(StringValue("\"\"\"   first\n    second\n  third\"\"\""), "   first\n  second\nthird");
    EXPECT_EQ(StringValue("\"\"\"\r\n  a\r  b\r\n\"\"\""), "a\nb");
    EXPECT_EQ(StringValue("\"\"\"a \\\"\"\" b \\n\"\"\""), "a \"\"\" b \\n");
    EXPECT_EQ(StringValue("\"\"\"  \n \t \n\"\"\""), "");
    EXPECT_EQ(StringValue("\"\"\"\"\"\""), "");
}

TEST(GraphqlParser, SkipsIgnoredTokens) {
    const Document document = Parsed("\xEF\xBB\xBF# comment\r\n{ a,,, b # c \r d\n}");
    const SelectionSet& selections = document.operations.at(0).selections;
    ASSERT_EQ(selections.size(), 3u);
    ExpectLocation(selections[0].loc, 2, 3);
    ExpectLocation(selections[2].loc, 3, 2);
}

TEST(GraphqlParser, CountsColumnsInUtf16CodeUnits) {
    // é is one UTF-16 code unit, 😀 two, as in graphql-js.
    const SyntaxError error = Refused("{ a(x: \"\xC3\xA9\xF0\x9F\x98\x80\") ? }");
    EXPECT_EQ(error.message, "Syntax Error: Unexpected character: \"?\".");
    ExpectLocation(error.loc, 1, 15);
    const Value list = ArgumentValue("[\"\xF0\x9F\x98\x80\", \"x\"]");
    ASSERT_EQ(list.list.size(), 2u);
    ExpectLocation(list.list[1].loc, 1, 15);
    ExpectLocation(Refused("{ a }\r\n\r\n  ?").loc, 3, 3);
}

struct Malformed {
    const char* source;
    const char* message;
    int line;
    int column;
};

TEST(GraphqlParser, RefusesMalformedDocumentsLikeGraphqlJs) {
    const Malformed cases[] = {
        {"", "Syntax Error: Unexpected <EOF>.", 1, 1},
        {"# only a comment\n", "Syntax Error: Unexpected <EOF>.", 2, 1},
        {"{", "Syntax Error: Expected Name, found <EOF>.", 1, 2},
        {"{ a(x: 1) {", "Syntax Error: Expected Name, found <EOF>.", 1, 12},
        {"query Q { a } garbage", "Syntax Error: Unexpected Name \"garbage\".", 1, 15},
        {"query Q() { a }", "Syntax Error: Expected \"$\", found \")\".", 1, 9},
        {"query Q($x: Int!!) { a }", "Syntax Error: Expected \"$\", found \"!\".", 1, 17},
        {"query Q($x: Int = $y) { a }", "Syntax Error: Unexpected variable \"$y\" in constant value.", 1, 19},
        {"query Q($x: Int = {a: [$b]}) { a }", "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 24},
        {"query Q($x: Int = $) { a }", "Syntax Error: Unexpected \"$\".", 1, 19},
        {"fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10},
        {"fragment F T { a }", "Syntax Error: Expected \"on\", found Name \"T\".", 1, 12},
        {"{ ...on }", "Syntax Error: Expected Name, found \"}\".", 1, 9},
        {"{ ... on T }", "Syntax Error: Expected \"{\", found \"}\".", 1, 12},
        {"{ .. F }", "Syntax Error: Unexpected \"..\", did you mean \"...\"?", 1, 3},
        {"{ a(x: ) }", "Syntax Error: Unexpected \")\".", 1, 8},
        {"{ a(x 1) }", "Syntax Error: Expected \":\", found Int \"1\".", 1, 7},
        {"{ a(x: {\"a\": 1}) }", "Syntax Error: Expected Name, found String \"a\".", 1, 9},
        {"{ a(x: \"abc) }", "Syntax Error: Unterminated string.", 1, 15},
        {"{ a(x: \"abc\n\") }", "Syntax Error: Unterminated string.", 1, 12},
        {"{ a(x: \"\"\"abc\"\"", "Syntax Error: Unterminated string.", 1, 16},
        {"{ a ? }", "Syntax Error: Unexpected character: \"?\".", 1, 5},
        {"{ a \xC3\xA9 }", "Syntax Error: Unexpected character: U+00E9.", 1, 5},
        {"{ a(x: 'a') }",
         "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?", 1, 8},
        {"\"desc\" { a }", "Syntax Error: Unexpected description, descriptions are not supported on shorthand queries.",
         1, 1},
        {"\"desc\" foo", "Syntax Error: Unexpected description, only GraphQL definitions support descriptions.", 1, 1},
        {"{}", "Syntax Error: Expected Name, found \"}\".", 1, 2},  // graphql-js with allowEmptySelectionSets: false
    };
    for (const Malformed& c : cases) {
        const SyntaxError error = Refused(c.source);
        EXPECT_EQ(error.message, c.message) << c.source;
        EXPECT_EQ(error.loc.line, c.line) << c.source;
        EXPECT_EQ(error.loc.column, c.column) << c.source;
    }
}

TEST(GraphqlParser, RefusesInvalidUtf8) {
    EXPECT_EQ(Refused("{ a \xFF }").message, "Syntax Error: Invalid character: byte 0xFF.");
    EXPECT_EQ(Refused("{ a(x: \"\xC3\") }").message, "Syntax Error: Invalid character within String: byte 0xC3.");
    EXPECT_EQ(Refused("{ a(x: \"\xED\xA0\x80\") }").message,  // an encoded surrogate
              "Syntax Error: Invalid character within String: U+D800.");
    EXPECT_EQ(Refused("# \xC0\xAF\n{ a }").message, "Syntax Error: Invalid character: byte 0xC0.");
}

TEST(GraphqlParser, RefusesTypeSystemDefinitions) {
    const Malformed cases[] = {
        {"type T { a: Int }", "The \"T\" definition is not executable.", 1, 1},
        {"{ a }\n\"doc\" scalar Date @d", "The \"Date\" definition is not executable.", 2, 1},
        {"schema { query: Q }", "The schema definition is not executable.", 1, 1},
        {"directive @d(a: Int = 1) repeatable on FIELD | QUERY", "The \"d\" definition is not executable.", 1, 1},
        {"{ a } extend type T implements I", "The \"T\" definition is not executable.", 1, 7},
        {"input I { a: [I!] = {b: 1} } enum E { A } union U = A | B interface I { a(b: Int): Int }",
         "The \"I\" definition is not executable.", 1, 1},
        // Syntax errors anywhere come first, as graphql-js parses before it validates.
        {"type T { a: Int } { b", "Syntax Error: Expected Name, found <EOF>.", 1, 22},
        {"type T { a }", "Syntax Error: Expected \":\", found \"}\".", 1, 12},
        {"enum E { true }", "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.", 1, 10},
        {"directive @d on FOO", "Syntax Error: Unexpected Name \"FOO\".", 1, 17},
        {"extend scalar S", "Syntax Error: Unexpected <EOF>.", 1, 16},
        {"extend foo", "Syntax Error: Unexpected Name \"foo\".", 1, 8},
    };
    for (const Malformed& c : cases) {
        const SyntaxError error = Refused(c.source);
        EXPECT_EQ(error.message, c.message) << c.source;
        EXPECT_EQ(error.loc.line, c.line) << c.source;
        EXPECT_EQ(error.loc.column, c.column) << c.source;
    }
}

TEST(GraphqlParser, LimitsTokens) {
    ParseLimits limits;
    limits.max_tokens = 5;
    EXPECT_EQ(Parsed("{ a b c }", limits).operations.at(0).selections.size(), 3u);  // 5 tokens, <EOF> not counted
    const SyntaxError error = Refused("{ a b c d }", limits);
    EXPECT_EQ(error.message, "Syntax Error: Document contains more than 5 tokens. Parsing aborted.");
    ExpectLocation(error.loc, 1, 11);
    EXPECT_TRUE(std::holds_alternative<SyntaxError>(Parse(std::string(30000, '{'))));
}

TEST(GraphqlParser, LimitsNesting) {
    ParseLimits limits;
    limits.max_nesting = 3;
    Parsed("{ a { b { c } } }", limits);
    Parsed("{ a(x: [[1]]) }", limits);
    Parsed("query ($x: [[[Int]]]) { a }", limits);
    const auto refused = [&](std::string_view source, int column) {
        const SyntaxError error = Refused(source, limits);
        EXPECT_EQ(error.message, "Syntax Error: Document is nested more than 3 levels deep. Parsing aborted.")
            << source;
        ExpectLocation(error.loc, 1, column);
    };
    refused("{ a { b { c { d } } } }", 13);
    refused("{ a(x: [[{a: 1}]]) }", 10);
    refused("{ a { b(x: [[1]]) } }", 13);
    refused("query ($x: [[[[Int]]]]) { a }", 15);

    // The default limit holds however deep a document goes.
    std::string deep(50000, '[');
    EXPECT_EQ(Refused("{ a(x: " + deep).message,
              "Syntax Error: Document is nested more than 64 levels deep. Parsing aborted.");
    std::string braces;
    for (int i = 0; i < 20000; ++i) braces += "{a";
    EXPECT_EQ(Refused(braces).loc.column, 129);
}

TEST(GraphqlParser, LimitsSize) {
    ParseLimits limits;
    limits.max_bytes = 10;
    Parsed("{ a b c  }", limits);
    const SyntaxError error = Refused("{ a b c d }", limits);
    EXPECT_EQ(error.message, "Document too large: 11 bytes, at most 10.");
    ExpectLocation(error.loc, 1, 1);
}

}  // namespace
}  // namespace dihya::graphql
