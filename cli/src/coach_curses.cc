#include "coach_curses.h"

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

// Last, and without its function-like macros (erase(), clear(), timeout()...),
// which would clash with the standard library's member functions.
#define NCURSES_NOMACROS
#include <ncurses.h>

namespace hipcoach::cli {

namespace {

// Below this the screen asks for a larger window (the timer still runs).
constexpr int kMinColumns = 50;
constexpr int kMinLines = 16;
// How long a key is waited for before the display ticks.
constexpr int kTickMs = 100;

// Columns a UTF-8 text takes, counting one per character.
std::size_t columns(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// `text` wrapped to lines of at most `width` columns (a longer word is cut).
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_columns = 0;
  std::size_t start = 0;
  width = std::max<std::size_t>(width, 8);
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    std::string word(text.substr(start, end - start));
    start = end + 1;
    if (word.empty()) continue;
    std::size_t word_columns = columns(word);
    if (line_columns > 0 && line_columns + 1 + word_columns > width) {
      lines.push_back(std::move(line));
      line.clear();
      line_columns = 0;
    }
    while (word_columns > width) {
      // Cut on a character boundary.
      std::size_t cut = 0;
      for (std::size_t taken = 0; cut < word.size() && taken < width; ++taken) {
        ++cut;
        while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
      }
      lines.push_back(word.substr(0, cut));
      word.erase(0, cut);
      word_columns = columns(word);
    }
    if (line_columns > 0) {
      line += ' ';
      ++line_columns;
    }
    line += word;
    line_columns += word_columns;
  }
  if (line_columns > 0) lines.push_back(std::move(line));
  return lines;
}

// Terminal text from data: no control characters.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  return out;
}

// "Stop if: 1 Sharp or shooting pain; 2 ...", the keys of the stop rules.
std::string stop_rule_line(const core::SessionPlan& plan) {
  std::string line = "Stop if:";
  for (std::size_t i = 0; i < plan.stop_rules.size(); ++i) {
    line += (i == 0 ? " " : "; ") + stop_rule_key(i) + " " + printable(plan.stop_rules[i].label);
  }
  return line + ".";
}

class CursesCoachUi final : public CoachUi {
 public:
  explicit CursesCoachUi(SCREEN* screen) : screen_(screen) {}
  ~CursesCoachUi() override { close(); }

  core::SessionTime now() override {
    return std::chrono::duration_cast<core::SessionTime>(
        std::chrono::steady_clock::now().time_since_epoch());
  }

  void show_intro(const core::SessionPlan& plan) override;
  std::optional<int> ask_pain(std::string_view question) override;
  std::optional<bool> ask_yes_no(const core::Statement& intro, std::string_view question) override;
  void update(const core::Coach& coach, core::SessionTime now,
              std::span<const core::CoachEvent> events) override;
  void note(std::string_view text) override { message_ = printable(text); }
  CoachInput wait_input(const core::Coach& coach, core::SessionTime now) override;
  void close() override {
    if (screen_ == nullptr) return;
    ::endwin();
    ::delscreen(screen_);
    screen_ = nullptr;
  }
  bool keeps_output() const override { return false; }

 private:
  // A key, waiting at most `timeout_ms` (-1: for ever, yet still waking up
  // for Ctrl-C). ERR on timeout.
  int read_key(int timeout_ms);
  bool too_small() const { return COLS < kMinColumns || LINES < kMinLines; }
  void draw_too_small();
  // Writes `text` at (row, 2) wrapped to the width, at most `max_lines`
  // lines; returns the next free row.
  int put_wrapped(int row, std::string_view text, int max_lines, attr_t attributes = A_NORMAL);
  void put(int row, int column, std::string_view text, attr_t attributes = A_NORMAL);
  void draw(const core::Coach& coach, core::SessionTime now);
  void draw_hold(const core::PlanStep& step, const core::CoachView& view, int row);
  // A page of text and a prompt at the bottom.
  void draw_page(std::string_view heading, const std::vector<std::string>& paragraphs,
                 std::string_view prompt, std::string_view answer);

  SCREEN* screen_;
  bool quit_ = false;
  bool repaint_ = false;  // The coach's screen is drawn in full next time.
  std::string message_;
  std::string cue_;  // The latest cue's text with its markers.
  std::size_t cue_step_ = 0;
};

int CursesCoachUi::read_key(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (interrupted()) return ERR;
    int wait = kTickMs;
    if (timeout_ms >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      wait = static_cast<int>(std::clamp<long long>(left, 0, kTickMs));
    }
    ::wtimeout(stdscr, wait);
    const int key = ::wgetch(stdscr);
    if (key != ERR) return key;
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return ERR;
  }
}

