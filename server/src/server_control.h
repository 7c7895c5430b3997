// ServerControl: stop a running server from another thread and learn the
// port it listens on. The server's own half (set_*) is called by serve().
//
// Thread-safe: every member may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace hipcoach::server {

class ServerControl {
 public:
  ServerControl() = default;
  ServerControl(const ServerControl&) = delete;
  ServerControl& operator=(const ServerControl&) = delete;

  // Asks the server to shut down gracefully, as SIGTERM does. May be called
  // before the server starts; it then stops as soon as it listens.
  void request_stop();

  // Blocks until the server listens, then returns its port; returns nullopt
  // when it failed to start.
  std::optional<std::uint16_t> wait_for_port();

  // The server's half.
  void set_listening(std::uint16_t port);
  void set_failed();
  // Registers how to stop the server; runs it at once if a stop was asked
  // already. `handler` must be thread-safe and must not call back into this.
  void set_stop_handler(std::function<void()> handler);
  // REQUIRES: called before whatever the stop handler refers to is destroyed.
  void clear_stop_handler();

 private:
  enum class State { kStarting, kListening, kFailed };

  std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::kStarting;
  std::uint16_t port_ = 0;
  bool stop_requested_ = false;
  std::function<void()> stop_handler_;
};

}  // namespace hipcoach::server
