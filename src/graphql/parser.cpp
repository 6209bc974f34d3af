#include "graphql/parser.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dihya::graphql {

namespace {

// Whatever max_nesting says, deeper documents are refused: every level costs a few stack frames.
constexpr int kNestingCeiling = 1000;

// graphql-js's DirectiveLocation.
constexpr std::array<std::string_view, 21> kDirectiveLocations = {"QUERY",
                                                                  "MUTATION",
                                                                  "SUBSCRIPTION",
                                                                  "FIELD",
                                                                  "FRAGMENT_DEFINITION",
                                                                  "FRAGMENT_SPREAD",
                                                                  "INLINE_FRAGMENT",
                                                                  "VARIABLE_DEFINITION",
                                                                  "FRAGMENT_VARIABLE_DEFINITION",
                                                                  "SCHEMA",
                                                                  "SCALAR",
                                                                  "OBJECT",
                                                                  "FIELD_DEFINITION",
                                                                  "ARGUMENT_DEFINITION",
                                                                  "INTERFACE",
                                                                  "UNION",
                                                                  "ENUM",
                                                                  "ENUM_VALUE",
                                                                  "INPUT_OBJECT",
                                                                  "INPUT_FIELD_DEFINITION",
                                                                  "DIRECTIVE_DEFINITION"};

// ---- characters ----

bool IsDigit(int c) {
    return c >= '0' && c <= '9';
}
bool IsLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsNameStart(int c) {
    return IsLetter(c) || c == '_';
}
bool IsNameContinue(int c) {
    return IsNameStart(c) || IsDigit(c);
}
bool IsScalarValue(std::int32_t c) {
    return (c >= 0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0x10FFFF);
}
bool IsLeadingSurrogate(std::int32_t c) {
    return c >= 0xD800 && c <= 0xDBFF;
}
bool IsTrailingSurrogate(std::int32_t c) {
    return c >= 0xDC00 && c <= 0xDFFF;
}

int HexDigit(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string Hex(std::uint32_t value, int min_digits) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[value & 0xF]);
        value >>= 4;
    } while (value != 0 || static_cast<int>(out.size()) < min_digits);
    return out;
}

void AppendUtf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

/// One character of the source: a code point and its length in bytes. An encoded surrogate (ED A0..BF xx) decodes
/// to the surrogate, which is not a scalar value, like a lone surrogate in a JavaScript string; a byte that starts
/// no UTF-8 sequence decodes to kInvalidByte with length 1.
struct Char {
    static constexpr std::int32_t kInvalidByte = -1;
    std::int32_t code = kInvalidByte;
    std::size_t size = 1;
};

Char DecodeAt(std::string_view s, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return pos + i < s.size() ? static_cast<unsigned char>(s[pos + i]) : 0; };
    const auto continuation = [](unsigned char b) { return (b & 0xC0) == 0x80; };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) return {b0, 1};
    if (b0 >= 0xC2 && b0 <= 0xDF && continuation(byte(1))) return {((b0 & 0x1F) << 6) | (byte(1) & 0x3F), 2};
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        const unsigned char b1 = byte(1);
        if (b0 == 0xE0 ? (b1 < 0xA0 || b1 > 0xBF) : !continuation(b1)) return {};
        if (!continuation(byte(2))) return {};
        return {((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (byte(2) & 0x3F), 3};
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        const unsigned char b1 = byte(1);
        const unsigned char low = b0 == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = b0 == 0xF4 ? 0x8F : 0xBF;
        if (b1 < low || b1 > high || !continuation(byte(2)) || !continuation(byte(3))) return {};
        return {((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F), 4};
    }
    return {};
}

// ---- tokens ----

enum class TokenKind {
    kSof,
    kEof,
    kBang,
    kDollar,
    kAmp,
    kParenL,
    kParenR,
    kSpread,
    kColon,
    kEquals,
    kAt,
    kBracketL,
    kBracketR,
    kBraceL,
    kPipe,
    kBraceR,
    kName,
    kInt,
    kFloat,
    kString,
    kBlockString
};

/// How graphql-js names a token kind in messages.
std::string KindName(TokenKind kind) {
    switch (kind) {
        case TokenKind::kSof: return "<SOF>";
        case TokenKind::kEof: return "<EOF>";
        case TokenKind::kBang: return "\"!\"";
        case TokenKind::kDollar: return "\"$\"";
        case TokenKind::kAmp: return "\"&\"";
        case TokenKind::kParenL: return "\"(\"";
        case TokenKind::kParenR: return "\")\"";
        case TokenKind::kSpread: return "\"...\"";
        case TokenKind::kColon: return "\":\"";
        case TokenKind::kEquals: return "\"=\"";
        case TokenKind::kAt: return "\"@\"";
        case TokenKind::kBracketL: return "\"[\"";
        case TokenKind::kBracketR: return "\"]\"";
        case TokenKind::kBraceL: return "\"{\"";
        case TokenKind::kPipe: return "\"|\"";
        case TokenKind::kBraceR: return "\"}\"";
        case TokenKind::kName: return "Name";
        case TokenKind::kInt: return "Int";
        case TokenKind::kFloat: return "Float";
        case TokenKind::kString: return "String";
        case TokenKind::kBlockString: return "BlockString";
    }
    return "?";
}

bool HasValue(TokenKind kind) {
    return kind >= TokenKind::kName;
}

struct Token {
    TokenKind kind = TokenKind::kSof;
    std::size_t start = 0;  // byte offsets in the source
    std::size_t end = 0;
    std::string value;  // names and numbers as written; strings decoded
};

/// graphql-js's getTokenDesc: `Name "x"`, `"{"`, `<EOF>`.
std::string Describe(const Token& token) {
    if (!HasValue(token.kind)) return KindName(token.kind);
    return KindName(token.kind) + " \"" + token.value + "\"";
}

/// graphql-js's dedentBlockStringLines, joined with "\n".
std::string DedentBlockString(const std::vector<std::string>& lines) {
    const auto indent_of = [](const std::string& line) {
        std::size_t i = 0;
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        return i;
    };
    std::size_t common_indent = std::string::npos;
    std::optional<std::size_t> first_non_empty;
    std::size_t end = 0;  // one past the last non-empty line
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::size_t indent = indent_of(lines[i]);
        if (indent == lines[i].size()) continue;
        if (!first_non_empty) first_non_empty = i;
        end = i + 1;
        if (i != 0) common_indent = std::min(common_indent, indent);
    }
    std::string out;
    for (std::size_t i = first_non_empty.value_or(0); i < end; ++i) {
        if (i != first_non_empty.value_or(0)) out += '\n';
        if (i == 0) {
            out += lines[i];
        } else if (common_indent < lines[i].size()) {
            out.append(lines[i], common_indent);
        }
    }
    return out;
}

