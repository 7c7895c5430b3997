// ConnectionPool: up to `size` database connections, opened on demand and
// shared by all threads; the SQLite store's readers and the PostgreSQL store
// both use one.
//
// Thread-safe: a caller takes a connection (waiting while all are in use)
// for one call, and the Lease gives it back when it goes. A connection the
// pool's `reusable` check refuses (left broken or inside a transaction) is
// closed instead of kept.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::storage {

template <typename Connection>
class ConnectionPool {
 public:
  // Opens a new connection; `where` names the caller's place for errors.
  using Connect = std::function<core::Result<std::unique_ptr<Connection>>(const std::string&)>;
  // True when a connection given back may serve the next caller.
  using Reusable = std::function<bool(Connection&)>;

  ConnectionPool(int size, Connect connect, Reusable reusable)
      : size_(size), connect_(std::move(connect)), reusable_(std::move(reusable)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection held for one call; back to the pool when it goes.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  core::Result<Lease> take(const std::string& where) {
    std::unique_lock lock(mutex_);
    idle_changed_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++open_;
    lock.unlock();
    auto connection = connect_(where);
    if (!connection) {
      lock.lock();
      --open_;
      idle_changed_.notify_one();
      return connection.error();
    }
    return Lease(*this, std::move(*connection));
  }

 private:
  void give_back(std::unique_ptr<Connection> connection) {
    const bool reusable = reusable_(*connection);
    if (!reusable) connection.reset();
    const std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
    idle_changed_.notify_one();
  }

  const int size_;
  const Connect connect_;
  const Reusable reusable_;
  std::mutex mutex_;
  std::condition_variable idle_changed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // Guarded by mutex_.
  int open_ = 0;                                   // Idle and leased; guarded by mutex_.
};

}  // namespace hipcoach::storage
