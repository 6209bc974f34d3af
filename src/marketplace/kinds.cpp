#include "marketplace/kinds.hpp"

#include <boost/json.hpp>

namespace dihya::marketplace {

namespace json = boost::json;

ItemKind PluginKind(plugins::PluginRegistry& registry) {
    return ItemKind{[&registry](const std::string& text, const std::string&) -> Result<CheckedPackage> {
                        auto m = registry.Check(text);
                        if (!m) return m.take_error();
                        return CheckedPackage{m->name, m->version, m->name, m->description, text};
                    },
                    [&registry](const auth::Principal& who, const std::string& package,
                                const RequestContext& ctx) -> Result<std::string> {
                        auto p = registry.Install(who, package, ctx);
                        if (!p) return p.take_error();
                        return p->id;
                    },
                    {"js"}};
}

ItemKind PackKind(packs::PackLibrary& library) {
    return ItemKind{[&library](const std::string& text, const std::string& format_name) -> Result<CheckedPackage> {
                        const auto format = packs::FormatNamed(format_name);
                        if (!format) return MakeError(ErrorCode::kInvalidArgument, "format: json, yaml or js");
                        auto doc = library.Check(text, *format);
                        if (!doc) return doc.take_error();
                        std::string description;
                        if (const auto* d = doc->manifest.if_contains("description"); d != nullptr && d->is_string()) {
                            description = std::string(d->as_string());
                        }
                        // Kept as the canonical JSON document, whatever the format it came in.
                        return CheckedPackage{doc->name(), doc->version(), doc->title(), description,
                                              json::serialize(packs::ToJson(*doc))};
                    },
                    [&library](const auth::Principal& who, const std::string& package,
                               const RequestContext& ctx) -> Result<std::string> {
                        auto stored = library.Import(who, package, packs::Format::kJson, ctx);
                        if (!stored) return stored.take_error();
                        return stored->id;
                    },
                    {"json", "yaml", "js"}};
}

}  // namespace dihya::marketplace
