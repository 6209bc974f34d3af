#pragma once

#include <cstddef>
#include <string_view>

/// Files under src/auth embedded at build time (queries/*.sql, common data). Names are relative to src/auth.
namespace dihya::auth::sql {

std::string_view EmbeddedFile(std::string_view path);
std::size_t EmbeddedFileCount();
std::string_view EmbeddedFileName(std::size_t i);

}  // namespace dihya::auth::sql
