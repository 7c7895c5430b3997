// The only translation unit that includes Boost.Beast (see CMakeLists.txt).
// It reads top-down like Beast's advanced_server: helpers, the connection
// (Session), the Listener, then serve().
#include "http_server.h"

// clang-format off
// <utility> before Asio: with Boost 1.74 and g++ 12, asio/awaitable.hpp needs
// std::exchange (platform notes, trap 1); harmless with 1.81.
#include <utility>
// clang-format on

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <exception>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "access_log.h"
#include "beast_request.h"
#include "client_address.h"
#include "metrics.h"
#include "problem.h"
#include "security_headers.h"
#include "target.h"
#include "tls_context.h"

namespace hipcoach::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// After an error response the connection is closed; reading what the client
// still sends for this long first lets it see the response instead of a reset.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerMaxBytes = 4 * 1024 * 1024;
// When accept fails (e.g. out of file descriptors), wait before retrying
// instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::chrono::milliseconds kShutdownPollInterval{20};
// How long a TLS connection that is done waits for the client's close_notify.
constexpr std::chrono::milliseconds kTlsShutdownTime{1000};

// The Date header (RFC 9110, 6.6.1), formatted at most once a second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = -1;
  thread_local char buffer[64] = {};
  thread_local std::size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    length = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = now;
  }
  return {buffer, length};
}

// Eight hex digits from std::random_device, different in each server
// process (and each serve() call), so that request ids stay unique when
// several servers write to one database.
std::string random_request_id_prefix() {
  std::random_device random;
  return fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
}

// What the server's stop needs of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Called on any thread: closes the connection if it waits for a request,
  // or lets the response being written finish, then closes.
  virtual void stop() = 0;
};

// What every connection shares: the router, the limits, the stop flag and
// the set of live connections (so that a stop can reach the idle ones).
struct ServerState {
  const Router& router;
  ServeTuning tuning;
  // The workers for requests that wait on the store or hash a password
  // (Lane::kDatabase, Lane::kHashing), so that the network threads never do.
  asio::thread_pool* database_pool = nullptr;
  asio::thread_pool* hashing_pool = nullptr;
  // Set when serving HTTPS.
  std::optional<asio::ssl::context> tls;
  // Send Strict-Transport-Security: over TLS, or behind a TLS proxy.
  bool hsts = false;
  // Proxies whose X-Forwarded-For names the client (--trusted-proxy).
  TrustedProxies trusted_proxies;
  std::atomic<bool> stopping{false};
  // Request ids are "PREFIX-N": N counts from 1 in this server.
  std::string request_id_prefix = random_request_id_prefix();
  std::atomic<std::uint64_t> next_request_id{1};

  std::mutex sessions_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::uint64_t next_session_id = 1;

  ServerState(const Router& router_in, const ServeTuning& tuning_in)
      : router(router_in), tuning(tuning_in) {}

  std::size_t session_count() {
    const std::lock_guard lock(sessions_mutex);
    return sessions.size();
  }
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection, over plain TCP or TLS. Requests are read and answered one
// at a time; pipelined requests wait in the read buffer. All handlers run
// on the socket's strand. A TLS connection first completes its handshake
// within the read timeout; a client that does not speak TLS (plain HTTP to
// the HTTPS port) fails it and is closed without an answer.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> state)
      : stream_(make_stream(std::move(socket), *state)), state_(std::move(state)) {
    beast::error_code ec;
    const auto remote = tcp_layer().socket().remote_endpoint(ec);
    if (!ec) client_ = remote.address().to_string();
    metrics().connection_opened();
  }

  ~Session() {
    metrics().connection_closed();
    const std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.erase(id_);
  }

