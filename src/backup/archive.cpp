#include "backup/archive.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/crypto.hpp"
#include "core/files.hpp"

namespace dihya::backup {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::string_view kMagic = "DIHYA-BACKUP\n";
constexpr unsigned char kVersion = 1;
constexpr std::size_t kIdSize = 8;
constexpr std::size_t kPrefix = kMagic.size() + 1 + kIdSize;  // magic, version, key id: the first chunk's AD
constexpr std::size_t kHeader = kPrefix + crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t kChunk = std::size_t{64} << 10;
constexpr std::size_t kSealed = kChunk + crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr std::string_view kManifest = "manifest.json";
constexpr std::size_t kMaxManifest = 16 << 20;
constexpr std::size_t kMaxName = 1024;

const unsigned char* U(const void* p) {
    return static_cast<const unsigned char*>(p);
}

unsigned char* W(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

bool SodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

template <auto Free>
struct Deleter {
    void operator()(auto* p) const { (void)Free(p); }
};
using Writer = std::unique_ptr<struct archive, Deleter<archive_write_free>>;
using Reader = std::unique_ptr<struct archive, Deleter<archive_read_free>>;
using EntryPtr = std::unique_ptr<archive_entry, Deleter<archive_entry_free>>;

Error IoError(const std::string& what, int err = errno) {
    return MakeError(ErrorCode::kUnavailable, what + ": " + std::generic_category().message(err));
}

Error Damaged(const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, "the backup is damaged or truncated (" + why + ")");
}

Error Mismatch(const std::string& name) {
    return MakeError(ErrorCode::kInvalidArgument, "file " + name + " in the backup does not match its checksum");
}

/// Reads up to `size` bytes, fewer only at the end of the file; -1 on error.
ssize_t ReadFull(int fd, char* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(done);
}

bool WriteAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

class Sha256 final {
public:
    Sha256() { crypto_hash_sha256_init(&state_); }
    void Update(const char* data, std::size_t size) { crypto_hash_sha256_update(&state_, U(data), size); }
    std::string Hex() {
        std::string digest(crypto_hash_sha256_BYTES, '\0');
        crypto_hash_sha256_final(&state_, W(digest));
        return crypto::HexEncode(digest);
    }

private:
    crypto_hash_sha256_state state_;
};

BackupKey MakeKey(std::string key) {
    std::string id(8, '\0');  // the scheme of crypto::DataKey ids: one key has one id throughout Dihya
    crypto_generichash(W(id), id.size(), U("dihya-key-id"), 12, U(key.data()), key.size());
    return BackupKey{crypto::HexEncode(id).substr(0, kIdSize), std::move(key)};
}

/// Why `name` cannot name a member, or "".
std::string NameProblem(std::string_view name) {
    if (name.empty() || name.size() > kMaxName) return "must have 1 to 1024 characters";
    for (const char c : name) {
        if (c < 0x20 || c > 0x7e || c == '\\') return "must be printable ASCII without '\\'";
    }
    if (name == kManifest) return "is reserved for the manifest";
    if (name.front() == '/') return "must be a relative path";
    for (std::size_t start = 0; start <= name.size();) {
        const std::size_t slash = std::min(name.find('/', start), name.size());
        const std::string_view part = name.substr(start, slash - start);
        if (part.empty() || part == "." || part == "..") return "must not have empty, \".\" or \"..\" parts";
        start = slash + 1;
    }
    return "";
}

/// Checks every name, and that none is repeated or the folder of another.
Result<void> CheckNames(const std::vector<std::string>& names) {
    const std::set<std::string_view> all(names.begin(), names.end());
    if (all.size() != names.size()) return MakeError(ErrorCode::kInvalidArgument, "backup entry names repeat");
    for (const std::string& name : names) {
        std::string reason = NameProblem(name);
        for (std::size_t s = name.find('/'); reason.empty() && s != std::string::npos; s = name.find('/', s + 1)) {
            if (all.count(std::string_view(name).substr(0, s)) != 0) reason = "is inside another entry";
        }
        if (!reason.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, "backup entry name " + reason, {{name, reason}});
        }
    }
    return Ok();
}

