#include "http/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <boost/json.hpp>

#include "core/text.hpp"

namespace dihya::http {

namespace json = boost::json;

namespace {

struct PathParam {
    std::string name;
    std::string type;
};

/// "/a/{id:int}/{rest*}" → "/a/{id}/{rest}" and its parameters.
std::string OpenApiPath(const std::string& pattern, std::vector<PathParam>& params) {
    std::string out;
    std::size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] != '{') {
            out += pattern[i++];
            continue;
        }
        const auto close = pattern.find('}', i);
        std::string inner = pattern.substr(i + 1, close - i - 1);
        std::string type;
        if (!inner.empty() && inner.back() == '*') {
            inner.pop_back();
            type = "path";
        } else if (auto colon = inner.find(':'); colon != std::string::npos) {
            type = inner.substr(colon + 1);
            inner = inner.substr(0, colon);
        }
        params.push_back({inner, type});
        out += "{" + inner + "}";
        i = close + 1;
    }
    return out;
}

json::object ProblemResponse(std::string description) {
    return json::object{
        {"description", std::move(description)},
        {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

}  // namespace

json::value ProblemSchema() {
    return json::object{
        {"type", "object"},
        {"description", "RFC 9457 problem details"},
        {"required", json::array{"type", "title", "status"}},
        {"properties",
         {{"type", {{"type", "string"}, {"description", "URI reference identifying the problem type"}}},
          {"title", {{"type", "string"}}},
          {"status", {{"type", "integer"}}},
          {"detail", {{"type", "string"}}},
          {"instance", {{"type", "string"}, {"description", "the request id (X-Request-Id)"}}},
          {"errors",
           {{"type", "array"},
            {"description", "field-level validation errors"},
            {"items",
             {{"type", "object"},
              {"properties", {{"field", {{"type", "string"}}}, {"reason", {{"type", "string"}}}}}}}}}}}};
}

json::object BuildOpenApi(const Router& router, const std::vector<TagDoc>& tags, const std::string& version) {
    json::object doc;
    doc["openapi"] = "3.1.0";
    doc["info"] = {
        {"title", "Dihya API"},
        {"version", version},
        {"summary", "Turn a project specification into a complete, working multi-stack project."},
        {"description",
         "REST API of a self-hosted Dihya server. Errors are RFC 9457 problem documents "
         "(application/problem+json) whose `instance` is the request id. Routes under /api/ are rate "
         "limited per client address and say so in RateLimit-* headers."},
        {"license", {{"name", "AGPL-3.0-only"}, {"identifier", "AGPL-3.0-only"}}},
    };
    doc["servers"] = json::array{json::object{{"url", "/"}, {"description", "this server"}}};

    json::object paths;
    std::set<std::string> used_tags;
    for (const auto& route : router.routes()) {
        if (route->hidden) continue;
        std::vector<PathParam> path_params;
        const std::string path = OpenApiPath(route->path, path_params);
        json::object op;
        op["operationId"] = route->operation_id;
        op["summary"] = route->summary;
        if (!route->description.empty()) op["description"] = route->description;
        if (!route->tag.empty()) {
            op["tags"] = json::array{json::value(route->tag)};
            used_tags.insert(route->tag);
        }
        json::array params;
        for (const auto& p : path_params) {
            json::object schema{{"type", "string"}};
            if (p.type == "int") schema = {{"type", "integer"}, {"format", "int64"}};
            if (p.type == "uuid") schema = {{"type", "string"}, {"format", "uuid"}};
            params.push_back(json::object{{"name", p.name}, {"in", "path"}, {"required", true}, {"schema", schema}});
        }
        for (const auto& p : route->params) {
            json::object param{{"name", p.name}, {"in", p.in}, {"required", p.required}};
            if (!p.description.empty()) param["description"] = p.description;
            param["schema"] = p.schema.is_null() ? json::value(json::object{{"type", "string"}}) : p.schema;
            params.push_back(std::move(param));
        }
        if (!params.empty()) op["parameters"] = std::move(params);
        if (!route->request_schema.is_null()) {
            op["requestBody"] = {{"required", true},
                                 {"content", {{"application/json", {{"schema", route->request_schema}}}}}};
        }
        json::object responses;
        bool has_4xx = false;
        for (const auto& r : route->responses) {
            json::object resp{{"description", r.description}};
            if (!r.schema.is_null()) resp["content"] = {{r.content_type, {{"schema", r.schema}}}};
            if (r.status >= 400) {
                has_4xx = true;
                resp = ProblemResponse(r.description);
            }
            responses[std::to_string(r.status)] = std::move(resp);
        }
        if (route->path.rfind("/api/", 0) == 0) {
            responses["429"] = ProblemResponse("Rate limit exceeded; see Retry-After");
            has_4xx = true;
        }
        if (!has_4xx) responses["4XX"] = ProblemResponse("Client error");
        responses["default"] = ProblemResponse("Unexpected error");
        op["responses"] = std::move(responses);
        op["security"] =
            route->requires_auth ? json::array{json::object{{"bearerAuth", json::array{}}}} : json::array{};
        auto& item = paths[path];
        if (!item.is_object()) item = json::object{};
        item.as_object()[AsciiLower(route->method)] = std::move(op);
    }
    doc["paths"] = std::move(paths);

    json::array tag_list;
    for (const auto& t : tags) {
        if (used_tags.count(t.name) != 0)
            tag_list.push_back(json::object{{"name", t.name}, {"description", t.description}});
    }
    doc["tags"] = std::move(tag_list);
    doc["components"] = {
        {"schemas", {{"Problem", ProblemSchema()}}},
        {"securitySchemes",
         {{"bearerAuth",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"bearerFormat", "JWT"},
            {"description", "Access token from POST /api/v1/auth/login"}}}}},
    };
    return doc;
}

}  // namespace dihya::http
