#include "hipcoach/service/outcomes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "hipcoach/core/timestamp.h"
#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using testing::shipped_protocol;
using testing::utc;

// Patients with consents and records at chosen days before `now_`, and the
// clinic's report built from them.
class ClinicOutcomes : public ::testing::Test {
 protected:
  std::int64_t add_patient(const std::string& email) {
    storage::User user;
    user.email = email;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    user.created_at = now_ - days{200};
    auto created = store_.create_user(user);
    EXPECT_TRUE(created.has_value());
    return created ? created->id : 0;
  }

  // A patient sharing `parts` from now until 30 days ahead.
  std::int64_t sharing(const std::string& email, std::uint8_t parts) {
    const std::int64_t id = add_patient(email);
    consent(id, parts);
    return id;
  }

  std::int64_t consent(std::int64_t id, std::uint8_t parts) {
    storage::Consent consent;
    consent.user_id = id;
    consent.parts = parts;
    consent.created_at = now_ - hours{1};
    consent.until = now_ + days{30};
    auto added = store_.add_consent(consent);
    EXPECT_TRUE(added.has_value());
    return added ? *added : 0;
  }

  void pain(std::int64_t id, int value, days ago) {
    storage::DiaryEntry entry;
    entry.user_id = id;
    entry.pain = value;
    entry.at_utc = now_ - ago;
    entry.at = core::format_timestamp(entry.at_utc);
    ASSERT_TRUE(store_.add_diary_entry(entry).has_value());
  }

  void lefs(std::int64_t id, double score, days ago) {
    storage::QuestionnaireResponse response;
    response.user_id = id;
    response.questionnaire_id = "lefs";
    response.at_utc = now_ - ago;
    response.at = core::format_timestamp(response.at_utc);
    response.answers_json = "[]";
    response.score = score;
    ASSERT_TRUE(store_.add_questionnaire_response(response).has_value());
  }

  void session(std::int64_t id, days ago) {
    storage::GuidedSessionRecord record;
    record.user_id = id;
    record.started_at = now_ - ago;
    record.ended_at = record.started_at + std::chrono::minutes{20};
    record.record_json = "{}";
    ASSERT_TRUE(store_.add_guided_session(record).has_value());
  }

  // Pain from `from` 70 days ago to `to` 14 days ago (day 56, in week 8).
  std::int64_t pain_patient(const std::string& email, int from, int to,
                            std::uint8_t parts = kDiary) {
    const std::int64_t id = sharing(email, parts);
    pain(id, from, days{70});
    pain(id, to, days{14});
    return id;
  }

  json report() {
    auto records = read_outcome_records(store_, now_);
    EXPECT_TRUE(records.has_value()) << records.error().to_string();
    if (!records) return json();
    auto built = clinic_outcomes_report(shipped_protocol(), *records, now_);
    EXPECT_TRUE(built.has_value()) << built.error().to_string();
    return built ? *built : json();
  }

  static json measure(const json& report, const std::string& id) {
    for (const json& measure : report.at("measures")) {
      if (measure.at("id") == id) return measure;
    }
    ADD_FAILURE() << "no measure " << id << " in " << report.dump(2);
    return json::object();
  }

  static constexpr std::uint8_t kDiary = static_cast<std::uint8_t>(storage::RecordPart::kDiary);
  static constexpr std::uint8_t kQuestionnaires =
      static_cast<std::uint8_t>(storage::RecordPart::kQuestionnaires);
  static constexpr std::uint8_t kTriage = static_cast<std::uint8_t>(storage::RecordPart::kTriage);
  static constexpr std::uint8_t kSessions =
      static_cast<std::uint8_t>(storage::RecordPart::kSessions);

  storage::MemoryStore store_;
  std::chrono::sys_seconds now_ = utc("2026-11-25T15:00:00Z");
};

