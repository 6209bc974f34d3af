#include "console/handlers.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "http/static_files.hpp"

namespace dihya::console {

namespace {

/// No inline script or style, no other origin: the console's bundle comes from this server only.
constexpr std::string_view kConsoleCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Paths that belong to the server, never to the console's pages: a miss there is a 404, not index.html.
constexpr std::array<std::string_view, 9> kServerPrefixes = {
    "/api/", "/api", "/docs", "/graphql", "/healthz", "/readyz", "/metrics", "/account/", "/.well-known/"};

bool ServerPath(std::string_view path) {
    for (std::string_view p : kServerPrefixes) {
        if (path == p || (p.back() == '/' && path.rfind(p, 0) == 0) || path.rfind(std::string(p) + "/", 0) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

void Register(http::App& app) {
    const std::filesystem::path dist = std::filesystem::path(app.config.web_dir) / "console" / "dist";
    auto files = std::make_shared<http::StaticFiles>(std::vector<std::filesystem::path>{dist});
    auto serve = [files, dist](const std::string& path, http::Request& request) {
        const std::string* content = files->Get(path);
        if (content == nullptr) {
            if (path == "index.html") {
                // Not built (make build does it): say so, and point at what works without it.
                http::Response r = http::Response::Text(
                    503,
                    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Dihya</title>"
                    "<p>The web console is not built in " +
                        dist.string() +
                        ": run <code>make build</code>. The API documentation is at <a href=\"/docs\">/docs</a>.</p>",
                    "text/html; charset=utf-8");
                r.headers.Set("Content-Security-Policy", std::string(kConsoleCsp));
                return r;
            }
            return http::Response::Problem(404, "Not found", "no such console file", request.request_id);
        }
        const std::string etag = http::StrongEtag(*content);
        http::Response r = http::IfNoneMatch(request, etag)
                               ? http::Response::Empty(304)
                               : http::Response::Text(200, *content, http::ContentTypeOf(path));
        r.headers.Set("ETag", etag);
        // Hashed bundles never change; the page itself is checked each time.
        r.headers.Set("Cache-Control",
                      path.rfind("assets/", 0) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
        r.headers.Set("Content-Security-Policy", std::string(kConsoleCsp));
        return r;
    };
    app.router.Add({
        .method = "GET",
        .path = "/",
        .operation_id = "getConsole",
        .summary = "The web console (single-page app)",
        .hidden = true,
        .handler = [serve](http::Request& request) { return serve("index.html", request); },
    });
    app.router.Add({
        .method = "GET",
        .path = "/{path*}",
        .operation_id = "getConsolePage",
        .summary = "The web console's files, and its pages",
        .hidden = true,
        .fallback = true,
        .handler =
            [serve](http::Request& request) {
                if (ServerPath(request.path)) {
                    return http::Response::Problem(404, "Not found", "no route matches " + request.path,
                                                   request.request_id);
                }
                const std::string path = request.path_params["path"];
                // A file of the build (it has an extension), or a page of the app (index.html renders it).
                const auto slash = path.rfind('/');
                const bool file = path.find('.', slash == std::string::npos ? 0 : slash) != std::string::npos;
                return serve(file ? path : "index.html", request);
            },
    });
}

}  // namespace dihya::console
