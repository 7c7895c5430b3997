#include "problem.h"

#include <nlohmann/json.hpp>

namespace hipcoach::server {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

std::string problem_json(int status, std::string_view where, std::string_view detail) {
  nlohmann::ordered_json document = {
      {"type", "about:blank"},
      {"title", reason_phrase(status)},
      {"status", status},
      {"detail", detail},
  };
  if (!where.empty()) document["where"] = where;
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response problem_response(int status, std::string_view where, std::string_view detail) {
  Response response;
  response.status = status;
  response.headers = {
      {"Content-Type", kProblemContentType},
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"},
  };
  response.body = std::make_shared<const std::string>(problem_json(status, where, detail));
  return response;
}

Response problem_response(const core::Error& error) {
  switch (error.code()) {
    case core::ErrorCode::kInvalidInput:
      return problem_response(400, error.where(), error.message());
    case core::ErrorCode::kUnauthenticated:
      return problem_response(401, error.where(), error.message());
    case core::ErrorCode::kForbidden:
      return problem_response(403, error.where(), error.message());
    case core::ErrorCode::kNotFound:
      return problem_response(404, error.where(), error.message());
    case core::ErrorCode::kConflict:
      return problem_response(409, error.where(), error.message());
    case core::ErrorCode::kRateLimited:
      return problem_response(429, error.where(), error.message());
    case core::ErrorCode::kUnavailable:
      return problem_response(503, error.where(), error.message());
    case core::ErrorCode::kStorageFull:
      // The store's message may name a file or an errno: it goes to the log
      // (error_response), the caller gets what it needs to know.
      return problem_response(507, error.where(),
                              "the server's storage is full; nothing was saved. Try again later");
    case core::ErrorCode::kInternal:
      break;
  }
  return problem_response(500, "", "the server failed to answer; the details are in its log");
}

}  // namespace hipcoach::server
