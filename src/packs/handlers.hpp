#pragma once

#include "http/app.hpp"
#include "packs/library.hpp"

namespace dihya::packs {

/// /api/v1/packs (installed packs), /api/v1/packs/mine[/{id}] (your imports), /api/v1/packs/import,
/// /api/v1/packs/{name}/export?format=json|yaml|js.
void Register(http::App& app, PackLibrary& library);

}  // namespace dihya::packs
