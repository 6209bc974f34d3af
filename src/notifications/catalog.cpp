#include "notifications/catalog.hpp"

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "notifications/embedded.hpp"

namespace dihya::notifications {

namespace json = boost::json;

namespace {

Result<std::map<std::string, std::string, std::less<>>> Texts(const YAML::Node& node, const std::string& where) {
    if (!node || !node.IsMap()) return MakeError(ErrorCode::kInternal, where + ": a map of language → text");
    std::map<std::string, std::string, std::less<>> out;
    for (const auto& it : node) out[it.first.as<std::string>()] = it.second.as<std::string>();
    if (!out.contains("en")) return MakeError(ErrorCode::kInternal, where + ": needs an English text (en)");
    return out;
}

std::string ValueText(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_null()) return "";
    return json::serialize(v);
}

/// `text` with {name} replaced; `one_line` turns control characters of the values into spaces.
std::string Fill(std::string_view text, const json::object& data, std::string_view link_url, bool one_line) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find('{', i);
        const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        out += text.substr(i, open - i);
        const std::string_view name = text.substr(open + 1, close - open - 1);
        std::string value;
        if (name == "link") {
            value = std::string(link_url);
        } else if (const json::value* v = data.if_contains(name)) {
            value = ValueText(*v);
        }
        if (one_line) {
            for (char& c : value) {
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
            }
        }
        out += value;
        i = close + 1;
    }
    return out;
}

const std::string& InLanguage(const std::map<std::string, std::string, std::less<>>& texts, std::string_view locale) {
    const std::string_view language = locale.substr(0, locale.find_first_of("-_"));
    const auto it = texts.find(language);
    return it != texts.end() ? it->second : texts.at("en");
}

}  // namespace

Result<Catalog> Catalog::Parse(std::string_view yaml, std::string_view where) {
    Catalog c;
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        if (!root.IsMap()) return MakeError(ErrorCode::kInternal, std::string(where) + ": a map of kinds");
        for (const auto& entry : root) {
            Kind k;
            k.name = entry.first.as<std::string>();
            const std::string at = std::string(where) + ": " + k.name;
            const YAML::Node channels = entry.second["channels"];
            if (!channels || !channels.IsMap()) return MakeError(ErrorCode::kInternal, at + ": channels");
            for (const auto& ch : channels) {
                const std::string name = ch.first.as<std::string>();
                if (name != kInApp && name != kEmail && name != kPush) {
                    return MakeError(ErrorCode::kInternal, at + ": unknown channel " + name);
                }
                k.channels[name] = ch.second.as<bool>();
            }
            auto title = Texts(entry.second["title"], at + ".title");
            if (!title) return title.take_error();
            auto body = Texts(entry.second["body"], at + ".body");
            if (!body) return body.take_error();
            k.title = std::move(*title);
            k.body = std::move(*body);
            c.kinds_.push_back(std::move(k));
        }
    } catch (const YAML::Exception& e) {
        return MakeError(ErrorCode::kInternal, std::string(where) + ": " + e.what());
    }
    return c;
}

Result<Catalog> Catalog::LoadEmbedded() {
    return Parse(sql::EmbeddedFile("kinds.yaml"), "notifications/kinds.yaml");
}

const Kind* Catalog::Find(std::string_view name) const {
    for (const Kind& k : kinds_) {
        if (k.name == name) return &k;
    }
    return nullptr;
}

Text Catalog::Render(const Kind& kind, std::string_view locale, const json::object& data,
                     std::string_view link_url) const {
    return {Fill(InLanguage(kind.title, locale), data, link_url, true),
            Fill(InLanguage(kind.body, locale), data, link_url, false)};
}

}  // namespace dihya::notifications
