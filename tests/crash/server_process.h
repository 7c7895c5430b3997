// The real `hipcoach serve` binary as a child process, and the few API calls
// the crash tests make against it, for tests that kill the server or fill its
// disk. Not thread-safe unless a method says so.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "test_client.h"

namespace hipcoach::crash_testing {

using server::testing::ParsedResponse;
using server::testing::TestClient;

// True when the binaries were built with AddressSanitizer (the server is
// several times slower: the tests do fewer rounds).
constexpr bool kSanitized =
#if defined(HIPCOACH_SANITIZED)
    true;
#else
    false;
#endif

struct ServerStart {
  // The SQLite database file (--db sqlite:PATH).
  std::filesystem::path database;
  // The server's RLIMIT_FSIZE soft limit in bytes (the hard limit stays as
  // it is, so that raise_file_size_limit can lift it); SIGXFSZ is ignored,
  // so writes past it fail with EFBIG.
  std::optional<rlim_t> file_size_limit;
};

// `hipcoach serve --listen 127.0.0.1:0` on a database. Its stdout and stderr
// go to a pipe that a thread drains (the last 64 KiB are kept for failure
// messages). The child gets SIGKILL if the test process dies.
class ServerProcess {
 public:
  // Starts the server and waits for its "listening on" line (up to 60 s).
  // nullptr, with `why` set, when it cannot start or exits first.
  static std::unique_ptr<ServerProcess> start(const ServerStart& options, std::string& why);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // SIGKILL, then waits for the process. Thread-safe with respect to the
  // clients talking to the server.
  void kill_hard();
  // SIGTERM, then waits; returns the exit status (128 + signal when killed).
  int stop();
  // True while the process has not exited.
  bool running();
  // Raises the running process's RLIMIT_FSIZE to its hard limit (prlimit):
  // "frees space".
  bool raise_file_size_limit();
  // What the server wrote last (stdout and stderr together).
  std::string output_tail() const;

 private:
  ServerProcess() = default;
  void drain(int fd);
  void reap(int status);

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool exited_ = false;
  int exit_status_ = 0;
  std::thread drainer_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;   // Guarded by mutex_.
  bool closed_ = false;  // The pipe reached EOF; guarded by mutex_.
};

// One request on `client` (keep-alive) with a bearer token and an optional
// JSON body; nullopt when no answer came (the server died).
std::optional<ParsedResponse> call(TestClient& client, std::string_view method,
                                   std::string_view target, std::string_view token,
                                   std::string_view json_body = {});

// Signs up a new patient; the session token, or nullopt (with `why`).
std::optional<std::string> sign_up(std::uint16_t port, std::string_view email, std::string& why);

// The body of a diary entry whose note is `note`.
std::string diary_body(std::string_view note);

// Every note in the caller's diary (GET /api/v1/diary, page by page), or
// nullopt (with `why`) when a page does not come back as 200.
std::optional<std::multiset<std::string>> list_notes(std::uint16_t port, std::string_view token,
                                                     std::string& why);

// PRAGMA integrity_check on the database file, opened read-only: "ok" or
// what SQLite reports.
std::string integrity_check(const std::filesystem::path& database);

// The database file's journal mode (PRAGMA journal_mode, read-only): "wal"
// for a file the server has opened.
std::string journal_mode(const std::filesystem::path& database);

// A new empty directory under the test's temporary directory.
std::filesystem::path make_temporary_directory(std::string_view prefix);

}  // namespace hipcoach::crash_testing
