#include "server_control.h"

#include <utility>

namespace hipcoach::server {

void ServerControl::request_stop() {
  const std::lock_guard lock(mutex_);
  stop_requested_ = true;
  if (stop_handler_) stop_handler_();
}

std::optional<std::uint16_t> ServerControl::wait_for_port() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return state_ != State::kStarting; });
  if (state_ == State::kFailed) return std::nullopt;
  return port_;
}

void ServerControl::set_listening(std::uint16_t port) {
  {
    const std::lock_guard lock(mutex_);
    state_ = State::kListening;
    port_ = port;
  }
  changed_.notify_all();
}

void ServerControl::set_failed() {
  {
    const std::lock_guard lock(mutex_);
    state_ = State::kFailed;
  }
  changed_.notify_all();
}

void ServerControl::set_stop_handler(std::function<void()> handler) {
  const std::lock_guard lock(mutex_);
  stop_handler_ = std::move(handler);
  if (stop_requested_ && stop_handler_) stop_handler_();
}

void ServerControl::clear_stop_handler() {
  const std::lock_guard lock(mutex_);
  stop_handler_ = nullptr;
}

}  // namespace hipcoach::server
