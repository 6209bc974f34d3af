#include "core/problem.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/redact.hpp"

namespace dihya {
namespace {

TEST(Problem, MapsEveryCodeToAStatus) {
    EXPECT_EQ(ProblemKindOf(ErrorCode::kInvalidArgument).status, 400);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kUnauthenticated).status, 401);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kPermissionDenied).status, 403);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kNotFound).status, 404);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kAlreadyExists).status, 409);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kConflict).status, 409);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kPreconditionFailed).status, 412);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kPayloadTooLarge).status, 413);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kRateLimited).status, 429);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kInternal).status, 500);
    EXPECT_EQ(ProblemKindOf(ErrorCode::kUnavailable).status, 503);
}

TEST(Problem, DocumentHasRfc9457FieldsAndFieldErrors) {
    auto doc = boost::json::parse(ProblemJson(
        MakeError(ErrorCode::kInvalidArgument, "bad email", {{"email", "must be an email address"}}), "req-1"));
    EXPECT_EQ(doc.at("status").as_int64(), 400);
    EXPECT_EQ(doc.at("instance").as_string(), "req-1");
    EXPECT_EQ(doc.at("detail").as_string(), "bad email");
    EXPECT_EQ(doc.at("type").as_string(), "/docs/problems#invalid-argument");
    EXPECT_EQ(doc.at("errors").as_array().at(0).at("field").as_string(), "email");
}

TEST(Redact, SensitiveNamesAndQueries) {
    EXPECT_TRUE(IsSensitiveName("Authorization"));
    EXPECT_TRUE(IsSensitiveName("refresh_token"));
    EXPECT_TRUE(IsSensitiveName("PASSWORD"));
    EXPECT_FALSE(IsSensitiveName("limit"));
    EXPECT_EQ(RedactQuery("limit=5&token=abc&password=x&cursor=q"),
              "limit=5&token=[redacted]&password=[redacted]&cursor=q");
    EXPECT_EQ(RedactQuery("code=xyz"), "code=[redacted]");
    EXPECT_EQ(RedactQuery(""), "");
    // An allow-list: credentials with harmless-looking names and personal search text are redacted too.
    EXPECT_EQ(RedactQuery("ticket=t1&key=k2&q=ada%40example.org&format=zip"),
              "ticket=[redacted]&key=[redacted]&q=[redacted]&format=zip");
    EXPECT_EQ(RedactQuery("eyJhbGciOiJFUzI1NiJ9&limit=2"), "[redacted]&limit=2");
    EXPECT_EQ(RedactQuery("limit=" + std::string(100, '9')), "limit=" + std::string(64, '9') + "...");
}

}  // namespace
}  // namespace dihya

#include <set>

#include "core/ids.hpp"

namespace dihya {
namespace {

TEST(Ids, RequestIdsAreUniqueAndWellFormed) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = NewRequestId();
        EXPECT_EQ(id.size(), 24u);
        EXPECT_TRUE(IsValidRequestId(id));
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 1000u);
    EXPECT_FALSE(IsValidRequestId(""));
    EXPECT_FALSE(IsValidRequestId("has space"));
    EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
}

}  // namespace
}  // namespace dihya