  void start() {
    {
      const std::lock_guard lock(state_->sessions_mutex);
      id_ = state_->next_session_id++;
      state_->sessions.emplace(id_, this->weak_from_this());
    }
    // A stop that began before this connection registered did not see it.
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_->stopping) {
        self->close();
      } else if constexpr (kTls) {
        self->do_handshake();
      } else {
        self->do_read();
      }
    });
  }

  void stop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->phase_ == Phase::kReading) self->close();
    });
  }

 private:
  enum class Phase { kReading, kWriting, kClosing };

  static Stream make_stream(tcp::socket&& socket, ServerState& state) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state.tls);
    } else {
      (void)state;
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

  // TLS only: the handshake, bounded by the read timeout like a request.
  void do_handshake() {
    phase_ = Phase::kReading;
    tcp_layer().expires_after(state_->tuning.read_timeout);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec || self->state_->stopping) return self->close();
                              self->do_read();
                            });
  }

  void do_read() {
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->header_limit(kHeaderLimitBytes);
    parser_->body_limit(kBodyLimitBytes);
    tcp_layer().expires_after(state_->tuning.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    started_ = Clock::now();
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      // The client closed, went away mid-request or stayed silent too long,
      // or the server is stopping: nobody is waiting for an answer.
      return close();
    }
    // Numbered before the router runs, so that the audit rows a request
    // writes carry the id its answer and its access-log line show.
    request_id_.clear();
    fmt::format_to(std::back_inserter(request_id_), "{}-{}", state_->request_id_prefix,
                   state_->next_request_id++);
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return send_error(431, "headers", "the request line and headers exceed 8 KiB");
    }
    if (ec == http::error::body_limit) {
      return send_error(413, "body", "the request body exceeds 1 MiB");
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return send_error(400, "request", "the request is not valid HTTP/1.1: " + ec.message());
    }
    if (ec) return close();  // A reset or another socket error.

    // Behind a trusted proxy, the client is the address it forwarded.
    const bool behind_proxy = !state_->trusted_proxies.empty();
    if (behind_proxy) {
      forwarded_client_ =
          state_->trusted_proxies.client(client_, parser_->get()["X-Forwarded-For"]);
    }
    Request view = request_view(parser_->get(), behind_proxy ? forwarded_client_ : client_);
    view.request_id = request_id_;
    const Lane lane = state_->router.lane(view);
    asio::thread_pool* pool = lane == Lane::kHashing    ? state_->hashing_pool
                              : lane == Lane::kDatabase ? state_->database_pool
                                                        : nullptr;
    if (pool == nullptr) return respond(state_->router.handle(view));
    // The views point into parser_, which stays put until respond() runs:
    // nothing reads from the socket meanwhile. A stop lets the work finish.
    phase_ = Phase::kWriting;
    asio::post(*pool, [self = this->shared_from_this(), view, lane] {
      const Clock::time_point began = Clock::now();
      Response response = self->state_->router.handle(view);
      if (lane == Lane::kDatabase) {
        metrics().record_database_time(std::chrono::duration<double>(Clock::now() - began).count());
      }
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->respond(std::move(response));
      });
    });
  }

  void respond(Response response) {
    const auto& request = parser_->get();
    const bool keep_alive = request.keep_alive() && !state_->stopping;
    // Answer as HTTP/1.1, or HTTP/1.0 to a 1.0 client; never echo another version.
    const unsigned version = request.version() >= 11 ? 11 : 10;
    write(std::move(response), version, keep_alive, Logged::kRequest);
  }

  void send_error(int status, std::string_view where, std::string_view detail) {
    write(problem_response(status, where, detail), 11, false, Logged::kParseError);
  }

  enum class Logged { kRequest, kParseError };

  void write(Response response, unsigned version, bool keep_alive, Logged logged) {
    phase_ = Phase::kWriting;
    response_ = std::move(response);
    logged_ = logged;
    count_request();
    serialize_head(version, keep_alive);
    std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head_),
        response_.body_mode == BodyMode::kFull ? asio::buffer(*response_.body)
                                               : asio::const_buffer(),
    };
    tcp_layer().expires_after(state_->tuning.write_timeout);
    asio::async_write(
        stream_, buffers,
        beast::bind_front_handler(&Session::on_write, this->shared_from_this(), !keep_alive));
  }

  // Writes the status line and headers into head_. Every response comes
  // from a prepared body and a handful of fixed headers, so this replaces
  // Beast's serializer and its per-field allocations (head_ keeps its
  // capacity from one response to the next).
  void serialize_head(unsigned version, bool keep_alive) {
    head_.clear();
    const auto out = std::back_inserter(head_);
    fmt::format_to(out, "HTTP/{}.{} {} {}\r\nDate: {}\r\n", version / 10, version % 10,
                   response_.status, reason_phrase(response_.status), http_date());
    for (const Header& header : response_.headers) {
      fmt::format_to(out, "{}: {}\r\n", header.name, header.value);
    }
    // Every response carries the security headers its route did not set.
    for (const Header& header : kSecurityHeaders) {
      if (response_.header(header.name).empty()) {
        fmt::format_to(out, "{}: {}\r\n", header.name, header.value);
      }
    }
    if (state_->hsts && response_.header(kStrictTransportSecurity.name).empty()) {
      fmt::format_to(out, "{}: {}\r\n", kStrictTransportSecurity.name,
                     kStrictTransportSecurity.value);
    }
    fmt::format_to(out, "X-Request-Id: {}\r\n", request_id_);
    if (response_.body_mode != BodyMode::kNone) {
      fmt::format_to(out, "Content-Length: {}\r\n", response_.body->size());
    }
    // HTTP/1.1 keeps connections open unless told; HTTP/1.0 closes unless told.
    if (!keep_alive) {
      head_ += "Connection: close\r\n";
    } else if (version < 11) {
      head_ += "Connection: keep-alive\r\n";
    }
    head_ += "\r\n";
  }

  void on_write(bool close_after, beast::error_code ec, std::size_t /*bytes*/) {
    log_request();
    if (ec) return close();
    if (logged_ == Logged::kParseError) return linger();
    if (close_after || state_->stopping) {
      if constexpr (kTls) {
        // close_notify, then wait briefly for the client's.
        phase_ = Phase::kClosing;
        tcp_layer().expires_after(kTlsShutdownTime);
        return stream_.async_shutdown(
            [self = this->shared_from_this()](beast::error_code) { self->close(); });
      }
      beast::error_code ignored;
      tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
      return close();
    }
    do_read();
  }

  void log_request() {
    try {
      const bool parsed = logged_ == Logged::kRequest && parser_ && parser_->is_header_done();
      log_access(AccessRecord{
          .request_id = request_id_,
          .method = parsed ? std::string_view(parser_->get().method_string()) : "-",
          .target = parsed ? std::string_view(parser_->get().target()) : "-",
          .status = response_.status,
          .bytes = response_.sent_body_bytes(),
          .duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count(),
      });
    } catch (...) {
      // A log line that cannot be written must not cut the connection.
    }
  }

  // Counts the answer in /metrics before it is sent, so that a client that
  // has read it finds it counted. Only the route template is kept.
  void count_request() noexcept {
    std::string_view method = "-";
    std::string_view path;
    if (logged_ == Logged::kRequest && parser_ && parser_->is_header_done()) {
      method = std::string_view(parser_->get().method_string());
      path = raw_path(std::string_view(parser_->get().target()));
    }
    metrics().record_request(method, path, response_.status,
                             std::chrono::duration<double>(Clock::now() - started_).count());
  }

  // Half-closes, then reads and drops what the client still sends, so that
  // it can read the error response before the socket closes. Over TLS the
  // bytes are dropped undecrypted.
  void linger() {
    phase_ = Phase::kClosing;
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer().expires_after(kLingerTime);
    drain_buffer_.resize(16 * 1024);
    do_drain();
  }

  void do_drain() {
    tcp_layer().async_read_some(
        asio::buffer(drain_buffer_),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
          self->drained_ += bytes;
          if (ec || self->drained_ > kLingerMaxBytes) return self->close();
          self->do_drain();
        });
  }

  void close() {
    phase_ = Phase::kClosing;
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_layer().close();
  }

  Stream stream_;
  std::shared_ptr<ServerState> state_;
  std::uint64_t id_ = 0;
  std::string client_;            // The peer's address, for the sign-in limiter.
  std::string forwarded_client_;  // The client behind a trusted proxy, per request.
  Phase phase_ = Phase::kReading;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  std::string head_;
  Logged logged_ = Logged::kRequest;
  std::string request_id_;  // "PREFIX-N"; see ServerState.
  Clock::time_point started_;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
};

