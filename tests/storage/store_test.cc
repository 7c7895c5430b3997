// The Store contract, run against every implementation: MemoryStore, SQLite
// (a fresh temp file per test) and PostgreSQL (a fresh schema per test on the
// server that HIPCOACH_TEST_POSTGRES_URL names; see postgres_test_db.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hipcoach/core/triage_model.h"
#include "hipcoach/storage/memory_store.h"
#include "hipcoach/storage/open_store.h"
#include "postgres_test_db.h"
#include "test_store.h"

namespace hipcoach::storage {
namespace {

using core::ErrorCode;
using testing::at_seconds;
using testing::FailingStore;
using testing::make_appointment;
using testing::make_audit;
using testing::make_change;
using testing::make_consent;
using testing::make_entry;
using testing::make_guided_session;
using testing::make_reminders;
using testing::make_response;
using testing::make_user;
using testing::TempDir;

// Each factory opens a fresh store for the test that owns `dir`, and closes
// what it set up for it after the store is gone.
struct MemoryStoreFactory {
  static void require() {}
  static std::unique_ptr<Store> open(const TempDir&) { return std::make_unique<MemoryStore>(); }
  static void close(const TempDir&) {}
};

struct SqliteStoreFactory {
  static void require() {}
  static std::unique_ptr<Store> open(const TempDir& dir) {
    auto store = open_store("sqlite:" + (dir.path() / "test.sqlite").string());
    if (!store) {
      ADD_FAILURE() << store.error().to_string();
      return nullptr;
    }
    return std::move(*store);
  }
  static void close(const TempDir&) {}
};

struct PostgresStoreFactory {
  static void require() { HIPCOACH_REQUIRE_POSTGRES(); }
  static std::unique_ptr<Store> open(const TempDir& dir) {
    auto store = open_store(testing::postgres_test_store_url(dir));
    if (!store) {
      ADD_FAILURE() << store.error().to_string();
      return nullptr;
    }
    return std::move(*store);
  }
  static void close(const TempDir& dir) { testing::postgres_test_drop_schema(dir); }
};

template <typename Factory>
class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    Factory::require();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = Factory::open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    if (IsSkipped() || store_ == nullptr) return;
    store_.reset();
    Factory::close(dir_);
  }

  std::int64_t add_user(const std::string& email) {
    auto user = store_->create_user(make_user(email));
    EXPECT_TRUE(user) << user.error().to_string();
    return user ? user->id : 0;
  }

  std::int64_t add_entry(const DiaryEntry& entry) {
    auto id = store_->add_diary_entry(entry);
    EXPECT_TRUE(id) << id.error().to_string();
    return id ? *id : 0;
  }

  std::vector<std::int64_t> diary_ids(std::int64_t user_id, int limit = kMaxListLimit,
                                      std::optional<DiaryCursor> before = std::nullopt) {
    auto entries = store_->list_diary(user_id, limit, before);
    EXPECT_TRUE(entries) << entries.error().to_string();
    std::vector<std::int64_t> ids;
    if (entries) {
      for (const auto& entry : *entries) ids.push_back(entry.id);
    }
    return ids;
  }

  std::vector<std::int64_t> response_ids(std::int64_t user_id) {
    auto responses = store_->list_questionnaire_responses(user_id);
    EXPECT_TRUE(responses) << responses.error().to_string();
    std::vector<std::int64_t> ids;
    if (responses) {
      for (const auto& response : *responses) ids.push_back(response.id);
    }
    return ids;
  }

  std::vector<std::int64_t> guided_session_ids(std::int64_t user_id) {
    auto records = store_->list_guided_sessions(user_id);
    EXPECT_TRUE(records) << records.error().to_string();
    std::vector<std::int64_t> ids;
    if (records) {
      for (const auto& record : *records) ids.push_back(record.id);
    }
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

using Implementations =
    ::testing::Types<MemoryStoreFactory, SqliteStoreFactory, PostgresStoreFactory>;
class ImplementationNames {
 public:
  template <typename T>
  static std::string GetName(int) {  // NOLINT: GoogleTest's name.
    if constexpr (std::is_same_v<T, MemoryStoreFactory>) return "Memory";
    if constexpr (std::is_same_v<T, PostgresStoreFactory>) return "Postgres";
    return "Sqlite";
  }
};
TYPED_TEST_SUITE(StoreContract, Implementations, ImplementationNames);

TYPED_TEST(StoreContract, ReportsTheLatestSchemaVersion) {
  auto version = this->store_->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, 8);
}

// Accounts.

TYPED_TEST(StoreContract, FindsACreatedUserByIdAndByEmail) {
  User given = make_user("ana@example.org");
  given.role = Role::kClinician;
  auto created = this->store_->create_user(given);
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_GT(created->id, 0);

  auto by_id = this->store_->find_user(created->id);
  auto by_email = this->store_->find_user_by_email("ana@example.org");
  ASSERT_TRUE(by_id && by_email);
  for (const User& found : {*by_id, *by_email}) {
    EXPECT_EQ(found.id, created->id);
    EXPECT_EQ(found.email, "ana@example.org");
    EXPECT_EQ(found.role, Role::kClinician);
    EXPECT_EQ(found.password_hash, given.password_hash);
    EXPECT_EQ(found.created_at, given.created_at);
  }
}

TYPED_TEST(StoreContract, FindsAUserByEmailIgnoringCase) {
  const auto id = this->add_user("Ana@Example.org");
  auto found = this->store_->find_user_by_email("ana@EXAMPLE.ORG");
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->email, "Ana@Example.org");
}

TYPED_TEST(StoreContract, RefusesASecondAccountForAnEmailInAnyCase) {
  this->add_user("ana@example.org");
  auto second = this->store_->create_user(make_user("ANA@example.org"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(second.error().where(), "users");
  EXPECT_EQ(second.error().message(), "an account with this email exists");
}

TYPED_TEST(StoreContract, ReportsAMissingUserAsNotFound) {
  auto by_id = this->store_->find_user(42);
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(by_id.error().where(), "users/42");
  EXPECT_EQ(by_id.error().message(), "no such user");

  auto by_email = this->store_->find_user_by_email("nobody@example.org");
  ASSERT_FALSE(by_email);
  EXPECT_EQ(by_email.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(by_email.error().message(), "no account with this email");
}

TYPED_TEST(StoreContract, RefusesAUserWithAnEmptyEmailOrHash) {
  auto no_email = this->store_->create_user(make_user(""));
  ASSERT_FALSE(no_email);
  EXPECT_EQ(no_email.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(no_email.error().where(), "email");
  EXPECT_EQ(no_email.error().message(), "must be 1..254 bytes, got a 0-byte string");

  User no_hash = make_user("ana@example.org");
  no_hash.password_hash.clear();
  auto refused = this->store_->create_user(no_hash);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(refused.error().where(), "password_hash");
}

TYPED_TEST(StoreContract, UpdatesThePasswordHash) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->update_password_hash(id, "new-hash"));
  auto found = this->store_->find_user(id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->password_hash, "new-hash");
}

TYPED_TEST(StoreContract, UpdatingTheHashOfAMissingUserIsNotFound) {
  auto updated = this->store_->update_password_hash(7, "new-hash");
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(updated.error().where(), "users/7");
}

TYPED_TEST(StoreContract, DeletingAUserDeletesEverythingOfTheirsAndNothingElse) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  for (const auto user : {ana, ben}) {
    this->add_entry(make_entry(user, 5, 100));
    ASSERT_TRUE(this->store_->create_session(
        {"token-" + std::to_string(user), user, at_seconds(0), at_seconds(1000)}));
    ASSERT_TRUE(this->store_->save_triage({0, user, at_seconds(10), "{}", "{}"}));
    ASSERT_TRUE(this->store_->add_questionnaire_response(make_response(user, 40, 100)));
    ASSERT_TRUE(this->store_->add_guided_session(make_guided_session(user, 100)));
    ASSERT_TRUE(this->store_->put_reminders(make_reminders(user, 0b0010101, 18 * 60 + 30)));
    ASSERT_TRUE(this->store_->set_reminder_feed(user, "feed-" + std::to_string(user)));
    ASSERT_TRUE(this->store_->add_consent(make_consent(user, kAllRecordParts, 0, 1000)));
  }

  ASSERT_TRUE(this->store_->delete_user(ana));
  EXPECT_TRUE(this->store_->list_consents(ana)->empty());
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(10)), 0);
  EXPECT_EQ(this->store_->list_consents(ben)->size(), 1U);
  EXPECT_EQ(this->store_->get_reminders(ana).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->find_reminders_by_feed("feed-" + std::to_string(ana)).error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->get_reminders(ben));
  EXPECT_TRUE(this->store_->find_reminders_by_feed("feed-" + std::to_string(ben)));

  EXPECT_FALSE(this->store_->find_user(ana));
  EXPECT_FALSE(this->store_->find_session("token-" + std::to_string(ana), at_seconds(1)));
  EXPECT_TRUE(this->diary_ids(ana).empty());
  EXPECT_TRUE(this->store_->list_triage(ana)->empty());
  EXPECT_TRUE(this->store_->find_user(ben));
  EXPECT_TRUE(this->store_->find_session("token-" + std::to_string(ben), at_seconds(1)));
  EXPECT_EQ(this->diary_ids(ben).size(), 1U);
  EXPECT_EQ(this->store_->list_triage(ben)->size(), 1U);
  EXPECT_TRUE(this->response_ids(ana).empty());
  EXPECT_TRUE(this->guided_session_ids(ana).empty());
  EXPECT_EQ(this->response_ids(ben).size(), 1U);
  EXPECT_EQ(this->guided_session_ids(ben).size(), 1U);
  // The email is free again.
  EXPECT_TRUE(this->store_->create_user(make_user("ana@example.org")));
}

TYPED_TEST(StoreContract, DeletingAMissingUserIsNotFound) {
  auto deleted = this->store_->delete_user(9);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(deleted.error().where(), "users/9");
}

// Sessions.

TYPED_TEST(StoreContract, FindsASessionOnlyBeforeItExpires) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->create_session({"hash", id, at_seconds(100), at_seconds(200)}));

  auto before = this->store_->find_session("hash", at_seconds(199));
  ASSERT_TRUE(before) << before.error().to_string();
  EXPECT_EQ(before->user_id, id);
  EXPECT_EQ(before->created_at, at_seconds(100));
  EXPECT_EQ(before->expires_at, at_seconds(200));

  for (const auto now : {200, 201}) {
    auto after = this->store_->find_session("hash", at_seconds(now));
    ASSERT_FALSE(after) << "now " << now;
    EXPECT_EQ(after.error().code(), ErrorCode::kNotFound) << "now " << now;
    EXPECT_EQ(after.error().message(), "no such session, or it has expired") << "now " << now;
  }
}

TYPED_TEST(StoreContract, KeepsRawTokenHashBytes) {
  const auto id = this->add_user("ana@example.org");
  const std::string raw("\x00\xff\x10 \x00z", 6);
  ASSERT_TRUE(this->store_->create_session({raw, id, at_seconds(0), at_seconds(10)}));
  auto found = this->store_->find_session(raw, at_seconds(1));
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(found->token_hash, raw);
  EXPECT_FALSE(this->store_->find_session(std::string("\x00\xff", 2), at_seconds(1)));
}

TYPED_TEST(StoreContract, RefusesADuplicateTokenHash) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->create_session({"hash", id, at_seconds(0), at_seconds(10)}));
  auto second = this->store_->create_session({"hash", id, at_seconds(0), at_seconds(10)});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(second.error().where(), "sessions");
}

TYPED_TEST(StoreContract, RefusesASessionForAMissingUser) {
  auto created = this->store_->create_session({"hash", 5, at_seconds(0), at_seconds(10)});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(created.error().where(), "users/5");
}

