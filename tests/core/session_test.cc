#include "hipcoach/core/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/session_codec.h"
#include "test_data.h"

namespace hipcoach::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Protocol& shipped() { return testing::shipped_protocol(); }

SessionPlan plan_for(std::vector<std::string> groups, std::string side,
                     std::optional<int> pain_limit = std::nullopt) {
  auto plan = build_session_plan(shipped(), {std::move(groups), std::move(side), pain_limit, {}});
  if (!plan) ADD_FAILURE() << plan.error().to_string();
  return plan ? *plan : SessionPlan{};
}

// A fake clock: the session's time, moved on by the test.
struct FakeClock {
  SessionTime now{1'700'000'000'000};
  SessionTime advance(seconds by) { return now += by; }
  SessionTime advance(milliseconds by) { return now += by; }
};

std::vector<std::string> cue_ids(const std::vector<CoachEvent>& events) {
  std::vector<std::string> ids;
  for (const CoachEvent& event : events) {
    if (event.kind == CoachEvent::Kind::kCue) ids.push_back(event.cue->id);
  }
  return ids;
}

std::size_t first_treat(const SessionPlan& plan) {
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (plan.steps[i].kind == StepKind::kTreat) return i;
  }
  return plan.steps.size();
}

// Starts a coach (no red flags) and walks it to the first treat step.
Coach coach_at_first_hold(const SessionPlan& plan, FakeClock& clock) {
  Coach coach(plan);
  EXPECT_TRUE(coach.begin(clock.now, {}));
  while (coach.state().step < first_treat(plan)) EXPECT_TRUE(coach.next(clock.now));
  return coach;
}

// --- The plan ------------------------------------------------------------------------

TEST(SessionPlan, HasAPositionLocateAndTreatStepForEveryAreaOfEachGroupAndEndsWithAftercare) {
  for (const MuscleGroup& group : shipped().groups) {
    const SessionPlan plan = plan_for({group.id}, "left");
    ASSERT_FALSE(plan.steps.empty()) << group.id;
    EXPECT_EQ(plan.steps.front().kind, StepKind::kPosition) << group.id;
    EXPECT_EQ(plan.steps.back().kind, StepKind::kAftercare) << group.id;
    EXPECT_EQ(plan.treat_step_count(), group.areas.size()) << group.id;
    for (const TreatmentArea& area : group.areas) {
      const auto treats_area = [&](StepKind kind) {
        return std::any_of(plan.steps.begin(), plan.steps.end(), [&](const PlanStep& step) {
          return step.kind == kind && step.area == area.id && step.group == group.id;
        });
      };
      EXPECT_TRUE(treats_area(StepKind::kLocate)) << group.id << "/" << area.id;
      EXPECT_TRUE(treats_area(StepKind::kTreat)) << group.id << "/" << area.id;
    }
  }
}

TEST(SessionPlan, EachLocateStepComesRightBeforeTheTreatStepOfTheSameArea) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus", "tensor-fasciae-latae"}, "both");
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (plan.steps[i].kind != StepKind::kTreat) continue;
    ASSERT_GT(i, 0U);
    EXPECT_EQ(plan.steps[i - 1].kind, StepKind::kLocate) << "step " << i;
    EXPECT_EQ(plan.steps[i - 1].area, plan.steps[i].area) << "step " << i;
  }
}

TEST(SessionPlan, TreatStepsTakeTheirHoldRangeFromTheGroupData) {
  for (const MuscleGroup& group : shipped().groups) {
    const SessionPlan plan = plan_for({group.id}, "right");
    for (const PlanStep& step : plan.steps) {
      if (step.kind != StepKind::kTreat) continue;
      EXPECT_EQ(step.min_hold_seconds, group.hold_seconds.min) << group.id;
      EXPECT_EQ(step.max_hold_seconds, group.hold_seconds.max) << group.id;
      EXPECT_EQ(step.body_map_view, group.body_map_view) << group.id;
      EXPECT_EQ(step.instructions.front().text, group.treat.advice.text) << group.id;
    }
  }
}

