// The server over TLS (--tls-cert, --tls-key) on 127.0.0.1 with port 0, with
// a throwaway certificate made at test time, and a small blocking client on
// OpenSSL and POSIX sockets that checks the certificate as a browser would.
// Also: the checks of the TLS files, and what a plain server sends instead.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "hipcoach/server/server.h"
#include "http_server.h"
#include "running_server.h"
#include "test_certificate.h"
#include "test_client.h"
#include "test_store.h"

namespace hipcoach::server {
namespace {

using testing::http_get;
using testing::make_test_certificate;
using testing::ParsedResponse;
using testing::RunningServer;
using testing::TestClient;
using testing::write_text_file;

const std::filesystem::path kFixture = HIPCOACH_SERVER_TESTDATA_DIR;
constexpr std::string_view kHsts = "max-age=31536000";

using storage::testing::TempDir;

// How a TLS client came out of one exchange.
struct TlsExchange {
  bool handshake_ok = false;
  std::string bytes;                       // Everything the server sent after the handshake.
  std::optional<ParsedResponse> response;  // The first response in `bytes`.
};

// Connects over TLS, trusting only `ca_file` and checking that the
// certificate is for IP 127.0.0.1, sends `request` (which should say
// "Connection: close") and reads until the server's close_notify.
// `max_version` limits the client's TLS version (0: any).
TlsExchange https_exchange(std::uint16_t port, const std::filesystem::path& ca_file,
                           const std::string& request, int max_version = 0) {
  TlsExchange exchange;
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  if (context == nullptr) return exchange;
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr);
  if (max_version != 0) {
    // Lets this client offer the old versions that the server must refuse.
    SSL_CTX_set_security_level(context, 0);
    SSL_CTX_set_min_proto_version(context, 0);
    SSL_CTX_set_max_proto_version(context, max_version);
  }
  SSL* ssl = SSL_new(context);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  const int fd = testing::connect_loopback(port);
  if (fd >= 0 && SSL_set_fd(ssl, fd) == 1 && SSL_connect(ssl) == 1) {
    exchange.handshake_ok = true;
    if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) > 0) {
      char buffer[4096];
      int got = 0;
      while ((got = SSL_read(ssl, buffer, sizeof buffer)) > 0) {
        exchange.bytes.append(buffer, static_cast<std::size_t>(got));
      }
      if (SSL_get_error(ssl, got) == SSL_ERROR_ZERO_RETURN) SSL_shutdown(ssl);
      exchange.response = testing::parse_closed_response(exchange.bytes);
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  SSL_CTX_free(context);
  if (fd >= 0) ::close(fd);
  return exchange;
}

std::string get_request(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

std::string sign_up_request(std::string_view email) {
  const std::string body =
      R"({"email":")" + std::string(email) + R"(","password":"pat-password-1"})";
  return "POST /api/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sends plain bytes and reads until the server closes. Returns what came,
// or nullopt when the server did not close before the safety timeout.
std::optional<std::string> plain_exchange(std::uint16_t port, std::string_view bytes) {
  const int fd = testing::connect_loopback(port);
  if (fd < 0) return std::nullopt;
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string received;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got > 0) {
      received.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    const bool closed = got == 0 || errno == ECONNRESET;
    ::close(fd);
    if (!closed) return std::nullopt;
    return received;
  }
}

class TlsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto certificate = make_test_certificate();
    cert_ = dir_.path() / "cert.pem";
    key_ = dir_.path() / "key.pem";
    write_text_file(cert_, certificate.cert_pem);
    write_text_file(key_, certificate.key_pem);
    ServerOptions options = testing::running_server_options();
    options.tls_cert = cert_;
    options.tls_key = key_;
    server_.emplace(options);
    ASSERT_TRUE(server_->port().has_value()) << server_->err();
    port_ = *server_->port();
  }
  void TearDown() override { EXPECT_EQ(server_->stop(), 0) << server_->err(); }

