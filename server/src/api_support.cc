#include "api_support.h"

#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <utility>

#include "access_log.h"
#include "problem.h"

namespace hipcoach::server {

namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response body_response(int status, std::string body, std::string_view content_type,
                       std::string_view cache_control) {
  Response response;
  response.status = status;
  response.headers = {{"Content-Type", content_type},
                      {"Cache-Control", cache_control},
                      {"X-Content-Type-Options", "nosniff"}};
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

Response json_response(int status, const nlohmann::json& value) {
  return body_response(status, dump(value));
}

Response no_content() {
  static const auto kEmpty = std::make_shared<const std::string>();
  Response response;
  response.status = 204;
  response.headers = {{"Cache-Control", "no-store"}};
  response.body = kEmpty;
  response.body_mode = BodyMode::kNone;
  return response;
}

Response method_not_allowed(std::string_view allow) {
  Response response = problem_response(405, "method", "this resource does not take this method");
  response.headers.push_back({"Allow", allow});
  return response;
}

Response error_response(const core::Error& error) {
  // A full disk is the operator's to fix: it is logged too (where and message
  // name a table or the file, never a value).
  if (error.code() == core::ErrorCode::kInternal || error.code() == core::ErrorCode::kStorageFull) {
    log_error("api", error.to_string());
  }
  Response response = problem_response(error);
  if (error.code() == core::ErrorCode::kUnauthenticated) {
    response.headers.push_back({"WWW-Authenticate", "Bearer"});
  }
  return response;
}

Response headers_only_for_head(const Request& request, Response response) {
  if (request.method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
  return response;
}

bool is_json(std::string_view content_type) {
  const std::string_view media_type = trim(content_type.substr(0, content_type.find(';')));
  constexpr std::string_view kJson = "application/json";
  if (media_type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i) {
    if (ascii_lower(media_type[i]) != kJson[i]) return false;
  }
  return true;
}

std::optional<Response> read_body(const Request& request, nlohmann::json& out) {
  if (!is_json(request.content_type)) {
    return problem_response(415, "Content-Type", "send the body as application/json");
  }
  try {
    out = nlohmann::json::parse(request.body);
    return std::nullopt;
  } catch (const nlohmann::json::parse_error& e) {
    // The byte offset locates the problem; the parser's own message could
    // quote the body, so it is not passed on.
    return problem_response(400, "/",
                            fmt::format("the body is not valid JSON (at byte {})", e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    // A number too large for a double (e.g. 1e999): found by fuzz/fuzz_api.
    return problem_response(400, "/", "the body is not valid JSON: a number is out of range");
  }
}

std::optional<std::string_view> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == key) {
      return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0 || text.empty() ||
      text.front() == '+') {
    return std::nullopt;
  }
  return id;
}

}  // namespace hipcoach::server
