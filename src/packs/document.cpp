#include "packs/document.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <system_error>
#include <vector>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "core/crypto.hpp"
#include "core/json_pretty.hpp"
#include "core/text.hpp"
#include "generator/pack.hpp"
#include "model/spec_tree.hpp"

namespace dihya::packs {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr int kDocumentVersion = 1;

Error Invalid(std::string message, std::map<std::string, std::string> details = {}) {
    Error e{ErrorCode::kInvalidArgument, std::move(message), {}};
    e.details = std::move(details);
    return e;
}

/// Whether `s` is UTF-8; with `printable`, also without Unicode noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF),
/// which YAML does not print: yaml-cpp reads them back from a double-quoted scalar as U+FFFD.
bool IsUtf8(std::string_view s, bool printable = false) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const std::uint32_t min = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        if (printable && ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)) return false;
        i += extra + 1;
    }
    return true;
}

// ---- YAML scalars (core schema, only the forms that write back the same) ----

json::value PlainScalar(const std::string& text) {
    if (text.empty() || text == "~" || text == "null") return nullptr;
    if (text == "true") return true;
    if (text == "false") return false;
    static const std::regex kInt("-?(0|[1-9][0-9]*)");
    static const std::regex kNumber("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    if (std::regex_match(text, kInt)) {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size()) return v;
        return json::string(text);
    }
    if (std::regex_match(text, kNumber)) {
        std::error_code ec;
        json::value v = json::parse(text, ec);
        if (!ec && v.is_double() && json::serialize(v) == text) return v;
    }
    return json::string(text);
}

// From the hardened tree of model/spec_tree (aliases shared and counted once per use, cycles refused, depth and
// size capped): a pack document with an alias bomb is refused like a specification with one.
json::value FromSpec(const model::SpecNode* node) {
    if (node == nullptr) return nullptr;
    switch (node->kind) {
        case model::SpecNode::Kind::kNull: return nullptr;
        case model::SpecNode::Kind::kScalar:
            return node->quoted ? json::value(json::string(node->scalar)) : PlainScalar(node->scalar);
        case model::SpecNode::Kind::kSequence: {
            json::array a;
            for (const model::SpecNode* item : node->items) a.push_back(FromSpec(item));
            return a;
        }
        case model::SpecNode::Kind::kMap: {
            json::object o;
            for (const model::SpecEntry& e : node->entries) {
                if (!o.contains(e.key)) o[e.key] = FromSpec(e.value);
            }
            return o;
        }
    }
    return nullptr;
}

// A string that reads back as itself from a block scalar: ends with exactly one newline, no carriage return,
// tab or other control character, no line with trailing spaces, and a first line that does not start with a
// space (the block's indentation would be taken from it).
bool BlockSafe(std::string_view s) {
    if (s.size() < 2 || s.back() != '\n' || s[s.size() - 2] == '\n' || s.front() == ' ' || s.front() == '\n') {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 && c != '\n') return false;
        if (c == 0x7F) return false;
        if (c == '\n' && i > 0 && s[i - 1] == ' ') return false;
    }
    // U+0085, U+2028, U+2029 are line breaks to YAML; a byte order mark is not allowed inside a document.
    return s.find("\xC2\x85") == std::string_view::npos && s.find("\xE2\x80\xA8") == std::string_view::npos &&
           s.find("\xE2\x80\xA9") == std::string_view::npos && s.find("\xEF\xBB\xBF") == std::string_view::npos;
}

// Whether a one-line string may go unquoted: no control character (yaml-cpp writes a carriage return plainly, and
// YAML reads it as a line break), no YAML line break (U+0085, U+2028, U+2029) and no byte order mark.
bool PlainSafe(std::string_view s) {
    const bool control = std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
    return !control && s.find("\xC2\x85") == std::string_view::npos &&
           s.find("\xE2\x80\xA8") == std::string_view::npos && s.find("\xE2\x80\xA9") == std::string_view::npos &&
           s.find("\xEF\xBB\xBF") == std::string_view::npos;
}

void EmitString(YAML::Emitter& out, const std::string& s, bool blocks) {
    const json::value plain = PlainScalar(s);
    if (!plain.is_string() || plain.as_string() != s || (s.find('\n') == std::string::npos && !PlainSafe(s))) {
        out << YAML::DoubleQuoted << s;
    } else if (s.find('\n') != std::string::npos) {
        if (blocks && BlockSafe(s)) {
            out << YAML::Literal << s;
        } else {
            out << YAML::DoubleQuoted << s;
        }
    } else {
        out << s;
    }
}

