// The server's counters for GET /metrics, in the Prometheus text exposition
// format 0.0.4 (docs/api.md, "Operations").
//
// Every label comes from a fixed table: a route template (never the raw
// path, the query, an id or an email), one of a few methods and one of a few
// status codes. So the number of series is bounded and recording a request
// allocates nothing: it finds three indexes and bumps relaxed atomics.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hipcoach::server {

// The route templates, the values of the "route" label. Index 0 is "other"
// (an unknown API path, a missing file, a request that could not be parsed),
// index 1 "static" (a file of web/).
inline constexpr std::size_t kRouteCount = 57;
extern const std::array<std::string_view, kRouteCount> kRouteTemplates;

// Returns the index in kRouteTemplates of the route that `path` (the raw
// path of a request target, before any '?') names: "{id}" stands for any one
// non-empty segment. A path outside /api/ that is not an operations path is
// "static", or "other" when `status` is 404 (no such file). Pure; never
// allocates.
std::size_t route_index(std::string_view path, int status) noexcept;
inline std::string_view route_template(std::string_view path, int status) noexcept {
  return kRouteTemplates[route_index(path, status)];
}

// True when `address` (as the server writes a peer's address: "127.0.0.1",
// "::1", "::ffff:127.0.0.1") is a loopback address: 127.0.0.0/8 or ::1.
bool is_loopback(std::string_view address) noexcept;

// The upper bounds, in seconds, of the request-duration histogram's finite buckets.
inline constexpr std::array<double, 12> kDurationBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,   0.25,   0.5,   1,    2.5,   5};

class Metrics {
 public:
  static constexpr std::array<std::string_view, 8> kMethods = {
      "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
  // The status codes this server answers with; any other counts as "other".
  static constexpr std::array<int, 25> kStatuses = {200, 201, 204, 206, 301, 302, 304, 400, 401,
                                                    403, 404, 405, 406, 409, 410, 412, 413, 415,
                                                    416, 422, 429, 431, 500, 501, 503};

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request: `path` is the raw path (no query); `seconds` how
  // long it took from reading it to having its answer.
  void record_request(std::string_view method, std::string_view path, int status,
                      double seconds) noexcept;
  // A failed POST /api/v1/sessions (wrong email or password, or rate-limited).
  void record_sign_in_failure() noexcept;
  // Time spent by a handler on the database lane.
  void record_database_time(double seconds) noexcept;
  void connection_opened() noexcept;
  void connection_closed() noexcept;

  // The exposition text: HELP and TYPE lines, then one sample a line; series
  // that never happened are left out (except the plain counters and the gauge).
  std::string render() const;

 private:
  static constexpr std::size_t kStatusSlots = kStatuses.size() + 1;         // + "other"
  static constexpr std::size_t kBucketSlots = kDurationBuckets.size() + 1;  // + "+Inf"
  using Counter = std::atomic<std::uint64_t>;

  std::array<Counter, kRouteCount * kMethods.size() * kStatusSlots> requests_{};
  // Per route, not cumulative: the render adds them up.
  std::array<Counter, kRouteCount * kBucketSlots> buckets_{};
  std::array<Counter, kRouteCount> duration_sum_ns_{};
  Counter sign_in_failures_{0};
  Counter database_ns_{0};
  std::atomic<std::int64_t> connections_open_{0};
};

// The process's metrics, which the server records into and /metrics shows.
Metrics& metrics() noexcept;

}  // namespace hipcoach::server
