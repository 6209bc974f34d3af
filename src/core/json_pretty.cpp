#include "core/json_pretty.hpp"

#include <boost/json.hpp>

namespace dihya {

namespace {

void Write(const boost::json::value& v, std::string& out, int depth) {
    const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
    const std::string closing(static_cast<std::size_t>(depth) * 2, ' ');
    if (v.is_object()) {
        const auto& obj = v.as_object();
        if (obj.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        bool first = true;
        for (const auto& kv : obj) {
            if (!first) out += ",\n";
            first = false;
            out += indent + boost::json::serialize(boost::json::value(kv.key())) + ": ";
            Write(kv.value(), out, depth + 1);
        }
        out += "\n" + closing + "}";
        return;
    }
    if (v.is_array()) {
        const auto& arr = v.as_array();
        if (arr.empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        bool first = true;
        for (const auto& item : arr) {
            if (!first) out += ",\n";
            first = false;
            out += indent;
            Write(item, out, depth + 1);
        }
        out += "\n" + closing + "]";
        return;
    }
    out += boost::json::serialize(v);
}

}  // namespace

std::string PrettyJson(const boost::json::value& value) {
    std::string out;
    Write(value, out, 0);
    return out;
}

}  // namespace dihya
