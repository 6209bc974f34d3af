#pragma once

#include <cstddef>
#include <string_view>

/// Files under src/notifications embedded at build time (kinds.yaml, queries/*.sql).
namespace dihya::notifications::sql {

std::string_view EmbeddedFile(std::string_view path);
std::size_t EmbeddedFileCount();
std::string_view EmbeddedFileName(std::size_t i);

}  // namespace dihya::notifications::sql
