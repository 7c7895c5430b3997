#include "api.h"

#include <fmt/format.h>

#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>

#include "access_log.h"
#include "api_support.h"
#include "appointment_routes.h"
#include "consent_routes.h"
#include "hipcoach/core/codec.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/auth.h"
#include "hipcoach/service/export.h"
#include "hipcoach/service/fhir.h"
#include "hipcoach/service/progress.h"
#include "hipcoach/service/records.h"
#include "metrics.h"
#include "outcome_routes.h"
#include "problem.h"
#include "reminder_routes.h"
#include "session_routes.h"
#include "summary_routes.h"
#include "two_factor_routes.h"

namespace hipcoach::server {
namespace {

using core::Error;
using nlohmann::json;

constexpr std::string_view kPrefix = "/api/v1/";
constexpr std::string_view kAccounts = "/api/v1/accounts";
constexpr std::string_view kSessions = "/api/v1/sessions";
constexpr std::string_view kCurrentSession = "/api/v1/sessions/current";
constexpr std::string_view kMe = "/api/v1/me";
constexpr std::string_view kPassword = "/api/v1/me/password";
constexpr std::string_view kExport = "/api/v1/me/export";
constexpr std::string_view kDiary = "/api/v1/diary";
constexpr std::string_view kQuestionnaires = "/api/v1/questionnaires";
constexpr std::string_view kProgress = "/api/v1/progress";
constexpr std::string_view kSavedTriage = "/api/v1/me/triage";

constexpr int kDefaultDiaryLimit = 30;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(text[i]) != ascii_lower(prefix[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The value of cookie `name` in a Cookie header, or empty.
std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    const std::string_view pair = trim(header.substr(0, semicolon));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
  return {};
}

core::Result<int> query_integer(std::string_view query, std::string_view key, int fallback, int min,
                                int max) {
  const auto text = query_value(query, key);
  if (!text) return fallback;
  int value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Error::invalid_input(std::string(key),
                                fmt::format("must be a whole number {}..{}", min, max));
  }
  return value;
}

bool same_origin(std::string_view origin, std::string_view host) {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;
  return origin.substr(scheme_end + 3) == host;
}

// Reads a required string field of a sign-in or sign-up body.
core::Result<std::string> string_field(const json& body, std::string_view key) {
  const std::string where = "/" + std::string(key);
  if (!body.is_object()) return Error::invalid_input("/", "must be a JSON object");
  const auto found = body.find(key);
  if (found == body.end() || !found->is_string()) {
    return Error::invalid_input(where, "is required: a string");
  }
  return found->get<std::string>();
}

Response not_found(std::string_view what) { return problem_response(404, "path", what); }

}  // namespace

// What every protected route needs: the caller and how they proved it.
struct Api::Context {
  service::Caller caller;
  bool by_cookie = false;
};

Api::Api(const core::Protocol& protocol, storage::Store& store, service::Accounts& accounts,
         ApiOptions options)
    : protocol_(protocol), store_(store), accounts_(accounts), options_(std::move(options)) {}

bool Api::owns(std::string_view path) {
  if (!path.starts_with(kPrefix)) return false;
  const auto below = [&](std::string_view root) {
    return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
  };
  for (const std::string_view root : {kAccounts, kSessions, kMe, kDiary, kProgress}) {
    if (path == root || below(root)) return true;
  }
  if (is_session_route(path) || is_consent_route(path) || is_appointment_route(path)) return true;
  if (is_outcome_route(path)) return true;
  // The list itself is a prepared resource of the Router; the responses are the Api's.
  return below(kQuestionnaires);
}

Lane Api::lane(std::string_view method, std::string_view path) {
  if (method == "GET" || method == "HEAD") {
    // A staff read of a patient's record writes its audit row.
    return path == kExport || path == kProgress || is_session_route(path) ||
                   is_consent_route(path) || is_summary_route(path) || is_appointment_route(path) ||
                   is_outcome_route(path)
               ? Lane::kDatabase
               : Lane::kInline;
  }
  if ((method == "POST" && (path == kAccounts || path == kSessions)) ||
      (method == "PUT" && path == kPassword) ||
      ((method == "POST" || method == "DELETE") && path == kTwoFactorPath)) {
    return Lane::kHashing;
  }
  return Lane::kDatabase;
}

Response Api::handle(const Request& request, std::string_view path, std::string_view query) const {
  try {
    return route(request, path, query);
  } catch (const std::exception& e) {
    log_error("api", e.what());
  } catch (...) {
    log_error("api", "unknown exception");
  }
  return problem_response(core::Error::internal("", ""));
}

bool Api::database_ready() const noexcept {
  try {
    return store_.schema_version().has_value();
  } catch (...) {
    return false;
  }
}

Response Api::route(const Request& request, std::string_view path, std::string_view query) const {
  const std::string_view method = request.method;
  const bool reads = method == "GET" || method == "HEAD";
  const auto now = options_.now();

  // A browser page of another site may not change anything here, signed in or not.
  if (!reads && !request.origin.empty() && !same_origin(request.origin, request.host)) {
    return problem_response(403, "Origin", "requests from another site are refused");
  }

  const auto session_cookie = [&](const service::SignedIn& signed_in) {
    return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                       signed_in.token, (signed_in.expires_at - now).count(),
                       options_.secure_cookie ? "; Secure" : "");
  };
  const auto signed_in_response = [&](const service::SignedIn& signed_in) {
    json answer = {{"token", signed_in.token},
                   {"expires_at", core::format_timestamp(signed_in.expires_at)},
                   {"user", service::to_json(signed_in.user)}};
    // Two-step sign-in: whether the code is still due, or (staff) setting it up.
    const auto stage = signed_in.stage;
    answer["user"]["two_factor"] = stage == storage::SessionStage::kNeedsCode;
    answer["two_factor_required"] = stage == storage::SessionStage::kNeedsCode;
    answer["two_factor_setup_required"] = stage == storage::SessionStage::kNeedsEnrolment;
    // How many notifications wait (GET /api/v1/me/notifications); left out
    // rather than failing the sign-in when the count cannot be read, and
    // until the sign-in is complete.
    if (stage == storage::SessionStage::kSignedIn) {
      if (auto waiting = store_.count_undelivered_notifications(signed_in.user.id)) {
        answer["notifications"] = *waiting;
      }
    }
    Response response = json_response(201, answer);
    response.add_header("Set-Cookie", session_cookie(signed_in));
    return response;
  };
  const auto cleared_cookie = [&](Response response) {
    response.add_header("Set-Cookie",
                        fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
                                    kSessionCookie, options_.secure_cookie ? "; Secure" : ""));
    return response;
  };

  // Routes open to everyone.
  if (path == kAccounts || path == kSessions) {
    if (method != "POST") return method_not_allowed("POST");
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto email = string_field(body, "email");
    if (!email) return error_response(email.error());
    auto password = string_field(body, "password");
    if (!password) return error_response(password.error());
    if (path == kAccounts) {
      auto signed_up = accounts_.sign_up(*email, *password, now);
      if (!signed_up) return error_response(signed_up.error());
      return signed_in_response(*signed_up);
    }
    auto signed_in = accounts_.sign_in(*email, *password, request.client, now);
    if (!signed_in) {
      metrics().record_sign_in_failure();
      Response response = error_response(signed_in.error());
      if (signed_in.error().code() == core::ErrorCode::kRateLimited) {
        const auto wait =
            accounts_.sign_in_wait(*email, request.client, now).value_or(std::chrono::seconds{1});
        response.add_header("Retry-After", std::to_string(wait.count()));
      }
      return response;
    }
    return signed_in_response(*signed_in);
  }
  // A calendar app cannot sign in: the feed's key is its permission.
  if (path == kReminderFeedPath) return handle_reminder_feed(store_, now, request, query);
  // Everything below acts on the caller's own records.
  Context context;
  {
    std::string_view token;
    if (starts_with_ignoring_case(request.authorization, "Bearer ")) {
      token = trim(request.authorization.substr(7));
    } else if (!request.authorization.empty()) {
      return error_response(Error::unauthenticated("Authorization", "use a Bearer token"));
    } else {
      token = cookie_value(request.cookie, kSessionCookie);
      context.by_cookie = !token.empty();
    }
    if (token.empty()) return error_response(Error::unauthenticated("", "sign in first"));
    auto caller = accounts_.authenticate(token, now);
    if (!caller) return error_response(caller.error());
    context.caller = std::move(*caller);
  }
  // The cookie comes with every request the browser makes to this server,
  // also those a foreign page starts: a change needs this server's Origin.
  if (!reads && context.by_cookie && request.origin.empty()) {
    return problem_response(403, "Origin",
                            "a change made with the session cookie must come from this site");
  }
  // A session half-way through sign-in reaches only what its next step needs.
  if (!stage_allows(context.caller.stage, method, path)) {
    return stage_refusal(context.caller.stage);
  }
  const std::int64_t user_id = context.caller.user_id;
  // The caller's account, for the routes that show or export it.
  const auto caller_account = [&]() -> core::Result<storage::User> {
    auto user = store_.find_user(user_id);
    if (!user && user.error().code() == core::ErrorCode::kNotFound) {
      return Error::unauthenticated("", "sign in first");
    }
    return user;
  };

  if (path == kCurrentSession) {
    if (method != "DELETE") return method_not_allowed("DELETE");
    if (auto ok = accounts_.sign_out(context.caller.token_hash); !ok)
      return error_response(ok.error());
    return cleared_cookie(no_content());
  }
  if (is_two_factor_route(path)) {
    return handle_two_factor_route({accounts_, store_, context.caller, now}, request, path);
  }
  if (path == kMe) {
    if (reads) {
      auto user = caller_account();
      if (!user) return error_response(user.error());
      auto two_factor = accounts_.two_factor_state(user_id);
      if (!two_factor) return error_response(two_factor.error());
      return json_response(200, account_json(*user, two_factor->enabled, context.caller.stage));
    }
    if (method != "DELETE") return method_not_allowed("GET, HEAD, DELETE");
    if (auto ok = accounts_.delete_account(user_id); !ok) return error_response(ok.error());
    return cleared_cookie(no_content());
  }
  if (path == kPassword) {
    if (method != "PUT") return method_not_allowed("PUT");
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto current = string_field(body, "current_password");
    if (!current) return error_response(current.error());
    auto next = string_field(body, "new_password");
    if (!next) return error_response(next.error());
    if (auto ok = accounts_.change_password(context.caller, *current, *next); !ok) {
      return error_response(ok.error());
    }
    return no_content();
  }
  if (path == kExport) {
    if (!reads) return method_not_allowed("GET, HEAD");
    const auto format = query_value(query, "format").value_or("json");
    Response response;
    if (format == "csv") {
      auto csv = service::export_diary_csv(store_, user_id);
      if (!csv) return error_response(csv.error());
      response = body_response(200, std::move(*csv), "text/csv; charset=utf-8");
      response.headers.push_back(
          {"Content-Disposition", "attachment; filename=\"hipcoach-diary.csv\""});
    } else if (format == "json") {
      auto user = caller_account();
      if (!user) return error_response(user.error());
      auto exported = service::export_json(protocol_, store_, *user, now);
      if (!exported) return error_response(exported.error());
      response = json_response(200, *exported);
      response.headers.push_back(
          {"Content-Disposition", "attachment; filename=\"hipcoach-export.json\""});
    } else if (format == "fhir") {
      auto user = caller_account();
      if (!user) return error_response(user.error());
      auto bundle = service::export_fhir(protocol_, store_, *user, now);
      if (!bundle) return error_response(bundle.error());
      response = body_response(200, dump(*bundle), "application/fhir+json");
      response.headers.push_back(
          {"Content-Disposition", "attachment; filename=\"hipcoach-fhir.json\""});
    } else {
      return problem_response(400, "format", "must be json, csv or fhir");
    }
    if (method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
    return response;
  }
  if (path == kDiary) {
    if (reads) {
      auto limit = query_integer(query, "limit", kDefaultDiaryLimit, 1, storage::kMaxListLimit);
      if (!limit) return error_response(limit.error());
      std::optional<storage::DiaryCursor> before;
      if (const auto text = query_value(query, "before")) {
        auto cursor = service::decode_cursor(*text);
        if (!cursor) return error_response(cursor.error());
        before = *cursor;
      }
      auto entries = store_.list_diary(user_id, *limit, before);
      if (!entries) return error_response(entries.error());
      std::optional<std::string> next;
      if (static_cast<int>(entries->size()) == *limit) {
        next = service::encode_cursor(storage::cursor_after(entries->back()));
      }
      Response response = body_response(200, service::diary_page_json(*entries, next));
      if (method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
      return response;
    }
    if (method != "POST") return method_not_allowed("GET, HEAD, POST");
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto entry = service::diary_entry_from_json(body, user_id, now);
    if (!entry) return error_response(entry.error());
    auto id = store_.add_diary_entry(*entry);
    if (!id) return error_response(id.error());
    entry->id = *id;
    Response response = json_response(201, service::to_json(*entry));
    response.add_header("Location", fmt::format("{}/{}", kDiary, *id));
    return response;
  }
  if (path.starts_with(kDiary) && path[kDiary.size()] == '/') {
    const auto id = parse_id(path.substr(kDiary.size() + 1));
    if (!id) return not_found("no diary entry of yours has this id");
    if (reads) {
      auto entry = store_.get_diary_entry(user_id, *id);
      if (!entry) {
        if (entry.error().code() == core::ErrorCode::kNotFound) {
          return not_found("no diary entry of yours has this id");
        }
        return error_response(entry.error());
      }
      Response response = json_response(200, service::to_json(*entry));
      if (method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
      return response;
    }
    if (method != "DELETE") return method_not_allowed("GET, HEAD, DELETE");
    if (auto ok = store_.delete_diary_entry(user_id, *id); !ok) {
      if (ok.error().code() == core::ErrorCode::kNotFound) {
        return not_found("no diary entry of yours has this id");
      }
      return error_response(ok.error());
    }
    return no_content();
  }
  if (path.starts_with(kQuestionnaires) && path[kQuestionnaires.size()] == '/') {
    constexpr std::string_view kResponses = "/responses";
    std::string_view rest = path.substr(kQuestionnaires.size() + 1);
    if (!rest.ends_with(kResponses)) return not_found("no resource exists at this path");
    const std::string_view id = rest.substr(0, rest.size() - kResponses.size());
    const core::Questionnaire* questionnaire = core::find_questionnaire(protocol_, id);
    if (questionnaire == nullptr) return not_found("no questionnaire has this id");
    if (method != "POST") return method_not_allowed("POST");
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto scored = service::questionnaire_response_from_json(*questionnaire, body, user_id, now);
    if (!scored) return error_response(scored.error());
    auto saved = store_.add_questionnaire_response(scored->record);
    if (!saved) return error_response(saved.error());
    scored->record.id = *saved;
    json answer = service::to_json(scored->record, questionnaire);
    answer["score"] = core::to_json(scored->score);
    return json_response(201, answer);
  }
  if (is_session_route(path)) {
    return handle_session_route({protocol_, store_, user_id, now}, request, path, query);
  }
  if (is_reminder_route(path)) return handle_reminder_route({store_, user_id, now}, request, path);
  // The audit rows a route writes carry the request's id.
  const std::string request_id(request.request_id);
  if (is_summary_route(path)) {
    return handle_summary_route({protocol_, store_, user_id, now, request_id}, request, path);
  }
  if (is_appointment_route(path)) {
    return handle_appointment_route({protocol_, store_, user_id, now, request_id}, request, path,
                                    query);
  }
  if (is_outcome_route(path)) {
    return handle_outcome_route({protocol_, store_, user_id, now, request_id}, request, query);
  }
  if (is_consent_route(path)) {
    return handle_consent_route({protocol_, store_, user_id, now, request_id}, request, path,
                                query);
  }
  if (path == kSavedTriage) {
    if (reads) {
      auto saved = store_.list_triage(user_id);
      if (!saved) return error_response(saved.error());
      json list = json::array();
      for (const storage::SavedTriage& triage : *saved) list.push_back(service::to_json(triage));
      Response response = json_response(200, {{"triage", std::move(list)}});
      if (method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
      return response;
    }
    if (method != "POST") return method_not_allowed("GET, HEAD, POST");
    if (protocol_.triage.questions.empty()) {
      return problem_response(503, "triage", "this server's data has no triage rules");
    }
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto answers = core::answers_from_json(body);
    if (!answers) return error_response(answers.error());
    const core::TriageResult result = core::evaluate_triage(protocol_, *answers);
    json answer = core::to_json(protocol_, result);
    storage::SavedTriage triage;
    triage.user_id = user_id;
    triage.created_at = now;
    triage.answers_json = dump(body);
    triage.result_json = dump(answer);
    auto id = store_.save_triage(triage);
    if (!id) return error_response(id.error());
    triage.id = *id;
    return json_response(201, service::to_json(triage));
  }
  if (path == kProgress) {
    if (!reads) return method_not_allowed("GET, HEAD");
    auto weeks = query_integer(query, "weeks", 4, 1, 52);
    if (!weeks) return error_response(weeks.error());
    auto report = service::progress_report(protocol_, store_, user_id, now, *weeks);
    if (!report) return error_response(report.error());
    Response response = json_response(200, *report);
    if (method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
    return response;
  }
  return not_found("no resource exists at this path");
}

}  // namespace hipcoach::server
