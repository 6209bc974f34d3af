// The HTTP request head as the server reads it: Beast's parser with the server's limits, the request target
// (ParseTarget), the router with path parameters of every kind, query parameters and their redaction.

#include <cstddef>
#include <cstdint>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/redact.hpp"
#include "fuzz_support.hpp"
#include "http/router.hpp"
#include "http/target.hpp"
#include "http/types.hpp"

namespace {

namespace bhttp = boost::beast::http;
using dihya::fuzz::Check;

const dihya::http::Router& Routes() {
    static const dihya::http::Router router = [] {
        dihya::http::Router r;
        const auto add = [&](const char* method, const char* path) {
            r.Add({.method = method, .path = path, .handler = [](dihya::http::Request&) {
                       return dihya::http::Response::Empty(204);
                   }});
        };
        add("GET", "/healthz");
        add("GET", "/api/v1/projects");
        add("POST", "/api/v1/projects");
        add("GET", "/api/v1/projects/{id:uuid}");
        add("PATCH", "/api/v1/projects/{id:uuid}");
        add("GET", "/api/v1/projects/{id:uuid}/generations/{gid:uuid}/files/{path*}");
        add("PATCH", "/api/v1/admin/users/{id}");
        add("GET", "/api/v1/items/{n:int}");
        add("GET", "/docs/{rest*}");
        return r;
    }();
    return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < size && !ec && !parser.is_done()) {
        const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
        if (ec == bhttp::error::need_more) ec = {};
        if (n == 0) break;
        used += n;
    }
    if (ec || !parser.is_header_done()) return 0;
    const auto& req = parser.get();
    dihya::http::Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    const dihya::http::Target target = dihya::http::ParseTarget(request.target);
    request.path = target.path;
    request.query = target.query;
    for (const auto& field : req) request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    (void)request.headers.Get("host");
    for (const char* name : {"limit", "cursor", "format", "ticket", "q"}) (void)request.QueryParam(name);
    // The value of every ticket= parameter is logged as [redacted].
    const std::string redacted = dihya::RedactQuery(request.query);
    const auto pairs = dihya::fuzz::Split(request.query, "&");
    const auto logged = dihya::fuzz::Split(redacted, "&");
    Check(pairs.size() == logged.size(), "redaction changed the number of query parameters");
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (pairs[i].rfind("ticket=", 0) == 0) Check(logged[i] == "ticket=[redacted]", "a ticket is logged in clear");
    }
    if (!target.ok) return 0;
    const dihya::http::Match match = Routes().Find(request.method, request.path);
    if (match.route != nullptr) Check(match.allowed.empty(), "a matched route also lists allowed methods");
    return 0;
}