TEST(SessionPlan, CuesStartLightGoDeeperAllowAStopAtTheMinimumAndStopAtTheMaximum) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  const PlanStep& treat = plan.steps[first_treat(plan)];
  std::vector<std::pair<std::string, int>> cues;
  for (const PlanCue& cue : treat.cues) cues.emplace_back(cue.id, cue.at_seconds);
  const std::vector<std::pair<std::string, int>> expected = {
      {"start-light", 0}, {"deeper", 30}, {"deeper-again", 60}, {"may-stop", 90}, {"stop", 180}};
  EXPECT_EQ(cues, expected);
}

TEST(SessionPlan, BothSidesTreatTheLeftSideFirstThenTheRight) {
  const SessionPlan plan = plan_for({"external-rotators"}, "both");
  EXPECT_EQ(plan.sides, (std::vector<std::string>{"left", "right"}));
  EXPECT_EQ(plan.treat_step_count(), 2U);
  EXPECT_EQ(plan.steps[first_treat(plan)].side, "left");
  EXPECT_EQ(plan.steps[plan.steps.size() - 2].side, "right");
}

TEST(SessionPlan, EveryStatementCitesASourceThatThePlanLists) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus", "external-rotators"}, "left", 6);
  std::vector<const Statement*> statements;
  for (const PlanStep& step : plan.steps) {
    if (step.kind == StepKind::kMove) continue;  // Its text is the next area's description.
    for (const Statement& s : step.instructions) statements.push_back(&s);
    for (const PlanCue& cue : step.cues) statements.push_back(&cue.text);
  }
  for (const StopRule& rule : plan.stop_rules) statements.push_back(&rule.text);
  for (const Statement& s : plan.cautions) statements.push_back(&s);
  for (const Statement& s : plan.before) statements.push_back(&s);
  statements.push_back(&plan.recheck_intro);
  for (const Statement* statement : statements) {
    EXPECT_FALSE(statement->cite.empty()) << statement->text;
    for (const std::string& id : statement->cite) {
      EXPECT_NE(std::find(plan.sources.begin(), plan.sources.end(), id), plan.sources.end())
          << id << " cited by: " << statement->text;
    }
  }
}

TEST(SessionPlan, HasThePainLimitStopRuleOnlyWhenALimitIsSet) {
  const auto has_pain_rule = [](const SessionPlan& plan) {
    return std::any_of(plan.stop_rules.begin(), plan.stop_rules.end(), [](const StopRule& rule) {
      return rule.trigger == StopRule::Trigger::kPainAboveLimit;
    });
  };
  EXPECT_FALSE(has_pain_rule(plan_for({"tensor-fasciae-latae"}, "left")));
  EXPECT_TRUE(has_pain_rule(plan_for({"tensor-fasciae-latae"}, "left", 5)));
}

TEST(SessionPlan, StopRulesCoverShootingPainTinglingAndFeelingFaint) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left", 5);
  std::vector<std::string> ids;
  for (const StopRule& rule : plan.stop_rules) ids.push_back(rule.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"shooting-pain", "tingling-or-numbness",
                                           "pain-above-limit", "feeling-faint"}));
}

TEST(SessionPlan, TheRecheckAsksAboutTheRedFlagsThatCanAppearBetweenSessions) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  std::vector<std::string> flags;
  for (const RecheckQuestion& question : plan.recheck) flags.push_back(question.red_flag);
  EXPECT_EQ(flags, (std::vector<std::string>{
                       "fall_or_injury", "fever_or_unwell", "leg_weakness_or_spreading_numbness",
                       "saddle_numbness_or_bladder_bowel_change", "calf_swelling_or_pain"}));
}

TEST(SessionPlan, ThePersonsCautionsComeFirstWithWhatToDoInstead) {
  auto plan =
      build_session_plan(shipped(), {{"tensor-fasciae-latae"}, "left", std::nullopt, {"pregnant"}});
  ASSERT_TRUE(plan) << plan.error().to_string();
  ASSERT_GE(plan->cautions.size(), 2U);
  EXPECT_NE(plan->cautions[0].text.find("Pregnancy"), std::string::npos);
  EXPECT_NE(plan->cautions[1].text.find("midwife"), std::string::npos);
}

