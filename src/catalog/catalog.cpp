#include "catalog/catalog.hpp"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "core/dto.hpp"

namespace dihya::catalog {

std::string_view EmbeddedFile(std::string_view path);  // generated from packs/

namespace {

Error Bad(std::string_view origin, const YAML::Node& node, const std::string& field, const std::string& reason) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(origin) + ":" + std::to_string(node.Mark().line + 1) + ": " + field + ": " + reason,
                     {{field, reason}});
}

Result<std::vector<NamedItem>> Items(const YAML::Node& root, std::string_view origin, const std::string& key) {
    const YAML::Node list = root[key];
    if (!list || !list.IsSequence()) return Bad(origin, root, key, "must be a list");
    std::vector<NamedItem> out;
    for (const auto& item : list) {
        if (!item.IsMap() || !item["name"]) return Bad(origin, item, key, "items need a name");
        out.push_back({item["name"].as<std::string>(), item["title"] ? item["title"].as<std::string>() : ""});
    }
    return out;
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

}  // namespace

Result<Catalog> ParseCatalog(std::string_view yaml, std::string_view origin) {
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
    auto domains = Items(root, origin, "domains");
    if (!domains) return domains.take_error();
    c.domains = std::move(*domains);
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
    for (const auto& f : catalog.features) {
        v.features.push_back(f.name);
        if (!f.kinds.empty()) v.feature_kinds[f.name] = f.kinds;
        if (catalog.packs_known) v.feature_support[f.name] = f.supported_by;
    }
    v.locales = catalog.locales;
    return v;
}

Result<Catalog> BuiltinCatalog() {
    return ParseCatalog(EmbeddedFile("catalog.yaml"), "packs/catalog.yaml");
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
