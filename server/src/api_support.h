// The pieces every API route shares: private JSON answers, problem answers
// for errors, reading a JSON body, query values and path ids. Used by api.cc,
// session_routes.cc and reminder_routes.cc. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "hipcoach/core/error.h"
#include "message.h"

namespace hipcoach::server {

// `value` as compact JSON text; invalid UTF-8 in strings is replaced, never thrown on.
std::string dump(const nlohmann::json& value);

// A private answer, never stored by caches unless `cache_control` says otherwise.
Response body_response(int status, std::string body,
                       std::string_view content_type = "application/json",
                       std::string_view cache_control = "no-store");
Response json_response(int status, const nlohmann::json& value);
// 204, no body.
Response no_content();
// 405 with Allow: `allow`.
Response method_not_allowed(std::string_view allow);
// The problem document for `error`; kInternal and kStorageFull are logged
// (their details only there), kUnauthenticated adds WWW-Authenticate: Bearer.
Response error_response(const core::Error& error);
// `response` with its body left off when the request is HEAD.
Response headers_only_for_head(const Request& request, Response response);

// True when `content_type` is application/json (any case, any parameters).
bool is_json(std::string_view content_type);
// Parses the JSON body into `out`; returns the problem to answer (415 or
// 400 with the byte offset, never the parser's text) when it cannot.
std::optional<Response> read_body(const Request& request, nlohmann::json& out);

// The raw (undecoded) value of `key` in a query string, or nullopt.
std::optional<std::string_view> query_value(std::string_view query, std::string_view key);
// Decodes %XX escapes and '+' (a space, as in a form); nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);
// A path's id segment ("17"), or nullopt when it is not a positive integer.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace hipcoach::server
