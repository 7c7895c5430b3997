#include "hipcoach/service/export.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;

using testing::shipped_protocol;
using testing::utc;

// Reads RFC 4180 CSV with CRLF line ends back into rows of fields, as a
// spreadsheet would.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& field = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.emplace_back(1);
      ++i;
    } else {
      field += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override { user_ = add_user("pat@example.org"); }

  storage::User add_user(const std::string& email) {
    storage::User user;
    user.email = email;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$c2VjcmV0aGFzaA";
    user.created_at = utc("2026-10-01T00:00:00Z");
    auto created = store_.create_user(user);
    EXPECT_TRUE(created.has_value());
    return created ? *created : user;
  }

  void add_entry(std::int64_t user_id, const json& body) {
    auto entry = diary_entry_from_json(body, user_id, now_);
    ASSERT_TRUE(entry.has_value()) << entry.error().to_string();
    ASSERT_TRUE(store_.add_diary_entry(*entry).has_value());
  }

  std::string csv() {
    auto text = export_diary_csv(store_, user_.id);
    EXPECT_TRUE(text.has_value()) << text.error().to_string();
    return text ? *text : "";
  }

  json exported() {
    auto built = export_json(shipped_protocol(), store_, user_, now_);
    EXPECT_TRUE(built.has_value()) << built.error().to_string();
    return built ? *built : json();
  }

  storage::MemoryStore store_;
  storage::User user_;
  std::chrono::sys_seconds now_ = utc("2026-11-28T18:00:00Z");
};

TEST_F(ExportTest, CsvHasTheHeaderAndOneCrlfLinePerEntryOldestFirst) {
  add_entry(user_.id, {{"pain", 3},
                       {"context", "activity"},
                       {"side", "both"},
                       {"at", "2026-11-20T09:00:00-06:00"}});
  add_entry(user_.id, {{"pain", 6},
                       {"context", "rest"},
                       {"side", "left"},
                       {"region", "buttock"},
                       {"at", "2026-11-02T08:30:00-06:00"}});
  EXPECT_EQ(csv(),
            "id,at,pain,region,side,context,note\r\n"
            "2,2026-11-02T08:30:00-06:00,6,buttock,left,rest,\r\n"
            "1,2026-11-20T09:00:00-06:00,3,outer_hip,both,activity,\r\n");
}

TEST_F(ExportTest, CsvNoteWithCommaQuoteNewlineAndFormulaRoundTripsAsText) {
  const std::string note = "=cmd|' /C calc'!A0, said \"ouch\"\nthen rested";
  add_entry(user_.id, {{"pain", 4},
                       {"context", "rest"},
                       {"side", "right"},
                       {"note", note},
                       {"at", "2026-11-02T08:30:00Z"}});
  const std::string text = csv();
  EXPECT_NE(text.find("\"'=cmd|' /C calc'!A0, said \"\"ouch\"\"\nthen rested\"\r\n"),
            std::string::npos)
      << text;
  const auto rows = parse_csv(text);
  ASSERT_EQ(rows.size(), 2u) << text;
  ASSERT_EQ(rows[1].size(), 7u) << text;
  EXPECT_EQ(rows[1][6], "'" + note);
}

TEST_F(ExportTest, CsvGuardsEveryFormulaStart) {
  for (const std::string start : {"=", "+", "-", "@", "\t", "\r"}) {
    storage::MemoryStore store;
    storage::User user = user_;
    auto created = store.create_user(user);
    ASSERT_TRUE(created.has_value());
    auto entry = diary_entry_from_json(
        {{"pain", 1}, {"context", "rest"}, {"side", "left"}, {"note", start + "1+1"}}, created->id,
        now_);
    ASSERT_TRUE(entry.has_value()) << entry.error().to_string();
    ASSERT_TRUE(store.add_diary_entry(*entry).has_value());
    auto text = export_diary_csv(store, created->id);
    ASSERT_TRUE(text.has_value());
    const auto rows = parse_csv(*text);
    ASSERT_EQ(rows.size(), 2u) << *text;
    EXPECT_EQ(rows[1][6], "'" + start + "1+1") << "note starting with char " << int{start[0]};
  }
}

TEST_F(ExportTest, CsvOfAnEmptyDiaryIsTheHeaderAlone) {
  EXPECT_EQ(csv(), "id,at,pain,region,side,context,note\r\n");
}

TEST_F(ExportTest, CsvLeavesOutAnotherUsersDiary) {
  const storage::User other = add_user("other@example.org");
  add_entry(other.id, {{"pain", 9}, {"context", "rest"}, {"side", "left"}, {"note", "theirs"}});
  add_entry(user_.id, {{"pain", 2}, {"context", "rest"}, {"side", "left"}, {"note", "mine"}});
  const auto rows = parse_csv(csv());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][6], "mine");
}

