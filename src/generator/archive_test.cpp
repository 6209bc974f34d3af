#include "generator/archive.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <locale.h>
#include <sys/stat.h>

#include "generator/test_support.hpp"

namespace dihya::generator {
namespace {

using test_support::kClinic;
using test_support::Model;
using test_support::TempDir;
using test_support::WritePack;

struct ReadEntry {
    std::string path;
    std::string content;
    int mode = 0;
    time_t mtime = 0;
    bool directory = false;
    std::int64_t uid = -1;
    std::string uname;
};

std::vector<ReadEntry> ReadBack(const std::string& bytes) {
    // Names are UTF-8: read them as such, whatever this process's locale.
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    const locale_t previous = ::uselocale(utf8);
    std::vector<ReadEntry> out;
    struct archive* a = archive_read_new();
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a);
    EXPECT_EQ(archive_read_open_memory(a, bytes.data(), bytes.size()), ARCHIVE_OK) << archive_error_string(a);
    archive_entry* entry = nullptr;
    int status = ARCHIVE_OK;
    // ARCHIVE_WARN: a name this (C) locale cannot show; its UTF-8 form is read below.
    while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
        ReadEntry e;
        const char* name = archive_entry_pathname_utf8(entry);
        EXPECT_NE(name, nullptr);
        e.path = name != nullptr ? name : "";
        e.mode = archive_entry_perm(entry);
        e.mtime = archive_entry_mtime(entry);
        e.directory = archive_entry_filetype(entry) == AE_IFDIR;
        e.uid = archive_entry_uid(entry);
        e.uname = archive_entry_uname(entry) != nullptr ? archive_entry_uname(entry) : "";
        char buffer[4096];
        la_ssize_t n = 0;
        while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) e.content.append(buffer, static_cast<size_t>(n));
        EXPECT_GE(n, 0) << archive_error_string(a);
        out.push_back(std::move(e));
    }
    archive_read_free(a);
    ::uselocale(previous);
    return out;
}

/// Packs written to a temporary folder and loaded from there: the whole path load → plan → render → archive.
class GeneratorArchive : public ::testing::Test {
protected:
    void SetUp() override {
        WritePack(dir_.path(), "web", R"(name: web
version: 1.0.0
kind: stack
provides: {frontend: react}
root: web
files:
  - {template: index.mustache, path: index.html}
  - {template: run.sh, path: run.sh, raw: true, mode: 755}
)",
                  {{"index.mustache", "<title>{{title}}</title>\n"}, {"run.sh", "#!/bin/sh\n"}});
        WritePack(dir_.path(), "api", R"(name: api
version: 1.0.0
kind: stack
provides: {backend: express}
root: api
files:
  - {template: route.mustache, path: "src/{{entity.names.kebab}}.js", each: entities}
)",
                  {{"route.mustache", "// {{entity.name}}\n"}});
        auto packs = LoadPacks(dir_.path());
        ASSERT_TRUE(packs.ok()) << packs.error().message;
        ASSERT_EQ(packs->size(), 2u);
        engine_ = std::make_unique<Engine>(std::move(packs.value()), EngineOptions{"1.0.0"});
    }

    Tree Render(const model::ProjectModel& model) {
        auto tree = engine_->Render(model);
        EXPECT_TRUE(tree.ok()) << tree.error().message;
        return tree.ok() ? std::move(tree.value()) : Tree{};
    }

    TempDir dir_;
    std::unique_ptr<Engine> engine_;
};

TEST_F(GeneratorArchive, ZipAndTarGzAreReproducible) {
    for (const ArchiveFormat format : {ArchiveFormat::kZip, ArchiveFormat::kTarGz}) {
        auto first = WriteArchive(Render(Model(kClinic)), format);
        auto second = WriteArchive(Render(Model(kClinic)), format);
        ASSERT_TRUE(first.ok()) << first.error().message;
        ASSERT_TRUE(second.ok()) << second.error().message;
        EXPECT_EQ(first->bytes, second->bytes);
        EXPECT_EQ(first->sha256, second->sha256);
        EXPECT_EQ(first->sha256.size(), 64u);
        EXPECT_EQ(first->sha256, Sha256Hex(first->bytes));

        auto model = Model(kClinic);
        model.title = "Clinic Booking 2";
        auto changed = WriteArchive(Render(model), format);
        ASSERT_TRUE(changed.ok());
        EXPECT_NE(changed->sha256, first->sha256);
    }
}