void CursesCoachUi::put(int row, int column, std::string_view text, attr_t attributes) {
  if (row < 0 || row >= LINES || column < 0 || column >= COLS) return;
  ::wattron(stdscr, static_cast<int>(attributes));
  // Cut to the width (by characters; a wide character may overflow, which
  // ncurses clips).
  std::string shown(text);
  const auto width = static_cast<std::size_t>(COLS - column);
  if (columns(shown) > width) {
    const std::vector<std::string> lines = wrap(shown, width);
    shown = lines.empty() ? std::string() : lines.front();
  }
  ::mvwaddstr(stdscr, row, column, shown.c_str());
  ::wattroff(stdscr, static_cast<int>(attributes));
}

int CursesCoachUi::put_wrapped(int row, std::string_view text, int max_lines, attr_t attributes) {
  // A bullet ("- ", "! ", ">> ") hangs: the lines after it start under its text.
  const std::size_t bullet = text.rfind("- ", 0) == 0 || text.rfind("! ", 0) == 0 ? 2
                             : text.rfind(">> ", 0) == 0                          ? 3
                                                                                  : 0;
  const std::vector<std::string> lines =
      wrap(text.substr(bullet), static_cast<std::size_t>(COLS - 4) - bullet);
  for (std::size_t i = 0; i < lines.size() && static_cast<int>(i) < max_lines; ++i) {
    const bool cut = static_cast<int>(i) + 1 == max_lines && i + 1 < lines.size();
    if (i == 0 && bullet > 0) put(row, 2, text.substr(0, bullet), attributes);
    // The last line that fits says that more text follows.
    const std::string line =
        cut ? wrap(lines[i], static_cast<std::size_t>(COLS - 8) - bullet).front() + " ..."
            : lines[i];
    put(row++, 2 + static_cast<int>(bullet), line, attributes);
  }
  return row;
}

void CursesCoachUi::draw_too_small() {
  ::werase(stdscr);
  put(0, 0, "HipCoach: please make the window larger");
  put(1, 0, "(at least " + std::to_string(kMinColumns) + "x" + std::to_string(kMinLines) + ").");
  put(2, 0, "q quits and saves.");
  ::wrefresh(stdscr);
}

void CursesCoachUi::draw_page(std::string_view heading, const std::vector<std::string>& paragraphs,
                              std::string_view prompt, std::string_view answer) {
  if (too_small()) {
    draw_too_small();
    return;
  }
  ::werase(stdscr);
  repaint_ = true;
  put(0, 0, std::string(static_cast<std::size_t>(COLS), ' '), A_REVERSE);
  put(0, 1, "HipCoach guided session", A_REVERSE | A_BOLD);
  int row = 2;
  put(row++, 2, heading, A_BOLD);
  ++row;
  const int last_text_row = LINES - 4;
  for (const std::string& paragraph : paragraphs) {
    if (row >= last_text_row) break;
    row = put_wrapped(row, paragraph, last_text_row - row);
  }
  put(LINES - 3, 2, prompt, A_BOLD);
  put(LINES - 2, 2, "> " + std::string(answer));
  ::wrefresh(stdscr);
}

void CursesCoachUi::show_intro(const core::SessionPlan& plan) {
  std::vector<std::string> paragraphs;
  for (const core::Statement& statement : plan.before) {
    paragraphs.push_back("- " + printable(statement.text) + notes().markers(statement.cite));
  }
  for (const core::Statement& statement : plan.cautions) {
    paragraphs.push_back("! " + printable(statement.text) + notes().markers(statement.cite));
  }
  paragraphs.push_back(stop_rule_line(plan));
  paragraphs.emplace_back("Keys: space pause/resume, n next, b back, s stop, q quit.");
  ::wclear(stdscr);
  while (true) {
    draw_page("Before you start (" + std::to_string(plan.steps.size()) + " steps)", paragraphs,
              "Press Enter to begin, q to quit.", "");
    const int key = read_key(-1);
    if (key == KEY_RESIZE) continue;
    if (key == ERR || key == 'q' || key == 'Q') {
      quit_ = true;
      return;
    }
    if (key == '\n' || key == '\r' || key == KEY_ENTER || key == ' ') return;
  }
}

