#include "core/files.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dihya {

Result<void> MakePrivateDir(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return MakeError(ErrorCode::kUnavailable, "cannot create the directory " + dir.string() + ": " + ec.message());
    if (::chmod(dir.c_str(), 0700) != 0) {
        return MakeError(ErrorCode::kUnavailable,
                         "cannot make " + dir.string() + " private (chmod 0700): " + std::strerror(errno));
    }
    return Ok();
}

Result<void> MakePrivateFile(const std::filesystem::path& file) {
    if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT) {
        return MakeError(ErrorCode::kUnavailable,
                         "cannot make " + file.string() + " private (chmod 0600): " + std::strerror(errno));
    }
    return Ok();
}

Result<void> CreatePrivateFile(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);  // NOLINT: owner-only
    if (fd >= 0) {
        ::close(fd);
        return MakePrivateFile(file);  // 0600 whatever the umask (the umask can only remove bits, but be explicit)
    }
    if (errno == EEXIST) return Ok();
    return MakeError(ErrorCode::kUnavailable, "cannot create " + file.string() + ": " + std::strerror(errno));
}

}  // namespace dihya
