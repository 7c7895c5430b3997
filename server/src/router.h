// The router: from a Request to a Response, with no sockets.
//
// Every answer to a GET is prepared once, in the constructor: the protocol
// JSON is serialized once, each web file is read once, and each gets its
// ETag and gzip copy there. handle() then only looks up, compares tags and
// picks a coding. A Router is immutable after construction and safe to use
// from many threads at once.
//
// Routes (GET and HEAD unless said; any other method answers 405 with Allow):
//   /api/v1/protocol        the whole protocol (core::to_json)
//   /api/v1/protocol/{id}   one muscle group (core::group_to_json); 404 for an unknown id
//   /api/v1/triage/questions  the triage questionnaire
//   /api/v1/questionnaires  the outcome questionnaires (core::questionnaires_to_json)
//   POST /api/v1/triage     answers in, triage result out (400 names the bad field;
//                           415 unless JSON; 403 for another site's Origin;
//                           503 when the data has no triage rules)
//   /api/v1/accounts, sessions, me, diary, questionnaires, guided-sessions,
//   progress, session-plan, sessions-log
//                           the API of accounts and records (api.h,
//                           session_routes.h, docs/api.md); 503 when the
//                           server has no Api
//   /healthz                {"status":"ok"}: the process is up
//   /readyz                 {"status":"ready"} when the database answers (on the
//                           database lane), else 503 {"status":"unavailable"};
//                           without a database {"status":"ready","database":"none"}
//   /metrics                the Prometheus text (metrics.h), to loopback clients
//                           only: any other client gets the 404 of an unknown path
//   /...                    the files of web/; "/" and "DIR/" serve index.html
// Everything else answers 404, and a target that is not a safe absolute path
// 400; every error is an application/problem+json document.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "api.h"
#include "hipcoach/core/codec.h"
#include "hipcoach/core/protocol.h"
#include "message.h"
#include "representation.h"
#include "static_files.h"

namespace hipcoach::server {

inline constexpr std::string_view kProtocolPath = "/api/v1/protocol";
inline constexpr std::string_view kHealthPath = "/healthz";
inline constexpr std::string_view kReadyPath = "/readyz";
inline constexpr std::string_view kMetricsPath = "/metrics";
inline constexpr std::string_view kTriagePath = "/api/v1/triage";
inline constexpr std::string_view kTriageQuestionsPath = "/api/v1/triage/questions";
inline constexpr std::string_view kQuestionnairesPath = "/api/v1/questionnaires";
inline constexpr std::string_view kClinicPath = "/api/v1/clinic";

class Router {
 public:
  // Prepares every response. `protocol` and `files` are copied from; neither
  // is referenced afterwards (the router keeps its own copy of the protocol
  // for triage). REQUIRES: `protocol` passed validation.
  // `api` (may be null: the account routes then answer 503) outlives the router.
  Router(const core::Protocol& protocol, const StaticFileMap& files, const Api* api = nullptr);
  // The triage writer refers to this object's own protocol copy.
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Returns the response to `request`. Never throws: an unexpected failure
  // is logged and answered with a generic 500 problem.
  Response handle(const Request& request) const noexcept;

  // Where the server should run handle() for `request` (api.h): kInline
  // unless it is an API request that waits on the store or hashes a password.
  Lane lane(const Request& request) const noexcept;

 private:
  Response route(const Request& request) const;
  Response triage(const Request& request) const;
  Response ready(const Request& request) const;
  Response metrics_text(const Request& request) const;

  const Api* api_;
  core::Protocol protocol_;
  core::TriageJsonWriter triage_writer_{protocol_};  // Refers to protocol_: declared after it.
  // Decoded absolute path -> prepared answer.
  std::map<std::string, Representation, std::less<>> resources_;
};

}  // namespace hipcoach::server