TYPED_TEST(StoreContract, RefusesASessionThatExpiresBeforeItStarts) {
  const auto id = this->add_user("ana@example.org");
  auto created = this->store_->create_session({"hash", id, at_seconds(10), at_seconds(9)});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(created.error().where(), "expires_at");
}

TYPED_TEST(StoreContract, DeletesASessionOnce) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->create_session({"hash", id, at_seconds(0), at_seconds(10)}));
  ASSERT_TRUE(this->store_->delete_session("hash"));
  EXPECT_FALSE(this->store_->find_session("hash", at_seconds(1)));
  auto again = this->store_->delete_session("hash");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
}

TYPED_TEST(StoreContract, DeletesOnlyExpiredSessions) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->create_session({"a", id, at_seconds(0), at_seconds(10)}));
  ASSERT_TRUE(this->store_->create_session({"b", id, at_seconds(0), at_seconds(20)}));
  ASSERT_TRUE(this->store_->create_session({"c", id, at_seconds(0), at_seconds(30)}));

  auto deleted = this->store_->delete_expired_sessions(at_seconds(20));
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  EXPECT_EQ(*deleted, 2);
  EXPECT_TRUE(this->store_->find_session("c", at_seconds(20)));
  EXPECT_FALSE(this->store_->delete_session("a"));
  EXPECT_FALSE(this->store_->delete_session("b"));
}

// The diary.

TYPED_TEST(StoreContract, ReadsBackADiaryEntryUnchanged) {
  const auto user = this->add_user("ana@example.org");
  DiaryEntry given = make_entry(user, 6, 1'764'081'000);
  given.region = "groin";
  given.context = PainContext::kRest;
  given.side = Side::kBoth;
  given.note = "night: woke twice, \xc3\xa9";
  const auto id = this->add_entry(given);

  auto found = this->store_->get_diary_entry(user, id);
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->user_id, user);
  EXPECT_EQ(found->pain, 6);
  EXPECT_EQ(found->region, "groin");
  EXPECT_EQ(found->context, PainContext::kRest);
  EXPECT_EQ(found->side, Side::kBoth);
  EXPECT_EQ(found->note, given.note);
  EXPECT_EQ(found->at, "2026-11-25T08:30:00-06:00");
  EXPECT_EQ(found->at_utc, given.at_utc);
}

TYPED_TEST(StoreContract, AcceptsEveryTriageLocationAsARegion) {
  const auto user = this->add_user("ana@example.org");
  for (const auto location : core::kLocations) {
    DiaryEntry entry = make_entry(user, 3, 100);
    entry.region = std::string(location);
    auto id = this->store_->add_diary_entry(entry);
    EXPECT_TRUE(id) << location << ": " << id.error().to_string();
  }
}

TYPED_TEST(StoreContract, RefusesDiaryFieldsOutOfRangeAndStoresNothing) {
  const auto user = this->add_user("ana@example.org");
  struct Case {
    const char* name;
    void (*change)(DiaryEntry&);
    const char* where;
    const char* message;
  };
  const Case cases[] = {
      {"pain -1", [](DiaryEntry& e) { e.pain = -1; }, "pain", "must be an integer 0..10, got -1"},
      {"pain 11", [](DiaryEntry& e) { e.pain = 11; }, "pain", "must be an integer 0..10, got 11"},
      {"region", [](DiaryEntry& e) { e.region = "elbow"; }, "region",
       "must be one of the triage locations, got a 5-byte string"},
      {"long note", [](DiaryEntry& e) { e.note.assign(kMaxNoteBytes + 1, 'x'); }, "note",
       "must be 0..2000 bytes, got a 2001-byte string"},
      {"bad note", [](DiaryEntry& e) { e.note = "\xff"; }, "note", "must be valid UTF-8"},
      {"empty at", [](DiaryEntry& e) { e.at.clear(); }, "at",
       "must be 1..64 bytes, got a 0-byte string"},
  };
  for (const Case& c : cases) {
    DiaryEntry entry = make_entry(user, 5, 100);
    c.change(entry);
    auto added = this->store_->add_diary_entry(entry);
    ASSERT_FALSE(added) << c.name;
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidInput) << c.name;
    EXPECT_EQ(added.error().where(), c.where) << c.name;
    EXPECT_EQ(added.error().message(), c.message) << c.name;
  }
  EXPECT_TRUE(this->diary_ids(user).empty());
}

TYPED_TEST(StoreContract, RefusesADiaryEntryForAMissingUser) {
  auto added = this->store_->add_diary_entry(make_entry(77, 5, 100));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(added.error().where(), "users/77");
}

TYPED_TEST(StoreContract, ListsTheDiaryNewestFirstWithTiesBrokenByNewerId) {
  const auto user = this->add_user("ana@example.org");
  const auto middle = this->add_entry(make_entry(user, 1, 200));
  const auto oldest = this->add_entry(make_entry(user, 2, 100));
  const auto newest = this->add_entry(make_entry(user, 3, 300));
  const auto tie = this->add_entry(make_entry(user, 4, 200));
  EXPECT_EQ(this->diary_ids(user), (std::vector<std::int64_t>{newest, tie, middle, oldest}));
}

TYPED_TEST(StoreContract, StopsTheDiaryListAtTheLimit) {
  const auto user = this->add_user("ana@example.org");
  for (int i = 0; i < 5; ++i) this->add_entry(make_entry(user, i, 100 + i));
  EXPECT_EQ(this->diary_ids(user, 2).size(), 2U);
  EXPECT_EQ(this->diary_ids(user, 1).size(), 1U);
}

TYPED_TEST(StoreContract, RefusesAListLimitOutsideOneToTheMaximum) {
  for (const int limit : {0, -1, kMaxListLimit + 1}) {
    auto listed = this->store_->list_diary(1, limit, std::nullopt);
    ASSERT_FALSE(listed) << limit;
    EXPECT_EQ(listed.error().code(), ErrorCode::kInvalidInput) << limit;
    EXPECT_EQ(listed.error().where(), "limit") << limit;
  }
}

TYPED_TEST(StoreContract, PagesThroughTheDiaryWithoutGapsOrRepeats) {
  const auto user = this->add_user("ana@example.org");
  std::vector<std::int64_t> expected;
  // Seven entries over four distinct times, so that pages split ties.
  for (int i = 0; i < 7; ++i) this->add_entry(make_entry(user, i, 100 + (i / 2)));
  expected = this->diary_ids(user);
  ASSERT_EQ(expected.size(), 7U);

  std::vector<std::int64_t> paged;
  std::optional<DiaryCursor> cursor;
  for (int page = 0; page < 10; ++page) {
    auto entries = this->store_->list_diary(user, 3, cursor);
    ASSERT_TRUE(entries) << entries.error().to_string();
    if (entries->empty()) break;
    for (const auto& entry : *entries) paged.push_back(entry.id);
    cursor = cursor_after(entries->back());
  }
  EXPECT_EQ(paged, expected);
}

TYPED_TEST(StoreContract, NeverListsAnotherUsersDiary) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto anas = this->add_entry(make_entry(ana, 5, 100));
  this->add_entry(make_entry(ben, 6, 100));
  EXPECT_EQ(this->diary_ids(ana), std::vector<std::int64_t>{anas});
}

TYPED_TEST(StoreContract, AnotherUserCannotGetAnEntryAndLearnsNothing) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto id = this->add_entry(make_entry(ana, 5, 100));

  auto theirs = this->store_->get_diary_entry(ben, id);
  auto missing = this->store_->get_diary_entry(ben, id + 1000);
  ASSERT_FALSE(theirs);
  ASSERT_FALSE(missing);
  EXPECT_EQ(theirs.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(theirs.error().message(), missing.error().message());
  EXPECT_EQ(theirs.error().where(), "diary_entries/" + std::to_string(id));
}

TYPED_TEST(StoreContract, AnotherUserCannotDeleteAnEntry) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto id = this->add_entry(make_entry(ana, 5, 100));

  auto deleted = this->store_->delete_diary_entry(ben, id);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(deleted.error().message(), "no such diary entry");
  EXPECT_TRUE(this->store_->get_diary_entry(ana, id));
}

TYPED_TEST(StoreContract, DeletesADiaryEntryAndNeverReusesItsId) {
  const auto user = this->add_user("ana@example.org");
  this->add_entry(make_entry(user, 1, 100));
  const auto last = this->add_entry(make_entry(user, 2, 200));
  ASSERT_TRUE(this->store_->delete_diary_entry(user, last));

  auto gone = this->store_->get_diary_entry(user, last);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  EXPECT_GT(this->add_entry(make_entry(user, 3, 300)), last);
}

TYPED_TEST(StoreContract, EndsEveryOtherSessionOfTheUserButKeepsTheNamedOne) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  for (const char* hash : {"a1", "a2", "a3"}) {
    ASSERT_TRUE(this->store_->create_session({hash, ana, at_seconds(0), at_seconds(100)}));
  }
  ASSERT_TRUE(this->store_->create_session({"b1", ben, at_seconds(0), at_seconds(100)}));

  auto ended = this->store_->delete_user_sessions(ana, "a2");
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(this->store_->find_session("a1", at_seconds(1)));
  EXPECT_TRUE(this->store_->find_session("a2", at_seconds(1)));
  EXPECT_FALSE(this->store_->find_session("a3", at_seconds(1)));
  EXPECT_TRUE(this->store_->find_session("b1", at_seconds(1)));
}

TYPED_TEST(StoreContract, EndsEverySessionOfTheUserWhenNoneIsKept) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  ASSERT_TRUE(this->store_->create_session({"a1", ana, at_seconds(0), at_seconds(100)}));
  ASSERT_TRUE(this->store_->create_session({"a2", ana, at_seconds(0), at_seconds(5)}));
  ASSERT_TRUE(this->store_->create_session({"b1", ben, at_seconds(0), at_seconds(100)}));

  auto ended = this->store_->delete_user_sessions(ana, "");
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(this->store_->find_session("a1", at_seconds(1)));
  EXPECT_TRUE(this->store_->find_session("b1", at_seconds(1)));
}

TYPED_TEST(StoreContract, KeepingAnotherUsersSessionEndsTheUsersOwnAndSparesTheOther) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  ASSERT_TRUE(this->store_->create_session({"a1", ana, at_seconds(0), at_seconds(100)}));
  ASSERT_TRUE(this->store_->create_session({"b1", ben, at_seconds(0), at_seconds(100)}));

  auto ended = this->store_->delete_user_sessions(ana, "b1");
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(*ended, 1);
  EXPECT_FALSE(this->store_->find_session("a1", at_seconds(1)));
  EXPECT_TRUE(this->store_->find_session("b1", at_seconds(1)));
}

TYPED_TEST(StoreContract, EndingTheSessionsOfAnUnknownUserEndsNone) {
  const auto ana = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->create_session({"a1", ana, at_seconds(0), at_seconds(100)}));
  auto ended = this->store_->delete_user_sessions(ana + 100, "");
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(*ended, 0);
  EXPECT_TRUE(this->store_->find_session("a1", at_seconds(1)));
}

// Saved triage.

TYPED_TEST(StoreContract, ListsSavedTriageNewestFirstForItsUserOnly) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  auto older = this->store_->save_triage({0, ana, at_seconds(100), R"({"age":40})", R"({"a":1})"});
  auto newer = this->store_->save_triage({0, ana, at_seconds(200), R"({"age":41})", R"({"b":2})"});
  ASSERT_TRUE(this->store_->save_triage({0, ben, at_seconds(300), "{}", "{}"}));
  ASSERT_TRUE(older && newer);

  auto listed = this->store_->list_triage(ana);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].id, *newer);
  EXPECT_EQ((*listed)[0].answers_json, R"({"age":41})");
  EXPECT_EQ((*listed)[0].result_json, R"({"b":2})");
  EXPECT_EQ((*listed)[0].created_at, at_seconds(200));
  EXPECT_EQ((*listed)[1].id, *older);
}

