#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "http/router.hpp"

namespace dihya::http {

struct TagDoc {
    std::string name;
    std::string description;
};

/// Builds the OpenAPI 3.1 document from the registered routes and their DTO schemas.
boost::json::object BuildOpenApi(const Router& router, const std::vector<TagDoc>& tags, const std::string& version);

/// JSON Schema of an RFC 9457 problem document.
boost::json::value ProblemSchema();

}  // namespace dihya::http
