#include "generator/archive.hpp"

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <cstring>
#include <memory>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.hpp"

namespace dihya::generator {

namespace fs = std::filesystem;

namespace {

constexpr time_t kEpoch2000 = 946684800;  // 2000-01-01T00:00:00Z

struct ArchiveDeleter {
    void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t Append(struct archive* /*a*/, void* client, const void* buffer, size_t length) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

Error ArchiveError(struct archive* a, const std::string& what) {
    const char* message = archive_error_string(a);
    return MakeError(ErrorCode::kInternal, what + ": " + (message != nullptr ? message : "libarchive error"));
}

struct Entry {
    std::string path;  // "dir/" for folders
    const GeneratedFile* file = nullptr;
};

/// Folders and files, sorted by path; a folder "a/" sorts before its content.
std::vector<Entry> Entries(const Tree& tree, const std::string& prefix) {
    std::set<std::string> folders;
    std::vector<Entry> entries;
    const std::string base = prefix.empty() ? "" : prefix + "/";
    if (!base.empty()) folders.insert(base);
    for (const GeneratedFile& f : tree.files) {
        const std::string path = base + f.path;
        for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
            folders.insert(path.substr(0, slash + 1));
        }
        entries.push_back(Entry{path, &f});
    }
    for (const std::string& folder : folders) entries.push_back(Entry{folder, nullptr});
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
    return entries;
}

Error SystemError(const std::string& what) {
    return MakeError(ErrorCode::kInternal, what + ": " + std::strerror(errno));
}

Error LinkError(const fs::path& dir, const std::string& path) {
    return MakeError(ErrorCode::kInvalidArgument,
                     (dir / path).string() +
                         ": is a symbolic link or not a regular file/folder; refusing to write "
                         "through it",
                     {{path, "symbolic link or special file in the way"}});
}

/// Opens (creating if needed) the folder `name` inside `parent` without following links.
Result<Fd> OpenFolder(const Fd& parent, const std::string& name, const fs::path& dir, const std::string& shown) {
    if (::mkdirat(parent.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        return SystemError((dir / shown).string());
    }
    Fd fd(::openat(parent.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) {
        if (errno == ELOOP || errno == ENOTDIR) return LinkError(dir, shown);
        return SystemError((dir / shown).string());
    }
    return fd;
}

Result<void> WriteAll(int fd, const std::string& content, const std::string& shown) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return SystemError(shown);
        done += static_cast<std::size_t>(n);
    }
    return Ok();
}

std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const std::size_t slash = path.find('/', start);
        parts.emplace_back(
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return parts;
}

/// What is at `name` inside `parent`, without following a link.
enum class Found { kMissing, kFolder, kFile, kOther };

Found Look(const Fd& parent, const std::string& name, struct stat& st) {
    if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return errno == ENOENT ? Found::kMissing : Found::kOther;
    }
    if (S_ISDIR(st.st_mode)) return Found::kFolder;
    if (S_ISREG(st.st_mode)) return Found::kFile;
    return Found::kOther;
}

/// The folders on the way to `parts.back()`, opened without following links (none is created). `folders[0]` is the
/// root; the walk stops early (fewer folders) at a missing folder, and `blocked` tells whether it stopped at something
/// that is not a folder.
struct Walk {
    std::vector<Fd> folders;
    bool complete = false;
    bool blocked = false;
};

Result<Walk> WalkFolders(const fs::path& dir, const std::vector<std::string>& parts) {
    Walk walk;
    Fd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.ok()) return SystemError(dir.string());
    walk.folders.push_back(std::move(root));
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        struct stat st {};
        const Found found = Look(walk.folders.back(), parts[i], st);
        if (found == Found::kMissing) return walk;
        if (found != Found::kFolder) {
            walk.blocked = true;
            return walk;
        }
        Fd next(::openat(walk.folders.back().get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next.ok()) {
            if (errno == ELOOP || errno == ENOTDIR) {
                walk.blocked = true;
                return walk;
            }
            return SystemError(dir.string());
        }
        walk.folders.push_back(std::move(next));
    }
    walk.complete = true;
    return walk;
}

