#include "two_factor_routes.h"

#include <string>
#include <utility>

#include "api_support.h"
#include "hipcoach/service/records.h"
#include "problem.h"

namespace hipcoach::server {
namespace {

using core::Error;
using nlohmann::json;
using storage::SessionStage;

constexpr std::string_view kConfirmPath = "/api/v1/me/two-factor/confirm";
constexpr std::string_view kRecoveryCodesPath = "/api/v1/me/two-factor/recovery-codes";
constexpr std::string_view kCurrentSessionPath = "/api/v1/sessions/current";
constexpr std::string_view kMePath = "/api/v1/me";

// A required string field of the body.
core::Result<std::string> string_field(const json& body, std::string_view key) {
  if (!body.is_object()) return Error::invalid_input("/", "must be a JSON object");
  const auto found = body.find(key);
  if (found == body.end() || !found->is_string()) {
    return Error::invalid_input("/" + std::string(key), "is required: a string");
  }
  return found->get<std::string>();
}

// The problem for `error`, with Retry-After when it is kRateLimited.
Response refusal(const TwoFactorRouteContext& context, const Request& request, const Error& error) {
  Response response = error_response(error);
  if (error.code() == core::ErrorCode::kRateLimited) {
    std::chrono::seconds wait{1};
    if (auto user = context.store.find_user(context.caller.user_id)) {
      wait = context.accounts.sign_in_wait(user->email, request.client, context.now).value_or(wait);
    }
    response.add_header("Retry-After", std::to_string(wait.count()));
  }
  return response;
}

json codes_json(const std::vector<std::string>& codes) {
  json list = json::array();
  for (const std::string& code : codes) list.push_back(code);
  return list;
}

}  // namespace

bool is_two_factor_route(std::string_view path) {
  return path == kSecondStepPath || path == kTwoFactorPath || path == kConfirmPath ||
         path == kRecoveryCodesPath;
}

bool stage_allows(SessionStage stage, std::string_view method, std::string_view path) {
  if (stage == SessionStage::kSignedIn) return true;
  if (path == kCurrentSessionPath) return true;
  if (path == kMePath) return method == "GET" || method == "HEAD";
  if (stage == SessionStage::kNeedsCode) return path == kSecondStepPath;
  // kNeedsEnrolment: setting it up; turning it off is refused by Accounts.
  return path == kTwoFactorPath || path == kConfirmPath;
}

Response stage_refusal(SessionStage stage) {
  if (stage == SessionStage::kNeedsCode) {
    return problem_response(401, "two_factor",
                            "enter the code from your authenticator app first "
                            "(POST /api/v1/sessions/two-factor)");
  }
  return problem_response(403, "two_factor",
                          "set up two-step sign-in first: staff accounts need it "
                          "(Account, Two-step sign-in)");
}

json account_json(const storage::User& user, bool two_factor, SessionStage stage) {
  json answer = service::to_json(user);
  answer["two_factor"] = two_factor;
  answer["two_factor_required"] = stage == SessionStage::kNeedsCode;
  answer["two_factor_setup_required"] = stage == SessionStage::kNeedsEnrolment;
  return answer;
}

Response handle_two_factor_route(const TwoFactorRouteContext& context, const Request& request,
                                 std::string_view path) {
  const std::string_view method = request.method;
  service::Accounts& accounts = context.accounts;
  const service::Caller& caller = context.caller;

  if (path == kTwoFactorPath && (method == "GET" || method == "HEAD")) {
    auto state = accounts.two_factor_state(caller.user_id);
    if (!state) return error_response(state.error());
    return headers_only_for_head(
        request, json_response(200, {{"enabled", state->enabled},
                                     {"pending", state->pending},
                                     {"recovery_codes_left", state->recovery_codes_left}}));
  }
  const std::string_view allow = path == kTwoFactorPath ? "GET, HEAD, POST, DELETE" : "POST";
  if (method != "POST" && !(path == kTwoFactorPath && method == "DELETE")) {
    return method_not_allowed(allow);
  }
  json body;
  if (auto problem = read_body(request, body)) return std::move(*problem);

  if (path == kSecondStepPath) {
    auto code = string_field(body, "code");
    if (!code) return error_response(code.error());
    auto left = accounts.verify_second_factor(caller, *code, request.client, context.now);
    if (!left) return refusal(context, request, left.error());
    auto user = context.store.find_user(caller.user_id);
    if (!user) return error_response(user.error());
    json answer = account_json(*user, true, SessionStage::kSignedIn);
    answer["recovery_codes_left"] = *left;
    return json_response(200, answer);
  }
  if (path == kTwoFactorPath && method == "POST") {
    auto password = string_field(body, "password");
    if (!password) return error_response(password.error());
    auto setup = accounts.start_two_factor(caller, *password, context.now);
    if (!setup) return error_response(setup.error());
    return json_response(201, {{"secret", setup->secret},
                               {"otpauth_uri", setup->otpauth_uri},
                               {"qr_svg", setup->qr_svg}});
  }
  if (path == kTwoFactorPath) {  // DELETE
    auto password = string_field(body, "password");
    if (!password) return error_response(password.error());
    auto code = string_field(body, "code");
    if (!code) return error_response(code.error());
    auto ok = accounts.turn_off_two_factor(caller, *password, *code, request.client, context.now);
    if (!ok) return refusal(context, request, ok.error());
    return no_content();
  }
  auto code = string_field(body, "code");
  if (!code) return error_response(code.error());
  if (path == kConfirmPath) {
    auto codes = accounts.confirm_two_factor(caller, *code, request.client, context.now);
    if (!codes) return refusal(context, request, codes.error());
    return json_response(200, {{"two_factor", true}, {"recovery_codes", codes_json(*codes)}});
  }
  auto codes = accounts.regenerate_recovery_codes(caller, *code, request.client, context.now);
  if (!codes) return refusal(context, request, codes.error());
  return json_response(200, {{"recovery_codes", codes_json(*codes)}});
}

}  // namespace hipcoach::server