TEST_F(ClinicOutcomes, AnEmptyClinicCountsNobodyAndHasNoSharesOrMedians) {
  const json outcomes = report();
  EXPECT_EQ(outcomes.at("generated_at"), "2026-11-25T15:00:00Z");
  EXPECT_EQ(outcomes.at("patients").at("counted"), 0);
  EXPECT_EQ(outcomes.at("patients").at("sharing_other_parts_only"), 0);
  ASSERT_EQ(outcomes.at("measures").size(), 3U) << "pain, then each function questionnaire";
  for (const json& measure : outcomes.at("measures")) {
    EXPECT_EQ(measure.at("patients"), 0) << measure;
    EXPECT_EQ(measure.at("with_week_8_value"), 0);
    EXPECT_TRUE(measure.at("reached_percent").is_null());
    EXPECT_TRUE(measure.at("sessions").at("reached").at("median").is_null());
  }
  EXPECT_EQ(outcomes.at("measures").at(1).at("id"), "lefs");
  EXPECT_EQ(outcomes.at("measures").at(1).at("kind"), "function");
  EXPECT_EQ(outcomes.at("measures").at(2).at("id"), "psfs");
  EXPECT_TRUE(outcomes.at("pain_or_function").at("reached_percent").is_null());
  EXPECT_TRUE(outcomes.at("sessions").at("median").is_null());
  EXPECT_EQ(outcomes.at("week_8_days"), json({{"from", 49}, {"to", 63}}));
}

// The NPRS MCID is 1 point or 15 % (Salaffi 2004) and it has no MDC: one
// point down reaches it, no change does not, three points down is beyond it.
TEST_F(ClinicOutcomes, PainAtBelowAndAboveTheNprsThresholdAndWorse) {
  pain_patient("at@example.org", 6, 5);
  pain_patient("below@example.org", 6, 6);
  pain_patient("above@example.org", 6, 3);
  pain_patient("worse@example.org", 3, 6);
  const json outcomes = report();
  const json pain = measure(outcomes, "pain");
  EXPECT_EQ(pain.at("kind"), "pain");
  EXPECT_EQ(pain.at("part"), "diary");
  EXPECT_EQ(pain.at("direction"), "lower_is_better");
  EXPECT_EQ(pain.at("patients"), 4);
  EXPECT_EQ(pain.at("with_week_8_value"), 4);
  EXPECT_EQ(pain.at("reached"), 2);
  EXPECT_EQ(pain.at("reached_percent"), 50);
  EXPECT_EQ(pain.at("not_reached"), 2);
  EXPECT_EQ(pain.at("worse"), 1);
  EXPECT_EQ(pain.at("thresholds_of"), "Numeric Pain Rating Scale (NPRS)");
  EXPECT_EQ(pain.at("thresholds"), json::parse(R"([{"name": "mcid", "points": 1.0, "percent": 15.0,
                             "cite": ["salaffi-2004"]},
                            {"name": "much_better", "points": 2.0, "percent": 33.0,
                             "cite": ["salaffi-2004"]}])"));
  std::vector<std::string> sources;
  for (const json& source : outcomes.at("sources")) sources.push_back(source.at("id"));
  EXPECT_NE(std::find(sources.begin(), sources.end(), "salaffi-2004"), sources.end());
  EXPECT_NE(std::find(sources.begin(), sources.end(), "binkley-1999"), sources.end());
  EXPECT_EQ(outcomes.at("pain_or_function"),
            json({{"with_week_8_value", 4}, {"reached", 2}, {"reached_percent", 50}}));
}

// The LEFS needs more than its MDC of 9 points and at least its MCID of 9
// (Binkley 1999): 9 points up is not enough, 10 is.
TEST_F(ClinicOutcomes, LefsAtBelowAndAboveItsThresholds) {
  for (const auto& [email, to] :
       {std::pair{"below@example.org", 48.0}, std::pair{"at@example.org", 49.0},
        std::pair{"above@example.org", 50.0}}) {
    const std::int64_t id = sharing(email, kQuestionnaires);
    lefs(id, 40, days{70});
    lefs(id, to, days{10});
  }
  const json lefs_measure = measure(report(), "lefs");
  EXPECT_EQ(lefs_measure.at("name"), "Lower Extremity Functional Scale (LEFS)");
  EXPECT_EQ(lefs_measure.at("direction"), "higher_is_better");
  EXPECT_EQ(lefs_measure.at("with_week_8_value"), 3);
  EXPECT_EQ(lefs_measure.at("reached"), 1);
  EXPECT_EQ(lefs_measure.at("reached_percent"), 33);
  EXPECT_EQ(lefs_measure.at("thresholds").at(0).at("name"), "mdc");
  EXPECT_EQ(lefs_measure.at("thresholds").at(0).at("cite"), json({"binkley-1999"}));
}