Result<void> WriteFile(const Fd& root, const GeneratedFile& file, const fs::path& dir) {
    if (const std::string reason = PathProblem(file.path); !reason.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "output path " + reason, {{file.path, reason}});
    }
    const std::vector<std::string> parts = Split(file.path);
    Fd folder(::dup(root.get()));
    if (!folder.ok()) return SystemError(dir.string());
    std::string shown;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        shown += (shown.empty() ? "" : "/") + parts[i];
        auto next = OpenFolder(folder, parts[i], dir, shown);
        if (!next) return next.take_error();
        folder = std::move(next.value());
    }
    const std::string& name = parts.back();
    struct stat st {};
    if (::fstatat(folder.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        return LinkError(dir, file.path);
    }
    const std::string temp = "." + name + ".dihya-tmp";
    ::unlinkat(folder.get(), temp.c_str(), 0);
    const mode_t mode = file.executable ? 0755 : 0644;
    Fd out(::openat(folder.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!out.ok()) return SystemError((dir / file.path).string());
    auto written = WriteAll(out.get(), file.content, (dir / file.path).string());
    if (written && ::fchmod(out.get(), mode) != 0) written = SystemError((dir / file.path).string());
    if (!written || ::renameat(folder.get(), temp.c_str(), folder.get(), name.c_str()) != 0) {
        if (written) written = SystemError((dir / file.path).string());
        ::unlinkat(folder.get(), temp.c_str(), 0);
        return written;
    }
    return Ok();
}

Error PathError(std::string_view path, const std::string& reason) {
    return MakeError(ErrorCode::kInvalidArgument, "path " + reason, {{std::string(path), reason}});
}

}  // namespace

