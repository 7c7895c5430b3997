// A real server on a thread of the test, for the socket tests: the fixture
// data, port 0, an in-memory database, short timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "hipcoach/server/server.h"
#include "http_server.h"
#include "server_control.h"

namespace hipcoach::server::testing {

// The fixture's data and web files, 127.0.0.1 port 0, two threads, a
// "memory:" database.
inline ServerOptions running_server_options() {
  const std::filesystem::path fixture = HIPCOACH_SERVER_TESTDATA_DIR;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.data_dir = fixture;
  options.web_dir = fixture / "web";
  options.threads = 2;
  options.db_url = "memory:";
  return options;
}

// A server on its own thread, stopped when the object goes. port() is
// empty when it did not start (err() says why).
class RunningServer {
 public:
  explicit RunningServer(const ServerOptions& options) {
    ServeTuning tuning;
    // Short, so that silent-client tests end quickly; nothing asserts on it.
    tuning.read_timeout = std::chrono::milliseconds(300);
    tuning.shutdown_grace = std::chrono::milliseconds(3000);
    thread_ = std::thread([this, options, tuning] {
      exit_code_ = run_server(options, tuning, out_, err_, &control_);
    });
    port_ = control_.wait_for_port();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  ~RunningServer() { stop(); }

  // Stops the server; its exit code (0 after a clean shutdown).
  int stop() {
    if (thread_.joinable()) {
      control_.request_stop();
      thread_.join();
    }
    return exit_code_;
  }
  std::optional<std::uint16_t> port() const { return port_; }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

 private:
  ServerControl control_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::thread thread_;
  int exit_code_ = -1;
  std::optional<std::uint16_t> port_;
};

}  // namespace hipcoach::server::testing
