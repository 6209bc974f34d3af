#pragma once

// Template packs (docs/packs.md): a folder with a pack.yaml and Mustache templates, loaded into memory and
// validated once, so that rendering never touches the file system.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dihya::generator {

/// One `when` condition: a dotted path into the template context, tested for truthiness or compared with a
/// literal.
struct Condition {
    enum class Op { kTruthy, kFalsy, kEquals, kNotEquals };
    Op op = Op::kTruthy;
    std::string path;     // "features.auth"
    std::string literal;  // for kEquals / kNotEquals
    std::string text;     // as written, for messages
};

struct PackFile {
    std::string template_path;  // inside the pack folder
    std::string path;           // output path (Mustache), relative to the pack's root
    std::string each;           // "" or "entities"
    std::vector<Condition> when;
    bool raw = false;         // copied byte for byte
    bool executable = false;  // `mode: 755`
    std::string content;      // the template (or raw bytes)
    int line = 0;             // of the entry in pack.yaml, 1-based
    std::string library;      // the library pack it comes from ("" for the pack's own files)
};

/// `uses:` entry of a pack: a library pack whose files (and partials) it takes.
struct PackUse {
    std::string library;             // the library pack's name
    std::string version;             // a requirement: "" (any), "1.2.0" (exact), "^1.2.0", "~1.2.0", ">=1.2.0"
    std::string into;                // output folder, under the pack's root, for the library's files ("" = root)
    std::vector<std::string> files;  // template paths of the library to take; empty = all of them
    int line = 0;
};

struct Pack {
    std::string name;
    std::string version;
    std::string kind;  // "stack" | "domain" | "library"
    std::string title;
    std::map<std::string, std::string> provides;  // stack kind → value
    std::map<std::string, std::string> required;  // `requires`: stacks that must be chosen with this one
    std::string root;                             // "" or a relative folder
    std::vector<PackFile> files;
    std::string origin;  // where it came from (folder), for messages
    std::vector<PackUse> uses;
    /// The catalog features this pack implements (`features:`); a stack pack of a kind a feature concerns must
    /// list it, or generation refuses the feature.
    std::vector<std::string> features;
    /// Library packs: partial name → template, usable as `{{> library/name}}` by the packs that use the library.
    /// After ResolveLibraries, a using pack holds its libraries' partials under "library/name".
    std::map<std::string, std::string> partials;
    std::vector<std::string> partial_templates;  // the template paths of a library's own partials
    /// After ResolveLibraries: the libraries this pack took files or partials from, with their versions.
    std::vector<std::pair<std::string, std::string>> libraries;
};

/// Reads a file of the pack, by its path relative to the pack folder; nullopt when it is missing or not a regular
/// file inside the pack.
using PackReader = std::function<std::optional<std::string>(const std::string& relative_path)>;

/// Parses and validates a pack.yaml. `origin` names the pack.yaml in messages. Errors are kInvalidArgument:
/// `details` maps each field path (`files[2].template`) to "<origin>:<line>: <reason>", and `message` is
/// "<origin>:<line>: <field>: <reason>" for the first problem, followed by " (and N more)".
Result<Pack> ParsePack(std::string_view yaml, std::string_view origin, const PackReader& read);

/// Loads the pack in `dir` (dir/pack.yaml and the templates it names). Templates must be regular files inside the
/// folder (symbolic links leading outside are refused).
Result<Pack> LoadPack(const std::filesystem::path& dir);

/// The pack folders (holding a pack.yaml) directly under `parent`, sorted; none when it is not a folder.
std::vector<std::filesystem::path> PackFolders(const std::filesystem::path& parent);

/// Loads every pack under `packs_dir`/stacks/*/ and `packs_dir`/libraries/*/ (sorted by folder name) and resolves
/// the libraries they use (ResolveLibraries). A missing folder gives no packs; two packs with the same name are an
/// error.
Result<std::vector<Pack>> LoadPacks(const std::filesystem::path& packs_dir);

/// Gives every pack with `uses` the files of its libraries (output paths under `into`, the library's conditions
/// and `each` kept, `library` set) and their partials, and records the libraries' versions. Errors name the pack.yaml
/// and line: an unknown library, a version requirement the installed library does not meet, a named file the
/// library does not have, a library that uses another, or a pack that uses a pack that is not a library.
Result<void> ResolveLibraries(std::vector<Pack>& packs);

/// Whether `version` meets `requirement` ("" any, "1.2.0" exact, "^1.2.0", "~1.2.0", ">=1.2.0").
bool VersionSatisfies(std::string_view version, std::string_view requirement);

/// Parses one `when` condition ("features.auth", "!rtl", "stacks.backend == express").
Result<Condition> ParseCondition(std::string_view text);

/// Whether `version` is a semantic version (2.0.0): MAJOR.MINOR.PATCH[-prerelease][+build].
bool IsSemver(std::string_view version);

/// Semantic-version precedence (semver.org §11): major, minor, patch as numbers; a pre-release before its release,
/// pre-release identifiers compared dot by dot (numbers below words); build metadata ignored. Versions that are not
/// semantic compare as text, after every semantic one.
bool SemverLess(std::string_view a, std::string_view b);

/// Checks an output path against the confinement rules (docs/packs.md): relative, no `..` or `.` segment, no
/// empty segment, no backslash, NUL or control character, no `.git` segment. Returns the reason, or "" if fine.
std::string PathProblem(std::string_view path);

}  // namespace dihya::generator
