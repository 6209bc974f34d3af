#include "graphql/executor.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace dihya::graphql {
namespace {

namespace json = boost::json;

/// A small schema: books with authors, a failing field, a non-null field that returns null, a mutation counter.
class ExecutorTest : public ::testing::Test {
protected:
    void SetUp() override {
        schema_.mutation_type = "Mutation";
        schema_.Add({.kind = TypeKind::kEnum, .name = "Genre", .values = {{"NOVEL", {}, {}}, {"ESSAY", {}, {}}}});
        schema_.Add({.kind = TypeKind::kObject,
                     .name = "Author",
                     .fields = {{.name = "name", .type = "String!"}, {.name = "born", .type = "Int"}}});
        schema_.Add({.kind = TypeKind::kObject,
                     .name = "Book",
                     .fields = {{.name = "title", .type = "String!"},
                                {.name = "genre", .type = "Genre"},
                                {.name = "author", .type = "Author"},
                                {.name = "pages", .type = "Int"},
                                {.name = "broken",
                                 .type = "String",
                                 .resolve = [](const FieldCall&) -> Result<json::value> {
                                     return MakeError(ErrorCode::kPermissionDenied, "not yours");
                                 }},
                                {.name = "missing", .type = "String!"}}});
        schema_.Add({.kind = TypeKind::kInputObject,
                     .name = "Filter",
                     .input_fields = {{"genre", "Genre", {}, std::nullopt},
                                      {"max", "Int", {}, json::value(100)},
                                      {"title", "String!", {}, std::nullopt}}});
        schema_.Add(
            {.kind = TypeKind::kObject,
             .name = "Query",
             .fields = {{.name = "books",
                         .type = "[Book!]!",
                         .args = {{"first", "Int", {}, json::value(10)}},
                         .resolve = [this](const FieldCall& call) -> Result<json::value> {
                             seen_args_ = call.args;
                             return books_;
                         },
                         .cost_multiplier = "first"},
                        {.name = "find",
                         .type = "Book",
                         .args = {{"filter", "Filter!", {}, std::nullopt}},
                         .resolve = [this](const FieldCall& call) -> Result<json::value> {
                             seen_args_ = call.args;
                             return books_.as_array()[0];
                         }},
                        {.name = "who", .type = "String", .resolve = [](const FieldCall& call) -> Result<json::value> {
                             return json::value(std::any_cast<std::string>(call.context));
                         }}}});
        schema_.Add(
            {.kind = TypeKind::kObject,
             .name = "Mutation",
             .fields = {{.name = "bump", .type = "Int!", .resolve = [this](const FieldCall&) -> Result<json::value> {
                             return json::value(++counter_);
                         }}}});
        ASSERT_TRUE(schema_.Finish().ok());
        books_ = json::parse(R"([
            {"title": "Nedjma", "genre": "NOVEL", "author": {"name": "Kateb Yacine", "born": 1929}, "pages": 256},
            {"title": "L'Opium et le bâton", "genre": "NOVEL", "author": {"name": "Mouloud Mammeri"}, "page_count": 1}
        ])");
    }

    json::object Run(const std::string& query, json::value variables = nullptr, Limits limits = {}) {
        Prepared p = Prepare(schema_, limits, {query, "", std::move(variables)});
        if (!p.errors.empty()) {
            json::array errors;
            for (const auto& e : p.errors) errors.push_back(ToJson(e));
            return json::object{{"errors", errors}};
        }
        return Execute(schema_, p, std::any(std::string("reader")));
    }

    static std::string FirstError(const json::object& r) {
        if (!r.contains("errors")) return "";
        return std::string(r.at("errors").as_array()[0].at("message").as_string());
    }

    Schema schema_;
    json::value books_;
    json::object seen_args_;
    int counter_ = 0;
};

TEST_F(ExecutorTest, SelectsAliasesFragmentsAndDirectives) {
    auto r = Run(R"(query($skip: Boolean!) {
        books { t: title ...A genre @skip(if: $skip) ... on Book { author { name } } }
        who __typename
    } fragment A on Book { pages })",
                 json::parse(R"({"skip": true})"));
    EXPECT_EQ(json::serialize(r), json::serialize(json::parse(R"({"data": {"books": [
        {"t": "Nedjma", "pages": 256, "author": {"name": "Kateb Yacine"}},
        {"t": "L'Opium et le bâton", "pages": null, "author": {"name": "Mouloud Mammeri"}}],
        "who": "reader", "__typename": "Query"}})")));
    EXPECT_EQ(seen_args_.at("first").as_int64(), 10) << "the default applies";
}

