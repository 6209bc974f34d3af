#include "http/pipeline.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "http/app.hpp"
#include "http/middleware/access_log.hpp"
#include "http/middleware/cors.hpp"
#include "http/middleware/rate_limit.hpp"
#include "http/middleware/request_id.hpp"
#include "http/middleware/security_headers.hpp"

namespace dihya::http {
namespace {

class PipelineTest : public ::testing::Test {
protected:
    PipelineTest() : log_(LogLevel::kError), pipeline_(router_, log_) {
        Route r;
        r.method = "GET";
        r.path = "/api/v1/thing/{id:int}";
        r.handler = [](Request& req) {
            return Response::Json(200, boost::json::object{{"id", req.path_params.at("id")}});
        };
        router_.Add(std::move(r));
        Route boom;
        boom.method = "GET";
        boom.path = "/boom";
        boom.handler = [](Request&) -> Response { throw std::runtime_error("secret detail"); };
        router_.Add(std::move(boom));
        pipeline_.Use(std::make_unique<RequestIdMiddleware>());
        pipeline_.Use(std::make_unique<AccessLogMiddleware>(log_, metrics_));
        pipeline_.Use(std::make_unique<SecurityHeadersMiddleware>());
        pipeline_.Use(std::make_unique<CorsMiddleware>(std::vector<std::string>{"https://app.example"}));
        pipeline_.Use(std::make_unique<RateLimitMiddleware>(buckets_));
    }

    Response Call(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
        Request req;
        req.method = std::move(method);
        req.path = std::move(path);
        req.remote_ip = "10.0.0.1";
        for (auto& [k, v] : headers) req.headers.Add(k, v);
        return pipeline_.Handle(req);
    }

    Logger log_;
    Router router_;
    Metrics metrics_;
    std::chrono::steady_clock::time_point now_{};
    TokenBuckets buckets_{1.0, 2, [this] { return now_; }};
    Pipeline pipeline_;
};

TEST_F(PipelineTest, RoutesAndAddsHeaders) {
    auto r = Call("GET", "/api/v1/thing/7", {{"X-Request-Id", "abc-123"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers.Get("X-Request-Id"), "abc-123");
    EXPECT_EQ(r.headers.Get("X-Content-Type-Options"), "nosniff");
    EXPECT_TRUE(r.headers.Has("Content-Security-Policy"));
    EXPECT_FALSE(r.headers.Has("Strict-Transport-Security"));
    EXPECT_EQ(r.headers.Get("RateLimit-Limit"), "2");
    EXPECT_EQ(r.headers.Get("RateLimit-Remaining"), "1");
}

TEST_F(PipelineTest, InvalidRequestIdIsReplaced) {
    auto r = Call("GET", "/api/v1/thing/7", {{"X-Request-Id", "bad id with spaces\r\n"}});
    ASSERT_TRUE(r.headers.Get("X-Request-Id"));
    EXPECT_EQ(r.headers.Get("X-Request-Id")->size(), 24u);
}

TEST_F(PipelineTest, NotFoundMethodNotAllowedAndBadParam) {
    auto r = Call("GET", "/nope");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
    r = Call("POST", "/api/v1/thing/7");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers.Get("Allow"), "GET, HEAD, OPTIONS");
    r = Call("OPTIONS", "/api/v1/thing/7");
    EXPECT_EQ(r.status, 204);
    r = Call("GET", "/api/v1/thing/x");
    EXPECT_EQ(r.status, 400);
}

TEST_F(PipelineTest, HandlerExceptionIs500WithoutDetail) {
    auto r = Call("GET", "/boom");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

TEST(ProblemResponseTest, AnUnreachableDatabaseIs503WithRetryAfterAndWithoutItsAddress) {
    const Response r =
        Response::Problem(MakeError(ErrorCode::kUnavailable,
                                    "postgres: cannot connect: connection to server at \"10.0.0.5\", port 5432 "
                                    "failed: Connection refused"),
                          "req-1");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.headers.Get("Retry-After"), "2");
    EXPECT_EQ(r.body.find("10.0.0.5"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("the database cannot be reached right now"), std::string::npos) << r.body;
    // Another 503 keeps its message, and gets a Retry-After too; one it set itself stays.
    const Response other = Response::Problem(MakeError(ErrorCode::kUnavailable, "push is not configured"), "req-2");
    EXPECT_EQ(other.headers.Get("Retry-After"), "2");
    EXPECT_NE(other.body.find("push is not configured"), std::string::npos);
    Error busy = MakeError(ErrorCode::kUnavailable, "busy");
    busy.retry_after = 7;
    EXPECT_EQ(Response::Problem(busy, "req-3").headers.Get("Retry-After"), "7");
    EXPECT_FALSE(Response::Problem(MakeError(ErrorCode::kNotFound, "no"), "req-4").headers.Get("Retry-After"));
}

TEST_F(PipelineTest, RateLimitRefusesThenRefills) {
    EXPECT_EQ(Call("GET", "/api/v1/thing/1").status, 200);
    EXPECT_EQ(Call("GET", "/api/v1/thing/1").status, 200);
    auto r = Call("GET", "/api/v1/thing/1");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.headers.Get("Retry-After"), "1");
    EXPECT_EQ(r.headers.Get("RateLimit-Remaining"), "0");
    // Paths outside /api/ are not limited.
    EXPECT_EQ(Call("GET", "/nope").status, 404);
    now_ += std::chrono::seconds(1);
    EXPECT_EQ(Call("GET", "/api/v1/thing/1").status, 200);
}

TEST_F(PipelineTest, CorsPreflightAllowedAndDenied) {
    auto ok = Call("OPTIONS", "/api/v1/thing/1",
                   {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
    EXPECT_EQ(ok.status, 204);
    EXPECT_EQ(ok.headers.Get("Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_TRUE(ok.headers.Has("Access-Control-Allow-Methods"));
    auto denied = Call("OPTIONS", "/api/v1/thing/1",
                       {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
    EXPECT_EQ(denied.status, 403);
    EXPECT_FALSE(denied.headers.Has("Access-Control-Allow-Origin"));
    auto simple = Call("GET", "/api/v1/thing/1", {{"Origin", "https://evil.example"}});
    EXPECT_EQ(simple.status, 200);
    EXPECT_FALSE(simple.headers.Has("Access-Control-Allow-Origin"));
}

TEST_F(PipelineTest, MetricsCountByRoutePattern) {
    Call("GET", "/api/v1/thing/1");
    Call("GET", "/api/v1/thing/2");
    const std::string text = metrics_.Render();
    EXPECT_NE(text.find("dihya_http_requests_total{route=\"/api/v1/thing/{id:int}\",method=\"GET\",status=\"200\"} 2"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("dihya_http_request_duration_seconds_bucket{"), std::string::npos);
}

TEST(Etag, IfNoneMatchForms) {
    Request req;
    const std::string etag = StrongEtag("body");
    EXPECT_FALSE(IfNoneMatch(req, etag));
    req.headers.Set("If-None-Match", "\"other\", W/" + etag);
    EXPECT_TRUE(IfNoneMatch(req, etag));
    req.headers.Set("If-None-Match", "*");
    EXPECT_TRUE(IfNoneMatch(req, etag));
    EXPECT_NE(StrongEtag("a"), StrongEtag("b"));
}

}  // namespace
}  // namespace dihya::http
