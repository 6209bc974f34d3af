#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/describe.hpp>

#include "core/result.hpp"
#include "generator/pack.hpp"
#include "http/app.hpp"
#include "model/project_model.hpp"

namespace dihya::catalog {

struct NamedItem {
    std::string name;
    std::string title;
};
BOOST_DESCRIBE_STRUCT(NamedItem, (), (name, title))

/// A feature a specification may ask for, the stack kinds it concerns, and (from the installed packs) which stacks
/// implement it.
struct Feature {
    std::string name;
    std::string title;
    std::vector<std::string> kinds;
    std::map<std::string, std::vector<std::string>> supported_by;  // kind → stacks whose pack implements it
};
BOOST_DESCRIBE_STRUCT(Feature, (), (name, title, kinds, supported_by))

struct PackInfo {
    std::string name;
    std::string version;
    std::string kind;
};
BOOST_DESCRIBE_STRUCT(PackInfo, (), (name, version, kind))

/// What sign-up's consent must name: the server's gdpr.policy_version (set by Register).
struct Privacy {
    std::string policy_version;
};
BOOST_DESCRIBE_STRUCT(Privacy, (), (policy_version))

struct Catalog {
    std::map<std::string, std::vector<std::string>> stacks;
    std::vector<NamedItem> domains;
    std::vector<Feature> features;
    std::vector<std::string> field_types;
    std::vector<std::string> locales;
    std::vector<PackInfo> packs;
    Privacy privacy;
    bool packs_known = false;  // AddPacks was called (not encoded)
    /// From the domain packs (not encoded): the entities (spec form) and roles of each domain's starting model.
    std::map<std::string, boost::json::value> domain_entities;
    std::map<std::string, std::vector<std::string>> domain_roles;
};
BOOST_DESCRIBE_STRUCT(Catalog, (), (stacks, domains, features, field_types, locales, packs, privacy))

/// The embedded files of packs/ (catalog.yaml, domains/<name>.yaml), by their path under packs/; empty when absent.
std::string_view EmbeddedFile(std::string_view path);

/// Parses the catalog YAML (packs/catalog.yaml, embedded at build time); `domain_file` gives a domain pack by its
/// path under packs/ ("domains/health.yaml"), for the domains the catalog names.
Result<Catalog> ParseCatalog(std::string_view yaml, std::string_view origin,
                             const std::function<std::string_view(std::string_view)>& domain_file);

/// The built-in catalog.
Result<Catalog> BuiltinCatalog();

/// Fills each feature's supported_by and the packs list from the installed packs: a stack pack implements the
/// features its pack.yaml lists under `features`.
void AddPacks(Catalog& catalog, const std::vector<generator::Pack>& packs);

/// What a specification may name, for model validation and analysis.
model::Vocabulary ToVocabulary(const Catalog& catalog);

/// GET /api/v1/catalog with ETag / If-None-Match.
void Register(http::App& app, const Catalog& catalog);

}  // namespace dihya::catalog
