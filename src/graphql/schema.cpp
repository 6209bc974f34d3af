#include "graphql/schema.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <boost/json.hpp>

namespace dihya::graphql {

namespace json = boost::json;

std::optional<TypeExpr> TypeExpr::Parse(std::string_view text) {
    TypeExpr out;
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end) {
        if (text[end - 1] == '!') {
            out.wraps.push_back(Wrap::kNonNull);
            --end;
        } else if (text[begin] == '[' && text[end - 1] == ']') {
            out.wraps.push_back(Wrap::kList);
            ++begin;
            --end;
        } else {
            break;
        }
        // A NonNull directly inside a NonNull is not a type.
        if (out.wraps.size() >= 2 && out.wraps.back() == Wrap::kNonNull &&
            out.wraps[out.wraps.size() - 2] == Wrap::kNonNull) {
            return std::nullopt;
        }
    }
    out.name = std::string(text.substr(begin, end - begin));
    if (out.name.empty()) return std::nullopt;
    for (char c : out.name) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return std::nullopt;
    }
    return out;
}

std::string TypeExpr::ToString() const {
    std::string out = name;
    for (auto it = wraps.rbegin(); it != wraps.rend(); ++it) {
        if (*it == Wrap::kNonNull) {
            out += '!';
        } else {
            out.insert(out.begin(), '[');
            out += ']';
        }
    }
    return out;
}

TypeExpr TypeExpr::Inner() const {
    TypeExpr out = *this;
    if (!out.wraps.empty()) out.wraps.erase(out.wraps.begin());
    return out;
}

const FieldDef* TypeDef::Field(std::string_view field) const {
    for (const auto& f : fields) {
        if (f.name == field) return &f;
    }
    return nullptr;
}

const InputValueDef* TypeDef::InputField(std::string_view field) const {
    for (const auto& f : input_fields) {
        if (f.name == field) return &f;
    }
    return nullptr;
}

bool TypeDef::HasValue(std::string_view value) const {
    return std::any_of(values.begin(), values.end(), [&](const EnumValueDef& v) { return v.name == value; });
}

bool IsInputKind(TypeKind kind) {
    return kind == TypeKind::kScalar || kind == TypeKind::kEnum || kind == TypeKind::kInputObject;
}
bool IsLeafKind(TypeKind kind) {
    return kind == TypeKind::kScalar || kind == TypeKind::kEnum;
}
bool IsCompositeKind(TypeKind kind) {
    return kind == TypeKind::kObject || kind == TypeKind::kInterface || kind == TypeKind::kUnion;
}
bool IsBuiltinScalar(std::string_view name) {
    return name == "Int" || name == "Float" || name == "String" || name == "Boolean" || name == "ID";
}

void Schema::Add(TypeDef type) {
    auto owned = std::make_unique<TypeDef>(std::move(type));
    by_name_[owned->name] = owned.get();
    types_.push_back(std::move(owned));
}