/// Reads `fd` from its start in chunks, handing each to `sink` (which returns Result<void>).
template <class Sink>
Result<void> ReadChunks(int fd, const fs::path& shown, Sink&& sink) {
    if (::lseek(fd, 0, SEEK_SET) != 0) return IoError(shown.string());
    std::vector<char> buffer(kChunk);
    while (true) {
        const ssize_t n = ReadFull(fd, buffer.data(), buffer.size());
        if (n < 0) return IoError(shown.string());
        if (n == 0) return Ok();
        if (auto r = sink(buffer.data(), static_cast<std::size_t>(n)); !r) return r;
    }
}

/// Encrypts what libarchive writes into the secretstream format, hashing the file as it goes.
class Encryptor final {
public:
    Encryptor(int fd, const BackupKey& key) : fd_(fd) {
        std::string header(kMagic);
        header += static_cast<char>(kVersion);
        header += key.id;
        prefix_ = header;
        header.resize(kHeader);
        crypto_secretstream_xchacha20poly1305_init_push(&state_, W(header) + kPrefix, U(key.key.data()));
        Emit(header.data(), header.size());
    }
    ~Encryptor() { sodium_memzero(&state_, sizeof state_); }

    bool Write(const char* data, std::size_t size) {
        pending_.append(data, size);
        std::size_t done = 0;
        for (; ok() && pending_.size() - done > kChunk; done += kChunk) {
            Seal(pending_.data() + done, kChunk, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        }
        pending_.erase(0, done);
        return ok();
    }
    /// Seals what is left as the FINAL chunk.
    bool Finish() {
        if (ok()) Seal(pending_.data(), pending_.size(), crypto_secretstream_xchacha20poly1305_TAG_FINAL);
        return ok();
    }
    bool ok() const { return errno_ == 0; }
    int error() const { return errno_; }
    std::uint64_t bytes() const { return bytes_; }
    std::string Sha256Hex() { return hash_.Hex(); }

private:
    void Seal(const char* data, std::size_t size, unsigned char tag) {
        sealed_.resize(kSealed);
        unsigned long long len = 0;
        const bool first = bytes_ == kHeader;
        crypto_secretstream_xchacha20poly1305_push(&state_, W(sealed_), &len, U(data), size,
                                                   first ? U(prefix_.data()) : nullptr, first ? prefix_.size() : 0,
                                                   tag);
        Emit(sealed_.data(), len);
    }
    void Emit(const char* data, std::size_t size) {
        if (!WriteAll(fd_, data, size)) errno_ = errno != 0 ? errno : EIO;
        hash_.Update(data, size);
        bytes_ += size;
    }

    int fd_;
    crypto_secretstream_xchacha20poly1305_state state_{};
    std::string prefix_, pending_, sealed_;
    Sha256 hash_;
    std::uint64_t bytes_ = 0;
    int errno_ = 0;  // of the first failed write
};

la_ssize_t WriteCallback(struct archive* /*a*/, void* client, const void* buffer, size_t length) {
    if (!static_cast<Encryptor*>(client)->Write(static_cast<const char*>(buffer), length)) return -1;
    return static_cast<la_ssize_t>(length);
}

/// Reads, checks and decrypts the secretstream chunk by chunk (for libarchive's read callback).
class Decryptor final {
public:
    ~Decryptor() { sodium_memzero(&state_, sizeof state_); }