void Emit(YAML::Emitter& out, const json::value& v, bool blocks) {
    switch (v.kind()) {
        case json::kind::null: out << YAML::Null; break;
        case json::kind::bool_: out << (v.get_bool() ? "true" : "false"); break;
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_: out << json::serialize(v); break;
        case json::kind::string: EmitString(out, std::string(v.get_string()), blocks); break;
        case json::kind::array:
            if (v.get_array().empty()) {
                out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
                break;
            }
            out << YAML::BeginSeq;
            for (const auto& item : v.get_array()) Emit(out, item, blocks);
            out << YAML::EndSeq;
            break;
        case json::kind::object:
            if (v.get_object().empty()) {
                out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
                break;
            }
            out << YAML::BeginMap;
            for (const auto& [key, value] : v.get_object()) {
                out << YAML::Key;
                EmitString(out, std::string(key), false);
                out << YAML::Value;
                Emit(out, value, blocks);
            }
            out << YAML::EndMap;
            break;
    }
}

std::string EmitYaml(const json::value& value, bool blocks) {
    YAML::Emitter out;
    out.SetIndent(2);
    Emit(out, value, blocks);
    return std::string(out.c_str()) + "\n";
}

// ---- the document as data ----

json::value Sorted(const json::value& v) {
    if (v.is_object()) {
        std::vector<std::pair<std::string, const json::value*>> entries;
        for (const auto& [k, x] : v.get_object()) entries.emplace_back(std::string(k), &x);
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        json::object o;
        for (const auto& [k, x] : entries) o[k] = Sorted(*x);
        return o;
    }
    if (v.is_array()) {
        json::array a;
        for (const auto& x : v.get_array()) a.push_back(Sorted(x));
        return a;
    }
    return v;
}

std::string StringField(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

Result<PackDocument> FromJsonValue(const json::value& root, std::string_view origin, const Limits& limits) {
    const std::string o(origin);
    if (!root.is_object()) return Invalid(o + ": a pack document is an object {dihya_pack, manifest, files}");
    const json::object& top = root.get_object();
    for (const auto& [key, value] : top) {
        if (key != "dihya_pack" && key != "manifest" && key != "files") {
            return Invalid(o + ": " + std::string(key) + ": unknown member (expected dihya_pack, manifest, files)",
                           {{std::string(key), "unknown member"}});
        }
    }
    const auto* version = top.if_contains("dihya_pack");
    if (version == nullptr || !version->is_int64() || version->get_int64() != kDocumentVersion) {
        return Invalid(o + ": dihya_pack: must be 1 (the version of the pack document format)",
                       {{"dihya_pack", "must be 1"}});
    }
    const auto* manifest = top.if_contains("manifest");
    if (manifest == nullptr || !manifest->is_object()) {
        return Invalid(o + ": manifest: must be an object (pack.yaml, or the domain's YAML, as data)",
                       {{"manifest", "must be an object"}});
    }
    PackDocument doc;
    doc.manifest = manifest->get_object();
    if (const auto* files = top.if_contains("files"); files != nullptr) {
        if (!files->is_object()) {
            return Invalid(o + ": files: must be an object of path → content", {{"files", "must be an object"}});
        }
        if (files->get_object().size() > limits.max_files) {
            return Error{ErrorCode::kPayloadTooLarge,
                         o + ": files: more than " + std::to_string(limits.max_files) + " files",
                         {{"files", "too many files"}}};
        }
        for (const auto& [path, content] : files->get_object()) {
            const std::string field = "files." + std::string(path);
            if (content.is_string()) {
                doc.files[std::string(path)] = std::string(content.get_string());
                continue;
            }
            const auto* encoded = content.is_object() ? content.get_object().if_contains("base64url") : nullptr;
            if (encoded == nullptr || !encoded->is_string() || content.get_object().size() != 1) {
                return Invalid(o + ": " + field + ": must be the file's text or {\"base64url\": \"…\"}",
                               {{field, "must be text or {base64url}"}});
            }
            auto bytes = crypto::Base64UrlDecode(encoded->get_string());
            if (!bytes)
                return Invalid(o + ": " + field + ": base64url: not valid base64url", {{field, "bad base64url"}});
            doc.files[std::string(path)] = std::move(*bytes);
        }
    }
    return doc;
}

// Skips spaces and JavaScript comments.
std::size_t SkipJsSpace(std::string_view s, std::size_t i) {
    while (i < s.size()) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            ++i;
        } else if (s.substr(i, 2) == "//") {
            const auto end = s.find('\n', i);
            i = end == std::string_view::npos ? s.size() : end + 1;
        } else if (s.substr(i, 2) == "/*") {
            const auto end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
        } else {
            break;
        }
    }
    return i;
}

