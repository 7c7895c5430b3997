#include "progress_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "hipcoach/service/progress.h"
#include "text.h"

namespace hipcoach::cli {

namespace {

using nlohmann::json;

constexpr int kBarWidth = 20;
constexpr std::size_t kMaxWeeksShown = 12;
constexpr std::size_t kMaxSparkScores = 60;
constexpr std::size_t kMaxSessionsShown = 10;

// Where `value` lies between `low` and `high`, 0..1.
double fraction(double value, double low, double high) {
  if (high <= low) return 0;
  return std::clamp((value - low) / (high - low), 0.0, 1.0);
}

// A bar of kBarWidth cells for `value`: in Unicode whole blocks, an eighth
// block for the rest and light shade for the empty part; in ASCII "#" and ".".
std::string bar(double value, double low, double high, Charset charset) {
  const double cells = fraction(value, low, high) * kBarWidth;
  std::string text;
  if (charset == Charset::kAscii) {
    const int filled = static_cast<int>(std::lround(cells));
    text.append(static_cast<std::size_t>(filled), '#');
    text.append(static_cast<std::size_t>(kBarWidth - filled), '.');
    return text;
  }
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const int eighths = static_cast<int>(std::lround(cells * 8));
  const int whole = eighths / 8;
  int used = whole;
  for (int i = 0; i < whole; ++i) text += "█";
  if (eighths % 8 != 0) {
    text += kEighths[eighths % 8];
    ++used;
  }
  for (int i = used; i < kBarWidth; ++i) text += "░";
  return text;
}

// One character per score, its height showing where the score lies.
std::string sparkline(const json& series, double low, double high, Charset charset) {
  static const std::vector<std::string> kUnicode = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const std::vector<std::string> kAsciiLevels = {"_", ".", ":", "-", "=", "+", "*", "#"};
  const std::vector<std::string>& levels = charset == Charset::kAscii ? kAsciiLevels : kUnicode;
  std::string text;
  const std::size_t first = series.size() > kMaxSparkScores ? series.size() - kMaxSparkScores : 0;
  for (std::size_t i = first; i < series.size(); ++i) {
    const double at = fraction(series[i]["score"].get<double>(), low, high);
    text +=
        levels[static_cast<std::size_t>(std::lround(at * static_cast<double>(levels.size() - 1)))];
  }
  return text;
}

// "2026-11-20 19:00" from "2026-11-20T19:00:00-06:00".
std::string minute_text(const std::string& timestamp) {
  std::string text = timestamp.substr(0, 16);
  if (text.size() > 10) text[10] = ' ';
  return text;
}

std::string cite_markers(const json& judgement, Footnotes& notes) {
  std::vector<std::string> cite;
  for (const json& check : judgement["checks"]) {
    for (const json& id : check["cite"]) {
      const std::string text = id.get<std::string>();
      if (std::find(cite.begin(), cite.end(), text) == cite.end()) cite.push_back(text);
    }
  }
  return notes.markers(cite);
}

std::string optional_number(const json& value) {
  return value.is_null() ? "-" : decimal_text(value.get<double>());
}

std::string count_text(int count, const std::string& one, const std::string& many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

void write_measure(const json& measure, Charset charset, Footnotes& notes, std::ostream& out) {
  const double low = measure["min"].get<double>();
  const double high = measure["max"].get<double>();
  const bool is_pain = measure["id"] == "pain";
  const json& series = measure["series"];
  const int scores = static_cast<int>(series.size());
  out << '\n'
      << measure["name"].get<std::string>() << ", "
      << (measure["direction"] == "lower_is_better" ? "lower is better" : "higher is better")
      << ": "
      << count_text(scores, is_pain ? "entry" : "response", is_pain ? "entries" : "responses")
      << '\n';
  if (scores == 0) {
    write_wrapped("No diary entries yet. Add one with: hipcoach diary add PAIN", "  ", out);
    return;
  }
  for (const char* key : {"from_baseline", "recent"}) {
    const json& judgement = measure[key];
    write_wrapped(judgement["summary"].get<std::string>() + cite_markers(judgement, notes), "  ",
                  out);
  }
  const json& weekly = measure["weekly"];
  out << "  Weekly mean (" << decimal_text(low) << " to " << decimal_text(high) << ")\n";
  const std::size_t first = weekly.size() > kMaxWeeksShown ? weekly.size() - kMaxWeeksShown : 0;
  if (first > 0) out << "    (" << first << " earlier weeks not shown; --json has them all)\n";
  for (std::size_t i = first; i < weekly.size(); ++i) {
    const json& week = weekly[i];
    char label[48];
    std::snprintf(label, sizeof label, "    %04d-W%02d  %s  ", week["iso_year"].get<int>(),
                  week["iso_week"].get<int>(),
                  week["starts"].get<std::string>().substr(0, 10).c_str());
    const double mean = week["mean"].get<double>();
    const int count = week["count"].get<int>();
    char figures[48];
    std::snprintf(figures, sizeof figures, "  %4s  (%d)", decimal_text(mean).c_str(), count);
    out << label << bar(mean, low, high, charset) << figures << '\n';
  }
  out << "  Every " << (is_pain ? "entry" : "response")
      << ", oldest first: " << sparkline(series, low, high, charset) << '\n';
}

void write_sessions(const json& sessions, std::ostream& out) {
  const json& items = sessions["items"];
  out << "\nGuided sessions";
  if (items.empty()) {
    out << ": none yet.\n";
    return;
  }
  out << ": pain (0 to 10) before, just after and the next morning\n";
  const std::size_t first = items.size() > kMaxSessionsShown ? items.size() - kMaxSessionsShown : 0;
  if (first > 0) out << "  (" << first << " earlier sessions not shown; --json has them all)\n";
  char line[96];
  std::snprintf(line, sizeof line, "  %-16s  %6s  %5s  %12s\n", "STARTED", "BEFORE", "AFTER",
                "NEXT MORNING");
  out << line;
  for (std::size_t i = first; i < items.size(); ++i) {
    const json& item = items[i];
    std::snprintf(line, sizeof line, "  %-16s  %6s  %5s  %12s\n",
                  minute_text(item["started_at"].get<std::string>()).c_str(),
                  optional_number(item["before"]).c_str(), optional_number(item["after"]).c_str(),
                  optional_number(item["next_morning"]).c_str());
    out << line;
  }
  std::string summary;
  const auto signed_text = [](const json& value) {
    const double number = value.get<double>();
    return (number > 0 ? "+" : "") + decimal_text(number);
  };
  if (!sessions["mean_after_minus_before"].is_null()) {
    summary += "Right after a session pain changed by " +
               signed_text(sessions["mean_after_minus_before"]) + " on average (" +
               count_text(sessions["after_pairs"].get<int>(), "session", "sessions") +
               " with both ratings).";
  }
  if (!sessions["mean_next_morning_minus_before"].is_null()) {
    if (!summary.empty()) summary += ' ';
    summary += "By the next morning it had changed by " +
               signed_text(sessions["mean_next_morning_minus_before"]) + " on average (" +
               count_text(sessions["next_morning_pairs"].get<int>(), "session", "sessions") +
               " with a diary entry before noon).";
  }
  if (!summary.empty()) write_wrapped(summary, "  ", out);
}

}  // namespace

Charset terminal_charset(const Environment& environment) {
  std::string locale;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    if (!environment.variable) break;
    if (auto value = environment.variable(name); value && !value->empty()) {
      locale = *value;
      break;
    }
  }
  std::transform(locale.begin(), locale.end(), locale.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool utf8 =
      locale.find("utf-8") != std::string::npos || locale.find("utf8") != std::string::npos;
  return utf8 ? Charset::kUnicode : Charset::kAscii;
}

void write_progress(const core::Protocol& protocol, const json& report, std::string_view email,
                    Charset charset, std::ostream& out) {
  out << "Progress of " << email << " on "
      << report["generated_at"].get<std::string>().substr(0, 10) << '\n';
  Footnotes notes;
  for (const json& measure : report["measures"]) write_measure(measure, charset, notes, out);
  write_sessions(report["sessions"], out);
  out << '\n';
  write_wrapped(
      "A change counts as meaningful only when it is beyond the measurement error and at least "
      "the smallest change people notice. This is not a diagnosis; if your pain gets worse or "
      "changes, see a clinician.",
      "", out);
  if (!report["sources"].empty()) notes.write(protocol, out);
}

int run_progress(const Command& command, const core::Protocol& protocol,
                 const ProgressOptions& options) {
  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;
  auto report =
      service::progress_report(protocol, store, user.id, command.environment.now(), options.weeks);
  if (!report) {
    const core::Error& error = report.error();
    if (error.where() == "weeks") return command.fail(kExitUsage, "--weeks", error.message());
    if (error.code() == core::ErrorCode::kInternal) {
      return command.fail(kExitInvalidData, error.where(), error.message());
    }
    return store_failure(command, error);
  }
  if (options.json) {
    command.out << report->dump(2) << '\n';
  } else {
    write_progress(protocol, *report, user.email, terminal_charset(command.environment),
                   command.out);
  }
  return kExitOk;
}

}  // namespace hipcoach::cli
