// The API of accounts and personal records (docs/api.md): sign-up and
// sign-in, the diary, questionnaire responses, guided sessions, progress,
// export and deletion. A thin shell over service::Accounts and the Store:
// it reads the request, checks who is calling, and writes the answer.
//
// Who may call what: every route except sign-up, sign-in and the reminder
// calendar feed (whose key is its permission; reminder_routes.h) needs a session
// (the list of questionnaires, GET /api/v1/questionnaires, is the Router's), and each acts only on
// the caller's own records; a record of someone else answers 404, as one that does not exist. A
// request whose session comes from the cookie and that changes anything must carry this server's
// Origin (403 otherwise). The exception: clinic staff read the parts of a
// patient's record that the patient shares with the clinic, each read
// written to the audit log (consent_routes.h).
//
// Thread-safe. handle() blocks on the store (and, for the routes in
// Lane::kHashing, on argon2id): the HTTP server runs each request on the
// lane that lane() names.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kSessionCookie = "hipcoach_session";

// Where a request runs.
enum class Lane {
  kInline,    // On the network thread: no store access, or a quick read.
  kDatabase,  // On a database worker: writes (which wait for the disk) and long reads.
  kHashing,   // On the hashing worker: anything that hashes or checks a password.
};

struct ApiOptions {
  // The wall clock, for session expiry and default times. Tests replace it.
  std::function<std::chrono::sys_seconds()> now = [] {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  };
  // Adds "Secure" to the session cookie: set it when the server is reached over HTTPS.
  bool secure_cookie = false;
};

class Api {
 public:
  // `protocol` (copied), `store` and `accounts` outlive the Api.
  Api(const core::Protocol& protocol, storage::Store& store, service::Accounts& accounts,
      ApiOptions options = {});
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // True when `path` (decoded, without the query) is one of this API's.
  static bool owns(std::string_view path);
  // The lane for a request to one of this API's paths.
  static Lane lane(std::string_view method, std::string_view path);

  // Answers a request to one of this API's paths. `path` and `query` come
  // from parse_target. Never throws.
  Response handle(const Request& request, std::string_view path, std::string_view query) const;

  // True when the database answers (its schema version can be read), for
  // GET /readyz. Blocks on the store; never throws.
  bool database_ready() const noexcept;

 private:
  struct Context;
  Response route(const Request& request, std::string_view path, std::string_view query) const;

  core::Protocol protocol_;
  storage::Store& store_;
  service::Accounts& accounts_;
  ApiOptions options_;
};

}  // namespace hipcoach::server