std::optional<int> CursesCoachUi::ask_pain(std::string_view question) {
  if (quit_ || screen_ == nullptr) return std::nullopt;
  std::string typed;
  std::string problem;
  ::wclear(stdscr);
  while (true) {
    std::vector<std::string> paragraphs = {"0 = no pain, 10 = the worst pain you can imagine."};
    // Why the session just stopped, if a stop rule ended it.
    if (message_.rfind("STOP: ", 0) == 0) paragraphs.push_back(message_);
    if (!problem.empty()) paragraphs.push_back(problem);
    draw_page(question, paragraphs, "Type a number 0-10 and press Enter (q quits).", typed);
    const int key = read_key(-1);
    if (key == ERR || key == 'q' || key == 'Q') {
      quit_ = true;
      return std::nullopt;
    }
    if (key >= '0' && key <= '9' && typed.size() < 2) {
      typed += static_cast<char>(key);
    } else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && !typed.empty()) {
      typed.pop_back();
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
      if (!typed.empty() && std::stoi(typed) <= 10) return std::stoi(typed);
      problem = "Please type a whole number from 0 to 10.";
      typed.clear();
    }
  }
}

std::optional<bool> CursesCoachUi::ask_yes_no(const core::Statement& intro,
                                              std::string_view question) {
  if (quit_ || screen_ == nullptr) return std::nullopt;
  ::wclear(stdscr);
  while (true) {
    draw_page(printable(question), {printable(intro.text) + notes().markers(intro.cite)},
              "y = yes, n = no (q quits)", "");
    const int key = read_key(-1);
    if (key == ERR || key == 'q' || key == 'Q') {
      quit_ = true;
      return std::nullopt;
    }
    if (key == 'y' || key == 'Y') return true;
    if (key == 'n' || key == 'N') return false;
  }
}

void CursesCoachUi::update(const core::Coach& coach, core::SessionTime now,
                           std::span<const core::CoachEvent> events) {
  if (screen_ == nullptr) return;
  // A new step first: a full repaint, with nothing of the last step kept.
  // The cues and stop rules of the same events then show on it.
  for (const core::CoachEvent& event : events) {
    if (event.kind == core::CoachEvent::Kind::kStepChanged) {
      ::wclear(stdscr);
      cue_.clear();
      message_.clear();
    }
  }
  for (const core::CoachEvent& event : events) {
    switch (event.kind) {
      case core::CoachEvent::Kind::kCue:
        cue_ = printable(event.cue->text.text) + notes().markers(event.cue->text.cite);
        cue_step_ = event.step;
        ::beep();
        break;
      case core::CoachEvent::Kind::kStopRule:
        message_ = "STOP: " + printable(event.stop_rule->label) + ". " +
                   printable(event.stop_rule->text.text) +
                   notes().markers(event.stop_rule->text.cite);
        ::beep();
        break;
      case core::CoachEvent::Kind::kStepChanged:
      case core::CoachEvent::Kind::kFinished:
      case core::CoachEvent::Kind::kStopped:
        break;
    }
  }
  draw(coach, now);
}

void CursesCoachUi::draw_hold(const core::PlanStep& step, const core::CoachView& view, int row) {
  const int width = COLS - 6;
  const std::int64_t max_ms = std::max<std::int64_t>(1, step.max_hold_seconds * 1000LL);
  const auto position = [&](std::int64_t ms) {
    return static_cast<int>(std::min<std::int64_t>(width, ms * width / max_ms));
  };
  const int filled = position(view.held_ms);
  const int min_at = position(step.min_hold_seconds * 1000LL);
  std::string bar = "[";
  for (int i = 0; i < width; ++i) {
    if (i == min_at) {
      bar += '|';
    } else {
      bar += i < filled ? '#' : '.';
    }
  }
  bar += "]";
  put(row, 2, bar, view.min_reached ? A_BOLD : A_NORMAL);
  put(row + 1, 2 + std::max(0, min_at - 3), "min " + clock_text(step.min_hold_seconds * 1000LL));
  const std::string max_label = "max " + clock_text(max_ms);
  put(row + 1, std::max(2, COLS - 3 - static_cast<int>(max_label.size())), max_label);
  // Time left counts down to 00:00 as the hold reaches its maximum.
  const std::string timer = clock_text(view.held_ms) + " held   " +
                            clock_text(view.remaining_ms + 999) + " left" +
                            (view.min_reached ? "   (you may stop now)" : "");
  put(row + 2, 2, timer, A_BOLD);
}

