// The network half of the server: listener, connections and shutdown, on
// Boost.Beast. Only http_server.cc includes Beast.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>

#include "hipcoach/server/server.h"
#include "router.h"
#include "server_control.h"

namespace hipcoach::server {

// The request line and headers may hold at most this many bytes (-> 431).
inline constexpr std::uint32_t kHeaderLimitBytes = 8 * 1024;
// A request body may hold at most this many bytes (-> 413).
inline constexpr std::uint64_t kBodyLimitBytes = 1024 * 1024;

// Limits that tests shorten; the defaults are the production values.
struct ServeTuning {
  // How long a connection may take to send one request, and how long it
  // may stay idle between keep-alive requests. Default 30 s.
  std::chrono::milliseconds read_timeout{30'000};
  // How long writing one response may take. Default 30 s.
  std::chrono::milliseconds write_timeout{30'000};
  // After a stop, how long in-flight requests get before the connections
  // are cut. Default 10 s.
  std::chrono::milliseconds shutdown_grace{10'000};
};

// Listens on options.host:options.port with options.threads threads and
// answers every request with `router` until SIGINT, SIGTERM or
// control->request_stop(); over TLS when options.tls_cert is set. Prints the
// listening line to `out` and a failure to bind, or what is wrong with the
// TLS files, to `err`. Returns 0 after a clean shutdown, 1 when it cannot
// listen. `control` may be null. `router` must outlive the call.
int serve(const Router& router, const ServerOptions& options, const ServeTuning& tuning,
          std::ostream& out, std::ostream& err, ServerControl* control);

// run_server() with tuning and a control, for tests. `control` may be null;
// it is told of a failure to start as well.
int run_server(const ServerOptions& options, const ServeTuning& tuning, std::ostream& out,
               std::ostream& err, ServerControl* control);

}  // namespace hipcoach::server