Result<json::value> JsDataForm(std::string_view text, std::string_view origin) {
    const std::string o(origin);
    const std::string sandbox =
        "only the data form of a JavaScript pack module is read for now: `export default` followed by the document "
        "as a literal, as `dihya pack export --format js` writes it; a module that computes its export needs the "
        "plugin sandbox (dihya-js), which is not available here";
    std::size_t i = SkipJsSpace(text, 0);
    if (text.substr(i, 6) != "export") return Invalid(o + ": " + sandbox);
    i = SkipJsSpace(text, i + 6);
    if (text.substr(i, 7) != "default") return Invalid(o + ": " + sandbox);
    i += 7;
    // Up to one semicolon and the spaces after it.
    std::size_t end = text.size();
    while (end > i &&
           (text[end - 1] == ' ' || text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == '\t')) {
        --end;
    }
    if (end > i && text[end - 1] == ';') --end;
    std::error_code ec;
    json::value v = json::parse(text.substr(i, end - i), ec);
    if (ec) return Invalid(o + ": " + sandbox);
    return v;
}

Result<std::string> ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, path.string() + ": cannot read (" + std::strerror(errno) + ")");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Result<json::object> ManifestOf(const fs::path& yaml_file) {
    auto text = ReadFile(yaml_file);
    if (!text) return text.take_error();
    auto value = YamlToJson(*text, yaml_file.string());
    if (!value) return value.take_error();
    if (!value->is_object()) return Invalid(yaml_file.string() + ": must be a map");
    return std::move(value->as_object());
}

Result<PackDocument> ReadFolder(const fs::path& dir) {
    PackDocument doc;
    auto manifest = ManifestOf(dir / "pack.yaml");
    if (!manifest) return manifest.take_error();
    doc.manifest = std::move(*manifest);
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path relative = it->path().lexically_relative(dir);
        const std::string rel = relative.generic_string();
        if (it->is_symlink(ec)) return Invalid(it->path().string() + ": a symbolic link; packs hold regular files");
        if (it->is_directory(ec)) {
            if (relative.filename().string().starts_with(".")) it.disable_recursion_pending();
            continue;
        }
        if (rel == "pack.yaml") continue;
        // Hidden files and folders (.git, .env, editor files) are not part of a pack.
        if (std::any_of(relative.begin(), relative.end(),
                        [](const fs::path& part) { return part.string().starts_with("."); })) {
            continue;
        }
        if (!it->is_regular_file(ec)) return Invalid(it->path().string() + ": not a regular file");
        if (const std::string problem = generator::PathProblem(rel); !problem.empty()) {
            return Invalid(it->path().string() + ": " + problem);
        }
        auto content = ReadFile(it->path());
        if (!content) return content.take_error();
        doc.files[rel] = std::move(*content);
    }
    if (ec) return MakeError(ErrorCode::kInternal, dir.string() + ": cannot list (" + ec.message() + ")");
    return doc;
}

bool IsPackName(std::string_view name) {
    static const std::regex kName("[a-z0-9][a-z0-9-]{0,63}");
    return std::regex_match(name.begin(), name.end(), kName);
}

}  // namespace

std::optional<Format> FormatNamed(std::string_view name) {
    const std::string n = AsciiLower(name);
    if (n == "json") return Format::kJson;
    if (n == "yaml" || n == "yml") return Format::kYaml;
    if (n == "js" || n == "mjs" || n == "javascript") return Format::kJs;
    return std::nullopt;
}

std::optional<Format> FormatOfPath(const fs::path& path) {
    const std::string ext = path.extension().string();
    if (ext.size() < 2) return std::nullopt;
    return FormatNamed(std::string_view(ext).substr(1));
}

