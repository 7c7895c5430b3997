#include "coach_command.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli_database_test.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/open_store.h"

namespace hipcoach::cli {
namespace {

using nlohmann::json;

// Lines typed at given times (seconds on a fake clock): a line is read once
// its time has come; waiting for a deadline before it moves the clock to the
// deadline. After the last line the input ends.
class ScriptedLines final : public LineSource {
 public:
  struct Line {
    int at_seconds;
    std::string text;
  };
  explicit ScriptedLines(std::vector<Line> lines) : lines_(std::move(lines)) {}

  core::SessionTime now() override { return now_; }
  Status wait_line(std::optional<core::SessionTime> deadline, std::string& line) override {
    if (next_ == lines_.size()) return Status::kEnd;
    const core::SessionTime at = kStart + std::chrono::seconds(lines_[next_].at_seconds);
    if (deadline && *deadline < at) {
      now_ = std::max(now_, *deadline);
      return Status::kTimeout;
    }
    now_ = std::max(now_, at);
    line = lines_[next_++].text;
    return Status::kLine;
  }

 private:
  static constexpr core::SessionTime kStart{1'000'000};
  std::vector<Line> lines_;
  std::size_t next_ = 0;
  core::SessionTime now_ = kStart;
};

// Pain before, then "no" to each of the five re-check questions, at time 0.
std::vector<ScriptedLines::Line> start_lines(const std::string& pain) {
  return {{0, pain}, {0, "n"}, {0, "n"}, {0, "n"}, {0, "n"}, {0, "n"}};
}

std::vector<ScriptedLines::Line> operator+(std::vector<ScriptedLines::Line> a,
                                           const std::vector<ScriptedLines::Line>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class CoachCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override {
    add_patient();
    loaded_ = storage::load_protocol_dir(data_);
    ASSERT_TRUE(loaded_.ok());
    options_.groups = "gluteus-medius-minimus";
    options_.side = "left";
    options_.database = {db_, kPatient};
  }

  // Runs the coach line by line on `lines` with the fake clock.
  int coach(std::vector<ScriptedLines::Line> lines) {
    ScriptedLines source(std::move(lines));
    std::istringstream in;
    out_.str("");
    err_.str("");
    const Command command{"hipcoach coach", in, out_, err_, environment_};
    return run_coach(command, loaded_.protocol, options_,
                     [&] { return std::make_unique<PlainCoachUi>(source, out_); });
  }

  std::vector<storage::GuidedSessionRecord> sessions() {
    auto store = storage::open_store(db_);
    EXPECT_TRUE(store.has_value());
    if (!store) return {};
    auto list = (*store)->list_guided_sessions(1);
    EXPECT_TRUE(list.has_value());
    return list ? *list : std::vector<storage::GuidedSessionRecord>{};
  }

  json saved_record() {
    const auto saved = sessions();
    EXPECT_EQ(saved.size(), 1U);
    if (saved.empty()) return nullptr;
    return json::parse(saved.back().record_json);
  }

  // The position of `text` in the output, or npos (with a failure).
  std::size_t at(const std::string& text) const {
    const std::size_t found = out_.str().find(text);
    EXPECT_NE(found, std::string::npos) << "missing: " << text << "\nin:\n" << out_.str();
    return found;
  }

  core::LoadedProtocol loaded_;
  CoachOptions options_;
  std::ostringstream out_;
  std::ostringstream err_;
};

// Steps of gluteus-medius-minimus on one side: 1 position, 2 locate, 3 treat
// (front fibres), 4 move, 5 locate, 6 treat (middle), 7 move, 8 locate,
// 9 treat (back), 10 after-care.
TEST_F(CoachCommand, WalksAWholeSessionWithCuesPausesAStopRuleAndSavesIt) {
  options_.pain_limit = 5;
  const int code = coach(start_lines("6") + std::vector<ScriptedLines::Line>{
                                                {5, ""},     // Step 2.
                                                {10, ""},    // Step 3: the hold starts at 10 s.
                                                {80, "p"},   // Paused after 70 s held.
                                                {200, "p"},  // Resumed: 90 s held at 220 s.
                                                {230, ""},   // Step 4 after 100 s held.
                                                {231, ""},   // Step 5.
                                                {232, ""},   // Step 6: the hold starts.
                                                {267, "3"},  // More pain than the limit...
                                                {268, "7"},  // ...7: the hold ends (36 s).
                                                {270, "b"},  // Back to step 6...
                                                {270, ""},   // ...and on, without holding.
                                                {272, ""},   // Step 8.
                                                {273, ""},   // Step 9: the hold starts.
                                                {600, ""},   // Step 10, 180 s held at most.
                                                {601, ""},   // Finished.
                                                {602, "4"},  // Pain after.
                                            });
  ASSERT_EQ(code, kExitOk) << err_.str();

  // The cues of the first hold in order, the one at 01:30 only after the
  // pause (the hold had reached 01:10 when paused).
  const std::size_t step3 = at("Step 3 of 10:");
  const std::size_t light = at("[00:00] Hold the gun still over the tender spot.");
  const std::size_t deeper = at("[00:30] If it is comfortable, press a little deeper.");
  const std::size_t again = at("[01:00] If it is still comfortable");
  const std::size_t paused = at("Paused at 01:10. Resume with p.");
  const std::size_t resumed = at("Resumed.");
  const std::size_t may_stop = at("[01:30] You have held for 1.5 minutes.");
  const std::size_t step4 = at("Step 4 of 10:");
  EXPECT_TRUE(step3 < light && light < deeper && deeper < again && again < paused &&
              paused < resumed && resumed < may_stop && may_stop < step4)
      << out_.str();
  const std::size_t rule = at("STOP: More pain than my limit: Lift the gun off");
  EXPECT_LT(at("Step 6 of 10:"), rule);
  EXPECT_LT(rule, at("Step 7 of 10:"));
  at("[03:00] Stop now: 3 minutes is the longest hold.");
  at("Session finished.");
  at("If the pain gets worse or does not get better, see a clinician.\nContact the clinic: More 4 "
     "Life Physical Therapy");
  at("Pain 6 before, 4 after.");
  at("Saved guided session 1 to the diary of pat@example.org");

  const auto saved = sessions();
  ASSERT_EQ(saved.size(), 1U);
  EXPECT_EQ(saved[0].pain_before, 6);
  EXPECT_EQ(saved[0].pain_after, 4);
  // On the wall clock: begun 602 s before the end (pain after came 1 s
  // after the last step), and 601 s long on the coach's clock.
  EXPECT_EQ(saved[0].started_at, now_ - std::chrono::seconds(602));
  EXPECT_EQ(saved[0].ended_at, now_ - std::chrono::seconds(1));
  const json record = json::parse(saved[0].record_json);
  EXPECT_EQ(record["outcome"], "finished");
  EXPECT_EQ(record["stop_rule"], "");
  ASSERT_EQ(record["points"].size(), 3U) << record.dump();
  EXPECT_EQ(record["points"][0]["held_seconds"], 100);
  EXPECT_EQ(record["points"][0]["stop_rule"], "");
  EXPECT_EQ(record["points"][1]["held_seconds"], 36);
  EXPECT_EQ(record["points"][1]["stop_rule"], "pain-above-limit");
  EXPECT_EQ(record["points"][2]["held_seconds"], 180);
}

TEST_F(CoachCommand, APainRatingWithinTheLimitOnlySaysToCarryOn) {
  options_.pain_limit = 5;
  ASSERT_EQ(
      coach(start_lines("3") +
            std::vector<ScriptedLines::Line>{{1, ""}, {2, ""}, {20, "3"}, {21, "5"}, {40, "s"}}),
      kExitOk)
      << err_.str();
  at("That is within your limit of 5");
  EXPECT_EQ(out_.str().find("STOP:"), std::string::npos);
  // Stopped by the person at 38 s held; the input then ended before pain after.
  const json record = saved_record();
  EXPECT_EQ(record["outcome"], "stopped");
  EXPECT_EQ(record["points"][0]["held_seconds"], 38);
  EXPECT_EQ(sessions()[0].pain_after, std::nullopt);
}

TEST_F(CoachCommand, ASessionEndingStopRuleStopsSavesAndSaysWhatToDo) {
  ASSERT_EQ(coach(start_lines("5") +
                  std::vector<ScriptedLines::Line>{{1, ""}, {2, ""}, {50, "2"}, {51, "6"}}),
            kExitOk)
      << err_.str();
  at("Session stopped: Numbness or tingling down the leg.");
  at("you may be pressing near the sciatic nerve");
  at("After the session\n");  // The after-care, with when to see a clinician.
  at("see a physical therapist");
  const json record = saved_record();
  EXPECT_EQ(record["outcome"], "stopped");
  EXPECT_EQ(record["stop_rule"], "tingling-or-numbness");
  EXPECT_EQ(record["points"][0]["held_seconds"], 48);
  EXPECT_EQ(record["points"][0]["stop_rule"], "tingling-or-numbness");
  EXPECT_EQ(sessions()[0].pain_after, 6);
}

TEST_F(CoachCommand, ListsTheStopRulesWithTheirKeysOnlyThePainRuleWithALimit) {
  ASSERT_EQ(coach({}), kExitOk);
  at("  1  Sharp or shooting pain\n  2  Numbness or tingling down the leg\n"
     "  3  Feeling faint or unwell\n");
  options_.pain_limit = 4;
  ASSERT_EQ(coach({}), kExitOk);
  at("  3  More pain than my limit (above 4; you are asked your pain)\n"
     "  4  Feeling faint or unwell\n");
}

TEST_F(CoachCommand, ARedFlagAtTheRecheckStopsBeforeTheFirstStepWithTheTriageAdvice) {
  ASSERT_EQ(coach({{0, "4"}, {0, "n"}, {0, "y"}, {0, "n"}, {0, "n"}, {0, "n"}}), kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str().find("Step 1 of"), std::string::npos);
  at("No session today: you answered yes to a sign that needs a check first.");
  at("*** URGENT: get medical care today. ***");
  at("call 911 (or your local emergency\nnumber).");
  at("Contact the clinic: More 4 Life Physical Therapy, St. Louis, MO. Phone\n314-941-3970");
  at("\nWhy\n  - Before each session: some signs can appear");
  at("  - Hip pain together with a fever or feeling generally unwell can be a sign");
  at("Saved guided session 1");
  at("\nSources\n");
  const json record = saved_record();
  EXPECT_EQ(record["outcome"], "stopped");
  EXPECT_EQ(record["red_flags"], json::array({"fever_or_unwell"}));
  EXPECT_TRUE(record["points"].empty());
  EXPECT_EQ(sessions()[0].pain_before, 4);
}

TEST_F(CoachCommand, TheEndOfTheInputStopsTheSessionAndSavesWhatWasDone) {
  ASSERT_EQ(coach(start_lines("7") + std::vector<ScriptedLines::Line>{{1, ""}, {2, ""}}), kExitOk)
      << err_.str();
  at("Session stopped early, at step 3 of 10.");
  at("Holds\n  00:00 Left side, Gluteus medius and minimus: hold, Front");
  at("Pain 7 before.\n");
  const json record = saved_record();
  EXPECT_EQ(record["outcome"], "stopped");
  EXPECT_EQ(record["points"].size(), 1U);
}

TEST_F(CoachCommand, QuitStopsAndSavesWithoutAskingPainAfter) {
  ASSERT_EQ(coach(start_lines("7") + std::vector<ScriptedLines::Line>{{1, "q"}, {2, "3"}}), kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str().find("After the session: how strong"), std::string::npos);
  EXPECT_EQ(sessions()[0].pain_after, std::nullopt);
}

TEST_F(CoachCommand, NothingIsSavedWhenTheInputEndsBeforeTheSessionStarts) {
  ASSERT_EQ(coach({{0, "5"}, {0, "n"}}), kExitOk);
  at("The session did not start; nothing was saved.");
  EXPECT_TRUE(sessions().empty());
}

TEST_F(CoachCommand, AsksAgainAfterABadPainOrAnswerAndExplainsUnknownCommands) {
  ASSERT_EQ(coach({{0, "11"},
                   {0, "six"},
                   {0, "5"},
                   {0, "maybe"},
                   {0, "n"},
                   {0, "n"},
                   {0, "n"},
                   {0, "n"},
                   {0, "n"},
                   {1, "x"}}),
            kExitOk);
  EXPECT_NE(out_.str().find("Please answer a whole number from 0 to 10 (q to quit).\n> Please "
                            "answer a whole number from 0 to 10"),
            std::string::npos)
      << out_.str();
  at("Please answer y or n (q to quit).");
  at("Unknown command.\nStop when any of these happens");
}

TEST_F(CoachCommand, BuildsThePlanOfASavedTriageAndRecordsItsId) {
  auto store = storage::open_store(db_);
  ASSERT_TRUE(store.has_value());
  storage::SavedTriage triage;
  triage.user_id = 1;
  triage.created_at = now_;
  triage.answers_json =
      R"({"age": 54, "side": "right", "locations": ["outer_hip", "outer_thigh"], "pain_now": 4,
          "worst_pain_week": 7, "duration_weeks": 10, "aggravators": ["lying_on_side", "stairs"],
          "red_flags": [], "cautions": []})";
  triage.result_json = "{}";
  ASSERT_TRUE((*store)->save_triage(triage).has_value());
  options_.groups.clear();
  options_.side.clear();
  options_.triage = 1;
  ASSERT_EQ(coach(start_lines("5") + std::vector<ScriptedLines::Line>{{1, "s"}}), kExitOk)
      << err_.str();
  at("Step 1 of ");
  at(": Right side, ");
  const json record = saved_record();
  EXPECT_EQ(record["triage_id"], 1);
  EXPECT_EQ(record["sides"], json::array({"right"}));
}

