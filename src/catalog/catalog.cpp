#include "catalog/catalog.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "core/dto.hpp"

namespace dihya::catalog {

namespace {

Error Bad(std::string_view origin, const YAML::Node& node, const std::string& field, const std::string& reason) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(origin) + ":" + std::to_string(node.Mark().line + 1) + ": " + field + ": " + reason,
                     {{field, reason}});
}

Result<std::vector<std::string>> Names(const YAML::Node& node, std::string_view origin, const std::string& key) {
    if (!node || !node.IsSequence()) return Bad(origin, node, key, "must be a list of names");
    std::vector<std::string> out;
    for (const auto& item : node) {
        if (!item.IsScalar()) return Bad(origin, item, key, "must be a list of names");
        out.push_back(item.Scalar());
    }
    return out;
}

/// A field of a domain pack's entity, in the specification's form.
boost::json::object SpecField(const YAML::Node& f) {
    boost::json::object out;
    for (const char* key : {"name", "type", "ref"}) {
        if (f[key]) out[key] = f[key].as<std::string>();
    }
    for (const char* key : {"required", "unique"}) {
        if (f[key]) out[key] = f[key].as<bool>();
    }
    if (f["values"]) {
        boost::json::array values;
        for (const auto& v : f["values"]) values.emplace_back(v.as<std::string>());
        out["values"] = std::move(values);
    }
    return out;
}

/// The starting model of a domain: its core entities (defined in any domain pack or in packs/domains/shared.yaml),
/// with the refs between them, and its roles.
void DomainDefaults(const std::string& name, const YAML::Node& pack, const std::map<std::string, YAML::Node>& defined,
                    Catalog& c) {
    std::vector<std::string> core;
    for (const auto& e : pack["core"]) core.push_back(e.as<std::string>());
    boost::json::array entities;
    for (const std::string& entity : core) {
        const auto it = defined.find(entity);
        if (it == defined.end()) continue;
        boost::json::array fields;
        for (const auto& f : it->second["fields"]) {
            if (f["ref"] && std::find(core.begin(), core.end(), f["ref"].as<std::string>()) == core.end()) continue;
            fields.push_back(SpecField(f));
        }
        entities.push_back(boost::json::object{{"name", entity}, {"fields", std::move(fields)}});
    }
    c.domain_entities[name] = std::move(entities);
    std::vector<std::string> roles;
    for (const auto& r : pack["roles"]) roles.push_back(r.as<std::string>());
    if (!roles.empty()) c.domain_roles[name] = std::move(roles);
}

}  // namespace

Result<Catalog> ParseCatalog(std::string_view yaml, std::string_view origin,
                             const std::function<std::string_view(std::string_view)>& domain_file) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string(origin) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!root.IsMap()) return MakeError(ErrorCode::kInvalidArgument, std::string(origin) + ": must be a map");
    Catalog c;
    const YAML::Node stacks = root["stacks"];
    if (!stacks || !stacks.IsMap()) return Bad(origin, root, "stacks", "must be a map of kind to names");
    for (const auto& kv : stacks) {
        const std::string kind = kv.first.as<std::string>();
        auto names = Names(kv.second, origin, "stacks." + kind);
        if (!names) return names.take_error();
        c.stacks[kind] = std::move(*names);
    }
    const YAML::Node domains = root["domains"];
    if (!domains || !domains.IsSequence()) return Bad(origin, root, "domains", "must be a list");
    std::map<std::string, YAML::Node> defined;              // entity → its definition, in any domain pack
    std::vector<std::pair<std::string, YAML::Node>> packs;  // the domain packs read
    for (const auto& item : domains) {
        if (item.IsMap() && item["name"]) {
            c.domains.push_back({item["name"].as<std::string>(), item["title"] ? item["title"].as<std::string>() : ""});
            continue;
        }
        if (!item.IsScalar()) return Bad(origin, item, "domains", "items are domain names");
        // A domain pack gives the title (and the entities and words the analyser uses).
        const std::string name = item.Scalar();
        const std::string path = "domains/" + name + ".yaml";
        const std::string_view pack = domain_file(path);
        if (pack.empty()) return Bad(origin, item, "domains", "no domain pack packs/" + path);
        try {
            const YAML::Node d = YAML::Load(std::string(pack));
            c.domains.push_back({name, d["title"] ? d["title"].as<std::string>() : name});
            for (const auto& e : d["entities"]) defined.emplace(e["name"].as<std::string>(), e);
            packs.emplace_back(name, d);
        } catch (const YAML::Exception& e) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "packs/" + path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
    }
    if (const std::string_view shared = domain_file("domains/shared.yaml"); !shared.empty()) {
        try {
            for (const auto& e : YAML::Load(std::string(shared))["entities"]) {
                defined.emplace(e["name"].as<std::string>(), e);
            }
        } catch (const YAML::Exception& e) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "packs/domains/shared.yaml:" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
    }
    for (const auto& [name, pack] : packs) DomainDefaults(name, pack, defined, c);
    const YAML::Node features = root["features"];
    if (!features || !features.IsSequence()) return Bad(origin, root, "features", "must be a list");
    for (const auto& item : features) {
        if (!item.IsMap() || !item["name"]) return Bad(origin, item, "features", "items need a name");
        Feature f{item["name"].as<std::string>(), item["title"] ? item["title"].as<std::string>() : "", {}, {}};
        if (item["kinds"]) {
            auto kinds = Names(item["kinds"], origin, "features." + f.name + ".kinds");
            if (!kinds) return kinds.take_error();
            for (const std::string& k : *kinds) {
                if (!c.stacks.contains(k))
                    return Bad(origin, item, "features." + f.name + ".kinds", "unknown kind " + k);
            }
            f.kinds = std::move(*kinds);
        }
        c.features.push_back(std::move(f));
    }
    auto types = Names(root["field_types"], origin, "field_types");
    if (!types) return types.take_error();
    c.field_types = std::move(*types);
    auto locales = Names(root["locales"], origin, "locales");
    if (!locales) return locales.take_error();
    c.locales = std::move(*locales);
    return c;
}

