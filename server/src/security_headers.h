// The headers every response carries, page or API, error or not: the
// server adds each one the route did not set itself (http_server.cc).
#pragma once

#include <array>
#include <string_view>

#include "message.h"

namespace hipcoach::server {

// The pages are plain HTML, CSS and ES modules from this server, with no
// inline script or style and no third-party anything: the policy allows
// exactly that.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

inline constexpr std::array<Header, 5> kSecurityHeaders = {{
    {"Content-Security-Policy", kContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    // For browsers that predate frame-ancestors.
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
}};

// Sent on every response when the server is reached over HTTPS (--tls-cert,
// or --secure-cookies behind a proxy that terminates TLS): browsers then use
// HTTPS for this host for a year. Without includeSubDomains, which is the
// domain owner's call.
inline constexpr Header kStrictTransportSecurity = {"Strict-Transport-Security",
                                                    "max-age=31536000"};

}  // namespace hipcoach::server
