#include "packs/document.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "generator/pack.hpp"

namespace dihya::packs {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path Packs() {
    return fs::path(SourceDir()) / "packs";
}

class TempDir {
public:
    TempDir()
        : path_(fs::temp_directory_path() /
                ("dihya-packs-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    static inline int counter_ = 0;
    fs::path path_;
};

std::string Slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(PackDocument, EveryBuiltInPackRoundTripsJsonYamlJsJson) {
    std::vector<fs::path> sources;
    for (const char* group : {"stacks", "libraries"}) {
        for (const auto& e : fs::directory_iterator(Packs() / group)) sources.push_back(e.path());
    }
    for (const auto& e : fs::directory_iterator(Packs() / "domains")) sources.push_back(e.path());
    ASSERT_GT(sources.size(), 30u);
    for (const fs::path& source : sources) {
        if (source.filename() == "shared.yaml") continue;  // entities of every domain, not a pack
        SCOPED_TRACE(source.string());
        auto doc = ReadPack(source);
        ASSERT_TRUE(doc) << doc.error().message;
        ASSERT_TRUE(CheckDocument(*doc, source.string())) << CheckDocument(*doc, source.string()).error().message;
        const std::string as_json = ToText(*doc, Format::kJson);
        auto from_json = ParseDocument(as_json, Format::kJson, "json");
        ASSERT_TRUE(from_json) << from_json.error().message;
        auto from_yaml = ParseDocument(ToText(*from_json, Format::kYaml), Format::kYaml, "yaml");
        ASSERT_TRUE(from_yaml) << from_yaml.error().message;
        auto from_js = ParseDocument(ToText(*from_yaml, Format::kJs), Format::kJs, "js");
        ASSERT_TRUE(from_js) << from_js.error().message;
        EXPECT_EQ(ToText(*from_js, Format::kJson), as_json);
        EXPECT_EQ(Digest(*from_js), Digest(*doc));
        EXPECT_EQ(from_js->files, doc->files);
    }
}

TEST(PackDocument, ImportWritesTheSameFilesAndAPackYamlThatLoadsTheSame) {
    TempDir tmp;
    auto doc = ReadPack(Packs() / "stacks" / "express");
    ASSERT_TRUE(doc) << doc.error().message;
    auto written = WritePack(*doc, tmp.path() / "express");
    ASSERT_TRUE(written) << written.error().message;
    for (const auto& [path, content] : doc->files) EXPECT_EQ(Slurp(tmp.path() / "express" / path), content) << path;
    auto again = ReadPack(tmp.path() / "express");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(Digest(*again), Digest(*doc));
    // What the generator reads of it is the same pack.
    auto original = generator::LoadPack(Packs() / "stacks" / "express");
    auto copy = generator::LoadPack(tmp.path() / "express");
    ASSERT_TRUE(original && copy);
    EXPECT_EQ(copy->name, original->name);
    EXPECT_EQ(copy->version, original->version);
    ASSERT_EQ(copy->files.size(), original->files.size());
    for (std::size_t i = 0; i < copy->files.size(); ++i) {
        EXPECT_EQ(copy->files[i].path, original->files[i].path);
        EXPECT_EQ(copy->files[i].content, original->files[i].content);
        EXPECT_EQ(copy->files[i].each, original->files[i].each);
        EXPECT_EQ(copy->files[i].when.size(), original->files[i].when.size());
        EXPECT_EQ(copy->files[i].executable, original->files[i].executable);
    }
    EXPECT_EQ(copy->features, original->features);
    // A second import into the same place is refused and changes nothing.
    auto twice = WritePack(*doc, tmp.path() / "express");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::kAlreadyExists);
}

TEST(PackDocument, DomainPackIsItsManifest) {
    TempDir tmp;
    auto doc = ReadPack(Packs() / "domains" / "legal.yaml");
    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(doc->kind(), "domain");
    EXPECT_TRUE(doc->files.empty());
    auto written = WritePack(*doc, tmp.path() / "legal");
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(written->filename(), "legal.yaml");
    auto again = ReadPack(tmp.path() / "legal");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(Digest(*again), Digest(*doc));
}

TEST(PackDocument, BinaryAndAwkwardTextSurviveEveryFormat) {
    PackDocument doc;
    doc.manifest = json::parse(R"({"name":"odd","version":"1.0.0","kind":"library","title":"Odd files",
        "files":[{"template":"a.bin","path":"a.bin","raw":true},{"template":"b.txt","path":"b.txt","raw":true},
                 {"template":"c.txt","path":"c.txt","raw":true},{"template":"d.txt","path":"d.txt","raw":true},
                 {"template":"e.txt","path":"e.txt","raw":true},{"template":"f.txt","path":"f.txt","raw":true}],
        "n":"123","t":"true","e":"","x":null,"i":42,"f":1.5,"neg":-7})")
                       .as_object();
    doc.files["a.bin"] = std::string("\x00\xff\xfe binary\x80", 12);
    doc.files["b.txt"] = "  leading spaces\n\ttab\ntrailing space \n\n\n";
    doc.files["c.txt"] = "no newline at the end, a carriage return\r";
    doc.files["d.txt"] = "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xe2\x80\xa8 line separator\r\nCRLF\n";
    // Unicode noncharacters (U+FFFF, U+FDD0) beside a control character: YAML cannot print them, so base64url.
    doc.files["e.txt"] = "\x01 \xef\xbf\xbf \xef\xb7\x90 \xf4\x8f\xbf\xbf";
    doc.files["f.txt"] =
        "\xef\xbb\xbf"
        "a file saved with a byte order mark\nand two lines\n";
    for (Format f : {Format::kJson, Format::kYaml, Format::kJs}) {
        SCOPED_TRACE(std::string(NameOf(f)));
        auto back = ParseDocument(ToText(doc, f), f, "doc");
        ASSERT_TRUE(back) << back.error().message;
        EXPECT_EQ(back->files, doc.files);
        EXPECT_EQ(json::value(back->manifest), json::value(doc.manifest));
    }
    EXPECT_NE(ToJson(doc).at("files").at("a.bin").as_object().if_contains("base64url"), nullptr);
    EXPECT_NE(ToJson(doc).at("files").at("e.txt").as_object().if_contains("base64url"), nullptr);
}

TEST(PackDocument, RefusesWhatIsNotAPack) {
    const std::string good = R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"library",
        "title":"X","files":[{"template":"a","path":"a"}]},"files":{"a":"hello"}})";
    ASSERT_TRUE(ParseDocument(good, Format::kJson, "good.json"));
    auto doc = ParseDocument(good, Format::kJson, "good.json");
    ASSERT_TRUE(CheckDocument(*doc, "good.json")) << CheckDocument(*doc, "good.json").error().message;

    auto expect_bad = [](std::string_view text, Format f, std::string_view want) {
        auto d = ParseDocument(text, f, "in");
        std::string message;
        if (!d) {
            message = d.error().message;
        } else {
            auto c = CheckDocument(*d, "in");
            ASSERT_FALSE(c) << text;
            message = c.error().message;
        }
        EXPECT_NE(message.find(want), std::string::npos) << message;
    };
    expect_bad("{", Format::kJson, "not valid JSON");
    expect_bad(R"({"manifest":{},"files":{}})", Format::kJson, "dihya_pack: must be 1");
    expect_bad(R"({"dihya_pack":1,"manifest":{},"files":{},"extra":1})", Format::kJson, "extra: unknown member");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"theme"}})", Format::kJson,
               "manifest.kind");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"X Y","version":"1.0.0","kind":"stack"}})", Format::kJson,
               "manifest.name");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0","kind":"stack"}})", Format::kJson,
               "manifest.version");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"library","title":"X",
        "files":[{"template":"a","path":"a"}]},"files":{"a":"x","../../etc/passwd":"x"}})",
               Format::kJson, "files.../../etc/passwd");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"library","title":"X",
        "files":[{"template":"missing","path":"a"}]},"files":{}})",
               Format::kJson, "missing");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"library"},"files":{"a":{"b":1}}})",
               Format::kJson, "files.a");
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"library","title":"X\uffff",
        "files":[{"template":"a","path":"a"}]},"files":{"a":"x"}})",
               Format::kJson, "manifest.title: is not printable text");
    expect_bad("export default { manifest: computeIt() };", Format::kJs, "plugin sandbox");
    expect_bad("dihya_pack: [", Format::kYaml, "in:1");
    // YAML aliases: a value that contains itself, and a "billion laughs" expansion, are refused, not expanded.
    expect_bad("a: &a [*a]", Format::kYaml, "contains it");
    std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'i'; ++c) {
        const char prev = static_cast<char>(c - 1);
        laughs += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" +
                  prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    }
    expect_bad(laughs, Format::kYaml, "too large");
    // A file that is also another file's folder.
    expect_bad(R"({"dihya_pack":1,"manifest":{"name":"x","version":"1.0.0","kind":"library","title":"X",
        "files":[{"template":"a","path":"a"}]},"files":{"a":"x","a/b":"y"}})",
               Format::kJson, "cannot also be a folder");

    Limits small;
    small.max_bytes = 10;
    auto big = ParseDocument(good, Format::kJson, "big.json", small);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
    Limits few;
    few.max_file_bytes = 3;
    auto c = CheckDocument(*doc, "good.json", few);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, ErrorCode::kPayloadTooLarge);
    EXPECT_NE(c.error().message.find("files.a"), std::string::npos);
}

TEST(PackDocument, FormatsByNameExtensionAndContentType) {
    EXPECT_EQ(FormatNamed("YAML"), Format::kYaml);
    EXPECT_EQ(FormatNamed("mjs"), Format::kJs);
    EXPECT_FALSE(FormatNamed("xml"));
    EXPECT_EQ(FormatOfPath("a/b.yml"), Format::kYaml);
    EXPECT_EQ(FormatOfPath("pack.json"), Format::kJson);
    EXPECT_FALSE(FormatOfPath("pack"));
    EXPECT_EQ(FormatOfContentType("application/json; charset=utf-8"), Format::kJson);
    EXPECT_EQ(FormatOfContentType("text/javascript"), Format::kJs);
    EXPECT_EQ(FormatOfContentType("application/x-yaml"), Format::kYaml);
    EXPECT_FALSE(FormatOfContentType("text/plain"));
}

}  // namespace
}  // namespace dihya::packs
