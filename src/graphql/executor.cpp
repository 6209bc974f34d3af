#include "graphql/executor.hpp"

#include <map>
#include <set>
#include <utility>

#include <boost/json.hpp>

#include "core/problem.hpp"
#include "graphql/validate.hpp"
#include "graphql/values.hpp"

namespace dihya::graphql {

namespace json = boost::json;

json::object ToJson(const GraphqlError& error) {
    json::object out;
    out["message"] = error.message;
    if (!error.locations.empty()) {
        json::array locations;
        for (const auto& l : error.locations) locations.push_back(json::object{{"line", l.line}, {"column", l.column}});
        out["locations"] = std::move(locations);
    }
    if (!error.path.empty()) out["path"] = error.path;
    if (!error.extensions.empty()) out["extensions"] = error.extensions;
    return out;
}

GraphqlError FromError(const Error& error) {
    const ProblemKind kind = ProblemKindOf(error.code);
    GraphqlError out;
    out.message = error.message.empty() ? std::string(kind.title) : error.message;
    out.extensions["type"] = "/docs/problems#" + std::string(kind.slug);
    out.extensions["status"] = kind.status;
    out.extensions["title"] = kind.title;
    if (!error.details.empty()) {
        json::array fields;
        for (const auto& [field, reason] : error.details)
            fields.push_back(json::object{{"field", field}, {"reason", reason}});
        out.extensions["errors"] = std::move(fields);
    }
    if (error.retry_after > 0) out.extensions["retryAfter"] = error.retry_after;
    return out;
}

namespace {

GraphqlError RequestError(std::string message, std::vector<Location> locations = {}) {
    GraphqlError e;
    e.message = std::move(message);
    e.locations = std::move(locations);
    return e;
}

/// Response key → the field selections merged under it, in document order (§6.3.2 CollectFields).
using Grouped = std::vector<std::pair<std::string, std::vector<const Selection*>>>;

class Execution final {
public:
    Execution(const Schema& schema, const Prepared& prepared, const std::any& context)
        : schema_(schema), prepared_(prepared), context_(context) {
        for (const auto& f : prepared.document->fragments) fragments_[f.name] = &f;
    }

    /// The root selection set of the operation on `root` (the root type); `event` as the root field's value for a
    /// subscription's event.
    json::object Run(const TypeDef& root, const json::value* event) {
        event_ = event;
        serial_ = prepared_.operation->kind == Operation::Kind::kMutation;
        json::array path;
        const json::value source(nullptr);
        auto data = SelectionSet(root, prepared_.operation->selections, source, path);
        json::object out;
        out["data"] = data ? json::value(std::move(*data)) : json::value(nullptr);
        if (!errors_.empty()) {
            json::array list;
            for (const auto& e : errors_) list.push_back(ToJson(e));
            out["errors"] = std::move(list);
        }
        return out;
    }

    Grouped Collect(const TypeDef& type, const SelectionSet& selections) {
        Grouped out;
        std::set<std::string> visited;
        Collect(type, selections, out, visited);
        return out;
    }

    Result<json::object> Arguments(const FieldDef& def, const Selection& field) {
        json::object out;
        for (const auto& a : def.args) {
            const auto type = *TypeExpr::Parse(a.type);
            const Value* given = nullptr;
            for (const auto& arg : field.arguments) {
                if (arg.name == a.name) given = &arg.value;
            }
            std::optional<json::value> value;
            if (given != nullptr) {
                auto c = CoerceLiteral(schema_, type, *given, prepared_.variables);
                if (!c) {
                    Error e = c.take_error();
                    e.message = "Argument \"" + a.name + "\": " + e.message;
                    return e;
                }
                value = std::move(*c);
            }
            if (!value) {
                if (a.default_value) {
                    value = *a.default_value;
                } else if (type.non_null()) {
                    return MakeError(ErrorCode::kInvalidArgument, "Argument \"" + a.name + "\" of required type \"" +
                                                                      a.type + "\" was not provided.");
                } else {
                    continue;
                }
            }
            out[a.name] = std::move(*value);
        }
        return out;
    }

    std::vector<GraphqlError>& errors() { return errors_; }

private:
    bool Included(const std::vector<Directive>& directives) {
        for (const auto& d : directives) {
            if (d.name != "skip" && d.name != "include") continue;
            for (const auto& a : d.arguments) {
                if (a.name != "if") continue;
                auto v = CoerceLiteral(schema_, *TypeExpr::Parse("Boolean!"), a.value, prepared_.variables);
                const bool on = v && v->has_value() && (*v)->is_bool() && (*v)->as_bool();
                if (d.name == "skip" && on) return false;
                if (d.name == "include" && !on) return false;
            }
        }
        return true;
    }