struct BadRequest {
  PlanRequest request;
  std::string where;
  std::string message;
};

TEST(SessionPlan, RefusesABadRequestNamingTheField) {
  const std::vector<BadRequest> cases = {
      {{{}, "left", std::nullopt, {}}, "/groups", "must name at least one muscle group"},
      {{{"tensor-fasciae-latae", "quads"}, "left", std::nullopt, {}},
       "/groups/1",
       "unknown muscle group \"quads\"; expected one of gluteus-medius-minimus, "
       "tensor-fasciae-latae, external-rotators"},
      {{{"tensor-fasciae-latae", "tensor-fasciae-latae"}, "left", std::nullopt, {}},
       "/groups/1",
       "muscle group \"tensor-fasciae-latae\" is listed twice"},
      {{{"tensor-fasciae-latae"}, "middle", std::nullopt, {}},
       "/side",
       "must be \"left\", \"right\" or \"both\", got \"middle\""},
      {{{"tensor-fasciae-latae"}, "left", 11, {}},
       "/pain_limit",
       "must be an integer 0..10, got 11"},
      {{{"tensor-fasciae-latae"}, "left", -1, {}},
       "/pain_limit",
       "must be an integer 0..10, got -1"},
      {{{"tensor-fasciae-latae"}, "left", std::nullopt, {"vertigo"}},
       "/cautions/0",
       "unknown caution \"vertigo\""},
  };
  for (const BadRequest& bad : cases) {
    auto plan = build_session_plan(shipped(), bad.request);
    ASSERT_FALSE(plan) << bad.where;
    EXPECT_EQ(plan.error().code(), ErrorCode::kInvalidInput) << bad.where;
    EXPECT_EQ(plan.error().where(), bad.where);
    EXPECT_EQ(plan.error().message(), bad.message) << bad.where;
  }
}

TEST(SessionPlan, FromATriageResultTakesItsGroupsSideAndCautions) {
  auto answers = parse_answers(R"({"age": 54, "side": "right", "locations": ["outer_hip"],
      "pain_now": 4, "worst_pain_week": 6, "duration_weeks": 8, "aggravators": ["lying_on_side"],
      "red_flags": [], "cautions": ["osteoporosis"]})");
  ASSERT_TRUE(answers);
  const TriageResult result = evaluate_triage(shipped(), *answers);
  auto request = plan_request_from_triage(result, *answers);
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(request->side, "right");
  EXPECT_EQ(request->groups.front(), result.groups.front().group->id);
  EXPECT_EQ(request->cautions, (std::vector<std::string>{"osteoporosis"}));
}

TEST(SessionPlan, IsRefusedForATriageResultThatOffersNoSelfTreatment) {
  auto answers = parse_answers(R"({"age": 54, "side": "right", "locations": ["outer_hip"],
      "pain_now": 4, "worst_pain_week": 6, "duration_weeks": 8, "aggravators": [],
      "red_flags": ["fever_or_unwell"], "cautions": []})");
  ASSERT_TRUE(answers);
  auto request = plan_request_from_triage(evaluate_triage(shipped(), *answers), *answers);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().where(), "/triage");
}

TEST(SessionRecheck, ANewRedFlagStopsWithItsTriageAdvice) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  const std::vector<std::string> flags = {"calf_swelling_or_pain"};
  auto outcome = evaluate_recheck(shipped(), plan, flags);
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_TRUE(outcome->stop);
  EXPECT_EQ(outcome->disposition, Disposition::kUrgent);
  ASSERT_FALSE(outcome->reasons.empty());
  EXPECT_EQ(outcome->reasons.front()->id, "calf-swelling-or-pain");
}

TEST(SessionRecheck, EveryRecheckQuestionLeadsToAtLeastSeeingAClinicianSoon) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  for (const RecheckQuestion& question : plan.recheck) {
    const std::vector<std::string> flags = {question.red_flag};
    auto outcome = evaluate_recheck(shipped(), plan, flags);
    ASSERT_TRUE(outcome) << question.red_flag;
    EXPECT_GE(outcome->disposition, Disposition::kSoon) << question.red_flag;
    EXPECT_FALSE(outcome->reasons.empty()) << question.red_flag;
  }
}