// Connections taken at once after each accept: see Listener::on_accept.
constexpr int kAcceptBurst = 256;

// Accepts connections and gives each its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, tcp::acceptor&& acceptor, std::shared_ptr<ServerState> state)
      : io_(io),
        acceptor_(std::move(acceptor)),
        retry_timer_(acceptor_.get_executor()),
        state_(std::move(state)) {}

  void start() {
    // The burst in on_accept must never block the strand.
    beast::error_code ec;
    acceptor_.non_blocking(true, ec);
    if (ec) log_error("accept", ec.message());
    do_accept();
  }

  void stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
      self->retry_timer_.cancel();
    });
  }

 private:
  void do_accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      log_error("accept", ec.message());
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
      });
      return;
    }
    start_session(std::move(socket));
    // A burst of connections (a thousand clients at once) would otherwise be
    // taken one per turn of the event loop, behind every busy connection's
    // work, while the waiting clients' requests go unanswered: take every
    // connection already waiting (up to kAcceptBurst) before waiting again.
    for (int i = 0; i < kAcceptBurst && acceptor_.is_open(); ++i) {
      beast::error_code burst_ec;
      tcp::socket next = acceptor_.accept(asio::make_strand(io_), burst_ec);
      if (burst_ec) {
        if (burst_ec != asio::error::would_block && burst_ec != asio::error::try_again) {
          log_error("accept", burst_ec.message());
        }
        break;
      }
      start_session(std::move(next));
    }
    do_accept();
  }

  void start_session(tcp::socket&& socket) {
    try {
      if (state_->tls) {
        std::make_shared<Session<TlsStream>>(std::move(socket), state_)->start();
      } else {
        std::make_shared<Session<PlainStream>>(std::move(socket), state_)->start();
      }
    } catch (const std::exception& e) {
      log_error("accept", e.what());
    }
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;  // Its executor is a strand of its own.
  asio::steady_timer retry_timer_;
  std::shared_ptr<ServerState> state_;
};