    bool Applies(const TypeDef& object, const std::string& condition) {
        if (condition.empty()) return true;
        const TypeDef* def = schema_.Find(condition);
        return def != nullptr && schema_.IsPossible(*def, object);
    }

    void Collect(const TypeDef& type, const SelectionSet& selections, Grouped& out, std::set<std::string>& visited) {
        for (const auto& s : selections) {
            if (!Included(s.directives)) continue;
            switch (s.kind) {
                case Selection::Kind::kField: {
                    const std::string& key = s.response_key();
                    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == key; });
                    if (it == out.end()) {
                        out.emplace_back(key, std::vector<const Selection*>{&s});
                    } else {
                        it->second.push_back(&s);
                    }
                    break;
                }
                case Selection::Kind::kFragmentSpread: {
                    if (!visited.insert(s.name).second) break;
                    auto f = fragments_.find(s.name);
                    if (f == fragments_.end() || !Applies(type, f->second->type_condition)) break;
                    Collect(type, f->second->selections, out, visited);
                    break;
                }
                case Selection::Kind::kInlineFragment:
                    if (Applies(type, s.type_condition)) Collect(type, s.selections, out, visited);
                    break;
            }
        }
    }

    void Fail(std::string message, const Selection& at, const json::array& path, json::object extensions = {}) {
        GraphqlError e;
        e.message = std::move(message);
        e.locations.push_back(at.loc);
        e.path = path;
        e.extensions = std::move(extensions);
        errors_.push_back(std::move(e));
    }

    /// nullopt: a non-null field failed, the object is null (§6.4.4).
    std::optional<json::object> SelectionSet(const TypeDef& type, const graphql::SelectionSet& selections,
                                             const json::value& source, json::array& path) {
        return Fields(type, Collect(type, selections), source, path);
    }

    std::optional<json::object> Fields(const TypeDef& type, const Grouped& grouped, const json::value& source,
                                       json::array& path) {
        json::object out;
        bool failed = false;
        for (const auto& [key, fields] : grouped) {
            const Selection& first = *fields.front();
            const FieldDef* def = schema_.FieldOf(type, first.name);
            if (def == nullptr) continue;  // validation forbids it
            path.emplace_back(json::string(key));
            auto value = Field(type, *def, fields, source, path);
            path.pop_back();
            if (!value) {
                failed = true;
                if (serial_ && path.empty()) break;  // a mutation that failed stops the ones after it (§6.3.1)
                continue;                            // keep going: later fields' errors are reported too
            }
            out[key] = std::move(*value);
        }
        if (failed) return std::nullopt;
        return out;
    }

    std::optional<json::value> Field(const TypeDef& parent, const FieldDef& def,
                                     const std::vector<const Selection*>& fields, const json::value& source,
                                     json::array& path) {
        const Selection& first = *fields.front();
        const TypeExpr& type = def.parsed_type;
        auto nullable = [&](std::optional<json::value> v) -> std::optional<json::value> {
            if (!v && !type.non_null()) return json::value(nullptr);
            return v;
        };
        if (def.name == "__typename") return json::value(parent.name);
        json::value resolved;
        if (event_ != nullptr && path.size() == 1) {
            resolved = *event_;  // a subscription's event is the root field's value
        } else {
            auto args = Arguments(def, first);
            if (!args) {
                errors_.push_back(FromError(args.error()));
                errors_.back().locations.push_back(first.loc);
                errors_.back().path = path;
                return nullable(std::nullopt);
            }
            if (def.resolve) {
                auto r = def.resolve(FieldCall{source, *args, context_});
                if (!r) {
                    GraphqlError e = FromError(r.error());
                    e.locations.push_back(first.loc);
                    e.path = path;
                    errors_.push_back(std::move(e));
                    return nullable(std::nullopt);
                }
                resolved = std::move(*r);
            } else {
                resolved = Member(source, def);
            }
        }
        return nullable(Complete(type, fields, resolved, path));
    }

    /// The parent's member that answers a field without a resolver: by its name, else its snake_case name.
    static json::value Member(const json::value& source, const FieldDef& def) {
        if (!source.is_object()) return nullptr;
        const auto& obj = source.as_object();
        if (const auto* v = obj.if_contains(def.name)) return *v;
        if (const auto* v = obj.if_contains(def.snake_name)) return *v;
        return nullptr;
    }

