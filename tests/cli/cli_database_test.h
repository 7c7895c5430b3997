// A fixture for the commands that use the database: a temporary directory
// with a SQLite file, a fixed clock and time zone, and environment variables
// that the test sets. Nothing is read from the process environment.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "hipcoach/cli/cli.h"
#include "hipcoach/core/timestamp.h"

namespace hipcoach::cli::testing {

class CliDatabaseTest : public ::testing::Test {
 protected:
  CliDatabaseTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hipcoach-cli-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
    db_ = "sqlite:" + (dir_ / "test.sqlite").string();
    environment_.variable = [this](const std::string& name) -> std::optional<std::string> {
      const auto found = variables_.find(name);
      if (found == variables_.end()) return std::nullopt;
      return found->second;
    };
    environment_.now = [this] { return now_; };
    environment_.utc_offset = [this](std::chrono::sys_seconds) { return offset_; };
  }
  ~CliDatabaseTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Runs `hipcoach ARGS...` with `input` on standard input.
  int run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "hipcoach");
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return cli::run(args, in, out_, err_, environment_);
  }

  // Runs a command against the test database as the test patient.
  int run_as_patient(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.end(), {"--db", db_, "--user", kPatient});
    return run(std::move(args), input);
  }

  // Creates the test patient; fails the test when it cannot.
  void add_patient() {
    ASSERT_EQ(run({"user", "add", kPatient, "--db", db_}, "correct horse battery\n"), kExitOk)
        << err();
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  static std::chrono::sys_seconds utc(const std::string& text) {
    const auto parsed = core::parse_timestamp(text, "test");
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed ? parsed->utc : std::chrono::sys_seconds{};
  }

  static constexpr const char* kPatient = "pat@example.org";
  const std::string data_ = std::string(HIPCOACH_SOURCE_DIR) + "/data";

  std::filesystem::path dir_;
  std::string db_;
  std::map<std::string, std::string> variables_;
  std::chrono::sys_seconds now_ = utc("2026-11-25T14:00:00Z");
  std::chrono::minutes offset_{-6 * 60};
  Environment environment_;

 private:
  std::ostringstream out_;
  std::ostringstream err_;
};

}  // namespace hipcoach::cli::testing
