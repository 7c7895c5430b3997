// Crash safety: a write load on the real server, SIGKILL at a random moment,
// a restart on the same SQLite file, and every acknowledged diary entry must
// be there, in a database that passes its integrity check.
//
// The moments come from a seed printed at the start; HIPCOACH_CRASH_SEED=N
// repeats a run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"

namespace hipcoach::crash_testing {
namespace {

constexpr int kWriters = 4;

std::uint64_t crash_seed() {
  if (const char* text = std::getenv("HIPCOACH_CRASH_SEED"))
    return std::strtoull(text, nullptr, 10);
  return std::random_device{}();
}

// The notes that came back 201, and anything else that came back.
struct Load {
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::string> unexpected;
};

// Posts diary entries on one keep-alive connection until the connection
// breaks (the server was killed).
void write_until_killed(std::uint16_t port, const std::string& token, int round, int writer,
                        Load& load) {
  TestClient client(port);
  for (int sequence = 0;; ++sequence) {
    const std::string note = "round " + std::to_string(round) + " writer " +
                             std::to_string(writer) + " entry " + std::to_string(sequence);
    const auto response = call(client, "POST", "/api/v1/diary", token, diary_body(note));
    if (!response) return;  // Killed: this write is not acknowledged.
    const std::lock_guard lock(load.mutex);
    if (response->status == 201) {
      load.acknowledged.insert(note);
    } else {
      load.unexpected.push_back(std::to_string(response->status) + " " + response->body);
      return;
    }
  }
}

TEST(CrashSafety, EveryAcknowledgedDiaryEntrySurvivesSigkillAndTheDatabasePassesItsIntegrityCheck) {
  const std::uint64_t seed = crash_seed();
  std::cout << "crash seed " << seed << " (HIPCOACH_CRASH_SEED=" << seed << " repeats it)\n";
  RecordProperty("crash_seed", std::to_string(seed));
  std::mt19937_64 random(seed);
  // 30 to 400 ms of writing per round.
  std::uniform_int_distribution<int> delay_ms(30, 400);
  const int rounds = kSanitized ? 3 : 5;

  const auto directory = make_temporary_directory("hipcoach-crash-");
  ASSERT_FALSE(directory.empty());
  // Removed however the test ends, after the server (declared below) is gone.
  const std::unique_ptr<const std::filesystem::path, void (*)(const std::filesystem::path*)>
      remove_directory(&directory, [](const std::filesystem::path* path) {
        std::error_code ignored;
        std::filesystem::remove_all(*path, ignored);
      });
  const ServerStart options{.database = directory / "db.sqlite", .file_size_limit = std::nullopt};
  std::string why;
  auto server = ServerProcess::start(options, why);
  ASSERT_TRUE(server) << why;
  const auto token = sign_up(server->port(), "crash@example.org", why);
  ASSERT_TRUE(token) << why << server->output_tail();
  // The server writes through a write-ahead log (and synchronous=FULL, which
  // only its own connection can see).
  EXPECT_EQ(journal_mode(options.database), "wal");

  Load load;
  const auto began = std::chrono::steady_clock::now();
  for (int round = 1; round <= rounds; ++round) {
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back(write_until_killed, server->port(), std::cref(*token), round, w,
                           std::ref(load));
    }
    const int delay = delay_ms(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    server->kill_hard();
    for (auto& writer : writers) writer.join();
    {
      const std::lock_guard lock(load.mutex);
      ASSERT_TRUE(load.unexpected.empty())
          << "round " << round << ": " << load.unexpected.front() << "\n"
          << server->output_tail();
      std::cout << "round " << round << ": killed after " << delay << " ms, "
                << load.acknowledged.size() << " entries acknowledged so far\n";
    }

    // The same file, as the server finds it after the crash.
    server = ServerProcess::start(options, why);
    ASSERT_TRUE(server) << "round " << round << ": " << why;
    // The session is in the database: it survived the crash too.
    const auto notes = list_notes(server->port(), *token, why);
    ASSERT_TRUE(notes) << "round " << round << ": " << why;
    std::size_t missing = 0;
    for (const std::string& note : load.acknowledged) {
      if (notes->count(note) != 1) {
        ++missing;
        ADD_FAILURE() << "round " << round << ": the acknowledged entry \"" << note << "\" is "
                      << (notes->count(note) == 0 ? "missing" : "there more than once");
      }
    }
    ASSERT_EQ(missing, 0U);
    // Unacknowledged writes may or may not have made it; nothing else may.
    for (const std::string& note : *notes) {
      ASSERT_EQ(note.rfind("round ", 0), 0U) << note;
      ASSERT_EQ(notes->count(note), 1U) << note;
    }
    // Checked beside the running server, which has recovered the file.
    EXPECT_EQ(integrity_check(options.database), "ok") << "round " << round;
  }
  EXPECT_EQ(server->stop(), 0) << server->output_tail();
  EXPECT_EQ(integrity_check(options.database), "ok");
  std::cout << rounds << " kills, " << load.acknowledged.size()
            << " acknowledged entries, all there, in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - began)
                   .count()
            << " ms\n";
  // Writers must have been acknowledged at all for the test to mean anything.
  EXPECT_GT(load.acknowledged.size(), 0U);
}

}  // namespace
}  // namespace hipcoach::crash_testing
