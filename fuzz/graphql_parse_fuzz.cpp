// A GraphQL document as sent to /graphql (graphql/parser.hpp): it either parses into a document with at least one
// definition, which prints back to a document that parses to the same thing, or is refused with a message in valid
// UTF-8 and a location of line and column ≥ 1 — never a crash, a stack overflow or a hang. Under smaller limits
// it is refused or parses to the same document.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "graphql/parser.hpp"

namespace {

using namespace dihya::graphql;

bool IsUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

// ---- a printer, for the round trip ----

void PrintString(const std::string& text, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (b < 0x20) {
            out += "\\u00";
            out += kHex[b >> 4];
            out += kHex[b & 0xF];
        } else {
            out += c;
        }
    }
    out += '"';
}

void PrintValue(const Value& value, std::string& out) {
    switch (value.kind) {
        case Value::Kind::kVariable: out += "$" + value.text; return;
        case Value::Kind::kString: PrintString(value.text, out); return;
        case Value::Kind::kNull: out += "null"; return;
        case Value::Kind::kList:
            out += '[';
            for (const Value& item : value.list) {
                PrintValue(item, out);
                out += ' ';
            }
            out += ']';
            return;
        case Value::Kind::kObject:
            out += '{';
            for (const auto& [name, field] : value.fields) {
                out += name + ": ";
                PrintValue(field, out);
                out += ' ';
            }
            out += '}';
            return;
        default: out += value.text; return;
    }
}

void PrintType(const TypeRef& type, std::string& out) {
    switch (type.kind) {
        case TypeRef::Kind::kNamed: out += type.name; return;
        case TypeRef::Kind::kList:
            out += '[';
            PrintType(*type.of, out);
            out += ']';
            return;
        case TypeRef::Kind::kNonNull:
            PrintType(*type.of, out);
            out += '!';
            return;
    }
}

void PrintArguments(const std::vector<Argument>& arguments, std::string& out) {
    if (arguments.empty()) return;
    out += '(';
    for (const Argument& argument : arguments) {
        out += argument.name + ": ";
        PrintValue(argument.value, out);
        out += ' ';
    }
    out += ')';
}

void PrintDirectives(const std::vector<Directive>& directives, std::string& out) {
    for (const Directive& directive : directives) {
        out += " @" + directive.name;
        PrintArguments(directive.arguments, out);
    }
}

void PrintSelections(const SelectionSet& selections, std::string& out) {
    out += " {";
    for (const Selection& selection : selections) {
        out += ' ';
        switch (selection.kind) {
            case Selection::Kind::kField:
                if (!selection.alias.empty()) out += selection.alias + ": ";
                out += selection.name;
                PrintArguments(selection.arguments, out);
                PrintDirectives(selection.directives, out);
                if (!selection.selections.empty()) PrintSelections(selection.selections, out);
                break;
            case Selection::Kind::kFragmentSpread:
                out += "..." + selection.name;
                PrintDirectives(selection.directives, out);
                break;
            case Selection::Kind::kInlineFragment:
                out += "...";
                if (!selection.type_condition.empty()) out += " on " + selection.type_condition;
                PrintDirectives(selection.directives, out);
                PrintSelections(selection.selections, out);
                break;
        }
    }
    out += " }";
}

std::string Print(const Document& document) {
    std::string out;
    for (const Operation& operation : document.operations) {
        out += operation.kind == Operation::Kind::kQuery      ? "query "
               : operation.kind == Operation::Kind::kMutation ? "mutation "
                                                              : "subscription ";
        out += operation.name;
        if (!operation.variables.empty()) {
            out += '(';
            for (const VariableDefinition& variable : operation.variables) {
                out += "$" + variable.name + ": ";
                PrintType(variable.type, out);
                if (variable.default_value) {
                    out += " = ";
                    PrintValue(*variable.default_value, out);
                }
                PrintDirectives(variable.directives, out);
                out += ' ';
            }
            out += ')';
        }
        PrintDirectives(operation.directives, out);
        PrintSelections(operation.selections, out);
        out += '\n';
    }
    for (const Fragment& fragment : document.fragments) {
        out += "fragment " + fragment.name + " on " + fragment.type_condition;
        PrintDirectives(fragment.directives, out);
        PrintSelections(fragment.selections, out);
        out += '\n';
    }
    return out;
}

void CheckError(const SyntaxError& error) {
    dihya::fuzz::Check(error.loc.line >= 1 && error.loc.column >= 1, "an error without a location");
    dihya::fuzz::Check(!error.message.empty() && IsUtf8(error.message), "an error message that is not UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view source = dihya::fuzz::AsText(data, size);
    ParseLimits tight;  // the same document under small limits fails, or parses to the same thing
    tight.max_bytes = 2000;
    tight.max_tokens = 100;
    tight.max_nesting = 4;
    const auto limited = Parse(source, tight);
    if (const auto* error = std::get_if<SyntaxError>(&limited)) CheckError(*error);

    const auto parsed = Parse(source);
    if (const auto* error = std::get_if<SyntaxError>(&parsed)) {
        CheckError(*error);
        dihya::fuzz::Check(!std::holds_alternative<Document>(limited), "tighter limits accept more");
        return 0;
    }
    const Document& document = std::get<Document>(parsed);
    dihya::fuzz::Check(!document.operations.empty() || !document.fragments.empty(), "a document without definitions");
    for (const Operation& operation : document.operations) {
        dihya::fuzz::Check(operation.loc.line >= 1 && operation.loc.column >= 1, "an operation without a location");
        dihya::fuzz::Check(!operation.selections.empty(), "an operation without selections");
    }
    const std::string printed = Print(document);
    if (const auto* same = std::get_if<Document>(&limited)) {
        dihya::fuzz::Check(Print(*same) == printed, "tighter limits change the document");
    }
    ParseLimits generous;  // the printed document may be longer (escapes) but is no deeper
    generous.max_bytes = printed.size();
    generous.max_tokens = printed.size();
    const auto again = Parse(printed, generous);
    dihya::fuzz::Check(std::holds_alternative<Document>(again), "a printed document does not parse");
    dihya::fuzz::Check(Print(std::get<Document>(again)) == printed, "a printed document parses to another");
    return 0;
}
