#pragma once

// Writing a generated Tree: to a folder, or to a reproducible zip / tar.gz (docs/packs.md "Reproducible archives").

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "generator/engine.hpp"

namespace dihya::generator {

enum class ArchiveFormat { kZip, kTarGz };

struct ArchiveOptions {
    std::string prefix;  // a folder every entry is put under ("clinic-booking"), or "" for none
};

struct Archive {
    std::string bytes;
    std::string sha256;  // of `bytes`, lower-case hex
};

/// "zip" / "tar.gz" (also "tgz").
Result<ArchiveFormat> ParseArchiveFormat(std::string_view name);

/// The archive of a tree: entries sorted by path (folders first as "dir/" entries), modification time
/// 2000-01-01T00:00:00Z, modes 0644 / 0755 (executables and folders), uid/gid 0 and no owner names; the gzip header
/// carries no name and no time. The same tree always gives the same bytes.
Result<Archive> WriteArchive(const Tree& tree, ArchiveFormat format, const ArchiveOptions& options = {});

/// Writes the files under `dir` (created if missing), overwriting files of the same name. Refuses paths that break
/// the confinement rules and never follows a symbolic link inside `dir`: an existing link (or a non-regular file) where
/// a file or folder goes is an error. Files are replaced atomically (written beside, then renamed).
Result<void> WriteDirectory(const Tree& tree, const std::filesystem::path& dir);

/// SHA-256 of bytes, lower-case hex.
std::string Sha256Hex(std::string_view bytes);

}  // namespace dihya::generator
