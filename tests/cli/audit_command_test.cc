#include "audit_command.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_database_test.h"
#include "hipcoach/storage/open_store.h"

namespace hipcoach::cli {
namespace {

using nlohmann::json;

constexpr const char* kClinician = "clin@example.org";
constexpr const char* kAdmin = "admin@example.org";
constexpr const char* kOtherPatient = "other@example.org";

// What the log holds: who did what to whom, when, in which request.
struct Row {
  const char* actor;
  const char* patient;
  const char* at;
  const char* action;
  const char* what;
  const char* why;
  const char* request_id;
};

// Appended in this order, so with ids 1..7; `at` is not quite in order,
// as a server's clock may step back.
const std::vector<Row> kRows = {
    {kClinician, "pat@example.org", "2026-11-20T09:00:00Z", "read", "diary", "clinical care", "1"},
    {kClinician, kOtherPatient, "2026-11-20T09:05:00Z", "read", "patient_list", "clinical care",
     "2"},
    {kAdmin, kOtherPatient, "2026-11-21T10:00:00Z", "read", "summary", "quality review", "17"},
    {kClinician, "pat@example.org", "2026-11-22T08:00:00Z", "change", "appointment_note",
     "appointment request", "18"},
    {kAdmin, "pat@example.org", "2026-11-21T23:59:59Z", "read", "triage", "audit, \"quoted\"", ""},
    {kClinician, kOtherPatient, "2026-11-23T12:00:00Z", "read", "sessions", "clinical care", "40"},
    {kAdmin, kOtherPatient, "2026-11-24T07:30:00Z", "read", "questionnaires", "rückfrage", "41"},
};

class AuditCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override {
    add_patient();
    for (const auto& [email, role] :
         {std::pair{kOtherPatient, "patient"}, std::pair{kClinician, "clinician"},
          std::pair{kAdmin, "admin"}}) {
      ASSERT_EQ(run({"user", "add", email, "--role", role, "--db", db_}, "correct horse battery\n"),
                kExitOk)
          << err();
    }
  }

  // Appends kRows to the log through the store, as the server would.
  void append_rows() {
    auto store = storage::open_store(db_);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    for (const Row& row : kRows) {
      storage::AuditEntry entry;
      entry.at = utc(row.at);
      entry.actor_id = id_of(**store, row.actor);
      entry.patient_id = id_of(**store, row.patient);
      entry.action = row.action;
      entry.what = row.what;
      entry.why = row.why;
      entry.request_id = row.request_id;
      auto appended = (*store)->append_audit(entry);
      ASSERT_TRUE(appended.has_value()) << appended.error().to_string();
    }
  }

  static std::int64_t id_of(storage::Store& store, const std::string& email) {
    auto user = store.find_user_by_email(email);
    EXPECT_TRUE(user.has_value()) << email;
    return user ? user->id : 0;
  }

  // Row `index` of kRows as the export should write it.
  json expected(std::size_t index) {
    auto store = storage::open_store(db_);
    EXPECT_TRUE(store.has_value());
    if (!store) return nullptr;
    const Row& row = kRows[index];
    const bool admin = std::string(row.actor) == kAdmin;
    return {{"id", static_cast<std::int64_t>(index) + 1},
            {"at", row.at},
            {"actor",
             {{"id", id_of(**store, row.actor)},
              {"email", row.actor},
              {"role", admin ? "admin" : "clinician"}}},
            {"patient_id", id_of(**store, row.patient)},
            {"action", row.action},
            {"what", row.what},
            {"why", row.why},
            {"request_id", row.request_id}};
  }

  // Parses JSON Lines: every line one object, the text ending with a line end.
  static std::vector<json> parse_lines(const std::string& text) {
    std::vector<json> rows;
    EXPECT_TRUE(text.empty() || text.back() == '\n') << text;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      rows.push_back(json::parse(line, nullptr, false));
      EXPECT_TRUE(rows.back().is_object()) << line;
    }
    return rows;
  }