    /// §6.4.3 CompleteValue; nullopt: an error to propagate to the nearest nullable place.
    std::optional<json::value> Complete(const TypeExpr& type, const std::vector<const Selection*>& fields,
                                        const json::value& value, json::array& path) {
        const Selection& first = *fields.front();
        if (type.non_null()) {
            auto inner = Complete(type.Inner(), fields, value, path);
            if (!inner) return std::nullopt;
            if (inner->is_null()) {
                Fail("Cannot return null for non-nullable field.", first, path);
                return std::nullopt;
            }
            return inner;
        }
        if (value.is_null()) return json::value(nullptr);
        if (type.list()) {
            if (!value.is_array()) {
                Fail("Expected a list for a list field.", first, path);
                return std::nullopt;
            }
            const TypeExpr item = type.Inner();
            json::array out;
            std::size_t i = 0;
            for (const auto& v : value.as_array()) {
                path.emplace_back(static_cast<std::int64_t>(i++));
                auto c = Complete(item, fields, v, path);
                path.pop_back();
                if (!c) {
                    if (item.non_null()) return std::nullopt;
                    c = json::value(nullptr);
                }
                out.push_back(std::move(*c));
            }
            return json::value(std::move(out));
        }
        const TypeDef* def = schema_.Find(type.name);
        if (def == nullptr) return std::nullopt;
        if (IsLeafKind(def->kind)) {
            auto leaf = SerializeLeaf(*def, value);
            if (!leaf) {
                Fail(def->name + " cannot represent value: " + json::serialize(value), first, path);
                return std::nullopt;
            }
            return leaf;
        }
        const TypeDef* object = def;
        if (def->kind != TypeKind::kObject) {
            // Abstract: the value names its type.
            const auto* tn = value.is_object() ? value.as_object().if_contains("__typename") : nullptr;
            object = tn != nullptr && tn->is_string() ? schema_.Find(tn->as_string()) : nullptr;
            if (object == nullptr || !schema_.IsPossible(*def, *object)) {
                Fail("Abstract type \"" + def->name + "\" must resolve to an Object type at runtime.", first, path);
                return std::nullopt;
            }
        }
        // Merge the sub-selections of every field under this key (§6.4.3 MergeSelectionSets); one field's are
        // collected once per type, however many list items or aliases reach them.
        if (fields.size() == 1) {
            auto key = std::make_pair(object, &fields.front()->selections);
            auto it = collected_.find(key);
            if (it == collected_.end())
                it = collected_.emplace(key, Collect(*object, fields.front()->selections)).first;
            auto obj = Fields(*object, it->second, value, path);
            if (!obj) return std::nullopt;
            return json::value(std::move(*obj));
        }
        Grouped grouped;
        for (const Selection* f : fields) {
            for (auto& entry : Collect(*object, f->selections)) {
                const std::string& key = entry.first;
                auto it = std::find_if(grouped.begin(), grouped.end(), [&](const auto& g) { return g.first == key; });
                if (it == grouped.end()) {
                    grouped.emplace_back(key, std::move(entry.second));
                } else {
                    it->second.insert(it->second.end(), entry.second.begin(), entry.second.end());
                }
            }
        }
        auto obj = Fields(*object, grouped, value, path);
        if (!obj) return std::nullopt;
        return json::value(std::move(*obj));
    }

    const Schema& schema_;
    const Prepared& prepared_;
    const std::any& context_;
    const json::value* event_ = nullptr;
    bool serial_ = false;  // a mutation: root fields one after the other, stopping at a failure
    std::map<std::string, const Fragment*> fragments_;
    std::map<std::pair<const TypeDef*, const graphql::SelectionSet*>, Grouped> collected_;
    std::vector<GraphqlError> errors_;
};

}  // namespace