TYPED_TEST(StoreContract, RefusesEmptyTriageJsonAndAMissingUser) {
  const auto ana = this->add_user("ana@example.org");
  auto empty = this->store_->save_triage({0, ana, at_seconds(1), "", "{}"});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(empty.error().where(), "answers_json");

  auto missing = this->store_->save_triage({0, ana + 100, at_seconds(1), "{}", "{}"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

// Outcome questionnaires.

TYPED_TEST(StoreContract, ReadsBackAQuestionnaireResponseUnchanged) {
  const auto user = this->add_user("ana@example.org");
  QuestionnaireResponse given = make_response(user, 1.0 / 3.0, 1'764'081'000);
  given.questionnaire_id = "hoos_12";
  given.at = "2026-11-25T14:30:00+00:00";
  given.answers_json = R"({"note":"é","items":[0,1,2,3,4]})";
  auto id = this->store_->add_questionnaire_response(given);
  ASSERT_TRUE(id) << id.error().to_string();

  auto listed = this->store_->list_questionnaire_responses(user);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 1U);
  const QuestionnaireResponse& found = listed->front();
  EXPECT_EQ(found.id, *id);
  EXPECT_EQ(found.user_id, user);
  EXPECT_EQ(found.questionnaire_id, "hoos_12");
  EXPECT_EQ(found.at, given.at);
  EXPECT_EQ(found.at_utc, given.at_utc);
  EXPECT_EQ(found.answers_json, given.answers_json);
  EXPECT_EQ(found.score, 1.0 / 3.0);  // Exactly: the stores keep every bit.
}

TYPED_TEST(StoreContract, ListsQuestionnaireResponsesOldestFirstWithTiesBrokenByOlderId) {
  const auto user = this->add_user("ana@example.org");
  const auto add = [&](std::int64_t at_utc) {
    auto id = this->store_->add_questionnaire_response(make_response(user, 50, at_utc));
    EXPECT_TRUE(id) << id.error().to_string();
    return id ? *id : 0;
  };
  const auto middle = add(200);
  const auto newest = add(300);
  const auto oldest = add(100);
  const auto tie = add(200);
  EXPECT_EQ(this->response_ids(user), (std::vector<std::int64_t>{oldest, middle, tie, newest}));
}

TYPED_TEST(StoreContract, NeverListsAnotherUsersQuestionnaireResponses) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  auto anas = this->store_->add_questionnaire_response(make_response(ana, 10, 100));
  ASSERT_TRUE(anas) << anas.error().to_string();
  ASSERT_TRUE(this->store_->add_questionnaire_response(make_response(ben, 20, 100)));
  EXPECT_EQ(this->response_ids(ana), std::vector<std::int64_t>{*anas});
  EXPECT_TRUE(this->response_ids(ben + 100).empty());
}

TYPED_TEST(StoreContract, RefusesQuestionnaireFieldsOutOfRangeAndStoresNothing) {
  const auto user = this->add_user("ana@example.org");
  struct Case {
    const char* name;
    void (*change)(QuestionnaireResponse&);
    const char* where;
    const char* message;
  };
  const Case cases[] = {
      {"empty id", [](QuestionnaireResponse& r) { r.questionnaire_id.clear(); }, "questionnaire_id",
       "must be 1..64 bytes, got a 0-byte string"},
      {"long id", [](QuestionnaireResponse& r) { r.questionnaire_id.assign(65, 'q'); },
       "questionnaire_id", "must be 1..64 bytes, got a 65-byte string"},
      {"bad id", [](QuestionnaireResponse& r) { r.questionnaire_id = "l\xc3"; }, "questionnaire_id",
       "must be valid UTF-8"},
      {"empty at", [](QuestionnaireResponse& r) { r.at.clear(); }, "at",
       "must be 1..64 bytes, got a 0-byte string"},
      {"empty answers", [](QuestionnaireResponse& r) { r.answers_json.clear(); }, "answers_json",
       "must be 1..65536 bytes, got a 0-byte string"},
      {"long answers",
       [](QuestionnaireResponse& r) { r.answers_json.assign(kMaxRecordJsonBytes + 1, ' '); },
       "answers_json", "must be 1..65536 bytes, got a 65537-byte string"},
      {"bad answers", [](QuestionnaireResponse& r) { r.answers_json = "{\"pain\":\"\xff\"}"; },
       "answers_json", "must be valid UTF-8"},
      {"NaN score",
       [](QuestionnaireResponse& r) { r.score = std::numeric_limits<double>::quiet_NaN(); },
       "score", "must be finite, got NaN"},
      {"infinite score",
       [](QuestionnaireResponse& r) { r.score = std::numeric_limits<double>::infinity(); }, "score",
       "must be finite, got infinity"},
      {"negative infinite score",
       [](QuestionnaireResponse& r) { r.score = -std::numeric_limits<double>::infinity(); },
       "score", "must be finite, got -infinity"},
  };
  for (const Case& c : cases) {
    QuestionnaireResponse response = make_response(user, 40, 100);
    c.change(response);
    auto added = this->store_->add_questionnaire_response(response);
    ASSERT_FALSE(added) << c.name;
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidInput) << c.name;
    EXPECT_EQ(added.error().where(), c.where) << c.name;
    EXPECT_EQ(added.error().message(), c.message) << c.name;
  }
  EXPECT_TRUE(this->response_ids(user).empty());
}

TYPED_TEST(StoreContract, RefusesAQuestionnaireResponseForAMissingUser) {
  auto added = this->store_->add_questionnaire_response(make_response(77, 40, 100));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(added.error().where(), "users/77");
  EXPECT_EQ(added.error().message(), "no such user");
}

// Guided sessions.

TYPED_TEST(StoreContract, ReadsBackAGuidedSessionUnchanged) {
  const auto user = this->add_user("ana@example.org");
  GuidedSessionRecord rated = make_guided_session(user, 1000);
  GuidedSessionRecord unrated = make_guided_session(user, 2000);
  unrated.pain_before.reset();
  unrated.pain_after = 0;
  unrated.ended_at = unrated.started_at;
  auto rated_id = this->store_->add_guided_session(rated);
  auto unrated_id = this->store_->add_guided_session(unrated);
  ASSERT_TRUE(rated_id && unrated_id);

  auto listed = this->store_->list_guided_sessions(user);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 2U);
  const GuidedSessionRecord& first = (*listed)[0];
  EXPECT_EQ(first.id, *rated_id);
  EXPECT_EQ(first.user_id, user);
  EXPECT_EQ(first.started_at, rated.started_at);
  EXPECT_EQ(first.ended_at, rated.ended_at);
  EXPECT_EQ(first.pain_before, std::optional<int>(6));
  EXPECT_EQ(first.pain_after, std::optional<int>(3));
  EXPECT_EQ(first.record_json, rated.record_json);
  const GuidedSessionRecord& second = (*listed)[1];
  EXPECT_EQ(second.id, *unrated_id);
  EXPECT_EQ(second.pain_before, std::nullopt);
  EXPECT_EQ(second.pain_after, std::optional<int>(0));
  EXPECT_EQ(second.ended_at, second.started_at);
}

TYPED_TEST(StoreContract, ListsGuidedSessionsOldestFirstWithTiesBrokenByOlderId) {
  const auto user = this->add_user("ana@example.org");
  const auto add = [&](std::int64_t started_at) {
    auto id = this->store_->add_guided_session(make_guided_session(user, started_at));
    EXPECT_TRUE(id) << id.error().to_string();
    return id ? *id : 0;
  };
  const auto middle = add(200);
  const auto newest = add(300);
  const auto oldest = add(100);
  const auto tie = add(200);
  EXPECT_EQ(this->guided_session_ids(user),
            (std::vector<std::int64_t>{oldest, middle, tie, newest}));
}

TYPED_TEST(StoreContract, NeverListsAnotherUsersGuidedSessions) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  auto anas = this->store_->add_guided_session(make_guided_session(ana, 100));
  ASSERT_TRUE(anas) << anas.error().to_string();
  ASSERT_TRUE(this->store_->add_guided_session(make_guided_session(ben, 100)));
  EXPECT_EQ(this->guided_session_ids(ana), std::vector<std::int64_t>{*anas});
  EXPECT_TRUE(this->guided_session_ids(ben + 100).empty());
}

TYPED_TEST(StoreContract, RefusesGuidedSessionFieldsOutOfRangeAndStoresNothing) {
  const auto user = this->add_user("ana@example.org");
  struct Case {
    const char* name;
    void (*change)(GuidedSessionRecord&);
    const char* where;
    const char* message;
  };
  const Case cases[] = {
      {"ends before it starts",
       [](GuidedSessionRecord& r) { r.ended_at = r.started_at - std::chrono::seconds(1); },
       "ended_at", "must not be before started_at"},
      {"pain before -1", [](GuidedSessionRecord& r) { r.pain_before = -1; }, "pain_before",
       "must be an integer 0..10, got -1"},
      {"pain before 11", [](GuidedSessionRecord& r) { r.pain_before = 11; }, "pain_before",
       "must be an integer 0..10, got 11"},
      {"pain after 11", [](GuidedSessionRecord& r) { r.pain_after = 11; }, "pain_after",
       "must be an integer 0..10, got 11"},
      {"empty record", [](GuidedSessionRecord& r) { r.record_json.clear(); }, "record_json",
       "must be 1..65536 bytes, got a 0-byte string"},
      {"long record",
       [](GuidedSessionRecord& r) { r.record_json.assign(kMaxRecordJsonBytes + 1, ' '); },
       "record_json", "must be 1..65536 bytes, got a 65537-byte string"},
      {"bad record", [](GuidedSessionRecord& r) { r.record_json = "{\"stops\":\"\xc3\"}"; },
       "record_json", "must be valid UTF-8"},
  };
  for (const Case& c : cases) {
    GuidedSessionRecord record = make_guided_session(user, 100);
    c.change(record);
    auto added = this->store_->add_guided_session(record);
    ASSERT_FALSE(added) << c.name;
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidInput) << c.name;
    EXPECT_EQ(added.error().where(), c.where) << c.name;
    EXPECT_EQ(added.error().message(), c.message) << c.name;
  }
  EXPECT_TRUE(this->guided_session_ids(user).empty());
}

TYPED_TEST(StoreContract, RefusesAGuidedSessionForAMissingUser) {
  auto added = this->store_->add_guided_session(make_guided_session(77, 100));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(added.error().where(), "users/77");
  EXPECT_EQ(added.error().message(), "no such user");
}

// Threads.

TYPED_TEST(StoreContract, KeepsEveryEntryWrittenFromSeveralThreads) {
  const auto user = this->add_user("ana@example.org");
  constexpr int kThreads = 4;
  constexpr int kEach = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(this->store_->add_diary_entry(make_entry(user, i % 11, t * 1000 + i)));
        EXPECT_TRUE(this->store_->list_diary(user, 5, std::nullopt));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto ids = this->diary_ids(user);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(),
            static_cast<std::size_t>(kThreads * kEach));
}

