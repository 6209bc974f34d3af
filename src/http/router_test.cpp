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

TEST(Router, AFallbackMatchesOnlyWhatNothingElseDoes) {
    Router r;
    const auto ok = [](Request&) { return Response::Empty(204); };
    r.Add({.method = "GET", .path = "/api/v1/things/{id:int}", .handler = ok});
    r.Add({.method = "POST", .path = "/api/v1/things", .handler = ok});
    r.Add({.method = "GET", .path = "/{path*}", .fallback = true, .handler = ok});
    EXPECT_EQ(r.Find("GET", "/api/v1/things/3").route->path, "/api/v1/things/{id:int}");
    EXPECT_EQ(r.Find("GET", "/projects/42/edit").route->path, "/{path*}");
    EXPECT_EQ(r.Find("GET", "/projects/42/edit").params.at("path"), "projects/42/edit");
    // Another method on a known path is still a 405 naming the methods, not the fallback.
    const Match post = r.Find("GET", "/api/v1/things");
    EXPECT_EQ(post.route, nullptr);
    EXPECT_EQ(post.allowed, (std::vector<std::string>{"POST"}));
    // And the fallback's GET never makes a POST elsewhere a 405.
    const Match other = r.Find("POST", "/projects");
    EXPECT_EQ(other.route, nullptr);
    EXPECT_TRUE(other.allowed.empty());
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
