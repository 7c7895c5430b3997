// Two real `hipcoach serve` processes on one PostgreSQL database, as behind a
// load balancer: whatever one process knows about a session, a sign-in
// failure or a used two-step code, the other knows at once, because it is
// all in the database. Needs the test server of scripts/with-postgres.sh.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hipcoach/service/accounts.h"
#include "hipcoach/service/totp.h"
#include "hipcoach/storage/open_store.h"
#include "postgres_test_db.h"
#include "test_client.h"

extern char** environ;

namespace hipcoach::server {
namespace {

using nlohmann::json;
using storage::testing::TempDir;
using testing::ParsedResponse;
using testing::TestClient;

constexpr std::string_view kPassword = "correct horse battery";

// One `hipcoach serve --listen 127.0.0.1:0` process; stopped with SIGTERM
// when the object goes. Its log goes to `log`.
class ServerProcess {
 public:
  ServerProcess(const std::string& db_url, const std::filesystem::path& log) {
    int out[2] = {-1, -1};
    if (pipe(out) != 0) return;
    const std::string source = HIPCOACH_SOURCE_DIR;
    std::vector<std::string> args = {"hipcoach", "serve",         "--listen",  "127.0.0.1:0",
                                     "--db",     db_url,          "--data",    source + "/data",
                                     "--web",    source + "/web", "--threads", "1"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int spawned =
        posix_spawn(&pid_, HIPCOACH_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
      pid_ = -1;
      close(out[0]);
      return;
    }
    port_ = read_port(out[0]);
    close(out[0]);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  // The port it listens on; 0 when it did not start.
  std::uint16_t port() const { return port_; }

 private:
  // Reads the process's stdout until "listening on http://127.0.0.1:PORT/",
  // for at most 10 s (a safety net, not a timed assertion).
  static std::uint16_t read_port(int fd) {
    std::string text;
    const std::string marker = "listening on http://127.0.0.1:";
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (std::chrono::steady_clock::now() < give_up) {
      pollfd ready{fd, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) continue;
      char buffer[256];
      const ssize_t got = read(fd, buffer, sizeof buffer);
      if (got <= 0) return 0;
      text.append(buffer, static_cast<std::size_t>(got));
      const auto at = text.find(marker);
      if (at == std::string::npos) continue;
      const auto end = text.find('/', at + marker.size());
      if (end == std::string::npos) continue;
      return static_cast<std::uint16_t>(std::stoi(text.substr(at + marker.size())));
    }
    return 0;
  }

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

struct Reply {
  int status = 0;
  json body;
  std::string raw;
};

// One request on a connection of its own.
Reply request(std::uint16_t port, std::string_view method, std::string_view target,
              const json& body = nullptr, std::string_view token = "") {
  TestClient client(port);
  const std::string text = body.is_null() ? std::string() : body.dump();
  std::string head = std::string(method) + " " + std::string(target) +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + std::string(token) + "\r\n";
  if (!text.empty()) head += "Content-Type: application/json\r\n";
  head += "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
  Reply reply;
  if (!client.send(head)) return reply;
  const std::optional<ParsedResponse> response = client.read_response();
  if (!response) return reply;
  reply.status = response->status;
  reply.raw = response->body;
  reply.body = json::parse(response->body, nullptr, false);
  return reply;
}

class MultiProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    HIPCOACH_REQUIRE_POSTGRES();
    url_ = storage::testing::postgres_test_store_url(dir_);
    // The schema is made here, so that the servers start on a migrated one.
    auto store = storage::open_store(url_);
    ASSERT_TRUE(store) << store.error().to_string();
    store_ = std::move(*store);
    a_ = std::make_unique<ServerProcess>(url_, dir_.path() / "a.log");
    b_ = std::make_unique<ServerProcess>(url_, dir_.path() / "b.log");
    ASSERT_NE(a_->port(), 0) << log("a.log");
    ASSERT_NE(b_->port(), 0) << log("b.log");
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    store_.reset();
    if (!url_.empty()) storage::testing::postgres_test_drop_schema(dir_);
  }
  std::string log(const std::string& name) const {
    std::ifstream in(dir_.path() / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::uint16_t a() const { return a_->port(); }
  std::uint16_t b() const { return b_->port(); }

  static json credentials(std::string_view email, std::string_view password = kPassword) {
    return {{"email", email}, {"password", password}};
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ServerProcess> a_;
  std::unique_ptr<ServerProcess> b_;
};

TEST_F(MultiProcess, ASessionOpenedOnOneServerReadsOnTheOtherAndEndsOnBoth) {
  const Reply signed_up = request(a(), "POST", "/api/v1/accounts", credentials("pat@example.org"));
  ASSERT_EQ(signed_up.status, 201) << signed_up.raw;
  const std::string token = signed_up.body.at("token");
  const Reply added = request(
      a(), "POST", "/api/v1/diary",
      {{"pain", 6}, {"context", "rest"}, {"side", "left"}, {"note", "written on A"}}, token);
  ASSERT_EQ(added.status, 201) << added.raw;

  const Reply read = request(b(), "GET", "/api/v1/diary", nullptr, token);
  ASSERT_EQ(read.status, 200) << read.raw;
  ASSERT_EQ(read.body.at("entries").size(), 1U) << read.raw;
  EXPECT_EQ(read.body["entries"][0].at("id"), added.body.at("id"));
  EXPECT_EQ(read.body["entries"][0].at("note"), "written on A");

  ASSERT_EQ(request(b(), "DELETE", "/api/v1/sessions/current", nullptr, token).status, 204);
  EXPECT_EQ(request(a(), "GET", "/api/v1/me", nullptr, token).status, 401);
}

TEST_F(MultiProcess, WrongPasswordsSpreadOverBothServersLockTheAccountOnBoth) {
  ASSERT_EQ(request(a(), "POST", "/api/v1/accounts", credentials("pat@example.org")).status, 201);
  for (int i = 0; i < 5; ++i) {
    const Reply wrong = request(i % 2 == 0 ? a() : b(), "POST", "/api/v1/sessions",
                                credentials("pat@example.org", "not the password"));
    EXPECT_EQ(wrong.status, 401) << i << " " << wrong.raw;
  }
  for (const std::uint16_t port : {a(), b()}) {
    const Reply locked = request(port, "POST", "/api/v1/sessions", credentials("pat@example.org"));
    EXPECT_EQ(locked.status, 429) << locked.raw;
    EXPECT_NE(locked.raw.find("too many sign-in attempts; try again in "), std::string::npos)
        << locked.raw;
  }
}

TEST_F(MultiProcess, ATwoStepCodeUsedOnOneServerIsRefusedOnTheOther) {
  service::AccountOptions options;
  options.hash = service::PasswordHashOptions::minimum();
  service::Accounts accounts(*store_, options);
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto staff =
      accounts.create_account("doc@clinic.example", kPassword, storage::Role::kClinician, now);
  ASSERT_TRUE(staff) << staff.error().to_string();
  storage::TwoFactor two_factor;
  two_factor.user_id = staff->id;
  two_factor.secret = service::new_totp_secret();
  two_factor.created_at = now;
  ASSERT_TRUE(store_->start_two_factor(two_factor));
  ASSERT_TRUE(store_->enable_two_factor(staff->id, 0, {}, now));

  const Reply on_a = request(a(), "POST", "/api/v1/sessions", credentials("doc@clinic.example"));
  const Reply on_b = request(b(), "POST", "/api/v1/sessions", credentials("doc@clinic.example"));
  ASSERT_EQ(on_a.status, 201) << on_a.raw;
  ASSERT_EQ(on_b.status, 201) << on_b.raw;
  EXPECT_EQ(on_a.body.at("two_factor_required"), true);
  const std::string code = service::totp_code(two_factor.secret, service::totp_step(now));

  const Reply used = request(a(), "POST", "/api/v1/sessions/two-factor", {{"code", code}},
                             on_a.body.at("token").get<std::string>());
  ASSERT_EQ(used.status, 200) << used.raw;
  const Reply replayed = request(b(), "POST", "/api/v1/sessions/two-factor", {{"code", code}},
                                 on_b.body.at("token").get<std::string>());
  EXPECT_EQ(replayed.status, 400) << replayed.raw;
  EXPECT_EQ(replayed.body.value("detail", ""), "was used already; wait for the next code");
}

}  // namespace
}  // namespace hipcoach::server