// Each thread writes to a user of its own and reads every entry back as soon
// as it is acknowledged: an acknowledged write is visible to the next read.
TYPED_TEST(StoreContract, EveryAcknowledgedEntryFromManyThreadsIsReadableAndUnique) {
  constexpr int kThreads = 8;
  constexpr int kEach = 200;
  std::vector<std::int64_t> users;
  for (int t = 0; t < kThreads; ++t) {
    users.push_back(this->add_user("user" + std::to_string(t) + "@example.org"));
  }
  std::vector<std::vector<std::int64_t>> acknowledged(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const DiaryEntry entry = make_entry(users[t], i % 11, 1000 + i);
        auto id = this->store_->add_diary_entry(entry);
        ASSERT_TRUE(id) << id.error().to_string();
        auto found = this->store_->get_diary_entry(users[t], *id);
        ASSERT_TRUE(found) << "thread " << t << ", entry " << i << ": "
                           << found.error().to_string();
        EXPECT_EQ(found->pain, entry.pain);
        EXPECT_EQ(found->at_utc, entry.at_utc);
        acknowledged[t].push_back(*id);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::int64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(acknowledged[t].size(), static_cast<std::size_t>(kEach)) << "thread " << t;
    all.insert(acknowledged[t].begin(), acknowledged[t].end());
    auto listed = this->diary_ids(users[t]);
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(listed, acknowledged[t]) << "thread " << t;
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

// Entries for a user that does not exist, written alongside good ones (and,
// in the SQLite store, likely in the same commit), fail alone.
TYPED_TEST(StoreContract, AnEntryForAMissingUserFailsAloneAmongConcurrentWrites) {
  const auto user = this->add_user("ana@example.org");
  const auto missing = user + 1000;
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::vector<std::int64_t>> acknowledged(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const bool for_missing = (t + i) % 2 == 0;
        auto id = this->store_->add_diary_entry(make_entry(for_missing ? missing : user, 5, i));
        if (for_missing) {
          ASSERT_FALSE(id) << "thread " << t << ", entry " << i;
          EXPECT_EQ(id.error().code(), ErrorCode::kNotFound);
          EXPECT_EQ(id.error().where(), "users/" + std::to_string(missing));
        } else {
          ASSERT_TRUE(id) << id.error().to_string();
          acknowledged[t].push_back(*id);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::vector<std::int64_t> expected;
  for (const auto& ids : acknowledged) expected.insert(expected.end(), ids.begin(), ids.end());
  std::sort(expected.begin(), expected.end());
  auto listed = this->diary_ids(user);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, expected);
  EXPECT_TRUE(this->diary_ids(missing).empty());
}

// Reminders.

TYPED_TEST(StoreContract, ReportsNoRemindersAsNotFound) {
  const auto ana = this->add_user("ana@example.org");
  auto reminders = this->store_->get_reminders(ana);
  ASSERT_FALSE(reminders);
  EXPECT_EQ(reminders.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(reminders.error().where(), "reminders/" + std::to_string(ana));
}

TYPED_TEST(StoreContract, ReadsBackRemindersAndReplacesTheScheduleKeepingTheFeed) {
  const auto ana = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->put_reminders(make_reminders(ana, 0b0010101, 18 * 60 + 30)));
  ASSERT_TRUE(this->store_->set_reminder_feed(ana, "feed-hash"));
  Reminders changed = make_reminders(ana, 0b1000000, 7 * 60 + 5);
  changed.updated_at = at_seconds(1'800'000'000);
  changed.feed_token_hash = "ignored";
  ASSERT_TRUE(this->store_->put_reminders(changed));

  auto reminders = this->store_->get_reminders(ana);
  ASSERT_TRUE(reminders) << reminders.error().to_string();
  EXPECT_EQ(reminders->user_id, ana);
  EXPECT_EQ(reminders->weekdays, 0b1000000);
  EXPECT_EQ(reminders->minute_of_day, 7 * 60 + 5);
  EXPECT_EQ(reminders->feed_token_hash, "feed-hash");
  EXPECT_EQ(reminders->updated_at, at_seconds(1'800'000'000));
}

TYPED_TEST(StoreContract, AcceptsTheWholeRangeOfReminders) {
  const auto ana = this->add_user("ana@example.org");
  for (const auto& [weekdays, minute] : {std::pair<std::uint8_t, int>{0, 0}, {0x7f, 1439}}) {
    ASSERT_TRUE(this->store_->put_reminders(make_reminders(ana, weekdays, minute)));
    auto reminders = this->store_->get_reminders(ana);
    ASSERT_TRUE(reminders) << reminders.error().to_string();
    EXPECT_EQ(reminders->weekdays, weekdays);
    EXPECT_EQ(reminders->minute_of_day, minute);
    EXPECT_EQ(reminders->feed_token_hash, "");
  }
}

TYPED_TEST(StoreContract, RefusesRemindersOutOfRangeAndStoresNothing) {
  const auto ana = this->add_user("ana@example.org");
  struct Case {
    std::uint8_t weekdays;
    int minute;
    const char* where;
  };
  for (const Case& bad : {Case{0x80, 0, "weekdays"}, Case{0xff, 0, "weekdays"},
                          Case{1, -1, "minute_of_day"}, Case{1, 1440, "minute_of_day"}}) {
    SCOPED_TRACE(bad.where);
    auto put = this->store_->put_reminders(make_reminders(ana, bad.weekdays, bad.minute));
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(put.error().where(), bad.where);
  }
  EXPECT_FALSE(this->store_->get_reminders(ana));
}

TYPED_TEST(StoreContract, RefusesRemindersForAMissingUser) {
  auto put = this->store_->put_reminders(make_reminders(7, 1, 0));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(put.error().where(), "users/7");
}

TYPED_TEST(StoreContract, FindsRemindersByTheirFeedUntilItIsReplacedOrRemoved) {
  const auto ana = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->put_reminders(make_reminders(ana, 0b0010101, 18 * 60 + 30)));
  EXPECT_EQ(this->store_->find_reminders_by_feed("first").error().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(this->store_->set_reminder_feed(ana, "first"));
  auto found = this->store_->find_reminders_by_feed("first");
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(found->user_id, ana);
  EXPECT_EQ(found->minute_of_day, 18 * 60 + 30);
  EXPECT_EQ(found->feed_token_hash, "first");

  ASSERT_TRUE(this->store_->set_reminder_feed(ana, "second"));
  EXPECT_EQ(this->store_->find_reminders_by_feed("first").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->find_reminders_by_feed("second"));

  ASSERT_TRUE(this->store_->set_reminder_feed(ana, ""));
  EXPECT_EQ(this->store_->find_reminders_by_feed("second").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->find_reminders_by_feed("").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->get_reminders(ana)->feed_token_hash, "");
}

TYPED_TEST(StoreContract, KeepsRawFeedHashBytes) {
  const auto ana = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->put_reminders(make_reminders(ana, 1, 0)));
  const std::string raw("\x00\xff\x01\x80", 4);
  ASSERT_TRUE(this->store_->set_reminder_feed(ana, raw));
  auto found = this->store_->find_reminders_by_feed(raw);
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(found->feed_token_hash, raw);
  EXPECT_EQ(this->store_->get_reminders(ana)->feed_token_hash, raw);
}

TYPED_TEST(StoreContract, AFeedNeedsRemindersFirst) {
  const auto ana = this->add_user("ana@example.org");
  auto set = this->store_->set_reminder_feed(ana, "feed");
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(set.error().where(), "reminders/" + std::to_string(ana));
}

TYPED_TEST(StoreContract, RefusesAFeedHashAnotherUserHasAndAnOversizedOne) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  ASSERT_TRUE(this->store_->put_reminders(make_reminders(ana, 1, 0)));
  ASSERT_TRUE(this->store_->put_reminders(make_reminders(ben, 2, 0)));
  ASSERT_TRUE(this->store_->set_reminder_feed(ana, "taken"));

  auto taken = this->store_->set_reminder_feed(ben, "taken");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);
  auto oversized = this->store_->set_reminder_feed(ben, std::string(kMaxTokenHashBytes + 1, 'h'));
  ASSERT_FALSE(oversized);
  EXPECT_EQ(oversized.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(oversized.error().where(), "feed_token_hash");
  EXPECT_EQ(this->store_->find_reminders_by_feed("taken")->user_id, ana);
  EXPECT_EQ(this->store_->get_reminders(ben)->feed_token_hash, "");
}

// Consents.

TYPED_TEST(StoreContract, ReadsBackAConsentUnrevoked) {
  const auto ana = this->add_user("ana@example.org");
  Consent given = make_consent(ana, 0b0101, 100, 1000);
  given.revoked_at = at_seconds(200);  // Ignored.
  auto id = this->store_->add_consent(given);
  ASSERT_TRUE(id) << id.error().to_string();

  auto consents = this->store_->list_consents(ana);
  ASSERT_TRUE(consents) << consents.error().to_string();
  ASSERT_EQ(consents->size(), 1U);
  const Consent& read = consents->front();
  EXPECT_EQ(read.id, *id);
  EXPECT_EQ(read.user_id, ana);
  EXPECT_EQ(read.parts, 0b0101);
  EXPECT_EQ(read.created_at, at_seconds(100));
  EXPECT_EQ(read.until, at_seconds(1000));
  EXPECT_FALSE(read.revoked_at);
}

TYPED_TEST(StoreContract, ListsConsentsNewestFirstForTheirUserOnly) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto first = *this->store_->add_consent(make_consent(ana, 1, 100, 1000));
  const auto tie = *this->store_->add_consent(make_consent(ana, 2, 100, 1000));
  const auto latest = *this->store_->add_consent(make_consent(ana, 4, 300, 1000));
  ASSERT_TRUE(this->store_->add_consent(make_consent(ben, 8, 200, 1000)));

  auto consents = this->store_->list_consents(ana);
  ASSERT_TRUE(consents) << consents.error().to_string();
  std::vector<std::int64_t> ids;
  for (const auto& consent : *consents) ids.push_back(consent.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{latest, tie, first}));
  EXPECT_TRUE(this->store_->list_consents(ben + 100)->empty());
}

TYPED_TEST(StoreContract, RefusesConsentFieldsOutOfRangeAndStoresNothing) {
  const auto ana = this->add_user("ana@example.org");
  struct Case {
    Consent consent;
    const char* where;
  };
  for (const Case& bad : {Case{make_consent(ana, 0, 100, 1000), "parts"},
                          Case{make_consent(ana, 16, 100, 1000), "parts"},
                          Case{make_consent(ana, 0xff, 100, 1000), "parts"},
                          Case{make_consent(ana, 1, 100, 100), "until"},
                          Case{make_consent(ana, 1, 100, 99), "until"}}) {
    SCOPED_TRACE(bad.where);
    auto added = this->store_->add_consent(bad.consent);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(added.error().where(), bad.where);
  }
  EXPECT_TRUE(this->store_->list_consents(ana)->empty());
}

TYPED_TEST(StoreContract, RefusesAConsentForAMissingUser) {
  auto added = this->store_->add_consent(make_consent(7, 1, 100, 1000));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(added.error().where(), "users/7");
}

TYPED_TEST(StoreContract, SharesTheUnionOfTheActiveConsentsOnly) {
  const auto ana = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->add_consent(make_consent(ana, 0b0001, 100, 1000)));
  ASSERT_TRUE(this->store_->add_consent(make_consent(ana, 0b0010, 100, 500)));
  const auto revoked = *this->store_->add_consent(make_consent(ana, 0b0100, 100, 1000));
  ASSERT_TRUE(this->store_->add_consent(make_consent(ana, 0b1000, 600, 1000)));
  ASSERT_TRUE(this->store_->revoke_consent(ana, revoked, at_seconds(150)));

  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(99)), 0);
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(100)), 0b0011);
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(499)), 0b0011);
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(500)), 0b0001);
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(600)), 0b1001);
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(1000)), 0);
  EXPECT_EQ(*this->store_->shared_parts(ana + 100, at_seconds(600)), 0);
}

TYPED_TEST(StoreContract, RevokingKeepsTheFirstTimeAndStopsSharingAtOnce) {
  const auto ana = this->add_user("ana@example.org");
  const auto id = *this->store_->add_consent(make_consent(ana, kAllRecordParts, 100, 1000));
  ASSERT_TRUE(this->store_->revoke_consent(ana, id, at_seconds(200)));
  ASSERT_TRUE(this->store_->revoke_consent(ana, id, at_seconds(300)));

  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(200)), 0);
  auto consents = this->store_->list_consents(ana);
  ASSERT_TRUE(consents) << consents.error().to_string();
  ASSERT_EQ(consents->size(), 1U);
  EXPECT_EQ(consents->front().revoked_at, at_seconds(200));
}

