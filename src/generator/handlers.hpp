#pragma once

#include "analyze/analyzer.hpp"
#include "generator/engine.hpp"
#include "http/app.hpp"

namespace dihya::generator {

/// POST /api/v1/generate: `{model}`, `{text}` or the prototype form → the project archive
/// (`?format=zip|tar.gz`), stateless, like a `/starter.zip`.
void Register(http::App& app, const Engine& engine, analyze::Analyzer& analyzer, const model::Vocabulary& vocabulary);

}  // namespace dihya::generator
