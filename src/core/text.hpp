#pragma once

// Small ASCII string helpers shared by the modules.

#include <string>
#include <string_view>

namespace dihya {

/// `s` with A–Z lowered; every other byte (UTF-8 included) unchanged.
inline std::string AsciiLower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace dihya