void AddPacks(Catalog& catalog, const std::vector<generator::Pack>& packs) {
    for (const generator::Pack& p : packs) {
        catalog.packs.push_back({p.name, p.version, p.kind});
        if (p.kind != "stack" || p.provides.empty()) continue;
        const auto& [kind, value] = *p.provides.begin();
        for (Feature& f : catalog.features) {
            if (std::find(f.kinds.begin(), f.kinds.end(), kind) == f.kinds.end()) continue;
            if (std::find(p.features.begin(), p.features.end(), f.name) == p.features.end()) continue;
            auto& values = f.supported_by[kind];
            if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
        }
    }
    for (Feature& f : catalog.features) {
        for (auto& [kind, values] : f.supported_by) std::sort(values.begin(), values.end());
    }
    catalog.packs_known = true;
}

model::Vocabulary ToVocabulary(const Catalog& catalog) {
    model::Vocabulary v;
    v.stacks = catalog.stacks;
    for (const auto& d : catalog.domains) v.domains.push_back(d.name);
    v.domain_entities = catalog.domain_entities;
    v.domain_roles = catalog.domain_roles;
    for (const auto& f : catalog.features) {
        v.features.push_back(f.name);
        if (!f.kinds.empty()) v.feature_kinds[f.name] = f.kinds;
        if (catalog.packs_known) v.feature_support[f.name] = f.supported_by;
    }
    v.locales = catalog.locales;
    return v;
}

Result<Catalog> BuiltinCatalog() {
    return ParseCatalog(EmbeddedFile("catalog.yaml"), "packs/catalog.yaml", EmbeddedFile);
}

void Register(http::App& app, const Catalog& catalog) {
    app.tags.push_back({"catalog", "What a specification may name: stacks, domains, features, field types, packs."});
    auto body = std::make_shared<const std::string>(boost::json::serialize(dto::Encode(catalog)));
    auto etag = std::make_shared<const std::string>(http::StrongEtag(*body));
    app.router.Add({
        .method = "GET",
        .path = "/api/v1/catalog",
        .operation_id = "getCatalog",
        .summary = "Stacks, domains, features, field types and installed packs",
        .description = "Cacheable: send the ETag back in If-None-Match to get 304 Not Modified.",
        .tag = "catalog",
        .params = {{"If-None-Match", "header", "ETag of a copy you hold", boost::json::object{{"type", "string"}}}},
        .responses = {{200, "The catalog", dto::Schema<Catalog>()}, {304, "Not modified"}},
        .handler =
            [body, etag](http::Request& request) {
                http::Response r = http::IfNoneMatch(request, *etag)
                                       ? http::Response::Empty(304)
                                       : http::Response::Text(200, *body, "application/json");
                r.headers.Set("ETag", *etag);
                r.headers.Set("Cache-Control", "no-cache");
                return r;
            },
    });
}

}  // namespace dihya::catalog
