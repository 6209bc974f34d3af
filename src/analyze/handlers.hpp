#pragma once

#include "analyze/analyzer.hpp"
#include "http/app.hpp"

namespace dihya::analyze {

/// POST /api/v1/analyze: `{text}` or the prototype form `{spec, type?, stack?}` → the analysis.
void Register(http::App& app, Analyzer& analyzer, const model::Vocabulary& vocabulary);

}  // namespace dihya::analyze