// Returns the endpoint for `host` (an address, or a name resolved once).
std::optional<tcp::endpoint> resolve(asio::io_context& io, const std::string& host,
                                     std::uint16_t port, std::string& reason) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    reason = ec ? ec.message() : "the name has no address";
    return std::nullopt;
  }
  return results.begin()->endpoint();
}

std::optional<tcp::acceptor> open_acceptor(asio::io_context& io, const tcp::endpoint& endpoint,
                                           std::string& reason) {
  tcp::acceptor acceptor(asio::make_strand(io));
  beast::error_code ec;
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    reason = "open: " + ec.message();
  } else if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    reason = "set_option: " + ec.message();
  } else if (acceptor.bind(endpoint, ec); ec) {
    reason = ec.message();
  } else if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    reason = "listen: " + ec.message();
  } else {
    return acceptor;
  }
  return std::nullopt;
}

void run_io(asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      log_error("io", e.what());
    } catch (...) {
      log_error("io", "unknown exception");
    }
  }
}

}  // namespace

int serve(const Router& router, const ServerOptions& options, const ServeTuning& tuning,
          std::ostream& out, std::ostream& err, ServerControl* control) {
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  asio::io_context io(threads);
  const std::string url_host =
      options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;

  // The TLS files are read before anything listens.
  std::optional<asio::ssl::context> tls;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    err << "hipcoach serve: not starting: "
        << (options.tls_cert.empty() ? "--tls-key: given without --tls-cert"
                                     : "--tls-cert: given without --tls-key")
        << "\n";
    if (control) control->set_failed();
    return 1;
  }
  if (!options.tls_cert.empty()) {
    auto context = make_tls_context(options.tls_cert, options.tls_key);
    if (!context) {
      err << "hipcoach serve: not starting: " << context.error().to_string() << "\n";
      if (control) control->set_failed();
      return 1;
    }
    tls.emplace(context->release());  // The asio context owns it from here.
  }
  const std::string scheme = tls ? "https" : "http";
  auto trusted_proxies = TrustedProxies::parse(options.trusted_proxies, "--trusted-proxy");
  if (!trusted_proxies) {
    err << "hipcoach serve: not starting: " << trusted_proxies.error().to_string() << "\n";
    if (control) control->set_failed();
    return 1;
  }

  std::string reason;
  std::optional<tcp::acceptor> acceptor;
  if (const auto endpoint = resolve(io, options.host, options.port, reason)) {
    acceptor = open_acceptor(io, *endpoint, reason);
  }
  if (!acceptor) {
    err << "cannot listen on " << url_host << ":" << options.port << ": " << reason << "\n";
    if (control) control->set_failed();
    return 1;
  }
  const std::uint16_t port = acceptor->local_endpoint().port();

  asio::thread_pool database_pool(static_cast<std::size_t>(std::max(1, options.database_threads)));
  asio::thread_pool hashing_pool(static_cast<std::size_t>(std::max(1, options.hashing_threads)));
  auto state = std::make_shared<ServerState>(router, tuning);
  state->hsts = tls.has_value() || options.secure_cookie;
  state->trusted_proxies = std::move(*trusted_proxies);
  state->tls = std::move(tls);
  state->database_pool = &database_pool;
  state->hashing_pool = &hashing_pool;
  auto listener = std::make_shared<Listener>(io, std::move(*acceptor), state);

  // Signals, the stop and the grace timer share one strand.
  auto control_strand = asio::make_strand(io);
  asio::signal_set signals(control_strand, SIGINT, SIGTERM);
  asio::steady_timer grace_timer(control_strand);
  Clock::time_point deadline;
  bool stop_started = false;

  std::function<void()> poll_shutdown = [&] {
    if (state->session_count() == 0) return;  // Nothing holds io.run() any more.
    if (Clock::now() >= deadline) {
      log_event("shutdown", "grace period over; cutting the remaining connections");
      io.stop();
      return;
    }
    grace_timer.expires_after(kShutdownPollInterval);
    grace_timer.async_wait([&](beast::error_code ec) {
      if (!ec) poll_shutdown();
    });
  };
  const auto begin_stop = [&] {
    if (stop_started) return;
    stop_started = true;
    log_event("shutdown", "stopping: no new connections; finishing requests in flight");
    state->stopping = true;
    beast::error_code ignored;
    signals.cancel(ignored);
    listener->stop();
    std::vector<std::shared_ptr<SessionBase>> sessions;
    {
      const std::lock_guard lock(state->sessions_mutex);
      for (const auto& [id, weak] : state->sessions) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
    }
    for (const auto& session : sessions) session->stop();
    deadline = Clock::now() + state->tuning.shutdown_grace;
    poll_shutdown();
  };

  signals.async_wait([&](beast::error_code ec, int /*signal*/) {
    if (!ec) begin_stop();
  });
  listener->start();
  if (control) {
    control->set_stop_handler([&] { asio::post(control_strand, begin_stop); });
  }

  out << "HipCoach listening on " << scheme << "://" << url_host << ":" << port << "/" << std::endl;
  log_event("listening", scheme + "://" + url_host + ":" + std::to_string(port) + "/");
  flush_log();
  if (control) control->set_listening(port);

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads - 1));
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { run_io(io); });
  run_io(io);
  for (auto& thread : pool) thread.join();
  database_pool.join();
  hashing_pool.join();

  if (control) control->clear_stop_handler();
  listener.reset();
  log_event("shutdown", "stopped");
  flush_log();
  return 0;
}

}  // namespace hipcoach::server
