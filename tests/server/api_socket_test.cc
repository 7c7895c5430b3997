// The accounts and diary API through a real server on 127.0.0.1: requests
// that wait on the store or hash a password go through the worker pools and
// come back on their connection, and nothing private reaches the log.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "access_log.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/service/totp.h"
#include "hipcoach/storage/open_store.h"
#include "http_server.h"
#include "test_client.h"

namespace hipcoach::server {
namespace {

using testing::ParsedResponse;
using testing::TestClient;

const std::filesystem::path kFixture = HIPCOACH_SERVER_TESTDATA_DIR;

// Sends requests with a body on one keep-alive connection.
std::optional<ParsedResponse> send(TestClient& client, std::string_view method,
                                   std::string_view target, std::string_view body,
                                   std::string_view token = "") {
  std::string request = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  if (!client.send(request)) return std::nullopt;
  return client.read_response();
}

// Sends what the process writes to stderr (the log) to a file while alive.
class StderrCapture {
 public:
  explicit StderrCapture(std::filesystem::path path) : path_(std::move(path)) {
    std::fflush(stderr);
    saved_ = dup(2);
    std::FILE* file = std::fopen(path_.c_str(), "w");
    dup2(fileno(file), 2);
    std::fclose(file);
  }
  ~StderrCapture() { restore(); }
  std::string restore() {
    if (saved_ >= 0) {
      flush_log();
      std::fflush(stderr);
      dup2(saved_, 2);
      close(saved_);
      saved_ = -1;
    }
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::filesystem::path path_;
  int saved_ = -1;
};

TEST(ApiOverSockets, SignUpWriteAndReadWithoutLeakingPrivateDataToTheLog) {
  const auto log_path = std::filesystem::temp_directory_path() /
                        ("hipcoach-api-log-" + std::to_string(getpid()) + ".txt");
  StderrCapture capture(log_path);

  ServerOptions options;
  options.port = 0;
  options.data_dir = kFixture;
  options.web_dir = kFixture / "web";
  options.threads = 1;  // One network thread: the workers must not block it.
  options.db_url = "memory:";
  ServerControl control;
  std::ostringstream out;
  std::ostringstream err;
  int exit_code = -1;
  std::thread server([&] { exit_code = run_server(options, ServeTuning{}, out, err, &control); });
  const auto port = control.wait_for_port();
  ASSERT_TRUE(port.has_value()) << err.str();

  std::string token;
  {
    TestClient client(*port);
    const auto signed_up = send(client, "POST", "/api/v1/accounts",
                                R"({"email":"pat@example.org","password":"PRIVATE-password-1"})");
    ASSERT_TRUE(signed_up.has_value());
    ASSERT_EQ(signed_up->status, 201) << signed_up->body;
    token = nlohmann::json::parse(signed_up->body)["token"];

    const auto added =
        send(client, "POST", "/api/v1/diary",
             R"({"pain":7,"context":"rest","side":"left","note":"PRIVATE-NOTE"})", token);
    ASSERT_TRUE(added.has_value());
    EXPECT_EQ(added->status, 201) << added->body;
    EXPECT_EQ(added->header("location"), "/api/v1/diary/1");

    const auto listed = send(client, "GET", "/api/v1/diary?limit=30", "", token);
    ASSERT_TRUE(listed.has_value());
    EXPECT_EQ(nlohmann::json::parse(listed->body)["entries"][0]["note"], "PRIVATE-NOTE");

    const auto refused =
        send(client, "POST", "/api/v1/diary",
             R"({"pain":70,"context":"rest","side":"left","note":"PRIVATE-NOTE"})", token);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 400);

    const auto wrong = send(client, "POST", "/api/v1/sessions",
                            R"({"email":"pat@example.org","password":"PRIVATE-wrong-guess"})");
    ASSERT_TRUE(wrong.has_value());
    EXPECT_EQ(wrong->status, 401);
  }