TEST(SessionRecheck, NoRedFlagsMeansGoAhead) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  auto outcome = evaluate_recheck(shipped(), plan, {});
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->stop);
}

TEST(SessionRecheck, RefusesARedFlagThatIsNotAskedBeforeASession) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  const std::vector<std::string> flags = {"history_of_cancer"};
  auto outcome = evaluate_recheck(shipped(), plan, flags);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().where(), "/red_flags/0");
}

// --- The state machine ------------------------------------------------------------------

TEST(Coach, BeginsAtTheFirstStepWhenNoRedFlagIsNew) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach(plan);
  EXPECT_EQ(coach.state().phase, Phase::kRecheck);
  auto events = coach.begin(clock.now, {});
  ASSERT_TRUE(events);
  EXPECT_EQ(coach.state().phase, Phase::kRunning);
  EXPECT_EQ(coach.state().step, 0U);
  EXPECT_EQ(events->front().kind, CoachEvent::Kind::kStepChanged);
}

TEST(Coach, ARedFlagAtTheRecheckStopsTheSessionBeforeItStarts) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach(plan);
  const std::vector<std::string> flags = {"fever_or_unwell"};
  auto events = coach.begin(clock.now, flags);
  ASSERT_TRUE(events);
  EXPECT_EQ(coach.state().phase, Phase::kStopped);
  EXPECT_EQ(coach.state().red_flags, flags);
  EXPECT_TRUE(coach.state().holds.empty());
  EXPECT_FALSE(coach.next(clock.now));
}

TEST(Coach, FiresEachCueOnceWhenTheHoldReachesItsTime) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach(plan);
  ASSERT_TRUE(coach.begin(clock.now, {}));
  ASSERT_TRUE(coach.next(clock.now));    // Locate.
  auto entered = coach.next(clock.now);  // Treat: the first cue fires on entry.
  ASSERT_TRUE(entered);
  EXPECT_EQ(cue_ids(*entered), (std::vector<std::string>{"start-light"}));
  EXPECT_TRUE(cue_ids(coach.tick(clock.advance(seconds(29)))).empty());
  EXPECT_EQ(cue_ids(coach.tick(clock.advance(seconds(1)))), (std::vector<std::string>{"deeper"}));
  EXPECT_TRUE(cue_ids(coach.tick(clock.now)).empty());
  EXPECT_EQ(cue_ids(coach.tick(clock.advance(seconds(200)))),
            (std::vector<std::string>{"deeper-again", "may-stop", "stop"}));
}

TEST(Coach, CapsTheHoldAtTheMaximum) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  clock.advance(seconds(500));
  const CoachView view = coach.view(clock.now);
  EXPECT_EQ(view.held_ms, 180'000);
  EXPECT_EQ(view.remaining_ms, 0);
  EXPECT_TRUE(view.min_reached);
}

TEST(Coach, NoCueFiresWhilePausedAndTheHoldResumesWhereItStopped) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  ASSERT_TRUE(coach.pause(clock.advance(seconds(25))));
  EXPECT_TRUE(cue_ids(coach.tick(clock.advance(seconds(60)))).empty());
  EXPECT_EQ(coach.view(clock.now).held_ms, 25'000);
  ASSERT_TRUE(coach.resume(clock.now));
  EXPECT_TRUE(cue_ids(coach.tick(clock.advance(seconds(4)))).empty());
  EXPECT_EQ(cue_ids(coach.tick(clock.advance(seconds(1)))), (std::vector<std::string>{"deeper"}));
}

TEST(Coach, PauseFiresACueThatWasDueBeforeIt) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  auto events = coach.pause(clock.advance(seconds(31)));
  ASSERT_TRUE(events);
  EXPECT_EQ(cue_ids(*events), (std::vector<std::string>{"deeper"}));
}