const TypeDef* Schema::Find(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

const FieldDef* Schema::FieldOf(const TypeDef& parent, std::string_view name) const {
    if (name == "__typename" && IsCompositeKind(parent.kind)) return &typename_field_;
    if (parent.name == query_type) {
        if (name == "__schema") return &schema_field_;
        if (name == "__type") return &type_field_;
    }
    return parent.Field(name);
}

const DirectiveDef* Schema::Directive(std::string_view name) const {
    for (const auto& d : directives_) {
        if (d.name == name) return &d;
    }
    return nullptr;
}

bool Schema::IsPossible(const TypeDef& abstract, const TypeDef& object) const {
    if (&abstract == &object) return true;
    if (abstract.kind == TypeKind::kUnion) {
        return std::find(abstract.members.begin(), abstract.members.end(), object.name) != abstract.members.end();
    }
    if (abstract.kind == TypeKind::kInterface) {
        return std::find(object.interfaces.begin(), object.interfaces.end(), abstract.name) != object.interfaces.end();
    }
    return false;
}

std::vector<const TypeDef*> Schema::PossibleTypes(const TypeDef& type) const {
    std::vector<const TypeDef*> out;
    if (type.kind == TypeKind::kObject) {
        out.push_back(&type);
        return out;
    }
    for (const auto& t : types_) {
        if (t->kind == TypeKind::kObject && IsPossible(type, *t)) out.push_back(t.get());
    }
    return out;
}

namespace {

std::string Quote(std::string_view s) {
    // JSON string syntax is a subset of GraphQL's string syntax.
    return json::serialize(json::string(s));
}

}  // namespace

std::string PrintLiteral(const Schema& schema, const TypeExpr& type, const json::value& value) {
    if (value.is_null()) return "null";
    if (type.list() || (type.non_null() && type.Inner().list())) {
        const TypeExpr item = type.Nullable().Inner();
        if (!value.is_array()) return PrintLiteral(schema, item, value);
        std::string out = "[";
        for (const auto& v : value.as_array()) {
            if (out.size() > 1) out += ", ";
            out += PrintLiteral(schema, item, v);
        }
        return out + "]";
    }
    const TypeDef* def = schema.Find(type.name);
    if (def != nullptr && def->kind == TypeKind::kEnum && value.is_string()) return std::string(value.as_string());
    if (def != nullptr && def->kind == TypeKind::kInputObject && value.is_object()) {
        std::string out = "{";
        for (const auto& f : def->input_fields) {
            auto it = value.as_object().find(f.name);
            if (it == value.as_object().end()) continue;
            if (out.size() > 1) out += ", ";
            out += f.name + ": " + PrintLiteral(schema, *TypeExpr::Parse(f.type), it->value());
        }
        return out + "}";
    }
    if (value.is_string()) return Quote(value.as_string());
    return json::serialize(value);
}

// --- introspection --------------------------------------------------------------------------------------------

namespace {

std::string_view KindName(TypeKind kind) {
    switch (kind) {
        case TypeKind::kScalar: return "SCALAR";
        case TypeKind::kObject: return "OBJECT";
        case TypeKind::kInterface: return "INTERFACE";
        case TypeKind::kUnion: return "UNION";
        case TypeKind::kEnum: return "ENUM";
        case TypeKind::kInputObject: return "INPUT_OBJECT";
    }
    return "SCALAR";
}

json::value Nullable(const std::string& s) {
    return s.empty() ? json::value(nullptr) : json::value(s);
}

json::value Deprecation(const std::optional<std::string>& reason) {
    return reason ? json::value(*reason) : json::value(nullptr);
}

json::value MemberOf(const json::value& source, std::string_view name) {
    const auto* v = source.is_object() ? source.as_object().if_contains(name) : nullptr;
    return v != nullptr ? *v : json::value(nullptr);
}

bool IncludeDeprecated(const FieldCall& call) {
    auto it = call.args.find("includeDeprecated");
    return it != call.args.end() && it->value().is_bool() && it->value().as_bool();
}

InputValueDef Arg(std::string name, std::string type, std::string description = {},
                  std::optional<json::value> default_value = std::nullopt) {
    return {std::move(name), std::move(type), std::move(description), std::move(default_value)};
}

FieldDef Plain(std::string name, std::string type, std::string description = {}) {
    return {.name = std::move(name), .type = std::move(type), .description = std::move(description)};
}

}  // namespace

void Schema::AddIntrospection() {
    const Schema* self = this;
    auto input_value = [self](const InputValueDef& v) {
        const auto type = TypeExpr::Parse(v.type);
        return json::object{
            {"name", v.name},
            {"description", Nullable(v.description)},
            {"type", v.type},
            {"defaultValue", v.default_value && type ? json::value(PrintLiteral(*self, *type, *v.default_value))
                                                     : json::value(nullptr)},
            {"isDeprecated", false},
            {"deprecationReason", nullptr}};
    };
    auto input_values = [input_value](const std::vector<InputValueDef>& values) {
        json::array out;
        for (const auto& v : values) out.push_back(input_value(v));
        return out;
    };
    // A __Type's value is its reference as a string ("[Project!]!"); every field is read from it.
    auto type_of = [self](const FieldCall& call) -> std::pair<std::optional<TypeExpr>, const TypeDef*> {
        if (!call.source.is_string()) return {std::nullopt, nullptr};
        auto expr = TypeExpr::Parse(call.source.as_string());
        if (!expr) return {std::nullopt, nullptr};
        return {expr, expr->wraps.empty() ? self->Find(expr->name) : nullptr};
    };
    auto field = [](std::string name, std::string type, Resolver resolve, std::vector<InputValueDef> args = {}) {
        return FieldDef{
            .name = std::move(name), .type = std::move(type), .args = std::move(args), .resolve = std::move(resolve)};
    };
    const InputValueDef include_deprecated = Arg("includeDeprecated", "Boolean", {}, json::value(false));

    TypeDef type_kind{.kind = TypeKind::kEnum,
                      .name = "__TypeKind",
                      .description = "An enum describing what kind of type a given `__Type` is."};
    for (const char* k : {"SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "LIST", "NON_NULL"}) {
        type_kind.values.push_back({k, {}, std::nullopt});
    }
    Add(std::move(type_kind));
    TypeDef locations{.kind = TypeKind::kEnum,
                      .name = "__DirectiveLocation",
                      .description = "A Directive can be adjacent to many parts of the GraphQL language."};
    for (const char* k :
         {"QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
          "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE",
          "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION"}) {
        locations.values.push_back({k, {}, std::nullopt});
    }
    Add(std::move(locations));

    Add({.kind = TypeKind::kObject,
         .name = "__InputValue",
         .description = "Arguments provided to Fields or Directives and the input fields of an InputObject.",
         .fields = {Plain("name", "String!"), Plain("description", "String"), Plain("type", "__Type!"),
                    Plain("defaultValue", "String"), Plain("isDeprecated", "Boolean!"),
                    Plain("deprecationReason", "String")}});
    Add({.kind = TypeKind::kObject,
         .name = "__EnumValue",
         .description = "One possible value for a given Enum.",
         .fields = {Plain("name", "String!"), Plain("description", "String"), Plain("isDeprecated", "Boolean!"),
                    Plain("deprecationReason", "String")}});
    Add({.kind = TypeKind::kObject,
         .name = "__Field",
         .description = "Object and Interface types are described by a list of Fields.",
         .fields = {Plain("name", "String!"), Plain("description", "String"),
                    field("args", "[__InputValue!]!",
                          [](const FieldCall& call) -> Result<json::value> { return MemberOf(call.source, "args"); },
                          {include_deprecated}),
                    Plain("type", "__Type!"), Plain("isDeprecated", "Boolean!"),
                    Plain("deprecationReason", "String")}});
    Add({.kind = TypeKind::kObject,
         .name = "__Directive",
         .description = "A Directive provides a way to describe alternate runtime execution in GraphQL.",
         .fields = {Plain("name", "String!"), Plain("description", "String"), Plain("isRepeatable", "Boolean!"),
                    Plain("locations", "[__DirectiveLocation!]!"),
                    field("args", "[__InputValue!]!",
                          [](const FieldCall& call) -> Result<json::value> { return MemberOf(call.source, "args"); },
                          {include_deprecated})}});

    TypeDef type{.kind = TypeKind::kObject,
                 .name = "__Type",
                 .description = "The fundamental unit of any GraphQL Schema is the type."};
    type.fields.push_back(field("kind", "__TypeKind!", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        if (!expr) return json::value(nullptr);
        if (!expr->wraps.empty()) return json::value(expr->non_null() ? "NON_NULL" : "LIST");
        return def ? json::value(KindName(def->kind)) : json::value(nullptr);
    }));
    type.fields.push_back(field("name", "String", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        return def ? json::value(def->name) : json::value(nullptr);
    }));
    type.fields.push_back(field("description", "String", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        return def ? Nullable(def->description) : json::value(nullptr);
    }));
    type.fields.push_back(field("specifiedByURL", "String", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        return def && def->kind == TypeKind::kScalar ? Nullable(def->specified_by) : json::value(nullptr);
    }));
    type.fields.push_back(field("fields", "[__Field!]",
                                [type_of, input_values](const FieldCall& call) -> Result<json::value> {
                                    auto [expr, def] = type_of(call);
                                    if (def == nullptr ||
                                        (def->kind != TypeKind::kObject && def->kind != TypeKind::kInterface)) {
                                        return json::value(nullptr);
                                    }
                                    json::array out;
                                    for (const auto& f : def->fields) {
                                        if (f.deprecated && !IncludeDeprecated(call)) continue;
                                        out.push_back(json::object{{"name", f.name},
                                                                   {"description", Nullable(f.description)},
                                                                   {"args", input_values(f.args)},
                                                                   {"type", f.type},
                                                                   {"isDeprecated", f.deprecated.has_value()},
                                                                   {"deprecationReason", Deprecation(f.deprecated)}});
                                    }
                                    return json::value(std::move(out));
                                },
                                {include_deprecated}));
    type.fields.push_back(field("interfaces", "[__Type!]", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        if (def == nullptr || (def->kind != TypeKind::kObject && def->kind != TypeKind::kInterface)) {
            return json::value(nullptr);
        }
        json::array out;
        for (const auto& i : def->interfaces) out.push_back(json::value(i));
        return json::value(std::move(out));
    }));
    type.fields.push_back(
        field("possibleTypes", "[__Type!]", [type_of, self](const FieldCall& call) -> Result<json::value> {
            auto [expr, def] = type_of(call);
            if (def == nullptr || (def->kind != TypeKind::kInterface && def->kind != TypeKind::kUnion)) {
                return json::value(nullptr);
            }
            json::array out;
            for (const TypeDef* t : self->PossibleTypes(*def)) out.push_back(json::value(t->name));
            return json::value(std::move(out));
        }));
    type.fields.push_back(field("enumValues", "[__EnumValue!]",
                                [type_of](const FieldCall& call) -> Result<json::value> {
                                    auto [expr, def] = type_of(call);
                                    if (def == nullptr || def->kind != TypeKind::kEnum) return json::value(nullptr);
                                    json::array out;
                                    for (const auto& v : def->values) {
                                        if (v.deprecated && !IncludeDeprecated(call)) continue;
                                        out.push_back(json::object{{"name", v.name},
                                                                   {"description", Nullable(v.description)},
                                                                   {"isDeprecated", v.deprecated.has_value()},
                                                                   {"deprecationReason", Deprecation(v.deprecated)}});
                                    }
                                    return json::value(std::move(out));
                                },
                                {include_deprecated}));
    type.fields.push_back(field("inputFields", "[__InputValue!]",
                                [type_of, input_values](const FieldCall& call) -> Result<json::value> {
                                    auto [expr, def] = type_of(call);
                                    if (def == nullptr || def->kind != TypeKind::kInputObject)
                                        return json::value(nullptr);
                                    return json::value(input_values(def->input_fields));
                                },
                                {include_deprecated}));
    type.fields.push_back(field("ofType", "__Type", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        if (!expr || expr->wraps.empty()) return json::value(nullptr);
        return json::value(expr->Inner().ToString());
    }));
    type.fields.push_back(field("isOneOf", "Boolean", [type_of](const FieldCall& call) -> Result<json::value> {
        auto [expr, def] = type_of(call);
        return def && def->kind == TypeKind::kInputObject ? json::value(false) : json::value(nullptr);
    }));
    Add(std::move(type));

    TypeDef schema_type{.kind = TypeKind::kObject,
                        .name = "__Schema",
                        .description = "A GraphQL Schema defines the capabilities of a GraphQL server."};
    schema_type.fields.push_back(field("description", "String", [self](const FieldCall&) -> Result<json::value> {
        return Nullable(self->description);
    }));
    schema_type.fields.push_back(field("types", "[__Type!]!", [self](const FieldCall&) -> Result<json::value> {
        json::array out;
        for (const auto& t : self->types()) out.push_back(json::value(t->name));
        return json::value(std::move(out));
    }));
    schema_type.fields.push_back(field("queryType", "__Type!", [self](const FieldCall&) -> Result<json::value> {
        return json::value(self->query_type);
    }));
    schema_type.fields.push_back(field("mutationType", "__Type", [self](const FieldCall&) -> Result<json::value> {
        return Nullable(self->mutation_type);
    }));
    schema_type.fields.push_back(field("subscriptionType", "__Type", [self](const FieldCall&) -> Result<json::value> {
        return Nullable(self->subscription_type);
    }));
    schema_type.fields.push_back(
        field("directives", "[__Directive!]!", [self, input_values](const FieldCall&) -> Result<json::value> {
            json::array out;
            for (const auto& d : self->directives()) {
                json::array where;
                for (const auto& l : d.locations) where.push_back(json::value(l));
                out.push_back(json::object{{"name", d.name},
                                           {"description", Nullable(d.description)},
                                           {"isRepeatable", d.repeatable},
                                           {"locations", std::move(where)},
                                           {"args", input_values(d.args)}});
            }
            return json::value(std::move(out));
        }));
    Add(std::move(schema_type));
}