  control.request_stop();
  server.join();
  EXPECT_EQ(exit_code, 0);
  const std::string log = capture.restore();
  std::filesystem::remove(log_path);
  EXPECT_NE(log.find("\"path\":\"/api/v1/diary\""), std::string::npos) << log;
  EXPECT_EQ(log.find("PRIVATE"), std::string::npos) << log;
  EXPECT_EQ(log.find(token), std::string::npos) << log;
  EXPECT_EQ(log.find("limit=30"), std::string::npos) << log;
}

constexpr std::string_view kDocSecret = "doc's 20-byte secret";

TEST(ApiOverSockets, AStaffReadsAuditRowCarriesTheRequestIdOfItsAnswer) {
  const auto db_path = std::filesystem::temp_directory_path() /
                       ("hipcoach-request-id-" + std::to_string(getpid()) + ".sqlite");
  std::filesystem::remove(db_path);
  const std::string db_url = "sqlite:" + db_path.string();
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  {
    auto store = storage::open_store(db_url);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    service::AccountOptions account_options;
    account_options.hash = service::PasswordHashOptions::minimum();
    service::Accounts accounts(**store, account_options);
    auto doc = accounts.create_account("doc@clinic.example", "doc-password-1",
                                       storage::Role::kClinician, now);
    ASSERT_TRUE(doc);
    // Staff need two-step sign-in: set up as confirming it would.
    storage::TwoFactor two_factor;
    two_factor.user_id = doc->id;
    two_factor.secret = kDocSecret;
    two_factor.created_at = now;
    ASSERT_TRUE((*store)->start_two_factor(two_factor));
    ASSERT_TRUE((*store)->enable_two_factor(doc->id, 0, {}, now));
  }
  ServerOptions options;
  options.port = 0;
  options.data_dir = kFixture;
  options.web_dir = kFixture / "web";
  options.threads = 1;
  options.db_url = db_url;
  ServerControl control;
  std::ostringstream out;
  std::ostringstream err;
  int exit_code = -1;
  std::thread server([&] { exit_code = run_server(options, ServeTuning{}, out, err, &control); });
  const auto port = control.wait_for_port();
  ASSERT_TRUE(port.has_value()) << err.str();

  std::string request_id;
  {
    TestClient client(*port);
    const auto signed_up = send(client, "POST", "/api/v1/accounts",
                                R"({"email":"pat@example.org","password":"pat-password-1"})");
    ASSERT_TRUE(signed_up.has_value());
    ASSERT_EQ(signed_up->status, 201) << signed_up->body;
    const std::string patient = nlohmann::json::parse(signed_up->body)["token"];
    const auto until = std::chrono::floor<std::chrono::days>(now) + std::chrono::days{30};
    const std::string consent =
        R"({"parts":["diary"],"until":")" + core::format_timestamp(until) + R"("})";
    const auto granted = send(client, "POST", "/api/v1/consents", consent, patient);
    ASSERT_TRUE(granted.has_value());
    ASSERT_EQ(granted->status, 201) << granted->body;
    const auto signed_in = send(client, "POST", "/api/v1/sessions",
                                R"({"email":"doc@clinic.example","password":"doc-password-1"})");
    ASSERT_TRUE(signed_in.has_value());
    ASSERT_EQ(signed_in->status, 201) << signed_in->body;
    const std::string doc = nlohmann::json::parse(signed_in->body)["token"];
    // The server reads the real clock; the code of this moment is within
    // the step either side that it accepts.
    const auto code = service::totp_code(
        kDocSecret, service::totp_step(std::chrono::time_point_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now())));
    const auto second =
        send(client, "POST", "/api/v1/sessions/two-factor", R"({"code":")" + code + R"("})", doc);
    ASSERT_TRUE(second.has_value());
    ASSERT_EQ(second->status, 200) << second->body;

    const auto listed = send(client, "GET", "/api/v1/patients", "", doc);
    ASSERT_TRUE(listed.has_value());
    ASSERT_EQ(listed->status, 200) << listed->body;
    request_id = listed->header("x-request-id");
    // Ids are this server's random prefix and its count from 1: the
    // sign-up, the consent and the sign-in's two steps came first.
    EXPECT_TRUE(std::regex_match(request_id, std::regex("[0-9a-f]{8}-5"))) << request_id;
  }
  control.request_stop();
  server.join();
  EXPECT_EQ(exit_code, 0);

  auto store = storage::open_store(db_url);
  ASSERT_TRUE(store.has_value()) << store.error().to_string();
  auto rows = (*store)->list_audit(10, std::nullopt);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ(rows->front().what, "patient_list");
  EXPECT_EQ(rows->front().request_id, request_id);
  store->reset();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(db_path.string() + suffix);
  }
}

TEST(ApiOverSockets, RefusesToStartOnADatabaseItCannotOpen) {
  ServerOptions options;
  options.port = 0;
  options.data_dir = kFixture;
  options.web_dir = kFixture / "web";
  options.db_url = "sqlite:/no-such-directory/for/sure/db.sqlite";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, out, err), 1);
  EXPECT_NE(err.str().find("--db"), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace hipcoach::server
