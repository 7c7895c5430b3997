// Every JSON request body and query the API takes, through the real Router
// and Api on a MemoryStore with the shipped data: the input is one request.
// Its first byte picks the method, the second who calls (nobody, a patient
// by token or by cookie, another patient, a clinician, an admin), the first
// line is the target and the rest the body. The store starts again every
// few thousand requests so that memory stays bounded.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api.h"
#include "fuzz_support.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/service/totp.h"
#include "hipcoach/storage/memory_store.h"
#include "router.h"
#include "static_files.h"

namespace {

using namespace hipcoach;

constexpr std::string_view kHost = "127.0.0.1:8080";
constexpr std::string_view kOrigin = "http://127.0.0.1:8080";
constexpr std::string_view kPassword = "correct horse battery";
constexpr int kRequestsPerWorld = 4096;

// Wednesday 2026-11-25, 15:00 UTC.
constexpr std::chrono::sys_seconds kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{15};

struct World {
  World() {
    service::AccountOptions account_options;
    account_options.hash = service::PasswordHashOptions::minimum();
    accounts = std::make_unique<service::Accounts>(store, account_options);
    server::ApiOptions options;
    options.now = [] { return kNow; };
    api = std::make_unique<server::Api>(fuzz::shipped_protocol(), store, *accounts, options);
    auto web = server::load_static_files(std::string(HIPCOACH_SOURCE_DIR) + "/web");
    if (!web) std::abort();
    files = std::move(*web);
    router = std::make_unique<server::Router>(fuzz::shipped_protocol(), files, api.get());
    patient = token("pat@example.com", storage::Role::kPatient);
    other = token("other@example.com", storage::Role::kPatient);
    clinician = token("doc@clinic.example", storage::Role::kClinician);
    admin = token("admin@clinic.example", storage::Role::kAdmin);
  }

  std::string token(std::string_view email, storage::Role role) {
    if (!accounts->create_account(email, kPassword, role, kNow)) std::abort();
    auto signed_in = accounts->sign_in(email, kPassword, "192.0.2.1", kNow);
    if (!signed_in) std::abort();
    if (role != storage::Role::kPatient) {
      // Staff need two-step sign-in: set it up as the account page does, so
      // that the staff routes are reached.
      auto caller = accounts->authenticate(signed_in->token, kNow);
      if (!caller) std::abort();
      auto setup = accounts->start_two_factor(*caller, kPassword, kNow);
      if (!setup) std::abort();
      auto key = service::base32_decode(setup->secret, "secret");
      if (!key) std::abort();
      if (!accounts->confirm_two_factor(*caller, service::totp_code(*key, service::totp_step(kNow)),
                                        "192.0.2.1", kNow)) {
        std::abort();
      }
    }
    return signed_in->token;
  }

  storage::MemoryStore store;
  server::StaticFileMap files;
  std::unique_ptr<service::Accounts> accounts;
  std::unique_ptr<server::Api> api;
  std::unique_ptr<server::Router> router;
  std::string patient, other, clinician, admin;
  int requests = 0;
};

constexpr std::array<std::string_view, 7> kMethods = {"GET",    "POST", "PUT",    "PATCH",
                                                      "DELETE", "HEAD", "OPTIONS"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<World> world;
  if (!world || world->requests >= kRequestsPerWorld) world = std::make_unique<World>();
  ++world->requests;

  fuzz::Input input(data, size);
  const std::string_view method = kMethods[input.byte() % kMethods.size()];
  const std::uint8_t caller = input.byte() % 6;
  const std::string target(input.line());
  const std::string body(input.rest());

  std::string authorization;
  std::string cookie;
  switch (caller) {
    case 1:
      authorization = "Bearer " + world->patient;
      break;
    case 2:
      cookie = std::string(server::kSessionCookie) + "=" + world->patient;
      break;
    case 3:
      authorization = "Bearer " + world->other;
      break;
    case 4:
      authorization = "Bearer " + world->clinician;
      break;
    case 5:
      authorization = "Bearer " + world->admin;
      break;
    default:
      break;
  }
  const server::Response response = world->router->handle(server::Request{
      .method = method,
      .target = target,
      .content_type = "application/json",
      .origin = caller == 2 ? kOrigin : std::string_view(),
      .host = kHost,
      .authorization = authorization,
      .cookie = cookie,
      .client = "192.0.2.1",
      .body = body,
  });
  // Whatever was asked, the answer is a real HTTP status with a body.
  if (response.status < 100 || response.status > 599 || !response.body) __builtin_trap();
  // A server error is a finding: bad input must get a 4xx that says where.
  if (response.status == 500) __builtin_trap();
  return 0;
}
