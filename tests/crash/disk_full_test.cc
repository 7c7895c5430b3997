// Crash safety on a full disk: the real server writes diary entries into a
// database whose storage runs out, two ways:
//   - a 2 MiB tmpfs of its own (a private mount namespace; needs root with
//     CAP_SYS_ADMIN, else the test says why it skips), freed by deleting a
//     ballast file: SQLite sees ENOSPC (SQLITE_FULL);
//   - RLIMIT_FSIZE on the server process (works anywhere), lifted with
//     prlimit: SQLite sees EFBIG (SQLITE_IOERR_WRITE) or a short write.
// Either way the caller gets 507 with a problem document that names no file,
// SQL or health data, the server keeps answering reads, every acknowledged
// entry is there, nothing refused is, a server killed while the storage is
// full starts again on it, writes work again once there is space, and the
// file passes its integrity check.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"

namespace hipcoach::crash_testing {
namespace {

constexpr int kWriters = 2;
// Enough entries per writer to fill either limit several times over.
constexpr int kMostEntries = 4000;
constexpr std::string_view kFullDetail =
    "the server's storage is full; nothing was saved. Try again later";

// A note of about 1.5 KB, so that the storage fills after a few hundred.
std::string big_note(int writer, int sequence) {
  return "writer " + std::to_string(writer) + " entry " + std::to_string(sequence) + " " +
         std::string(1500, 'n');
}

struct Fill {
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::set<std::string> refused;
  std::vector<std::string> unexpected;  // Anything but 201 or a proper 507.
  int full_answers = 0;
};

// Posts big entries until the storage is full, then three more to see that
// every one is refused the same way.
void write_until_full(std::uint16_t port, const std::string& token, int writer, Fill& fill) {
  TestClient client(port);
  int refusals = 0;
  for (int sequence = 0; sequence < kMostEntries && refusals < 4; ++sequence) {
    const std::string note = big_note(writer, sequence);
    const auto response = call(client, "POST", "/api/v1/diary", token, diary_body(note));
    const std::lock_guard lock(fill.mutex);
    if (!response) {
      fill.unexpected.push_back("no answer: the server died or closed the connection");
      return;
    }
    if (response->status == 201) {
      fill.acknowledged.insert(note);
      continue;
    }
    fill.refused.insert(note);
    ++refusals;
    const std::string& body = response->body;
    std::string problem = std::to_string(response->status) + " " + body.substr(0, 300);
    if (response->status != 507 || response->header("content-type") != "application/problem+json") {
      fill.unexpected.push_back(problem);
      continue;
    }
    const auto document = nlohmann::json::parse(body, nullptr, false);
    if (document.is_discarded() || document.value("detail", "") != kFullDetail ||
        document.value("status", 0) != 507) {
      fill.unexpected.push_back("a 507 with an unexpected document: " + problem);
    }
    // No health data (the note), no SQL, no file name.
    for (const char* secret : {"nnnn", "INSERT", "sqlite", "SQLITE", "/tmp", "db.sqlite"}) {
      if (body.find(secret) != std::string::npos) {
        fill.unexpected.push_back(std::string("the 507 says \"") + secret + "\": " + problem);
      }
    }
    ++fill.full_answers;
  }
  if (refusals == 0) {
    const std::lock_guard lock(fill.mutex);
    fill.unexpected.push_back("the storage never filled up");
  }
}

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = make_temporary_directory("hipcoach-full-");
    ASSERT_FALSE(directory_.empty());
    database_ = directory_ / "db.sqlite";
  }