    Result<void> Open(const fs::path& in, std::span<const BackupKey> keys) {
        fd_ = Fd(::open(in.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd_.ok() && errno == ENOENT) return MakeError(ErrorCode::kNotFound, in.string() + " does not exist");
        if (!fd_.ok()) return IoError(in.string());
        struct stat st {};
        if (::fstat(fd_.get(), &st) != 0) return IoError(in.string());
        if (!S_ISREG(st.st_mode)) return MakeError(ErrorCode::kInvalidArgument, in.string() + " is not a file");
        char header[kHeader];
        const ssize_t n = ReadFull(fd_.get(), header, sizeof header);
        if (n < 0) return IoError(in.string());
        if (static_cast<std::size_t>(n) < kMagic.size() + 1 || std::string_view(header, kMagic.size()) != kMagic ||
            header[kMagic.size()] == 0) {
            return MakeError(ErrorCode::kInvalidArgument, in.string() + " is not a Dihya backup");
        }
        if (const auto version = static_cast<unsigned char>(header[kMagic.size()]); version > kVersion) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "backup format " + std::to_string(version) + " is newer than this dihya understands");
        }
        if (static_cast<std::size_t>(n) < kHeader) return Damaged("it ends before its last part");
        const std::string id(header + kMagic.size() + 1, kIdSize);
        if (id.find_first_not_of("0123456789abcdef") != std::string::npos) return Damaged("its header is invalid");
        const BackupKey* key = nullptr;
        for (const BackupKey& k : keys) key = k.id == id ? &k : key;
        if (key == nullptr) {
            return MakeError(ErrorCode::kInvalidArgument, "this backup was encrypted with another key (id " + id +
                                                              "): set backup.key (or DIHYA_SECRET) to the one in use "
                                                              "when it was made");
        }
        if (crypto_secretstream_xchacha20poly1305_init_pull(&state_, U(header + kPrefix), U(key->key.data())) != 0) {
            return Damaged("its header is invalid");
        }
        prefix_.assign(header, kPrefix);
        offset_ = kHeader;
        return Ok();
    }

    /// Decrypts the next chunk into plain(); false (and error set) on failure. Nothing is left after finished().
    bool Next() {
        plain_.clear();
        if (error_) return false;
        if (finished_) return true;
        sealed_.resize(kSealed);
        const std::uint64_t at = offset_;
        const ssize_t n = ReadFull(fd_.get(), sealed_.data(), sealed_.size());
        if (n < 0) return Fail(IoError("reading the backup"));
        offset_ += static_cast<std::uint64_t>(n);
        if (n == 0) return Fail(Damaged("it ends before its last part"));
        plain_.resize(kChunk);
        unsigned long long len = 0;
        unsigned char tag = 0;
        const bool first = at == kHeader;
        if (crypto_secretstream_xchacha20poly1305_pull(&state_, W(plain_), &len, &tag, U(sealed_.data()),
                                                       static_cast<std::size_t>(n), first ? U(prefix_.data()) : nullptr,
                                                       first ? kPrefix : 0) != 0) {
            return Fail(Damaged("decryption failed at byte " + std::to_string(at)));
        }
        plain_.resize(len);
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) return true;
        finished_ = true;
        char extra = 0;
        if (ReadFull(fd_.get(), &extra, 1) != 0) return Fail(Damaged("it has data after its last part"));
        return true;
    }
    bool finished() const { return finished_; }
    const std::string& plain() const { return plain_; }
    const std::optional<Error>& error() const { return error_; }

private:
    bool Fail(Error error) {
        error_ = std::move(error);
        return false;
    }

    Fd fd_;
    crypto_secretstream_xchacha20poly1305_state state_{};
    std::string prefix_, sealed_, plain_;
    std::uint64_t offset_ = 0;
    bool finished_ = false;
    std::optional<Error> error_;
};

la_ssize_t ReadCallback(struct archive* /*a*/, void* client, const void** buffer) {
    auto* d = static_cast<Decryptor*>(client);
    do {
        if (!d->Next()) return -1;
    } while (d->plain().empty() && !d->finished());
    *buffer = d->plain().data();
    return static_cast<la_ssize_t>(d->plain().size());
}

Error ReadFailure(struct archive* a, const Decryptor& d) {
    if (d.error()) return *d.error();
    const char* message = archive_error_string(a);
    return Damaged(std::string("its content is invalid: ") + (message != nullptr ? message : "libarchive error"));
}

struct Expected {
    std::uint64_t size = 0;
    std::string sha256;
    bool seen = false;
};

