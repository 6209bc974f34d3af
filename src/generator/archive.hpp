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

/// A file as found under a folder by ReadExisting.
struct ExistingFile {
    enum class Kind {
        kMissing,  // nothing at the path (or a folder on the way is missing)
        kFile,     // a regular file: `content` and `executable` are set
        kOther,    // a symbolic link, folder or special file at the path or on the way: never read through
    };
    Kind kind = Kind::kMissing;
    std::string content;
    bool executable = false;
};

/// Reads the file at `path` (relative, confined as in WriteDirectory) under `dir` without following symbolic links:
/// every folder on the way and the file itself must be real for kFile.
Result<ExistingFile> ReadExisting(const std::filesystem::path& dir, std::string_view path);

/// Removes the regular file at `path` under `dir` without following symbolic links, then the folders that this
/// leaves empty (never `dir` itself). Returns false when there was no file to remove; a link or special file at the
/// path or on the way is an error (kInvalidArgument) and nothing is removed.
Result<bool> RemoveFile(const std::filesystem::path& dir, std::string_view path);

/// SHA-256 of bytes, lower-case hex.
std::string Sha256Hex(std::string_view bytes);

}  // namespace dihya::generator
