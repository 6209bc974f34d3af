#include "auth/display_text.hpp"

#include <cstdio>

#include "model/utf8.hpp"

namespace dihya::auth {

namespace {

bool Blank(char32_t cp) {
    return cp == U' ' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
           cp == 0x200E || cp == 0x200F || cp == 0x061C || cp == 0x200C || cp == 0x200D;
}

std::string CodeName(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

}  // namespace

const char* RefusedCodePoint(char32_t cp) {
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return "control character";
    if (cp == 0x2028 || cp == 0x2029) return "line or paragraph separator";
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return "bidirectional override";
    if (cp == 0x200B || cp == 0x2060 || cp == 0xFEFF) return "invisible character";
    if (cp >= 0xFFF9 && cp <= 0xFFFB) return "interlinear annotation";
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return "non-character";
    return nullptr;
}

Result<void> CheckDisplayText(std::string_view field, std::string_view value, std::size_t max_bytes) {
    const std::string name(field);
    const auto bad = [&](const std::string& reason) {
        return MakeError(ErrorCode::kInvalidArgument, name + " " + reason, {{name, reason}});
    };
    if (value.size() > max_bytes) return bad("must be at most " + std::to_string(max_bytes) + " bytes");
    std::size_t i = 0;
    std::size_t position = 0;
    bool printable = false;
    while (i < value.size()) {
        char32_t cp = 0;
        if (!model::utf8::Next(value, i, cp)) return bad("must be UTF-8 text");
        ++position;
        if (const char* why = RefusedCodePoint(cp); why != nullptr) {
            return bad("must not contain a " + std::string(why) + " (" + CodeName(cp) + " at character " +
                       std::to_string(position) + ")");
        }
        if (!Blank(cp)) printable = true;
    }
    if (!printable) return bad("must not be empty");
    return Ok();
}

std::string CleanDisplayText(std::string_view value, std::size_t max_bytes) {
    std::string out;
    std::size_t i = 0;
    while (i < value.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        if (!model::utf8::Next(value, i, cp) || RefusedCodePoint(cp) != nullptr) continue;
        if (Blank(cp) && (out.empty() || out.back() == ' ')) continue;
        if (out.size() + (i - at) > max_bytes) break;
        if (cp == U' ' || cp == 0xA0 || cp == 0x3000) {
            out += ' ';
        } else {
            out.append(value.substr(at, i - at));
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace dihya::auth
