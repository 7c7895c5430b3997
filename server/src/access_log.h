// The server's log: one JSON object per line on stderr, through spdlog.
//
// Every line has "ts" (UTC, milliseconds) and "level", then "event". An
// access line adds the request id, method, path (never the query string),
// status, body bytes and duration. Bodies, cookies and Authorization headers
// are never logged. Lines are written in batches, at least once a second and
// at once for errors; flush_log() writes what waits. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hipcoach::server {

// Paths longer than this are cut in the log.
inline constexpr std::size_t kMaxLoggedPathBytes = 512;

struct AccessRecord {
  std::string_view request_id{};  // "PREFIX-N", as in Request::request_id.
  std::string_view method;
  std::string_view target;  // The raw request target; the query string is cut off here.
  int status = 0;
  std::size_t bytes = 0;  // Body bytes sent.
  double duration_ms = 0;
};

// Returns `text` as a JSON string literal, quotes included. Bytes outside
// printable ASCII are escaped as \u00XX, so any input makes valid JSON.
std::string json_quote(std::string_view text);

// Returns the members of an access line after "ts" and "level", without
// braces: "\"event\":\"access\",\"request_id\":\"3f9c01ab-1\",...".
std::string format_access_record(const AccessRecord& record);

void log_access(const AccessRecord& record);
// Logs {"event":"error","where":...,"detail":...} at error level.
void log_error(std::string_view where, std::string_view detail);
// Logs {"event":...,"detail":...} at info level.
void log_event(std::string_view event, std::string_view detail);
// Writes every waiting line to stderr.
void flush_log();

}  // namespace hipcoach::server
