#include "backup/archive.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "core/crypto.hpp"

namespace dihya::backup {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHeader = 46;                    // magic 13, version 1, key id 8, secretstream header 24
constexpr std::size_t kSealed = 65536 + 17;            // one full encrypted chunk
constexpr std::string_view kMagic = "DIHYA-BACKUP\n";  // NOLINT

std::string ReadAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteAll(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

/// Encrypts `plain` into the documented container format, independently of archive.cpp.
std::string Seal(const BackupKey& key, const std::string& plain) {
    std::string out(kMagic);
    out += '\x01';
    out += key.id;
    const std::string prefix = out;
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, header,
                                                    reinterpret_cast<const unsigned char*>(key.key.data()));
    out.append(reinterpret_cast<const char*>(header), sizeof header);
    for (std::size_t at = 0;; at += 65536) {
        const std::size_t n = std::min<std::size_t>(65536, plain.size() - at);
        const bool last = at + n == plain.size();
        std::string sealed(n + 17, '\0');
        crypto_secretstream_xchacha20poly1305_push(
            &st, reinterpret_cast<unsigned char*>(sealed.data()), nullptr,
            reinterpret_cast<const unsigned char*>(plain.data() + at), n,
            at == 0 ? reinterpret_cast<const unsigned char*>(prefix.data()) : nullptr, at == 0 ? prefix.size() : 0,
            last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        out += sealed;
        if (last) return out;
    }
}

/// Decrypts a whole archive by the documented format (the test's own reader); empty on failure.
std::string Unseal(const BackupKey& key, const std::string& file) {
    crypto_secretstream_xchacha20poly1305_state st;
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, reinterpret_cast<const unsigned char*>(file.data() + 22),
                                                        reinterpret_cast<const unsigned char*>(key.key.data())) != 0) {
        return "";
    }
    std::string plain;
    for (std::size_t at = kHeader; at < file.size(); at += kSealed) {
        const std::size_t n = std::min(kSealed, file.size() - at);
        std::string chunk(n - 17, '\0');
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(
                &st, reinterpret_cast<unsigned char*>(chunk.data()), nullptr, &tag,
                reinterpret_cast<const unsigned char*>(file.data() + at), n,
                at == kHeader ? reinterpret_cast<const unsigned char*>(file.data()) : nullptr,
                at == kHeader ? 22 : 0) != 0) {
            return "";
        }
        plain += chunk;
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) return at + n == file.size() ? plain : "";
    }
    return "";
}

struct Member {
    Member(std::string n, std::string c, unsigned t = AE_IFREG, std::string l = "")
        : name(std::move(n)), content(std::move(c)), type(t), link(std::move(l)) {}
    std::string name;
    std::string content;
    unsigned type;
    std::string link;
};

la_ssize_t Append(struct archive*, void* client, const void* buffer, size_t length) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

