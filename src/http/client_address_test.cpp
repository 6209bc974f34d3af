#include "http/client_address.hpp"

#include <gtest/gtest.h>

namespace dihya::http {
namespace {

TEST(TrustedProxiesTest, BelievesTheHeaderOnlyFromTrustedPeersAndOnlyItsTrustedPart) {
    auto p = TrustedProxies::Parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8", " 192.0.2.7 "}, "trusted_proxies");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_TRUE(p->Trusts("10.1.2.3"));
    EXPECT_TRUE(p->Trusts("::ffff:10.1.2.3")) << "IPv4-mapped";
    EXPECT_TRUE(p->Trusts("fd12::1"));
    EXPECT_TRUE(p->Trusts("192.0.2.7"));
    EXPECT_FALSE(p->Trusts("192.0.2.8"));
    EXPECT_FALSE(p->Trusts("11.0.0.1"));
    EXPECT_FALSE(p->Trusts("not an address"));

    // From a client directly: the header is whatever it wrote, ignored.
    EXPECT_EQ(p->ClientOf("198.51.100.4", {"203.0.113.9"}), "198.51.100.4");
    // From the proxy: the right-most address the proxy did not write itself.
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"203.0.113.9"}), "203.0.113.9");
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"6.6.6.6, 203.0.113.9"}), "203.0.113.9") << "the left part is the client's";
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"6.6.6.6, 203.0.113.9, 10.0.0.5"}), "203.0.113.9") << "a proxy chain";
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"6.6.6.6", "203.0.113.9"}), "203.0.113.9") << "several header lines";
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"2001:db8::1"}), "2001:db8::1");
    EXPECT_EQ(p->ClientOf("127.0.0.1", {}), "127.0.0.1") << "no header: the peer";
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"garbage"}), "127.0.0.1");
    EXPECT_EQ(p->ClientOf("127.0.0.1", {"10.0.0.9, 10.0.0.5"}), "10.0.0.9") << "all trusted: the left-most";

    auto none = TrustedProxies::Parse({}, "trusted_proxies");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
    EXPECT_EQ(none->ClientOf("127.0.0.1", {"203.0.113.9"}), "127.0.0.1");

    auto bad = TrustedProxies::Parse({"10.0.0.0/33"}, "trusted_proxies");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "trusted_proxies: '10.0.0.0/33' has a bad prefix length (0-32)");
    bad = TrustedProxies::Parse({"proxy.example.org"}, "trusted_proxies");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "trusted_proxies: 'proxy.example.org' is not an IP address or CIDR range");
}

}  // namespace
}  // namespace dihya::http
