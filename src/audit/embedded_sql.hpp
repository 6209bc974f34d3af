#pragma once

#include <cstddef>
#include <string_view>

/// Files under src/audit embedded at build time by cmake/embed.cmake (see dihya_embed in CMakeLists.txt).
/// Names are relative to src/audit, e.g. "queries/insert_entry.sql".
namespace dihya::audit::sql {

/// The file's contents; empty when no file has that name.
std::string_view EmbeddedFile(std::string_view path);
std::size_t EmbeddedFileCount();
std::string_view EmbeddedFileName(std::size_t i);

}  // namespace dihya::audit::sql
