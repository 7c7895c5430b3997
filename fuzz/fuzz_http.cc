// The HTTP request path: bytes as they come off a socket, parsed by Beast
// with the server's limits (8 KiB of headers, 1 MiB of body), one request
// after another as a keep-alive connection sends them, each handed to the
// Router (static files and the API on a MemoryStore) as the server does.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api.h"
#include "beast_request.h"
#include "fuzz_support.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/storage/memory_store.h"
#include "http_server.h"
#include "router.h"
#include "static_files.h"

namespace {

using namespace hipcoach;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr int kRequestsPerWorld = 4096;

struct World {
  World() {
    service::AccountOptions account_options;
    account_options.hash = service::PasswordHashOptions::minimum();
    accounts = std::make_unique<service::Accounts>(store, account_options);
    api = std::make_unique<server::Api>(fuzz::shipped_protocol(), store, *accounts);
    auto web = server::load_static_files(std::string(HIPCOACH_SOURCE_DIR) + "/web");
    if (!web) std::abort();
    files = std::move(*web);
    router = std::make_unique<server::Router>(fuzz::shipped_protocol(), files, api.get());
  }
  storage::MemoryStore store;
  server::StaticFileMap files;
  std::unique_ptr<service::Accounts> accounts;
  std::unique_ptr<server::Api> api;
  std::unique_ptr<server::Router> router;
  int requests = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<World> world;
  if (!world || world->requests >= kRequestsPerWorld) world = std::make_unique<World>();
  ++world->requests;

  beast::string_view rest(reinterpret_cast<const char*>(data), size);
  // At most a few pipelined requests per input, like one read of a socket.
  for (int message = 0; message < 8 && !rest.empty(); ++message) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(server::kHeaderLimitBytes);
    parser.body_limit(server::kBodyLimitBytes);
    parser.eager(true);
    beast::error_code ec;
    while (!rest.empty() && !parser.is_done()) {
      const std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(n);
      if (ec == http::error::need_more) {
        ec = {};
        if (n == 0) break;
        continue;
      }
      if (ec || n == 0) break;
    }
    if (ec || !parser.is_done()) break;  // The server answers 4xx or waits for more.
    const server::Response response =
        world->router->handle(server::request_view(parser.get(), "192.0.2.1"));
    if (response.status < 100 || response.status > 599 || !response.body) __builtin_trap();
    if (response.status == 500) __builtin_trap();
  }
  return 0;
}
