#include "server_process.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

namespace hipcoach::crash_testing {
namespace {

constexpr std::size_t kKeptOutput = 64 * 1024;
constexpr std::string_view kListening = "listening on http://";

// The port in the server's "HipCoach listening on http://HOST:PORT/" line.
std::optional<std::uint16_t> listening_port(const std::string& output) {
  const auto at = output.find(kListening);
  if (at == std::string::npos) return std::nullopt;
  const auto line_end = output.find('\n', at);
  if (line_end == std::string::npos) return std::nullopt;
  const std::string url = output.substr(at + kListening.size(), line_end - at - kListening.size());
  const auto colon = url.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const long port = std::strtol(url.c_str() + colon + 1, nullptr, 10);
  if (port <= 0 || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::start(const ServerStart& options, std::string& why) {
  // Everything the child needs is made before fork: after it, only
  // async-signal-safe calls until exec.
  const std::string binary = HIPCOACH_BINARY;
  const std::string source = HIPCOACH_SOURCE_DIR;
  std::vector<std::string> arguments = {
      binary,          "serve",          "--listen",
      "127.0.0.1:0",   "--db",           "sqlite:" + options.database.string(),
      "--data",        source + "/data", "--web",
      source + "/web", "--threads",      "2"};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  // The hard limit stays as it is (unlimited, usually), so that the soft one
  // can be raised again without privileges.
  rlimit limit{};
  ::getrlimit(RLIMIT_FSIZE, &limit);
  if (options.file_size_limit) limit.rlim_cur = std::min(*options.file_size_limit, limit.rlim_max);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    why = "pipe2 failed";
    return nullptr;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    why = "fork failed";
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return nullptr;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::signal(SIGXFSZ, SIG_IGN);  // Stays ignored across exec.
    if (options.file_size_limit && ::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);

  std::unique_ptr<ServerProcess> process(new ServerProcess);
  process->pid_ = pid;
  process->drainer_ = std::thread([raw = process.get(), fd = pipe_fds[0]] { raw->drain(fd); });

  std::unique_lock lock(process->mutex_);
  const bool started = process->changed_.wait_for(
      lock, std::chrono::seconds(60), [&] { return process->port_ != 0 || process->closed_; });
  if (!started || process->port_ == 0) {
    why =
        std::string(started ? "the server exited before listening" : "no listening line in 60 s") +
        "; it wrote:\n" + process->output_;
    lock.unlock();
    return nullptr;
  }
  return process;
}

void ServerProcess::drain(int fd) {
  char chunk[8192];
  for (;;) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    const std::lock_guard lock(mutex_);
    output_.append(chunk, static_cast<std::size_t>(got));
    if (port_ == 0) {
      if (const auto port = listening_port(output_)) {
        port_ = *port;
        changed_.notify_all();
      }
    }
    if (port_ != 0 && output_.size() > 2 * kKeptOutput) {
      output_.erase(0, output_.size() - kKeptOutput);
    }
  }
  ::close(fd);
  const std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

void ServerProcess::reap(int status) {
  exited_ = true;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (drainer_.joinable()) drainer_.join();
}

void ServerProcess::kill_hard() {
  if (exited_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reap(status);
}

int ServerProcess::stop() {
  if (exited_) return exit_status_;
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reap(status);
  return exit_status_;
}

bool ServerProcess::running() {
  if (exited_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    reap(status);
    return false;
  }
  return true;
}

bool ServerProcess::raise_file_size_limit() {
  rlimit limit{};
  if (::prlimit(pid_, RLIMIT_FSIZE, nullptr, &limit) != 0) return false;
  limit.rlim_cur = limit.rlim_max;
  return ::prlimit(pid_, RLIMIT_FSIZE, &limit, nullptr) == 0;
}

std::string ServerProcess::output_tail() const {
  const std::lock_guard lock(mutex_);
  return output_.size() > kKeptOutput ? output_.substr(output_.size() - kKeptOutput) : output_;
}

ServerProcess::~ServerProcess() { kill_hard(); }

std::optional<ParsedResponse> call(TestClient& client, std::string_view method,
                                   std::string_view target, std::string_view token,
                                   std::string_view json_body) {
  std::string request(method);
  request += ' ';
  request += target;
  request += " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) {
    request += "Authorization: Bearer ";
    request += token;
    request += "\r\n";
  }
  if (!json_body.empty() || method == "POST") {
    request += "Content-Type: application/json\r\nContent-Length: ";
    request += std::to_string(json_body.size());
    request += "\r\n";
  }
  request += "\r\n";
  request += json_body;
  if (!client.send(request)) return std::nullopt;
  return client.read_response();
}

std::optional<std::string> sign_up(std::uint16_t port, std::string_view email, std::string& why) {
  TestClient client(port);
  const nlohmann::json body = {{"email", email}, {"password", "a long enough passphrase"}};
  const auto response = call(client, "POST", "/api/v1/accounts", "", body.dump());
  if (!response || response->status != 201) {
    why = response ? "sign-up answered " + std::to_string(response->status) + ": " + response->body
                   : "sign-up got no answer";
    return std::nullopt;
  }
  return nlohmann::json::parse(response->body).at("token").get<std::string>();
}

std::string diary_body(std::string_view note) {
  return nlohmann::json{{"pain", 4}, {"context", "rest"}, {"side", "left"}, {"note", note}}.dump();
}

std::optional<std::multiset<std::string>> list_notes(std::uint16_t port, std::string_view token,
                                                     std::string& why) {
  TestClient client(port);
  std::multiset<std::string> notes;
  std::string target = "/api/v1/diary?limit=1000";
  for (;;) {
    const auto response = call(client, "GET", target, token);
    if (!response || response->status != 200) {
      why = response ? "GET " + target + " answered " + std::to_string(response->status) + ": " +
                           response->body
                     : "GET " + target + " got no answer";
      return std::nullopt;
    }
    const auto page = nlohmann::json::parse(response->body);
    for (const auto& entry : page.at("entries")) notes.insert(entry.value("note", ""));
    if (page.at("next").is_null()) return notes;
    target = "/api/v1/diary?limit=1000&before=" + url_encode(page.at("next").get<std::string>());
  }
}

namespace {

// Every row's first column of the pragma `sql` on `database` opened
// read-only, one a line, or what went wrong.
std::string read_pragma(const std::filesystem::path& database, const char* sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string why = std::string("cannot open: ") + sqlite3_errmsg(db);
    sqlite3_close(db);
    return why;
  }
  sqlite3_busy_timeout(db, 5000);
  std::string result;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    result = std::string("cannot prepare: ") + sqlite3_errmsg(db);
  } else {
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
      if (!result.empty()) result += '\n';
      result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    if (rc != SQLITE_DONE) result += std::string("\nstep failed: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return result;
}

}  // namespace

std::string integrity_check(const std::filesystem::path& database) {
  return read_pragma(database, "PRAGMA integrity_check");
}

std::string journal_mode(const std::filesystem::path& database) {
  return read_pragma(database, "PRAGMA journal_mode");
}

std::filesystem::path make_temporary_directory(std::string_view prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

}  // namespace hipcoach::crash_testing