TEST_F(ClinicOutcomes, TheWeekEightValueIsTheLastScoreOnDays49To63) {
  const std::int64_t id = sharing("pat@example.org", kDiary);
  pain(id, 7, days{100});
  pain(id, 2, days{100 - 48});  // Day 48: before the window.
  pain(id, 7, days{100 - 49});  // Day 49: first day of the window.
  pain(id, 6, days{100 - 63});  // Day 63: last day, the week-8 value.
  pain(id, 1, days{100 - 64});  // Day 64: after the window.
  const json pain_measure = measure(report(), "pain");
  EXPECT_EQ(pain_measure.at("with_week_8_value"), 1);
  EXPECT_EQ(pain_measure.at("reached"), 1) << "7 to 6 is 1 point, the MCID";
}

TEST_F(ClinicOutcomes, PatientsBeforeTheEndOfWeekEightAreTooEarlyAndOthersMayHaveNoValue) {
  const std::int64_t early = sharing("early@example.org", kDiary);
  pain(early, 7, days{40});
  pain(early, 3, days{1});
  // Day 56 scored, but the window runs until day 64: not settled yet.
  const std::int64_t in_window = sharing("window@example.org", kDiary);
  pain(in_window, 7, days{60});
  pain(in_window, 3, days{4});
  // The window has ended without a score in it.
  const std::int64_t missed = sharing("missed@example.org", kDiary);
  pain(missed, 7, days{100});
  pain(missed, 3, days{10});
  sharing("empty@example.org", kDiary);
  const json pain_measure = measure(report(), "pain");
  EXPECT_EQ(pain_measure.at("patients"), 4);
  EXPECT_EQ(pain_measure.at("too_early"), 2);
  EXPECT_EQ(pain_measure.at("no_week_8_value"), 1);
  EXPECT_EQ(pain_measure.at("no_baseline"), 1);
  EXPECT_EQ(pain_measure.at("with_week_8_value"), 0);
  EXPECT_TRUE(pain_measure.at("reached_percent").is_null());
}

TEST_F(ClinicOutcomes, APatientWithoutAConsentIsNotCountedNorRead) {
  const std::int64_t id = add_patient("private@example.org");
  pain(id, 8, days{70});
  pain(id, 2, days{14});
  auto records = read_outcome_records(store_, now_);
  ASSERT_TRUE(records.has_value());
  EXPECT_TRUE(records->patients.empty());
  const json outcomes = report();
  EXPECT_EQ(outcomes.at("patients").at("counted"), 0);
  EXPECT_EQ(measure(outcomes, "pain").at("patients"), 0);
  EXPECT_NE(outcomes.at("patients").at("not_counted").get<std::string>().find("not counted"),
            std::string::npos);
}

TEST_F(ClinicOutcomes, ADiaryOnlyConsentCountsPainButNotFunction) {
  const std::int64_t id = pain_patient("pat@example.org", 6, 3);
  lefs(id, 40, days{70});
  lefs(id, 60, days{14});
  const json outcomes = report();
  EXPECT_EQ(outcomes.at("patients").at("counted"), 1);
  EXPECT_EQ(measure(outcomes, "pain").at("reached"), 1);
  EXPECT_EQ(measure(outcomes, "lefs").at("patients"), 0);
  EXPECT_EQ(measure(outcomes, "lefs").at("with_week_8_value"), 0);
  EXPECT_EQ(outcomes.at("sessions").at("patients"), 0);
  auto records = read_outcome_records(store_, now_);
  ASSERT_TRUE(records.has_value());
  EXPECT_TRUE(records->patients.at(0).responses.empty()) << "function was not read";
}

TEST_F(ClinicOutcomes, RevokedAndExpiredConsentsCountNobody) {
  const std::int64_t revoked = add_patient("revoked@example.org");
  pain(revoked, 6, days{70});
  pain(revoked, 3, days{14});
  const std::int64_t consent_id = consent(revoked, kDiary);
  ASSERT_TRUE(store_.revoke_consent(revoked, consent_id, now_ - std::chrono::minutes{1}));
  const std::int64_t expired = add_patient("expired@example.org");
  pain(expired, 6, days{70});
  pain(expired, 3, days{14});
  storage::Consent old;
  old.user_id = expired;
  old.parts = kDiary;
  old.created_at = now_ - days{40};
  old.until = now_ - days{1};
  ASSERT_TRUE(store_.add_consent(old));
  const json outcomes = report();
  EXPECT_EQ(outcomes.at("patients").at("counted"), 0);
  EXPECT_EQ(measure(outcomes, "pain").at("patients"), 0);
}