TEST(Coach, RefusesEventsThatDoNotApplyInItsPhase) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach(plan);
  EXPECT_EQ(coach.pause(clock.now).error().code(), ErrorCode::kConflict);
  EXPECT_EQ(coach.next(clock.now).error().message(),
            "cannot go to the next step: the session is recheck");
  ASSERT_TRUE(coach.begin(clock.now, {}));
  EXPECT_EQ(coach.resume(clock.now).error().message(), "cannot resume: the session is running");
  EXPECT_EQ(coach.back(clock.now).error().message(), "cannot go back: this is the first step");
  EXPECT_EQ(coach.begin(clock.now, {}).error().code(), ErrorCode::kConflict);
}

TEST(Coach, NextRecordsTheHoldAndBackStartsThePreviousHoldAgain) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus"}, "left");
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  const std::size_t hold_step = coach.state().step;
  ASSERT_TRUE(coach.next(clock.advance(seconds(95))));
  ASSERT_EQ(coach.state().holds.size(), 1U);
  EXPECT_EQ(coach.state().holds[0].held_ms, 95'000);
  ASSERT_TRUE(coach.back(clock.advance(seconds(3))));
  EXPECT_EQ(coach.state().step, hold_step);
  EXPECT_EQ(coach.view(clock.now).held_ms, 0);
  ASSERT_TRUE(coach.next(clock.advance(seconds(120))));
  ASSERT_EQ(coach.state().holds.size(), 1U);
  EXPECT_EQ(coach.state().holds[0].held_ms, 120'000);
}

TEST(Coach, NextOnTheLastStepFinishes) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach(plan);
  ASSERT_TRUE(coach.begin(clock.now, {}));
  for (std::size_t i = 0; i + 1 < plan.steps.size(); ++i) {
    ASSERT_TRUE(coach.next(clock.advance(seconds(100))));
  }
  auto events = coach.next(clock.advance(seconds(10)));
  ASSERT_TRUE(events);
  EXPECT_EQ(coach.state().phase, Phase::kFinished);
  EXPECT_EQ(events->back().kind, CoachEvent::Kind::kFinished);
  EXPECT_EQ(coach.state().ended_at, clock.now);
}

TEST(Coach, ASessionEndingStopRuleStopsAndRecordsTheRule) {
  const SessionPlan plan = plan_for({"external-rotators"}, "left");
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  auto events = coach.stop_rule(clock.advance(seconds(40)), "tingling-or-numbness");
  ASSERT_TRUE(events);
  EXPECT_EQ(coach.state().phase, Phase::kStopped);
  EXPECT_EQ(coach.state().stop_rule, "tingling-or-numbness");
  ASSERT_EQ(coach.state().holds.size(), 1U);
  EXPECT_EQ(coach.state().holds[0].held_ms, 40'000);
  EXPECT_EQ(coach.state().holds[0].stop_rule, "tingling-or-numbness");
  EXPECT_EQ(events->back().kind, CoachEvent::Kind::kStopped);
  EXPECT_EQ(events->back().stop_rule->id, "tingling-or-numbness");
}

TEST(Coach, PainAboveThePersonsLimitEndsTheHoldAndMovesOn) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus"}, "left", 5);
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  const std::size_t hold_step = coach.state().step;
  auto within = coach.report_pain(clock.advance(seconds(10)), 5);
  ASSERT_TRUE(within);
  EXPECT_EQ(coach.state().step, hold_step);
  auto above = coach.report_pain(clock.advance(seconds(10)), 6);
  ASSERT_TRUE(above);
  EXPECT_EQ(coach.state().phase, Phase::kRunning);
  EXPECT_EQ(coach.state().step, hold_step + 1);
  ASSERT_EQ(coach.state().holds.size(), 1U);
  EXPECT_EQ(coach.state().holds[0].stop_rule, "pain-above-limit");
  EXPECT_EQ(coach.state().holds[0].held_ms, 20'000);
}

TEST(Coach, RefusesAnUnknownStopRuleAndAPainRatingOutOfRange) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus"}, "left", 5);
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  EXPECT_EQ(coach.stop_rule(clock.now, "boredom").error().message(),
            "unknown stop rule \"boredom\"");
  EXPECT_EQ(coach.report_pain(clock.now, 11).error().where(), "pain");
  EXPECT_EQ(coach.state().phase, Phase::kRunning);
}

