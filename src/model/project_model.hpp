#pragma once

// The ProjectModel: the structured specification of a project to generate (shared/API.md, "The ProjectModel"),
// parsed from YAML or JSON, normalised (name spellings, defaults, lower-case vocabulary values) and validated.

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/result.hpp"
#include "model/names.hpp"

namespace dihya::model {

enum class FieldType { kString, kText, kInt, kFloat, kBool, kDate, kDatetime, kEmail, kUrl, kEnum, kRef, kFile };

/// "string", "text", ... as written in specifications.
std::string_view FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(std::string_view name);
/// All field type names, in declaration order (the catalog's `field_types`).
std::span<const std::string_view> FieldTypeNames();

struct Field {
    std::string name;  // snake_case
    Names names;
    FieldType type = FieldType::kString;
    bool required = false;
    bool unique = false;
    std::vector<std::string> values;  // enum: the values as written (trimmed)
    std::string ref;                  // ref: the PascalCase name of the referenced entity
    std::string description;
    std::string label;  // how people call it in the project's default locale ("Date d'adhésion"); "" = from the name
};

struct Entity {
    std::string name;  // PascalCase
    Names names;
    std::string table;  // plural snake_case
    std::string route;  // "/api/<plural-kebab>"
    std::string description;
    std::string label;  // how people call it in the project's default locale ("Adhérent"); "" = from the name
    std::vector<Field> fields;
};

struct Stacks {
    std::string frontend = "react", backend = "express", mobile = "none", ai = "none";
    std::vector<std::string> devops{"docker", "compose", "github-actions"};
    std::string blockchain = "none";

    /// kind → the chosen values (one for the single-valued kinds, "none" included).
    std::map<std::string, std::vector<std::string>> ByKind() const {
        return {{"frontend", {frontend}}, {"backend", {backend}},      {"mobile", {mobile}}, {"ai", {ai}},
                {"devops", devops},       {"blockchain", {blockchain}}};
    }
};

struct ProjectModel {
    std::string name;  // kebab-case
    std::string title;
    std::string description;
    std::string domain = "custom";
    std::vector<std::string> locales{"en"};  // the first is the default
    std::vector<std::string> roles{"admin", "user"};
    std::vector<std::string> features;
    std::vector<Entity> entities;
    Stacks stacks;
};

/// What a specification may name (the catalog). Values are compared in lower case.
struct Vocabulary {
    std::map<std::string, std::vector<std::string>> stacks;  // kind → allowed values ("none" is always allowed
                                                             // for the single-valued kinds)
    std::vector<std::string> domains;                        // "custom" is always allowed
    std::vector<std::string> features;
    std::vector<std::string> locales;  // ISO 639-1 codes
    /// domain → the entities (spec form: [{name, fields: [...]}]) and roles a structured specification that names the
    /// domain gets when it names no entities or roles (from the domain packs).
    std::map<std::string, boost::json::value> domain_entities;
    std::map<std::string, std::vector<std::string>> domain_roles;
    /// feature → the stack kinds it concerns (auth: frontend, backend, mobile); a feature missing here concerns
    /// no stack (nothing is checked).
    std::map<std::string, std::vector<std::string>> feature_kinds;
    /// feature → kind → the stacks whose installed pack implements it. Empty when the packs are not known (then
    /// nothing is checked either).
    std::map<std::string, std::map<std::string, std::vector<std::string>>> feature_support;

    /// The features of `features` that a chosen stack of `stacks` does not implement, with that stack
    /// ("search" → {"backend", "django"}), and those no chosen stack concerns ("seo" → {"frontend", "none"}, kinds
    /// joined by ", "); empty when feature_support is empty.
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> UnsupportedFeatures(
        const std::vector<std::string>& features, const std::map<std::string, std::vector<std::string>>& stacks) const;
    /// "search is implemented by: backend express, flask; frontend react" (or "by no installed pack").
    std::string SupportOf(const std::string& feature) const;
};

/// Limits of a specification.
inline constexpr std::size_t kMaxEntities = 50;
inline constexpr std::size_t kMaxFieldsPerEntity = 100;
inline constexpr std::size_t kMaxNameLength = 64;  // characters, for every name
inline constexpr std::size_t kMaxEnumValues = 100;
inline constexpr std::size_t kMaxRoles = 20;
inline constexpr std::size_t kMaxTitleLength = 200;
inline constexpr std::size_t kMaxDescriptionLength = 10000;
inline constexpr std::size_t kMaxLabelLength = 120;

/// Parses a specification in YAML or JSON. The format follows the origin's extension (.json / .yaml / .yml),
/// else the first character ('{' or '[' → JSON, falling back to YAML when that is not valid JSON).
///
/// Errors are ErrorCode::kInvalidArgument. All problems found are collected: `details` maps each field path
/// (`entities[1].fields[0].type`, `$` for the document itself) to its reason, and `message` is
/// "<origin>:<line>: <field path>: <reason>" for the first problem in document order, followed by
/// " (and N more)" when there are others.
Result<ProjectModel> ParseModel(std::string_view text, std::string_view origin, const Vocabulary& vocab);

/// The same checks for a model that arrived as JSON inside a request (`{"model": {...}}`): messages name the
/// origin and field path but no line.
Result<ProjectModel> ParseModelValue(const boost::json::value& model, std::string_view origin, const Vocabulary& vocab);

/// The normalised model with every name spelled out, for `dihya analyze` and templates. Adds, besides the
/// ProjectModel's own members: `default_locale`, `locale_info` ([{code, rtl, default}]), `rtl` (any locale is
/// right-to-left), `feature_flags` ({feature: true}), per entity `names`, `table`, `route`, per field `names`,
/// `type`, `enum_values` ([{value, names}]) and for refs `ref_names`, `ref_table`, `ref_route`.
boost::json::value ToJson(const ProjectModel& model);

/// The structured specification of a model: the form a user writes, which ParseModelValue reads back into the
/// same model (answers.json, --set overrides, the analyser's validation).
boost::json::value ToSpec(const ProjectModel& model);

/// Whether a locale is written right to left (ar, fa, he, ur, ...).
bool IsRightToLeft(std::string_view locale);

}  // namespace dihya::model
