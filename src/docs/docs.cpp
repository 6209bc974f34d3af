#include "docs/docs.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <boost/json.hpp>

#include "http/static_files.hpp"

namespace dihya::docs {

namespace {

constexpr std::string_view kAccountCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";
constexpr std::string_view kDocsCsp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

}  // namespace

std::string OpenApiJson(const http::Router& router, const std::vector<http::TagDoc>& tags) {
    return boost::json::serialize(http::BuildOpenApi(router, tags, DIHYA_VERSION));
}

void Register(http::App& app) {
    app.tags.push_back({"docs", "This API's own description."});
    const http::Router& router = app.router;
    const std::vector<http::TagDoc>& tags = app.tags;
    auto once = std::make_shared<std::once_flag>();
    auto doc = std::make_shared<std::string>();
    auto etag = std::make_shared<std::string>();

    app.router.Add({
        .method = "GET",
        .path = "/api/v1/openapi.json",
        .operation_id = "getOpenApi",
        .summary = "This OpenAPI 3.1 document",
        .tag = "docs",
        .responses = {{200, "OpenAPI 3.1 document", boost::json::object{{"type", "object"}}}},
        .handler =
            [&router, &tags, once, doc, etag](http::Request& request) {
                std::call_once(*once, [&] {
                    *doc = OpenApiJson(router, tags);
                    *etag = http::StrongEtag(*doc);
                });
                http::Response r = http::IfNoneMatch(request, *etag)
                                       ? http::Response::Empty(304)
                                       : http::Response::Text(200, *doc, "application/json");
                r.headers.Set("ETag", *etag);
                r.headers.Set("Cache-Control", "no-cache");
                return r;
            },
    });

    auto files = std::make_shared<http::StaticFiles>(
        std::vector<std::filesystem::path>{std::filesystem::path(app.config.web_dir) / "docs",
                                           std::filesystem::path(app.config.assets_dir) / "swagger-ui-dist"});
    auto serve = [files](const std::string& name, http::Request& request) {
        const std::string* content = files->Get(name);
        if (content == nullptr) {
            return http::Response::Problem(404, "Not found",
                                           name == "index.html" || name.rfind("swagger-ui", 0) == 0
                                               ? "the docs assets are missing: run scripts/bootstrap (npm ci)"
                                               : "no such docs asset",
                                           request.request_id);
        }
        return http::StaticResponse(request, name, *content, "public, max-age=300", kDocsCsp);
    };
    app.router.Add({
        .method = "GET",
        .path = "/docs",
        .operation_id = "getDocs",
        .summary = "Interactive API documentation (Swagger UI)",
        .tag = "docs",
        .responses = {{200, "HTML page", boost::json::object{{"type", "string"}}, "text/html"}},
        .handler = [serve](http::Request& request) { return serve("index.html", request); },
    });
    app.router.Add({
        .method = "GET",
        .path = "/docs/{file*}",
        .operation_id = "getDocsAsset",
        .summary = "Docs page assets",
        .hidden = true,
        .handler =
            [serve](http::Request& request) {
                const std::string name = request.path_params["file"];
                if (name.empty()) return serve("index.html", request);
                if (name == "problems") return serve("problems.html", request);  // problem type URIs
                return serve(name, request);
            },
    });
    // Pages opened from mailed links (email confirmation, password reset); they post the token to the API.
    auto pages = std::make_shared<http::StaticFiles>(
        std::vector<std::filesystem::path>{std::filesystem::path(app.config.web_dir) / "account"});
    auto page = [pages](const std::string& name, http::Request& request) {
        const std::string* content = pages->Get(name);
        if (content == nullptr) return http::Response::Problem(404, "Not found", "no such page", request.request_id);
        http::Response r = http::Response::Text(200, *content, http::ContentTypeOf(name));
        r.headers.Set("Cache-Control", "no-cache");
        r.headers.Set("Content-Security-Policy", std::string(kAccountCsp));
        return r;
    };
    for (const auto& [path, file] :
         {std::pair<std::string, std::string>{"/account/verify", "verify.html"}, {"/account/reset", "reset.html"}}) {
        app.router.Add({.method = "GET",
                        .path = path,
                        .operation_id = file == "verify.html" ? "getVerifyPage" : "getResetPage",
                        .summary = "Page opened from a mailed link",
                        .hidden = true,
                        .handler = [page, file](http::Request& request) { return page(file, request); }});
    }
    app.router.Add({.method = "GET",
                    .path = "/account/{file*}",
                    .operation_id = "getAccountAsset",
                    .summary = "Account page assets",
                    .hidden = true,
                    .handler = [page](http::Request& request) {
                        const std::string name = request.path_params["file"];
                        if (name != "account.js" && name != "account.css") {
                            return http::Response::Problem(404, "Not found", "no such page", request.request_id);
                        }
                        return page(name, request);
                    }});
}

}  // namespace dihya::docs