TEST(Coach, StoppingEarlyKeepsWhatWasHeld) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  ASSERT_TRUE(coach.stop(clock.advance(seconds(12))));
  EXPECT_EQ(coach.state().phase, Phase::kStopped);
  EXPECT_TRUE(coach.state().stop_rule.empty());
  EXPECT_EQ(coach.state().holds.at(0).held_ms, 12'000);
}

TEST(Coach, ASavedStateRestoresTheSameStepHoldAndCues) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus"}, "both", 6);
  FakeClock clock;
  Coach coach = coach_at_first_hold(plan, clock);
  (void)coach.tick(clock.advance(seconds(45)));
  ASSERT_TRUE(coach.pause(clock.now));
  ASSERT_TRUE(coach.resume(clock.advance(seconds(20))));

  // The page is reloaded: the state went through JSON.
  const std::string saved = to_json(coach.state()).dump();
  auto state = coach_state_from_json(nlohmann::json::parse(saved));
  ASSERT_TRUE(state) << state.error().to_string();
  auto restored = Coach::restore(plan, *state);
  ASSERT_TRUE(restored) << restored.error().to_string();

  clock.advance(seconds(10));
  EXPECT_EQ(restored->view(clock.now).held_ms, coach.view(clock.now).held_ms);
  EXPECT_EQ(restored->view(clock.now).held_ms, 55'000);
  EXPECT_EQ(restored->view(clock.now).cue->id, "deeper");
  EXPECT_EQ(cue_ids(restored->tick(clock.advance(seconds(5)))),
            (std::vector<std::string>{"deeper-again"}));
}

