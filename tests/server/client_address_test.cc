#include "client_address.h"

#include <gtest/gtest.h>

namespace hipcoach::server {
namespace {

TrustedProxies proxies(const std::vector<std::string>& addresses) {
  auto parsed = TrustedProxies::parse(addresses, "--trusted-proxy");
  EXPECT_TRUE(parsed.has_value());
  return parsed.has_value() ? *parsed : TrustedProxies{};
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays) {
  const TrustedProxies none;
  EXPECT_EQ(none.client("203.0.113.7", "198.51.100.1"), "203.0.113.7");
  EXPECT_EQ(none.client("::1", ""), "::1");
}

TEST(ClientAddress, BehindATrustedProxyTheAddressItAppendedIsTheClient) {
  const auto trusted = proxies({"127.0.0.1"});
  EXPECT_EQ(trusted.client("127.0.0.1", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(trusted.client("127.0.0.1", " 203.0.113.7 "), "203.0.113.7");
}

TEST(ClientAddress, AClientCannotChooseItsAddressByWritingTheHeaderItself) {
  const auto trusted = proxies({"127.0.0.1"});
  // The client sent "X-Forwarded-For: 10.9.9.9"; nginx appended the real address.
  EXPECT_EQ(trusted.client("127.0.0.1", "10.9.9.9, 203.0.113.7"), "203.0.113.7");
  // A connection straight from the client is not from a proxy: the header is ignored.
  EXPECT_EQ(trusted.client("203.0.113.7", "10.9.9.9"), "203.0.113.7");
}

TEST(ClientAddress, ChainsOfTrustedProxiesAreWalkedFromTheRight) {
  const auto trusted = proxies({"10.0.0.1", "10.0.0.2"});
  EXPECT_EQ(trusted.client("10.0.0.2", "198.51.100.9, 203.0.113.7, 10.0.0.1"), "203.0.113.7");
  // Every hop trusted: the leftmost is as far as anyone vouches.
  EXPECT_EQ(trusted.client("10.0.0.2", "10.0.0.1"), "10.0.0.1");
}

TEST(ClientAddress, ATrustedProxyWithoutTheHeaderOrWithGarbageIsTheClient) {
  const auto trusted = proxies({"127.0.0.1"});
  EXPECT_EQ(trusted.client("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(trusted.client("127.0.0.1", "   "), "127.0.0.1");
  EXPECT_EQ(trusted.client("127.0.0.1", "not-an-address"), "127.0.0.1");
  EXPECT_EQ(trusted.client("127.0.0.1", "203.0.113.7, unknown"), "127.0.0.1");
  EXPECT_EQ(trusted.client("127.0.0.1", ",,,"), "127.0.0.1");
}

TEST(ClientAddress, IPv6AndIPv4MappedAddressesCompareByValue) {
  const auto trusted = proxies({"::1", "::ffff:10.0.0.5"});
  EXPECT_EQ(trusted.client("0:0:0:0:0:0:0:1", "2001:DB8::7"), "2001:db8::7");
  EXPECT_EQ(trusted.client("10.0.0.5", "[2001:db8::8]"), "2001:db8::8");
  EXPECT_EQ(trusted.client("::ffff:10.0.0.5", "203.0.113.7"), "203.0.113.7");
}

TEST(ClientAddress, ATrustedProxyThatIsNotAnAddressIsRefusedByName) {
  const auto parsed = TrustedProxies::parse({"127.0.0.1", "proxy.example"}, "--trusted-proxy");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().where(), "--trusted-proxy");
  EXPECT_NE(parsed.error().message().find("\"proxy.example\" is not an IP address"),
            std::string::npos);
  EXPECT_FALSE(TrustedProxies::parse({"10.0.0.0/8"}, "--trusted-proxy").has_value());
}

TEST(ClientAddress, NormalizeIpRefusesWhatIsNotAnAddress) {
  EXPECT_EQ(normalize_ip("127.000.0.1"), "");
  EXPECT_EQ(normalize_ip("1.2.3.4.5"), "");
  EXPECT_EQ(normalize_ip(std::string(100, '1')), "");
  EXPECT_EQ(normalize_ip("::FFFF:127.0.0.1"), "127.0.0.1");
}

}  // namespace
}  // namespace hipcoach::server
