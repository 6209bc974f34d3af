#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace dihya {

/// JSON with two-space indentation, for people reading CLI output.
std::string PrettyJson(const boost::json::value& value);

}  // namespace dihya
