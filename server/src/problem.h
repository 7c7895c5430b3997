// Error responses as RFC 9457 problem documents (application/problem+json):
// {"type":"about:blank","title":<reason phrase>,"status":N,"detail":...,"where":...}.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "hipcoach/core/error.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// Returns the reason phrase of an HTTP status, e.g. "Not Found", or
// "Unknown" for a status this server never sends.
std::string_view reason_phrase(int status);

// Returns the problem document. "where" is left out when `where` is empty.
// Invalid UTF-8 in `detail` or `where` is replaced, never passed through.
std::string problem_json(int status, std::string_view where, std::string_view detail);

// Returns a complete error response: the document, its content type and
// "Cache-Control: no-store".
Response problem_response(int status, std::string_view where, std::string_view detail);

// Maps an Error to its status (kInvalidInput 400, kUnauthenticated 401,
// kForbidden 403, kNotFound 404, kConflict 409, kUnavailable 503,
// kStorageFull 507, kInternal 500) and answers with its where and message;
// kStorageFull and kInternal get a fixed message, as their details belong
// only in the log.
Response problem_response(const core::Error& error);

}  // namespace hipcoach::server
