#pragma once

// Files that hold personal data or secrets (the data directory, the SQLite database and its journals, mail copies,
// exports, backups) are readable by the server's user only, whatever the umask.

#include <filesystem>
#include <utility>

#include <unistd.h>

#include "core/result.hpp"

namespace dihya {

/// An owned file descriptor, closed when it goes out of scope.
class Fd final {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { (void)Close(); }
    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }
    /// Closes it now; false when close(2) reported an error (a write that did not reach the disk).
    bool Close() { return fd_ < 0 || ::close(std::exchange(fd_, -1)) == 0; }

private:
    int fd_;
};

/// Creates `dir` (and its parents) and sets it to 0700. The parents keep the mode the umask gives them.
Result<void> MakePrivateDir(const std::filesystem::path& dir);

/// Sets `file` to 0600 when it exists (a missing file is not an error).
Result<void> MakePrivateFile(const std::filesystem::path& file);

/// Creates `file` empty with mode 0600 when it does not exist yet, so that a library opening it later (SQLite)
/// never creates it with the umask's mode.
Result<void> CreatePrivateFile(const std::filesystem::path& file);

}  // namespace dihya