void CursesCoachUi::draw(const core::Coach& coach, core::SessionTime now) {
  if (too_small()) {
    draw_too_small();
    return;
  }
  const core::SessionPlan& plan = coach.plan();
  const core::CoachView view = coach.view(now);
  const core::PlanStep& step = plan.steps[view.step];
  if (repaint_) {
    // Back from a question: everything is written again.
    ::wclear(stdscr);
    repaint_ = false;
  } else {
    ::werase(stdscr);
  }

  std::string header = " HipCoach   step " + std::to_string(view.step + 1) + " of " +
                       std::to_string(plan.steps.size());
  const std::string phase = view.phase == core::Phase::kPaused ? "PAUSED " : "";
  put(0, 0, std::string(static_cast<std::size_t>(COLS), ' '), A_REVERSE);
  put(0, 0, header, A_REVERSE | A_BOLD);
  put(0, COLS - static_cast<int>(phase.size()), phase, A_REVERSE | A_BOLD);

  // From the bottom up: keys, stop rules, message, cue, hold.
  int bottom = LINES - 1;
  put(bottom--, 2, "space pause/resume   n next   b back   s stop   q quit", A_REVERSE);
  const std::string rules = stop_rule_line(plan);
  const std::vector<std::string> rule_lines = wrap(rules, static_cast<std::size_t>(COLS - 4));
  bottom -= static_cast<int>(std::min<std::size_t>(rule_lines.size(), 2));
  put_wrapped(bottom + 1, rules, 2);
  if (!message_.empty()) {
    const auto lines = static_cast<int>(
        std::min<std::size_t>(wrap(message_, static_cast<std::size_t>(COLS - 4)).size(), 3));
    bottom -= lines;
    put_wrapped(bottom + 1, message_, lines, A_BOLD);
  }
  if (step.kind == core::StepKind::kTreat) {
    if (!cue_.empty() && cue_step_ == view.step) {
      const auto lines = static_cast<int>(
          std::min<std::size_t>(wrap(cue_, static_cast<std::size_t>(COLS - 7)).size(), 3));
      bottom -= lines + 1;
      put_wrapped(bottom + 1, ">> " + cue_, lines, A_BOLD);
    }
    bottom -= 4;
    draw_hold(step, view, bottom + 1);
  } else {
    --bottom;
    put(bottom + 1, 2,
        view.step + 1 == plan.steps.size() ? "n: finish the session" : "n: next step", A_BOLD);
  }

  int row = 2;
  row = put_wrapped(row, printable(step.title), 2, A_BOLD);
  ++row;
  for (const core::Statement& statement : step.instructions) {
    if (row >= bottom) break;
    row = put_wrapped(row, "- " + printable(statement.text) + notes().markers(statement.cite),
                      bottom - row);
  }
  ::wrefresh(stdscr);
}

CoachInput CursesCoachUi::wait_input(const core::Coach& coach, core::SessionTime now) {
  if (quit_) return {CoachInput::Kind::kQuit};
  const int key = read_key(kTickMs);
  if (interrupted()) return {CoachInput::Kind::kEnd};
  switch (key) {
    case ERR:
      return {CoachInput::Kind::kTimeout};
    case KEY_RESIZE:
      ::wclear(stdscr);
      draw(coach, now);
      return {CoachInput::Kind::kTimeout};
    case ' ':
    case 'p':
    case 'P':
      return {CoachInput::Kind::kPauseOrResume};
    case 'n':
    case 'N':
    case KEY_RIGHT:
      return {CoachInput::Kind::kNext};
    case 'b':
    case 'B':
    case KEY_LEFT:
      return {CoachInput::Kind::kBack};
    case 's':
    case 'S':
      return {CoachInput::Kind::kStop};
    case 'q':
    case 'Q':
      return {CoachInput::Kind::kQuit};
    default:
      break;
  }
  if (key >= '1' && key <= '9') {
    const auto index = static_cast<std::size_t>(key - '1');
    if (index < coach.plan().stop_rules.size()) return {CoachInput::Kind::kStopRule, index};
  }
  return {CoachInput::Kind::kTimeout};
}

}  // namespace

std::unique_ptr<CoachUi> make_curses_ui() {
  // UTF-8 text (the data has some) needs the locale's character type.
  std::setlocale(LC_CTYPE, "");
  SCREEN* screen = ::newterm(nullptr, stdout, stdin);
  if (screen == nullptr) return nullptr;
  ::set_term(screen);
  ::cbreak();  // Keys at once; Ctrl-C still sends SIGINT (InterruptGuard).
  ::noecho();
  ::keypad(stdscr, TRUE);
  ::curs_set(0);
  return std::make_unique<CursesCoachUi>(screen);
}

}  // namespace hipcoach::cli
