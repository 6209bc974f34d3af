#include "model/spec_yaml.hpp"

#include <algorithm>
#include <string_view>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

namespace dihya::model {

namespace json = boost::json;

namespace {

/// Plain (unquoted) only for words YAML reads back as the same string: no booleans, nulls or numbers, no
/// indicators, no leading or trailing space.
bool Plain(std::string_view s) {
    if (s.empty() || s.size() > 80) return false;
    static constexpr std::string_view kWords[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (auto w : kWords) {
        if (lower == w) return false;
    }
    const auto first = static_cast<unsigned char>(s.front());
    if (!std::isalpha(first) && first != '_' && first != '/') return false;
    for (unsigned char c : s) {
        if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ' ')) return false;
    }
    return s.back() != ' ' && s.find("  ") == std::string_view::npos;
}

void String(YAML::Emitter& out, std::string_view s) {
    if (Plain(s)) {
        out << std::string(s);
    } else {
        out << YAML::DoubleQuoted << std::string(s);
    }
}

bool Scalar(const json::value& v) {
    return !v.is_object() && !v.is_array();
}

void Emit(YAML::Emitter& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::object: {
            const auto& o = v.as_object();
            if (o.empty()) {
                out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
                return;
            }
            out << YAML::BeginMap;
            for (const auto& kv : o) {
                out << YAML::Key;
                String(out, kv.key());
                out << YAML::Value;
                Emit(out, kv.value());
            }
            out << YAML::EndMap;
            return;
        }
        case json::kind::array: {
            const auto& a = v.as_array();
            // Short lists of scalars on one line: [a, b, c].
            const bool flow = a.empty() || (a.size() <= 8 && std::all_of(a.begin(), a.end(), Scalar));
            if (flow) out << YAML::Flow;
            out << YAML::BeginSeq;
            for (const auto& item : a) Emit(out, item);
            out << YAML::EndSeq;
            return;
        }
        case json::kind::string: String(out, v.as_string()); return;
        case json::kind::bool_: out << (v.as_bool() ? "true" : "false"); return;
        case json::kind::int64: out << v.as_int64(); return;
        case json::kind::uint64: out << v.as_uint64(); return;
        case json::kind::double_: out << json::serialize(v); return;
        case json::kind::null: out << YAML::Null; return;
    }
}

}  // namespace

std::string SpecYaml(const json::value& spec) {
    YAML::Emitter out;
    out.SetIndent(2);
    Emit(out, spec);
    std::string text = out.c_str();
    if (text.empty() || text.back() != '\n') text.push_back('\n');
    return text;
}

}  // namespace dihya::model
