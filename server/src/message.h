// The request and response as the router sees them: plain values with no
// sockets and no Beast, so that routing is tested without a network.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hipcoach::server {

// What the router needs from a request. The views point into the
// connection's parsed request and live as long as the call to Router::handle.
struct Request {
  std::string_view method{};           // As sent, e.g. "GET"; methods are case-sensitive.
  std::string_view target{};           // The request line's target, e.g. "/api/v1/protocol?x".
  std::string_view if_none_match{};    // Empty when absent.
  std::string_view accept_encoding{};  // Empty when absent.
  std::string_view content_type{};     // Empty when absent.
  std::string_view origin{};           // Empty when absent.
  std::string_view host{};             // Empty when absent.
  std::string_view authorization{};    // Empty when absent.
  std::string_view cookie{};           // Empty when absent.
  std::string_view client{};           // The peer's IP address, e.g. "127.0.0.1".
  std::string_view body{};             // Empty for GET and HEAD.
  // The server's id for this request, "PREFIX-N" (8 hex digits random to
  // the server process, then its count from 1): the X-Request-Id header of
  // its answer and the request_id of its access-log line and audit rows.
  // Empty when it does not come through the server (a test, a benchmark).
  std::string_view request_id{};
};

// A response header. Both views point at string literals, at strings the
// Router owns, or at Response::owned, so a Response must not outlive the
// Router that made it.
struct Header {
  std::string_view name;
  std::string_view value;
};

enum class BodyMode {
  kFull,         // Send the body and its Content-Length.
  kHeadersOnly,  // HEAD: send the Content-Length of the body, but no body.
  kNone,         // 304: no body and no Content-Length.
};

struct Response {
  int status = 200;
  std::vector<Header> headers;              // Without Date, Content-Length and Connection.
  std::shared_ptr<const std::string> body;  // Never null; shared with the router's cache.
  BodyMode body_mode = BodyMode::kFull;
  // Header values made for this response alone (a cookie, a Location). Each
  // string is allocated on its own so that views into it survive moves.
  std::vector<std::unique_ptr<const std::string>> owned;

  // Adds a header whose value this response owns.
  void add_header(std::string_view name, std::string value) {
    owned.push_back(std::make_unique<const std::string>(std::move(value)));
    headers.push_back({name, *owned.back()});
  }

  // Returns the value of the first header called `name` (case-sensitive, as
  // the router writes them), or an empty view.
  std::string_view header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.name == name) return h.value;
    }
    return {};
  }
  // The number of body bytes sent on the wire.
  std::size_t sent_body_bytes() const { return body_mode == BodyMode::kFull ? body->size() : 0; }
};

}  // namespace hipcoach::server
