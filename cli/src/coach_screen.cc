#include "coach_screen.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>

#include "command.h"

namespace hipcoach::cli {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The hold time up to the next cue of the step, when a hold runs.
std::optional<std::int64_t> ms_to_next_cue(const core::Coach& coach, core::SessionTime now) {
  const core::CoachState& state = coach.state();
  if (state.phase != core::Phase::kRunning) return std::nullopt;
  const core::PlanStep& step = coach.plan().steps[state.step];
  if (step.kind != core::StepKind::kTreat || state.next_cue >= step.cues.size()) {
    return std::nullopt;
  }
  const std::int64_t at = static_cast<std::int64_t>(step.cues[state.next_cue].at_seconds) * 1000;
  return std::max<std::int64_t>(0, at - coach.view(now).held_ms);
}

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int /*signal*/) { g_interrupted = 1; }

constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[std::size(kInterruptSignals)];

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: poll() and getch() return at once, so the coach sees it.
  action.sa_flags = 0;
  for (std::size_t i = 0; i < std::size(kInterruptSignals); ++i) {
    ::sigaction(kInterruptSignals[i], &action, &g_previous[i]);
  }
}

InterruptGuard::~InterruptGuard() {
  for (std::size_t i = 0; i < std::size(kInterruptSignals); ++i) {
    ::sigaction(kInterruptSignals[i], &g_previous[i], nullptr);
  }
}

bool interrupted() { return g_interrupted != 0; }

std::string clock_text(std::int64_t ms) {
  const std::int64_t seconds = std::max<std::int64_t>(0, ms) / 1000;
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld", static_cast<long long>(seconds / 60),
                static_cast<long long>(seconds % 60));
  return text;
}

std::string stop_rule_key(std::size_t index) { return std::to_string(index + 1); }

core::SessionTime StreamLineSource::now() {
  return std::chrono::duration_cast<core::SessionTime>(
      std::chrono::steady_clock::now().time_since_epoch());
}

bool StreamLineSource::take_line(std::string& line) {
  const auto end = buffer_.find('\n');
  if (end == std::string::npos) return false;
  line = buffer_.substr(0, end);
  buffer_.erase(0, end + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

LineSource::Status StreamLineSource::wait_line(std::optional<core::SessionTime> deadline,
                                               std::string& line) {
  if (interrupted()) return Status::kEnd;
  if (take_line(line)) return Status::kLine;
  if (fd_ < 0) {
    // A stream without a descriptor (a test's string stream) cannot be
    // waited on: read a whole line.
    if (!std::getline(in_, line)) return Status::kEnd;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return Status::kLine;
  }
  while (!ended_) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = (*deadline - now()).count();
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>(left, 0, 60 * 60 * 1000));
    }
    pollfd descriptor{fd_, POLLIN, 0};
    const int ready = ::poll(&descriptor, 1, timeout_ms);
    if (interrupted()) return Status::kEnd;
    if (ready == 0 || (ready < 0 && errno == EINTR)) return Status::kTimeout;
    char chunk[4096];
    const ssize_t got = ready < 0 ? -1 : ::read(fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) return interrupted() ? Status::kEnd : Status::kTimeout;
    if (got <= 0) {
      ended_ = true;
      break;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
    if (take_line(line)) return Status::kLine;
  }
  if (buffer_.empty()) return Status::kEnd;
  line = std::move(buffer_);
  buffer_.clear();
  return Status::kLine;
}

void PlainCoachUi::write_stop_rules(const core::SessionPlan& plan) {
  out_ << "Stop when any of these happens: type its number and press Enter.\n";
  for (std::size_t i = 0; i < plan.stop_rules.size(); ++i) {
    const core::StopRule& rule = plan.stop_rules[i];
    std::string text = rule.label;
    if (rule.trigger == core::StopRule::Trigger::kPainAboveLimit && plan.pain_limit) {
      text += " (above " + std::to_string(*plan.pain_limit) + "; you are asked your pain)";
    }
    write_wrapped(text, "  " + stop_rule_key(i) + "  ", out_);
  }
}

void PlainCoachUi::write_help(const core::SessionPlan& plan) {
  out_ << "Commands: Enter (or n) next step, b back, p pause or resume, s stop early, q quit";
  if (!plan.stop_rules.empty()) {
    out_ << ", 1-" << stop_rule_key(plan.stop_rules.size() - 1) << " a stop rule";
  }
  out_ << ", ? this help.\n";
}

void PlainCoachUi::show_intro(const core::SessionPlan& plan) {
  out_ << "Guided session: " << plan.steps.size() << " steps, " << plan.treat_step_count()
       << (plan.treat_step_count() == 1 ? " hold" : " holds") << ".\n";
  if (!plan.before.empty()) {
    out_ << "\nBefore you start\n";
    for (const core::Statement& statement : plan.before) {
      write_wrapped(statement.text + notes().markers(statement.cite), "  - ", out_);
    }
  }
  if (!plan.cautions.empty()) {
    out_ << "\nCautions for you\n";
    for (const core::Statement& statement : plan.cautions) {
      write_wrapped(statement.text + notes().markers(statement.cite), "  ! ", out_);
    }
  }
  out_ << '\n';
  write_stop_rules(plan);
  write_help(plan);
  out_.flush();
}