TEST_F(GeneratorArchive, GzipHeaderHasNoTimeOrName) {
    auto archive = WriteArchive(Render(Model(kClinic)), ArchiveFormat::kTarGz);
    ASSERT_TRUE(archive.ok());
    const std::string& b = archive->bytes;
    ASSERT_GE(b.size(), 10u);
    EXPECT_EQ(static_cast<unsigned char>(b[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(b[1]), 0x8b);
    EXPECT_EQ(b[3] & 0x08, 0) << "FNAME set";
    EXPECT_EQ(b.substr(4, 4), std::string(4, '\0')) << "MTIME set";
}

TEST_F(GeneratorArchive, ZipReadsBack) {
    const Tree tree = Render(Model(kClinic));
    auto archive = WriteArchive(tree, ArchiveFormat::kZip, ArchiveOptions{"clinic-booking"});
    ASSERT_TRUE(archive.ok()) << archive.error().message;
    const auto entries = ReadBack(archive->bytes);
    std::vector<std::string> paths;
    std::map<std::string, ReadEntry> by_path;
    for (const auto& e : entries) {
        paths.push_back(e.path);
        by_path[e.path] = e;
    }
    EXPECT_EQ(paths, (std::vector<std::string>{
                         "clinic-booking/",
                         "clinic-booking/.dihya/",
                         "clinic-booking/.dihya/answers.json",
                         "clinic-booking/api/",
                         "clinic-booking/api/src/",
                         "clinic-booking/api/src/appointment.js",
                         "clinic-booking/api/src/patient.js",
                         "clinic-booking/web/",
                         "clinic-booking/web/index.html",
                         "clinic-booking/web/run.sh",
                     }));
    const auto& index = by_path.at("clinic-booking/web/index.html");
    EXPECT_EQ(index.content, "<title>Clinic Booking</title>\n");
    EXPECT_EQ(index.mode, 0644);
    EXPECT_EQ(index.mtime, 946684800);
    EXPECT_EQ(by_path.at("clinic-booking/web/run.sh").mode, 0755);
    EXPECT_EQ(by_path.at("clinic-booking/api/src/patient.js").content, "// Patient\n");
    EXPECT_TRUE(by_path.at("clinic-booking/api/").directory);
}

TEST_F(GeneratorArchive, TarGzReadsBack) {
    const Tree tree = Render(Model(kClinic));
    auto archive = WriteArchive(tree, ArchiveFormat::kTarGz);
    ASSERT_TRUE(archive.ok()) << archive.error().message;
    const auto entries = ReadBack(archive->bytes);
    std::map<std::string, ReadEntry> by_path;
    for (const auto& e : entries) by_path[e.path] = e;
    ASSERT_EQ(by_path.count("web/run.sh"), 1u);
    EXPECT_EQ(by_path.at("web/run.sh").mode, 0755);
    EXPECT_EQ(by_path.at("web/run.sh").content, "#!/bin/sh\n");
    EXPECT_EQ(by_path.at("web/run.sh").uid, 0);
    EXPECT_EQ(by_path.at("web/run.sh").uname, "");
    EXPECT_EQ(by_path.at("web/run.sh").mtime, 946684800);
    EXPECT_EQ(by_path.at("api/src/appointment.js").content, "// Appointment\n");
}

TEST_F(GeneratorArchive, RefusesBadPaths) {
    Tree tree;
    tree.files.push_back(GeneratedFile{"../evil", "x", false});
    EXPECT_FALSE(WriteArchive(tree, ArchiveFormat::kZip).ok());
    TempDir out;
    EXPECT_FALSE(WriteDirectory(tree, out.path()).ok());
    EXPECT_FALSE(std::filesystem::exists(out.path().parent_path() / "evil"));
    EXPECT_FALSE(WriteArchive(Tree{}, ArchiveFormat::kZip, ArchiveOptions{"../x"}).ok());
}

TEST_F(GeneratorArchive, NamesOutsideAsciiAreWrittenAsUtf8) {
    // Found by fuzz_archive: under the "C" locale libarchive crashed on such names.
    Tree tree;
    tree.files.push_back(GeneratedFile{"docs/caf\xC3\xA9.md", "x", false});
    tree.files.push_back(GeneratedFile{"docs/\xD8\xAF\xD9\x84\xD9\x8A\xD9\x84.md", "y", false});
    for (ArchiveFormat format : {ArchiveFormat::kZip, ArchiveFormat::kTarGz}) {
        auto archive = WriteArchive(tree, format, {"p"});
        ASSERT_TRUE(archive.ok()) << archive.error().message;
        std::vector<std::string> names;
        for (const ReadEntry& e : ReadBack(archive->bytes)) names.push_back(e.path);
        EXPECT_NE(std::find(names.begin(), names.end(), "p/docs/caf\xC3\xA9.md"), names.end());
    }
    tree.files.push_back(GeneratedFile{"docs/\xC3(.md", "z", false});
    auto bad = WriteArchive(tree, ArchiveFormat::kZip);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("UTF-8"), std::string::npos);
}

std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_F(GeneratorArchive, WritesADirectory) {
    TempDir out;
    const Tree tree = Render(Model(kClinic));
    ASSERT_TRUE(WriteDirectory(tree, out.path() / "project").ok());
    EXPECT_EQ(ReadFile(out.path() / "project/web/index.html"), "<title>Clinic Booking</title>\n");
    struct stat st {};
    ASSERT_EQ(::stat((out.path() / "project/web/run.sh").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0755u);
    ASSERT_EQ(::stat((out.path() / "project/web/index.html").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    // Writing again overwrites.
    auto model = Model(kClinic);
    model.title = "Other";
    ASSERT_TRUE(WriteDirectory(Render(model), out.path() / "project").ok());
    EXPECT_EQ(ReadFile(out.path() / "project/web/index.html"), "<title>Other</title>\n");
}

TEST_F(GeneratorArchive, DirectoryRefusesSymlinks) {
    TempDir out;
    TempDir elsewhere;
    const Tree tree = Render(Model(kClinic));
    // A link where a folder goes.
    std::filesystem::create_directories(out.path() / "a");
    std::filesystem::create_directory_symlink(elsewhere.path(), out.path() / "a/web");
    auto r = WriteDirectory(tree, out.path() / "a");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("symbolic link"), std::string::npos) << r.error().message;
    EXPECT_TRUE(std::filesystem::is_empty(elsewhere.path()));

    // A link where a file goes.
    test_support::WriteText(elsewhere.path() / "target", "keep");
    std::filesystem::create_directories(out.path() / "b/web");
    std::filesystem::create_symlink(elsewhere.path() / "target", out.path() / "b/web/index.html");
    auto f = WriteDirectory(tree, out.path() / "b");
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.error().message.find("symbolic link"), std::string::npos);
    EXPECT_EQ(ReadFile(elsewhere.path() / "target"), "keep");
}

TEST(GeneratorDirectory, ReadExistingNeverFollowsLinks) {
    TempDir dir;
    TempDir elsewhere;
    test_support::WriteText(dir.path() / "a/b.txt", "b\n");
    test_support::WriteText(elsewhere.path() / "x.txt", "outside\n");
    ::chmod((dir.path() / "a/b.txt").c_str(), 0755);
    std::filesystem::create_symlink(elsewhere.path() / "x.txt", dir.path() / "link.txt");
    std::filesystem::create_directory_symlink(elsewhere.path(), dir.path() / "folder");
    const auto read = [&](std::string_view path) {
        auto r = ReadExisting(dir.path(), path);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? *r : ExistingFile{};
    };
    const ExistingFile b = read("a/b.txt");
    EXPECT_EQ(b.kind, ExistingFile::Kind::kFile);
    EXPECT_EQ(b.content, "b\n");
    EXPECT_TRUE(b.executable);
    EXPECT_EQ(read("a/missing.txt").kind, ExistingFile::Kind::kMissing);
    EXPECT_EQ(read("missing/b.txt").kind, ExistingFile::Kind::kMissing);
    EXPECT_EQ(read("link.txt").kind, ExistingFile::Kind::kOther);
    EXPECT_EQ(read("folder/x.txt").kind, ExistingFile::Kind::kOther);
    EXPECT_EQ(read("a").kind, ExistingFile::Kind::kOther);
    EXPECT_EQ(read("a/b.txt/c").kind, ExistingFile::Kind::kOther);
    EXPECT_FALSE(ReadExisting(dir.path(), "../x.txt").ok());
}

TEST(GeneratorDirectory, RemoveFileNeverFollowsLinksAndPrunesEmptyFolders) {
    TempDir dir;
    TempDir elsewhere;
    test_support::WriteText(dir.path() / "a/b/c.txt", "c");
    test_support::WriteText(dir.path() / "a/keep.txt", "k");
    test_support::WriteText(elsewhere.path() / "x.txt", "outside");
    std::filesystem::create_directory_symlink(elsewhere.path(), dir.path() / "folder");
    std::filesystem::create_symlink(elsewhere.path() / "x.txt", dir.path() / "link.txt");
    auto removed = RemoveFile(dir.path(), "a/b/c.txt");
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_TRUE(*removed);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "a/b"));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "a/keep.txt"));
    auto again = RemoveFile(dir.path(), "a/b/c.txt");
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
    EXPECT_FALSE(RemoveFile(dir.path(), "folder/x.txt").ok());
    EXPECT_FALSE(RemoveFile(dir.path(), "link.txt").ok());
    EXPECT_TRUE(std::filesystem::exists(elsewhere.path() / "x.txt"));
    EXPECT_TRUE(std::filesystem::is_symlink(dir.path() / "link.txt"));
}

TEST(GeneratorArchiveFormat, Parse) {
    EXPECT_EQ(ParseArchiveFormat("zip").value(), ArchiveFormat::kZip);
    EXPECT_EQ(ParseArchiveFormat("tar.gz").value(), ArchiveFormat::kTarGz);
    EXPECT_FALSE(ParseArchiveFormat("rar").ok());
    EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace dihya::generator
