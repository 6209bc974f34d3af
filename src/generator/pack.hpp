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
};

struct Pack {
    std::string name;
    std::string version;
    std::string kind;  // "stack" | "domain"
    std::string title;
    std::map<std::string, std::string> provides;  // stack kind → value
    std::map<std::string, std::string> required;  // `requires`: stacks that must be chosen with this one
    std::string root;                             // "" or a relative folder
    std::vector<PackFile> files;
    std::string origin;  // where it came from (folder), for messages
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

/// Loads every pack under `packs_dir`/stacks/*/ (sorted by folder name). A missing folder gives no packs; two packs
/// with the same name are an error.
Result<std::vector<Pack>> LoadPacks(const std::filesystem::path& packs_dir);

/// Parses one `when` condition ("features.auth", "!rtl", "stacks.backend == express").
Result<Condition> ParseCondition(std::string_view text);

/// Whether `version` is a semantic version (2.0.0): MAJOR.MINOR.PATCH[-prerelease][+build].
bool IsSemver(std::string_view version);

/// Checks an output path against the confinement rules (docs/packs.md): relative, no `..` or `.` segment, no
/// empty segment, no backslash, NUL or control character, no `.git` segment. Returns the reason, or "" if fine.
std::string PathProblem(std::string_view path);

}  // namespace dihya::generator
