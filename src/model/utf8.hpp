#pragma once

#include <cstddef>
#include <string_view>

namespace dihya::model::utf8 {

/// Decodes the code point at `i` and advances `i` past it. On an invalid sequence (bad lead or continuation byte,
/// overlong form, surrogate, beyond U+10FFFF) advances by one byte and returns false.
inline bool Next(std::string_view s, std::size_t& i, char32_t& cp) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        cp = b0;
        ++i;
        return true;
    }
    std::size_t len = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        ++i;
        return false;
    }
    if (i + len > s.size()) {
        ++i;
        return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return false;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return false;
    }
    i += len;
    return true;
}

/// The offset of the first invalid UTF-8 sequence, or npos.
inline std::size_t FindInvalid(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        char32_t cp = 0;
        if (!Next(s, i, cp)) return at;
    }
    return std::string_view::npos;
}

/// The number of code points (invalid bytes count as one each).
inline std::size_t Length(std::string_view s) {
    std::size_t n = 0;
    std::size_t i = 0;
    char32_t cp = 0;
    while (i < s.size()) {
        Next(s, i, cp);
        ++n;
    }
    return n;
}

}  // namespace dihya::model::utf8
