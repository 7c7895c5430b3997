// The authenticated diary read, piece by piece, without sockets: the session
// lookup, the store's list of the last 30 entries, the page's JSON, and the
// whole request through the Router, on SQLite in a temporary file.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "api.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/service/records.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/open_store.h"
#include "router.h"

namespace {

namespace hc = hipcoach;

struct Fixture {
  std::filesystem::path path;
  std::unique_ptr<hc::storage::Store> store;
  std::unique_ptr<hc::service::Accounts> accounts;
  hc::core::LoadedProtocol loaded;
  std::unique_ptr<hc::server::Api> api;
  std::unique_ptr<hc::server::Router> router;
  std::string token;
  std::string authorization;
  std::int64_t user_id = 0;

  Fixture() {
    path = std::filesystem::temp_directory_path() /
           ("hipcoach-diary-bench-" + std::to_string(getpid()) + ".sqlite");
    std::filesystem::remove(path);
    store = std::move(hc::storage::open_store("sqlite:" + path.string()).value());
    hc::service::AccountOptions options;
    options.hash = hc::service::PasswordHashOptions::minimum();
    accounts = std::make_unique<hc::service::Accounts>(*store, options);
    loaded = hc::storage::load_protocol_dir(HIPCOACH_DATA_DIR);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto signed_in = accounts->sign_up("bench@example.org", "correct horse battery", now);
    token = signed_in->token;
    authorization = "Bearer " + token;
    user_id = signed_in->user.id;
    for (int i = 0; i < 300; ++i) {
      hc::storage::DiaryEntry entry;
      entry.user_id = user_id;
      entry.pain = i % 11;
      entry.note = "after the walk to the shop";
      entry.at =
          hc::core::format_timestamp(now - std::chrono::hours{i}, std::chrono::minutes{-360});
      entry.at_utc = now - std::chrono::hours{i};
      (void)store->add_diary_entry(entry);
    }
    api = std::make_unique<hc::server::Api>(loaded.protocol, *store, *accounts);
    router = std::make_unique<hc::server::Router>(loaded.protocol, hc::server::StaticFileMap{},
                                                  api.get());
  }
  ~Fixture() {
    router.reset();
    api.reset();
    accounts.reset();
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix);
    }
  }
};

Fixture& fixture() {
  static Fixture kFixture;
  return kFixture;
}

void BM_Authenticate(benchmark::State& state) {
  auto& f = fixture();
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (auto _ : state) benchmark::DoNotOptimize(f.accounts->authenticate(f.token, now));
}
BENCHMARK(BM_Authenticate);

void BM_ListDiary(benchmark::State& state) {
  auto& f = fixture();
  const int limit = static_cast<int>(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(f.store->list_diary(f.user_id, limit, std::nullopt));
}
BENCHMARK(BM_ListDiary)->Arg(1)->Arg(30);

void BM_DiaryPageJson30(benchmark::State& state) {
  auto& f = fixture();
  const auto entries = *f.store->list_diary(f.user_id, 30, std::nullopt);
  for (auto _ : state) benchmark::DoNotOptimize(hc::service::diary_page_json(entries, "1.2"));
}
BENCHMARK(BM_DiaryPageJson30);

void BM_DiaryGetRequest(benchmark::State& state) {
  auto& f = fixture();
  const hc::server::Request request{.method = "GET",
                                    .target = "/api/v1/diary?limit=30",
                                    .host = "127.0.0.1",
                                    .authorization = f.authorization,
                                    .client = "127.0.0.1"};
  for (auto _ : state) benchmark::DoNotOptimize(f.router->handle(request));
}
BENCHMARK(BM_DiaryGetRequest);

}  // namespace