// ---- lexer ----

/// Reads one token at a time (graphql-js's Lexer, on UTF-8). Positions are byte offsets; the parser turns them into
/// lines and columns.
class Lexer final {
public:
    struct Failure {
        std::size_t pos = 0;
        std::string message;  // without "Syntax Error: "
    };

    explicit Lexer(std::string_view source) : s_(source) {}

    /// Reads the token that starts at or after `from` (skipping ignored tokens); false with failure() set when the
    /// source has a lexical error there.
    bool Read(std::size_t from, Token& token);
    const Failure& failure() const { return failure_; }

private:
    int At(std::size_t pos) const { return pos < s_.size() ? static_cast<unsigned char>(s_[pos]) : -1; }
    bool Fail(std::size_t pos, std::string message);
    bool Emit(Token& token, TokenKind kind, std::size_t start, std::size_t end, std::string value = {});
    /// graphql-js's printCodePointAt: `"a"`, `'"'`, `U+00E9`, `<EOF>`.
    std::string Printed(std::size_t pos) const;
    /// Up to `units` UTF-16 code units of source from `pos` (graphql-js's body.slice), whole characters only.
    std::string Slice(std::size_t pos, std::size_t units) const;

    bool ReadNumber(std::size_t start, Token& token);
    bool ReadDigits(std::size_t pos, std::size_t& end);
    bool ReadString(std::size_t start, Token& token);
    bool ReadEscape(std::size_t pos, std::string& value, std::size_t& size);
    bool ReadBlockString(std::size_t start, Token& token);

    std::string_view s_;
    Failure failure_;
};

bool Lexer::Fail(std::size_t pos, std::string message) {
    failure_ = {pos, std::move(message)};
    return false;
}

bool Lexer::Emit(Token& token, TokenKind kind, std::size_t start, std::size_t end, std::string value) {
    token.kind = kind;
    token.start = start;
    token.end = end;
    token.value = std::move(value);
    return true;
}

std::string Lexer::Printed(std::size_t pos) const {
    if (pos >= s_.size()) return "<EOF>";
    const Char c = DecodeAt(s_, pos);
    if (c.code == Char::kInvalidByte) return "byte 0x" + Hex(static_cast<unsigned char>(s_[pos]), 2);
    if (c.code == '"') return "'\"'";
    if (c.code >= 0x20 && c.code <= 0x7E) return std::string("\"") + static_cast<char>(c.code) + "\"";
    return "U+" + Hex(static_cast<std::uint32_t>(c.code), 4);
}

std::string Lexer::Slice(std::size_t pos, std::size_t units) const {
    std::size_t end = pos;
    while (units > 0 && end < s_.size()) {
        const Char c = DecodeAt(s_, end);
        if (c.code == Char::kInvalidByte) break;  // messages stay valid UTF-8
        end += c.size;
        units -= std::min<std::size_t>(units, c.code >= 0x10000 ? 2 : 1);
    }
    return std::string(s_.substr(pos, end - pos));
}