  TlsExchange get(std::string_view target) {
    return https_exchange(port_, cert_, get_request(target));
  }

  void expect_healthy_over_tls() {
    const auto exchange = get("/healthz");
    ASSERT_TRUE(exchange.handshake_ok);
    ASSERT_TRUE(exchange.response.has_value());
    EXPECT_EQ(exchange.response->status, 200);
    EXPECT_EQ(exchange.response->body, R"({"status":"ok"})");
  }

  TempDir dir_;
  std::filesystem::path cert_;
  std::filesystem::path key_;
  std::optional<RunningServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(TlsServer, PrintsAnHttpsListeningLine) {
  EXPECT_EQ(server_->out(),
            "HipCoach listening on https://127.0.0.1:" + std::to_string(port_) + "/\n");
}

TEST_F(TlsServer, AnswersTheHealthCheckOverTlsWithHsts) {
  const auto exchange = get("/healthz");
  ASSERT_TRUE(exchange.handshake_ok) << "the client refused the certificate or the handshake";
  ASSERT_TRUE(exchange.response.has_value());
  EXPECT_EQ(exchange.response->status, 200);
  EXPECT_EQ(exchange.response->body, R"({"status":"ok"})");
  EXPECT_EQ(exchange.response->header("strict-transport-security"), kHsts);
  EXPECT_EQ(exchange.response->header("x-content-type-options"), "nosniff");
}

TEST_F(TlsServer, SendsHstsOnErrorsToo) {
  const auto exchange = get("/no/such/page");
  ASSERT_TRUE(exchange.response.has_value());
  EXPECT_EQ(exchange.response->status, 404);
  EXPECT_EQ(exchange.response->header("strict-transport-security"), kHsts);
}

TEST_F(TlsServer, SignUpOverTlsSetsASecureSessionCookie) {
  const auto exchange = https_exchange(port_, cert_, sign_up_request("pat@example.org"));
  ASSERT_TRUE(exchange.response.has_value());
  ASSERT_EQ(exchange.response->status, 201) << exchange.response->body;
  const std::string cookie = exchange.response->header("set-cookie");
  EXPECT_EQ(cookie.rfind("hipcoach_session=", 0), 0U) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
}

TEST_F(TlsServer, AnswersPipelinedRequestsOnOneKeepAliveConnection) {
  const std::string keep_alive = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const auto exchange =
      https_exchange(port_, cert_, keep_alive + keep_alive + get_request("/healthz"));
  ASSERT_TRUE(exchange.handshake_ok);
  std::size_t answers = 0;
  for (auto at = exchange.bytes.find("HTTP/1.1 200 OK"); at != std::string::npos;
       at = exchange.bytes.find("HTTP/1.1 200 OK", at + 1)) {
    ++answers;
  }
  EXPECT_EQ(answers, 3U) << exchange.bytes;
}

TEST_F(TlsServer, ClosesAPlainHttpClientWithoutAnAnswerThenKeepsServingTls) {
  const auto received = plain_exchange(port_, get_request("/healthz"));
  ASSERT_TRUE(received.has_value()) << "the server did not close the plain connection";
  EXPECT_EQ(received->find("HTTP/"), std::string::npos) << *received;
  expect_healthy_over_tls();
}

TEST_F(TlsServer, ClosesAClientThatNeverStartsTheHandshake) {
  TestClient silent(port_);
  ASSERT_TRUE(silent.is_connected());
  EXPECT_TRUE(silent.wait_for_close());
  expect_healthy_over_tls();
}

TEST_F(TlsServer, RefusesTls11) {
  const auto exchange = https_exchange(port_, cert_, get_request("/healthz"), TLS1_1_VERSION);
  EXPECT_FALSE(exchange.handshake_ok);
  expect_healthy_over_tls();
}

TEST_F(TlsServer, RequestIdsCarryTheServersPrefixAndCountUp) {
  const auto first = get("/healthz");
  const auto second = get("/healthz");
  ASSERT_TRUE(first.response.has_value());
  ASSERT_TRUE(second.response.has_value());
  const std::regex shape("([0-9a-f]{8})-([0-9]+)");
  std::smatch a;
  std::smatch b;
  const std::string first_id = first.response->header("x-request-id");
  const std::string second_id = second.response->header("x-request-id");
  ASSERT_TRUE(std::regex_match(first_id, a, shape)) << first_id;
  ASSERT_TRUE(std::regex_match(second_id, b, shape)) << second_id;
  EXPECT_EQ(a[1], b[1]);
  EXPECT_EQ(std::stoull(b[2]), std::stoull(a[2]) + 1);
}

TEST(PlainServer, SendsNoHstsAndNoSecureCookie) {
  RunningServer server(testing::running_server_options());
  ASSERT_TRUE(server.port().has_value()) << server.err();
  EXPECT_EQ(server.out(),
            "HipCoach listening on http://127.0.0.1:" + std::to_string(*server.port()) + "/\n");
  const auto health = http_get(*server.port(), "/healthz");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->header("strict-transport-security"), "");
  const auto received = plain_exchange(*server.port(), sign_up_request("pat@example.org"));
  ASSERT_TRUE(received.has_value());
  const auto signed_up = testing::parse_closed_response(*received);
  ASSERT_TRUE(signed_up.has_value()) << *received;
  ASSERT_EQ(signed_up->status, 201) << signed_up->body;
  EXPECT_EQ(signed_up->header("set-cookie").find("Secure"), std::string::npos);
  EXPECT_EQ(signed_up->header("strict-transport-security"), "");
  EXPECT_EQ(server.stop(), 0) << server.err();
}

