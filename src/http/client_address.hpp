#pragma once

// The client's address behind reverse proxies. A request's peer is the proxy; when the peer is one of the trusted
// proxies (trusted_proxies: addresses or CIDR ranges), the client is the right-most address of X-Forwarded-For that
// is not itself a trusted proxy — entries to its left were written by the client and are not believed. Without
// trusted proxies the header is ignored, so nobody can choose the address their limits are counted under.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dihya::http {

class TrustedProxies final {
public:
    /// "10.0.0.0/8", "192.0.2.7", "::1", "fd00::/8". kInvalidArgument naming `key` and the entry otherwise.
    static Result<TrustedProxies> Parse(const std::vector<std::string>& entries, std::string_view key);

    bool empty() const { return ranges_.empty(); }
    bool Trusts(std::string_view address) const;
    /// The client of a request from `peer` with these X-Forwarded-For values (in order; each a comma-separated
    /// list): `peer` itself unless it is trusted; else the right-most untrusted valid address, or the left-most
    /// one when all are trusted; `peer` when the header is absent or holds no valid address where it counts.
    std::string ClientOf(const std::string& peer, const std::vector<std::string_view>& forwarded_for) const;

private:
    struct Range {
        bool v6 = false;
        unsigned char bytes[16] = {};
        int prefix = 0;
    };
    std::vector<Range> ranges_;
};

}  // namespace dihya::http
