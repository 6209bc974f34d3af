#include "core/dto.hpp"

#include <fmt/format.h>

namespace dihya::dto::detail {

bool LooksLikeEmail(std::string_view s) {
    const auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at != s.rfind('@')) return false;
    const auto domain = s.substr(at + 1);
    const auto dot = domain.find('.');
    if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
    for (unsigned char c : s) {
        if (c <= ' ' || c == 0x7f) return false;
    }
    return s.size() <= 254;
}

bool LooksLikeUri(std::string_view s) {
    return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

std::string TypeName(const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::null: return "null";
        case boost::json::kind::bool_: return "a boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "a number";
        case boost::json::kind::string: return "a string";
        case boost::json::kind::array: return "an array";
        case boost::json::kind::object: return "an object";
    }
    return "a value";
}

namespace {

std::int64_t Utf8Length(std::string_view s) {
    std::int64_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;
    }
    return n;
}

}  // namespace

void CheckString(const std::string& s, const FieldRule* rule, const std::string& path, Errors& errors) {
    if (rule == nullptr) return;
    const auto len = Utf8Length(s);
    if (rule->min_length && len < *rule->min_length) {
        errors[path] = "must be at least " + std::to_string(*rule->min_length) + " characters";
    } else if (rule->max_length && len > *rule->max_length) {
        errors[path] = "must be at most " + std::to_string(*rule->max_length) + " characters";
    } else if (rule->format == "email" && !LooksLikeEmail(s)) {
        errors[path] = "must be an email address";
    } else if (rule->format == "uri" && !LooksLikeUri(s)) {
        errors[path] = "must be an http(s) URL";
    } else if (!rule->one_of.empty() && std::find(rule->one_of.begin(), rule->one_of.end(), s) == rule->one_of.end()) {
        std::string allowed;
        for (const auto& o : rule->one_of) allowed += (allowed.empty() ? "" : ", ") + o;
        errors[path] = "must be one of: " + allowed;
    }
}

void CheckNumber(double v, const FieldRule* rule, const std::string& path, Errors& errors) {
    if (rule == nullptr) return;
    if (rule->minimum && v < *rule->minimum) {
        errors[path] = fmt::format("must be at least {:g}", *rule->minimum);
    } else if (rule->maximum && v > *rule->maximum) {
        errors[path] = fmt::format("must be at most {:g}", *rule->maximum);
    }
}

void ApplyRule(boost::json::object& s, const FieldRule& rule) {
    if (!rule.description.empty()) s["description"] = rule.description;
    if (rule.min_length) s["minLength"] = *rule.min_length;
    if (rule.max_length) s["maxLength"] = *rule.max_length;
    if (rule.minimum) s["minimum"] = *rule.minimum;
    if (rule.maximum) s["maximum"] = *rule.maximum;
    if (!rule.format.empty()) s["format"] = rule.format;
    if (!rule.one_of.empty()) {
        boost::json::array e;
        for (const auto& o : rule.one_of) e.push_back(boost::json::value(o));
        s["enum"] = std::move(e);
    }
}

}  // namespace dihya::dto::detail