TYPED_TEST(StoreContract, RevokingAnotherUsersConsentIsNotFoundAndLeavesItAlone) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto id = *this->store_->add_consent(make_consent(ana, 1, 100, 1000));
  for (const auto& [user, consent] : {std::pair{ben, id}, std::pair{ana, id + 100}}) {
    auto revoked = this->store_->revoke_consent(user, consent, at_seconds(200));
    ASSERT_FALSE(revoked);
    EXPECT_EQ(revoked.error().code(), ErrorCode::kNotFound);
    EXPECT_EQ(revoked.error().where(), "consents/" + std::to_string(consent));
  }
  EXPECT_EQ(*this->store_->shared_parts(ana, at_seconds(200)), 1);
}

TYPED_TEST(StoreContract, ListsThePatientsWhoShareNowWithTheirParts) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto cem = this->add_user("cem@example.org");
  this->add_user("dan@example.org");
  ASSERT_TRUE(this->store_->add_consent(make_consent(ben, 0b0001, 100, 1000)));
  ASSERT_TRUE(this->store_->add_consent(make_consent(ben, 0b0100, 100, 2000)));
  ASSERT_TRUE(this->store_->add_consent(make_consent(ana, 0b1000, 100, 500)));
  ASSERT_TRUE(this->store_->add_consent(make_consent(cem, 0b0010, 100, 300)));
  const auto revoked = *this->store_->add_consent(make_consent(cem, 0b0001, 100, 1000));
  ASSERT_TRUE(this->store_->revoke_consent(cem, revoked, at_seconds(150)));

  auto sharing = this->store_->list_sharing_patients(at_seconds(400));
  ASSERT_TRUE(sharing) << sharing.error().to_string();
  ASSERT_EQ(sharing->size(), 2U);
  EXPECT_EQ((*sharing)[0].user_id, ana);
  EXPECT_EQ((*sharing)[0].email, "ana@example.org");
  EXPECT_EQ((*sharing)[0].parts, 0b1000);
  EXPECT_EQ((*sharing)[0].until, at_seconds(500));
  EXPECT_EQ((*sharing)[1].user_id, ben);
  EXPECT_EQ((*sharing)[1].parts, 0b0101);
  EXPECT_EQ((*sharing)[1].until, at_seconds(2000));
  EXPECT_TRUE(this->store_->list_sharing_patients(at_seconds(2000))->empty());
}

// The audit log.

TYPED_TEST(StoreContract, ReadsBackAnAuditEntryWithTheActorAsTheyWere) {
  const auto ana = this->add_user("ana@example.org");
  User clinician = make_user("doc@clinic.example");
  clinician.role = Role::kClinician;
  const auto doc = this->store_->create_user(clinician)->id;
  AuditEntry entry = make_audit(doc, ana, "diary", 500);
  entry.actor_email = "ignored@example.org";
  entry.why = "follow-up, ünïcode";
  auto id = this->store_->append_audit(entry);
  ASSERT_TRUE(id) << id.error().to_string();

  auto entries = this->store_->list_audit_for_patient(ana);
  ASSERT_TRUE(entries) << entries.error().to_string();
  ASSERT_EQ(entries->size(), 1U);
  const AuditEntry& read = entries->front();
  EXPECT_EQ(read.id, *id);
  EXPECT_EQ(read.at, at_seconds(500));
  EXPECT_EQ(read.actor_id, doc);
  EXPECT_EQ(read.actor_email, "doc@clinic.example");
  EXPECT_EQ(read.actor_role, Role::kClinician);
  EXPECT_EQ(read.patient_id, ana);
  EXPECT_EQ(read.action, "read");
  EXPECT_EQ(read.what, "diary");
  EXPECT_EQ(read.why, "follow-up, ünïcode");
  EXPECT_EQ(read.request_id, "req-1");
}

TYPED_TEST(StoreContract, ListsAPatientsAuditNewestFirstAndNoOneElses) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto doc = this->add_user("doc@clinic.example");
  const auto first = *this->store_->append_audit(make_audit(doc, ana, "diary", 500));
  ASSERT_TRUE(this->store_->append_audit(make_audit(doc, ben, "diary", 600)));
  const auto second = *this->store_->append_audit(make_audit(doc, ana, "triage", 400));

  auto entries = this->store_->list_audit_for_patient(ana);
  ASSERT_TRUE(entries) << entries.error().to_string();
  std::vector<std::int64_t> ids;
  for (const auto& entry : *entries) ids.push_back(entry.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{second, first}));
  EXPECT_TRUE(this->store_->list_audit_for_patient(doc)->empty());
}

TYPED_TEST(StoreContract, PagesTheWholeAuditNewestFirst) {
  const auto ana = this->add_user("ana@example.org");
  const auto doc = this->add_user("doc@clinic.example");
  std::vector<std::int64_t> appended;
  for (int i = 0; i < 5; ++i) {
    appended.push_back(*this->store_->append_audit(make_audit(doc, ana, "diary", 100 + i)));
  }
  auto page = this->store_->list_audit(2, std::nullopt);
  ASSERT_TRUE(page) << page.error().to_string();
  ASSERT_EQ(page->size(), 2U);
  EXPECT_EQ((*page)[0].id, appended[4]);
  EXPECT_EQ((*page)[1].id, appended[3]);
  auto rest = this->store_->list_audit(kMaxListLimit, (*page)[1].id);
  ASSERT_TRUE(rest) << rest.error().to_string();
  ASSERT_EQ(rest->size(), 3U);
  EXPECT_EQ(rest->back().id, appended[0]);
  EXPECT_TRUE(this->store_->list_audit(10, appended[0])->empty());
  for (const int limit : {0, kMaxListLimit + 1}) {
    auto refused = this->store_->list_audit(limit, std::nullopt);
    ASSERT_FALSE(refused) << limit;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(refused.error().where(), "limit");
  }
}

TYPED_TEST(StoreContract, RefusesAuditFieldsOutOfRangeAndAppendsNothing) {
  const auto ana = this->add_user("ana@example.org");
  const auto doc = this->add_user("doc@clinic.example");
  struct Case {
    const char* field;
    std::string value;
  };
  for (const Case& bad :
       {Case{"action", ""}, Case{"action", "Read"},
        Case{"action", std::string(kMaxAuditWordBytes + 1, 'r')}, Case{"what", ""},
        Case{"what", "diary entries"}, Case{"why", ""},
        Case{"why", std::string(kMaxAuditReasonBytes + 1, 'w')}, Case{"why", "\xff"},
        Case{"request_id", std::string(kMaxRequestIdBytes + 1, 'q')}}) {
    SCOPED_TRACE(bad.field);
    AuditEntry entry = make_audit(doc, ana, "diary", 500);
    const std::string_view field = bad.field;
    (field == "action" ? entry.action
     : field == "what" ? entry.what
     : field == "why"  ? entry.why
                       : entry.request_id) = bad.value;
    auto appended = this->store_->append_audit(entry);
    ASSERT_FALSE(appended);
    EXPECT_EQ(appended.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(appended.error().where(), bad.field);
  }
  EXPECT_TRUE(this->store_->list_audit(kMaxListLimit, std::nullopt)->empty());
}

TYPED_TEST(StoreContract, RefusesAnAuditEntryNamingAMissingActorOrPatient) {
  const auto ana = this->add_user("ana@example.org");
  for (const auto& [actor, patient] : {std::pair{ana + 100, ana}, std::pair{ana, ana + 100}}) {
    auto appended = this->store_->append_audit(make_audit(actor, patient, "diary", 500));
    ASSERT_FALSE(appended);
    EXPECT_EQ(appended.error().code(), ErrorCode::kNotFound);
    EXPECT_EQ(appended.error().where(), "audit_log");
  }
  EXPECT_TRUE(this->store_->list_audit(kMaxListLimit, std::nullopt)->empty());
}

TYPED_TEST(StoreContract, DeletingAnAccountKeepsTheAuditRowsAboutIt) {
  const auto ana = this->add_user("ana@example.org");
  User clinician = make_user("doc@clinic.example");
  clinician.role = Role::kClinician;
  const auto doc = this->store_->create_user(clinician)->id;
  ASSERT_TRUE(this->store_->append_audit(make_audit(doc, ana, "diary", 500)));

  ASSERT_TRUE(this->store_->delete_user(ana));
  ASSERT_TRUE(this->store_->delete_user(doc));
  auto entries = this->store_->list_audit(kMaxListLimit, std::nullopt);
  ASSERT_TRUE(entries) << entries.error().to_string();
  ASSERT_EQ(entries->size(), 1U);
  EXPECT_EQ(entries->front().patient_id, ana);
  EXPECT_EQ(entries->front().actor_email, "doc@clinic.example");
  EXPECT_EQ(entries->front().actor_role, Role::kClinician);
  // A new account never inherits the rows: ids are not reused.
  const auto again = this->add_user("ana@example.org");
  EXPECT_NE(again, ana);
  EXPECT_TRUE(this->store_->list_audit_for_patient(again)->empty());
}

// Appointment requests and the outbox.

TYPED_TEST(StoreContract, ReadsBackAnAppointmentRequestAsRequested) {
  const auto ana = this->add_user("ana@example.org");
  auto triage = this->store_->save_triage({0, ana, at_seconds(50), "{}", "{}"});
  ASSERT_TRUE(triage) << triage.error().to_string();
  Appointment request = make_appointment(ana, 100, AppointmentUrgency::kSoon);
  request.triage_id = *triage;
  request.attach_summary = true;
  request.earliest = at_seconds(5000);
  // Ignored on input: a request starts as requested, unscheduled.
  request.status = AppointmentStatus::kConfirmed;
  request.start = at_seconds(9000);
  request.minutes = 30;
  request.message = "sneaked in";
  auto id = this->store_->add_appointment(request);
  ASSERT_TRUE(id) << id.error().to_string();

  auto read = this->store_->get_appointment(*id);
  ASSERT_TRUE(read) << read.error().to_string();
  EXPECT_EQ(read->id, *id);
  EXPECT_EQ(read->user_id, ana);
  EXPECT_EQ(read->type_id, "assessment");
  EXPECT_EQ(read->reason, "outer hip pain for three weeks");
  EXPECT_EQ(read->preferred, "weekday mornings");
  EXPECT_EQ(read->earliest, at_seconds(5000));
  EXPECT_EQ(read->urgency, AppointmentUrgency::kSoon);
  EXPECT_EQ(read->triage_id, *triage);
  EXPECT_TRUE(read->attach_summary);
  EXPECT_EQ(read->status, AppointmentStatus::kRequested);
  EXPECT_FALSE(read->start);
  EXPECT_EQ(read->minutes, 0);
  EXPECT_EQ(read->message, "");
  EXPECT_EQ(read->created_at, at_seconds(100));
  EXPECT_EQ(read->updated_at, at_seconds(100));
}

TYPED_TEST(StoreContract, ListsAppointmentsNewestFirstForTheirUserOnly) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto first = this->store_->add_appointment(make_appointment(ana, 100));
  const auto second = this->store_->add_appointment(make_appointment(ana, 200));
  ASSERT_TRUE(this->store_->add_appointment(make_appointment(ben, 300)));
  auto listed = this->store_->list_appointments(ana);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].id, *second);
  EXPECT_EQ((*listed)[1].id, *first);
  EXPECT_TRUE(this->store_->list_appointments(ana + ben + 1)->empty());
  EXPECT_EQ(this->store_->get_appointment(*second + 100).error().code(), ErrorCode::kNotFound);
}

