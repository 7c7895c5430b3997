// The baseline for the HTTP figures: the smallest asynchronous Beast server,
// one thread, answering every request with "hello".
// Usage: hello_server PORT [BODY_FILE]
// PORT 0 picks a free port; BODY_FILE, when given, is answered instead of
// "hello" (to compare with a server sending the same bytes). Prints
// "hello_server listening on http://127.0.0.1:PORT/".
// clang-format off
// <utility> before Asio: with Boost 1.74 and g++ 12, asio/awaitable.hpp needs
// std::exchange (platform notes, trap 1); harmless with 1.81.
#include <utility>
// clang-format on

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string answer_body = "hello";

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void start() { do_read(); }

 private:
  void do_read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return;
    response_ = {http::status::ok, request_.version()};
    response_.set(http::field::content_type, "text/plain");
    response_.body() = answer_body;
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec || !response_.keep_alive()) return;
    do_read();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, tcp::acceptor&& acceptor)
      : io_(io), acceptor_(std::move(acceptor)) {}

  void start() {
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Session>(std::move(socket))->start();
    start();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: hello_server PORT [BODY_FILE]\n";
    return 2;
  }
  if (argc == 3) {
    std::ifstream in(argv[2], std::ios::binary);
    if (!in) {
      std::cerr << "hello_server: cannot read " << argv[2] << "\n";
      return 1;
    }
    answer_body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  try {
    asio::io_context io(1);
    const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
    const auto bound = acceptor.local_endpoint().port();
    std::make_shared<Listener>(io, std::move(acceptor))->start();
    std::cout << "hello_server listening on http://127.0.0.1:" << bound << "/" << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "hello_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