  void TearDown() override {
    if (server_) server_->kill_hard();
    if (mounted_) ::umount2(directory_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  // Mounts a 2 MiB tmpfs on the directory in a mount namespace of this
  // process's own (private, so nothing shows outside it); the server started
  // afterwards inherits it. An empty string when it worked, else why not.
  std::string mount_small_tmpfs() {
    if (::unshare(CLONE_NEWNS) != 0) {
      return std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      return std::string("making / private: ") + std::strerror(errno);
    }
    if (::mount("tmpfs", directory_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=2m,mode=0700") !=
        0) {
      return std::string("mount -t tmpfs: ") + std::strerror(errno);
    }
    mounted_ = true;
    return {};
  }

  // Signs up, fills the storage, then checks the server as it is full, calls
  // `free_space`, and checks that writes work again and nothing was lost.
  void fill_then_free(const ServerStart& options, const std::function<void()>& free_space) {
    std::string why;
    server_ = ServerProcess::start(options, why);
    ASSERT_TRUE(server_) << why;
    const auto token = sign_up(server_->port(), "full@example.org", why);
    ASSERT_TRUE(token) << why << server_->output_tail();
    const std::uint16_t port = server_->port();

    Fill fill;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back(write_until_full, port, std::cref(*token), w, std::ref(fill));
    }
    for (auto& writer : writers) writer.join();
    std::cout << fill.acknowledged.size() << " entries acknowledged, then " << fill.full_answers
              << " answers 507\n";
    for (const std::string& problem : fill.unexpected) ADD_FAILURE() << problem;
    ASSERT_TRUE(fill.unexpected.empty()) << server_->output_tail();
    ASSERT_GT(fill.acknowledged.size(), 0U);

    // Full: the server still runs and answers reads.
    ASSERT_TRUE(server_->running()) << server_->output_tail();
    const auto health = server::testing::http_get(port, "/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    const auto ready = server::testing::http_get(port, "/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 200) << ready->body;
    expect_exactly_acknowledged(port, *token, fill, "while full");
    {
      // Signing in needs a write (the session): refused as cleanly.
      TestClient client(port);
      const auto signed_in =
          call(client, "POST", "/api/v1/sessions", "",
               R"({"email":"full@example.org","password":"a long enough passphrase"})");
      ASSERT_TRUE(signed_in);
      std::cout << "signing in while full answers " << signed_in->status << "\n";
      EXPECT_TRUE(signed_in->status == 201 || signed_in->status == 507)
          << signed_in->status << " " << signed_in->body;
    }
    ASSERT_TRUE(server_->running()) << server_->output_tail();

    // Killed while full, it starts again on the full storage, reads, and
    // refuses a write as before.
    server_->kill_hard();
    server_ = ServerProcess::start(options, why);
    ASSERT_TRUE(server_) << "restarting on a full storage: " << why;
    expect_exactly_acknowledged(server_->port(), *token, fill, "restarted while full");
    {
      TestClient client(server_->port());
      const std::string note = big_note(kWriters, 0);
      const auto response = call(client, "POST", "/api/v1/diary", *token, diary_body(note));
      ASSERT_TRUE(response);
      EXPECT_EQ(response->status, 507) << response->body;
      if (response->status == 201) {
        fill.acknowledged.insert(note);
      } else {
        fill.refused.insert(note);
      }
    }

    // Space again: writes work at once, on the same server.
    free_space();
    {
      TestClient client(server_->port());
      for (int i = 0; i < 5; ++i) {
        const std::string note = "after freeing space " + std::to_string(i);
        const auto response = call(client, "POST", "/api/v1/diary", *token, diary_body(note));
        ASSERT_TRUE(response);
        ASSERT_EQ(response->status, 201) << response->body << server_->output_tail();
        fill.acknowledged.insert(note);
      }
    }
    expect_exactly_acknowledged(server_->port(), *token, fill, "after freeing space");
    EXPECT_EQ(integrity_check(database_), "ok") << "beside the running server";
    EXPECT_EQ(server_->stop(), 0) << server_->output_tail();
    EXPECT_EQ(integrity_check(database_), "ok") << "after the server stopped";

    // And as a new server finds the file.
    server_ = ServerProcess::start({.database = database_, .file_size_limit = std::nullopt}, why);
    ASSERT_TRUE(server_) << why;
    expect_exactly_acknowledged(server_->port(), *token, fill, "after a restart");
    EXPECT_EQ(server_->stop(), 0) << server_->output_tail();
  }

  // The diary holds every acknowledged entry once and no refused one.
  void expect_exactly_acknowledged(std::uint16_t port, const std::string& token, const Fill& fill,
                                   std::string_view when) {
    std::string why;
    const auto notes = list_notes(port, token, why);
    ASSERT_TRUE(notes) << when << ": " << why;
    for (const std::string& note : fill.acknowledged) {
      EXPECT_EQ(notes->count(note), 1U) << when << ": acknowledged " << note.substr(0, 40);
    }
    for (const std::string& note : fill.refused) {
      EXPECT_EQ(notes->count(note), 0U)
          << when << ": refused with 507 but saved " << note.substr(0, 40);
    }
    EXPECT_EQ(notes->size(), fill.acknowledged.size()) << when;
  }

  std::filesystem::path directory_;
  std::filesystem::path database_;
  bool mounted_ = false;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(DiskFull, AFullTmpfsRefusesWritesWith507KeepsEveryAcknowledgedEntryAndRecovers) {
  if (const std::string why = mount_small_tmpfs(); !why.empty()) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (" << why
                 << "); DiskFull.AFileSizeLimit... covers a full disk with RLIMIT_FSIZE";
  }
  // Room to free later: 256 KiB that the tmpfs holds until the disk is full.
  const auto ballast = directory_ / "ballast";
  {
    std::ofstream out(ballast, std::ios::binary);
    const std::string block(64 * 1024, 'b');
    for (int i = 0; i < 4; ++i) out.write(block.data(), static_cast<std::streamsize>(block.size()));
    ASSERT_TRUE(out.flush()) << "the ballast does not fit";
  }
  fill_then_free({.database = database_, .file_size_limit = std::nullopt},
                 [&] { ASSERT_TRUE(std::filesystem::remove(ballast)); });
}

TEST_F(DiskFull, AFileSizeLimitRefusesWritesWith507KeepsEveryAcknowledgedEntryAndRecovers) {
  // Every file the server writes stops at 1 MiB: the WAL fills first.
  fill_then_free({.database = database_, .file_size_limit = 1024 * 1024},
                 [&] { ASSERT_TRUE(server_->raise_file_size_limit()) << std::strerror(errno); });
}

}  // namespace
}  // namespace hipcoach::crash_testing
