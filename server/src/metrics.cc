#include "metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace hipcoach::server {
namespace {

// Most specific first where two could match: a literal segment is listed
// before a "{id}" in the same place.
constexpr std::string_view kRouteList[] = {
    "other",
    "static",
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/v1/protocol",
    "/api/v1/protocol/{id}",
    "/api/v1/clinic",
    "/api/v1/clinic/outcomes",
    "/api/v1/triage",
    "/api/v1/triage/questions",
    "/api/v1/questionnaires",
    "/api/v1/questionnaires/{id}/responses",
    "/api/v1/accounts",
    "/api/v1/sessions",
    "/api/v1/sessions/current",
    "/api/v1/sessions/two-factor",
    "/api/v1/me",
    "/api/v1/me/audit",
    "/api/v1/me/export",
    "/api/v1/me/notifications",
    "/api/v1/me/notifications/{id}",
    "/api/v1/me/password",
    "/api/v1/me/reminders",
    "/api/v1/me/reminders.ics",
    "/api/v1/me/reminders/feed",
    "/api/v1/me/reminders/{id}",
    "/api/v1/me/summary",
    "/api/v1/me/summary.pdf",
    "/api/v1/me/triage",
    "/api/v1/me/two-factor",
    "/api/v1/me/two-factor/confirm",
    "/api/v1/me/two-factor/recovery-codes",
    "/api/v1/diary",
    "/api/v1/diary/{id}",
    "/api/v1/guided-sessions",
    "/api/v1/guided-sessions/{id}",
    "/api/v1/progress",
    "/api/v1/session-plan",
    "/api/v1/sessions-log",
    "/api/v1/sessions-log/{id}",
    "/api/v1/appointments",
    "/api/v1/appointments/{id}",
    "/api/v1/appointments/{id}/ical",
    "/api/v1/appointments/{id}/notes",
    "/api/v1/appointments/{id}/summary.pdf",
    "/api/v1/audit",
    "/api/v1/consents",
    "/api/v1/consents/{id}",
    "/api/v1/patients",
    "/api/v1/patients/{id}/diary",
    "/api/v1/patients/{id}/questionnaires",
    "/api/v1/patients/{id}/sessions",
    "/api/v1/patients/{id}/summary.pdf",
    "/api/v1/patients/{id}/triage",
    "/api/v1/patients/{id}/outcomes",
    "/api/v1/patients/{id}/progress",
};
static_assert(std::size(kRouteList) == kRouteCount, "kRouteCount must match the table");

constexpr std::size_t kOther = 0;
constexpr std::size_t kStatic = 1;
constexpr std::size_t kFirstPath = 2;

constexpr std::array<std::string_view, kRouteCount> make_templates() {
  std::array<std::string_view, kRouteCount> result{};
  for (std::size_t i = 0; i < kRouteCount; ++i) result[i] = kRouteList[i];
  return result;
}

// True when `path` matches `pattern` segment by segment, "{id}" matching
// any one non-empty segment.
bool matches(std::string_view pattern, std::string_view path) noexcept {
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::size_t pattern_end = std::min(pattern.find('/'), pattern.size());
    const std::size_t path_end = std::min(path.find('/'), path.size());
    const std::string_view pattern_segment = pattern.substr(0, pattern_end);
    const std::string_view path_segment = path.substr(0, path_end);
    if (pattern_segment == "{id}" ? path_segment.empty() : pattern_segment != path_segment) {
      return false;
    }
    pattern.remove_prefix(pattern_end);
    path.remove_prefix(path_end);
  }
  return pattern.empty() && path.empty();
}

std::size_t method_index(std::string_view method) noexcept {
  for (std::size_t i = 0; i + 1 < Metrics::kMethods.size(); ++i) {
    if (Metrics::kMethods[i] == method) return i;
  }
  return Metrics::kMethods.size() - 1;
}

std::size_t status_index(int status) noexcept {
  for (std::size_t i = 0; i < Metrics::kStatuses.size(); ++i) {
    if (Metrics::kStatuses[i] == status) return i;
  }
  return Metrics::kStatuses.size();
}

std::uint64_t to_nanoseconds(double seconds) noexcept {
  if (!(seconds > 0)) return 0;  // Also NaN.
  if (seconds > 1e9) return static_cast<std::uint64_t>(1e18);
  return static_cast<std::uint64_t>(seconds * 1e9);
}

// Seconds as Prometheus reads them: a float with enough digits.
std::string seconds_text(std::uint64_t nanoseconds) {
  return fmt::format("{:.9f}", static_cast<double>(nanoseconds) / 1e9);
}

std::string bucket_text(double bound) { return fmt::format("{}", bound); }

}  // namespace

const std::array<std::string_view, kRouteCount> kRouteTemplates = make_templates();

