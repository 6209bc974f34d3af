#pragma once

// A specification (the JSON of model::ToSpec) written as YAML for people to edit: block style, keys in their
// order, strings quoted only when YAML would read them otherwise. ParseModel reads it back to the same model.

#include <string>

#include <boost/json/fwd.hpp>

namespace dihya::model {

std::string SpecYaml(const boost::json::value& spec);

}  // namespace dihya::model
