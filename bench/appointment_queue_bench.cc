// The staff queue of appointment requests: 10,000 open requests in SQLite
// (a temporary file), read as the queue (urgent first, then oldest), made
// into the answer's JSON, and the whole GET /api/v1/appointments of a
// clinician through the Router, without sockets. The target: under 50 ms.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "api.h"
#include "api_support.h"
#include "appointment_routes.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/service/totp.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/open_store.h"
#include "router.h"

namespace {

namespace hc = hipcoach;

constexpr int kPatients = 200;
constexpr int kOpenRequests = 10'000;

struct Fixture {
  std::filesystem::path path;
  std::unique_ptr<hc::storage::Store> store;
  std::unique_ptr<hc::service::Accounts> accounts;
  hc::core::LoadedProtocol loaded;
  std::unique_ptr<hc::server::Api> api;
  std::unique_ptr<hc::server::Router> router;
  std::string authorization;

  Fixture() {
    path = std::filesystem::temp_directory_path() /
           ("hipcoach-appointment-bench-" + std::to_string(getpid()) + ".sqlite");
    std::filesystem::remove(path);
    store = std::move(hc::storage::open_store("sqlite:" + path.string()).value());
    hc::service::AccountOptions options;
    options.hash = hc::service::PasswordHashOptions::minimum();
    accounts = std::make_unique<hc::service::Accounts>(*store, options);
    loaded = hc::storage::load_protocol_dir(HIPCOACH_DATA_DIR);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    (void)accounts->create_account("doc@clinic.example", "correct horse battery",
                                   hc::storage::Role::kClinician, now);
    const auto signed_in =
        accounts->sign_in("doc@clinic.example", "correct horse battery", "127.0.0.1", now);
    authorization = "Bearer " + signed_in->token;
    // Staff need two-step sign-in: set it up as the account page does.
    const auto caller = accounts->authenticate(signed_in->token, now);
    const auto setup = accounts->start_two_factor(*caller, "correct horse battery", now);
    const auto key = hc::service::base32_decode(setup->secret, "secret");
    if (!accounts->confirm_two_factor(
            *caller, hc::service::totp_code(*key, hc::service::totp_step(now)), "127.0.0.1", now)) {
      std::abort();
    }
    for (int i = 0; i < kPatients; ++i) {
      hc::storage::User user;
      user.email = "patient" + std::to_string(i) + "@example.org";
      user.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
      user.created_at = now;
      (void)store->create_user(user);
    }
    seed(now);
    api = std::make_unique<hc::server::Api>(loaded.protocol, *store, *accounts);
    router = std::make_unique<hc::server::Router>(loaded.protocol, hc::server::StaticFileMap{},
                                                  api.get());
  }

  // One transaction through a connection of its own: add_appointment
  // commits (and syncs) each request, which would take minutes here.
  void seed(std::chrono::sys_seconds now) const {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::abort();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    // Every fifth request has a proposed time.
    sqlite3_prepare_v2(db,
                       "INSERT INTO appointments (user_id, type_id, reason, preferred, urgency,"
                       " attach_summary, status, start_at, minutes, created_at, updated_at)"
                       " SELECT id, 'initial-assessment', 'outer hip pain when lying on that side',"
                       " 'weekday mornings', ?1, 1, ?2, CASE ?2 WHEN 'proposed' THEN ?3 + 86400"
                       " END, CASE ?2 WHEN 'proposed' THEN 60 ELSE 0 END, ?3, ?3"
                       " FROM users WHERE email = ?4",
                       -1, &insert, nullptr);
    for (int i = 0; i < kOpenRequests; ++i) {
      const std::string email = "patient" + std::to_string(i % kPatients) + "@example.org";
      const auto created = (now - std::chrono::minutes{i}).time_since_epoch().count();
      sqlite3_bind_int(insert, 1, i % 4);
      sqlite3_bind_text(insert, 2, i % 5 == 0 ? "proposed" : "requested", -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 3, created);
      sqlite3_bind_text(insert, 4, email.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(insert) != SQLITE_DONE) std::abort();
      sqlite3_reset(insert);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_finalize(insert);
    sqlite3_close(db);
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

void BM_AppointmentQueueList(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    auto queue = f.store->list_appointment_queue(std::nullopt);
    if (!queue || queue->size() != kOpenRequests) {
      state.SkipWithError(
          ("the queue is not seeded: " + std::to_string(queue ? queue->size() : 0)).c_str());
      break;
    }
    benchmark::DoNotOptimize(queue);
  }
}
BENCHMARK(BM_AppointmentQueueList)->Unit(benchmark::kMillisecond);

void BM_AppointmentQueueListAndJson(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    auto queue = f.store->list_appointment_queue(std::nullopt);
    benchmark::DoNotOptimize(hc::server::appointment_list_body(*queue));
  }
}
BENCHMARK(BM_AppointmentQueueListAndJson)->Unit(benchmark::kMillisecond);

void BM_AppointmentQueueGetRequest(benchmark::State& state) {
  auto& f = fixture();
  const hc::server::Request request{.method = "GET",
                                    .target = "/api/v1/appointments",
                                    .host = "127.0.0.1",
                                    .authorization = f.authorization,
                                    .client = "127.0.0.1"};
  for (auto _ : state) {
    auto response = f.router->handle(request);
    if (response.status != 200) state.SkipWithError("the queue request failed");
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_AppointmentQueueGetRequest)->Unit(benchmark::kMillisecond);

}  // namespace