std::size_t route_index(std::string_view path, int status) noexcept {
  for (std::size_t i = kFirstPath; i < kRouteCount; ++i) {
    if (matches(kRouteList[i], path)) return i;
  }
  if (path.starts_with("/api/") || path == "/api" || !path.starts_with('/') || status == 404) {
    return kOther;
  }
  return kStatic;
}

bool is_loopback(std::string_view address) noexcept {
  constexpr std::string_view kMapped = "::ffff:";
  if (address == "::1") return true;
  if (address.starts_with(kMapped)) address.remove_prefix(kMapped.size());
  return address.starts_with("127.");
}

void Metrics::record_request(std::string_view method, std::string_view path, int status,
                             double seconds) noexcept {
  const std::size_t route = route_index(path, status);
  const std::size_t slot =
      (route * kMethods.size() + method_index(method)) * kStatusSlots + status_index(status);
  requests_[slot].fetch_add(1, std::memory_order_relaxed);

  std::size_t bucket = 0;
  while (bucket < kDurationBuckets.size() && seconds > kDurationBuckets[bucket]) ++bucket;
  buckets_[route * kBucketSlots + bucket].fetch_add(1, std::memory_order_relaxed);
  duration_sum_ns_[route].fetch_add(to_nanoseconds(seconds), std::memory_order_relaxed);
}

void Metrics::record_sign_in_failure() noexcept {
  sign_in_failures_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::record_database_time(double seconds) noexcept {
  database_ns_.fetch_add(to_nanoseconds(seconds), std::memory_order_relaxed);
}

void Metrics::connection_opened() noexcept {
  connections_open_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::connection_closed() noexcept {
  connections_open_.fetch_sub(1, std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(16 * 1024);
  const auto append = std::back_inserter(out);

  out +=
      "# HELP hipcoach_http_requests_total HTTP requests answered, by route template, method and "
      "status.\n"
      "# TYPE hipcoach_http_requests_total counter\n";
  for (std::size_t route = 0; route < kRouteCount; ++route) {
    for (std::size_t method = 0; method < kMethods.size(); ++method) {
      for (std::size_t status = 0; status < kStatusSlots; ++status) {
        const std::uint64_t count =
            requests_[(route * kMethods.size() + method) * kStatusSlots + status].load(
                std::memory_order_relaxed);
        if (count == 0) continue;
        const std::string status_label =
            status < kStatuses.size() ? std::to_string(kStatuses[status]) : "other";
        fmt::format_to(append,
                       "hipcoach_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} "
                       "{}\n",
                       kRouteTemplates[route], kMethods[method], status_label, count);
      }
    }
  }

  out +=
      "# HELP hipcoach_http_request_duration_seconds Time from reading a request to having its "
      "answer, by route template.\n"
      "# TYPE hipcoach_http_request_duration_seconds histogram\n";
  for (std::size_t route = 0; route < kRouteCount; ++route) {
    std::array<std::uint64_t, kBucketSlots> counts{};
    std::uint64_t total = 0;
    for (std::size_t bucket = 0; bucket < kBucketSlots; ++bucket) {
      counts[bucket] = buckets_[route * kBucketSlots + bucket].load(std::memory_order_relaxed);
      total += counts[bucket];
    }
    if (total == 0) continue;
    const std::string_view name = kRouteTemplates[route];
    std::uint64_t cumulative = 0;
    for (std::size_t bucket = 0; bucket < kBucketSlots; ++bucket) {
      cumulative += counts[bucket];
      const std::string bound =
          bucket < kDurationBuckets.size() ? bucket_text(kDurationBuckets[bucket]) : "+Inf";
      fmt::format_to(append,
                     "hipcoach_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     name, bound, cumulative);
    }
    fmt::format_to(append, "hipcoach_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", name,
                   seconds_text(duration_sum_ns_[route].load(std::memory_order_relaxed)));
    fmt::format_to(append, "hipcoach_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                   name, total);
  }

  fmt::format_to(append,
                 "# HELP hipcoach_sign_in_failures_total Failed sign-ins (wrong email or password, "
                 "or too many attempts).\n"
                 "# TYPE hipcoach_sign_in_failures_total counter\n"
                 "hipcoach_sign_in_failures_total {}\n",
                 sign_in_failures_.load(std::memory_order_relaxed));
  fmt::format_to(append,
                 "# HELP hipcoach_database_seconds Seconds spent by request handlers on the "
                 "database lane (an approximation of the time spent in the database: it includes "
                 "the handlers' own work).\n"
                 "# TYPE hipcoach_database_seconds counter\n"
                 "hipcoach_database_seconds {}\n",
                 seconds_text(database_ns_.load(std::memory_order_relaxed)));
  fmt::format_to(append,
                 "# HELP hipcoach_connections_open Client connections open now.\n"
                 "# TYPE hipcoach_connections_open gauge\n"
                 "hipcoach_connections_open {}\n",
                 connections_open_.load(std::memory_order_relaxed));
  return out;
}

Metrics& metrics() noexcept {
  static Metrics instance;
  return instance;
}

}  // namespace hipcoach::server
