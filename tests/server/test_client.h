// A blocking HTTP/1.1 client on raw POSIX sockets, for the socket tests. It
// sends exactly the bytes a test gives it, so that tests can send malformed
// requests that no HTTP library would write. No Beast here: the test binary
// stays cheap to compile.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hipcoach::server::testing {

struct ParsedResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // Names in lowercase.
  std::string body;

  std::string header(const std::string& lowercase_name) const {
    const auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port. Reads give up after 10 s: a safety net so a
  // broken server fails the test instead of hanging it.
  explicit TestClient(std::uint16_t port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool is_connected() const { return fd_ >= 0; }
  // Returns false when the bytes could not all be sent (e.g. the server closed).
  bool send(std::string_view bytes);
  // Reads one response. A body is read when `expect_body` and Content-Length
  // says so. Returns nullopt on EOF or timeout before a whole response.
  std::optional<ParsedResponse> read_response(bool expect_body = true);
  // Returns true when the server closes the connection (EOF or reset)
  // before the safety timeout; bytes that arrive first are dropped.
  bool wait_for_close();
  void close();

 private:
  // Reads more bytes into buffer_; false on EOF, error or timeout.
  bool fill();

  int fd_ = -1;
  std::string buffer_;
};

// A TCP socket connected to 127.0.0.1:port whose reads and writes give up
// after 10 s (a safety net, never asserted on); -1 when it cannot connect.
int connect_loopback(std::uint16_t port);

// Parses a whole response read until the server closed the connection:
// everything after the head is the body. nullopt without a complete head.
std::optional<ParsedResponse> parse_closed_response(std::string_view bytes);

// One GET with "Connection: close"; nullopt when no response came.
std::optional<ParsedResponse> http_get(std::uint16_t port, std::string_view target,
                                       std::string_view extra_headers = "");

}  // namespace hipcoach::server::testing