bool Lexer::Read(std::size_t from, Token& token) {
    std::size_t pos = from;
    while (pos < s_.size()) {
        const int c = At(pos);
        switch (c) {
            case '\t':
            case ' ':
            case ',':
            case '\n':
            case '\r': ++pos; continue;
            case 0xEF:
                if (At(pos + 1) == 0xBB && At(pos + 2) == 0xBF) {  // U+FEFF
                    pos += 3;
                    continue;
                }
                break;
            case '#':
                // A comment ends at a line terminator or at a character that is not a scalar value (reported as the
                // next token).
                for (++pos; pos < s_.size() && At(pos) != '\n' && At(pos) != '\r';) {
                    const Char ch = DecodeAt(s_, pos);
                    if (!IsScalarValue(ch.code)) break;
                    pos += ch.size;
                }
                continue;
            case '!': return Emit(token, TokenKind::kBang, pos, pos + 1);
            case '$': return Emit(token, TokenKind::kDollar, pos, pos + 1);
            case '&': return Emit(token, TokenKind::kAmp, pos, pos + 1);
            case '(': return Emit(token, TokenKind::kParenL, pos, pos + 1);
            case ')': return Emit(token, TokenKind::kParenR, pos, pos + 1);
            case ':': return Emit(token, TokenKind::kColon, pos, pos + 1);
            case '=': return Emit(token, TokenKind::kEquals, pos, pos + 1);
            case '@': return Emit(token, TokenKind::kAt, pos, pos + 1);
            case '[': return Emit(token, TokenKind::kBracketL, pos, pos + 1);
            case ']': return Emit(token, TokenKind::kBracketR, pos, pos + 1);
            case '{': return Emit(token, TokenKind::kBraceL, pos, pos + 1);
            case '|': return Emit(token, TokenKind::kPipe, pos, pos + 1);
            case '}': return Emit(token, TokenKind::kBraceR, pos, pos + 1);
            case '.':
                if (At(pos + 1) == '.' && At(pos + 2) == '.') return Emit(token, TokenKind::kSpread, pos, pos + 3);
                if (At(pos + 1) == '.') return Fail(pos, "Unexpected \"..\", did you mean \"...\"?");
                if (IsDigit(At(pos + 1))) {
                    std::size_t end = pos + 1;
                    while (IsDigit(At(end))) ++end;
                    return Fail(pos, "Invalid number, expected digit before \".\", did you mean \"0." +
                                         std::string(s_.substr(pos + 1, end - pos - 1)) + "\"?");
                }
                break;
            case '"':
                if (At(pos + 1) == '"' && At(pos + 2) == '"') return ReadBlockString(pos, token);
                return ReadString(pos, token);
            default: break;
        }
        if (IsDigit(c) || c == '-') return ReadNumber(pos, token);
        if (IsNameStart(c)) {
            std::size_t end = pos + 1;
            while (IsNameContinue(At(end))) ++end;
            return Emit(token, TokenKind::kName, pos, end, std::string(s_.substr(pos, end - pos)));
        }
        if (c == '\'') {
            return Fail(pos, "Unexpected single quote character ('), did you mean to use a double quote (\")?");
        }
        const Char ch = DecodeAt(s_, pos);
        return Fail(pos,
                    (IsScalarValue(ch.code) ? "Unexpected character: " : "Invalid character: ") + Printed(pos) + ".");
    }
    return Emit(token, TokenKind::kEof, s_.size(), s_.size());
}

bool Lexer::ReadDigits(std::size_t pos, std::size_t& end) {
    if (!IsDigit(At(pos))) return Fail(pos, "Invalid number, expected digit but got: " + Printed(pos) + ".");
    end = pos + 1;
    while (IsDigit(At(end))) ++end;
    return true;
}

bool Lexer::ReadNumber(std::size_t start, Token& token) {
    std::size_t pos = start;
    bool is_float = false;
    if (At(pos) == '-') ++pos;
    if (At(pos) == '0') {
        ++pos;
        if (IsDigit(At(pos))) return Fail(pos, "Invalid number, unexpected digit after 0: " + Printed(pos) + ".");
    } else if (!ReadDigits(pos, pos)) {
        return false;
    }
    if (At(pos) == '.') {
        is_float = true;
        if (!ReadDigits(pos + 1, pos)) return false;
    }
    if (At(pos) == 'e' || At(pos) == 'E') {
        is_float = true;
        ++pos;
        if (At(pos) == '+' || At(pos) == '-') ++pos;
        if (!ReadDigits(pos, pos)) return false;
    }
    if (At(pos) == '.' || IsNameStart(At(pos))) {
        return Fail(pos, "Invalid number, expected digit but got: " + Printed(pos) + ".");
    }
    return Emit(token, is_float ? TokenKind::kFloat : TokenKind::kInt, start, pos,
                std::string(s_.substr(start, pos - start)));
}

bool Lexer::ReadString(std::size_t start, Token& token) {
    std::string value;
    std::size_t pos = start + 1;
    std::size_t chunk = pos;
    while (pos < s_.size()) {
        const int c = At(pos);
        if (c == '"') {
            value.append(s_.substr(chunk, pos - chunk));
            return Emit(token, TokenKind::kString, start, pos + 1, std::move(value));
        }
        if (c == '\\') {
            value.append(s_.substr(chunk, pos - chunk));
            std::size_t size = 0;
            if (!ReadEscape(pos, value, size)) return false;
            pos += size;
            chunk = pos;
            continue;
        }
        if (c == '\n' || c == '\r') break;
        const Char ch = DecodeAt(s_, pos);
        if (!IsScalarValue(ch.code)) return Fail(pos, "Invalid character within String: " + Printed(pos) + ".");
        pos += ch.size;
    }
    return Fail(pos, "Unterminated string.");
}

