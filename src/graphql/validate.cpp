// Validation (GraphQL spec §5): the rules graphql-js runs by default (specifiedRules), with its messages where
// practical, and this server's limits (depth, cost, number of fields).

#include "graphql/validate.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "graphql/values.hpp"

namespace dihya::graphql {

namespace json = boost::json;

namespace {

std::string Q(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

/// §5.8.5 IsVariableUsageAllowed's AreTypesCompatible: may a variable of `var` be used where `loc` is expected.
bool Compatible(const TypeExpr& var, const TypeExpr& loc) {
    if (loc.non_null()) return var.non_null() && Compatible(var.Inner(), loc.Inner());
    if (var.non_null()) return Compatible(var.Inner(), loc);
    if (loc.list()) return var.list() && Compatible(var.Inner(), loc.Inner());
    if (var.list()) return false;
    return var.name == loc.name;
}

/// Two output types that can be merged in one response key (§5.3.2 SameResponseShape, on the types).
bool SameShape(const Schema& schema, const TypeExpr& a, const TypeExpr& b) {
    if (a.non_null() || b.non_null()) return a.non_null() && b.non_null() && SameShape(schema, a.Inner(), b.Inner());
    if (a.list() || b.list()) return a.list() && b.list() && SameShape(schema, a.Inner(), b.Inner());
    const TypeDef* da = schema.Find(a.name);
    const TypeDef* db = schema.Find(b.name);
    if (da == nullptr || db == nullptr) return true;
    if (IsLeafKind(da->kind) || IsLeafKind(db->kind)) return da == db;
    return true;
}

bool SameArguments(const std::vector<Argument>& a, const std::vector<Argument>& b) {
    if (a.size() != b.size()) return false;
    for (const auto& x : a) {
        auto it = std::find_if(b.begin(), b.end(), [&](const Argument& y) { return y.name == x.name; });
        if (it == b.end() || PrintValue(it->value) != PrintValue(x.value)) return false;
    }
    return true;
}

struct VariableUse {
    std::string name;
    TypeExpr type;
    bool has_default = false;  // the place (argument or input field) has a default value
    Location loc;
};

class Validator final {
public:
    Validator(const Schema& schema, const Document& doc, const Limits& limits)
        : schema_(schema), doc_(doc), limits_(limits) {
        for (const auto& f : doc.fragments) fragments_.emplace(f.name, &f);
    }

    std::vector<GraphqlError> Run() {
        Fragments();  // first: operations check the variables their fragments use
        Operations();
        if (!errors_.empty()) return std::move(errors_);
        for (const auto& op : doc_.operations) CheckLimits(op);
        return std::move(errors_);
    }

private:
    void Report(std::string message, std::vector<Location> locations) {
        if (aborted_) return;
        if (errors_.size() + 1 >= kMaxValidationErrors) {
            aborted_ = true;
            message = "Too many validation errors, error limit reached. Validation aborted.";
            locations.clear();
        }
        GraphqlError e;
        e.message = std::move(message);
        e.locations = std::move(locations);
        errors_.push_back(std::move(e));
    }

    // --- documents, operations, fragments -------------------------------------------------------------------

    void Operations() {
        std::map<std::string, Location> names;
        for (const auto& op : doc_.operations) {
            if (op.name.empty() && doc_.operations.size() > 1) {
                Report("This anonymous operation must be the only defined operation.", {op.loc});
            }
            if (!op.name.empty()) {
                auto [it, added] = names.emplace(op.name, op.loc);
                if (!added) Report("There can be only one operation named " + Q(op.name) + ".", {it->second, op.loc});
            }
            const char* kind = op.kind == Operation::Kind::kQuery      ? "query"
                               : op.kind == Operation::Kind::kMutation ? "mutation"
                                                                       : "subscription";
            const TypeDef* root = RootOf(schema_, op.kind);
            if (root == nullptr) {
                Report(std::string("Schema is not configured to execute ") + kind + " operation.", {op.loc});
                continue;
            }
            Variables(op);
            uses_.clear();
            Directives(op.directives, op.kind == Operation::Kind::kQuery      ? "QUERY"
                                      : op.kind == Operation::Kind::kMutation ? "MUTATION"
                                                                              : "SUBSCRIPTION");
            Selections(*root, op.selections);
            Overlaps(*root, op.selections);
            if (op.kind == Operation::Kind::kSubscription) SingleField(op);
            // Variables of the operation and of every fragment it reaches (§5.8.3, §5.8.4, §5.8.5).
            std::set<std::string> reached;
            Reach(op.selections, reached);
            std::vector<VariableUse> uses = uses_;
            for (const auto& name : reached) {
                auto it = fragment_uses_.find(name);
                if (it != fragment_uses_.end()) uses.insert(uses.end(), it->second.begin(), it->second.end());
            }
            std::set<std::string> used;
            for (const auto& use : uses) {
                if (aborted_) return;
                const bool first_use = used.insert(use.name).second;
                auto def = std::find_if(op.variables.begin(), op.variables.end(),
                                        [&](const VariableDefinition& v) { return v.name == use.name; });
                if (def == op.variables.end()) {
                    if (!first_use) continue;  // once per operation
                    Report(op.name.empty()
                               ? "Variable \"$" + use.name + "\" is not defined."
                               : "Variable \"$" + use.name + "\" is not defined by operation " + Q(op.name) + ".",
                           {use.loc, op.loc});
                    continue;
                }
                TypeExpr var = ExprOf(def->type);
                if (!schema_.Find(var.name) || use.type.name.empty()) continue;
                if (!var.non_null() && use.type.non_null()) {
                    const bool has_default = def->default_value && def->default_value->kind != Value::Kind::kNull;
                    if (has_default || use.has_default) {
                        if (!Compatible(var, use.type.Inner())) {
                            Report("Variable \"$" + use.name + "\" of type " + Q(var.ToString()) +
                                       " used in position expecting type " + Q(use.type.ToString()) + ".",
                                   {def->loc, use.loc});
                        }
                        continue;
                    }
                }
                if (!Compatible(var, use.type)) {
                    Report("Variable \"$" + use.name + "\" of type " + Q(var.ToString()) +
                               " used in position expecting type " + Q(use.type.ToString()) + ".",
                           {def->loc, use.loc});
                }
            }
            for (const auto& v : op.variables) {
                if (!used.count(v.name)) {
                    Report(op.name.empty()
                               ? "Variable \"$" + v.name + "\" is never used."
                               : "Variable \"$" + v.name + "\" is never used in operation " + Q(op.name) + ".",
                           {v.loc});
                }
            }
        }
    }

    void Variables(const Operation& op) {
        std::map<std::string, Location> seen;
        for (const auto& v : op.variables) {
            auto [it, added] = seen.emplace(v.name, v.loc);
            if (!added) Report("There can be only one variable named \"$" + v.name + "\".", {it->second, v.loc});
            const TypeExpr type = ExprOf(v.type);
            const TypeDef* def = schema_.Find(type.name);
            if (def == nullptr) {
                Report("Unknown type " + Q(type.name) + ".", {v.type.loc});
                continue;
            }
            if (!IsInputKind(def->kind)) {
                Report("Variable \"$" + v.name + "\" cannot be non-input type " + Q(type.ToString()) + ".",
                       {v.type.loc});
                continue;
            }
            if (v.default_value) {
                UniqueInputFields(*v.default_value);
                Literal(type, *v.default_value, false);
            }
            Directives(v.directives, "VARIABLE_DEFINITION");
        }
    }

    /// The root fields an operation selects, through its fragments, leaving out those a literal @skip/@include
    /// leaves out.
    std::vector<const Selection*> RootFields(const Operation& op) const {
        std::vector<const Selection*> fields;
        std::set<std::string> seen;
        std::function<void(const SelectionSet&)> walk = [&](const SelectionSet& set) {
            for (const auto& s : set) {
                if (Skipped(s.directives)) continue;
                if (s.kind == Selection::Kind::kField) {
                    fields.push_back(&s);
                } else if (s.kind == Selection::Kind::kInlineFragment) {
                    walk(s.selections);
                } else if (auto f = fragments_.find(s.name); f != fragments_.end() && seen.insert(s.name).second) {
                    walk(f->second->selections);
                }
            }
        };
        walk(op.selections);
        return fields;
    }

    static std::set<std::string> ResponseKeys(const std::vector<const Selection*>& fields) {
        std::set<std::string> keys;
        for (const Selection* f : fields) keys.insert(f->response_key());
        return keys;
    }

    void SingleField(const Operation& op) {
        const auto fields = RootFields(op);
        const std::string who = op.name.empty() ? "Anonymous Subscription" : "Subscription " + Q(op.name);
        if (ResponseKeys(fields).size() > 1) Report(who + " must select only one top level field.", {op.loc});
        for (const Selection* f : fields) {
            if (f->name.rfind("__", 0) == 0) {
                Report(who + " must not select an introspection top level field.", {f->loc});
            }
        }
    }

    /// Left out whatever the variables: @skip(if: true) or @include(if: false) with a literal.
    static bool Skipped(const std::vector<Directive>& directives) {
        for (const auto& d : directives) {
            for (const auto& a : d.arguments) {
                if (a.name != "if" || a.value.kind != Value::Kind::kBoolean) continue;
                if ((d.name == "skip" && a.value.text == "true") || (d.name == "include" && a.value.text == "false")) {
                    return true;
                }
            }
        }
        return false;
    }

    void Fragments() {
        std::map<std::string, Location> names;
        for (const auto& f : doc_.fragments) {
            auto [it, added] = names.emplace(f.name, f.loc);
            if (!added) Report("There can be only one fragment named " + Q(f.name) + ".", {it->second, f.loc});
        }
        std::set<std::string> used;
        for (const auto& op : doc_.operations) Reach(op.selections, used);
        for (const auto& f : doc_.fragments) {
            if (!used.count(f.name)) Report("Fragment " + Q(f.name) + " is never used.", {f.loc});
            const TypeDef* on = schema_.Find(f.type_condition);
            if (on == nullptr) {
                Report("Unknown type " + Q(f.type_condition) + ".", {f.loc});
                continue;
            }
            if (!IsCompositeKind(on->kind)) {
                Report("Fragment " + Q(f.name) + " cannot condition on non composite type " + Q(f.type_condition) + ".",
                       {f.loc});
                continue;
            }
            Directives(f.directives, "FRAGMENT_DEFINITION");
            uses_.clear();
            Selections(*on, f.selections);
            fragment_uses_[f.name] = uses_;
            if (!cycle_checked_.count(f.name)) Cycles(f);
        }
        for (const auto& f : doc_.fragments) {
            const TypeDef* on = schema_.Find(f.type_condition);
            if (on != nullptr && IsCompositeKind(on->kind)) Overlaps(*on, f.selections);
        }
    }

    /// The fragments `set` spreads, directly or through others.
    void Reach(const SelectionSet& set, std::set<std::string>& out) {
        for (const auto& s : set) {
            if (s.kind == Selection::Kind::kFragmentSpread) {
                if (!out.insert(s.name).second) continue;
                if (auto f = fragments_.find(s.name); f != fragments_.end()) Reach(f->second->selections, out);
            } else {
                Reach(s.selections, out);
            }
        }
    }

    /// §5.5.2.2 NoFragmentCycles (as graphql-js: a depth-first walk reporting each cycle once).
    void Cycles(const Fragment& start) {
        std::vector<const Selection*> path;
        std::map<std::string, std::size_t> index;
        std::function<void(const Fragment&)> visit = [&](const Fragment& f) {
            if (cycle_checked_.count(f.name)) return;
            cycle_checked_.insert(f.name);
            std::vector<const Selection*> spreads;
            std::function<void(const SelectionSet&)> collect = [&](const SelectionSet& set) {
                for (const auto& s : set) {
                    if (s.kind == Selection::Kind::kFragmentSpread) {
                        spreads.push_back(&s);
                    } else {
                        collect(s.selections);
                    }
                }
            };
            collect(f.selections);
            index[f.name] = path.size();
            for (const Selection* spread : spreads) {
                auto at = index.find(spread->name);
                path.push_back(spread);
                if (at == index.end()) {
                    if (auto next = fragments_.find(spread->name); next != fragments_.end()) visit(*next->second);
                } else {
                    std::string via;
                    std::vector<Location> locations;
                    for (std::size_t i = at->second; i < path.size(); ++i) {
                        locations.push_back(path[i]->loc);
                        if (i + 1 < path.size()) via += (via.empty() ? "" : ", ") + Q(path[i]->name);
                    }
                    Report("Cannot spread fragment " + Q(spread->name) + " within itself" +
                               (via.empty() ? std::string(".") : " via " + via + "."),
                           locations);
                }
                path.pop_back();
            }
            index.erase(f.name);
        };
        visit(start);
    }

    // --- selections --------------------------------------------------------------------------------------------

    void Selections(const TypeDef& parent, const SelectionSet& set) {
        for (const auto& s : set) {
            if (aborted_) return;
            switch (s.kind) {
                case Selection::Kind::kField: Field(parent, s); break;
                case Selection::Kind::kFragmentSpread: {
                    Directives(s.directives, "FRAGMENT_SPREAD");
                    auto f = fragments_.find(s.name);
                    if (f == fragments_.end()) {
                        Report("Unknown fragment " + Q(s.name) + ".", {s.loc});
                        break;
                    }
                    const TypeDef* on = schema_.Find(f->second->type_condition);
                    if (on != nullptr && IsCompositeKind(on->kind) && !Overlap(parent, *on)) {
                        Report("Fragment " + Q(s.name) + " cannot be spread here as objects of type " + Q(parent.name) +
                                   " can never be of type " + Q(on->name) + ".",
                               {s.loc});
                    }
                    break;
                }
                case Selection::Kind::kInlineFragment: {
                    Directives(s.directives, "INLINE_FRAGMENT");
                    const TypeDef* on = &parent;
                    if (!s.type_condition.empty()) {
                        on = schema_.Find(s.type_condition);
                        if (on == nullptr) {
                            Report("Unknown type " + Q(s.type_condition) + ".", {s.loc});
                            break;
                        }
                        if (!IsCompositeKind(on->kind)) {
                            Report("Fragment cannot condition on non composite type " + Q(s.type_condition) + ".",
                                   {s.loc});
                            break;
                        }
                        if (!Overlap(parent, *on)) {
                            Report("Fragment cannot be spread here as objects of type " + Q(parent.name) +
                                       " can never be of type " + Q(on->name) + ".",
                                   {s.loc});
                        }
                    }
                    Selections(*on, s.selections);
                    break;
                }
            }
        }
    }

    bool Overlap(const TypeDef& a, const TypeDef& b) {
        const auto pa = schema_.PossibleTypes(a);
        const auto pb = schema_.PossibleTypes(b);
        return std::any_of(pa.begin(), pa.end(),
                           [&](const TypeDef* t) { return std::find(pb.begin(), pb.end(), t) != pb.end(); });
    }

    void Field(const TypeDef& parent, const Selection& s) {
        const FieldDef* def = schema_.FieldOf(parent, s.name);
        Directives(s.directives, "FIELD");
        if (def == nullptr) {
            Report("Cannot query field " + Q(s.name) + " on type " + Q(parent.name) + ".", {s.loc});
            // Still check what is inside for unknown fragments and variables.
            for (const auto& a : s.arguments) CollectVariables(a.value);
            return;
        }
        Arguments(def->args, s.arguments, "field " + Q(parent.name + "." + s.name), "Field " + Q(s.name), s.loc);
        const TypeExpr& type = def->parsed_type;
        const TypeDef* named = schema_.Find(type.name);
        if (named == nullptr) return;
        if (IsLeafKind(named->kind)) {
            if (!s.selections.empty()) {
                Report("Field " + Q(s.name) + " must not have a selection since type " + Q(type.ToString()) +
                           " has no subfields.",
                       {s.loc});
            }
            return;
        }
        if (s.selections.empty()) {
            Report("Field " + Q(s.name) + " of type " + Q(type.ToString()) +
                       " must have a selection of subfields. Did you mean \"" + s.name + " { ... }\"?",
                   {s.loc});
            return;
        }
        Selections(*named, s.selections);
    }

    void Arguments(const std::vector<InputValueDef>& defs, const std::vector<Argument>& args, const std::string& on,
                   const std::string& owner, Location at) {
        std::map<std::string, Location> seen;
        for (const auto& a : args) {
            UniqueInputFields(a.value);
            auto [it, added] = seen.emplace(a.name, a.loc);
            if (!added) Report("There can be only one argument named " + Q(a.name) + ".", {it->second, a.loc});
            auto def = std::find_if(defs.begin(), defs.end(), [&](const InputValueDef& d) { return d.name == a.name; });
            if (def == defs.end()) {
                Report("Unknown argument " + Q(a.name) + " on " + on + ".", {a.loc});
                CollectVariables(a.value);
                continue;
            }
            Literal(*TypeExpr::Parse(def->type), a.value, true, def->default_value.has_value());
        }
        for (const auto& d : defs) {
            const auto type = *TypeExpr::Parse(d.type);
            if (!type.non_null() || d.default_value) continue;
            if (!seen.count(d.name)) {
                Report(owner + " argument " + Q(d.name) + " of type " + Q(d.type) +
                           " is required, but it was not provided.",
                       {at});
            }
        }
    }

    void Directives(const std::vector<Directive>& directives, std::string_view location) {
        std::set<std::string> seen;
        for (const auto& d : directives) {
            const DirectiveDef* def = schema_.Directive(d.name);
            if (def == nullptr) {
                Report("Unknown directive \"@" + d.name + "\".", {d.loc});
                for (const auto& a : d.arguments) CollectVariables(a.value);
                continue;
            }
            if (std::find(def->locations.begin(), def->locations.end(), location) == def->locations.end()) {
                Report("Directive \"@" + d.name + "\" may not be used on " + std::string(location) + ".", {d.loc});
            }
            if (!def->repeatable && !seen.insert(d.name).second) {
                Report("The directive \"@" + d.name + "\" can only be used once at this location.", {d.loc});
            }
            Arguments(def->args, d.arguments, "directive \"@" + d.name + "\"", "Directive \"@" + d.name + "\"", d.loc);
        }
    }

    /// §5.6.3 Input Object Field Uniqueness, for every object literal (those of JSON scalars too).
    void UniqueInputFields(const Value& v) {
        std::set<std::string> seen;
        for (const auto& [name, x] : v.fields) {
            if (!seen.insert(name).second) Report("There can be only one input field named " + Q(name) + ".", {x.loc});
            UniqueInputFields(x);
        }
        for (const auto& x : v.list) UniqueInputFields(x);
    }

    void CollectVariables(const Value& v) {
        if (v.kind == Value::Kind::kVariable) uses_.push_back({v.text, TypeExpr{{}, ""}, false, v.loc});
        for (const auto& x : v.list) CollectVariables(x);
        for (const auto& [k, x] : v.fields) CollectVariables(x);
    }

    /// §5.6.1 Values of Correct Type, recording variable uses with the type expected where they are.
    void Literal(const TypeExpr& type, const Value& v, bool variables_allowed, bool has_default = false) {
        if (v.kind == Value::Kind::kVariable) {
            if (variables_allowed) uses_.push_back({v.text, type, has_default, v.loc});
            return;
        }
        if (type.non_null()) {
            if (v.kind == Value::Kind::kNull) {
                Report("Expected value of type " + Q(type.ToString()) + ", found null.", {v.loc});
                return;
            }
            Literal(type.Inner(), v, variables_allowed);
            return;
        }
        if (v.kind == Value::Kind::kNull) return;
        if (type.list()) {
            if (v.kind == Value::Kind::kList) {
                for (const auto& x : v.list) Literal(type.Inner(), x, variables_allowed);
            } else {
                Literal(type.Inner(), v, variables_allowed);
            }
            return;
        }
        const TypeDef* def = schema_.Find(type.name);
        if (def == nullptr) return;
        if (def->kind == TypeKind::kInputObject) {
            if (v.kind != Value::Kind::kObject) {
                Report("Expected value of type " + Q(type.ToString()) + ", found " + PrintValue(v) + ".", {v.loc});
                return;
            }
            std::set<std::string> seen;
            for (const auto& [name, x] : v.fields) {
                seen.insert(name);
                const InputValueDef* f = def->InputField(name);
                if (f == nullptr) {
                    Report("Field " + Q(name) + " is not defined by type " + Q(def->name) + ".", {x.loc});
                    CollectVariables(x);
                    continue;
                }
                Literal(*TypeExpr::Parse(f->type), x, variables_allowed, f->default_value.has_value());
            }
            for (const auto& f : def->input_fields) {
                if (!TypeExpr::Parse(f.type)->non_null() || f.default_value || seen.count(f.name)) continue;
                Report(
                    "Field \"" + def->name + "." + f.name + "\" of required type " + Q(f.type) + " was not provided.",
                    {v.loc});
            }
            return;
        }
        if (v.kind == Value::Kind::kList || v.kind == Value::Kind::kObject) {
            if (def->kind == TypeKind::kScalar && !IsBuiltinScalar(def->name)) {
                // A custom scalar (JSON) takes lists and objects; variables inside are uses of any type.
                for (const auto& x : v.list) CollectVariables(x);
                for (const auto& [k, x] : v.fields) CollectVariables(x);
                return;
            }
        }
        if (def->kind == TypeKind::kEnum && v.kind != Value::Kind::kEnum) {
            Report("Enum " + Q(def->name) + " cannot represent non-enum value: " + PrintValue(v) + ".", {v.loc});
            return;
        }
        auto c = CoerceLiteral(schema_, type, v, {});
        if (!c) Report(c.error().message, {v.loc});
    }

    // --- overlapping fields (§5.3.2) ---------------------------------------------------------------------------

    struct Found {
        const TypeDef* parent;
        const Selection* field;
        const FieldDef* def;
    };

    void Gather(const TypeDef& parent, const SelectionSet& set, std::map<std::string, std::vector<Found>>& out,
                std::set<std::string>& visited) {
        for (const auto& s : set) {
            if (s.kind == Selection::Kind::kField) {
                out[s.response_key()].push_back({&parent, &s, schema_.FieldOf(parent, s.name)});
            } else if (s.kind == Selection::Kind::kInlineFragment) {
                const TypeDef* on = s.type_condition.empty() ? &parent : schema_.Find(s.type_condition);
                if (on != nullptr) Gather(*on, s.selections, out, visited);
            } else if (auto f = fragments_.find(s.name); f != fragments_.end() && visited.insert(s.name).second) {
                const TypeDef* on = schema_.Find(f->second->type_condition);
                if (on != nullptr) Gather(*on, f->second->selections, out, visited);
            }
        }
    }

    void Overlaps(const TypeDef& parent, const SelectionSet& set) {
        std::map<std::string, std::vector<Found>> by_key;
        std::set<std::string> visited;
        Gather(parent, set, by_key, visited);
        CheckGroups(by_key, 0);
    }

    void CheckGroups(const std::map<std::string, std::vector<Found>>& by_key, int depth) {
        if (overlap_budget_spent_) return;
        if (depth > 64 || ++overlap_steps_ > 20000) {
            // Fail closed: a document too large to check is refused, never run unchecked.
            overlap_budget_spent_ = true;
            Report("The document is too large to check for conflicting fields: select fewer fields.", {});
            return;
        }
        for (const auto& [key, found] : by_key) {
            bool conflict = false;
            // Against the first only: linear in a document of many equal fields (equal fields merge, so the
            // others agree with each other when they agree with it).
            for (std::size_t j = 1; j < found.size() && !conflict; ++j) conflict = Conflicts(key, found[0], found[j]);
            if (conflict) continue;
            // The sub-selections of all of them must merge too.
            std::map<std::string, std::vector<Found>> sub;
            std::set<std::string> visited;
            for (const auto& f : found) {
                if (f.def == nullptr || f.field->selections.empty()) continue;
                const TypeDef* type = schema_.Find(f.def->parsed_type.name);
                if (type != nullptr) Gather(*type, f.field->selections, sub, visited);
            }
            CheckGroups(sub, depth + 1);
        }
    }

    bool Conflicts(const std::string& key, const Found& a, const Found& b) {
        const bool exclusive =
            a.parent != b.parent && a.parent->kind == TypeKind::kObject && b.parent->kind == TypeKind::kObject;
        if (!exclusive) {
            if (a.field->name != b.field->name) {
                Report("Fields " + Q(key) + " conflict because " + Q(a.field->name) + " and " + Q(b.field->name) +
                           " are different fields. Use different aliases on the fields to fetch both if this was "
                           "intentional.",
                       {a.field->loc, b.field->loc});
                return true;
            }
            if (!SameArguments(a.field->arguments, b.field->arguments)) {
                Report("Fields " + Q(key) +
                           " conflict because they have differing arguments. Use different aliases on the fields to "
                           "fetch both if this was intentional.",
                       {a.field->loc, b.field->loc});
                return true;
            }
        }
        if (a.def != nullptr && b.def != nullptr && !SameShape(schema_, a.def->parsed_type, b.def->parsed_type)) {
            Report("Fields " + Q(key) + " conflict because they return conflicting types " + Q(a.def->type) + " and " +
                       Q(b.def->type) + ". Use different aliases on the fields to fetch both if this was intentional.",
                   {a.field->loc, b.field->loc});
            return true;
        }
        return false;
    }

    // --- limits ------------------------------------------------------------------------------------------------

    struct Measure {
        int depth = 0;
        std::int64_t cost = 0;
        std::int64_t fields = 0;
        int introspection = 0;
        bool over = false;
    };

    /// Depth, cost and field count of `set` under `parent`, fragments expanded (stopping once over a limit).
    Measure Walk(const TypeDef& parent, const SelectionSet& set, int depth, int introspection,
                 std::vector<std::string>& stack, Measure& total) {
        Measure m;
        for (const auto& s : set) {
            if (total.over) return m;
            if (s.kind != Selection::Kind::kField) {
                const SelectionSet* inner = &s.selections;
                const TypeDef* on = &parent;
                if (++total.fields > limits_.max_fields) {  // spreads count: a chain of them is work too
                    total.over = true;
                    Report("The document selects more than " + std::to_string(limits_.max_fields) +
                               " fields and fragments (fragments expanded).",
                           {s.loc});
                    return m;
                }
                if (s.kind == Selection::Kind::kFragmentSpread) {
                    auto f = fragments_.find(s.name);
                    if (f == fragments_.end() || std::find(stack.begin(), stack.end(), s.name) != stack.end()) {
                        continue;
                    }
                    inner = &f->second->selections;
                    on = schema_.Find(f->second->type_condition);
                    stack.push_back(s.name);
                } else if (!s.type_condition.empty()) {
                    on = schema_.Find(s.type_condition);
                }
                if (on != nullptr) {
                    Measure sub = Walk(*on, *inner, depth, introspection, stack, total);
                    m.depth = std::max(m.depth, sub.depth);
                    m.cost += sub.cost;
                }
                if (s.kind == Selection::Kind::kFragmentSpread) stack.pop_back();
                continue;
            }
            if (++total.fields > limits_.max_fields) {
                total.over = true;
                Report("The document selects more than " + std::to_string(limits_.max_fields) +
                           " fields and fragments (fragments expanded).",
                       {s.loc});
                return m;
            }
            const FieldDef* def = schema_.FieldOf(parent, s.name);
            if (def == nullptr) continue;
            const bool meta = s.name.rfind("__", 0) == 0 || parent.name.rfind("__", 0) == 0;
            int level = introspection;
            if (parent.name == "__Type" && (s.name == "fields" || s.name == "interfaces" || s.name == "possibleTypes" ||
                                            s.name == "inputFields")) {
                if (++level >= limits_.max_introspection_depth) {
                    total.over = true;
                    Report("Maximum introspection depth exceeded", {s.loc});
                    return m;
                }
            }
            const int here = meta ? depth : depth + 1;
            if (here > limits_.max_depth) {
                total.over = true;
                Report("The query is nested " + std::to_string(here) + " fields deep, more than the " +
                           std::to_string(limits_.max_depth) + " allowed.",
                       {s.loc});
                return m;
            }
            m.depth = std::max(m.depth, here);
            std::int64_t cost = meta ? 0 : def->cost;
            if (!s.selections.empty()) {
                const TypeDef* type = schema_.Find(def->parsed_type.name);
                if (type != nullptr) {
                    Measure sub = Walk(*type, s.selections, here, level, stack, total);
                    m.depth = std::max(m.depth, sub.depth);
                    cost += sub.cost * Multiplier(*def, s);
                }
            }
            m.cost += cost;
        }
        return m;
    }

    std::int64_t Multiplier(const FieldDef& def, const Selection& s) const {
        if (def.cost_multiplier.empty()) return 1;
        for (const auto& a : s.arguments) {
            if (a.name == def.cost_multiplier && a.value.kind == Value::Kind::kInt) {
                return std::clamp<std::int64_t>(std::atoll(a.value.text.c_str()), 1, 1000);
            }
            if (a.name == def.cost_multiplier) return 100;  // a variable: the most a page holds
        }
        for (const auto& a : def.args) {
            if (a.name == def.cost_multiplier && a.default_value && a.default_value->is_int64()) {
                return std::max<std::int64_t>(1, a.default_value->as_int64());
            }
        }
        return 1;
    }

    void CheckLimits(const Operation& op) {
        const TypeDef* root = RootOf(schema_, op.kind);
        if (root == nullptr) return;
        if (op.kind == Operation::Kind::kMutation) {
            const auto keys = ResponseKeys(RootFields(op));
            if (static_cast<std::int64_t>(keys.size()) > limits_.max_mutation_fields) {
                Report("A mutation may make at most " + std::to_string(limits_.max_mutation_fields) +
                           " changes; this one asks for " + std::to_string(keys.size()) + ".",
                       {op.loc});
                return;
            }
        }
        Measure total;
        std::vector<std::string> stack;
        Measure m = Walk(*root, op.selections, 0, 0, stack, total);
        if (total.over) return;
        if (m.cost > limits_.max_cost) {
            GraphqlError e;
            e.message = "The query costs " + std::to_string(m.cost) + ", more than the " +
                        std::to_string(limits_.max_cost) + " allowed: ask for fewer items per page or fewer fields.";
            e.locations.push_back(op.loc);
            e.extensions["cost"] = m.cost;
            e.extensions["maxCost"] = limits_.max_cost;
            errors_.push_back(std::move(e));
        }
    }

    const Schema& schema_;
    const Document& doc_;
    const graphql::Limits& limits_;
    std::map<std::string, const Fragment*> fragments_;
    std::vector<GraphqlError> errors_;
    std::vector<VariableUse> uses_;
    std::map<std::string, std::vector<VariableUse>> fragment_uses_;
    std::set<std::string> cycle_checked_;
    int overlap_steps_ = 0;
    bool overlap_budget_spent_ = false;
    bool aborted_ = false;  // kMaxValidationErrors reached
};

}  // namespace

std::vector<GraphqlError> Validate(const Schema& schema, const Document& document, const Limits& limits) {
    return Validator(schema, document, limits).Run();
}

}  // namespace dihya::graphql
