// What `hipcoach coach` shows and reads, behind one interface (CoachUi), so
// that the session's flow (coach_command.cc) runs the same on a full-screen
// terminal (coach_curses.h) and line by line (PlainCoachUi, for pipes,
// --plain and tests). Time comes from the UI too: a steady clock at the
// terminal, a fake one in tests. Thread-compatible: one UI per session.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/session.h"
#include "text.h"

namespace hipcoach::cli {

// What the person asked for while a session runs.
struct CoachInput {
  enum class Kind {
    kTimeout,  // Nothing before the deadline: time to tick.
    kNext,
    kBack,
    kPauseOrResume,
    kStop,      // End early; pain is then asked and the session saved.
    kQuit,      // End early and save at once, asking nothing more.
    kStopRule,  // `rule` is an index into SessionPlan::stop_rules.
    kEnd,       // The input ended (EOF) or the program was interrupted: as kQuit.
  };
  Kind kind = Kind::kTimeout;
  std::size_t rule = 0;
};

class CoachUi {
 public:
  CoachUi() = default;
  CoachUi(const CoachUi&) = delete;
  CoachUi& operator=(const CoachUi&) = delete;
  virtual ~CoachUi() = default;

  // The session clock: milliseconds, only ever moving forward.
  virtual core::SessionTime now() = 0;
  // Shows what to know before starting: the plan's "before" statements,
  // the person's cautions, the stop rules and the keys.
  virtual void show_intro(const core::SessionPlan& plan) = 0;
  // Asks a pain rating 0..10 until one is given; nullopt when the input
  // ends or the person quits.
  virtual std::optional<int> ask_pain(std::string_view question) = 0;
  // Asks a yes/no question under `intro`; nullopt when the input ends or the
  // person quits.
  virtual std::optional<bool> ask_yes_no(const core::Statement& intro,
                                         std::string_view question) = 0;
  // Shows the coach at `now` and announces `events` (cues, step changes,
  // stop rules).
  virtual void update(const core::Coach& coach, core::SessionTime now,
                      std::span<const core::CoachEvent> events) = 0;
  // A short note for the person, e.g. why a key did nothing.
  virtual void note(std::string_view text) = 0;
  // Waits for the next command, no longer than the UI needs to keep its
  // display current (the next cue, or a progress bar's next tick).
  virtual CoachInput wait_input(const core::Coach& coach, core::SessionTime now) = 0;
  // Leaves full-screen mode (restoring the terminal); what follows is
  // written as plain text. Idempotent.
  virtual void close() = 0;
  // True when everything shown stays on the output (line by line), false
  // when the screen is cleared on close.
  virtual bool keeps_output() const = 0;

  // Numbers the sources cited on this UI; the summary lists them.
  Footnotes& notes() { return notes_; }

 private:
  Footnotes notes_;
};

// Where the plain UI's lines and time come from.
class LineSource {
 public:
  LineSource() = default;
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;
  virtual ~LineSource() = default;

  enum class Status { kLine, kTimeout, kEnd };
  virtual core::SessionTime now() = 0;
  // Waits for a line until `deadline` (nullopt: for ever). kLine sets `line`
  // (without its line end); kEnd when the input has ended.
  virtual Status wait_line(std::optional<core::SessionTime> deadline, std::string& line) = 0;
};

// Lines from a file descriptor (standard input), waited for with poll(),
// and the steady clock. With fd < 0, reads `in` with getline (no timeout).
class StreamLineSource final : public LineSource {
 public:
  StreamLineSource(int fd, std::istream& in) : fd_(fd), in_(in) {}
  core::SessionTime now() override;
  Status wait_line(std::optional<core::SessionTime> deadline, std::string& line) override;

 private:
  bool take_line(std::string& line);

  int fd_;
  std::istream& in_;
  std::string buffer_;
  bool ended_ = false;
};

// The line-by-line coach: prints each step, cue and stop rule as lines
// ("[01:30] You may stop now..."), and reads one command a line: Enter or
// "n" next, "b" back, "p" pause or resume, "s" stop, "q" quit, a number for
// a stop rule, "?" for help.
class PlainCoachUi final : public CoachUi {
 public:
  PlainCoachUi(LineSource& source, std::ostream& out) : source_(source), out_(out) {}

  core::SessionTime now() override { return source_.now(); }
  void show_intro(const core::SessionPlan& plan) override;
  std::optional<int> ask_pain(std::string_view question) override;
  std::optional<bool> ask_yes_no(const core::Statement& intro, std::string_view question) override;
  void update(const core::Coach& coach, core::SessionTime now,
              std::span<const core::CoachEvent> events) override;
  void note(std::string_view text) override;
  CoachInput wait_input(const core::Coach& coach, core::SessionTime now) override;
  void close() override {}
  bool keeps_output() const override { return true; }

 private:
  void write_step(const core::SessionPlan& plan, std::size_t index);
  void write_stop_rules(const core::SessionPlan& plan);
  void write_help(const core::SessionPlan& plan);

  LineSource& source_;
  std::ostream& out_;
  const core::Statement* shown_intro_ = nullptr;
};

// While alive, SIGINT, SIGTERM and SIGHUP set a flag instead of ending the
// process, so that the coach saves what was done and restores the terminal;
// the previous handlers come back on destruction. One at a time.
class InterruptGuard {
 public:
  InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  ~InterruptGuard();
};

// True once one of those signals came while a guard was alive.
bool interrupted();

// "mm:ss" for a duration in milliseconds, rounded down; "-" sign never shown.
std::string clock_text(std::int64_t ms);

// The key of stop rule `index` on the screen and in plain mode: "1".."9".
std::string stop_rule_key(std::size_t index);

}  // namespace hipcoach::cli