Result<ExistingFile> ReadExisting(const fs::path& dir, std::string_view path) {
    if (const std::string reason = PathProblem(path); !reason.empty()) return PathError(path, reason);
    const std::vector<std::string> parts = Split(path);
    auto walk = WalkFolders(dir, parts);
    if (!walk) return walk.take_error();
    ExistingFile out;
    if (walk->blocked) out.kind = ExistingFile::Kind::kOther;
    if (!walk->complete) return out;
    const Fd& folder = walk->folders.back();
    struct stat st {};
    const Found found = Look(folder, parts.back(), st);
    if (found == Found::kMissing) return out;
    out.kind = ExistingFile::Kind::kOther;
    if (found != Found::kFile) return out;
    // O_NONBLOCK: should a FIFO replace the file after the check, opening it must not hang.
    Fd in(::openat(folder.get(), parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!in.ok()) {
        if (errno == ELOOP) return out;
        return SystemError((dir / std::string(path)).string());
    }
    if (::fstat(in.get(), &st) != 0) return SystemError((dir / std::string(path)).string());
    if (!S_ISREG(st.st_mode)) return out;
    char buffer[65536];
    while (true) {
        const ssize_t n = ::read(in.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return SystemError((dir / std::string(path)).string());
        if (n == 0) break;
        out.content.append(buffer, static_cast<std::size_t>(n));
    }
    out.kind = ExistingFile::Kind::kFile;
    out.executable = (st.st_mode & S_IXUSR) != 0;
    return out;
}

Result<bool> RemoveFile(const fs::path& dir, std::string_view path) {
    if (const std::string reason = PathProblem(path); !reason.empty()) return PathError(path, reason);
    const std::vector<std::string> parts = Split(path);
    auto walk = WalkFolders(dir, parts);
    if (!walk) return walk.take_error();
    if (walk->blocked) return LinkError(dir, std::string(path));
    if (!walk->complete) return false;
    struct stat st {};
    const Found found = Look(walk->folders.back(), parts.back(), st);
    if (found == Found::kMissing) return false;
    if (found != Found::kFile) return LinkError(dir, std::string(path));
    if (::unlinkat(walk->folders.back().get(), parts.back().c_str(), 0) != 0) {
        return SystemError((dir / std::string(path)).string());
    }
    // Folders left empty go too (rmdir fails on a folder that is not empty, which ends the climb).
    for (std::size_t i = walk->folders.size() - 1; i > 0; --i) {
        if (::unlinkat(walk->folders[i - 1].get(), parts[i - 1].c_str(), AT_REMOVEDIR) != 0) break;
    }
    return true;
}

std::string Sha256Hex(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(sizeof digest * 2);
    for (unsigned char b : digest) {
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

Result<ArchiveFormat> ParseArchiveFormat(std::string_view name) {
    if (name == "zip") return ArchiveFormat::kZip;
    if (name == "tar.gz" || name == "tgz") return ArchiveFormat::kTarGz;
    return MakeError(ErrorCode::kInvalidArgument, "unknown archive format \"" + std::string(name) + "\" (zip, tar.gz)",
                     {{"format", "must be zip or tar.gz"}});
}

namespace {

/// libarchive converts entry names through the thread's character set: under the "C" locale a name with letters
/// outside ASCII cannot be converted and its writers crash (a NULL name). Writing runs in C.UTF-8 on this thread
/// only (uselocale), so every UTF-8 name is written as it is.
class Utf8Locale final {
public:
    Utf8Locale() : utf8_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr))) {
        if (utf8_ != static_cast<locale_t>(nullptr)) previous_ = ::uselocale(utf8_);
    }
    ~Utf8Locale() {
        if (utf8_ == static_cast<locale_t>(nullptr)) return;
        ::uselocale(previous_);
        ::freelocale(utf8_);
    }
    Utf8Locale(const Utf8Locale&) = delete;
    Utf8Locale& operator=(const Utf8Locale&) = delete;
    bool ok() const { return utf8_ != static_cast<locale_t>(nullptr); }

private:
    locale_t utf8_;
    locale_t previous_ = static_cast<locale_t>(nullptr);
};

bool Ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

Result<Archive> WriteArchive(const Tree& tree, ArchiveFormat format, const ArchiveOptions& options) {
    const Utf8Locale locale;
    if (!locale.ok()) {
        const bool ascii = Ascii(options.prefix) && std::all_of(tree.files.begin(), tree.files.end(),
                                                                [](const GeneratedFile& f) { return Ascii(f.path); });
        if (!ascii) {
            return MakeError(ErrorCode::kInternal,
                             "this system has no C.UTF-8 locale: file names outside ASCII cannot be archived");
        }
    }
    if (!options.prefix.empty()) {
        if (const std::string reason = PathProblem(options.prefix); !reason.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, "archive prefix " + reason, {{"prefix", reason}});
        }
    }
    for (const GeneratedFile& f : tree.files) {
        if (const std::string reason = PathProblem(f.path); !reason.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, "output path " + reason, {{f.path, reason}});
        }
    }
    std::unique_ptr<struct archive, ArchiveDeleter> a(archive_write_new());
    if (!a) return MakeError(ErrorCode::kInternal, "libarchive: out of memory");
    Archive out;
    if (format == ArchiveFormat::kZip) {
        if (archive_write_set_format_zip(a.get()) != ARCHIVE_OK ||
            archive_write_set_format_option(a.get(), "zip", "compression", "deflate") != ARCHIVE_OK ||
            archive_write_set_format_option(a.get(), "zip", "experimental", nullptr) != ARCHIVE_OK ||
            archive_write_set_format_option(a.get(), "zip", "hdrcharset", "UTF-8") != ARCHIVE_OK) {
            return ArchiveError(a.get(), "zip");
        }
    } else {
        if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
            archive_write_set_format_option(a.get(), "pax", "hdrcharset", "UTF-8") != ARCHIVE_OK ||
            archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
            archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr) != ARCHIVE_OK) {
            return ArchiveError(a.get(), "tar.gz");
        }
    }
    if (archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK ||
        archive_write_open2(a.get(), &out.bytes, nullptr, Append, nullptr, nullptr) != ARCHIVE_OK) {
        return ArchiveError(a.get(), "archive");
    }
    for (const Entry& e : Entries(tree, options.prefix)) {
        std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
        archive_entry_set_pathname_utf8(entry.get(), e.path.c_str());
        archive_entry_set_mtime(entry.get(), kEpoch2000, 0);
        archive_entry_set_uid(entry.get(), 0);
        archive_entry_set_gid(entry.get(), 0);
        if (e.file == nullptr) {
            archive_entry_set_filetype(entry.get(), AE_IFDIR);
            archive_entry_set_perm(entry.get(), 0755);
            archive_entry_set_size(entry.get(), 0);
        } else {
            archive_entry_set_filetype(entry.get(), AE_IFREG);
            archive_entry_set_perm(entry.get(), e.file->executable ? 0755 : 0644);
            archive_entry_set_size(entry.get(), static_cast<la_int64_t>(e.file->content.size()));
        }
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return ArchiveError(a.get(), e.path);
        if (e.file != nullptr && !e.file->content.empty()) {
            const la_ssize_t n = archive_write_data(a.get(), e.file->content.data(), e.file->content.size());
            if (n < 0 || static_cast<std::size_t>(n) != e.file->content.size()) return ArchiveError(a.get(), e.path);
        }
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), "archive");
    out.sha256 = Sha256Hex(out.bytes);
    return out;
}

Result<void> WriteDirectory(const Tree& tree, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kInternal, dir.string() + ": " + ec.message());
    Fd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.ok()) return SystemError(dir.string());
    for (const GeneratedFile& f : tree.files) {
        if (auto r = WriteFile(root, f, dir); !r) return r;
    }
    return Ok();
}

}  // namespace dihya::generator
