#pragma once

#include "http/app.hpp"

namespace dihya::console {

/// The web console (a single-page app built from web/console into web/console/dist) at `/`: its files under
/// /assets/ and the like, and index.html for every other page path the API, docs and account pages leave free.
void Register(http::App& app);

}  // namespace dihya::console
