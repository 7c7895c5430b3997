// Who a request comes from, when the server sits behind a reverse proxy.
//
// The sign-in rate limiter counts failures per client address. Behind a
// proxy every connection comes from the proxy, so that one client's failures
// would lock everyone out. A proxy the operator names (`hipcoach serve
// --trusted-proxy ADDRESS`) appends the address it received the request from
// to X-Forwarded-For; the client is then the rightmost address in that
// header that is not itself a trusted proxy. Anything a client wrote to the
// left of it is ignored, so a client cannot choose its own address. Pure
// logic: no sockets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::server {

// Trusted proxies' addresses, normalized (IPv4 in dotted form, IPv6 in its
// RFC 5952 form, an IPv4-mapped IPv6 address as its IPv4 address).
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // kInvalidInput (where `where`) naming the first entry that is not an IP
  // address.
  static core::Result<TrustedProxies> parse(const std::vector<std::string>& addresses,
                                            std::string_view where);

  bool empty() const { return addresses_.empty(); }
  bool contains(std::string_view address) const;

  // The client of a request that came from `peer` with `x_forwarded_for`
  // (empty when absent). `peer` itself unless it is a trusted proxy; then
  // the rightmost forwarded address that is not a trusted proxy, or the
  // leftmost one when all are. A malformed entry stops the walk: the
  // address right of it (the last trusted hop) is the client.
  std::string client(std::string_view peer, std::string_view x_forwarded_for) const;

 private:
  std::vector<std::string> addresses_;
};

// `text` as a normalized IP address (see TrustedProxies), or empty when it
// is not one.
std::string normalize_ip(std::string_view text);

}  // namespace hipcoach::server
