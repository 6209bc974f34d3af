#include "core/net.hpp"

#include <array>
#include <cstring>

#include <arpa/inet.h>

namespace dihya {

std::optional<std::string> TruncateIp(std::string_view ip) {
    if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (auto percent = ip.find('%'); percent != std::string_view::npos) ip = ip.substr(0, percent);  // zone
    if (ip.empty() || ip.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string text(ip);
    std::array<unsigned char, 4> v4{};
    std::array<char, INET6_ADDRSTRLEN> buf{};
    auto format_v4 = [&]() -> std::optional<std::string> {
        v4[3] = 0;
        if (inet_ntop(AF_INET, v4.data(), buf.data(), buf.size()) == nullptr) return std::nullopt;
        return std::string(buf.data());
    };
    if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return format_v4();
    std::array<unsigned char, 16> v6{};
    if (inet_pton(AF_INET6, text.c_str(), v6.data()) != 1) return std::nullopt;
    constexpr std::array<unsigned char, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0) {
        std::memcpy(v4.data(), v6.data() + 12, 4);
        return format_v4();
    }
    for (std::size_t i = 6; i < v6.size(); ++i) v6[i] = 0;
    if (inet_ntop(AF_INET6, v6.data(), buf.data(), buf.size()) == nullptr) return std::nullopt;
    return std::string(buf.data());
}

}  // namespace dihya