TEST(PlainServer, BehindATlsProxySendsHstsAndSecureCookies) {
  ServerOptions options = testing::running_server_options();
  options.secure_cookie = true;
  RunningServer server(options);
  ASSERT_TRUE(server.port().has_value()) << server.err();
  const auto health = http_get(*server.port(), "/healthz");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->header("strict-transport-security"), kHsts);
  const auto received = plain_exchange(*server.port(), sign_up_request("pat@example.org"));
  ASSERT_TRUE(received.has_value());
  const auto signed_up = testing::parse_closed_response(*received);
  ASSERT_TRUE(signed_up.has_value()) << *received;
  ASSERT_EQ(signed_up->status, 201) << signed_up->body;
  EXPECT_NE(signed_up->header("set-cookie").find("; Secure"), std::string::npos);
  EXPECT_EQ(server.stop(), 0) << server.err();
}

TEST(PlainServer, TwoServersNumberRequestsWithDifferentPrefixes) {
  RunningServer one(testing::running_server_options());
  RunningServer two(testing::running_server_options());
  ASSERT_TRUE(one.port().has_value()) << one.err();
  ASSERT_TRUE(two.port().has_value()) << two.err();
  const auto a = http_get(*one.port(), "/healthz");
  const auto b = http_get(*two.port(), "/healthz");
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  // Both are their server's first request; the random prefixes tell them apart.
  EXPECT_TRUE(std::regex_match(a->header("x-request-id"), std::regex("[0-9a-f]{8}-1")));
  EXPECT_TRUE(std::regex_match(b->header("x-request-id"), std::regex("[0-9a-f]{8}-1")));
  EXPECT_NE(a->header("x-request-id"), b->header("x-request-id"));
}

// The checks of the TLS files, before anything listens.
class TlsFiles : public ::testing::Test {
 protected:
  TlsFiles() {
    const auto certificate = make_test_certificate();
    write_text_file(cert_, certificate.cert_pem);
    write_text_file(key_, certificate.key_pem);
  }

  // The error's "where: message", or "" when the files are accepted.
  std::string problem(const std::filesystem::path& cert, const std::filesystem::path& key) {
    const auto checked = check_tls_files(cert, key);
    return checked ? std::string() : checked.error().to_string();
  }

  TempDir dir_;
  const std::filesystem::path cert_ = dir_.path() / "cert.pem";
  const std::filesystem::path key_ = dir_.path() / "key.pem";
};

