#pragma once

// What the marketplace's items are here: plugins (checked in their sandbox, installed as the user's plugins) and
// template packs (checked like `dihya pack lint`, installed as the user's imported packs).

#include "marketplace/marketplace.hpp"
#include "packs/library.hpp"
#include "plugins/registry.hpp"

namespace dihya::marketplace {

ItemKind PluginKind(plugins::PluginRegistry& registry);
ItemKind PackKind(packs::PackLibrary& library);

}  // namespace dihya::marketplace