TEST_F(CoachCommand, AnUnknownTriageIsAUsageErrorNamingTriage) {
  options_.groups.clear();
  options_.side.clear();
  options_.triage = 9;
  EXPECT_EQ(coach({}), kExitUsage);
  EXPECT_EQ(err_.str(), "hipcoach coach: --triage: no saved triage 9 for pat@example.org\n");
}

TEST_F(CoachCommand, RefusesEachBadOptionNamingIt) {
  struct Row {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Row> rows = {
      {{"--groups", "calf", "--side", "left"},
       "--groups: unknown muscle group \"calf\"; expected one of gluteus-medius-minimus, "
       "tensor-fasciae-latae, external-rotators"},
      {{"--groups", "tensor-fasciae-latae,tensor-fasciae-latae", "--side", "left"},
       "--groups: muscle group \"tensor-fasciae-latae\" is listed twice"},
      {{"--groups", "tensor-fasciae-latae", "--side", "middle"},
       "--side: must be \"left\", \"right\" or \"both\", got \"middle\""},
      {{"--groups", "tensor-fasciae-latae", "--side", "left", "--pain-limit", "11"},
       "--pain-limit: must be an integer 0..10, got 11"},
      {{"--groups", "tensor-fasciae-latae", "--side", "left", "--cautions", "osteoporosis,gout"},
       "--cautions: unknown caution \"gout\""},
      {{"--side", "left"},
       "--groups: give --groups and --side (or --triage ID, a saved triage); the groups are "
       "listed by: hipcoach protocol list"},
      {{"--groups", "tensor-fasciae-latae", "--side", "left", "--triage", "1"},
       "--triage: give either --triage ID or --groups and --side, not both"},
  };
  for (const Row& row : rows) {
    std::vector<std::string> args = {"coach", "--data", data_};
    args.insert(args.end(), row.args.begin(), row.args.end());
    EXPECT_EQ(run_as_patient(args), kExitUsage) << row.error;
    EXPECT_EQ(err(), "hipcoach coach: " + row.error + "\n");
  }
  EXPECT_TRUE(sessions().empty());
}

// --- The full-screen coach on a pseudo-terminal ------------------------------

// `hipcoach coach` started on a pseudo-terminal of 100x30. Reads what it
// draws and types keys. Waits have a generous limit only so that a broken
// build fails instead of hanging; nothing asserts on how long anything takes.
class Terminal {
 public:
  explicit Terminal(const std::vector<std::string>& args) {
    winsize size{};
    size.ws_row = 30;
    size.ws_col = 100;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      ::setenv("TERM", "xterm", 1);
      ::setenv("LANG", "C.UTF-8", 1);
      ::unsetenv("HIPCOACH_DB");
      ::unsetenv("HIPCOACH_USER");
      std::vector<char*> argv;
      std::string binary = HIPCOACH_BINARY;
      argv.push_back(binary.data());
      std::vector<std::string> copy = args;
      for (std::string& arg : copy) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
  }
  ~Terminal() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  bool started() const { return pid_ > 0; }

  // Reads until `text` appears after what earlier waits matched.
  bool wait_for(const std::string& text) {
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      const std::size_t found = screen_.find(text, seen_);
      if (found != std::string::npos) {
        seen_ = found + text.size();
        return true;
      }
      if (std::chrono::steady_clock::now() > limit || !read_some()) {
        ADD_FAILURE() << "never saw \"" << text << "\"; the output ends with:\n"
                      << screen_.substr(screen_.size() > 3000 ? screen_.size() - 3000 : 0);
        return false;
      }
    }
  }

  void type(const std::string& keys) {
    ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }

  // Reads the rest of the output and the exit code.
  int wait_exit() {
    while (read_some()) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  const std::string& output() const { return screen_; }

 private:
  // False at the end of the output (the child closed the terminal).
  bool read_some() {
    pollfd descriptor{master_, POLLIN, 0};
    if (::poll(&descriptor, 1, 30'000) <= 0) return false;
    char chunk[4096];
    const ssize_t got = ::read(master_, chunk, sizeof chunk);
    if (got <= 0) return false;  // EIO once the child has exited.
    screen_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  bool exited_ = false;
  std::string screen_;
  std::size_t seen_ = 0;
};

class CoachScreen : public testing::CliDatabaseTest {
 protected:
  void SetUp() override { add_patient(); }

  std::vector<std::string> args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> all = {"coach",  "--groups", "gluteus-medius-minimus",
                                    "--side", "left",     "--data",
                                    data_,    "--db",     db_,
                                    "--user", kPatient};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }

  // Through the intro, pain before and the five re-check questions.
  static void start(Terminal& terminal, const std::string& pain) {
    ASSERT_TRUE(terminal.wait_for("Before you start"));
    terminal.type("\r");
    ASSERT_TRUE(terminal.wait_for("how strong is your pain now?"));
    terminal.type(pain + "\r");
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(terminal.wait_for("y = yes, n = no"));
      terminal.type("n");
    }
  }

  // The terminal left full-screen mode (xterm's rmcup, which endwin()
  // sends) after it last entered it, and before the summary was printed.
  static void expect_restored_before(const Terminal& terminal, const std::string& summary) {
    const std::string& output = terminal.output();
    const std::size_t entered = output.rfind("\x1b[?1049h");
    const std::size_t left = output.rfind("\x1b[?1049l");
    ASSERT_NE(entered, std::string::npos);
    ASSERT_NE(left, std::string::npos);
    EXPECT_LT(entered, left);
    EXPECT_LT(left, output.find(summary));
  }

  json saved_record(std::optional<int>& pain_after) {
    auto store = storage::open_store(db_);
    EXPECT_TRUE(store.has_value());
    if (!store) return nullptr;
    auto list = (*store)->list_guided_sessions(1);
    EXPECT_TRUE(list.has_value() && list->size() == 1);
    if (!list || list->size() != 1) return nullptr;
    pain_after = list->front().pain_after;
    return json::parse(list->front().record_json);
  }
};

TEST_F(CoachScreen, RunsASessionWithTheKeysAndSavesIt) {
  Terminal terminal(args({"--pain-limit", "5"}));
  ASSERT_TRUE(terminal.started());
  start(terminal, "6");
  ASSERT_TRUE(terminal.wait_for("step 1 of 10"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 2 of 10"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 3 of 10"));
  ASSERT_TRUE(terminal.wait_for("max 03:00"));
  terminal.type(" ");
  ASSERT_TRUE(terminal.wait_for("PAUSED"));
  terminal.type(" ");
  ASSERT_TRUE(terminal.wait_for("Resumed"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 4 of 10"));
  terminal.type("b");
  ASSERT_TRUE(terminal.wait_for("step 3 of 10"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 4 of 10"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 5 of 10"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 6 of 10"));
  ASSERT_TRUE(terminal.wait_for("max 03:00"));
  terminal.type("3");  // More pain than my limit: asks the pain.
  ASSERT_TRUE(terminal.wait_for("How strong is the pain now?"));
  terminal.type("8\r");
  ASSERT_TRUE(terminal.wait_for("step 7 of 10"));
  ASSERT_TRUE(terminal.wait_for("More pain than my limit."));
  terminal.type("s");
  ASSERT_TRUE(terminal.wait_for("After the session: how strong is your pain now?"));
  terminal.type("4\r");
  ASSERT_TRUE(terminal.wait_for("Saved guided session 1 to the diary of pat@example.org"));
  EXPECT_EQ(terminal.wait_exit(), kExitOk);

  std::optional<int> pain_after;
  const json record = saved_record(pain_after);
  EXPECT_EQ(record["outcome"], "stopped");
  ASSERT_EQ(record["points"].size(), 2U) << record.dump();
  EXPECT_EQ(record["points"][1]["stop_rule"], "pain-above-limit");
  EXPECT_EQ(pain_after, 4);
}

TEST_F(CoachScreen, QuitSavesAtOnceAndRestoresTheTerminal) {
  Terminal terminal(args());
  ASSERT_TRUE(terminal.started());
  start(terminal, "5");
  ASSERT_TRUE(terminal.wait_for("step 1 of 10"));
  terminal.type("q");
  ASSERT_TRUE(terminal.wait_for("Session stopped early, at step 1 of 10."));
  ASSERT_TRUE(terminal.wait_for("Saved guided session 1"));
  EXPECT_EQ(terminal.wait_exit(), kExitOk);
  expect_restored_before(terminal, "Session stopped early");
  std::optional<int> pain_after;
  EXPECT_EQ(saved_record(pain_after)["outcome"], "stopped");
  EXPECT_EQ(pain_after, std::nullopt);
}

TEST_F(CoachScreen, CtrlCEndsTheSessionSavesItAndRestoresTheTerminal) {
  Terminal terminal(args());
  ASSERT_TRUE(terminal.started());
  start(terminal, "5");
  ASSERT_TRUE(terminal.wait_for("step 1 of 10"));
  terminal.type("n");
  ASSERT_TRUE(terminal.wait_for("step 2 of 10"));
  terminal.type("\x03");  // The terminal sends SIGINT.
  ASSERT_TRUE(terminal.wait_for("Session stopped early, at step 2 of 10."));
  ASSERT_TRUE(terminal.wait_for("Saved guided session 1"));
  EXPECT_EQ(terminal.wait_exit(), kExitOk);
  expect_restored_before(terminal, "Session stopped early");
  std::optional<int> pain_after;
  EXPECT_EQ(saved_record(pain_after)["outcome"], "stopped");
}

}  // namespace
}  // namespace hipcoach::cli
