#pragma once

// A template pack as one document (docs/packs.md "Import and export"): its manifest (pack.yaml, or the domain's
// YAML, as data) and its files, written as JSON, YAML or a JavaScript module, and read back from any of the three.
// A pack folder becomes a document and a document becomes a pack folder again, byte for byte for its files.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/result.hpp"

namespace dihya::packs {

enum class Format { kJson, kYaml, kJs };

/// "json", "yaml" / "yml", "js" / "mjs"; nullopt otherwise.
std::optional<Format> FormatNamed(std::string_view name);
/// By a file name's extension (.json, .yaml, .yml, .js, .mjs); nullopt otherwise.
std::optional<Format> FormatOfPath(const std::filesystem::path& path);
/// By a Content-Type (application/json, application/yaml, text/yaml, application/x-yaml, text/javascript,
/// application/javascript), parameters ignored; nullopt otherwise.
std::optional<Format> FormatOfContentType(std::string_view content_type);
std::string_view ContentTypeOf(Format format);
std::string_view ExtensionOf(Format format);  // "json", "yaml", "js"
std::string_view NameOf(Format format);       // "json", "yaml", "js"

/// What an imported document may hold.
struct Limits {
    std::size_t max_bytes = 8 * 1024 * 1024;  // the document as sent
    std::size_t max_files = 1000;
    std::size_t max_file_bytes = 2 * 1024 * 1024;
    std::size_t max_total_bytes = 16 * 1024 * 1024;  // all files' contents together
};

struct PackDocument {
    boost::json::object manifest;              // pack.yaml (stack, library) or the domain's YAML, as data
    std::map<std::string, std::string> files;  // path in the pack folder (not pack.yaml) → bytes

    std::string kind() const;  // manifest's kind ("stack", "library", "domain"), "" when not a string
    std::string name() const;
    std::string version() const;
    std::string title() const;
};

/// Reads a pack: a folder holding pack.yaml (every regular file under it becomes a file of the document; hidden
/// files and folders are left out, symbolic links refused), its pack.yaml, or a domain pack's YAML file (kind:
/// domain).
Result<PackDocument> ReadPack(const std::filesystem::path& source);

/// Runs a JavaScript module and answers its default export as JSON (the plugin sandbox does it: src/plugins).
using JsEvaluator = std::function<Result<boost::json::value>(std::string_view source, std::string_view origin)>;

/// Parses a document. Errors are kInvalidArgument naming `origin`, the line where one is known and the field
/// (`files.src/App.tsx.mustache`). A JavaScript module is read in its data form — `export default` followed by
/// the document as a literal, as ToText writes it — or else, when `evaluate` is given, run in the sandbox and its
/// default export taken (functions left out); without it, such a module gets an error saying it needs the sandbox.
Result<PackDocument> ParseDocument(std::string_view text, Format format, std::string_view origin,
                                   const Limits& limits = {}, const JsEvaluator& evaluate = {});

/// Checks what every pack document must be, without reading anything else: kind, name, semver version, the file
/// paths (docs/packs.md confinement rules), counts and sizes, and for stack and library packs their pack.yaml
/// (generator::ParsePack with the document's files). `origin` names the document in messages.
Result<void> CheckDocument(const PackDocument& doc, std::string_view origin, const Limits& limits = {});

/// The document as JSON / YAML / a JavaScript module (`export default {…};`). Text files are strings; files that
/// are not UTF-8 text are {"base64url": "…"}. The YAML writes each file as a block when that reads back the same.
std::string ToText(const PackDocument& doc, Format format);
boost::json::object ToJson(const PackDocument& doc);

/// The pack.yaml (stack, library) or domain YAML (domain) that the manifest stands for.
std::string ManifestYaml(const PackDocument& doc);

/// Writes the document as a pack folder at `dir` (which must not exist, or be an empty folder): pack.yaml and
/// the files for a stack or library pack; `<name>.yaml` for a domain pack. Written into a temporary folder
/// beside `dir` and renamed, so a failure leaves nothing half-written. Returns the path of what was written.
Result<std::filesystem::path> WritePack(const PackDocument& doc, const std::filesystem::path& dir);

/// SHA-256 (hex) of the document's canonical JSON: equal for equal packs whatever format carried them.
std::string Digest(const PackDocument& doc);

/// YAML text → JSON, scalars resolved as YAML 1.2's core schema does (only the forms that write back the same:
/// `true`/`false`, `null`/`~`/empty, canonical integers and numbers); quoted scalars stay strings.
Result<boost::json::value> YamlToJson(std::string_view yaml, std::string_view origin);
/// JSON → YAML that YamlToJson reads back as the same value.
std::string JsonToYaml(const boost::json::value& value);

}  // namespace dihya::packs
