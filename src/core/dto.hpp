#pragma once

// DTOs described once with Boost.Describe give decoding (with field-level validation errors),
// encoding and the JSON Schema used in the OpenAPI document.
//
//   struct LoginRequest { std::string email; std::string password; std::optional<bool> remember; };
//   BOOST_DESCRIBE_STRUCT(LoginRequest, (), (email, password, remember))
//   template <> struct dihya::dto::Rules<LoginRequest> {
//       static FieldRules Get() { return {{"email", {.format = "email", .max_length = 254}},
//                                         {"password", {.min_length = 12}}}; }
//   };
//
// std::optional<T> fields are optional; every other field is required. Unknown fields are
// rejected, so typos in requests surface as errors instead of being silently ignored.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11.hpp>

#include "core/result.hpp"

namespace dihya::dto {

struct FieldRule {
    std::string description;
    std::optional<std::int64_t> min_length;
    std::optional<std::int64_t> max_length;
    std::optional<double> minimum;
    std::optional<double> maximum;
    std::string format;               // "email", "uri", "date-time", ... (email and uri are checked)
    std::vector<std::string> one_of;  // allowed string values
    std::optional<std::int64_t> max_items;
};
using FieldRules = std::map<std::string, FieldRule, std::less<>>;

/// Specialise to attach rules to a described struct.
template <class T>
struct Rules {
    static FieldRules Get() { return {}; }
};

template <class T>
struct Title {
    static std::string_view Get() { return {}; }
};

namespace detail {

/// Whether `d` is a whole number that an int64 holds (checked before any cast: casting inf, NaN or 1e400 is
/// undefined behaviour).
inline bool IntegralDouble(double d) {
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
           d == static_cast<double>(static_cast<std::int64_t>(d));
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {
    using type = T;
};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {
    using type = T;
};
template <class T>
struct IsStringMap : std::false_type {};
template <class T>
struct IsStringMap<std::map<std::string, T>> : std::true_type {
    using type = T;
};

template <class T>
constexpr bool kDescribed = boost::describe::has_describe_members<T>::value;

bool LooksLikeEmail(std::string_view s);
bool LooksLikeUri(std::string_view s);
std::string TypeName(const boost::json::value& v);

using Errors = std::map<std::string, std::string>;

void CheckString(const std::string& s, const FieldRule* rule, const std::string& path, Errors& errors);
void CheckNumber(double v, const FieldRule* rule, const std::string& path, Errors& errors);

template <class T>
void DecodeInto(const boost::json::value& v, T& out, const std::string& path, const FieldRule* rule, Errors& errors);

template <class T>
void DecodeObject(const boost::json::value& v, T& out, const std::string& path, Errors& errors) {
    if (!v.is_object()) {
        errors[path.empty() ? "body" : path] = "must be an object, not " + TypeName(v);
        return;
    }
    const auto& obj = v.as_object();
    const FieldRules rules = Rules<T>::Get();
    std::vector<std::string_view> known;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
        using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
        const std::string name = d.name;
        known.push_back(d.name);
        const std::string field = path.empty() ? name : path + "." + name;
        const auto it = rules.find(name);
        const FieldRule* rule = it == rules.end() ? nullptr : &it->second;
        const auto* found = obj.if_contains(name);
        if (found == nullptr || (found->is_null() && IsOptional<M>::value)) {
            if constexpr (!IsOptional<M>::value) errors[field] = "is required";
            return;
        }
        DecodeInto(*found, out.*d.pointer, field, rule, errors);
    });
    for (const auto& kv : obj) {
        if (std::find(known.begin(), known.end(), std::string_view(kv.key())) == known.end()) {
            errors[path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key())] = "is not a known field";
        }
    }
}

template <class T>
void DecodeInto(const boost::json::value& v, T& out, const std::string& path, const FieldRule* rule, Errors& errors) {
    if constexpr (IsOptional<T>::value) {
        typename IsOptional<T>::type inner{};
        const std::size_t before = errors.size();
        DecodeInto(v, inner, path, rule, errors);
        if (errors.size() == before) out = std::move(inner);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) {
            errors[path] = "must be a string, not " + TypeName(v);
            return;
        }
        out = std::string(v.as_string());
        CheckString(out, rule, path, errors);
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_bool()) {
            errors[path] = "must be true or false, not " + TypeName(v);
            return;
        }
        out = v.as_bool();
    } else if constexpr (std::is_integral_v<T>) {
        if (v.is_int64()) {
            out = static_cast<T>(v.as_int64());
        } else if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
            out = static_cast<T>(v.as_uint64());
        } else if (v.is_double() && IntegralDouble(v.as_double())) {
            out = static_cast<T>(v.as_double());
        } else {
            errors[path] = "must be an integer, not " + TypeName(v);
            return;
        }
        CheckNumber(static_cast<double>(out), rule, path, errors);
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) {
            errors[path] = "must be a number, not " + TypeName(v);
            return;
        }
        out = static_cast<T>(v.to_number<double>());
        CheckNumber(static_cast<double>(out), rule, path, errors);
    } else if constexpr (std::is_same_v<T, boost::json::value>) {
        out = v;
    } else if constexpr (IsVector<T>::value) {
        if (!v.is_array()) {
            errors[path] = "must be an array, not " + TypeName(v);
            return;
        }
        const auto& arr = v.as_array();
        if (rule != nullptr && rule->max_items && static_cast<std::int64_t>(arr.size()) > *rule->max_items) {
            errors[path] = "must have at most " + std::to_string(*rule->max_items) + " items";
            return;
        }
        out.clear();
        out.resize(arr.size());
        for (std::size_t i = 0; i < arr.size(); ++i) {
            DecodeInto(arr[i], out[i], path + "[" + std::to_string(i) + "]", rule, errors);
        }
    } else if constexpr (IsStringMap<T>::value) {
        if (!v.is_object()) {
            errors[path] = "must be an object, not " + TypeName(v);
            return;
        }
        for (const auto& kv : v.as_object()) {
            DecodeInto(kv.value(), out[std::string(kv.key())], path + "." + std::string(kv.key()), nullptr, errors);
        }
    } else {
        static_assert(kDescribed<T>, "DTO member type not supported: describe it with BOOST_DESCRIBE_STRUCT");
        DecodeObject(v, out, path, errors);
    }
}