Prepared Prepare(const Schema& schema, const Limits& limits, const RequestParams& params) {
    Prepared out;
    auto parsed = Parse(params.query, limits.parse);
    if (auto* error = std::get_if<SyntaxError>(&parsed)) {
        out.errors.push_back(RequestError(error->message, {error->loc}));
        out.stage = "syntax";
        return out;
    }
    out.document = std::make_shared<const Document>(std::move(std::get<Document>(parsed)));
    out.errors = Validate(schema, *out.document, limits);
    if (!out.errors.empty()) {
        out.stage = "validation";
        return out;
    }
    // §6.1 GetOperation.
    const auto& ops = out.document->operations;
    if (params.operation_name.empty()) {
        if (ops.size() != 1) {
            out.errors.push_back(RequestError("Must provide operation name if query contains multiple operations."));
            out.stage = "validation";
            return out;
        }
        out.operation = &ops.front();
    } else {
        for (const auto& op : ops) {
            if (op.name == params.operation_name) out.operation = &op;
        }
        if (out.operation == nullptr) {
            out.errors.push_back(RequestError("Unknown operation named \"" + params.operation_name + "\"."));
            out.stage = "validation";
            return out;
        }
    }
    // §6.1.2 CoerceVariableValues.
    if (!params.variables.is_null() && !params.variables.is_object()) {
        out.errors.push_back(RequestError("Variables must be provided as an object."));
        out.stage = "variables";
        return out;
    }
    static const json::object kNone;
    const json::object& given = params.variables.is_object() ? params.variables.as_object() : kNone;
    for (const auto& v : out.operation->variables) {
        const TypeExpr type = ExprOf(v.type);
        auto it = given.find(v.name);
        if (it == given.end()) {
            if (v.default_value) {
                auto c = CoerceLiteral(schema, type, *v.default_value, {});
                if (c && c->has_value()) out.variables[v.name] = std::move(**c);
            } else if (type.non_null()) {
                out.errors.push_back(RequestError(
                    "Variable \"$" + v.name + "\" of required type \"" + type.ToString() + "\" was not provided.",
                    {v.loc}));
            }
            continue;
        }
        auto c = CoerceInput(schema, type, it->value(), "$" + v.name);
        if (!c) {
            out.errors.push_back(
                RequestError("Variable \"$" + v.name + "\" got invalid value; " + c.error().message, {v.loc}));
            continue;
        }
        out.variables[v.name] = std::move(*c);
    }
    if (!out.errors.empty()) out.stage = "variables";
    return out;
}

json::object Execute(const Schema& schema, const Prepared& prepared, const std::any& context) {
    const TypeDef* root = RootOf(schema, prepared.operation->kind);
    if (root == nullptr || prepared.operation->kind == Operation::Kind::kSubscription) {
        return json::object{{"errors", json::array{ToJson(RequestError(
                                           prepared.operation->kind == Operation::Kind::kSubscription
                                               ? "Subscriptions are served over WebSocket (graphql-transport-ws)."
                                               : "Schema is not configured for mutations.",
                                           {prepared.operation->loc}))}}};
    }
    Execution run(schema, prepared, context);
    return run.Run(*root, nullptr);
}

Result<SourceStream> Subscribe(const Schema& schema, const Prepared& prepared, const std::any& context,
                               std::vector<GraphqlError>& errors) {
    const TypeDef* root = RootOf(schema, Operation::Kind::kSubscription);
    if (root == nullptr || prepared.operation->kind != Operation::Kind::kSubscription) {
        return MakeError(ErrorCode::kInvalidArgument, "not a subscription");
    }
    Execution run(schema, prepared, context);
    const Grouped grouped = run.Collect(*root, prepared.operation->selections);
    if (grouped.size() != 1) return MakeError(ErrorCode::kInvalidArgument, "a subscription selects one field");
    const Selection& field = *grouped.front().second.front();
    const FieldDef* def = schema.FieldOf(*root, field.name);
    if (def == nullptr || !def->subscribe) {
        return MakeError(ErrorCode::kInvalidArgument, "\"" + field.name + "\" is not a subscription field");
    }
    auto args = run.Arguments(*def, field);
    if (!args) {
        GraphqlError e = FromError(args.error());
        e.locations.push_back(field.loc);
        errors.push_back(std::move(e));
        return args.take_error();
    }
    const json::value none(nullptr);
    auto stream = def->subscribe(FieldCall{none, *args, context});
    if (!stream) {
        GraphqlError e = FromError(stream.error());
        e.locations.push_back(field.loc);
        e.path.emplace_back(json::string(grouped.front().first));
        errors.push_back(std::move(e));
    }
    return stream;
}

json::object ExecuteEvent(const Schema& schema, const Prepared& prepared, const std::any& context,
                          const json::value& event) {
    Execution run(schema, prepared, context);
    return run.Run(*schema.Find(schema.subscription_type), &event);
}

}  // namespace dihya::graphql
