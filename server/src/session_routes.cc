#include "session_routes.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "access_log.h"
#include "api_support.h"
#include "hipcoach/core/session.h"
#include "hipcoach/core/session_codec.h"
#include "hipcoach/service/records.h"
#include "hipcoach/service/session_log.h"
#include "problem.h"
#include "representation.h"

namespace hipcoach::server {
namespace {

using core::Error;
using nlohmann::json;

constexpr int kMaxLogLimit = storage::kMaxListLimit;

// The parameters of a query string, each decoded and given at most once.
class Query {
 public:
  static core::Result<Query> parse(std::string_view query,
                                   std::initializer_list<std::string_view> known) {
    Query parsed;
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
      if (pair.empty()) continue;
      const auto equals = pair.find('=');
      auto key = percent_decode(pair.substr(0, equals));
      auto value = percent_decode(equals == std::string_view::npos ? std::string_view()
                                                                   : pair.substr(equals + 1));
      if (!key || !value) {
        return Error::invalid_input("query", "has a malformed percent escape");
      }
      if (std::find(known.begin(), known.end(), *key) == known.end()) {
        // The client's own parameter name, cut to a sane length.
        return Error::invalid_input(key->substr(0, 64), "is not a known query parameter");
      }
      if (parsed.find(*key) != nullptr) {
        return Error::invalid_input(*key, "is given twice");
      }
      parsed.values_.emplace_back(std::move(*key), std::move(*value));
    }
    return parsed;
  }