Result<void> Schema::Finish() {
    const std::pair<const char*, const char*> scalars[] = {
        {"Int",
         "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent "
         "values between -(2^31) and 2^31 - 1."},
        {"Float",
         "The `Float` scalar type represents signed double-precision fractional values as specified by "
         "[IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point)."},
        {"String", "The `String` scalar type represents textual data, represented as UTF-8 character sequences."},
        {"Boolean", "The `Boolean` scalar type represents `true` or `false`."},
        {"ID",
         "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for "
         "a cache."}};
    for (const auto& [name, text] : scalars) {
        if (Find(name) == nullptr) Add({.kind = TypeKind::kScalar, .name = name, .description = text});
    }
    directives_.push_back({"include",
                           "Directs the executor to include this field or fragment only when the `if` argument is "
                           "true.",
                           {"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"},
                           {{"if", "Boolean!", "Included when true.", std::nullopt}}});
    directives_.push_back({"skip",
                           "Directs the executor to skip this field or fragment when the `if` argument is true.",
                           {"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"},
                           {{"if", "Boolean!", "Skipped when true.", std::nullopt}}});
    directives_.push_back(
        {"deprecated",
         "Marks an element of a GraphQL schema as no longer supported.",
         {"FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"},
         {{"reason", "String", "Explains why this element was deprecated.", json::value("No longer supported")}}});
    directives_.push_back({"specifiedBy",
                           "Exposes a URL that specifies the behavior of this scalar.",
                           {"SCALAR"},
                           {{"url", "String!", "The URL that specifies the behavior of this scalar.", std::nullopt}}});
    AddIntrospection();
    typename_field_ = {
        .name = "__typename", .type = "String!", .description = "The name of the current Object type at runtime."};
    schema_field_ = {.name = "__schema",
                     .type = "__Schema!",
                     .description = "Access the current type schema of this server.",
                     .resolve = [](const FieldCall&) -> Result<json::value> { return json::value(json::object()); }};
    type_field_ = {.name = "__type",
                   .type = "__Type",
                   .description = "Request the type information of a single type.",
                   .args = {{"name", "String!", {}, std::nullopt}},
                   .resolve = [this](const FieldCall& call) -> Result<json::value> {
                       const auto* name = call.args.if_contains("name");
                       if (name != nullptr && name->is_string() && Find(name->as_string()) != nullptr) return *name;
                       return json::value(nullptr);
                   }};

    auto prepare = [](FieldDef& f) {
        if (auto parsed = TypeExpr::Parse(f.type)) f.parsed_type = *parsed;
        f.snake_name.clear();
        for (char c : f.name) {
            if (c >= 'A' && c <= 'Z') {
                f.snake_name += '_';
                f.snake_name += static_cast<char>(c - 'A' + 'a');
            } else {
                f.snake_name += c;
            }
        }
    };
    for (auto& t : types_) {
        for (auto& f : t->fields) prepare(f);
    }
    for (FieldDef* f : {&typename_field_, &schema_field_, &type_field_}) prepare(*f);

    // Every reference names a type of the right kind.
    auto check = [this](const std::string& where, const std::string& text, bool input) -> Result<void> {
        auto expr = TypeExpr::Parse(text);
        const TypeDef* def = expr ? Find(expr->name) : nullptr;
        if (def == nullptr) return MakeError(ErrorCode::kInvalidArgument, where + ": unknown type " + text);
        if (input ? !IsInputKind(def->kind) : def->kind == TypeKind::kInputObject) {
            return MakeError(ErrorCode::kInvalidArgument,
                             where + ": " + text + " is not an " + (input ? "input" : "output") + " type");
        }
        return {};
    };
    for (const auto& t : types_) {
        for (const auto& f : t->fields) {
            if (auto ok = check(t->name + "." + f.name, f.type, false); !ok) return ok;
            for (const auto& a : f.args) {
                if (auto ok = check(t->name + "." + f.name + "(" + a.name + ")", a.type, true); !ok) return ok;
            }
        }
        for (const auto& f : t->input_fields) {
            if (auto ok = check(t->name + "." + f.name, f.type, true); !ok) return ok;
        }
        for (const auto& i : t->interfaces) {
            const TypeDef* def = Find(i);
            if (def == nullptr || def->kind != TypeKind::kInterface) {
                return MakeError(ErrorCode::kInvalidArgument, t->name + ": " + i + " is not an interface");
            }
        }
        for (const auto& m : t->members) {
            const TypeDef* def = Find(m);
            if (def == nullptr || def->kind != TypeKind::kObject) {
                return MakeError(ErrorCode::kInvalidArgument, t->name + ": " + m + " is not an object type");
            }
        }
    }
    for (const std::string* root : {&query_type, &mutation_type, &subscription_type}) {
        if (root->empty()) continue;
        const TypeDef* def = Find(*root);
        if (def == nullptr || def->kind != TypeKind::kObject) {
            return MakeError(ErrorCode::kInvalidArgument, "root type " + *root + " is not an object type");
        }
    }
    return {};
}

}  // namespace dihya::graphql
