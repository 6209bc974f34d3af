#pragma once

#include <string>

#include "http/app.hpp"

namespace dihya::docs {

/// GET /api/v1/openapi.json (built from the router once every module has registered),
/// GET /docs (Swagger UI served by the binary) and its assets, GET / → /docs.
void Register(http::App& app);

/// The OpenAPI document as pretty JSON (for `dihya openapi`).
std::string OpenApiJson(const http::Router& router, const std::vector<http::TagDoc>& tags);

}  // namespace dihya::docs