  const std::string* find(std::string_view key) const {
    for (const auto& [name, value] : values_) {
      if (name == key) return &value;
    }
    return nullptr;
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const auto comma = text.find(',');
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::optional<std::int64_t> parse_whole_number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The core names a field of the plan request as a JSON Pointer ("/groups/1");
// over HTTP it is the query parameter ("groups").
Error as_query_error(const Error& error) {
  std::string_view where = error.where();
  if (where.starts_with('/')) where.remove_prefix(1);
  where = where.substr(0, where.find('/'));
  if (where.empty() || where == "triage") where = "query";
  switch (error.code()) {
    case core::ErrorCode::kInvalidInput:
      return Error::invalid_input(std::string(where), error.message());
    default:
      return error;
  }
}

core::Result<core::PlanRequest> plan_request_from_query(const SessionRouteContext& context,
                                                        std::string_view text) {
  auto query = Query::parse(text, {"triage", "groups", "side", "pain_limit", "cautions"});
  if (!query) return query.error();

  std::optional<int> pain_limit;
  if (const std::string* limit = query->find("pain_limit")) {
    const auto value = parse_whole_number(*limit);
    if (!value || *value < storage::kMinPain || *value > storage::kMaxPain) {
      return Error::invalid_input("pain_limit", "must be a whole number 0..10");
    }
    pain_limit = static_cast<int>(*value);
  }

  core::PlanRequest request;
  if (const std::string* triage = query->find("triage")) {
    for (const std::string_view other : {"groups", "side", "cautions"}) {
      if (query->find(other) != nullptr) {
        return Error::invalid_input(std::string(other),
                                    "is not taken with triage: the saved triage gives the "
                                    "groups, the side and the cautions");
      }
    }
    const auto id = parse_whole_number(*triage);
    if (!id || *id < 1) {
      return Error::invalid_input("triage", "must be the id of a saved triage of yours");
    }
    auto from_triage = service::plan_request_from_saved_triage(context.protocol, context.store,
                                                               context.user_id, *id);
    if (!from_triage) return from_triage.error();
    request = std::move(*from_triage);
  } else {
    const std::string* groups = query->find("groups");
    if (groups == nullptr) {
      return Error::invalid_input("groups",
                                  "is required: the muscle groups to treat, e.g. "
                                  "groups=gluteus-medius-minimus&side=left, or triage=ID");
    }
    request.groups = split_list(*groups);
    const std::string* side = query->find("side");
    if (side == nullptr) return Error::invalid_input("side", "is required: left, right or both");
    request.side = *side;
    if (const std::string* cautions = query->find("cautions"); cautions && !cautions->empty()) {
      request.cautions = split_list(*cautions);
    }
  }
  if (pain_limit) request.pain_limit = pain_limit;
  return request;
}

Response session_plan(const SessionRouteContext& context, const Request& request,
                      std::string_view query) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto plan_request = plan_request_from_query(context, query);
  if (!plan_request) return error_response(plan_request.error());
  auto plan = core::build_session_plan(context.protocol, *plan_request);
  if (!plan) return error_response(as_query_error(plan.error()));

  auto body = std::make_shared<const std::string>(dump(core::to_json(context.protocol, *plan)));
  Response response;
  // A plan from a saved triage is personal: only the caller's browser may
  // keep it, and it asks again each time (a cheap 304 when nothing changed).
  response.headers = {{"Content-Type", "application/json"},
                      {"Cache-Control", "private, no-cache"},
                      {"Vary", "Authorization, Cookie"},
                      {"X-Content-Type-Options", "nosniff"}};
  response.add_header("ETag", strong_etag(*body));
  response.body = std::move(body);
  if (!request.if_none_match.empty() &&
      matches_if_none_match(request.if_none_match, response.header("ETag"))) {
    response.status = 304;
    response.body_mode = BodyMode::kNone;
    return response;
  }
  return headers_only_for_head(request, std::move(response));
}

Response log_session(const SessionRouteContext& context, const Request& request,
                     service::RecordCheck check) {
  json body;
  if (auto problem = read_body(request, body)) return std::move(*problem);
  auto record = service::log_session(context.protocol, context.store, body, context.user_id,
                                     context.now, check);
  if (!record) return error_response(record.error());
  Response response = json_response(201, service::to_json(*record));
  response.add_header("Location", fmt::format("{}/{}", kSessionsLogPath, record->id));
  return response;
}

Response sessions_log(const SessionRouteContext& context, const Request& request,
                      std::string_view query) {
  if (request.method == "POST") return log_session(context, request, service::RecordCheck::kAlways);
  if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed("GET, HEAD, POST");
  }
  auto parsed = Query::parse(query, {"limit"});
  if (!parsed) return error_response(parsed.error());
  std::optional<int> limit;
  if (const std::string* text = parsed->find("limit")) {
    const auto value = parse_whole_number(*text);
    if (!value || *value < 1 || *value > kMaxLogLimit) {
      return error_response(
          Error::invalid_input("limit", fmt::format("must be a whole number 1..{}", kMaxLogLimit)));
    }
    limit = static_cast<int>(*value);
  }
  auto sessions = service::list_session_log(context.store, context.user_id, limit);
  if (!sessions) return error_response(sessions.error());
  json list = json::array();
  for (const storage::GuidedSessionRecord& session : *sessions) {
    list.push_back(service::to_json(session));
  }
  return headers_only_for_head(request, json_response(200, {{"sessions", std::move(list)}}));
}

Response one_session(const SessionRouteContext& context, const Request& request,
                     std::string_view id_text) {
  const auto not_found = [] {
    return problem_response(404, "path", "no session of yours has this id");
  };
  const auto id = parse_whole_number(id_text);
  if (!id || *id < 1) return not_found();
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto session = service::find_session_log(context.store, context.user_id, *id);
  if (!session) {
    if (session.error().code() == core::ErrorCode::kNotFound) return not_found();
    return error_response(session.error());
  }
  return headers_only_for_head(request, json_response(200, service::to_json(*session)));
}

}  // namespace

bool is_session_route(std::string_view path) {
  return path == kSessionPlanPath || path == kSessionsLogPath || path == kGuidedSessionsPath ||
         (path.size() > kSessionsLogPath.size() + 1 && path.starts_with(kSessionsLogPath) &&
          path[kSessionsLogPath.size()] == '/');
}

Response handle_session_route(const SessionRouteContext& context, const Request& request,
                              std::string_view path, std::string_view query) {
  if (path == kSessionPlanPath) return session_plan(context, request, query);
  if (path == kSessionsLogPath) return sessions_log(context, request, query);
  if (path == kGuidedSessionsPath) {
    if (request.method != "POST") return method_not_allowed("POST");
    return log_session(context, request, service::RecordCheck::kWhenPoints);
  }
  return one_session(context, request, path.substr(kSessionsLogPath.size() + 1));
}

}  // namespace hipcoach::server
