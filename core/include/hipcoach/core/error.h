// Error: what went wrong, where, and a code that callers branch on.
//
// An Error is a plain value, cheap to copy, and thread-compatible. It never
// holds health data: the message describes a value rather than copying it,
// unless the user typed it into the same request.
#pragma once

#include <string>
#include <string_view>

namespace hipcoach::core {

enum class ErrorCode {
  kInvalidInput,
  kNotFound,
  kConflict,
  kUnauthenticated,
  kForbidden,
  kRateLimited,  // Too many attempts: the message says when to try again.
  kUnavailable,
  kStorageFull,  // The disk (or the file's size limit) is full: nothing was saved.
  kInternal,
};

// Returns the snake_case name of `code`, e.g. "invalid_input".
std::string_view error_code_name(ErrorCode code);

class Error {
 public:
  static Error invalid_input(std::string where, std::string message) {
    return {ErrorCode::kInvalidInput, std::move(where), std::move(message)};
  }
  static Error not_found(std::string where, std::string message) {
    return {ErrorCode::kNotFound, std::move(where), std::move(message)};
  }
  static Error conflict(std::string where, std::string message) {
    return {ErrorCode::kConflict, std::move(where), std::move(message)};
  }
  static Error unauthenticated(std::string where, std::string message) {
    return {ErrorCode::kUnauthenticated, std::move(where), std::move(message)};
  }
  static Error forbidden(std::string where, std::string message) {
    return {ErrorCode::kForbidden, std::move(where), std::move(message)};
  }
  static Error rate_limited(std::string where, std::string message) {
    return {ErrorCode::kRateLimited, std::move(where), std::move(message)};
  }
  static Error unavailable(std::string where, std::string message) {
    return {ErrorCode::kUnavailable, std::move(where), std::move(message)};
  }
  static Error storage_full(std::string where, std::string message) {
    return {ErrorCode::kStorageFull, std::move(where), std::move(message)};
  }
  static Error internal(std::string where, std::string message) {
    return {ErrorCode::kInternal, std::move(where), std::move(message)};
  }

  ErrorCode code() const { return code_; }
  // Where the error is: a file position, a JSON Pointer or a parameter name.
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }
  // "where: message", or the message alone when there is no where.
  std::string to_string() const;

 private:
  Error(ErrorCode code, std::string where, std::string message)
      : code_(code), where_(std::move(where)), message_(std::move(message)) {}

  ErrorCode code_;
  std::string where_;
  std::string message_;
};

}  // namespace hipcoach::core
