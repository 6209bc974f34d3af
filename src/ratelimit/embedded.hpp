#pragma once

#include <cstddef>
#include <string_view>

/// Files under src/ratelimit embedded at build time (queries/*.sql).
namespace dihya::ratelimit::sql {

std::string_view EmbeddedFile(std::string_view path);
std::size_t EmbeddedFileCount();
std::string_view EmbeddedFileName(std::size_t i);

}  // namespace dihya::ratelimit::sql