TEST(Coach, RefusesASavedStateThatDoesNotFitThePlan) {
  const SessionPlan plan = plan_for({"tensor-fasciae-latae"}, "left");
  CoachState state;
  state.phase = Phase::kRunning;
  state.step = 99;
  EXPECT_EQ(Coach::restore(plan, state).error().where(), "/step");
  state.step = 0;
  state.step_held_ms = 1000;  // A position step has no hold.
  EXPECT_EQ(Coach::restore(plan, state).error().where(), "/step_held_ms");
  state.step_held_ms = 0;
  state.holds.push_back({0, 1000, ""});
  EXPECT_EQ(Coach::restore(plan, state).error().where(), "/holds/0/step");
  state.holds = {{first_treat(plan), 181'000, ""}};
  EXPECT_EQ(Coach::restore(plan, state).error().where(), "/holds/0/held_ms");
}

TEST(CoachStateJson, RefusesAWrongShapeNamingTheField) {
  EXPECT_EQ(coach_state_from_json(nlohmann::json::array()).error().where(), "/");
  auto json = to_json(CoachState{});
  json["phase"] = "dancing";
  EXPECT_EQ(coach_state_from_json(json).error().where(), "/phase");
  json = to_json(CoachState{});
  json["step"] = -1;
  EXPECT_EQ(coach_state_from_json(json).error().where(), "/step");
  json = to_json(CoachState{});
  json["holds"] = {{{"step", 1}, {"held_ms", "long"}}};
  EXPECT_EQ(coach_state_from_json(json).error().where(), "/holds/0/held_ms");
  json = to_json(CoachState{});
  json["extra"] = 1;
  EXPECT_EQ(coach_state_from_json(json).error().where(), "/extra");
}

// --- The record of a session ----------------------------------------------------------

TEST(SessionRecord, AFinishedSessionRecordsEveryHoldInWholeSeconds) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus"}, "left");
  FakeClock clock;
  Coach coach(plan);
  ASSERT_TRUE(coach.begin(clock.now, {}));
  while (coach.state().phase == Phase::kRunning) {
    ASSERT_TRUE(coach.next(clock.advance(milliseconds(91'500))));
  }
  const nlohmann::json record = session_record_json(coach);
  EXPECT_EQ(record["outcome"], "finished");
  ASSERT_EQ(record["points"].size(), 3U);
  EXPECT_EQ(record["points"][0]["area"], "anterior-fibres");
  EXPECT_EQ(record["points"][0]["held_seconds"], 91);
  auto checked = check_session_record(shipped(), record);
  ASSERT_TRUE(checked) << checked.error().to_string();
  EXPECT_EQ(*checked, record);
}

struct BadRecord {
  std::string pointer;  // Into the record, to replace.
  nlohmann::json value;
  std::string where;
};

TEST(SessionRecord, RefusesNegativeOrAbsurdHoldsAndUnknownNamesWithThePointer) {
  const nlohmann::json good = {{"outcome", "stopped"},
                               {"sides", {"left"}},
                               {"groups", {"tensor-fasciae-latae"}},
                               {"points",
                                {{{"side", "left"},
                                  {"group", "tensor-fasciae-latae"},
                                  {"area", "tfl-line"},
                                  {"held_seconds", 100},
                                  {"stop_rule", ""}}}},
                               {"stop_rule", "feeling-faint"},
                               {"red_flags", nlohmann::json::array()}};
  const std::string area = shipped().find_group("tensor-fasciae-latae")->areas.at(0).id;
  nlohmann::json base = good;
  base["points"][0]["area"] = area;
  ASSERT_TRUE(check_session_record(shipped(), base));
  const std::vector<BadRecord> cases = {
      {"/points/0/held_seconds", -5, "/record/points/0/held_seconds"},
      {"/points/0/held_seconds", 100000, "/record/points/0/held_seconds"},
      {"/points/0/held_seconds", 1.5, "/record/points/0/held_seconds"},
      {"/points/0/area", "knee", "/record/points/0/area"},
      {"/points/0/group", "external-rotators", "/record/points/0/group"},
      {"/points/0/side", "right", "/record/points/0/side"},
      {"/groups/0", "quads", "/record/groups/0"},
      {"/sides/0", "up", "/record/sides/0"},
      {"/outcome", "finished", "/record/outcome"},
      {"/stop_rule", "pain-above-limit", "/record/stop_rule"},
      {"/red_flags", {"history_of_cancer"}, "/record/red_flags/0"},
      {"/points", "many", "/record/points"},
  };
  for (const BadRecord& bad : cases) {
    nlohmann::json record = base;
    record[nlohmann::json::json_pointer(bad.pointer)] = bad.value;
    auto checked = check_session_record(shipped(), record);
    ASSERT_FALSE(checked) << bad.pointer;
    EXPECT_EQ(checked.error().where(), bad.where) << bad.pointer;
  }
}

TEST(SessionPlanJson, NamesEveryStepCueStopRuleAndRecheckAdvice) {
  const SessionPlan plan = plan_for({"gluteus-medius-minimus"}, "left", 5);
  const nlohmann::json json = to_json(shipped(), plan);
  EXPECT_EQ(json["steps"].size(), plan.steps.size());
  EXPECT_EQ(json["steps"][first_treat(plan)]["kind"], "treat");
  EXPECT_EQ(json["steps"][first_treat(plan)]["cues"][3]["at_seconds"], 90);
  EXPECT_EQ(json["stop_rules"][2]["trigger"], "pain_above_limit");
  EXPECT_EQ(json["recheck"]["questions"][0]["advice"]["disposition"], "soon");
  EXPECT_EQ(json["pain_limit"], 5);
  EXPECT_EQ(json["body_map"]["views"].size(), 1U);
  EXPECT_FALSE(json["sources"].empty());
}

TEST(SessionPlanJson, ReadsARequestAndRefusesWrongTypes) {
  auto request = plan_request_from_json(
      nlohmann::json::parse(R"({"groups": ["tensor-fasciae-latae"], "side": "left",
                                "pain_limit": 4, "cautions": []})"));
  ASSERT_TRUE(request);
  EXPECT_EQ(request->pain_limit, 4);
  EXPECT_EQ(plan_request_from_json(nlohmann::json::parse(R"({"groups": "all", "side": "left"})"))
                .error()
                .where(),
            "/groups");
  EXPECT_EQ(
      plan_request_from_json(nlohmann::json::parse(R"({"groups": [], "side": 3})")).error().where(),
      "/side");
}

}  // namespace
}  // namespace hipcoach::core
