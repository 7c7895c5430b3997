#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace hipcoach::server::testing {
namespace {

std::string lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Fills `response`'s status and headers from a response head (without its
// final blank line). False when the status line has no status.
bool parse_head(std::string_view head, ParsedResponse& response) {
  std::size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  const auto space = status_line.find(' ');
  if (space == std::string_view::npos) return false;
  response.status = std::atoi(std::string(status_line.substr(space + 1)).c_str());
  while (line_end != std::string_view::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line(head.substr(
        start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start));
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers[lowercase(line.substr(0, colon))] = trim(line.substr(colon + 1));
  }
  return true;
}

}  // namespace

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{};
  timeout.tv_sec = 10;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::optional<ParsedResponse> parse_closed_response(std::string_view bytes) {
  const auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos || !bytes.starts_with("HTTP/1.1 ")) return std::nullopt;
  ParsedResponse response;
  if (!parse_head(bytes.substr(0, head_end), response)) return std::nullopt;
  response.body = std::string(bytes.substr(head_end + 4));
  return response;
}

TestClient::TestClient(std::uint16_t port) : fd_(connect_loopback(port)) {}

TestClient::~TestClient() { close(); }

void TestClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool TestClient::fill() {
  char chunk[16 * 1024];
  for (;;) {
    const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(received));
    return true;
  }
}

std::optional<ParsedResponse> TestClient::read_response(bool expect_body) {
  if (fd_ < 0) return std::nullopt;
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  const std::string head = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  ParsedResponse response;
  if (!parse_head(head, response)) return std::nullopt;
  if (expect_body && response.status != 304 && response.status != 204) {
    const std::size_t length = static_cast<std::size_t>(
        std::strtoull(response.header("content-length").c_str(), nullptr, 10));
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
  }
  return response;
}

bool TestClient::wait_for_close() {
  char chunk[4096];
  for (;;) {
    const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
    if (received == 0) return true;
    if (received < 0) {
      if (errno == EINTR) continue;
      return errno == ECONNRESET;  // EAGAIN: the safety timeout passed.
    }
  }
}

std::optional<ParsedResponse> http_get(std::uint16_t port, std::string_view target,
                                       std::string_view extra_headers) {
  TestClient client(port);
  if (!client.is_connected()) return std::nullopt;
  std::string request = "GET ";
  request.append(target);
  request += " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  request.append(extra_headers);
  request += "\r\n";
  if (!client.send(request)) return std::nullopt;
  return client.read_response();
}

}  // namespace hipcoach::server::testing
