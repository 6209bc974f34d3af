#include "http/router.hpp"

#include <gtest/gtest.h>

namespace dihya::http {
namespace {

Route R(std::string method, std::string path) {
    Route r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.handler = [](Request&) { return Response::Empty(204); };
    return r;
}

TEST(Router, LiteralAndTypedParams) {
    Router router;
    router.Add(R("GET", "/api/v1/projects/{id:int}"));
    router.Add(R("GET", "/api/v1/projects/new"));
    router.Add(R("DELETE", "/api/v1/projects/{id:int}"));
    router.Add(R("GET", "/files/{path*}"));

    auto m = router.Find("GET", "/api/v1/projects/42");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("id"), "42");
    EXPECT_TRUE(m.bad_param.empty());

    m = router.Find("GET", "/api/v1/projects/new");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->path, "/api/v1/projects/new");

    m = router.Find("GET", "/api/v1/projects/abc");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.bad_param, "id");

    m = router.Find("GET", "/files/a/b/c.txt");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("path"), "a/b/c.txt");
}

TEST(Router, MethodNotAllowedListsMethods) {
    Router router;
    router.Add(R("GET", "/healthz"));
    auto m = router.Find("POST", "/healthz");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD"}));
    EXPECT_NE(router.Find("HEAD", "/healthz").route, nullptr);
}

TEST(Router, NotFoundAndTrailingSegments) {
    Router router;
    router.Add(R("GET", "/a/{x}"));
    EXPECT_EQ(router.Find("GET", "/a").route, nullptr);
    EXPECT_EQ(router.Find("GET", "/a/").route, nullptr);
    EXPECT_EQ(router.Find("GET", "/a/b/c").route, nullptr);
    EXPECT_TRUE(router.Find("GET", "/zzz").allowed.empty());
}

TEST(Router, RejectsDuplicatesAndBadPatterns) {
    Router router;
    router.Add(R("GET", "/x"));
    EXPECT_THROW(router.Add(R("GET", "/x")), std::invalid_argument);
    EXPECT_THROW(router.Add(R("GET", "x")), std::invalid_argument);
    EXPECT_THROW(router.Add(R("GET", "/{a*}/b")), std::invalid_argument);
    EXPECT_THROW(router.Add(R("GET", "/{a:float}")), std::invalid_argument);
}

}  // namespace
}  // namespace dihya::http