TYPED_TEST(StoreContract, QueuesOpenRequestsMostUrgentFirstThenOldestFirst) {
  const auto ana = this->add_user("ana@example.org");
  const auto none_old = *this->store_->add_appointment(make_appointment(ana, 100));
  const auto urgent_new =
      *this->store_->add_appointment(make_appointment(ana, 300, AppointmentUrgency::kUrgent));
  const auto soon =
      *this->store_->add_appointment(make_appointment(ana, 150, AppointmentUrgency::kSoon));
  const auto urgent_old =
      *this->store_->add_appointment(make_appointment(ana, 200, AppointmentUrgency::kUrgent));
  const auto declined = *this->store_->add_appointment(make_appointment(ana, 50));
  const auto proposed = *this->store_->add_appointment(make_appointment(ana, 120));
  ASSERT_TRUE(
      this->store_->change_appointment(make_change(declined, AppointmentStatus::kDeclined, 400)));
  ASSERT_TRUE(this->store_->change_appointment(
      make_change(proposed, AppointmentStatus::kProposed, 400, 10'000)));

  auto queue = this->store_->list_appointment_queue(std::nullopt);
  ASSERT_TRUE(queue) << queue.error().to_string();
  std::vector<std::int64_t> ids;
  for (const auto& appointment : *queue) ids.push_back(appointment.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{urgent_old, urgent_new, soon, none_old, proposed}));

  auto only_declined = this->store_->list_appointment_queue(AppointmentStatus::kDeclined);
  ASSERT_TRUE(only_declined) << only_declined.error().to_string();
  ASSERT_EQ(only_declined->size(), 1U);
  EXPECT_EQ(only_declined->front().id, declined);
}

TYPED_TEST(StoreContract, ProposesThenConfirmsAndNotifiesThePatientEachTime) {
  const auto ana = this->add_user("ana@example.org");
  const auto id = *this->store_->add_appointment(make_appointment(ana, 100));
  auto proposed =
      this->store_->change_appointment(make_change(id, AppointmentStatus::kProposed, 200, 10'000));
  ASSERT_TRUE(proposed) << proposed.error().to_string();
  EXPECT_EQ(proposed->status, AppointmentStatus::kProposed);
  EXPECT_EQ(proposed->start, at_seconds(10'000));
  EXPECT_EQ(proposed->minutes, 45);
  EXPECT_EQ(proposed->updated_at, at_seconds(200));

  // Confirming keeps the proposed time when no other is given.
  AppointmentChange confirm = make_change(id, AppointmentStatus::kConfirmed, 300);
  confirm.message = "See you then";
  auto confirmed = this->store_->change_appointment(confirm);
  ASSERT_TRUE(confirmed) << confirmed.error().to_string();
  EXPECT_EQ(confirmed->status, AppointmentStatus::kConfirmed);
  EXPECT_EQ(confirmed->start, at_seconds(10'000));
  EXPECT_EQ(confirmed->message, "See you then");
  auto read = this->store_->get_appointment(id);
  ASSERT_TRUE(read) << read.error().to_string();
  EXPECT_EQ(read->status, AppointmentStatus::kConfirmed);
  EXPECT_EQ(read->minutes, 45);
  EXPECT_EQ(read->message, "See you then");
  EXPECT_EQ(read->updated_at, at_seconds(300));

  EXPECT_EQ(*this->store_->count_undelivered_notifications(ana), 2);
  auto delivered = this->store_->deliver_notifications(ana, at_seconds(400));
  ASSERT_TRUE(delivered) << delivered.error().to_string();
  ASSERT_EQ(delivered->size(), 2U);
  EXPECT_LT((*delivered)[0].id, (*delivered)[1].id);
  EXPECT_EQ((*delivered)[0].user_id, ana);
  EXPECT_EQ((*delivered)[0].kind, "appointment");
  EXPECT_EQ((*delivered)[0].subject, "Your appointment request");
  EXPECT_EQ((*delivered)[0].created_at, at_seconds(200));
  EXPECT_EQ((*delivered)[0].delivered_at, at_seconds(400));
  EXPECT_EQ(*this->store_->count_undelivered_notifications(ana), 0);
  EXPECT_TRUE(this->store_->deliver_notifications(ana, at_seconds(500))->empty());
}

TYPED_TEST(StoreContract, RefusesStatusChangesTheRulesDoNotAllowAndChangesNothing) {
  const auto ana = this->add_user("ana@example.org");
  const auto declined = *this->store_->add_appointment(make_appointment(ana, 100));
  ASSERT_TRUE(
      this->store_->change_appointment(make_change(declined, AppointmentStatus::kDeclined, 200)));
  const auto confirmed = *this->store_->add_appointment(make_appointment(ana, 100));
  ASSERT_TRUE(this->store_->change_appointment(
      make_change(confirmed, AppointmentStatus::kConfirmed, 200, 10'000)));
  const auto before = *this->store_->count_undelivered_notifications(ana);

  for (const auto& [id, status] : std::vector<std::pair<std::int64_t, AppointmentStatus>>{
           {declined, AppointmentStatus::kProposed},
           {declined, AppointmentStatus::kConfirmed},
           {declined, AppointmentStatus::kCancelled},
           {confirmed, AppointmentStatus::kProposed},
           {confirmed, AppointmentStatus::kDeclined},
           {confirmed, AppointmentStatus::kRequested}}) {
    auto refused = this->store_->change_appointment(make_change(id, status, 300, 20'000));
    ASSERT_FALSE(refused) << id << " to " << appointment_status_name(status);
    EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
    EXPECT_EQ(refused.error().where(), "appointments/" + std::to_string(id));
  }
  EXPECT_EQ(this->store_->get_appointment(declined)->status, AppointmentStatus::kDeclined);
  EXPECT_EQ(this->store_->get_appointment(confirmed)->start, at_seconds(10'000));
  EXPECT_EQ(*this->store_->count_undelivered_notifications(ana), before);

  // Proposing needs a time.
  const auto open = *this->store_->add_appointment(make_appointment(ana, 100));
  auto untimed =
      this->store_->change_appointment(make_change(open, AppointmentStatus::kProposed, 300));
  ASSERT_FALSE(untimed);
  EXPECT_EQ(untimed.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(untimed.error().where(), "start");
  EXPECT_EQ(this->store_->get_appointment(open)->status, AppointmentStatus::kRequested);
}

TYPED_TEST(StoreContract, RefusesToConfirmAnOverlappingSlotButAllowsTouchingOnes) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto first = *this->store_->add_appointment(make_appointment(ana, 100));
  const auto second = *this->store_->add_appointment(make_appointment(ben, 100));
  const auto third = *this->store_->add_appointment(make_appointment(ben, 100));
  ASSERT_TRUE(this->store_->change_appointment(
      make_change(first, AppointmentStatus::kConfirmed, 200, 10'000, 45)));
  // Proposing an overlapping time is fine: only confirmed ones collide.
  ASSERT_TRUE(this->store_->change_appointment(
      make_change(second, AppointmentStatus::kProposed, 200, 10'000 + 44 * 60, 30)));
  const auto before = *this->store_->count_undelivered_notifications(ben);
  auto refused =
      this->store_->change_appointment(make_change(second, AppointmentStatus::kConfirmed, 300));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().where(), "appointments/" + std::to_string(second));
  EXPECT_EQ(refused.error().message(), "the time overlaps another confirmed appointment");
  EXPECT_EQ(this->store_->get_appointment(second)->status, AppointmentStatus::kProposed);
  EXPECT_EQ(*this->store_->count_undelivered_notifications(ben), before);
  // Starting just as the first one ends does not overlap.
  auto touching = this->store_->change_appointment(
      make_change(third, AppointmentStatus::kConfirmed, 300, 10'000 + 45 * 60, 30));
  EXPECT_TRUE(touching) << touching.error().to_string();
}

TYPED_TEST(StoreContract, OfTwoOverlappingConfirmationsAtOnceOnlyOneSucceeds) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  for (int round = 0; round < 5; ++round) {
    const std::int64_t start = 100'000 + round * 10'000;
    const auto first = *this->store_->add_appointment(make_appointment(ana, 100));
    const auto second = *this->store_->add_appointment(make_appointment(ben, 100));
    core::Result<Appointment> results[2] = {core::Error::internal("", ""),
                                            core::Error::internal("", "")};
    std::thread one([&] {
      results[0] = this->store_->change_appointment(
          make_change(first, AppointmentStatus::kConfirmed, 200, start, 45));
    });
    std::thread two([&] {
      results[1] = this->store_->change_appointment(
          make_change(second, AppointmentStatus::kConfirmed, 200, start + 600, 45));
    });
    one.join();
    two.join();
    ASSERT_NE(results[0].has_value(), results[1].has_value()) << "round " << round;
    const auto& refused = results[0] ? results[1] : results[0];
    EXPECT_EQ(refused.error().code(), ErrorCode::kConflict) << refused.error().to_string();
    EXPECT_EQ(this->store_->list_appointment_queue(AppointmentStatus::kConfirmed)->size(),
              static_cast<std::size_t>(round + 1));
  }
}

TYPED_TEST(StoreContract, APatientMayCancelOnlyTheirOwnAppointment) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto id = *this->store_->add_appointment(make_appointment(ana, 100));
  AppointmentChange cancel = make_change(id, AppointmentStatus::kCancelled, 200);
  cancel.owner_id = ben;
  auto refused = this->store_->change_appointment(cancel);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(this->store_->get_appointment(id)->status, AppointmentStatus::kRequested);
  cancel.owner_id = ana;
  auto cancelled = this->store_->change_appointment(cancel);
  ASSERT_TRUE(cancelled) << cancelled.error().to_string();
  EXPECT_EQ(cancelled->status, AppointmentStatus::kCancelled);
  EXPECT_EQ(
      this->store_->change_appointment(make_change(id + 100, AppointmentStatus::kDeclined, 300))
          .error()
          .code(),
      ErrorCode::kNotFound);
}

TYPED_TEST(StoreContract, RefusesAppointmentFieldsOutOfRangeAndStoresNothing) {
  const auto ana = this->add_user("ana@example.org");
  struct Case {
    const char* field;
    void (*spoil)(Appointment&);
  };
  const Case cases[] = {
      {"type", [](Appointment& a) { a.type_id = ""; }},
      {"type", [](Appointment& a) { a.type_id = "Assessment; DROP"; }},
      {"type", [](Appointment& a) { a.type_id = std::string(kMaxAppointmentTypeBytes + 1, 'a'); }},
      {"reason", [](Appointment& a) { a.reason = ""; }},
      {"reason",
       [](Appointment& a) { a.reason = std::string(kMaxAppointmentReasonBytes + 1, 'x'); }},
      {"reason", [](Appointment& a) { a.reason = "bad \xff byte"; }},
      {"preferred", [](Appointment& a) { a.preferred = std::string(kMaxPreferredBytes + 1, 'x'); }},
  };
  for (const Case& c : cases) {
    Appointment appointment = make_appointment(ana, 100);
    c.spoil(appointment);
    auto refused = this->store_->add_appointment(appointment);
    ASSERT_FALSE(refused) << c.field;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput) << c.field;
    EXPECT_EQ(refused.error().where(), c.field);
  }
  Appointment longest = make_appointment(ana, 100);
  longest.reason = std::string(kMaxAppointmentReasonBytes, 'x');
  EXPECT_TRUE(this->store_->add_appointment(longest));
  EXPECT_EQ(this->store_->list_appointments(ana)->size(), 1U);

  // An oversize staff message changes nothing and notifies no one.
  const auto id = this->store_->list_appointments(ana)->front().id;
  AppointmentChange change = make_change(id, AppointmentStatus::kDeclined, 200);
  change.message = std::string(kMaxStaffMessageBytes + 1, 'x');
  auto refused = this->store_->change_appointment(change);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().where(), "message");
  EXPECT_EQ(this->store_->get_appointment(id)->status, AppointmentStatus::kRequested);
  EXPECT_EQ(*this->store_->count_undelivered_notifications(ana), 0);
}

TYPED_TEST(StoreContract, RefusesAnotherUsersTriageOrAMissingUserForAnAppointment) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  auto bens = this->store_->save_triage({0, ben, at_seconds(50), "{}", "{}"});
  ASSERT_TRUE(bens) << bens.error().to_string();
  Appointment appointment = make_appointment(ana, 100);
  appointment.triage_id = *bens;
  auto refused = this->store_->add_appointment(appointment);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().where(), "saved_triage/" + std::to_string(*bens));
  EXPECT_TRUE(this->store_->list_appointments(ana)->empty());

  auto missing = this->store_->add_appointment(make_appointment(ana + ben + 1, 100));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TYPED_TEST(StoreContract, DeletingAnAccountDeletesItsAppointmentsAndNotifications) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto id = *this->store_->add_appointment(make_appointment(ana, 100));
  ASSERT_TRUE(this->store_->add_appointment(make_appointment(ben, 100)));
  ASSERT_TRUE(this->store_->change_appointment(make_change(id, AppointmentStatus::kDeclined, 200)));
  ASSERT_TRUE(this->store_->delete_user(ana));
  EXPECT_TRUE(this->store_->list_appointments(ana)->empty());
  EXPECT_EQ(this->store_->get_appointment(id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*this->store_->count_undelivered_notifications(ana), 0);
  EXPECT_EQ(this->store_->list_appointment_queue(std::nullopt)->size(), 1U);
}

// Staff notes on appointment requests.

AppointmentNote make_note(std::int64_t appointment_id, std::int64_t author_id, std::string text,
                          std::int64_t at) {
  AppointmentNote note;
  note.appointment_id = appointment_id;
  note.author_id = author_id;
  note.text = std::move(text);
  note.created_at = at_seconds(at);
  return note;
}

TYPED_TEST(StoreContract, AddsStaffNotesWithTheirAuthorAndListsThemOldestFirst) {
  const auto ana = this->add_user("ana@example.org");
  auto doc_user = make_user("doc@clinic.example");
  doc_user.role = Role::kClinician;
  const auto doc = this->store_->create_user(doc_user)->id;
  const auto id = *this->store_->add_appointment(make_appointment(ana, 100));
  const auto other = *this->store_->add_appointment(make_appointment(ana, 110));

  auto first = this->store_->add_appointment_note(make_note(id, doc, "Called, no answer. é", 200));
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->author_email, "doc@clinic.example");
  EXPECT_EQ(first->author_role, Role::kClinician);
  ASSERT_TRUE(this->store_->add_appointment_note(make_note(id, doc, "Triage says soon.", 300)));
  ASSERT_TRUE(this->store_->add_appointment_note(make_note(other, doc, "Elsewhere.", 250)));

  auto notes = this->store_->list_appointment_notes(id);
  ASSERT_TRUE(notes) << notes.error().to_string();
  ASSERT_EQ(notes->size(), 2U);
  EXPECT_EQ((*notes)[0].id, first->id);
  EXPECT_EQ((*notes)[0].appointment_id, id);
  EXPECT_EQ((*notes)[0].author_id, doc);
  EXPECT_EQ((*notes)[0].author_email, "doc@clinic.example");
  EXPECT_EQ((*notes)[0].author_role, Role::kClinician);
  EXPECT_EQ((*notes)[0].text, "Called, no answer. é");
  EXPECT_EQ((*notes)[0].created_at, at_seconds(200));
  EXPECT_EQ((*notes)[1].text, "Triage says soon.");
  EXPECT_TRUE(this->store_->list_appointment_notes(other + 100)->empty());
}

TYPED_TEST(StoreContract, RefusesANoteOutOfRangeOnAMissingAppointmentOrByAMissingAuthor) {
  const auto ana = this->add_user("ana@example.org");
  const auto id = *this->store_->add_appointment(make_appointment(ana, 100));
  const struct {
    std::string text;
    std::string where;
  } bad[] = {{"", "text"},
             {std::string(kMaxAppointmentNoteBytes + 1, 'n'), "text"},
             {"bad \xff byte", "text"}};
  for (const auto& row : bad) {
    auto added = this->store_->add_appointment_note(make_note(id, ana, row.text, 200));
    ASSERT_FALSE(added) << row.text.size();
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(added.error().where(), row.where);
  }
  EXPECT_TRUE(this->store_->add_appointment_note(
      make_note(id, ana, std::string(kMaxAppointmentNoteBytes, 'n'), 200)));
  auto missing = this->store_->add_appointment_note(make_note(id + 100, ana, "x", 200));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where(), "appointments/" + std::to_string(id + 100));
  auto nobody = this->store_->add_appointment_note(make_note(id, ana + 100, "x", 200));
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(nobody.error().where(), "users/" + std::to_string(ana + 100));
  EXPECT_EQ(this->store_->list_appointment_notes(id)->size(), 1U);
}

TYPED_TEST(StoreContract, ANoteKeepsItsAuthorAsTheyWereAndGoesWithThePatientsAccount) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  const auto doc = this->add_user("doc@clinic.example");
  const auto anas = *this->store_->add_appointment(make_appointment(ana, 100));
  const auto bens = *this->store_->add_appointment(make_appointment(ben, 100));
  ASSERT_TRUE(this->store_->add_appointment_note(make_note(anas, doc, "about ana", 200)));
  ASSERT_TRUE(this->store_->add_appointment_note(make_note(bens, doc, "about ben", 200)));
  ASSERT_TRUE(this->store_->delete_user(doc));
  auto kept = this->store_->list_appointment_notes(bens);
  ASSERT_EQ(kept->size(), 1U);
  EXPECT_EQ(kept->front().author_email, "doc@clinic.example");
  ASSERT_TRUE(this->store_->delete_user(ana));
  EXPECT_TRUE(this->store_->list_appointment_notes(anas)->empty());
  EXPECT_EQ(this->store_->list_appointment_notes(bens)->size(), 1U);
}

// Two-step sign-in.

// A raw 20-byte secret with a NUL and high bytes, as a TOTP key may have.
const std::string kSecret("\x00\x01\xfe\xff secret bytes 1234", 20);

TwoFactor make_two_factor(std::int64_t user_id, std::string secret = kSecret) {
  TwoFactor pending;
  pending.user_id = user_id;
  pending.secret = std::move(secret);
  pending.created_at = at_seconds(100);
  return pending;
}

std::vector<std::string> code_hashes(std::string_view prefix, int count) {
  std::vector<std::string> hashes;
  for (int i = 0; i < count; ++i) hashes.push_back(std::string(prefix) + std::to_string(i));
  return hashes;
}

TYPED_TEST(StoreContract, KeepsASessionStageAndChangesIt) {
  const auto id = this->add_user("ana@example.org");
  Session session{"hash", id, at_seconds(100), at_seconds(200)};
  ASSERT_TRUE(this->store_->create_session(session));
  EXPECT_EQ(this->store_->find_session("hash", at_seconds(150))->stage, SessionStage::kSignedIn);
  session.token_hash = "half";
  session.stage = SessionStage::kNeedsCode;
  ASSERT_TRUE(this->store_->create_session(session));
  ASSERT_TRUE(this->store_->create_session({"other", id, at_seconds(100), at_seconds(200)}));
  EXPECT_EQ(this->store_->find_session("half", at_seconds(150))->stage, SessionStage::kNeedsCode);

  ASSERT_TRUE(this->store_->set_session_stage("half", SessionStage::kSignedIn));
  EXPECT_EQ(this->store_->find_session("half", at_seconds(150))->stage, SessionStage::kSignedIn);
  ASSERT_TRUE(this->store_->set_session_stage("other", SessionStage::kNeedsEnrolment));
  EXPECT_EQ(this->store_->find_session("other", at_seconds(150))->stage,
            SessionStage::kNeedsEnrolment);
  auto missing = this->store_->set_session_stage("nope", SessionStage::kSignedIn);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TYPED_TEST(StoreContract, KeepsATwoFactorSecretBeingSetUpByteForByte) {
  const auto id = this->add_user("ana@example.org");
  EXPECT_EQ(this->store_->get_two_factor(id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  auto kept = this->store_->get_two_factor(id);
  ASSERT_TRUE(kept) << kept.error().to_string();
  EXPECT_EQ(kept->user_id, id);
  EXPECT_EQ(kept->secret, kSecret);
  EXPECT_FALSE(kept->enabled);
  EXPECT_FALSE(kept->last_used_step);
  EXPECT_EQ(kept->created_at, at_seconds(100));
  EXPECT_FALSE(kept->enabled_at);
}

TYPED_TEST(StoreContract, StartingAgainReplacesASecretNotYetEnabled) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  TwoFactor again = make_two_factor(id, "another secret");
  again.created_at = at_seconds(300);
  ASSERT_TRUE(this->store_->start_two_factor(again));
  EXPECT_EQ(this->store_->get_two_factor(id)->secret, "another secret");
  EXPECT_EQ(this->store_->get_two_factor(id)->created_at, at_seconds(300));
}

TYPED_TEST(StoreContract, EnablesTwoFactorWithItsRecoveryCodes) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  ASSERT_TRUE(this->store_->enable_two_factor(id, 4242, code_hashes("h", 10), at_seconds(500)));
  auto kept = this->store_->get_two_factor(id);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->enabled);
  EXPECT_EQ(kept->enabled_at, at_seconds(500));
  EXPECT_EQ(kept->last_used_step, 4242);
  auto codes = this->store_->list_recovery_codes(id);
  ASSERT_TRUE(codes) << codes.error().to_string();
  ASSERT_EQ(codes->size(), 10U);
  for (std::size_t i = 0; i < codes->size(); ++i) {
    EXPECT_EQ((*codes)[i].code_hash, "h" + std::to_string(i));
    EXPECT_EQ((*codes)[i].user_id, id);
    EXPECT_EQ((*codes)[i].created_at, at_seconds(500));
    EXPECT_FALSE((*codes)[i].used_at);
  }
}

TYPED_TEST(StoreContract, RefusesToStartOrEnableOverAnEnabledSecret) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  ASSERT_TRUE(this->store_->enable_two_factor(id, 1, {}, at_seconds(500)));
  auto restarted = this->store_->start_two_factor(make_two_factor(id, "new"));
  ASSERT_FALSE(restarted);
  EXPECT_EQ(restarted.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(restarted.error().where(), "two_factor/" + std::to_string(id));
  auto again = this->store_->enable_two_factor(id, 2, {}, at_seconds(600));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(this->store_->get_two_factor(id)->secret, kSecret);
  EXPECT_EQ(this->store_->get_two_factor(id)->last_used_step, 1);
}

TYPED_TEST(StoreContract, RefusesTwoFactorForAMissingUserOrWithBadValues) {
  auto missing = this->store_->start_two_factor(make_two_factor(77));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where(), "users/77");
  const auto id = this->add_user("ana@example.org");
  auto not_started = this->store_->enable_two_factor(id, 1, {}, at_seconds(1));
  ASSERT_FALSE(not_started);
  EXPECT_EQ(not_started.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(not_started.error().where(), "two_factor/" + std::to_string(id));

  auto empty = this->store_->start_two_factor(make_two_factor(id, ""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(empty.error().where(), "secret");
  EXPECT_FALSE(this->store_->start_two_factor(make_two_factor(id, std::string(65, 'x'))));
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  auto too_many = this->store_->enable_two_factor(id, 1, code_hashes("h", 33), at_seconds(1));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().where(), "recovery_codes");
  auto empty_hash = this->store_->enable_two_factor(id, 1, {"a", ""}, at_seconds(1));
  ASSERT_FALSE(empty_hash);
  EXPECT_EQ(empty_hash.error().where(), "recovery_codes");
  EXPECT_FALSE(this->store_->get_two_factor(id)->enabled);
  EXPECT_TRUE(this->store_->list_recovery_codes(id)->empty());
}

TYPED_TEST(StoreContract, AcceptsOnlyALaterStepThanTheLastUsedOne) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  auto not_on = this->store_->use_two_factor_step(id, 100);
  ASSERT_FALSE(not_on);
  EXPECT_EQ(not_on.error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(this->store_->enable_two_factor(id, 100, {}, at_seconds(1)));
  for (const std::int64_t step : {100, 99}) {
    auto replayed = this->store_->use_two_factor_step(id, step);
    ASSERT_FALSE(replayed) << step;
    EXPECT_EQ(replayed.error().code(), ErrorCode::kConflict) << step;
  }
  ASSERT_TRUE(this->store_->use_two_factor_step(id, 101));
  EXPECT_EQ(this->store_->get_two_factor(id)->last_used_step, 101);
  EXPECT_FALSE(this->store_->use_two_factor_step(id, 101));
}

TYPED_TEST(StoreContract, OfManyUsesOfOneStepAtOnceOnlyOneSucceeds) {
  const auto id = this->add_user("ana@example.org");
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  ASSERT_TRUE(this->store_->enable_two_factor(id, 100, {}, at_seconds(1)));
  std::atomic<int> accepted = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (this->store_->use_two_factor_step(id, 101)) ++accepted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 1);
}

TYPED_TEST(StoreContract, UsesEachRecoveryCodeOnce) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  for (const auto id : {ana, ben}) {
    ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
    ASSERT_TRUE(this->store_->enable_two_factor(id, 1, code_hashes("h", 3), at_seconds(1)));
  }
  ASSERT_TRUE(this->store_->use_recovery_code(ana, "h1", at_seconds(50)));
  auto again = this->store_->use_recovery_code(ana, "h1", at_seconds(60));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(this->store_->use_recovery_code(ana, "h9", at_seconds(60)));
  const auto codes = *this->store_->list_recovery_codes(ana);
  EXPECT_EQ(codes[1].used_at, at_seconds(50));
  EXPECT_FALSE(codes[0].used_at);
  // Ben's equal hash is his own, unused.
  const auto bens = *this->store_->list_recovery_codes(ben);
  for (const auto& code : bens) EXPECT_FALSE(code.used_at);
  ASSERT_TRUE(this->store_->use_recovery_code(ben, "h1", at_seconds(70)));
}

TYPED_TEST(StoreContract, ReplacingRecoveryCodesReplacesThemAll) {
  const auto id = this->add_user("ana@example.org");
  auto not_on = this->store_->replace_recovery_codes(id, code_hashes("n", 2), at_seconds(1));
  ASSERT_FALSE(not_on);
  EXPECT_EQ(not_on.error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  ASSERT_TRUE(this->store_->enable_two_factor(id, 1, code_hashes("h", 3), at_seconds(1)));
  ASSERT_TRUE(this->store_->use_recovery_code(id, "h0", at_seconds(2)));
  ASSERT_TRUE(this->store_->replace_recovery_codes(id, code_hashes("n", 2), at_seconds(3)));
  const auto codes = *this->store_->list_recovery_codes(id);
  ASSERT_EQ(codes.size(), 2U);
  EXPECT_EQ(codes[0].code_hash, "n0");
  EXPECT_EQ(codes[1].created_at, at_seconds(3));
  EXPECT_FALSE(this->store_->use_recovery_code(id, "h1", at_seconds(4)));
}

TYPED_TEST(StoreContract, DeletingTwoFactorDeletesItsRecoveryCodes) {
  const auto id = this->add_user("ana@example.org");
  EXPECT_EQ(this->store_->delete_two_factor(id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
  ASSERT_TRUE(this->store_->enable_two_factor(id, 1, code_hashes("h", 3), at_seconds(1)));
  ASSERT_TRUE(this->store_->delete_two_factor(id));
  EXPECT_EQ(this->store_->get_two_factor(id).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->list_recovery_codes(id)->empty());
  // It can be set up again.
  ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
}

TYPED_TEST(StoreContract, DeletingAUserDeletesTheirTwoStepSignInAndNoOneElses) {
  const auto ana = this->add_user("ana@example.org");
  const auto ben = this->add_user("ben@example.org");
  for (const auto id : {ana, ben}) {
    ASSERT_TRUE(this->store_->start_two_factor(make_two_factor(id)));
    ASSERT_TRUE(this->store_->enable_two_factor(id, 1, code_hashes("h", 3), at_seconds(1)));
  }
  ASSERT_TRUE(this->store_->delete_user(ana));
  EXPECT_EQ(this->store_->get_two_factor(ana).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->list_recovery_codes(ana)->empty());
  EXPECT_TRUE(this->store_->get_two_factor(ben));
  EXPECT_EQ(this->store_->list_recovery_codes(ben)->size(), 3U);
}

// Failed sign-ins.

SignInFailureRule failure_rule(int max_failures) {
  SignInFailureRule rule;
  rule.window = std::chrono::seconds{900};
  rule.lockout = std::chrono::seconds{600};
  rule.max_failures = max_failures;
  return rule;
}

TYPED_TEST(StoreContract, CountsFailedSignInsAndLocksAKeyAtTheLimit) {
  const auto rule = failure_rule(3);
  for (const int second : {0, 10}) {
    auto counted = this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "ana", rule,
                                                       at_seconds(second));
    ASSERT_TRUE(counted) << counted.error().to_string();
    EXPECT_FALSE(counted->locked_until) << second;
  }
  auto locked =
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "ana", rule, at_seconds(20));
  ASSERT_TRUE(locked) << locked.error().to_string();
  EXPECT_EQ(locked->window_start, at_seconds(0));
  EXPECT_EQ(locked->failures, 3);
  EXPECT_EQ(locked->locked_until, at_seconds(620));
  auto found = this->store_->find_sign_in_failures(SignInKeyKind::kAccount, "ana");
  ASSERT_TRUE(found) << found.error().to_string();
  EXPECT_EQ(found->failures, 3);
  EXPECT_EQ(found->locked_until, at_seconds(620));
}

TYPED_TEST(StoreContract, NeverShortensALockout) {
  const auto rule = failure_rule(1);
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kClient, "ip", rule, at_seconds(100)));
  auto again =
      this->store_->count_sign_in_failure(SignInKeyKind::kClient, "ip", rule, at_seconds(200));
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(again->failures, 2);
  EXPECT_EQ(again->locked_until, at_seconds(800));
}

TYPED_TEST(StoreContract, CountsAccountsClientsAndRawKeyBytesApart) {
  const auto rule = failure_rule(5);
  const std::string raw("k\0\xff", 3);
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, raw, rule, at_seconds(1)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, raw, rule, at_seconds(2)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kClient, raw, rule, at_seconds(3)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "k", rule, at_seconds(4)));
  EXPECT_EQ(this->store_->find_sign_in_failures(SignInKeyKind::kAccount, raw)->failures, 2);
  EXPECT_EQ(this->store_->find_sign_in_failures(SignInKeyKind::kClient, raw)->failures, 1);
  EXPECT_EQ(this->store_->find_sign_in_failures(SignInKeyKind::kAccount, "k")->failures, 1);
  auto none = this->store_->find_sign_in_failures(SignInKeyKind::kClient, "k");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
}

TYPED_TEST(StoreContract, StartsANewWindowOnceTheWindowAndTheLockoutHaveEnded) {
  const auto rule = failure_rule(2);
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "a", rule, at_seconds(0)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "a", rule, at_seconds(500)));
  // Locked until 1100: the window (900 s) has ended at 1000, the lockout not.
  auto locked =
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "a", rule, at_seconds(1000));
  ASSERT_TRUE(locked) << locked.error().to_string();
  EXPECT_EQ(locked->failures, 3);
  EXPECT_EQ(locked->locked_until, at_seconds(1600));
  auto fresh =
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "a", rule, at_seconds(1600));
  ASSERT_TRUE(fresh) << fresh.error().to_string();
  EXPECT_EQ(fresh->window_start, at_seconds(1600));
  EXPECT_EQ(fresh->failures, 1);
  EXPECT_FALSE(fresh->locked_until);
}

TYPED_TEST(StoreContract, ACountPrunesEndedRowsOfItsKind) {
  const auto rule = failure_rule(5);
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "old", rule, at_seconds(0)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kClient, "old", rule, at_seconds(0)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "live", rule, at_seconds(500)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "new", rule, at_seconds(900)));
  EXPECT_EQ(this->store_->find_sign_in_failures(SignInKeyKind::kAccount, "old").error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(this->store_->find_sign_in_failures(SignInKeyKind::kAccount, "live"));
  EXPECT_TRUE(this->store_->find_sign_in_failures(SignInKeyKind::kClient, "old"));
}

TYPED_TEST(StoreContract, ClearsTheFailuresOfOneKey) {
  const auto rule = failure_rule(5);
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "a", rule, at_seconds(0)));
  ASSERT_TRUE(
      this->store_->count_sign_in_failure(SignInKeyKind::kClient, "a", rule, at_seconds(0)));
  ASSERT_TRUE(this->store_->clear_sign_in_failures(SignInKeyKind::kAccount, "a"));
  EXPECT_FALSE(this->store_->find_sign_in_failures(SignInKeyKind::kAccount, "a"));
  EXPECT_TRUE(this->store_->find_sign_in_failures(SignInKeyKind::kClient, "a"));
  EXPECT_TRUE(this->store_->clear_sign_in_failures(SignInKeyKind::kAccount, "a"));
}

TYPED_TEST(StoreContract, RefusesAFailureKeyOrRuleOutOfBounds) {
  const auto rule = failure_rule(5);
  for (const std::string& key : {std::string(), std::string(kMaxTokenHashBytes + 1, 'k')}) {
    auto refused =
        this->store_->count_sign_in_failure(SignInKeyKind::kAccount, key, rule, at_seconds(0));
    ASSERT_FALSE(refused) << key.size();
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(refused.error().where(), "sign_in_failures");
  }
  auto no_limit = this->store_->count_sign_in_failure(SignInKeyKind::kAccount, "a", failure_rule(0),
                                                      at_seconds(0));
  ASSERT_FALSE(no_limit);
  EXPECT_EQ(no_limit.error().code(), ErrorCode::kInvalidInput);
}

TYPED_TEST(StoreContract, CountsEveryFailureMadeAtOnce) {
  const auto rule = failure_rule(1000);
  std::vector<std::thread> threads;
  std::atomic<int> counted = 0;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        if (this->store_->count_sign_in_failure(SignInKeyKind::kClient, "ip", rule,
                                                at_seconds(100))) {
          ++counted;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counted.load(), 40);
  EXPECT_EQ(this->store_->find_sign_in_failures(SignInKeyKind::kClient, "ip")->failures, 40);
}

// FailingStore: a caller's error path, shown on the memory store.

TEST(FailingStore, FailsOnlyItsNthCallAndLeavesTheStoreAlone) {
  MemoryStore memory;
  FailingStore failing(memory, 2);
  auto user = failing.create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);

  auto refused = failing.add_diary_entry(make_entry(user->id, 5, 100));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().where(), "failing_store");
  EXPECT_EQ(refused.error().message(), "injected failure on call 2");
  EXPECT_TRUE(memory.list_diary(user->id, 10, std::nullopt)->empty());
  EXPECT_TRUE(failing.add_diary_entry(make_entry(user->id, 5, 100)));
}

}  // namespace
}  // namespace hipcoach::storage
