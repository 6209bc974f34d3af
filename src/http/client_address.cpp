#include "http/client_address.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/ip/address.hpp>

namespace dihya::http {

namespace {

/// The 16 bytes of an address (IPv4 as IPv4-mapped IPv6), or false.
bool Bytes(std::string_view text, unsigned char out[16], bool& v6) {
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(text), ec);
    if (ec) return false;
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    v6 = a.is_v6();
    const auto b = a.is_v6() ? a.to_v6().to_bytes()
                             : boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes();
    std::copy(b.begin(), b.end(), out);
    return true;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries, std::string_view key) {
    TrustedProxies out;
    for (const auto& entry : entries) {
        const std::string_view e = Trim(entry);
        if (e.empty()) continue;
        const auto slash = e.find('/');
        Range r;
        if (!Bytes(e.substr(0, slash), r.bytes, r.v6)) {
            return MakeError(ErrorCode::kInvalidArgument,
                             std::string(key) + ": '" + std::string(e) + "' is not an IP address or CIDR range");
        }
        const int max = r.v6 ? 128 : 32;
        r.prefix = max;
        if (slash != std::string_view::npos) {
            const std::string_view p = e.substr(slash + 1);
            const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), r.prefix);
            if (ec != std::errc() || end != p.data() + p.size() || r.prefix < 0 || r.prefix > max) {
                return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": '" + std::string(e) +
                                                                  "' has a bad prefix length (0-" +
                                                                  std::to_string(max) + ")");
            }
        }
        if (!r.v6) r.prefix += 96;  // IPv4 ranges compare in the IPv4-mapped space
        out.ranges_.push_back(r);
    }
    return out;
}

bool TrustedProxies::Trusts(std::string_view address) const {
    unsigned char b[16];
    bool v6 = false;
    if (ranges_.empty() || !Bytes(Trim(address), b, v6)) return false;
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& r) {
        int bits = r.prefix;
        for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
            const unsigned mask = bits >= 8 ? 0xFFU : (0xFFU << (8 - bits)) & 0xFFU;
            if ((b[i] & mask) != (r.bytes[i] & mask)) return false;
        }
        return true;
    });
}

std::string TrustedProxies::ClientOf(const std::string& peer,
                                     const std::vector<std::string_view>& forwarded_for) const {
    if (!Trusts(peer)) return peer;
    std::vector<std::string_view> hops;
    for (std::string_view value : forwarded_for) {
        while (!value.empty()) {
            const auto comma = value.find(',');
            hops.push_back(Trim(value.substr(0, comma)));
            value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        }
    }
    std::string leftmost;
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        unsigned char b[16];
        bool v6 = false;
        if (!Bytes(*it, b, v6)) return leftmost.empty() ? peer : leftmost;  // a hop we cannot read: stop there
        if (!Trusts(*it)) return std::string(*it);
        leftmost = std::string(*it);
    }
    return leftmost.empty() ? peer : leftmost;
}

}  // namespace dihya::http
