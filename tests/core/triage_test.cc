#include "hipcoach/core/triage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "test_data.h"

namespace hipcoach::core {
namespace {

// The shipped protocol and triage rules, loaded once.
const Protocol& shipped() { return testing::shipped_protocol(); }

Answers answers(const std::string& json) {
  auto parsed = parse_answers(json);
  if (!parsed) ADD_FAILURE() << parsed.error().to_string() << " in " << json;
  return parsed ? *parsed : Answers{};
}

// Typical people without red flags, from whom the properties start.
std::vector<Answers> base_profiles() {
  return {
      answers(R"({"age": 54, "side": "left", "locations": ["outer_hip"], "pain_now": 4,
                  "worst_pain_week": 6, "duration_weeks": 8, "aggravators": ["lying_on_side"],
                  "red_flags": [], "cautions": []})"),
      answers(R"({"age": 30, "side": "both", "locations": ["buttock", "back_of_thigh"],
                  "pain_now": 0, "worst_pain_week": 2, "duration_weeks": 1, "aggravators": [],
                  "red_flags": [], "cautions": ["pregnant"]})"),
      answers(R"({"age": 71, "side": "right", "locations": ["groin", "knee"], "pain_now": 9,
                  "worst_pain_week": 10, "duration_weeks": 300,
                  "aggravators": ["walking", "stairs"], "red_flags": [],
                  "cautions": ["osteoporosis"]})"),
  };
}

TEST(TriageProperties, AnyRedFlagMeansNeverSelfCare) {
  ASSERT_FALSE(shipped().triage.dispositions.empty());
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags = 1; flags < (1u << kRedFlags.size()); ++flags) {
      person.red_flags = flags;
      ASSERT_NE(evaluate_triage(shipped(), person).disposition, Disposition::kSelfCare)
          << "red flag mask " << flags << " (age " << person.age << ")";
    }
  }
}

TEST(TriageProperties, AddingARedFlagNeverLowersTheDisposition) {
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags = 0; flags < (1u << kRedFlags.size()); ++flags) {
      person.red_flags = flags;
      const Disposition before = evaluate_triage(shipped(), person).disposition;
      for (std::size_t flag = 0; flag < kRedFlags.size(); ++flag) {
        const std::uint32_t bit = 1u << flag;
        if ((flags & bit) != 0) continue;
        Answers more = person;
        more.red_flags = flags | bit;
        ASSERT_GE(evaluate_triage(shipped(), more).disposition, before)
            << "adding " << kRedFlags[flag] << " to mask " << flags;
      }
    }
  }
}

TEST(TriageProperties, HigherPainNeverLowersTheDisposition) {
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags : {0u, 1u, 1u << 7, (1u << kRedFlags.size()) - 1}) {
      person.red_flags = flags;
      for (int now = 0; now <= 10; ++now) {
        for (int worst = 0; worst <= 10; ++worst) {
          Answers lower = person;
          lower.pain_now = now;
          lower.worst_pain_week = worst;
          const Disposition before = evaluate_triage(shipped(), lower).disposition;
          Answers higher_now = lower;
          higher_now.pain_now = std::min(10, now + 1);
          Answers higher_worst = lower;
          higher_worst.worst_pain_week = std::min(10, worst + 1);
          ASSERT_GE(evaluate_triage(shipped(), higher_now).disposition, before)
              << "pain_now " << now << " -> " << now + 1;
          ASSERT_GE(evaluate_triage(shipped(), higher_worst).disposition, before)
              << "worst_pain_week " << worst << " -> " << worst + 1;
        }
      }
    }
  }
}

TEST(TriageProperties, TheSameAnswersAlwaysGiveTheSameResult) {
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags = 0; flags < (1u << kRedFlags.size()); flags += 97) {
      person.red_flags = flags;
      const auto first = to_json(shipped(), evaluate_triage(shipped(), person));
      const auto second = to_json(shipped(), evaluate_triage(shipped(), person));
      ASSERT_EQ(first, second) << "red flag mask " << flags;
    }
  }
}

TEST(TriageProperties, UrgentResultsSuggestNoMuscleGroups) {
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags = 1; flags < (1u << kRedFlags.size()); flags += 13) {
      person.red_flags = flags;
      const TriageResult result = evaluate_triage(shipped(), person);
      if (result.disposition != Disposition::kUrgent) continue;
      ASSERT_TRUE(result.groups.empty()) << "red flag mask " << flags;
      ASSERT_TRUE(result.advice.empty()) << "red flag mask " << flags;
    }
  }
}

TEST(TriageProperties, EveryResultGivesAtLeastOneCitedReason) {
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags = 0; flags < (1u << kRedFlags.size()); flags += 31) {
      person.red_flags = flags;
      const auto json = to_json(shipped(), evaluate_triage(shipped(), person));
      ASSERT_FALSE(json["reasons"].empty());
      for (const auto& reason : json["reasons"]) {
        ASSERT_FALSE(reason["cite"].empty()) << reason.dump();
      }
      ASSERT_FALSE(json["sources"].empty());
    }
  }
}

}  // namespace
}  // namespace hipcoach::core

namespace hipcoach::core {
namespace {

TEST(TriageJsonWriter, WritesTheSameBytesAsTheJsonView) {
  const TriageJsonWriter writer(shipped());
  int compared = 0;
  for (Answers person : base_profiles()) {
    for (std::uint32_t flags = 0; flags < (1u << kRedFlags.size()); flags += 211) {
      for (std::uint32_t cautions = 0; cautions < (1u << kCautions.size()); cautions += 7) {
        person.red_flags = flags;
        person.cautions = cautions;
        const TriageResult result = evaluate_triage(shipped(), person);
        ASSERT_EQ(writer.write(result), to_json(shipped(), result).dump())
            << "red flags " << flags << ", cautions " << cautions;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 1000);
}

}  // namespace
}  // namespace hipcoach::core
