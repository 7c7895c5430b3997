#include "hipcoach/service/session_log.h"

#include <gtest/gtest.h>

#include <string>

#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;
using testing::shipped_protocol;
using testing::utc;

class SessionLog : public ::testing::Test {
 protected:
  SessionLog() {
    owner_ = add_user("owner@example.org");
    other_ = add_user("other@example.org");
  }

  std::int64_t add_user(const std::string& email) {
    storage::User user;
    user.email = email;
    user.password_hash = "hash";
    user.created_at = now_;
    return store_.create_user(user)->id;
  }

  std::int64_t save_triage(std::int64_t user_id, const json& answers) {
    storage::SavedTriage triage;
    triage.user_id = user_id;
    triage.created_at = now_;
    triage.answers_json = answers.dump();
    triage.result_json = "{}";
    return *store_.save_triage(triage);
  }

  static json answers(json red_flags = json::array()) {
    return {{"age", 54},
            {"side", "right"},
            {"locations", {"outer_hip"}},
            {"pain_now", 4},
            {"worst_pain_week", 6},
            {"duration_weeks", 8},
            {"aggravators", {"lying_on_side"}},
            {"red_flags", std::move(red_flags)},
            {"cautions", json::array()}};
  }

  static json body(int held_seconds = 120) {
    return {{"started_at", "2026-11-25T08:00:00Z"},
            {"ended_at", "2026-11-25T08:10:00Z"},
            {"pain_before", 5},
            {"pain_after", nullptr},
            {"record",
             {{"outcome", "stopped"},
              {"sides", {"right"}},
              {"groups", {"tensor-fasciae-latae"}},
              {"points",
               {{{"side", "right"},
                 {"group", "tensor-fasciae-latae"},
                 {"area", "tfl-band"},
                 {"held_seconds", held_seconds},
                 {"stop_rule", "pain-above-limit"}}}},
              {"stop_rule", "tingling-or-numbness"},
              {"red_flags", json::array()}}}};
  }

  core::Result<storage::GuidedSessionRecord> log(const json& sent, std::int64_t user_id,
                                                 RecordCheck check = RecordCheck::kAlways) {
    return log_session(shipped_protocol(), store_, sent, user_id, now_, check);
  }

  storage::MemoryStore store_;
  std::chrono::sys_seconds now_ = utc("2026-11-25T15:00:00Z");
  std::int64_t owner_ = 0;
  std::int64_t other_ = 0;
};

TEST_F(SessionLog, ASavedTriageLeadsToThePlanRequestOfItsResult) {
  const std::int64_t id = save_triage(owner_, answers());
  const auto request = plan_request_from_saved_triage(shipped_protocol(), store_, owner_, id);
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(request->side, "right");
  ASSERT_FALSE(request->groups.empty());
  EXPECT_EQ(request->groups[0], "gluteus-medius-minimus");
  EXPECT_TRUE(core::build_session_plan(shipped_protocol(), *request).has_value());
}

TEST_F(SessionLog, AnotherUsersTriageIsNotFoundAsAMissingOne) {
  const std::int64_t id = save_triage(owner_, answers());
  for (const std::int64_t asked : {id, id + 1000}) {
    const auto request = plan_request_from_saved_triage(shipped_protocol(), store_, other_, asked);
    ASSERT_FALSE(request);
    EXPECT_EQ(request.error().code(), core::ErrorCode::kNotFound);
    EXPECT_EQ(request.error().where(), "triage");
    EXPECT_EQ(request.error().message(), "no saved triage of yours has this id");
  }
}

TEST_F(SessionLog, ATriageThatOffersNoSelfTreatmentIsAConflict) {
  const std::int64_t id = save_triage(owner_, answers({"fall_or_injury", "cannot_bear_weight"}));
  const auto request = plan_request_from_saved_triage(shipped_protocol(), store_, owner_, id);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code(), core::ErrorCode::kConflict);
  EXPECT_EQ(request.error().where(), "triage");
  EXPECT_FALSE(request.error().message().empty());
}

TEST_F(SessionLog, StoresTheNormalisedRecordWithTheTriageId) {
  const std::int64_t triage = save_triage(owner_, answers());
  json sent = body();
  sent["triage_id"] = triage;
  const auto stored = log(sent, owner_);
  ASSERT_TRUE(stored) << stored.error().to_string();
  EXPECT_GT(stored->id, 0);
  EXPECT_EQ(stored->user_id, owner_);
  EXPECT_EQ(stored->started_at, utc("2026-11-25T08:00:00Z"));
  EXPECT_EQ(stored->pain_before, 5);
  EXPECT_FALSE(stored->pain_after.has_value());
  json expected = sent["record"];
  expected["triage_id"] = triage;
  EXPECT_EQ(json::parse(stored->record_json), expected);
  const auto found = find_session_log(store_, owner_, stored->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->record_json, stored->record_json);
}

TEST_F(SessionLog, RefusesHoldsBeyondTheGroupsMaximumOrLongerThanTheSession) {
  const auto too_long = log(body(181), owner_);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().where(), "/record/points/0/held_seconds");
  json short_session = body(120);
  short_session["ended_at"] = "2026-11-25T08:01:59Z";
  const auto longer = log(short_session, owner_);
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().where(), "/record/points");
  EXPECT_EQ(longer.error().message(),
            "the holds add up to 120 s, longer than the session (119 s from started_at to "
            "ended_at)");
  EXPECT_TRUE(store_.list_guided_sessions(owner_)->empty());
}

TEST_F(SessionLog, RefusesASessionLongerThanADay) {
  json sent = body();
  sent["started_at"] = "2026-11-24T08:00:00Z";
  sent["ended_at"] = "2026-11-25T08:00:01Z";
  const auto refused = log(sent, owner_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().where(), "/ended_at");
  EXPECT_EQ(refused.error().message(), "must be at most 24 hours after started_at");
}

TEST_F(SessionLog, AnotherUsersTriageIdIsNotFoundAndNothingIsStored) {
  json sent = body();
  sent["triage_id"] = save_triage(owner_, answers());
  const auto refused = log(sent, other_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().where(), "/triage_id");
  EXPECT_TRUE(store_.list_guided_sessions(other_)->empty());
}

TEST_F(SessionLog, TheOlderRouteKeepsARecordWithoutPointsAsSent) {
  json sent = body();
  sent["record"] = {{"note", "free form"}};
  const auto kept = log(sent, owner_, RecordCheck::kWhenPoints);
  ASSERT_TRUE(kept) << kept.error().to_string();
  EXPECT_EQ(json::parse(kept->record_json), sent["record"]);
  const auto checked = log(sent, owner_, RecordCheck::kAlways);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().where(), "/record/note");
}

TEST_F(SessionLog, ListsTheLatestOldestFirstAndFindsOnlyTheCallersOwn) {
  std::vector<std::int64_t> ids;
  for (const std::string day : {"21", "22", "23"}) {
    json sent = body();
    sent["started_at"] = "2026-11-" + day + "T08:00:00Z";
    sent["ended_at"] = "2026-11-" + day + "T08:10:00Z";
    ids.push_back(log(sent, owner_)->id);
  }
  const auto latest = list_session_log(store_, owner_, 2);
  ASSERT_TRUE(latest);
  ASSERT_EQ(latest->size(), 2U);
  EXPECT_EQ((*latest)[0].id, ids[1]);
  EXPECT_EQ((*latest)[1].id, ids[2]);
  EXPECT_EQ(list_session_log(store_, owner_, std::nullopt)->size(), 3U);
  const auto theirs = find_session_log(store_, other_, ids[0]);
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code(), core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace hipcoach::service
