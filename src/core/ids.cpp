#include "core/ids.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <sodium.h>

namespace dihya {

std::string RandomHex(std::size_t bytes) {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium failed to initialise");
    }
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), buf.data(), buf.size());
    hex.pop_back();
    return hex;
}

std::string NewRequestId() {
    struct PerThread {
        std::string prefix = RandomHex(8);
        std::uint32_t counter = 0;
    };
    thread_local PerThread state;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = state.prefix;
    id.resize(24);
    std::uint32_t n = state.counter++;
    for (int i = 23; i >= 16; --i) {
        id[static_cast<std::size_t>(i)] = kHex[n & 0xF];
        n >>= 4;
    }
    return id;
}

bool IsValidRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    return std::all_of(id.begin(), id.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-'; });
}

}  // namespace dihya