TEST_F(ExportTest, JsonHoldsEverySectionAndNoPasswordHash) {
  add_entry(user_.id, {{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"note", "stairs"}});
  const json exported_json = exported();
  EXPECT_EQ(exported_json["exported_at"], "2026-11-28T18:00:00Z");
  EXPECT_EQ(exported_json["account"], json({{"id", user_.id},
                                            {"email", "pat@example.org"},
                                            {"role", "patient"},
                                            {"created_at", "2026-10-01T00:00:00Z"}}));
  ASSERT_EQ(exported_json["diary"].size(), 1u);
  EXPECT_EQ(exported_json["diary"][0]["note"], "stairs");
  EXPECT_TRUE(exported_json["questionnaire_responses"].is_array());
  EXPECT_TRUE(exported_json["guided_sessions"].is_array());
  EXPECT_TRUE(exported_json["triage"].is_array());
  const std::string text = exported_json.dump();
  EXPECT_EQ(text.find("argon2"), std::string::npos) << text;
  EXPECT_EQ(text.find("password"), std::string::npos) << text;
}

TEST_F(ExportTest, JsonHoldsTheRemindersButNotTheFeedKeysHash) {
  storage::Reminders reminders;
  reminders.user_id = user_.id;
  reminders.weekdays = 0b0010101;  // Monday, Wednesday, Friday.
  reminders.minute_of_day = 18 * 60 + 30;
  reminders.updated_at = now_;
  ASSERT_TRUE(store_.put_reminders(reminders).has_value());
  ASSERT_TRUE(store_.set_reminder_feed(user_.id, "feed-hash-that-must-not-leak").has_value());
  const json exported_json = exported();
  EXPECT_EQ(
      exported_json["reminders"],
      json({{"days", {"mon", "wed", "fri"}}, {"time", "18:30"}, {"feed", {{"active", true}}}}));
  EXPECT_EQ(exported_json.dump().find("feed-hash"), std::string::npos);
}

TEST_F(ExportTest, JsonHoldsTheConsentsAndWhoReadTheRecord) {
  const storage::User clinician = add_user("doc@example.org");
  storage::Consent consent;
  consent.user_id = user_.id;
  consent.parts = static_cast<std::uint8_t>(storage::RecordPart::kDiary);
  consent.created_at = now_ - std::chrono::hours(2);
  consent.until = now_ + std::chrono::hours(24 * 30);
  ASSERT_TRUE(store_.add_consent(consent).has_value());
  storage::AuditEntry entry;
  entry.at = now_ - std::chrono::hours(1);
  entry.actor_id = clinician.id;
  entry.patient_id = user_.id;
  entry.action = "read";
  entry.what = "diary";
  entry.why = "clinical care";
  ASSERT_TRUE(store_.append_audit(entry).has_value());
  const json exported_json = exported();
  ASSERT_EQ(exported_json["consents"].size(), 1u);
  EXPECT_EQ(exported_json["consents"][0]["parts"], json({"diary"}));
  EXPECT_EQ(exported_json["consents"][0]["status"], "active");
  ASSERT_EQ(exported_json["audit"].size(), 1u);
  EXPECT_EQ(exported_json["audit"][0]["actor"]["email"], "doc@example.org");
  EXPECT_EQ(exported_json["audit"][0]["what"], "diary");
}

TEST_F(ExportTest, JsonHoldsResponsesSessionsAndTriageOfThisUserOnly) {
  const storage::User other = add_user("other@example.org");
  const core::Questionnaire* nprs = core::find_questionnaire(shipped_protocol(), "nprs");
  ASSERT_NE(nprs, nullptr);
  for (const std::int64_t id : {user_.id, other.id}) {
    auto response = questionnaire_response_from_json(
        *nprs, {{"answers", {{{"item", "pain"}, {"value", id == user_.id ? 4 : 8}}}}}, id, now_);
    ASSERT_TRUE(response.has_value()) << response.error().to_string();
    ASSERT_TRUE(store_.add_questionnaire_response(response->record).has_value());
    storage::GuidedSessionRecord session;
    session.user_id = id;
    session.started_at = now_ - std::chrono::minutes(30);
    session.ended_at = now_ - std::chrono::minutes(10);
    session.pain_before = id == user_.id ? 5 : 9;
    session.record_json = R"({"points": []})";
    ASSERT_TRUE(store_.add_guided_session(session).has_value());
    storage::SavedTriage triage;
    triage.user_id = id;
    triage.created_at = now_;
    triage.answers_json = R"({"age": 54})";
    triage.result_json = R"({"disposition": "self_care"})";
    ASSERT_TRUE(store_.save_triage(triage).has_value());
  }
  const json exported_json = exported();
  ASSERT_EQ(exported_json["questionnaire_responses"].size(), 1u);
  EXPECT_EQ(exported_json["questionnaire_responses"][0]["score"]["value"], 4.0);
  ASSERT_EQ(exported_json["guided_sessions"].size(), 1u);
  EXPECT_EQ(exported_json["guided_sessions"][0]["pain_before"], 5);
  ASSERT_EQ(exported_json["triage"].size(), 1u);
  EXPECT_EQ(exported_json.dump().find("other@example.org"), std::string::npos);
}

}  // namespace
}  // namespace hipcoach::service