TEST_F(TlsFiles, AcceptsAMatchingCertificateAndKey) { EXPECT_EQ(problem(cert_, key_), ""); }

TEST_F(TlsFiles, AcceptsTheKeyAndCertificateInOneFile) {
  const auto both = dir_.path() / "both.pem";
  const auto certificate = make_test_certificate();
  write_text_file(both, certificate.key_pem + certificate.cert_pem);
  EXPECT_EQ(problem(both, both), "");
}

TEST_F(TlsFiles, NamesAMissingCertificateFile) {
  const auto missing = dir_.path() / "missing.pem";
  EXPECT_EQ(problem(missing, key_),
            "--tls-cert: cannot read " + missing.string() + ": No such file or directory");
}

TEST_F(TlsFiles, NamesAMissingKeyFile) {
  const auto missing = dir_.path() / "missing.pem";
  EXPECT_EQ(problem(cert_, missing),
            "--tls-key: cannot read " + missing.string() + ": No such file or directory");
}

TEST_F(TlsFiles, NamesADirectoryGivenAsTheCertificate) {
  EXPECT_EQ(problem(dir_.path(), key_).rfind("--tls-cert: cannot read ", 0), 0U);
}

TEST_F(TlsFiles, RefusesACertificateFileWithoutACertificate) {
  const auto garbage = dir_.path() / "garbage.pem";
  write_text_file(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n");
  EXPECT_EQ(problem(garbage, key_)
                .rfind("--tls-cert: " + garbage.string() + " holds no PEM certificate", 0),
            0U)
      << problem(garbage, key_);
  // A key is not a certificate.
  EXPECT_EQ(problem(key_, key_).rfind("--tls-cert: ", 0), 0U) << problem(key_, key_);
}

TEST_F(TlsFiles, RefusesAKeyFileWithoutAKey) {
  const auto garbage = dir_.path() / "garbage.pem";
  write_text_file(garbage, "hello\n");
  EXPECT_EQ(problem(cert_, garbage)
                .rfind("--tls-key: " + garbage.string() + " holds no PEM private key", 0),
            0U)
      << problem(cert_, garbage);
  // A certificate is not a key.
  EXPECT_EQ(problem(cert_, cert_).rfind("--tls-key: ", 0), 0U) << problem(cert_, cert_);
}

TEST_F(TlsFiles, RefusesAnEncryptedKeyWithoutAskingForAPassphrase) {
  const auto encrypted = dir_.path() / "encrypted.pem";
  write_text_file(encrypted, testing::make_encrypted_key_pem());
  EXPECT_NE(problem(cert_, encrypted)
                .find("--tls-key: " + encrypted.string() + " holds an encrypted private key"),
            std::string::npos)
      << problem(cert_, encrypted);
}

TEST_F(TlsFiles, RefusesTheKeyOfAnotherCertificate) {
  const auto other = dir_.path() / "other.pem";
  write_text_file(other, testing::make_other_key_pem());
  EXPECT_EQ(problem(cert_, other), "--tls-key: the key in " + other.string() +
                                       " does not match the certificate in " + cert_.string());
}

TEST_F(TlsFiles, RunServerRefusesOneWithoutTheOther) {
  ServerOptions options = testing::running_server_options();
  options.tls_cert = cert_;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, ServeTuning{}, out, err, nullptr), 1);
  EXPECT_NE(err.str().find("--tls-cert: given without --tls-key"), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
}

TEST_F(TlsFiles, RunServerRefusesAMismatchedKeyBeforeListening) {
  const auto other = dir_.path() / "other.pem";
  write_text_file(other, testing::make_other_key_pem());
  ServerOptions options = testing::running_server_options();
  options.tls_cert = cert_;
  options.tls_key = other;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, ServeTuning{}, out, err, nullptr), 1);
  EXPECT_NE(err.str().find("--tls-key: the key in"), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace hipcoach::server