bool Lexer::ReadEscape(std::size_t pos, std::string& value, std::size_t& size) {
    if (At(pos + 1) == 'u' && At(pos + 2) == '{') {
        // \u{...}: at most 8 hex digits, computed in 32-bit arithmetic like graphql-js.
        std::int32_t point = 0;
        size = 3;
        while (size < 12) {
            const int c = At(pos + size++);
            if (c == '}') {
                if (size < 5 || !IsScalarValue(point)) break;
                AppendUtf8(value, static_cast<std::uint32_t>(point));
                return true;
            }
            point = static_cast<std::int32_t>((static_cast<std::uint32_t>(point) << 4) |
                                              static_cast<std::uint32_t>(HexDigit(c)));
            if (point < 0) break;
        }
        return Fail(pos, "Invalid Unicode escape sequence: \"" + Slice(pos, size) + "\".");
    }
    if (At(pos + 1) == 'u') {
        const auto read16 = [&](std::size_t at) {
            std::int32_t code = 0;
            for (std::size_t i = 0; i < 4; ++i) {
                const int digit = HexDigit(At(at + i));
                if (digit < 0) return -1;
                code = code << 4 | digit;
            }
            return code;
        };
        const std::int32_t code = read16(pos + 2);
        if (IsScalarValue(code)) {
            AppendUtf8(value, static_cast<std::uint32_t>(code));
            size = 6;
            return true;
        }
        if (IsLeadingSurrogate(code) && At(pos + 6) == '\\' && At(pos + 7) == 'u') {
            const std::int32_t trailing = read16(pos + 8);
            if (IsTrailingSurrogate(trailing)) {
                AppendUtf8(value, 0x10000 + ((static_cast<std::uint32_t>(code) - 0xD800) << 10) +
                                      (static_cast<std::uint32_t>(trailing) - 0xDC00));
                size = 12;
                return true;
            }
        }
        return Fail(pos, "Invalid Unicode escape sequence: \"" + Slice(pos, 6) + "\".");
    }
    static constexpr std::array<std::pair<char, char>, 8> kEscapes = {
        {{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', '\b'}, {'f', '\f'}, {'n', '\n'}, {'r', '\r'}, {'t', '\t'}}};
    for (const auto& [escape, character] : kEscapes) {
        if (At(pos + 1) != static_cast<unsigned char>(escape)) continue;
        value += character;
        size = 2;
        return true;
    }
    return Fail(pos, "Invalid character escape sequence: \"" + Slice(pos, 2) + "\".");
}

bool Lexer::ReadBlockString(std::size_t start, Token& token) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t pos = start + 3;
    std::size_t chunk = pos;
    while (pos < s_.size()) {
        const int c = At(pos);
        if (c == '"' && At(pos + 1) == '"' && At(pos + 2) == '"') {
            line.append(s_.substr(chunk, pos - chunk));
            lines.push_back(std::move(line));
            return Emit(token, TokenKind::kBlockString, start, pos + 3, DedentBlockString(lines));
        }
        if (c == '\\' && At(pos + 1) == '"' && At(pos + 2) == '"' && At(pos + 3) == '"') {
            line.append(s_.substr(chunk, pos - chunk));  // drops the backslash, keeps the quotes
            chunk = pos + 1;
            pos += 4;
            continue;
        }
        if (c == '\n' || c == '\r') {
            line.append(s_.substr(chunk, pos - chunk));
            lines.push_back(std::move(line));
            line.clear();
            pos += c == '\r' && At(pos + 1) == '\n' ? 2 : 1;
            chunk = pos;
            continue;
        }
        const Char ch = DecodeAt(s_, pos);
        if (!IsScalarValue(ch.code)) return Fail(pos, "Invalid character within String: " + Printed(pos) + ".");
        pos += ch.size;
    }
    return Fail(pos, "Unterminated string.");
}

// ---- locations ----

/// Turns byte offsets into graphql-js locations: lines end at "\r\n", "\n" or "\r"; columns count UTF-16 code
/// units. Offsets are mostly asked in increasing order, so it walks on from the last one.
class Locator final {
public:
    explicit Locator(std::string_view source) : s_(source) {}

    Location At(std::size_t offset) {
        if (offset < pos_) *this = Locator(s_);
        for (; pos_ < offset && pos_ < s_.size(); ++pos_) {
            const auto b = static_cast<unsigned char>(s_[pos_]);
            const bool after_cr = after_cr_;
            after_cr_ = b == '\r';
            if (b == '\n' && after_cr) continue;
            if (b == '\n' || b == '\r') {
                ++line_;
                column_ = 0;
            } else if ((b & 0xC0) != 0x80) {
                column_ += b >= 0xF0 ? 2 : 1;  // a 4-byte sequence is a surrogate pair in UTF-16
            }
        }
        return {line_, column_ + 1};
    }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
    int line_ = 1;
    int column_ = 0;
    bool after_cr_ = false;
};

// ---- parser ----

/// graphql-js's Parser for executable documents. Type-system definitions and extensions are parsed (so that a
/// document has the same syntax errors as in graphql-js) and dropped; the first one is reported once the whole
/// document has parsed, like graphql-js's ExecutableDefinitionsRule. Every parse function returns false once an error
/// is recorded, and parsing stops there.
class Parser final {
public:
    Parser(std::string_view source, const ParseLimits& limits)
        : source_(source),
          limits_(limits),
          max_nesting_(std::min(limits.max_nesting, kNestingCeiling)),
          lexer_(source),
          locator_(source) {}

    std::variant<Document, SyntaxError> Run();

private:
    struct Failure {
        std::size_t pos = 0;
        std::string message;
    };

    // Tokens.
    bool Is(TokenKind kind) const { return token_.kind == kind; }
    bool IsKeyword(std::string_view word) const { return token_.kind == TokenKind::kName && token_.value == word; }
    Location LocationOf(const Token& token) { return locator_.At(token.start); }
    bool Advance();
    bool Peek(const Token*& next);
    bool Fail(std::size_t pos, std::string message);
    bool Unexpected(const Token& token) { return Fail(token.start, "Unexpected " + Describe(token) + "."); }
    bool Expect(TokenKind kind);
    bool ExpectName(std::string& name);
    bool ExpectKeyword(std::string_view word);
    bool SkipDescription();
    /// `open item+ close` (or `open item* close` when `allow_empty`), the current token being `open`.
    template <typename Item>
    bool Delimited(TokenKind open, TokenKind close, bool allow_empty, Item&& item);
    /// Delimited, one level deeper.
    template <typename Item>
    bool Nested(TokenKind open, TokenKind close, bool allow_empty, Item&& item);
    bool Enter();

    // Executable definitions.
    bool ParseDefinition(Document& document);
    bool ParseOperation(Operation& operation);
    bool ParseVariableDefinition(VariableDefinition& variable);
    bool ParseSelectionSet(SelectionSet& selections);
    bool ParseSelection(Selection& selection);
    bool ParseArguments(bool is_const, std::vector<Argument>& arguments);
    bool ParseDirectives(bool is_const, std::vector<Directive>& directives);
    bool ParseFragment(Fragment& fragment);
    bool ParseFragmentName(std::string& name);
    bool ParseValue(bool is_const, Value& value);
    bool ParseType(TypeRef& type);

    // Type-system definitions, checked and dropped.
    bool ParseTypeSystemDefinition(const std::string& keyword);
    bool ParseTypeSystemExtension();
    bool SkipConstDirectives(bool& found);
    bool SkipNamedType();
    bool SkipImplementsInterfaces(bool& found);
    bool SkipFieldsDefinition(bool& found);
    bool SkipInputValuesDefinition(TokenKind open, TokenKind close, bool& found);
    bool SkipInputValueDefinition();
    bool SkipUnionMemberTypes(bool& found);
    bool SkipEnumValuesDefinition(bool& found);
    bool SkipOperationTypesDefinition(bool& found);
    bool SkipDirectiveLocations();
    void NoteNotExecutable(std::size_t start, const std::string& name);

    std::string_view source_;
    ParseLimits limits_;
    int max_nesting_;
    Lexer lexer_;
    Locator locator_;
    Token token_;
    Token next_;
    bool has_next_ = false;
    std::size_t tokens_ = 0;
    int depth_ = 0;
    std::optional<Failure> failure_;
    std::optional<Failure> not_executable_;
};

std::variant<Document, SyntaxError> Parser::Run() {
    if (source_.size() > limits_.max_bytes) {
        return SyntaxError{"Document too large: " + std::to_string(source_.size()) + " bytes, at most " +
                               std::to_string(limits_.max_bytes) + ".",
                           {1, 1}};
    }
    Document document;
    bool ok = Advance();
    while (ok) {
        ok = ParseDefinition(document);
        if (ok && Is(TokenKind::kEof)) break;
    }
    if (!ok) return SyntaxError{failure_->message, locator_.At(failure_->pos)};
    if (not_executable_) return SyntaxError{not_executable_->message, locator_.At(not_executable_->pos)};
    return document;
}

bool Parser::Advance() {
    if (has_next_) {
        token_ = std::move(next_);
        has_next_ = false;
    } else if (!lexer_.Read(token_.end, token_)) {
        return Fail(lexer_.failure().pos, lexer_.failure().message);
    }
    if (Is(TokenKind::kEof) || ++tokens_ <= limits_.max_tokens) return true;
    return Fail(token_.start,
                "Document contains more than " + std::to_string(limits_.max_tokens) + " tokens. Parsing aborted.");
}

bool Parser::Peek(const Token*& next) {
    if (!has_next_) {
        if (!lexer_.Read(token_.end, next_)) return Fail(lexer_.failure().pos, lexer_.failure().message);
        has_next_ = true;
    }
    next = &next_;
    return true;
}

bool Parser::Fail(std::size_t pos, std::string message) {
    failure_ = Failure{pos, "Syntax Error: " + std::move(message)};
    return false;
}

bool Parser::Expect(TokenKind kind) {
    if (Is(kind)) return Advance();
    return Fail(token_.start, "Expected " + KindName(kind) + ", found " + Describe(token_) + ".");
}

bool Parser::ExpectName(std::string& name) {
    if (!Is(TokenKind::kName)) return Expect(TokenKind::kName);
    name = std::move(token_.value);
    return Advance();
}

bool Parser::ExpectKeyword(std::string_view word) {
    if (IsKeyword(word)) return Advance();
    return Fail(token_.start, "Expected \"" + std::string(word) + "\", found " + Describe(token_) + ".");
}

bool Parser::SkipDescription() {
    if (Is(TokenKind::kString) || Is(TokenKind::kBlockString)) return Advance();
    return true;
}

template <typename Item>
bool Parser::Delimited(TokenKind open, TokenKind close, bool allow_empty, Item&& item) {
    if (!Expect(open)) return false;
    if (!allow_empty || !Is(close)) {
        do {
            if (!item()) return false;
        } while (!Is(close));
    }
    return Advance();
}

template <typename Item>
bool Parser::Nested(TokenKind open, TokenKind close, bool allow_empty, Item&& item) {
    if (!Is(open)) return Expect(open);
    if (!Enter() || !Delimited(open, close, allow_empty, std::forward<Item>(item))) return false;
    --depth_;  // (after a failure depth_ no longer matters: parsing stops)
    return true;
}

bool Parser::Enter() {
    if (++depth_ <= max_nesting_) return true;
    return Fail(token_.start,
                "Document is nested more than " + std::to_string(max_nesting_) + " levels deep. Parsing aborted.");
}

// ---- executable definitions ----

bool Parser::ParseDefinition(Document& document) {
    if (Is(TokenKind::kBraceL)) return ParseOperation(document.operations.emplace_back());
    const bool has_description = Is(TokenKind::kString) || Is(TokenKind::kBlockString);
    const Token* keyword = &token_;
    if (has_description && !Peek(keyword)) return false;
    if (has_description && keyword->kind == TokenKind::kBraceL) {
        return Fail(token_.start, "Unexpected description, descriptions are not supported on shorthand queries.");
    }
    if (keyword->kind == TokenKind::kName) {
        const std::string word = keyword->value;  // a copy: parsing moves on from `keyword`
        if (word == "schema" || word == "scalar" || word == "type" || word == "interface" || word == "union" ||
            word == "enum" || word == "input" || word == "directive") {
            return ParseTypeSystemDefinition(word);
        }
        if (word == "query" || word == "mutation" || word == "subscription") {
            return ParseOperation(document.operations.emplace_back());
        }
        if (word == "fragment") return ParseFragment(document.fragments.emplace_back());
        if (has_description) {
            return Fail(token_.start, "Unexpected description, only GraphQL definitions support descriptions.");
        }
        if (word == "extend") return ParseTypeSystemExtension();
    }
    return Unexpected(*keyword);
}

bool Parser::ParseOperation(Operation& operation) {
    operation.loc = LocationOf(token_);
    if (Is(TokenKind::kBraceL)) return ParseSelectionSet(operation.selections);
    if (!SkipDescription()) return false;
    // The caller saw query, mutation or subscription here.
    if (token_.value == "mutation") operation.kind = Operation::Kind::kMutation;
    if (token_.value == "subscription") operation.kind = Operation::Kind::kSubscription;
    if (!Advance()) return false;
    if (Is(TokenKind::kName) && !ExpectName(operation.name)) return false;
    if (Is(TokenKind::kParenL) && !Delimited(TokenKind::kParenL, TokenKind::kParenR, false, [&] {
            return ParseVariableDefinition(operation.variables.emplace_back());
        })) {
        return false;
    }
    return ParseDirectives(false, operation.directives) && ParseSelectionSet(operation.selections);
}

bool Parser::ParseVariableDefinition(VariableDefinition& variable) {
    variable.loc = LocationOf(token_);
    if (!SkipDescription() || !Expect(TokenKind::kDollar) || !ExpectName(variable.name) || !Expect(TokenKind::kColon) ||
        !ParseType(variable.type)) {
        return false;
    }
    if (Is(TokenKind::kEquals) && (!Advance() || !ParseValue(true, variable.default_value.emplace()))) return false;
    return ParseDirectives(true, variable.directives);
}

bool Parser::ParseSelectionSet(SelectionSet& selections) {
    // graphql-js 17 accepts `{}` unless allowEmptySelectionSets is false; the AST could not tell `f {}` from `f`.
    return Nested(TokenKind::kBraceL, TokenKind::kBraceR, false,
                  [&] { return ParseSelection(selections.emplace_back()); });
}

bool Parser::ParseSelection(Selection& selection) {
    selection.loc = LocationOf(token_);
    if (Is(TokenKind::kSpread)) {
        if (!Advance()) return false;
        const bool has_type_condition = IsKeyword("on");
        if (has_type_condition && !Advance()) return false;
        if (!has_type_condition && Is(TokenKind::kName)) {
            selection.kind = Selection::Kind::kFragmentSpread;
            return ParseFragmentName(selection.name) && ParseDirectives(false, selection.directives);
        }
        selection.kind = Selection::Kind::kInlineFragment;
        if (has_type_condition && !ExpectName(selection.type_condition)) return false;
        return ParseDirectives(false, selection.directives) && ParseSelectionSet(selection.selections);
    }
    selection.kind = Selection::Kind::kField;
    std::string name;
    if (!ExpectName(name)) return false;
    if (Is(TokenKind::kColon)) {
        selection.alias = std::move(name);
        if (!Advance() || !ExpectName(name)) return false;
    }
    selection.name = std::move(name);
    if (!ParseArguments(false, selection.arguments) || !ParseDirectives(false, selection.directives)) return false;
    return !Is(TokenKind::kBraceL) || ParseSelectionSet(selection.selections);
}

bool Parser::ParseArguments(bool is_const, std::vector<Argument>& arguments) {
    if (!Is(TokenKind::kParenL)) return true;
    return Delimited(TokenKind::kParenL, TokenKind::kParenR, false, [&] {
        Argument& argument = arguments.emplace_back();
        argument.loc = LocationOf(token_);
        return ExpectName(argument.name) && Expect(TokenKind::kColon) && ParseValue(is_const, argument.value);
    });
}

bool Parser::ParseDirectives(bool is_const, std::vector<Directive>& directives) {
    while (Is(TokenKind::kAt)) {
        Directive& directive = directives.emplace_back();
        directive.loc = LocationOf(token_);
        if (!Advance() || !ExpectName(directive.name) || !ParseArguments(is_const, directive.arguments)) return false;
    }
    return true;
}

bool Parser::ParseFragment(Fragment& fragment) {
    fragment.loc = LocationOf(token_);
    return SkipDescription() && ExpectKeyword("fragment") && ParseFragmentName(fragment.name) && ExpectKeyword("on") &&
           ExpectName(fragment.type_condition) && ParseDirectives(false, fragment.directives) &&
           ParseSelectionSet(fragment.selections);
}

bool Parser::ParseFragmentName(std::string& name) {
    if (token_.value == "on") return Unexpected(token_);  // whatever the token's kind, as in graphql-js
    return ExpectName(name);
}

bool Parser::ParseValue(bool is_const, Value& value) {
    value.loc = LocationOf(token_);
    switch (token_.kind) {
        case TokenKind::kBracketL:
            value.kind = Value::Kind::kList;
            return Nested(TokenKind::kBracketL, TokenKind::kBracketR, true,
                          [&] { return ParseValue(is_const, value.list.emplace_back()); });
        case TokenKind::kBraceL:
            value.kind = Value::Kind::kObject;
            return Nested(TokenKind::kBraceL, TokenKind::kBraceR, true, [&] {
                auto& [name, field] = value.fields.emplace_back();
                return ExpectName(name) && Expect(TokenKind::kColon) && ParseValue(is_const, field);
            });
        case TokenKind::kInt:
        case TokenKind::kFloat:
        case TokenKind::kString:
        case TokenKind::kBlockString:
            value.kind = Is(TokenKind::kInt)     ? Value::Kind::kInt
                         : Is(TokenKind::kFloat) ? Value::Kind::kFloat
                                                 : Value::Kind::kString;
            value.text = std::move(token_.value);
            return Advance();
        case TokenKind::kName:
            value.kind = token_.value == "true" || token_.value == "false" ? Value::Kind::kBoolean
                         : token_.value == "null"                          ? Value::Kind::kNull
                                                                           : Value::Kind::kEnum;
            if (value.kind != Value::Kind::kNull) value.text = std::move(token_.value);
            return Advance();
        case TokenKind::kDollar: {
            if (!is_const) {
                value.kind = Value::Kind::kVariable;
                return Advance() && ExpectName(value.text);
            }
            const Token dollar = token_;
            if (!Advance()) return false;
            if (!Is(TokenKind::kName)) return Unexpected(dollar);
            return Fail(dollar.start, "Unexpected variable \"$" + token_.value + "\" in constant value.");
        }
        default: return Unexpected(token_);
    }
}

bool Parser::ParseType(TypeRef& type) {
    const Location loc = LocationOf(token_);
    TypeRef inner;
    inner.loc = loc;
    if (Is(TokenKind::kBracketL)) {
        TypeRef item;
        if (!Enter() || !Advance() || !ParseType(item) || !Expect(TokenKind::kBracketR)) return false;
        --depth_;
        inner.kind = TypeRef::Kind::kList;
        inner.of = std::make_shared<const TypeRef>(std::move(item));
    } else if (!ExpectName(inner.name)) {
        return false;
    }
    if (!Is(TokenKind::kBang)) {
        type = std::move(inner);
        return true;
    }
    type.kind = TypeRef::Kind::kNonNull;
    type.of = std::make_shared<const TypeRef>(std::move(inner));
    type.loc = loc;
    return Advance();
}

// ---- type-system definitions (graphql-js's grammar, checked and dropped) ----

void Parser::NoteNotExecutable(std::size_t start, const std::string& name) {
    if (not_executable_) return;
    not_executable_ = Failure{
        start, "The " + (name.empty() ? std::string("schema") : '"' + name + '"') + " definition is not executable."};
}

bool Parser::ParseTypeSystemDefinition(const std::string& keyword) {
    const std::size_t start = token_.start;
    std::string name;
    bool found = false;
    if (!SkipDescription() || !ExpectKeyword(keyword)) return false;
    if (keyword == "schema") {
        if (!SkipConstDirectives(found)) return false;
        if (!Is(TokenKind::kBraceL)) return Expect(TokenKind::kBraceL);
        if (!SkipOperationTypesDefinition(found)) return false;
    } else if (keyword == "directive") {
        if (!Expect(TokenKind::kAt) || !ExpectName(name) ||
            !SkipInputValuesDefinition(TokenKind::kParenL, TokenKind::kParenR, found) || !SkipConstDirectives(found)) {
            return false;
        }
        if (IsKeyword("repeatable") && !Advance()) return false;
        if (!ExpectKeyword("on") || !SkipDirectiveLocations()) return false;
    } else {
        if (!ExpectName(name)) return false;
        if ((keyword == "type" || keyword == "interface") && !SkipImplementsInterfaces(found)) return false;
        if (!SkipConstDirectives(found)) return false;
        if (keyword == "type" || keyword == "interface") {
            if (!SkipFieldsDefinition(found)) return false;
        } else if (keyword == "union") {
            if (!SkipUnionMemberTypes(found)) return false;
        } else if (keyword == "enum") {
            if (!SkipEnumValuesDefinition(found)) return false;
        } else if (keyword == "input") {
            if (!SkipInputValuesDefinition(TokenKind::kBraceL, TokenKind::kBraceR, found)) return false;
        }
    }
    NoteNotExecutable(start, keyword == "schema" ? std::string() : name);
    return true;
}

bool Parser::ParseTypeSystemExtension() {
    const std::size_t start = token_.start;
    const Token* next = nullptr;
    if (!Peek(next)) return false;
    const std::string keyword = next->kind == TokenKind::kName ? next->value : std::string();
    if (keyword != "schema" && keyword != "scalar" && keyword != "type" && keyword != "interface" &&
        keyword != "union" && keyword != "enum" && keyword != "input" && keyword != "directive") {
        return Unexpected(*next);
    }
    if (!Advance() || !Advance()) return false;  // extend, keyword
    std::string name;
    bool found = false;
    if (keyword == "schema") {
        bool has_operation_types = false;
        if (!SkipConstDirectives(found) || !SkipOperationTypesDefinition(has_operation_types)) return false;
        found = found || has_operation_types;
    } else {
        if (keyword == "directive" && !Expect(TokenKind::kAt)) return false;
        if (!ExpectName(name)) return false;
        if ((keyword == "type" || keyword == "interface") && !SkipImplementsInterfaces(found)) return false;
        if (!SkipConstDirectives(found)) return false;
        if ((keyword == "type" || keyword == "interface") && !SkipFieldsDefinition(found)) return false;
        if (keyword == "union" && !SkipUnionMemberTypes(found)) return false;
        if (keyword == "enum" && !SkipEnumValuesDefinition(found)) return false;
        if (keyword == "input" && !SkipInputValuesDefinition(TokenKind::kBraceL, TokenKind::kBraceR, found)) {
            return false;
        }
    }
    if (!found) return Unexpected(token_);
    NoteNotExecutable(start, name);
    return true;
}

bool Parser::SkipConstDirectives(bool& found) {
    std::vector<Directive> directives;
    if (!ParseDirectives(true, directives)) return false;
    found = found || !directives.empty();
    return true;
}

bool Parser::SkipNamedType() {
    std::string name;
    return ExpectName(name);
}

bool Parser::SkipImplementsInterfaces(bool& found) {
    if (!IsKeyword("implements")) return true;
    found = true;
    if (!Advance() || (Is(TokenKind::kAmp) && !Advance()) || !SkipNamedType()) return false;
    while (Is(TokenKind::kAmp)) {
        if (!Advance() || !SkipNamedType()) return false;
    }
    return true;
}

bool Parser::SkipFieldsDefinition(bool& found) {
    if (!Is(TokenKind::kBraceL)) return true;
    found = true;
    return Delimited(TokenKind::kBraceL, TokenKind::kBraceR, false, [&] {
        std::string name;
        bool has_arguments = false;
        bool has_directives = false;
        TypeRef type;
        return SkipDescription() && ExpectName(name) &&
               SkipInputValuesDefinition(TokenKind::kParenL, TokenKind::kParenR, has_arguments) &&
               Expect(TokenKind::kColon) && ParseType(type) && SkipConstDirectives(has_directives);
    });
}

bool Parser::SkipInputValuesDefinition(TokenKind open, TokenKind close, bool& found) {
    if (!Is(open)) return true;
    found = true;
    return Delimited(open, close, false, [&] { return SkipInputValueDefinition(); });
}

bool Parser::SkipInputValueDefinition() {
    std::string name;
    TypeRef type;
    bool has_directives = false;
    if (!SkipDescription() || !ExpectName(name) || !Expect(TokenKind::kColon) || !ParseType(type)) return false;
    if (Is(TokenKind::kEquals)) {
        Value value;
        if (!Advance() || !ParseValue(true, value)) return false;
    }
    return SkipConstDirectives(has_directives);
}

bool Parser::SkipUnionMemberTypes(bool& found) {
    if (!Is(TokenKind::kEquals)) return true;
    found = true;
    if (!Advance() || (Is(TokenKind::kPipe) && !Advance()) || !SkipNamedType()) return false;
    while (Is(TokenKind::kPipe)) {
        if (!Advance() || !SkipNamedType()) return false;
    }
    return true;
}

bool Parser::SkipEnumValuesDefinition(bool& found) {
    if (!Is(TokenKind::kBraceL)) return true;
    found = true;
    return Delimited(TokenKind::kBraceL, TokenKind::kBraceR, false, [&] {
        bool has_directives = false;
        if (!SkipDescription()) return false;
        if (token_.value == "true" || token_.value == "false" || token_.value == "null") {
            return Fail(token_.start, Describe(token_) + " is reserved and cannot be used for an enum value.");
        }
        return SkipNamedType() && SkipConstDirectives(has_directives);
    });
}

bool Parser::SkipOperationTypesDefinition(bool& found) {
    if (!Is(TokenKind::kBraceL)) return true;
    found = true;
    return Delimited(TokenKind::kBraceL, TokenKind::kBraceR, false, [&] {
        const Token operation = token_;
        if (!Expect(TokenKind::kName)) return false;
        if (operation.value != "query" && operation.value != "mutation" && operation.value != "subscription") {
            return Unexpected(operation);
        }
        return Expect(TokenKind::kColon) && SkipNamedType();
    });
}

bool Parser::SkipDirectiveLocations() {
    const auto location = [&] {
        const Token name = token_;
        if (!Expect(TokenKind::kName)) return false;
        const bool known =
            std::find(kDirectiveLocations.begin(), kDirectiveLocations.end(), name.value) != kDirectiveLocations.end();
        return known || Unexpected(name);
    };
    if ((Is(TokenKind::kPipe) && !Advance()) || !location()) return false;
    while (Is(TokenKind::kPipe)) {
        if (!Advance() || !location()) return false;
    }
    return true;
}

}  // namespace

std::variant<Document, SyntaxError> Parse(std::string_view source, const ParseLimits& limits) {
    return Parser(source, limits).Run();
}

}  // namespace dihya::graphql