TEST_F(ExecutorTest, ResolverErrorsCarryTheProblemTypeAndPath) {
    auto r = Run("{ books(first: 1) { title broken } }");
    const auto& e = r.at("errors").as_array()[0].as_object();
    EXPECT_EQ(e.at("message").as_string(), "not yours");
    EXPECT_EQ(json::serialize(e.at("path")), R"(["books",0,"broken"])");
    EXPECT_EQ(e.at("extensions").at("type").as_string(), "/docs/problems#permission-denied");
    EXPECT_EQ(e.at("extensions").at("status").as_int64(), 403);
    EXPECT_EQ(json::serialize(e.at("locations")), R"([{"line":1,"column":27}])");
    EXPECT_TRUE(r.at("data").at("books").as_array()[0].at("broken").is_null()) << "a nullable field becomes null";
}

TEST_F(ExecutorTest, NullInNonNullPropagatesToTheNearestNullableParent) {
    // Book.missing is String! and absent: the Book is null, but Book! in [Book!]! so the list is null, and books
    // is non-null too: data is null.
    auto r = Run("{ books { title missing } }");
    EXPECT_TRUE(r.at("data").is_null());
    EXPECT_EQ(FirstError(r), "Cannot return null for non-nullable field.");
    // find returns Book (nullable): only it becomes null; who is still answered.
    r = Run(R"({ find(filter: {title: "x"}) { missing } who })");
    EXPECT_TRUE(r.at("data").at("find").is_null());
    EXPECT_EQ(r.at("data").at("who").as_string(), "reader");
}

TEST_F(ExecutorTest, CoercesArgumentsAndVariablesWithDefaults) {
    auto r = Run(R"({ find(filter: {title: "N", genre: ESSAY}) { title } })");
    ASSERT_FALSE(r.contains("errors")) << json::serialize(r);
    EXPECT_EQ(json::serialize(seen_args_), R"({"filter":{"genre":"ESSAY","max":100,"title":"N"}})");
    r = Run(R"(query($f: Filter!) { find(filter: $f) { title } })", json::parse(R"({"f": {"title": "A", "max": 3}})"));
    EXPECT_EQ(json::serialize(seen_args_), R"({"filter":{"max":3,"title":"A"}})");
    EXPECT_NE(
        FirstError(Run(R"(query($f: Filter!) { find(filter: $f) { title } })", json::parse(R"({"f": {"max": 3}})")))
            .find("title"),
        std::string::npos);
    EXPECT_NE(FirstError(Run(R"(query($n: Int) { books(first: $n) { title } })", json::parse(R"({"n": 1.5})")))
                  .find("Int cannot represent"),
              std::string::npos);
    EXPECT_NE(FirstError(Run(R"({ find(filter: {title: "x", genre: POEM}) { title } })")).find("POEM"),
              std::string::npos);
}

TEST_F(ExecutorTest, MutationsRunInOrder) {
    auto r = Run("mutation { a: bump b: bump c: bump }");
    EXPECT_EQ(json::serialize(r.at("data")), R"({"a":1,"b":2,"c":3})");
    Limits two;
    two.max_mutation_fields = 2;
    EXPECT_NE(FirstError(Run("mutation { a: bump b: bump c: bump }", nullptr, two)).find("at most 2 changes"),
              std::string::npos);
    EXPECT_EQ(counter_, 3) << "refused before anything ran";
}

TEST_F(ExecutorTest, ValidationNamesTheRuleBroken) {
    EXPECT_EQ(FirstError(Run("{ books { nope } }")), "Cannot query field \"nope\" on type \"Book\".");
    EXPECT_EQ(
        FirstError(Run("{ books }")),
        "Field \"books\" of type \"[Book!]!\" must have a selection of subfields. Did you mean \"books { ... }\"?");
    EXPECT_EQ(FirstError(Run("{ who { x } }")),
              "Field \"who\" must not have a selection since type \"String\" has no subfields.");
    EXPECT_EQ(FirstError(Run("{ find { title } }")),
              "Field \"find\" argument \"filter\" of type \"Filter!\" is required, but it was not provided.");
    EXPECT_EQ(FirstError(Run("query($x: Int) { who }")), "Variable \"$x\" is never used.");
    EXPECT_EQ(FirstError(Run("{ books(first: $n) { title } }")), "Variable \"$n\" is not defined.");
    EXPECT_EQ(FirstError(Run("{ books { ...F } } fragment F on Book { ...G } fragment G on Book { ...F }")),
              "Cannot spread fragment \"F\" within itself via \"G\".");
    EXPECT_EQ(FirstError(Run("{ books { x: title x: pages } }")),
              "Fields \"x\" conflict because \"title\" and \"pages\" are different fields. Use different aliases on "
              "the fields to fetch both if this was intentional.");
    EXPECT_EQ(FirstError(Run("{ who @defer }")), "Unknown directive \"@defer\".");
}