  // The file's mode bits, or -1 when it is missing.
  static int mode_of(const std::filesystem::path& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return -1;
    return static_cast<int>(status.st_mode & 0777);
  }

  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
  }

  // The names in the test directory, to see that nothing is left behind.
  std::vector<std::string> directory_names() const {
    std::vector<std::string> names;
    for (const auto& item : std::filesystem::directory_iterator(dir_)) {
      names.push_back(item.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(AuditCommand, WritesEveryRowOldestFirstAsOneJsonObjectALine) {
  append_rows();
  ASSERT_EQ(run({"audit", "export", "--db", db_}), kExitOk) << err();
  const std::vector<json> rows = parse_lines(out());
  ASSERT_EQ(rows.size(), kRows.size()) << out();
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], expected(i)) << "row " << i;
  EXPECT_EQ(err(), "hipcoach audit export: wrote 7 rows of the audit log to standard output\n");
}

TEST_F(AuditCommand, ReadsTheStoreAPageAtATimeWithTheSameResult) {
  append_rows();
  ASSERT_EQ(run({"audit", "export", "--db", db_}), kExitOk) << err();
  const std::string whole = out();
  for (const int page_rows : {1, 2, 3, 6, 7, 8}) {
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    AuditExportOptions options;
    options.database.db = db_;
    options.page_rows = page_rows;
    const Command command{"hipcoach audit export", in, out, err, environment_};
    EXPECT_EQ(run_audit_export(command, options), kExitOk) << page_rows << ": " << err.str();
    EXPECT_EQ(out.str(), whole) << page_rows;
  }
}

TEST_F(AuditCommand, OnlyReadsTheLog) {
  append_rows();
  ASSERT_EQ(run({"audit", "export", "--db", db_}), kExitOk) << err();
  const std::string first = out();
  ASSERT_EQ(run({"audit", "export", "--db", db_}), kExitOk) << err();
  EXPECT_EQ(out(), first);
}

TEST_F(AuditCommand, AnEmptyLogWritesNothingAndSaysSo) {
  ASSERT_EQ(run({"audit", "export", "--db", db_}), kExitOk) << err();
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), "hipcoach audit export: wrote 0 rows of the audit log to standard output\n");
}

TEST_F(AuditCommand, SinceKeepsTheRowsAtOrAfterThatTimeInAnyOffset) {
  append_rows();
  // 2026-11-21T23:59:59Z, the fifth row's time, given at -06:00.
  ASSERT_EQ(run({"audit", "export", "--db", db_, "--since", "2026-11-21T17:59:59-06:00"}), kExitOk)
      << err();
  const std::vector<json> rows = parse_lines(out());
  ASSERT_EQ(rows.size(), 4U) << out();
  EXPECT_EQ(rows[0], expected(3));
  EXPECT_EQ(rows[1], expected(4));
  EXPECT_EQ(rows[2], expected(5));
  EXPECT_EQ(rows[3], expected(6));
  EXPECT_EQ(err(), "hipcoach audit export: wrote 4 rows of the audit log to standard output\n");
}

TEST_F(AuditCommand, SinceAfterEveryRowWritesNone) {
  append_rows();
  ASSERT_EQ(run({"audit", "export", "--db", db_, "--since", "2027-01-01T00:00:00Z"}), kExitOk)
      << err();
  EXPECT_EQ(out(), "");
  EXPECT_EQ(err(), "hipcoach audit export: wrote 0 rows of the audit log to standard output\n");
}

TEST_F(AuditCommand, WritesToAFileOnlyItsOwnerMayRead) {
  append_rows();
  ASSERT_EQ(run({"audit", "export", "--db", db_}), kExitOk) << err();
  const std::string printed = out();
  const auto file = dir_ / "audit.jsonl";
  ASSERT_EQ(run({"audit", "export", "--db", db_, "--to", file.string()}), kExitOk) << err();
  EXPECT_EQ(out(), "");
  EXPECT_EQ(read_file(file), printed);
  EXPECT_EQ(mode_of(file), 0600);
  EXPECT_EQ(err(),
            "hipcoach audit export: wrote 7 rows of the audit log to " + file.string() + "\n");
  EXPECT_EQ(directory_names(), (std::vector<std::string>{"audit.jsonl", "test.sqlite"}));
}

