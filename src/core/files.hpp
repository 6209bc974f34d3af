#pragma once

// Files that hold personal data or secrets (the data directory, the SQLite database and its journals, mail copies,
// exports, backups) are readable by the server's user only, whatever the umask.

#include <filesystem>

#include "core/result.hpp"

namespace dihya {

/// Creates `dir` (and its parents) and sets it to 0700. The parents keep the mode the umask gives them.
Result<void> MakePrivateDir(const std::filesystem::path& dir);

/// Sets `file` to 0600 when it exists (a missing file is not an error).
Result<void> MakePrivateFile(const std::filesystem::path& file);

/// Creates `file` empty with mode 0600 when it does not exist yet, so that a library opening it later (SQLite)
/// never creates it with the umask's mode.
Result<void> CreatePrivateFile(const std::filesystem::path& file);

}  // namespace dihya
