#include "core/dto.hpp"

#include <gtest/gtest.h>

namespace dihya::dto::testing {

struct Address {
    std::string city;
    std::optional<std::string> zip;
};
BOOST_DESCRIBE_STRUCT(Address, (), (city, zip))

struct Signup {
    std::string email;
    std::string password;
    std::int64_t age;
    std::optional<bool> newsletter;
    std::vector<std::string> tags;
    Address address;
};
BOOST_DESCRIBE_STRUCT(Signup, (), (email, password, age, newsletter, tags, address))

}  // namespace dihya::dto::testing

template <>
struct dihya::dto::Rules<dihya::dto::testing::Signup> {
    static FieldRules Get() {
        return {{"email", {.format = "email"}},
                {"password", {.min_length = 12}},
                {"age", {.minimum = 13, .maximum = 150}},
                {"tags", {.max_items = 3}}};
    }
};

namespace dihya::dto::testing {
namespace {

boost::json::value Valid() {
    return boost::json::parse(
        R"({"email":"a@b.example","password":"correct horse battery","age":30,"tags":["x"],"address":{"city":"Alger"}})");
}

TEST(Dto, DecodesValidInput) {
    auto r = Decode<Signup>(Valid());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->email, "a@b.example");
    EXPECT_EQ(r->age, 30);
    EXPECT_FALSE(r->newsletter.has_value());
    EXPECT_EQ(r->address.city, "Alger");
}

TEST(Dto, ReportsEveryFieldError) {
    auto v = Valid();
    v.as_object()["email"] = "nope";
    v.as_object()["password"] = "short";
    v.as_object()["age"] = "thirty";
    v.as_object()["tags"] = boost::json::array{"a", "b", "c", "d"};
    v.as_object()["address"].as_object().erase("city");
    v.as_object()["extra"] = 1;
    auto r = Decode<Signup>(v);
    ASSERT_FALSE(r.ok());
    const auto& d = r.error().details;
    EXPECT_EQ(d.at("email"), "must be an email address");
    EXPECT_EQ(d.at("password"), "must be at least 12 characters");
    EXPECT_EQ(d.at("age"), "must be an integer, not a string");
    EXPECT_EQ(d.at("tags"), "must have at most 3 items");
    EXPECT_EQ(d.at("address.city"), "is required");
    EXPECT_EQ(d.at("extra"), "is not a known field");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(Dto, RangeChecks) {
    auto v = Valid();
    v.as_object()["age"] = 5;
    auto r = Decode<Signup>(v);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().details.at("age"), "must be at least 13");
}

TEST(Dto, EncodeRoundTripsAndOmitsAbsentOptionals) {
    auto r = Decode<Signup>(Valid());
    ASSERT_TRUE(r.ok());
    auto encoded = Encode(*r);
    EXPECT_FALSE(encoded.as_object().contains("newsletter"));
    EXPECT_FALSE(encoded.at("address").as_object().contains("zip"));
    auto again = Decode<Signup>(encoded);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->password, r->password);
}

TEST(Dto, SchemaDescribesTypesRequiredAndRules) {
    auto s = Schema<Signup>();
    EXPECT_EQ(s.at("type").as_string(), "object");
    const auto& props = s.at("properties").as_object();
    EXPECT_EQ(props.at("age").at("type").as_string(), "integer");
    EXPECT_EQ(props.at("age").at("minimum").as_double(), 13);
    EXPECT_EQ(props.at("email").at("format").as_string(), "email");
    EXPECT_EQ(props.at("password").at("minLength").as_int64(), 12);
    EXPECT_EQ(props.at("tags").at("items").at("type").as_string(), "string");
    const auto& required = s.at("required").as_array();
    EXPECT_NE(std::find(required.begin(), required.end(), boost::json::value("email")), required.end());
    EXPECT_EQ(std::find(required.begin(), required.end(), boost::json::value("newsletter")), required.end());
    EXPECT_EQ(props.at("address").at("required").as_array().size(), 1u);
}

TEST(Dto, NonObjectBody) {
    auto r = Decode<Signup>(boost::json::value(3));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().details.at("body"), "must be an object, not a number");
}

}  // namespace
}  // namespace dihya::dto::testing