TEST_F(AuditCommand, RefusesToReplaceAnExistingFile) {
  append_rows();
  const auto file = dir_ / "audit.jsonl";
  std::ofstream(file) << "kept\n";
  EXPECT_EQ(run({"audit", "export", "--db", db_, "--to", file.string()}), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach audit export: --to: " + file.string() +
                       " exists; give --force to replace it\n");
  EXPECT_EQ(read_file(file), "kept\n");
  EXPECT_EQ(out(), "");
}

TEST_F(AuditCommand, ReplacesAnExistingFileWithForceAndMakesItPrivate) {
  append_rows();
  const auto file = dir_ / "audit.jsonl";
  std::ofstream(file) << "old\n";
  std::filesystem::permissions(file, std::filesystem::perms(0644));
  ASSERT_EQ(run({"audit", "export", "--db", db_, "--to", file.string(), "--force"}), kExitOk)
      << err();
  EXPECT_EQ(parse_lines(read_file(file)).size(), kRows.size());
  EXPECT_EQ(mode_of(file), 0600);
  EXPECT_EQ(directory_names(), (std::vector<std::string>{"audit.jsonl", "test.sqlite"}));
}

TEST_F(AuditCommand, NamesAFileThatCannotBeCreated) {
  const auto file = dir_ / "no-such-directory" / "audit.jsonl";
  EXPECT_EQ(run({"audit", "export", "--db", db_, "--to", file.string()}), kExitInvalidData);
  EXPECT_EQ(err().rfind("hipcoach audit export: --to: cannot create " + file.string(), 0), 0U)
      << err();
}

TEST_F(AuditCommand, RefusesASinceThatIsNotRfc3339) {
  for (const std::string since : {"yesterday", "2026-11-21", "2026-11-21T10:00:00", ""}) {
    EXPECT_EQ(run({"audit", "export", "--db", db_, "--since", since}), kExitUsage) << since;
    EXPECT_EQ(err().rfind("hipcoach audit export: --since: ", 0), 0U) << since << ": " << err();
    EXPECT_NE(err().find("RFC 3339"), std::string::npos) << since << ": " << err();
    EXPECT_EQ(out(), "");
  }
}

TEST_F(AuditCommand, DoesNotCreateAMissingDatabase) {
  const auto missing = dir_ / "missing.sqlite";
  EXPECT_EQ(run({"audit", "export", "--db", "sqlite:" + missing.string()}), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach audit export: --db: no database at " + missing.string() +
                       " (the export only reads; it creates none)\n");
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(AuditCommand, NamesADatabaseThatCannotBeRead) {
  const auto garbage = dir_ / "garbage.sqlite";
  std::ofstream(garbage) << std::string(4096, 'x');
  EXPECT_EQ(run({"audit", "export", "--db", "sqlite:" + garbage.string()}), kExitInvalidData);
  EXPECT_EQ(err().rfind("hipcoach audit export: --db: ", 0), 0U) << err();
  EXPECT_EQ(out(), "");
}

TEST_F(AuditCommand, AnUnknownDatabaseSchemeIsAUsageError) {
  EXPECT_EQ(run({"audit", "export", "--db", "mysql://localhost/x"}), kExitUsage);
  EXPECT_EQ(err().rfind("hipcoach audit export: --db: ", 0), 0U) << err();
}

TEST_F(AuditCommand, NeedsASubcommand) {
  EXPECT_EQ(run({"audit"}), kExitUsage);
  EXPECT_EQ(run({"audit", "export", "--user", kPatient}), kExitUsage);
}

}  // namespace
}  // namespace hipcoach::cli
