#include "coach_command.h"

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "clinic_text.h"
#include "coach_curses.h"
#include "hipcoach/core/check.h"
#include "hipcoach/core/session_codec.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/session_log.h"

namespace hipcoach::cli {

namespace {

using nlohmann::json;

// Splits a comma-separated option into trimmed items; "" gives none.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  if (trim(text).empty()) return items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    items.push_back(trim(std::string_view(text).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

// The option that set a field of the plan request, for messages.
std::string option_for(const std::string& where) {
  const auto starts = [&](std::string_view prefix) { return where.rfind(prefix, 0) == 0; };
  if (starts("/groups")) return "--groups";
  if (starts("/side")) return "--side";
  if (starts("/pain_limit")) return "--pain-limit";
  if (starts("/cautions")) return "--cautions";
  return where;
}

// What happened, for the summary and the record.
struct SessionRun {
  bool started = false;  // The re-check was answered: there is a session to save.
  std::optional<int> pain_before;
  std::optional<int> pain_after;
  core::SessionTime began_at{0};  // On the UI's clock, when begin() was called.
};

void announce(CoachUi& ui, const core::Coach& coach, core::SessionTime now,
              const core::Result<std::vector<core::CoachEvent>>& events) {
  if (events) ui.update(coach, now, *events);
}

// The stop rule `rule` reported by the person: a pain rating for the
// pain-above-limit rule (which fires only above the limit), else at once.
void report_stop_rule(CoachUi& ui, core::Coach& coach, const core::StopRule& rule) {
  if (rule.trigger != core::StopRule::Trigger::kPainAboveLimit) {
    const core::SessionTime now = ui.now();
    announce(ui, coach, now, coach.stop_rule(now, rule.id));
    return;
  }
  const std::optional<int> pain = ui.ask_pain("How strong is the pain now?");
  if (!pain) return;
  const core::SessionTime now = ui.now();
  auto events = coach.report_pain(now, *pain);
  announce(ui, coach, now, events);
  const bool fired = events && std::any_of(events->begin(), events->end(), [](const auto& event) {
                       return event.kind == core::CoachEvent::Kind::kStopRule;
                     });
  if (!fired && coach.plan().pain_limit) {
    ui.note("That is within your limit of " + std::to_string(*coach.plan().pain_limit) +
            ": carry on, no deeper than is comfortable.");
  }
}

bool is_active(const core::Coach& coach) {
  const core::Phase phase = coach.state().phase;
  return phase == core::Phase::kRunning || phase == core::Phase::kPaused;
}

// Pain before, the re-check, the steps, pain after. Never fails: whatever
// the person does ends in a coach that stopped or finished, or one that
// never started (SessionRun::started false).
SessionRun drive(CoachUi& ui, core::Coach& coach) {
  const core::SessionPlan& plan = coach.plan();
  SessionRun run;
  ui.show_intro(plan);
  run.pain_before = ui.ask_pain("Before you start: how strong is your pain now?");
  if (!run.pain_before) return run;
  std::vector<std::string> red_flags;
  for (const core::RecheckQuestion& question : plan.recheck) {
    const std::optional<bool> yes = ui.ask_yes_no(plan.recheck_intro, question.question);
    if (!yes) return run;
    if (*yes) red_flags.push_back(question.red_flag);
  }
  run.began_at = ui.now();
  auto begun = coach.begin(run.began_at, red_flags);
  HIPCOACH_CHECK(begun.has_value());  // Only the plan's own questions were asked.
  run.started = true;
  ui.update(coach, run.began_at, *begun);
  if (!red_flags.empty()) return run;

  bool ask_after = true;
  while (is_active(coach)) {
    core::SessionTime now = ui.now();
    ui.update(coach, now, coach.tick(now));
    const CoachInput input = ui.wait_input(coach, now);
    now = ui.now();
    switch (input.kind) {
      case CoachInput::Kind::kTimeout:
        break;
      case CoachInput::Kind::kNext:
        announce(ui, coach, now, coach.next(now));
        break;
      case CoachInput::Kind::kBack:
        if (auto events = coach.back(now)) {
          ui.update(coach, now, *events);
        } else {
          ui.note("This is the first step.");
        }
        break;
      case CoachInput::Kind::kPauseOrResume:
        if (coach.state().phase == core::Phase::kRunning) {
          announce(ui, coach, now, coach.pause(now));
          ui.note("Paused at " + clock_text(coach.view(now).held_ms) + ". Resume with p.");
        } else {
          announce(ui, coach, now, coach.resume(now));
          ui.note("Resumed.");
        }
        break;
      case CoachInput::Kind::kStop:
        announce(ui, coach, now, coach.stop(now));
        break;
      case CoachInput::Kind::kQuit:
      case CoachInput::Kind::kEnd:
        announce(ui, coach, now, coach.stop(now));
        ask_after = false;
        break;
      case CoachInput::Kind::kStopRule:
        if (input.rule < plan.stop_rules.size()) {
          report_stop_rule(ui, coach, plan.stop_rules[input.rule]);
        }
        break;
    }
  }
  if (ask_after) run.pain_after = ui.ask_pain("After the session: how strong is your pain now?");
  return run;
}

void write_statements(const std::vector<core::Statement>& statements, std::string_view bullet,
                      Footnotes& notes, std::ostream& out) {
  for (const core::Statement& statement : statements) {
    write_wrapped(statement.text + notes.markers(statement.cite), bullet, out);
  }
}

// What the re-check found: the level of care and the reasons, with sources.
void write_recheck_advice(const core::Protocol& protocol, const core::SessionPlan& plan,
                          const std::vector<std::string>& red_flags, Footnotes& notes,
                          std::ostream& out) {
  auto outcome = core::evaluate_recheck(protocol, plan, red_flags);
  HIPCOACH_CHECK(outcome.has_value());  // The coach accepted the same flags.
  out << "\nNo session today: you answered yes to a sign that needs a check first.\n";
  if (outcome->disposition == core::Disposition::kUrgent) {
    out << "*** URGENT: get medical care today. ***\n";
    write_wrapped(
        "Call your doctor or the clinic now. If you cannot put weight on your leg, are very "
        "unwell, or this is an emergency, call " +
            emergency_number_text(protocol) + ".",
        "", out);
    write_clinic_contact(protocol, out, false);
  } else {
    out << "SEE A CLINICIAN SOON: book an appointment within days, before you treat yourself "
           "again.\n";
    write_clinic_contact(protocol, out);
  }
  out << "\nWhy\n";
  write_statements({plan.recheck_intro}, "  - ", notes, out);
  for (const core::DispositionRule* rule : outcome->reasons) {
    write_wrapped(rule->reason.text + notes.markers(rule->reason.cite), "  - ", out);
  }
}

const core::StopRule* find_rule(const core::SessionPlan& plan, const std::string& id) {
  for (const core::StopRule& rule : plan.stop_rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

void write_summary(const core::Protocol& protocol, const core::Coach& coach, const SessionRun& run,
                   bool aftercare_shown, Footnotes& notes, std::ostream& out) {
  const core::SessionPlan& plan = coach.plan();
  const core::CoachState& state = coach.state();
  if (!state.red_flags.empty()) {
    write_recheck_advice(protocol, plan, state.red_flags, notes, out);
    return;
  }
  out << '\n';
  if (state.phase == core::Phase::kFinished) {
    out << "Session finished.\n";
  } else if (const core::StopRule* rule = find_rule(plan, state.stop_rule)) {
    out << "Session stopped: " << rule->label << ".\n";
    write_wrapped(rule->text.text + notes.markers(rule->text.cite), "  ", out);
  } else {
    out << "Session stopped early, at step " << state.step + 1 << " of " << plan.steps.size()
        << ".\n";
  }
  if (state.holds.empty()) {
    out << "No hold was timed.\n";
  } else {
    out << "Holds\n";
    for (const core::HoldRecord& hold : state.holds) {
      const core::PlanStep& step = plan.steps[hold.step];
      std::string line = clock_text(hold.held_ms) + "  " + step.title;
      if (const core::StopRule* rule = find_rule(plan, hold.stop_rule)) {
        line += " (stopped: " + rule->label + ")";
      }
      write_wrapped(line, "  ", out);
    }
  }
  if (run.pain_before) {
    out << "Pain " << *run.pain_before << " before";
    if (run.pain_after) out << ", " << *run.pain_after << " after";
    out << ".\n";
  }
  if (!aftercare_shown) {
    const core::PlanStep& aftercare = plan.steps.back();
    out << '\n' << aftercare.title << '\n';
    write_statements(aftercare.instructions, "  - ", notes, out);
  }
  if (protocol.clinic) {
    out << "\nIf the pain gets worse or does not get better, see a clinician.\n";
    write_clinic_contact(protocol, out);
  }
}

// The body of POST /api/v1/sessions-log for what was done: wall-clock times
// from the start (`started`) and the session's length on its own clock.
json session_log_body(const Command& command, const core::Coach& coach, const SessionRun& run,
                      std::chrono::sys_seconds started, const std::optional<std::int64_t>& triage) {
  const core::CoachState& state = coach.state();
  const auto length = std::chrono::floor<std::chrono::seconds>(state.ended_at - state.started_at);
  const std::chrono::sys_seconds ended = started + length;
  const auto pain = [](const std::optional<int>& value) {
    return value ? json(*value) : json(nullptr);
  };
  json body = {
      {"started_at", core::format_timestamp(started, command.environment.utc_offset(started))},
      {"ended_at", core::format_timestamp(ended, command.environment.utc_offset(ended))},
      {"pain_before", pain(run.pain_before)},
      {"pain_after", pain(run.pain_after)},
      {"record", core::session_record_json(coach)}};
  if (triage) body["triage_id"] = *triage;
  return body;
}

}  // namespace

int run_coach(const Command& command, const core::Protocol& protocol, const CoachOptions& options,
              const CoachUiFactory& make_ui) {
  const bool chose = !options.groups.empty() || !options.side.empty() || !options.cautions.empty();
  if (options.triage && chose) {
    return command.fail(kExitUsage, "--triage",
                        "give either --triage ID or --groups and --side, not both");
  }
  if (!options.triage && (options.groups.empty() || options.side.empty())) {
    return command.fail(kExitUsage, options.groups.empty() ? "--groups" : "--side",
                        "give --groups and --side (or --triage ID, a saved triage); the groups "
                        "are listed by: hipcoach protocol list");
  }
  core::PlanRequest request;
  request.groups = split_list(options.groups);
  request.side = options.side;
  request.cautions = split_list(options.cautions);
  request.pain_limit = options.pain_limit;
  // Checked before the database is opened: a typo costs nothing.
  if (!options.triage) {
    if (auto plan = core::build_session_plan(protocol, request); !plan) {
      const core::Error& error = plan.error();
      if (error.code() != core::ErrorCode::kInvalidInput) {
        return command.fail(kExitInvalidData, "the protocol data", error.message());
      }
      return command.fail(kExitUsage, option_for(error.where()), error.message());
    }
  }

  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;

  if (options.triage) {
    auto from_triage =
        service::plan_request_from_saved_triage(protocol, store, user.id, *options.triage);
    if (!from_triage) {
      const core::Error& error = from_triage.error();
      if (error.code() == core::ErrorCode::kNotFound) {
        return command.fail(
            kExitUsage, "--triage",
            "no saved triage " + std::to_string(*options.triage) + " for " + user.email);
      }
      if (error.code() == core::ErrorCode::kConflict) {
        return command.fail(kExitInvalidData, "--triage", error.message());
      }
      return store_failure(command, error);
    }
    request = std::move(*from_triage);
    request.pain_limit = options.pain_limit;
  }
  auto plan = core::build_session_plan(protocol, request);
  if (!plan) return command.fail(kExitInvalidData, "the protocol data", plan.error().message());

  core::Coach coach(*plan);
  SessionRun run;
  std::chrono::sys_seconds started{};
  bool aftercare_shown = false;
  std::unique_ptr<CoachUi> ui = make_ui();
  Footnotes& notes = ui->notes();
  run = drive(*ui, coach);
  started = command.environment.now() -
            std::chrono::floor<std::chrono::seconds>(ui->now() - run.began_at);
  aftercare_shown = ui->keeps_output() && coach.state().phase == core::Phase::kFinished;
  ui->close();

  if (!run.started) {
    command.out << "\nThe session did not start; nothing was saved.\n";
    return kExitOk;
  }
  write_summary(protocol, coach, run, aftercare_shown, notes, command.out);

  const json body = session_log_body(command, coach, run, started, options.triage);
  auto saved = service::log_session(protocol, store, body, user.id, command.environment.now(),
                                    service::RecordCheck::kAlways);
  if (!saved) {
    notes.write(protocol, command.out);
    if (saved.error().code() == core::ErrorCode::kInvalidInput) {
      return command.fail(kExitInvalidData, "the session",
                          "was not saved: " + saved.error().to_string());
    }
    return store_failure(command, saved.error());
  }
  command.out << '\n';
  write_wrapped("Saved guided session " + std::to_string(saved->id) + " to the diary of " +
                    user.email + " (hipcoach progress shows pain around sessions).",
                "", command.out);
  notes.write(protocol, command.out);
  return kExitOk;
}

int run_coach(const Command& command, const core::Protocol& protocol, const CoachOptions& options) {
  const bool standard = &command.in == &std::cin && &command.out == &std::cout;
  const bool full_screen = !options.plain && standard && command.environment.input_is_terminal &&
                           ::isatty(STDOUT_FILENO) == 1;
  // From when the session starts: Ctrl-C then ends it early and saves it.
  std::optional<InterruptGuard> guard;
  StreamLineSource source(&command.in == &std::cin ? STDIN_FILENO : -1, command.in);
  return run_coach(command, protocol, options, [&]() -> std::unique_ptr<CoachUi> {
    guard.emplace();
    if (full_screen) {
      if (auto screen = make_curses_ui()) return screen;
    }
    return std::make_unique<PlainCoachUi>(source, command.out);
  });
}

}  // namespace hipcoach::cli