std::optional<Format> FormatOfContentType(std::string_view content_type) {
    std::string type = AsciiLower(content_type.substr(0, content_type.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    while (!type.empty() && type.front() == ' ') type.erase(type.begin());
    if (type == "application/json") return Format::kJson;
    if (type == "application/yaml" || type == "text/yaml" || type == "application/x-yaml" || type == "text/x-yaml") {
        return Format::kYaml;
    }
    if (type == "text/javascript" || type == "application/javascript") return Format::kJs;
    return std::nullopt;
}

std::string_view ContentTypeOf(Format format) {
    switch (format) {
        case Format::kJson: return "application/json";
        case Format::kYaml: return "application/yaml";
        case Format::kJs: return "text/javascript";
    }
    return "application/octet-stream";
}

std::string_view ExtensionOf(Format format) {
    return NameOf(format);
}

std::string_view NameOf(Format format) {
    switch (format) {
        case Format::kJson: return "json";
        case Format::kYaml: return "yaml";
        case Format::kJs: return "js";
    }
    return "";
}

std::string PackDocument::kind() const {
    return StringField(manifest, "kind");
}
std::string PackDocument::name() const {
    return StringField(manifest, "name");
}
std::string PackDocument::version() const {
    return StringField(manifest, "version");
}
std::string PackDocument::title() const {
    return StringField(manifest, "title");
}

Result<json::value> YamlToJson(std::string_view yaml, std::string_view origin) {
    const model::SpecTree tree = model::SpecTree::Parse(yaml, model::SpecFormat::kYaml);
    if (const auto& error = tree.error(); error) {
        return Invalid(std::string(origin) + ":" + std::to_string(std::max(error->line, 1)) + ": " + error->reason);
    }
    return FromSpec(tree.root());
}

std::string JsonToYaml(const json::value& value) {
    std::string text = EmitYaml(value, true);
    auto back = YamlToJson(text, "");
    if (back && *back == value) return text;
    return EmitYaml(value, false);
}

json::object ToJson(const PackDocument& doc) {
    json::object files;
    for (const auto& [path, content] : doc.files) {
        if (IsUtf8(content, true)) {
            files[path] = content;
        } else {
            files[path] = json::object{{"base64url", crypto::Base64UrlEncode(content)}};
        }
    }
    return json::object{{"dihya_pack", kDocumentVersion}, {"manifest", doc.manifest}, {"files", std::move(files)}};
}

std::string ToText(const PackDocument& doc, Format format) {
    const json::object data = ToJson(doc);
    const std::string what = doc.name() + " " + doc.version() + " (" + doc.kind() + " pack)";
    switch (format) {
        case Format::kJson: return PrettyJson(data) + "\n";
        case Format::kYaml:
            return "# Dihya template pack " + what + ": `dihya pack import FILE --into DIR` writes its folder.\n" +
                   JsonToYaml(data);
        case Format::kJs:
            return "// Dihya template pack " + what + ": `dihya pack import FILE --into DIR` writes its folder.\n" +
                   "export default " + PrettyJson(data) + ";\n";
    }
    return {};
}

std::string ManifestYaml(const PackDocument& doc) {
    return JsonToYaml(doc.manifest);
}

std::string Digest(const PackDocument& doc) {
    return crypto::Sha256Hex(json::serialize(Sorted(ToJson(doc))));
}

Result<PackDocument> ParseDocument(std::string_view text, Format format, std::string_view origin, const Limits& limits,
                                   const JsEvaluator& evaluate) {
    const std::string o(origin);
    if (text.size() > limits.max_bytes) {
        return Error{
            ErrorCode::kPayloadTooLarge, o + ": larger than " + std::to_string(limits.max_bytes / 1024) + " KiB", {}};
    }
    json::value root;
    switch (format) {
        case Format::kJson: {
            std::error_code ec;
            root = json::parse(text, ec);
            if (ec) return Invalid(o + ": not valid JSON (" + ec.message() + ")");
            break;
        }
        case Format::kYaml: {
            auto v = YamlToJson(text, o);
            if (!v) return v.take_error();
            root = std::move(*v);
            break;
        }
        case Format::kJs: {
            auto v = JsDataForm(text, o);
            if (!v && evaluate) v = evaluate(text, o);
            if (!v) return v.take_error();
            root = std::move(*v);
            break;
        }
    }
    return FromJsonValue(root, o, limits);
}

Result<void> CheckDocument(const PackDocument& doc, std::string_view origin, const Limits& limits) {
    const std::string o(origin);
    const std::string kind = doc.kind();
    if (kind != "stack" && kind != "library" && kind != "domain") {
        return Invalid(o + ": manifest.kind: must be stack, library or domain", {{"manifest.kind", "unknown kind"}});
    }
    if (!IsPackName(doc.name())) {
        return Invalid(o + ": manifest.name: must be 1-64 lowercase letters, digits and dashes",
                       {{"manifest.name", "not a pack name"}});
    }
    if (!generator::IsSemver(doc.version())) {
        return Invalid(o + ": manifest.version: must be a semantic version (1.0.0)",
                       {{"manifest.version", "not a semantic version"}});
    }
    if (doc.files.size() > limits.max_files) {
        return Error{ErrorCode::kPayloadTooLarge,
                     o + ": more than " + std::to_string(limits.max_files) + " files",
                     {{"files", "too many files"}}};
    }
    std::size_t total = 0;
    for (const auto& [path, content] : doc.files) {
        const std::string field = "files." + path;
        if (const std::string problem = generator::PathProblem(path); !problem.empty()) {
            return Invalid(o + ": " + field + ": " + problem, {{field, problem}});
        }
        if (path == "pack.yaml") {
            return Invalid(o + ": " + field + ": the manifest is pack.yaml; it is not a file of the document",
                           {{field, "reserved"}});
        }
        if (content.size() > limits.max_file_bytes) {
            return Error{ErrorCode::kPayloadTooLarge,
                         o + ": " + field + ": larger than " + std::to_string(limits.max_file_bytes / 1024) + " KiB",
                         {{field, "too large"}}};
        }
        total += content.size();
    }
    // A path that is also another path's folder ("a" and "a/b") cannot be written.
    for (auto it = doc.files.begin(); it != doc.files.end(); ++it) {
        auto next = std::next(it);
        if (next != doc.files.end() && next->first.starts_with(it->first + "/")) {
            const std::string field = "files." + next->first;
            return Invalid(o + ": " + field + ": " + it->first + " is a file, so it cannot also be a folder",
                           {{field, "inside a file"}});
        }
    }
    // A control character in the manifest (a key or a text; tabs and line breaks in texts aside) does not survive
    // the YAML and JavaScript forms: refused anywhere. So is a key or text that is not UTF-8 (yaml-cpp reads a NUL
    // followed by "N" in a plain scalar as the byte 0x85), or that has a Unicode noncharacter.
    const auto control = [](std::string_view text, bool text_value) {
        return !IsUtf8(text, true) || std::any_of(text.begin(), text.end(), [text_value](char c) {
            const auto u = static_cast<unsigned char>(c);
            return (u < 0x20 && !(text_value && (c == '\n' || c == '\t'))) || u == 0x7F;
        });
    };
    std::string bad_at;
    const std::function<bool(const json::value&, const std::string&)> has_control = [&](const json::value& v,
                                                                                        const std::string& at) {
        if (v.is_string()) return control(v.as_string(), true) && (bad_at = at, true);
        if (v.is_array()) {
            for (std::size_t i = 0; i < v.as_array().size(); ++i) {
                if (has_control(v.as_array()[i], at + "[" + std::to_string(i) + "]")) return true;
            }
        }
        if (v.is_object()) {
            for (const auto& [k, x] : v.as_object()) {
                if (control(k, false)) return (bad_at = at, true);
                if (has_control(x, at + "." + std::string(k))) return true;
            }
        }
        return false;
    };
    if (has_control(json::value(doc.manifest), "manifest")) {
        return Invalid(o + ": " + bad_at +
                           ": is not printable text (a control character, a Unicode noncharacter or bytes that are "
                           "not UTF-8)",
                       {{bad_at, "not printable text"}});
    }
    if (total > limits.max_total_bytes) {
        return Error{ErrorCode::kPayloadTooLarge,
                     o + ": files: more than " + std::to_string(limits.max_total_bytes / 1024) + " KiB in all",
                     {{"files", "too large"}}};
    }
    if (kind == "domain") {
        if (!doc.files.empty()) {
            return Invalid(o + ": files: a domain pack is its manifest alone", {{"files", "must be empty"}});
        }
        const auto* entities = doc.manifest.if_contains("entities");
        if (entities == nullptr || !entities->is_array()) {
            return Invalid(o + ": manifest.entities: a domain pack lists its entities",
                           {{"manifest.entities", "must be a list"}});
        }
        for (std::size_t i = 0; i < entities->get_array().size(); ++i) {
            const json::value& e = entities->get_array()[i];
            const std::string field = "manifest.entities[" + std::to_string(i) + "]";
            if (!e.is_object() || StringField(e.get_object(), "name").empty()) {
                return Invalid(o + ": " + field + ".name: each entity has a name", {{field + ".name", "missing"}});
            }
            const auto* fields = e.get_object().if_contains("fields");
            if (fields != nullptr && !fields->is_array()) {
                return Invalid(o + ": " + field + ".fields: must be a list", {{field + ".fields", "must be a list"}});
            }
        }
        return {};
    }
    const std::string yaml_origin = o + " (pack.yaml)";
    auto pack = generator::ParsePack(ManifestYaml(doc), yaml_origin, [&doc](const std::string& path) {
        auto it = doc.files.find(path);
        return it == doc.files.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
    if (!pack) return pack.take_error();
    if (pack->kind != kind) return Invalid(o + ": manifest.kind: " + kind + " does not match the pack");
    return {};
}

Result<PackDocument> ReadPack(const fs::path& source) {
    std::error_code ec;
    if (fs::is_directory(source, ec)) {
        if (fs::is_regular_file(source / "pack.yaml", ec)) return ReadFolder(source);
        // A folder holding one domain pack, as WritePack writes it.
        std::vector<fs::path> yamls;
        for (const auto& entry : fs::directory_iterator(source, ec)) {
            if (entry.path().extension() == ".yaml" && entry.is_regular_file(ec)) yamls.push_back(entry.path());
        }
        if (yamls.size() == 1) return ReadPack(yamls.front());
        return Invalid(source.string() + ": not a pack folder (no pack.yaml)");
    }
    if (!fs::is_regular_file(source, ec)) return MakeError(ErrorCode::kNotFound, source.string() + ": no such pack");
    if (source.filename() == "pack.yaml") {
        return ReadFolder(source.parent_path().empty() ? fs::path(".") : source.parent_path());
    }
    auto manifest = ManifestOf(source);
    if (!manifest) return manifest.take_error();
    if (StringField(*manifest, "kind") != "domain") {
        return Invalid(source.string() + ": expected a pack folder, its pack.yaml or a domain pack (kind: domain)");
    }
    PackDocument doc;
    doc.manifest = std::move(*manifest);
    return doc;
}

Result<fs::path> WritePack(const PackDocument& doc, const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
            return MakeError(ErrorCode::kAlreadyExists, dir.string() + ": exists and is not an empty folder");
        }
    }
    const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    fs::create_directories(parent, ec);
    const fs::path tmp = parent / ("." + dir.filename().string() + ".tmp-" + crypto::RandomToken(6));
    auto fail = [&](const std::string& what) -> Error {
        std::error_code ignored;
        fs::remove_all(tmp, ignored);
        return MakeError(ErrorCode::kInternal, what);
    };
    auto write = [&](const fs::path& file, std::string_view content) -> bool {
        std::error_code e;
        fs::create_directories(file.parent_path(), e);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        return static_cast<bool>(out);
    };
    if (!fs::create_directory(tmp, ec)) return fail(tmp.string() + ": cannot create (" + ec.message() + ")");
    fs::path written;
    if (doc.kind() == "domain") {
        if (!write(tmp / (doc.name() + ".yaml"), ManifestYaml(doc))) return fail(dir.string() + ": cannot write");
        written = dir / (doc.name() + ".yaml");
    } else {
        if (!write(tmp / "pack.yaml", ManifestYaml(doc))) return fail(dir.string() + ": cannot write pack.yaml");
        for (const auto& [path, content] : doc.files) {
            if (!generator::PathProblem(path).empty() || path == "pack.yaml") return fail(path + ": refused path");
            if (!write(tmp / path, content)) return fail(dir.string() + "/" + path + ": cannot write");
        }
        written = dir;
    }
    if (fs::exists(dir, ec)) fs::remove(dir, ec);
    fs::rename(tmp, dir, ec);
    if (ec) return fail(dir.string() + ": cannot move into place (" + ec.message() + ")");
    return written;
}

}  // namespace dihya::packs
