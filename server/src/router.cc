#include "router.h"

#include <cctype>
#include <exception>
#include <nlohmann/json.hpp>

#include "access_log.h"
#include "hipcoach/core/codec.h"
#include "metrics.h"
#include "problem.h"
#include "target.h"

namespace hipcoach::server {
namespace {

// HTML and the API must be revalidated on every use (a cheap 304 thanks to
// the ETag). Web files have no content hash in their names, so they are
// revalidated too: a stale script beside a fresh page would break the app.
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kAllow = "GET, HEAD";

std::string dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Representation json_representation(const nlohmann::json& json, std::string_view cache_control) {
  return make_representation(dump(json), "application/json", std::string(cache_control));
}

Response answer(const Representation& representation, const Request& request) {
  const bool gzip = representation.gzip_body && accepts_gzip(request.accept_encoding);
  const std::string_view etag = gzip ? representation.gzip_etag : representation.etag;

  Response response;
  response.headers.reserve(7);
  response.headers.push_back({"Content-Type", representation.content_type});
  response.headers.push_back({"Cache-Control", representation.cache_control});
  response.headers.push_back({"ETag", etag});
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  if (representation.gzip_body) response.headers.push_back({"Vary", "Accept-Encoding"});
  if (gzip) response.headers.push_back({"Content-Encoding", "gzip"});
  response.body = gzip ? representation.gzip_body : representation.body;

  if (!request.if_none_match.empty() && matches_if_none_match(request.if_none_match, etag)) {
    response.status = 304;
    response.body_mode = BodyMode::kNone;
  } else if (request.method == "HEAD") {
    response.body_mode = BodyMode::kHeadersOnly;
  }
  return response;
}

}  // namespace

Router::Router(const core::Protocol& protocol, const StaticFileMap& files, const Api* api)
    : api_(api), protocol_(protocol) {
  if (!protocol.triage.questions.empty()) {
    resources_.emplace(kTriageQuestionsPath,
                       json_representation(
                           {{"questions", core::questions_to_json(protocol.triage)}}, kRevalidate));
  }
  resources_.emplace(kProtocolPath, json_representation(core::to_json(protocol), kRevalidate));
  if (protocol.clinic) {
    resources_.emplace(kClinicPath,
                       json_representation(core::to_json(*protocol.clinic), kRevalidate));
  }
  resources_.emplace(kQuestionnairesPath,
                     json_representation(core::questionnaires_to_json(protocol), kRevalidate));
  for (const core::MuscleGroup& group : protocol.groups) {
    resources_.emplace(std::string(kProtocolPath) + "/" + group.id,
                       json_representation(core::group_to_json(protocol, group), kRevalidate));
  }
  resources_.emplace(kHealthPath, json_representation({{"status", "ok"}}, "no-store"));

  for (const auto& [relative_path, contents] : files) {
    std::string path = "/" + relative_path;
    Representation representation = make_representation(
        contents, std::string(content_type_for(relative_path)), std::string(kRevalidate));
    constexpr std::string_view kIndex = "index.html";
    if (path.ends_with(kIndex) && path[path.size() - kIndex.size() - 1] == '/') {
      resources_.emplace(path.substr(0, path.size() - kIndex.size()), representation);
    }
    // The API's own paths win over a web file of the same name.
    resources_.emplace(std::move(path), std::move(representation));
  }
}

Response Router::handle(const Request& request) const noexcept {
  try {
    return route(request);
  } catch (const std::exception& e) {
    log_error("router", e.what());
  } catch (...) {
    log_error("router", "unknown exception");
  }
  try {
    return problem_response(core::Error::internal("", ""));
  } catch (...) {
    // Not even the problem document could be built (out of memory): a body
    // that needs no allocation beyond the shared pointer.
    Response response;
    response.status = 500;
    static const auto kEmpty = std::make_shared<const std::string>();
    response.body = kEmpty;
    return response;
  }
}

Lane Router::lane(const Request& request) const noexcept {
  if (api_ == nullptr) return Lane::kInline;
  try {
    const core::Result<Target> target = parse_target(request.target);
    // The readiness check waits on the database.
    if (target && target->path == kReadyPath) return Lane::kDatabase;
    if (target && Api::owns(target->path)) return Api::lane(request.method, target->path);
  } catch (...) {
    // Out of memory: handle() will answer on this thread.
  }
  return Lane::kInline;
}

Response Router::route(const Request& request) const {
  const core::Result<Target> target = parse_target(request.target);
  if (!target) return problem_response(target.error());

  if (target->path == kTriagePath) return triage(request);
  if (target->path == kReadyPath) return ready(request);
  // Only for a scraper on this machine: anyone else sees an unknown path.
  if (target->path == kMetricsPath && is_loopback(request.client)) return metrics_text(request);
  if (Api::owns(target->path)) {
    if (api_ == nullptr) {
      return problem_response(503, "database", "this server keeps no accounts or records");
    }
    return api_->handle(request, target->path, target->query);
  }
  const auto found = resources_.find(target->path);
  if (found == resources_.end()) {
    if (target->path.starts_with(std::string(kProtocolPath) + "/")) {
      return problem_response(404, "id", "no muscle group has this id");
    }
    if (target->path == kClinicPath) {
      return problem_response(404, "clinic", "this server's data has no clinic settings");
    }
    return problem_response(404, "path", "no resource or file exists at this path");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    Response response =
        problem_response(405, "method", "this resource can only be read, with GET or HEAD");
    response.headers.push_back({"Allow", kAllow});
    return response;
  }
  return answer(found->second, request);
}

namespace {

Response read_only() {
  Response response =
      problem_response(405, "method", "this resource can only be read, with GET or HEAD");
  response.headers.push_back({"Allow", kAllow});
  return response;
}

Response uncached(int status, std::string body, std::string_view content_type,
                  const Request& request) {
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", content_type});
  response.headers.push_back({"Cache-Control", "no-store"});
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  response.body = std::make_shared<const std::string>(std::move(body));
  if (request.method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
  return response;
}

}  // namespace

Response Router::ready(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return read_only();
  if (api_ == nullptr) {
    return uncached(200, R"({"status":"ready","database":"none"})", "application/json", request);
  }
  if (!api_->database_ready()) {
    return uncached(503, R"({"status":"unavailable"})", "application/json", request);
  }
  return uncached(200, R"({"status":"ready"})", "application/json", request);
}

Response Router::metrics_text(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return read_only();
  return uncached(200, metrics().render(), "text/plain; version=0.0.4; charset=utf-8", request);
}

namespace {

// True when `origin` ("https://host:port") names the same host and port as
// the Host header. Browsers send Origin on every POST from a page.
bool same_origin(std::string_view origin, std::string_view host) {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;
  return origin.substr(scheme_end + 3) == host;
}

bool is_json(std::string_view content_type) {
  const std::string_view media_type = content_type.substr(0, content_type.find(';'));
  std::string lower;
  for (const char c : media_type) {
    if (c != ' ') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower == "application/json";
}

}  // namespace

Response Router::triage(const Request& request) const {
  if (request.method != "POST") {
    Response response = problem_response(405, "method", "send the answers with POST");
    response.headers.push_back({"Allow", "POST"});
    return response;
  }
  if (!request.origin.empty() && !same_origin(request.origin, request.host)) {
    return problem_response(403, "Origin", "requests from another site are refused");
  }
  if (!is_json(request.content_type)) {
    return problem_response(415, "Content-Type", "send the answers as application/json");
  }
  if (protocol_.triage.questions.empty()) {
    return problem_response(503, "triage", "this server's data has no triage rules");
  }
  const core::Result<core::Answers> answers = core::parse_answers(request.body);
  if (!answers) return problem_response(answers.error());
  const core::TriageResult result = core::evaluate_triage(protocol_, *answers);

  Response response;
  response.headers.push_back({"Content-Type", "application/json"});
  response.headers.push_back({"Cache-Control", "no-store"});
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  response.body = std::make_shared<const std::string>(triage_writer_.write(result));
  return response;
}

}  // namespace hipcoach::server