TEST_F(ExecutorTest, ValidationStopsAtAHundredErrors) {
    std::string query = "{";
    for (int i = 0; i < 500; ++i) query += " f" + std::to_string(i) + ": nope";
    auto r = Run(query + " }");
    const auto& errors = r.at("errors").as_array();
    ASSERT_EQ(errors.size(), 100U);
    EXPECT_EQ(errors.back().at("message").as_string(),
              "Too many validation errors, error limit reached. Validation aborted.");
}

TEST_F(ExecutorTest, FragmentSpreadsCountTowardTheFieldLimit) {
    // A chain of fragments selects one field but is work to expand: each spread counts.
    std::string query = "{ books { ...F0 } }";
    for (int i = 0; i < 30; ++i)
        query += " fragment F" + std::to_string(i) + " on Book { ...F" + std::to_string(i + 1) + " }";
    query += " fragment F30 on Book { title }";
    Limits few;
    few.max_fields = 20;
    EXPECT_NE(FirstError(Run(query, nullptr, few)).find("fields and fragments"), std::string::npos);
    few.max_fields = 40;
    EXPECT_EQ(FirstError(Run(query, nullptr, few)), "");
}

TEST_F(ExecutorTest, LimitsDepthCostAndFields) {
    Limits tight;
    tight.max_depth = 2;
    EXPECT_NE(FirstError(Run("{ books { author { name } } }", nullptr, tight)).find("nested 3 fields deep"),
              std::string::npos);
    EXPECT_EQ(FirstError(Run("{ books { title } }", nullptr, tight)), "");
    Limits cheap;
    cheap.max_cost = 50;
    // books(first: 100) multiplies its 2 fields: 1 + 100 * 2 > 50.
    EXPECT_NE(FirstError(Run("{ books(first: 100) { title pages } }", nullptr, cheap)).find("costs 201"),
              std::string::npos);
    EXPECT_EQ(FirstError(Run("{ books(first: 10) { title pages } }", nullptr, cheap)), "");
    Limits few;
    few.max_fields = 5;
    EXPECT_NE(FirstError(Run("{ books { title pages genre author { name born } } }", nullptr, few)).find("more than 5"),
              std::string::npos);
    // Introspection does not count toward depth, but nests its type lists at most 3 deep.
    EXPECT_EQ(
        FirstError(Run("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }", nullptr, tight)),
        "");
    EXPECT_EQ(FirstError(Run("{ __type(name: \"Book\") { fields { type { fields { type { fields { type { fields { name "
                             "} } } } } } } } }")),
              "Maximum introspection depth exceeded");
}

TEST_F(ExecutorTest, IntrospectionDescribesTheSchema) {
    auto r = Run(R"({ __type(name: "Filter") { kind inputFields { name defaultValue type { kind ofType { name } } } }
                     g: __type(name: "Genre") { enumValues { name } } })");
    ASSERT_FALSE(r.contains("errors")) << json::serialize(r);
    EXPECT_EQ(
        json::serialize(r.at("data").at("__type")),
        R"({"kind":"INPUT_OBJECT","inputFields":[{"name":"genre","defaultValue":null,"type":{"kind":"ENUM","ofType":null}},)"
        R"({"name":"max","defaultValue":"100","type":{"kind":"SCALAR","ofType":null}},)"
        R"({"name":"title","defaultValue":null,"type":{"kind":"NON_NULL","ofType":{"name":"String"}}}]})");
    EXPECT_EQ(json::serialize(r.at("data").at("g")), R"({"enumValues":[{"name":"NOVEL"},{"name":"ESSAY"}]})");
}

}  // namespace
}  // namespace dihya::graphql