/// A gzip-compressed tar of `members` (a hand-made archive content, e.g. with unsafe members).
std::string Tar(const std::vector<Member>& members) {
    std::string out;
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
    archive_write_set_bytes_per_block(a, 0);
    archive_write_open2(a, &out, nullptr, Append, nullptr, nullptr);
    for (const Member& m : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, m.name.c_str());
        archive_entry_set_filetype(e, m.type);
        archive_entry_set_perm(e, 0600);
        if (!m.link.empty()) archive_entry_set_symlink(e, m.link.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(m.content.size()));
        archive_write_header(a, e);
        archive_write_data(a, m.content.data(), m.content.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

std::string Manifest(const std::vector<Member>& files) {
    boost::json::array list;
    for (const Member& f : files) {
        list.push_back({{"name", f.name}, {"size", f.content.size()}, {"sha256", crypto::Sha256Hex(f.content)}});
    }
    return boost::json::serialize(boost::json::object{{"format", 1}, {"files", list}});
}

class BackupArchiveTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "dihya-backup-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        key_ = DeriveBackupKey("a server secret of some length");
        WriteAll(root_ / "src/dihya.db", crypto::RandomBytes(5 << 20));
        WriteAll(root_ / "src/empty", "");
        WriteAll(root_ / "src/config.yaml", "server:\n  port: 8080\n");
        files_ = {{"database/dihya.db", root_ / "src/dihya.db"},
                  {"empty", root_ / "src/empty"},
                  {"files/config/dihya.yaml", root_ / "src/config.yaml"}};
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    fs::path Write(const std::string& name, const std::vector<Entry>& files) {
        fs::path out = root_ / "out" / name;
        fs::create_directories(out.parent_path());
        auto info = WriteArchive(out, key_, {{"created_at", "2026-01-02T03:04:05Z"}}, files);
        EXPECT_TRUE(info.ok()) << (info.ok() ? "" : info.error().message);
        return out;
    }
    /// Files in `dir` (recursively), by relative name.
    static std::vector<std::string> List(const fs::path& dir) {
        std::vector<std::string> names;
        for (const auto& e : fs::recursive_directory_iterator(dir)) names.push_back(fs::relative(e.path(), dir));
        std::sort(names.begin(), names.end());
        return names;
    }
    fs::path EmptyDir(const std::string& name) {
        fs::create_directories(root_ / name);
        return root_ / name;
    }
    Result<boost::json::object> Verify(const fs::path& in) { return VerifyArchive(in, std::span(&key_, 1)); }

    fs::path root_;
    BackupKey key_;
    std::vector<Entry> files_;
};

TEST_F(BackupArchiveTest, RoundTripsFilesWithTheirManifest) {
    const fs::path out = root_ / "out" / "b.dihya-backup";
    fs::create_directories(out.parent_path());
    auto info = WriteArchive(out, key_, {{"created_at", "2026-01-02T03:04:05Z"}, {"database", "sqlite"}}, files_);
    ASSERT_TRUE(info.ok()) << info.error().message;
    const std::string bytes = ReadAll(out);
    EXPECT_EQ(info->bytes, bytes.size());
    EXPECT_EQ(info->sha256, crypto::Sha256Hex(bytes));
    EXPECT_EQ(bytes.substr(0, 22), std::string(kMagic) + '\x01' + key_.id);
    EXPECT_LT(bytes.size(), (5u << 20) + 200'000);  // random data does not compress, but nothing is duplicated
    EXPECT_EQ(List(root_ / "out"), std::vector<std::string>{"b.dihya-backup"});  // no temporary file left
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    const boost::json::object& m = info->manifest;
    EXPECT_EQ(m.at("format"), 1);
    EXPECT_EQ(m.at("created_at"), "2026-01-02T03:04:05Z");
    EXPECT_EQ(m.at("database"), "sqlite");
    const boost::json::array& listed = m.at("files").as_array();
    ASSERT_EQ(listed.size(), 3u);
    EXPECT_EQ(listed[0].at("name"), "database/dihya.db");
    EXPECT_EQ(listed[0].at("size").to_number<std::uint64_t>(), 5u << 20);
    EXPECT_EQ(listed[0].at("sha256").as_string(), crypto::Sha256Hex(ReadAll(root_ / "src/dihya.db")));
    EXPECT_EQ(listed[1].at("size").to_number<std::uint64_t>(), 0u);

    auto verified = Verify(out);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(*verified, m);

    const fs::path dir = EmptyDir("restore");
    auto extracted = ExtractArchive(out, std::span(&key_, 1), dir);
    ASSERT_TRUE(extracted.ok()) << extracted.error().message;
    EXPECT_EQ(*extracted, m);
    EXPECT_EQ(List(dir), (std::vector<std::string>{"database", "database/dihya.db", "empty", "files", "files/config",
                                                   "files/config/dihya.yaml"}));
    for (const Entry& e : files_) EXPECT_EQ(ReadAll(dir / e.name), ReadAll(e.source)) << e.name;
    ASSERT_EQ(::stat((dir / "database/dihya.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(BackupArchiveTest, FollowsTheDocumentedFormat) {
    const fs::path out = Write("b", files_);
    const std::string plain = Unseal(key_, ReadAll(out));
    ASSERT_FALSE(plain.empty());
    struct archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_all(a);
    ASSERT_EQ(archive_read_open_memory(a, plain.data(), plain.size()), ARCHIVE_OK);
    std::vector<std::string> names;
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        names.emplace_back(archive_entry_pathname(e));
        EXPECT_EQ(archive_entry_filetype(e), static_cast<unsigned>(AE_IFREG));
    }
    const int filter = archive_filter_code(a, 0);
    EXPECT_EQ(filter, archive_libzstd_version() != nullptr ? ARCHIVE_FILTER_ZSTD : ARCHIVE_FILTER_GZIP);
    archive_read_free(a);
    EXPECT_EQ(names,
              (std::vector<std::string>{"manifest.json", "database/dihya.db", "empty", "files/config/dihya.yaml"}));
}

TEST_F(BackupArchiveTest, ReadsAnArchiveSealedByTheSpecAndChoosesTheKeyById) {
    const std::vector<Member> files{{"a/b.txt", "hello"}, {"c", std::string(200'000, 'x')}};
    std::vector<Member> members{{"manifest.json", Manifest(files)}};
    members.insert(members.end(), files.begin(), files.end());
    WriteAll(root_ / "sealed", Seal(key_, Tar(members)));
    const std::vector<BackupKey> keys{DeriveBackupKey("another secret"), key_};
    auto m = VerifyArchive(root_ / "sealed", keys);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m->at("files").as_array().size(), 2u);
}

TEST_F(BackupArchiveTest, RefusesAnotherKeyNamingItsId) {
    const fs::path out = Write("b", files_);
    const BackupKey other = DeriveBackupKey("another secret");
    auto r = VerifyArchive(out, std::span(&other, 1));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("another key (id " + key_.id + ")"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("backup.key"), std::string::npos);
    EXPECT_FALSE(VerifyArchive(out, {}).ok());
}

TEST_F(BackupArchiveTest, DetectsAnyFlippedByte) {
    const fs::path out = Write("b", {{"db", root_ / "src/config.yaml"}, {"big", root_ / "src/dihya.db"}});
    const std::string good = ReadAll(out);
    ASSERT_GT(good.size(), kHeader + 3 * kSealed);
    const std::vector<std::size_t> at{22,
                                      30,
                                      45,
                                      kHeader,
                                      kHeader + 100,
                                      kHeader + kSealed - 1,
                                      kHeader + kSealed,
                                      good.size() / 2,
                                      good.size() - 18,
                                      good.size() - 1};
    for (const std::size_t i : at) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        WriteAll(out, bad);
        auto r = Verify(out);
        ASSERT_FALSE(r.ok()) << "byte " << i;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find("the backup is damaged or truncated (decryption failed at byte"),
                  std::string::npos)
            << i << ": " << r.error().message;
    }
    // The plaintext header is authenticated too; its fields name what is wrong.
    std::string bad = good;
    bad[0] = 'X';
    WriteAll(out, bad);
    EXPECT_NE(Verify(out).error().message.find("not a Dihya backup"), std::string::npos);
    bad = good;
    bad[13] = 2;
    WriteAll(out, bad);
    EXPECT_NE(Verify(out).error().message.find("backup format 2 is newer than this dihya understands"),
              std::string::npos);
    bad = good;
    bad[14] = bad[14] == 'a' ? 'b' : 'a';
    WriteAll(out, bad);
    EXPECT_NE(Verify(out).error().message.find("another key"), std::string::npos);
}

TEST_F(BackupArchiveTest, DetectsTruncationAndTrailingData) {
    const fs::path out = Write("b", files_);
    const std::string good = ReadAll(out);
    const std::size_t final_chunk = kHeader + (good.size() - kHeader - 1) / kSealed * kSealed;
    ASSERT_LT(final_chunk, good.size());
    const std::vector<std::pair<std::size_t, std::string>> cuts{
        {20, "it ends before its last part"},
        {kHeader, "it ends before its last part"},
        {kHeader + 10, "decryption failed at byte 46"},
        {kHeader + kSealed, "it ends before its last part"},
        {kHeader + 2 * kSealed - 5, "decryption failed at byte " + std::to_string(kHeader + kSealed)},
        {final_chunk, "it ends before its last part"},  // just the final chunk removed
        {good.size() - 1, "decryption failed at byte " + std::to_string(final_chunk)},
    };
    for (const auto& [size, why] : cuts) {
        WriteAll(out, good.substr(0, size));
        auto r = Verify(out);
        ASSERT_FALSE(r.ok()) << size;
        EXPECT_EQ(r.error().message, "the backup is damaged or truncated (" + why + ")") << size;
    }
    WriteAll(out, good + "x");
    EXPECT_EQ(Verify(out).error().message.rfind("the backup is damaged or truncated (", 0), 0u);  // a longer last chunk
    WriteAll(out, "");
    EXPECT_NE(Verify(out).error().message.find("not a Dihya backup"), std::string::npos);
    WriteAll(out, Seal(key_, std::string(65536, 'x')) + "x");  // a full last chunk, then one byte more
    EXPECT_EQ(Verify(out).error().message, "the backup is damaged or truncated (it has data after its last part)");
}

TEST_F(BackupArchiveTest, FailedExtractionLeavesTheFolderEmpty) {
    const fs::path out = Write("b", files_);
    std::string bad = ReadAll(out);
    bad[bad.size() - 5] ^= 1;  // the database (first, large) is extracted before the damage is found
    WriteAll(out, bad);
    const fs::path dir = EmptyDir("restore");
    auto r = ExtractArchive(out, std::span(&key_, 1), dir);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(BackupArchiveTest, ExtractionNeedsAnEmptyExistingFolder) {
    const fs::path out = Write("b", files_);
    const fs::path dir = EmptyDir("restore");
    WriteAll(dir / "already", "x");
    auto r = ExtractArchive(out, std::span(&key_, 1), dir);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_EQ(ReadAll(dir / "already"), "x");
    EXPECT_EQ(ExtractArchive(out, std::span(&key_, 1), root_ / "missing").error().code, ErrorCode::kNotFound);
}

TEST_F(BackupArchiveTest, RefusesUnsafeMembersAndChecksumMismatches) {
    struct Case {
        std::vector<Member> manifest;
        std::vector<Member> members;
        std::string message;
    };
    const Member good{"ok", "fine"};
    const std::vector<Case> cases{
        {{{"../evil", "x"}}, {{"../evil", "x"}}, "unsafe or repeated files"},
        {{good}, {good, {"../evil", "x"}}, "unsafe name"},
        {{good}, {good, {"/tmp/evil", "x"}}, "unsafe name"},
        {{good}, {good, {"link", "", AE_IFLNK, "/etc/passwd"}}, "link is not a regular file"},
        {{good}, {good, {"d", "", AE_IFDIR}}, "unsafe name"},  // "d/"
        {{good}, {good, {"fifo", "", AE_IFIFO}}, "fifo is not a regular file"},
        {{good}, {good, {"other", "x"}}, "other is not in its manifest"},
        {{good}, {good, good}, "ok is not in its manifest"},
        {{good, {"gone", "x"}}, {good}, "file gone of its manifest is missing"},
        {{{"ok", "FINE"}}, {good}, "file ok in the backup does not match its checksum"},
        {{{"ok", "fine!"}}, {good}, "file ok in the backup does not match its checksum"},
        {{}, {good}, "manifest is missing"},
    };
    for (const Case& c : cases) {
        std::vector<Member> members;
        if (!c.manifest.empty()) members.push_back({"manifest.json", Manifest(c.manifest)});
        members.insert(members.end(), c.members.begin(), c.members.end());
        WriteAll(root_ / "crafted", Seal(key_, Tar(members)));
        const fs::path dir = root_ / "restore";
        fs::remove_all(dir);
        fs::create_directories(dir);
        auto r = ExtractArchive(root_ / "crafted", std::span(&key_, 1), dir);
        ASSERT_FALSE(r.ok()) << c.message;
        SCOPED_TRACE(c.message);
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
        EXPECT_TRUE(fs::is_empty(dir)) << c.message;
    }
    EXPECT_FALSE(fs::exists(root_ / "evil"));
}

TEST_F(BackupArchiveTest, RefusesBadNamesAtWriteTime) {
    const fs::path src = root_ / "src/config.yaml";
    for (const std::vector<Entry>& files : std::vector<std::vector<Entry>>{
             {{"../x", src}},
             {{"a/../b", src}},
             {{"/etc/x", src}},
             {{"a//b", src}},
             {{"a/", src}},
             {{"./a", src}},
             {{"", src}},
             {{"manifest.json", src}},
             {{"a\\b", src}},
             {{"caf\xc3\xa9", src}},
             {{"a", src}, {"a", src}},
             {{"a", src}, {"a/b", src}},
         }) {
        auto r = WriteArchive(root_ / "out.b", key_, {}, files);
        ASSERT_FALSE(r.ok()) << files[0].name;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << files[0].name;
    }
    EXPECT_EQ(List(root_), (std::vector<std::string>{"src", "src/config.yaml", "src/dihya.db", "src/empty"}));
}

TEST_F(BackupArchiveTest, FailedWriteLeavesNoFile) {
    const fs::path out = root_ / "out" / "b";
    fs::create_directories(out.parent_path());
    std::vector<Entry> files = files_;
    files.push_back({"missing", root_ / "src/missing"});
    auto r = WriteArchive(out, key_, {}, files);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(fs::is_empty(root_ / "out"));
    EXPECT_EQ(WriteArchive(root_ / "no/such/dir/b", key_, {}, files_).error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(WriteArchive(out, key_, {}, {{{"dir", root_ / "src"}}}).ok());  // not a regular file
    EXPECT_TRUE(fs::is_empty(root_ / "out"));

    // A write failing half-way (files limited to 1 MiB, the database being 5 MiB) removes the temporary file.
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 1 << 20;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    auto full = WriteArchive(out, key_, {}, files_);
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
    std::signal(SIGXFSZ, old_handler);
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(full.error().message.find("File too large"), std::string::npos) << full.error().message;
    EXPECT_TRUE(fs::is_empty(root_ / "out"));
}

TEST_F(BackupArchiveTest, ReplacesAnExistingArchiveAndReadsNothingElse) {
    const fs::path out = Write("b", {files_[2]});
    (void)Write("b", files_);
    EXPECT_EQ(Verify(out)->at("files").as_array().size(), 3u);
    EXPECT_EQ(List(root_ / "out"), std::vector<std::string>{"b"});
    WriteAll(root_ / "text", "just some text that is long enough to hold a header and more bytes\n");
    auto r = Verify(root_ / "text");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, (root_ / "text").string() + " is not a Dihya backup");
    EXPECT_EQ(Verify(root_ / "nothing").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(Verify(root_).error().code, ErrorCode::kInvalidArgument);  // a folder
}

TEST(BackupKeys, ParseRefusesBadKeysWithoutEchoingThem) {
    for (const std::string& bad : {std::string("abcd"), std::string(63, 'a'), std::string(66, 'a'),
                                   std::string(62, 'a') + "zz", std::string(64, ' ')}) {
        auto r = ParseBackupKey(bad, "backup.key");
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(r.error().message.rfind("backup.key: must be 64 hexadecimal characters", 0), 0u);
        EXPECT_EQ(r.error().message.find(bad), std::string::npos);
    }
    const std::string hex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
    auto k = ParseBackupKey(hex, "backup.key");
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->key.size(), 32u);
    EXPECT_EQ(crypto::HexEncode(k->key), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    ASSERT_EQ(k->id.size(), 8u);
    EXPECT_EQ(k->id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(k->id, crypto::ParseDataKey(hex, "encryption.key")->id);  // one id scheme for a key
}

TEST(BackupKeys, DerivedKeyIsStableAndDistinctFromTheDataKey) {
    const BackupKey a = DeriveBackupKey("the server secret");
    const BackupKey b = DeriveBackupKey("the server secret");
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.key.size(), 32u);
    EXPECT_EQ(a.id.size(), 8u);
    const crypto::DataKey data = crypto::DeriveDataKey("the server secret");
    EXPECT_NE(a.key, data.key);
    EXPECT_NE(a.id, data.id);
    EXPECT_NE(DeriveBackupKey("another secret").key, a.key);
}

}  // namespace
}  // namespace dihya::backup
