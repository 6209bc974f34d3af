#pragma once

#include <cstddef>
#include <string_view>

/// Files under src/storage embedded at build time by cmake/embed.cmake (see dihya_embed in CMakeLists.txt).
/// Names are relative to src/storage, e.g. "migrations/001_core.sql".
namespace dihya::storage::sql {

/// The file's contents; empty when no file has that name.
std::string_view EmbeddedFile(std::string_view path);
std::size_t EmbeddedFileCount();
std::string_view EmbeddedFileName(std::size_t i);

}  // namespace dihya::storage::sql
