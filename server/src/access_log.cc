#include "access_log.h"

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>

#include "target.h"

namespace hipcoach::server {
namespace {

// How long a line may wait in the buffer, and how much may wait.
constexpr std::chrono::seconds kFlushInterval{1};
constexpr std::size_t kFlushBytes = 32 * 1024;

// Collects whole lines and writes them to stderr (fd 2) in batches: when
// kFlushBytes are waiting, every kFlushInterval, on a warning or worse, and
// on flush_log(). One write(2) per line would cost as much as answering the
// request. Every write holds whole lines, so lines never interleave with
// other output on stderr.
class BatchingStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BatchingStderrSink() override { write_out(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kFlushBytes) write_out();
  }

  void flush_() override { write_out(); }

 private:
  void write_out() {
    std::string_view rest = buffer_;
    while (!rest.empty()) {
      const ssize_t written = ::write(STDERR_FILENO, rest.data(), rest.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) break;  // Nowhere to log to; drop rather than block.
      rest.remove_prefix(static_cast<std::size_t>(written));
    }
    buffer_.clear();
  }

  std::string buffer_;
};

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> kLogger = [] {
    auto result =
        std::make_shared<spdlog::logger>("hipcoach.server", std::make_shared<BatchingStderrSink>());
    result->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
    result->set_level(spdlog::level::info);
    result->flush_on(spdlog::level::warn);
    // The registry's periodic flusher is the only timer thread spdlog has;
    // registering is what puts this logger under it.
    if (!spdlog::get(result->name())) spdlog::register_logger(result);
    spdlog::flush_every(kFlushInterval);
    return result;
  }();
  return *kLogger;
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += fmt::format("\\u{:04x}", byte);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string format_access_record(const AccessRecord& record) {
  std::string_view path = raw_path(record.target);
  if (path.size() > kMaxLoggedPathBytes) path = path.substr(0, kMaxLoggedPathBytes);
  return fmt::format(
      R"("event":"access","request_id":{},"method":{},"path":{},"status":{},"bytes":{},"duration_ms":{:.3f})",
      json_quote(record.request_id.substr(0, 64)), json_quote(record.method.substr(0, 32)),
      json_quote(path), record.status, record.bytes, record.duration_ms);
}

void log_access(const AccessRecord& record) { logger().info("{}", format_access_record(record)); }

void log_error(std::string_view where, std::string_view detail) {
  logger().error(R"("event":"error","where":{},"detail":{})", json_quote(where),
                 json_quote(detail));
}

void log_event(std::string_view event, std::string_view detail) {
  logger().info(R"("event":{},"detail":{})", json_quote(event), json_quote(detail));
}

void flush_log() { logger().flush(); }

}  // namespace hipcoach::server
