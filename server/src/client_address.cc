#include "client_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "hipcoach/core/error.h"
#include "hipcoach/server/server.h"

namespace hipcoach::server {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string normalize_ip(std::string_view text) {
  text = trim(text);
  // "[::1]" as some proxies write IPv6.
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return {};
  const std::string copy(text);
  std::array<char, INET6_ADDRSTRLEN> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    if (inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) return {};
    return out.data();
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) != 1) return {};
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    if (inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) return {};
    return out.data();
  }
  if (inet_ntop(AF_INET6, &v6, out.data(), out.size()) == nullptr) return {};
  return out.data();
}

core::Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& addresses,
                                                   std::string_view where) {
  TrustedProxies proxies;
  for (const std::string& address : addresses) {
    std::string normalized = normalize_ip(address);
    if (normalized.empty()) {
      return core::Error::invalid_input(std::string(where),
                                        "\"" + address.substr(0, 64) + "\" is not an IP address");
    }
    if (!proxies.contains(normalized)) proxies.addresses_.push_back(std::move(normalized));
  }
  return proxies;
}

bool TrustedProxies::contains(std::string_view address) const {
  return std::find(addresses_.begin(), addresses_.end(), address) != addresses_.end();
}

std::string TrustedProxies::client(std::string_view peer, std::string_view x_forwarded_for) const {
  std::string client = normalize_ip(peer);
  if (client.empty()) client = std::string(peer);
  if (!contains(client)) return client;
  // Walk the header from the right: each entry was appended by the hop
  // before it; stop at the first that no trusted proxy vouches for.
  std::string_view rest = x_forwarded_for;
  while (!trim(rest).empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    std::string address = normalize_ip(entry);
    if (address.empty()) return client;  // Malformed: keep the last trusted hop.
    client = std::move(address);
    if (!contains(client)) return client;
  }
  return client;
}

core::Result<void> check_trusted_proxies(const std::vector<std::string>& addresses) {
  auto parsed = TrustedProxies::parse(addresses, "--trusted-proxy");
  if (!parsed) return parsed.error();
  return {};
}

}  // namespace hipcoach::server
