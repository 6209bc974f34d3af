#pragma once

// Encrypted backup archives: the container `dihya backup` writes and `dihya restore` reads.
//
// File format, version 1 (all sizes in bytes):
//
//   offset  size  content
//   0       13    magic "DIHYA-BACKUP\n"
//   13      1     format version, 0x01
//   14      8     key id: 8 lower-case hex characters (ASCII) naming the backup key (BackupKey::id)
//   22      24    libsodium crypto_secretstream_xchacha20poly1305 header
//   46      ...   the stream: chunks of 65,536 plaintext bytes, each 65,553 bytes once encrypted (16-byte
//                 Poly1305 tag and 1 tag byte added). Every chunk but the last is full and tagged MESSAGE; the
//                 last one holds 0 to 65,536 plaintext bytes, is tagged FINAL and ends the file. Chunks carry no
//                 length: a reader takes 65,553 bytes at a time and a shorter read is the last chunk. The first
//                 chunk's additional data is the 22 bytes of magic, version and key id, which authenticates them.
//
// The decrypted stream is a tar archive (POSIX pax, only regular files, no folder entries) compressed with zstd
// (gzip when this libarchive has no zstd support; readers accept either). Its FIRST member is "manifest.json":
// the caller's `meta` object plus
//   "format": 1,
//   "files": [{"name": "database/dihya.db", "size": 123, "sha256": "<64 hex>"}, ...]   (in archive order)
// then one member per file, in the order of `files`, mode 0600, owner 0:0. The writer reads each source twice (a
// first pass for sizes and hashes, then the copy) and fails if a file changes in between. Truncation is detected by
// the FINAL tag: a file that ends without it, or carries bytes after it, is damaged.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace dihya::backup {

/// A 32-byte key encrypting backups.
struct BackupKey {
    /// 8 lower-case hex characters derived from the key (the scheme of crypto::DataKey ids): names the key in the
    /// header of each backup, so a reader picks the right key and says which one is missing.
    std::string id;
    /// 32 raw bytes.
    std::string key;
};

/// The backup key derived from the server secret (keyed BLAKE2b with the context "dihya-backup-key"): distinct from
/// crypto::DeriveDataKey's for the same secret. Used when backup.key is not configured.
BackupKey DeriveBackupKey(std::string_view secret);

/// Parses 64 hex characters into a key. kInvalidArgument naming `origin` (e.g. "backup.key") on bad input; the
/// message never repeats the value.
Result<BackupKey> ParseBackupKey(std::string_view hex, std::string_view origin);

/// One file to put in an archive.
struct Entry {
    /// Path inside the archive, e.g. "database/dihya.db": printable ASCII without '\', relative, made of non-empty
    /// parts that are not "." or "..", at most 1,024 characters; not "manifest.json", not the folder of another entry.
    std::string name;
    /// The file to copy (a regular file; a stable snapshot: it must not change while the archive is written).
    std::filesystem::path source;
};

/// What WriteArchive wrote.
struct ArchiveInfo {
    /// Size of the archive file.
    std::uint64_t bytes = 0;
    /// Lower-case hex SHA-256 of the whole archive file (a checksum users can compare after copying it).
    std::string sha256;
    /// The manifest stored in the archive (`meta` with "format" and "files").
    boost::json::object manifest;
};

/// Writes the archive `out` (format above) holding `files`, encrypted with `key`. The manifest is `meta` (e.g.
/// "created_at", "dihya_version", "database") with "format" and "files" set by this function (any such keys in
/// `meta` are replaced). Atomic: written to a temporary file ".<out name>.XXXXXX" in the same folder (mode 0600),
/// fsynced, renamed over `out`, then the folder fsynced; the temporary file is removed on failure. Errors:
/// kInvalidArgument for a bad or duplicate entry name, kNotFound for a missing source or output folder,
/// kConflict for a source that changed during the backup, kUnavailable for input/output failures.
Result<ArchiveInfo> WriteArchive(const std::filesystem::path& out, const BackupKey& key, boost::json::object meta,
                                 std::span<const Entry> files);

/// Decrypts and checks the whole archive `in`, extracting every file into `dir` (which must exist and be empty:
/// kConflict otherwise) with mode 0600 (folders 0700). Refuses absolute names, "..", links and any other
/// non-regular member; checks each file's size and SHA-256 against the manifest, that every file of the manifest is
/// present, and that the stream ends with its last part. `keys` are the keys to try (chosen by the id in the header).
/// On failure, whatever was extracted is removed again (`dir` is left empty). Returns the manifest.
Result<boost::json::object> ExtractArchive(const std::filesystem::path& in, std::span<const BackupKey> keys,
                                           const std::filesystem::path& dir);

/// Decrypts and checks the whole archive like ExtractArchive without writing anything (`dihya backup verify`, the
/// admin list). Returns the manifest.
Result<boost::json::object> VerifyArchive(const std::filesystem::path& in, std::span<const BackupKey> keys);

}  // namespace dihya::backup
