#include "graphql/values.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>

#include <boost/json.hpp>

namespace dihya::graphql {

namespace json = boost::json;

namespace {

constexpr std::int64_t kIntMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kIntMax = std::numeric_limits<std::int32_t>::max();

Error Invalid(std::string message) {
    return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string Show(const json::value& v) {
    std::string s = json::serialize(v);
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

/// An integral JSON number within `Int`'s range.
std::optional<std::int64_t> AsInt32(const json::value& v) {
    if (v.is_int64()) {
        const auto i = v.as_int64();
        if (i >= kIntMin && i <= kIntMax) return i;
        return std::nullopt;
    }
    if (v.is_uint64()) {
        const auto u = v.as_uint64();
        if (u <= static_cast<std::uint64_t>(kIntMax)) return static_cast<std::int64_t>(u);
        return std::nullopt;
    }
    if (v.is_double()) {
        const double d = v.as_double();
        if (std::isfinite(d) && std::floor(d) == d && d >= static_cast<double>(kIntMin) &&
            d <= static_cast<double>(kIntMax)) {
            return static_cast<std::int64_t>(d);
        }
    }
    return std::nullopt;
}

std::optional<double> AsDouble(const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.as_int64());
    if (v.is_uint64()) return static_cast<double>(v.as_uint64());
    if (v.is_double() && std::isfinite(v.as_double())) return v.as_double();
    return std::nullopt;
}

Result<json::value> CoerceScalar(const TypeDef& def, const json::value& value, const std::string& where) {
    const std::string& n = def.name;
    if (n == "Int") {
        if (auto i = AsInt32(value)) return json::value(*i);
        return Invalid(where + ": Int cannot represent " +
                       (value.is_number() ? "a value outside 32 bits or non-integer: " : "non-integer value: ") +
                       Show(value));
    }
    if (n == "Float") {
        if (auto d = AsDouble(value)) return json::value(*d);
        return Invalid(where + ": Float cannot represent non numeric value: " + Show(value));
    }
    if (n == "String") {
        if (value.is_string()) return value;
        return Invalid(where + ": String cannot represent a non string value: " + Show(value));
    }
    if (n == "Boolean") {
        if (value.is_bool()) return value;
        return Invalid(where + ": Boolean cannot represent a non boolean value: " + Show(value));
    }
    if (n == "ID") {
        if (value.is_string()) return value;
        if (value.is_int64() || value.is_uint64()) return json::value(json::serialize(value));
        return Invalid(where + ": ID cannot represent value: " + Show(value));
    }
    return value;  // custom scalars (JSON) take any value
}

}  // namespace

Result<json::value> CoerceInput(const Schema& schema, const TypeExpr& type, const json::value& value,
                                const std::string& where) {
    if (type.non_null()) {
        if (value.is_null())
            return Invalid(where + ": expected non-nullable type \"" + type.ToString() + "\" not to be null");
        return CoerceInput(schema, type.Inner(), value, where);
    }
    if (value.is_null()) return json::value(nullptr);
    if (type.list()) {
        const TypeExpr item = type.Inner();
        json::array out;
        if (value.is_array()) {
            std::size_t i = 0;
            for (const auto& v : value.as_array()) {
                auto c = CoerceInput(schema, item, v, where + "[" + std::to_string(i++) + "]");
                if (!c) return c;
                out.push_back(std::move(*c));
            }
        } else {
            auto c = CoerceInput(schema, item, value, where);
            if (!c) return c;
            out.push_back(std::move(*c));
        }
        return json::value(std::move(out));
    }
    const TypeDef* def = schema.Find(type.name);
    if (def == nullptr) return Invalid(where + ": unknown type " + type.name);
    switch (def->kind) {
        case TypeKind::kScalar: return CoerceScalar(*def, value, where);
        case TypeKind::kEnum:
            if (value.is_string() && def->HasValue(value.as_string())) return value;
            return Invalid(where + ": Value " + Show(value) + " does not exist in \"" + def->name + "\" enum.");
        case TypeKind::kInputObject: {
            if (!value.is_object()) {
                return Invalid(where + ": Expected type \"" + def->name + "\" to be an object.");
            }
            json::object out;
            for (const auto& [key, v] : value.as_object()) {
                if (def->InputField(key) == nullptr) {
                    return Invalid(where + ": Field \"" + std::string(key) + "\" is not defined by type \"" +
                                   def->name + "\".");
                }
            }
            for (const auto& f : def->input_fields) {
                const auto ft = *TypeExpr::Parse(f.type);
                auto it = value.as_object().find(f.name);
                if (it == value.as_object().end()) {
                    if (f.default_value) {
                        out[f.name] = *f.default_value;
                    } else if (ft.non_null()) {
                        return Invalid(where + ": Field \"" + f.name + "\" of required type \"" + f.type +
                                       "\" was not provided.");
                    }
                    continue;
                }
                auto c = CoerceInput(schema, ft, it->value(), where + "." + f.name);
                if (!c) return c;
                out[f.name] = std::move(*c);
            }
            return json::value(std::move(out));
        }
        default: return Invalid(where + ": \"" + def->name + "\" is not an input type");
    }
}

json::value LiteralToJson(const Value& literal) {
    switch (literal.kind) {
        case Value::Kind::kVariable:
        case Value::Kind::kNull: return nullptr;
        case Value::Kind::kInt: {
            std::int64_t i = 0;
            const auto* end = literal.text.data() + literal.text.size();
            if (std::from_chars(literal.text.data(), end, i).ptr == end) return i;
            return std::strtod(literal.text.c_str(), nullptr);
        }
        case Value::Kind::kFloat: return std::strtod(literal.text.c_str(), nullptr);
        case Value::Kind::kString:
        case Value::Kind::kEnum: return json::value(literal.text);
        case Value::Kind::kBoolean: return literal.text == "true";
        case Value::Kind::kList: {
            json::array out;
            for (const auto& v : literal.list) out.push_back(LiteralToJson(v));
            return out;
        }
        case Value::Kind::kObject: {
            json::object out;
            for (const auto& [k, v] : literal.fields) out[k] = LiteralToJson(v);
            return out;
        }
    }
    return nullptr;
}

std::string PrintValue(const Value& literal) {
    switch (literal.kind) {
        case Value::Kind::kVariable: return "$" + literal.text;
        case Value::Kind::kNull: return "null";
        case Value::Kind::kInt:
        case Value::Kind::kFloat:
        case Value::Kind::kBoolean:
        case Value::Kind::kEnum: return literal.text;
        case Value::Kind::kString: return json::serialize(json::string(literal.text));
        case Value::Kind::kList: {
            std::string out = "[";
            for (const auto& v : literal.list) out += (out.size() > 1 ? ", " : "") + PrintValue(v);
            return out + "]";
        }
        case Value::Kind::kObject: {
            std::string out = "{";
            for (const auto& [k, v] : literal.fields) out += (out.size() > 1 ? ", " : "") + k + ": " + PrintValue(v);
            return out + "}";
        }
    }
    return "null";
}

Result<std::optional<json::value>> CoerceLiteral(const Schema& schema, const TypeExpr& type, const Value& literal,
                                                 const json::object& variables) {
    using R = std::optional<json::value>;
    if (literal.kind == Value::Kind::kVariable) {
        auto it = variables.find(literal.text);
        if (it == variables.end()) {
            if (type.non_null()) {
                return Invalid("Variable \"$" + literal.text + "\" of required type \"" + type.ToString() +
                               "\" was not provided.");
            }
            return R();
        }
        if (type.non_null() && it->value().is_null()) {
            return Invalid("Variable \"$" + literal.text + "\" of non-null type \"" + type.ToString() +
                           "\" must not be null.");
        }
        return R(it->value());
    }
    if (type.non_null()) {
        if (literal.kind == Value::Kind::kNull) {
            return Invalid("Expected value of type \"" + type.ToString() + "\", found null.");
        }
        return CoerceLiteral(schema, type.Inner(), literal, variables);
    }
    if (literal.kind == Value::Kind::kNull) return R(json::value(nullptr));
    if (type.list()) {
        const TypeExpr item = type.Inner();
        json::array out;
        if (literal.kind == Value::Kind::kList) {
            for (const auto& v : literal.list) {
                auto c = CoerceLiteral(schema, item, v, variables);
                if (!c) return c.take_error();
                out.push_back(c->value_or(json::value(nullptr)));
            }
        } else {
            auto c = CoerceLiteral(schema, item, literal, variables);
            if (!c) return c.take_error();
            if (!c->has_value()) return R(json::value(nullptr));
            out.push_back(std::move(**c));
        }
        return R(json::value(std::move(out)));
    }
    const TypeDef* def = schema.Find(type.name);
    if (def == nullptr) return Invalid("Unknown type \"" + type.name + "\".");
    const std::string shown = PrintValue(literal);
    switch (def->kind) {
        case TypeKind::kScalar: {
            const std::string& n = def->name;
            const auto k = literal.kind;
            const bool ok = (n == "Int" && k == Value::Kind::kInt) ||
                            (n == "Float" && (k == Value::Kind::kInt || k == Value::Kind::kFloat)) ||
                            (n == "String" && k == Value::Kind::kString) ||
                            (n == "Boolean" && k == Value::Kind::kBoolean) ||
                            (n == "ID" && (k == Value::Kind::kString || k == Value::Kind::kInt)) || !IsBuiltinScalar(n);
            if (!ok) return Invalid(n + " cannot represent value: " + shown);
            if (n == "ID") return R(json::value(literal.text));
            if (IsBuiltinScalar(n)) {
                auto c = CoerceScalar(*def, LiteralToJson(literal), shown);
                if (!c) return c.take_error();
                return R(std::move(*c));
            }
            // A custom scalar: the literal as JSON, variables inside it substituted.
            if (literal.kind == Value::Kind::kList || literal.kind == Value::Kind::kObject) {
                std::function<json::value(const Value&)> subst = [&](const Value& v) -> json::value {
                    if (v.kind == Value::Kind::kVariable) {
                        auto it = variables.find(v.text);
                        return it == variables.end() ? json::value(nullptr) : it->value();
                    }
                    if (v.kind == Value::Kind::kList) {
                        json::array a;
                        for (const auto& x : v.list) a.push_back(subst(x));
                        return a;
                    }
                    if (v.kind == Value::Kind::kObject) {
                        json::object o;
                        for (const auto& [key, x] : v.fields) o[key] = subst(x);
                        return o;
                    }
                    return LiteralToJson(v);
                };
                return R(subst(literal));
            }
            return R(LiteralToJson(literal));
        }
        case TypeKind::kEnum:
            if (literal.kind == Value::Kind::kEnum && def->HasValue(literal.text)) return R(json::value(literal.text));
            return Invalid("Value \"" + shown + "\" does not exist in \"" + def->name + "\" enum.");
        case TypeKind::kInputObject: {
            if (literal.kind != Value::Kind::kObject) {
                return Invalid("Expected value of type \"" + def->name + "\", found " + shown + ".");
            }
            json::object out;
            for (const auto& [key, v] : literal.fields) {
                if (def->InputField(key) == nullptr) {
                    return Invalid("Field \"" + key + "\" is not defined by type \"" + def->name + "\".");
                }
            }
            for (const auto& f : def->input_fields) {
                const auto ft = *TypeExpr::Parse(f.type);
                const Value* given = nullptr;
                for (const auto& [key, v] : literal.fields) {
                    if (key == f.name) given = &v;
                }
                std::optional<json::value> c;
                if (given != nullptr) {
                    auto r = CoerceLiteral(schema, ft, *given, variables);
                    if (!r) return r.take_error();
                    c = std::move(*r);
                }
                if (!c) {
                    if (f.default_value) {
                        c = *f.default_value;
                    } else if (ft.non_null()) {
                        return Invalid("Field \"" + def->name + "." + f.name + "\" of required type \"" + f.type +
                                       "\" was not provided.");
                    } else {
                        continue;
                    }
                }
                out[f.name] = std::move(*c);
            }
            return R(json::value(std::move(out)));
        }
        default: return Invalid("\"" + def->name + "\" is not an input type");
    }
}

TypeExpr ExprOf(const TypeRef& ref) {
    if (ref.kind == TypeRef::Kind::kNamed || !ref.of) return TypeExpr{{}, ref.name};
    TypeExpr inner = ExprOf(*ref.of);
    inner.wraps.insert(inner.wraps.begin(),
                       ref.kind == TypeRef::Kind::kList ? TypeExpr::Wrap::kList : TypeExpr::Wrap::kNonNull);
    return inner;
}

const TypeDef* RootOf(const Schema& schema, Operation::Kind kind) {
    const std::string& name = kind == Operation::Kind::kQuery      ? schema.query_type
                              : kind == Operation::Kind::kMutation ? schema.mutation_type
                                                                   : schema.subscription_type;
    return name.empty() ? nullptr : schema.Find(name);
}

std::optional<json::value> SerializeLeaf(const TypeDef& type, const json::value& value) {
    if (type.kind == TypeKind::kEnum) {
        if (value.is_string() && type.HasValue(value.as_string())) return value;
        return std::nullopt;
    }
    const std::string& n = type.name;
    if (n == "Int") {
        if (auto i = AsInt32(value)) return json::value(*i);
        if (value.is_bool()) return json::value(value.as_bool() ? 1 : 0);
        return std::nullopt;
    }
    if (n == "Float") {
        if (auto d = AsDouble(value)) return json::value(*d);
        return std::nullopt;
    }
    if (n == "String") {
        if (value.is_string()) return value;
        if (value.is_bool()) return json::value(value.as_bool() ? "true" : "false");
        if (value.is_number()) return json::value(json::serialize(value));
        return std::nullopt;
    }
    if (n == "Boolean") {
        if (value.is_bool()) return value;
        return std::nullopt;
    }
    if (n == "ID") {
        if (value.is_string()) return value;
        if (value.is_int64() || value.is_uint64()) return json::value(json::serialize(value));
        return std::nullopt;
    }
    return value;  // JSON
}

}  // namespace dihya::graphql