template <class T>
boost::json::value EncodeValue(const T& v) {
    if constexpr (IsOptional<T>::value) {
        if (!v) return nullptr;
        return EncodeValue(*v);
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_arithmetic_v<T>) {
        return boost::json::value(v);
    } else if constexpr (std::is_same_v<T, boost::json::value>) {
        return v;
    } else if constexpr (IsVector<T>::value) {
        boost::json::array arr;
        arr.reserve(v.size());
        for (const auto& item : v) arr.push_back(EncodeValue(item));
        return arr;
    } else if constexpr (IsStringMap<T>::value) {
        boost::json::object obj;
        for (const auto& [k, item] : v) obj[k] = EncodeValue(item);
        return obj;
    } else {
        static_assert(kDescribed<T>, "DTO member type not supported: describe it with BOOST_DESCRIBE_STRUCT");
        boost::json::object obj;
        boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
            using M = std::remove_cvref_t<decltype(v.*d.pointer)>;
            if constexpr (IsOptional<M>::value) {
                if (!(v.*d.pointer)) return;  // absent optionals are omitted
            }
            obj[d.name] = EncodeValue(v.*d.pointer);
        });
        return obj;
    }
}

void ApplyRule(boost::json::object& schema, const FieldRule& rule);

template <class T>
boost::json::value SchemaOf(const FieldRule* rule) {
    boost::json::object s;
    if constexpr (IsOptional<T>::value) {
        return SchemaOf<typename IsOptional<T>::type>(rule);
    } else if constexpr (std::is_same_v<T, std::string>) {
        s["type"] = "string";
    } else if constexpr (std::is_same_v<T, bool>) {
        s["type"] = "boolean";
    } else if constexpr (std::is_integral_v<T>) {
        s["type"] = "integer";
        s["format"] = "int64";
    } else if constexpr (std::is_floating_point_v<T>) {
        s["type"] = "number";
    } else if constexpr (std::is_same_v<T, boost::json::value>) {
        // any JSON value
    } else if constexpr (IsVector<T>::value) {
        s["type"] = "array";
        s["items"] = SchemaOf<typename IsVector<T>::type>(nullptr);
        if (rule != nullptr && rule->max_items) s["maxItems"] = *rule->max_items;
        if (rule != nullptr && !rule->description.empty()) s["description"] = rule->description;
        return s;
    } else if constexpr (IsStringMap<T>::value) {
        s["type"] = "object";
        s["additionalProperties"] = SchemaOf<typename IsStringMap<T>::type>(nullptr);
    } else {
        static_assert(kDescribed<T>, "DTO member type not supported: describe it with BOOST_DESCRIBE_STRUCT");
        s["type"] = "object";
        boost::json::object props;
        boost::json::array required;
        const FieldRules rules = Rules<T>::Get();
        boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
            using M = std::remove_cvref_t<decltype(std::declval<T>().*d.pointer)>;
            const auto it = rules.find(d.name);
            props[d.name] = SchemaOf<M>(it == rules.end() ? nullptr : &it->second);
            if constexpr (!IsOptional<M>::value) required.push_back(boost::json::value(d.name));
        });
        s["properties"] = std::move(props);
        if (!required.empty()) s["required"] = std::move(required);
        s["additionalProperties"] = false;
    }
    if (rule != nullptr) ApplyRule(s, *rule);
    return s;
}

}  // namespace detail

/// Decodes and validates; every problem found is reported with its field path.
template <class T>
Result<T> Decode(const boost::json::value& v) {
    T out{};
    detail::Errors errors;
    detail::DecodeObject(v, out, "", errors);
    if (!errors.empty()) {
        std::string message = "invalid fields: ";
        bool first = true;
        for (const auto& [field, reason] : errors) {
            if (!first) message += "; ";
            message += field + " " + reason;
            first = false;
            if (message.size() > 400) {
                message += "; ...";
                break;
            }
        }
        return MakeError(ErrorCode::kInvalidArgument, message, std::move(errors));
    }
    return out;
}

template <class T>
boost::json::value Encode(const T& v) {
    return detail::EncodeValue(v);
}

template <class T>
boost::json::value Schema() {
    auto s = detail::SchemaOf<T>(nullptr);
    if (!Title<T>::Get().empty()) s.as_object()["title"] = Title<T>::Get();
    return s;
}

}  // namespace dihya::dto