std::optional<int> PlainCoachUi::ask_pain(std::string_view question) {
  out_ << '\n' << question << " (0 = none, 10 = the worst)\n> ";
  out_.flush();
  std::string line;
  while (true) {
    const LineSource::Status status = source_.wait_line(std::nullopt, line);
    if (status == LineSource::Status::kEnd) return std::nullopt;
    if (status == LineSource::Status::kTimeout) continue;
    const std::string answer = lower(trim(line));
    if (answer == "q") return std::nullopt;
    if (!answer.empty() && answer.size() <= 2 &&
        answer.find_first_not_of("0123456789") == std::string::npos) {
      const int pain = std::stoi(answer);
      if (pain <= 10) return pain;
    }
    out_ << "Please answer a whole number from 0 to 10 (q to quit).\n> ";
    out_.flush();
  }
}

std::optional<bool> PlainCoachUi::ask_yes_no(const core::Statement& intro,
                                             std::string_view question) {
  if (shown_intro_ != &intro) {
    out_ << '\n';
    write_wrapped(intro.text + notes().markers(intro.cite), "", out_);
    shown_intro_ = &intro;
  }
  out_ << question << " (y/n)\n> ";
  out_.flush();
  std::string line;
  while (true) {
    const LineSource::Status status = source_.wait_line(std::nullopt, line);
    if (status == LineSource::Status::kEnd) return std::nullopt;
    if (status == LineSource::Status::kTimeout) continue;
    const std::string answer = lower(trim(line));
    if (answer == "y" || answer == "yes") return true;
    if (answer == "n" || answer == "no") return false;
    if (answer == "q") return std::nullopt;
    out_ << "Please answer y or n (q to quit).\n> ";
    out_.flush();
  }
}

void PlainCoachUi::write_step(const core::SessionPlan& plan, std::size_t index) {
  const core::PlanStep& step = plan.steps[index];
  out_ << '\n';
  write_wrapped(
      step.title,
      "Step " + std::to_string(index + 1) + " of " + std::to_string(plan.steps.size()) + ": ",
      out_);
  for (const core::Statement& statement : step.instructions) {
    write_wrapped(statement.text + notes().markers(statement.cite), "  - ", out_);
  }
  if (step.kind == core::StepKind::kTreat) {
    out_ << "  Hold for " << clock_text(step.min_hold_seconds * 1000LL) << " to "
         << clock_text(step.max_hold_seconds * 1000LL)
         << "; the timer runs from now. Enter when you are done.\n";
  }
}

void PlainCoachUi::update(const core::Coach& coach, core::SessionTime /*now*/,
                          std::span<const core::CoachEvent> events) {
  const core::SessionPlan& plan = coach.plan();
  for (const core::CoachEvent& event : events) {
    switch (event.kind) {
      case core::CoachEvent::Kind::kStepChanged:
        write_step(plan, event.step);
        break;
      case core::CoachEvent::Kind::kCue:
        write_wrapped(event.cue->text.text + notes().markers(event.cue->text.cite),
                      "[" + clock_text(event.cue->at_seconds * 1000LL) + "] ", out_);
        break;
      case core::CoachEvent::Kind::kStopRule:
        write_wrapped(event.stop_rule->label + ": " + event.stop_rule->text.text +
                          notes().markers(event.stop_rule->text.cite),
                      "STOP: ", out_);
        break;
      case core::CoachEvent::Kind::kFinished:
      case core::CoachEvent::Kind::kStopped:
        // The summary after the session says how it ended.
        break;
    }
  }
  out_.flush();
}

void PlainCoachUi::note(std::string_view text) {
  write_wrapped(text, "", out_);
  out_.flush();
}

CoachInput PlainCoachUi::wait_input(const core::Coach& coach, core::SessionTime now) {
  std::optional<core::SessionTime> deadline;
  if (auto left = ms_to_next_cue(coach, now)) deadline = now + core::SessionTime{*left};
  std::string line;
  switch (source_.wait_line(deadline, line)) {
    case LineSource::Status::kTimeout:
      return {CoachInput::Kind::kTimeout};
    case LineSource::Status::kEnd:
      return {CoachInput::Kind::kEnd};
    case LineSource::Status::kLine:
      break;
  }
  const std::string command = lower(trim(line));
  if (command.empty() || command == "n") return {CoachInput::Kind::kNext};
  if (command == "b") return {CoachInput::Kind::kBack};
  if (command == "p") return {CoachInput::Kind::kPauseOrResume};
  if (command == "s") return {CoachInput::Kind::kStop};
  if (command == "q") return {CoachInput::Kind::kQuit};
  const std::vector<core::StopRule>& rules = coach.plan().stop_rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (command == stop_rule_key(i)) return {CoachInput::Kind::kStopRule, i};
  }
  if (command != "?" && command != "h" && command != "help") {
    out_ << "Unknown command.\n";
  }
  write_stop_rules(coach.plan());
  write_help(coach.plan());
  out_.flush();
  return {CoachInput::Kind::kTimeout};
}

}  // namespace hipcoach::cli