Result<std::map<std::string, Expected>> ParseManifest(std::string_view text, json::object& manifest) {
    std::error_code parse_ec, format_ec;
    json::value parsed = json::parse(text, parse_ec);
    if (parse_ec || !parsed.is_object()) return Damaged("its manifest is invalid");
    manifest = std::move(parsed.as_object());
    const json::value* format = manifest.if_contains("format");
    const std::int64_t version = format != nullptr ? format->to_number<std::int64_t>(format_ec) : 0;
    if (version > 1) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "backup format " + std::to_string(version) + " is newer than this dihya understands");
    }
    const json::value* files = manifest.if_contains("files");
    if (format_ec || version != 1 || files == nullptr || !files->is_array()) return Damaged("its manifest is invalid");
    std::map<std::string, Expected> out;
    std::vector<std::string> names;
    for (const json::value& f : files->as_array()) {
        const json::object* o = f.if_object();
        const json::value* name = o != nullptr ? o->if_contains("name") : nullptr;
        const json::value* size = o != nullptr ? o->if_contains("size") : nullptr;
        const json::value* sha = o != nullptr ? o->if_contains("sha256") : nullptr;
        if (name == nullptr || !name->is_string() || size == nullptr || sha == nullptr || !sha->is_string() ||
            sha->as_string().size() != 64) {
            return Damaged("its manifest is invalid");
        }
        std::error_code size_ec;
        Expected e{size->to_number<std::uint64_t>(size_ec), std::string(sha->as_string())};
        if (size_ec) return Damaged("its manifest is invalid");
        names.emplace_back(name->as_string());
        out.emplace(names.back(), std::move(e));
    }
    if (!CheckNames(names)) return Damaged("its manifest names unsafe or repeated files");
    return out;
}

/// Opens (creating its folders, 0700) the file `name` to extract inside `dir`; it must not exist.
Result<Fd> CreateInside(const fs::path& dir, const std::string& name) {
    for (std::size_t s = name.find('/'); s != std::string::npos; s = name.find('/', s + 1)) {
        const fs::path folder = dir / name.substr(0, s);
        if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) return IoError(folder.string());
    }
    const fs::path path = dir / name;
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.ok()) return IoError(path.string());
    return fd;
}

/// Decrypts and checks all of `in`; extracts into `dir` unless it is null.
Result<json::object> Read(const fs::path& in, std::span<const BackupKey> keys, const fs::path* dir) {
    if (!SodiumReady()) return MakeError(ErrorCode::kInternal, "libsodium failed to initialise");
    Decryptor d;
    if (auto opened = d.Open(in, keys); !opened) return opened.take_error();
    Reader a(archive_read_new());
    if (!a) return MakeError(ErrorCode::kInternal, "libarchive: out of memory");
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_zstd(a.get());  // ARCHIVE_WARN when it needs the zstd program: fine
    archive_read_support_filter_gzip(a.get());
    if (archive_read_open(a.get(), &d, nullptr, ReadCallback, nullptr) != ARCHIVE_OK) return ReadFailure(a.get(), d);
    std::vector<char> buffer(kChunk);
    json::object manifest;
    std::map<std::string, Expected> expected;
    for (bool first = true;; first = false) {
        archive_entry* entry = nullptr;
        const int r = archive_read_next_header(a.get(), &entry);
        if (r == ARCHIVE_EOF && !first) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return ReadFailure(a.get(), d);
        const char* path = archive_entry_pathname(entry);
        const std::string name = path != nullptr ? path : "";
        const bool regular = archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr;
        const auto size = static_cast<std::uint64_t>(archive_entry_size(entry));
        if (first && (name != kManifest || !regular || size > kMaxManifest)) return Damaged("its manifest is missing");
        if (!first && !NameProblem(name).empty()) return Damaged("it holds a file with an unsafe name");
        if (!first && !regular) return Damaged(name + " is not a regular file");
        auto it = expected.find(name);
        if (!first && (it == expected.end() || it->second.seen)) return Damaged(name + " is not in its manifest");
        if (!first && size != it->second.size) return Mismatch(name);
        Fd out;
        if (!first && dir != nullptr) {
            auto created = CreateInside(*dir, name);
            if (!created) return created.take_error();
            out = std::move(created.value());
        }
        std::string text;
        Sha256 hash;
        std::uint64_t total = 0;
        while (true) {
            const la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
            if (n < 0) return ReadFailure(a.get(), d);
            if (n == 0) break;
            const auto len = static_cast<std::size_t>(n);
            total += len;
            if (first) text.append(buffer.data(), len);
            if (!first) hash.Update(buffer.data(), len);
            if (out.ok() && !WriteAll(out.get(), buffer.data(), len)) return IoError((*dir / name).string());
        }
        if (first) {
            auto parsed = ParseManifest(text, manifest);
            if (!parsed) return parsed.take_error();
            expected = std::move(parsed.value());
            continue;
        }
        if (total != it->second.size || hash.Hex() != it->second.sha256) return Mismatch(name);
        if (out.ok() && (::fsync(out.get()) != 0 || !out.Close())) return IoError((*dir / name).string());
        it->second.seen = true;
    }
    while (!d.finished()) {
        if (!d.Next()) return *d.error();
    }
    for (const auto& [name, e] : expected) {
        if (!e.seen) return Damaged("file " + name + " of its manifest is missing");
    }
    return manifest;
}

