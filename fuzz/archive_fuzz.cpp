// Archives and folders written from a tree of hostile paths (the input: "path\0content\0path\0content..."): every
// zip or tar.gz written holds only confined relative entries (read back with libarchive), and a folder written to
// disk gets nothing outside it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include "fuzz_support.hpp"
#include "generator/archive.hpp"
#include "generator/pack.hpp"

namespace {

using dihya::fuzz::Check;

void CheckEntries(const std::string& bytes) {
    // Names are UTF-8: read them as such, whatever this process's locale.
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    const locale_t previous = ::uselocale(utf8);
    archive* a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    Check(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK, "an archive we wrote does not open");
    archive_entry* entry = nullptr;
    int status = ARCHIVE_OK;
    while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
        const char* name = archive_entry_pathname_utf8(entry);
        Check(name != nullptr, "an archive entry without a readable name");
        std::string path = name;
        while (!path.empty() && path.back() == '/') path.pop_back();
        Check(!path.empty() && dihya::generator::PathProblem(path).empty(), "an archive entry escapes its root");
        Check(archive_entry_filetype(entry) == AE_IFREG || archive_entry_filetype(entry) == AE_IFDIR,
              "an archive entry that is neither file nor folder");
    }
    archive_read_free(a);
    ::uselocale(previous);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = dihya::fuzz::Split(dihya::fuzz::AsText(data, size), std::string_view("\0", 1));
    dihya::generator::Tree tree;
    for (std::size_t i = 0; i + 1 < parts.size() && tree.files.size() < 64; i += 2) {
        tree.files.push_back({std::string(parts[i]), std::string(parts[i + 1]), parts[i].size() % 2 == 1});
    }
    for (auto format : {dihya::generator::ArchiveFormat::kZip, dihya::generator::ArchiveFormat::kTarGz}) {
        auto archive = dihya::generator::WriteArchive(tree, format, {parts[0].size() % 3 == 0 ? "" : "project"});
        if (archive) CheckEntries(archive->bytes);
    }
    static const std::filesystem::path root = [] {
        std::string dir = (std::filesystem::temp_directory_path() / "dihya-fuzz-XXXXXX").string();
        Check(::mkdtemp(dir.data()) != nullptr, "no temporary folder");
        return std::filesystem::path(dir);
    }();
    const std::filesystem::path out = root / "out";
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
    std::filesystem::create_directories(out, ec);
    (void)dihya::generator::WriteDirectory(tree, out);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
        const auto relative = entry.path().lexically_relative(out);
        Check(!relative.empty() && relative.begin()->string() != "..", "a file was written outside the folder");
    }
    return 0;
}