TEST_F(ClinicOutcomes, ATriageOnlyConsentIsNotCountedButSaidSo) {
  sharing("triage@example.org", kTriage);
  const json outcomes = report();
  EXPECT_EQ(outcomes.at("patients").at("counted"), 0);
  EXPECT_EQ(outcomes.at("patients").at("sharing_other_parts_only"), 1);
}

TEST_F(ClinicOutcomes, CountsTheSessionsOfTheFirstEightWeeksWithTheirMedian) {
  // Two patients past their first 8 weeks: 3 and 6 sessions in days 0..55.
  const std::int64_t first = pain_patient("first@example.org", 6, 3, kDiary | kSessions);
  for (const int day : {0, 10, 55}) session(first, days{70 - day});
  session(first, days{70 - 56});  // Day 56: after the first 8 weeks.
  const std::int64_t second = pain_patient("second@example.org", 6, 6, kDiary | kSessions);
  for (const int day : {1, 2, 3, 4, 5, 6}) session(second, days{70 - day});
  // A third starts with a session 30 days ago: too early.
  const std::int64_t third = sharing("third@example.org", kSessions);
  session(third, days{30});
  // A fourth shares sessions but has no record yet.
  sharing("fourth@example.org", kSessions);
  // A fifth past 8 weeks who did none.
  pain_patient("fifth@example.org", 6, 6, kDiary | kSessions);

  const json outcomes = report();
  EXPECT_EQ(
      outcomes.at("sessions"),
      json({{"patients", 5}, {"no_records", 1}, {"too_early", 1}, {"counted", 3}, {"median", 3}}))
      << "median of 0, 3 and 6";
  const json pain_measure = measure(outcomes, "pain");
  EXPECT_EQ(pain_measure.at("sessions").at("reached"), json({{"patients", 1}, {"median", 3}}));
  EXPECT_EQ(pain_measure.at("sessions").at("not_reached"), json({{"patients", 2}, {"median", 3.0}}))
      << "median of 0 and 6";
}

TEST_F(ClinicOutcomes, FiveOfEightRoundsTo63PercentAndPainOrFunctionCountsEachPatientOnce) {
  for (int i = 0; i < 8; ++i) {
    const std::int64_t id = pain_patient("p" + std::to_string(i) + "@example.org", 6, i < 5 ? 4 : 6,
                                         kDiary | kQuestionnaires);
    lefs(id, 40, days{70});
    lefs(id, i < 5 ? 60 : 40, days{14});
  }
  const json outcomes = report();
  EXPECT_EQ(measure(outcomes, "pain").at("reached"), 5);
  EXPECT_EQ(measure(outcomes, "pain").at("reached_percent"), 63);
  EXPECT_EQ(measure(outcomes, "lefs").at("reached"), 5);
  EXPECT_EQ(outcomes.at("pain_or_function"),
            json({{"with_week_8_value", 8}, {"reached", 5}, {"reached_percent", 63}}));
}

TEST_F(ClinicOutcomes, TheReportHoldsNoIdentityOfAnyPatient) {
  const std::int64_t id =
      pain_patient("someone.special@example.org", 6, 3, kDiary | kQuestionnaires | kSessions);
  session(id, days{60});
  const std::string text = report().dump();
  EXPECT_EQ(text.find("someone.special"), std::string::npos);
  EXPECT_EQ(text.find("patient_id"), std::string::npos);
  EXPECT_EQ(text.find("\"id\":" + std::to_string(id) + ","), std::string::npos);
  EXPECT_EQ(text.find("2026-09"), std::string::npos) << "no dates of records";
}

TEST_F(ClinicOutcomes, WithoutTheNprsDataPainCannotBeJudged) {
  core::Protocol protocol = shipped_protocol();
  std::erase_if(protocol.questionnaires, [](const auto& q) { return q.id == "nprs"; });
  auto built = clinic_outcomes_report(protocol, {}, now_);
  ASSERT_FALSE(built.has_value());
  EXPECT_EQ(built.error().code(), core::ErrorCode::kInternal);
  EXPECT_EQ(built.error().where(), "data/questionnaires");
}

}  // namespace
}  // namespace hipcoach::service