/// A source file between the two passes of WriteArchive.
struct Source {
    Fd fd;
    std::uint64_t size = 0;
    std::string sha256;
    time_t mtime = 0;
};

/// Opens `source` and reads it once for its size and hash.
Result<Source> Scan(const fs::path& source) {
    Source s;
    s.fd = Fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!s.fd.ok() && errno == ENOENT) return MakeError(ErrorCode::kNotFound, source.string() + " does not exist");
    struct stat st {};
    if (!s.fd.ok() || ::fstat(s.fd.get(), &st) != 0) return IoError(source.string());
    if (!S_ISREG(st.st_mode)) return MakeError(ErrorCode::kInvalidArgument, source.string() + " is not a file");
    s.mtime = st.st_mtime;
    Sha256 hash;
    auto read = ReadChunks(s.fd.get(), source, [&](const char* data, std::size_t len) -> Result<void> {
        hash.Update(data, len);
        s.size += len;
        return Ok();
    });
    if (!read) return read.take_error();
    s.sha256 = hash.Hex();
    return s;
}

/// Removes the temporary file unless the write succeeded.
struct TempFile {
    std::string path;
    bool keep = false;
    ~TempFile() {
        if (!keep && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace

BackupKey DeriveBackupKey(std::string_view secret) {
    (void)SodiumReady();
    std::string key(32, '\0');
    crypto_generichash(W(key), key.size(), U(secret.data()), secret.size(), U("dihya-backup-key"), 16);
    return MakeKey(std::move(key));
}

Result<BackupKey> ParseBackupKey(std::string_view hex, std::string_view origin) {
    auto raw = crypto::HexDecode(hex);
    if (!raw || raw->size() != 32) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(origin) + ": must be 64 hexadecimal characters (32 bytes: openssl rand -hex 32)",
                         {{std::string(origin), "must be 64 hexadecimal characters"}});
    }
    (void)SodiumReady();
    return MakeKey(std::move(*raw));
}

Result<ArchiveInfo> WriteArchive(const fs::path& out, const BackupKey& key, json::object meta,
                                 std::span<const Entry> files) {
    if (!SodiumReady()) return MakeError(ErrorCode::kInternal, "libsodium failed to initialise");
    if (key.key.size() != 32 || key.id.size() != kIdSize) {
        return MakeError(ErrorCode::kInvalidArgument, "the backup key is not 32 bytes with an 8-character id");
    }
    std::vector<std::string> names;
    for (const Entry& e : files) names.push_back(e.name);
    if (auto checked = CheckNames(names); !checked) return checked.take_error();

    // First pass: sizes and hashes for the manifest, which comes first. The files stay open for the second pass.
    std::vector<Source> sources;
    json::array listed;
    for (const Entry& e : files) {
        auto s = Scan(e.source);
        if (!s) return s.take_error();
        listed.push_back(json::object{{"name", e.name}, {"size", s->size}, {"sha256", s->sha256}});
        sources.push_back(std::move(s.value()));
    }
    meta["format"] = 1;
    meta["files"] = std::move(listed);
    const std::string manifest = json::serialize(meta);

    TempFile temp{(out.parent_path() / ("." + out.filename().string() + ".XXXXXX")).string()};
    Fd fd(::mkostemp(temp.path.data(), O_CLOEXEC));
    if (!fd.ok()) {
        const int err = errno;
        temp.path.clear();
        if (err == ENOENT) return MakeError(ErrorCode::kNotFound, "the folder of " + out.string() + " does not exist");
        return IoError(out.string(), err);
    }
    if (::fchmod(fd.get(), 0600) != 0) return IoError(out.string());
    Encryptor enc(fd.get(), key);
    Writer a(archive_write_new());
    if (!a) return MakeError(ErrorCode::kInternal, "libarchive: out of memory");
    auto failure = [&]() -> Error {
        if (!enc.ok()) return IoError(out.string(), enc.error());
        const char* message = archive_error_string(a.get());
        return MakeError(ErrorCode::kInternal,
                         std::string("backup archive: ") + (message ? message : "libarchive error"));
    };
    const bool zstd = archive_libzstd_version() != nullptr;
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        (zstd ? archive_write_add_filter_zstd(a.get()) : archive_write_add_filter_gzip(a.get())) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK ||
        archive_write_open2(a.get(), &enc, nullptr, WriteCallback, nullptr, nullptr) != ARCHIVE_OK) {
        return failure();
    }
    auto add = [&](const std::string& name, std::uint64_t size, time_t mtime) -> Result<void> {
        EntryPtr entry(archive_entry_new());
        archive_entry_set_pathname(entry.get(), name.c_str());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0600);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
        archive_entry_set_mtime(entry.get(), mtime, 0);
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return failure();
        return Ok();
    };
    auto data = [&](const char* bytes, std::size_t len) -> Result<void> {
        if (archive_write_data(a.get(), bytes, len) != static_cast<la_ssize_t>(len)) return failure();
        return Ok();
    };
    if (auto r = add(std::string(kManifest), manifest.size(), std::time(nullptr)); !r) return r.take_error();
    if (auto r = data(manifest.data(), manifest.size()); !r) return r.take_error();
    for (std::size_t i = 0; i < files.size(); ++i) {
        Source& s = sources[i];
        if (auto r = add(files[i].name, s.size, s.mtime); !r) return r.take_error();
        Sha256 hash;
        std::uint64_t copied = 0;
        const Error changed = MakeError(ErrorCode::kConflict, files[i].source.string() + " changed during the backup");
        auto read = ReadChunks(s.fd.get(), files[i].source, [&](const char* bytes, std::size_t len) {
            hash.Update(bytes, len);
            copied += len;
            return copied > s.size ? Result<void>(changed) : data(bytes, len);
        });
        if (!read) return read.take_error();
        if (copied != s.size || hash.Hex() != s.sha256) return changed;
        (void)s.fd.Close();
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK || !enc.Finish()) return failure();
    if (::fsync(fd.get()) != 0 || !fd.Close()) return IoError(out.string());
    if (::rename(temp.path.c_str(), out.c_str()) != 0) return IoError(out.string());
    temp.keep = true;
    const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    Fd dir_fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.ok() || ::fsync(dir_fd.get()) != 0) return IoError(folder.string());
    return ArchiveInfo{enc.bytes(), enc.Sha256Hex(), std::move(meta)};
}

Result<json::object> ExtractArchive(const fs::path& in, std::span<const BackupKey> keys, const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        if (!fs::exists(dir, ec)) return MakeError(ErrorCode::kNotFound, dir.string() + " does not exist");
        return MakeError(ErrorCode::kInvalidArgument, dir.string() + " is not a folder");
    }
    const bool empty = fs::is_empty(dir, ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, dir.string() + ": " + ec.message());
    if (!empty) {
        return MakeError(ErrorCode::kConflict,
                         dir.string() + " is not empty: backups are restored into an empty folder");
    }
    auto manifest = Read(in, keys, &dir);
    if (manifest) return manifest;
    std::vector<fs::path> made;  // all ours: the folder was empty
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) made.push_back(it->path());
    for (const fs::path& p : made) fs::remove_all(p, ec);
    return manifest;
}

Result<json::object> VerifyArchive(const fs::path& in, std::span<const BackupKey> keys) {
    return Read(in, keys, nullptr);
}

}  // namespace dihya::backup
