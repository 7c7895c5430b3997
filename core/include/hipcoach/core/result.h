// Result<T>: either a T or an Error, with the member names of std::expected so
// that a later switch is mechanical. Thread-compatible, like the values it holds.
#pragma once

#include <optional>
#include <utility>
#include <variant>

#include "hipcoach/core/check.h"
#include "hipcoach/core/error.h"

namespace hipcoach::core {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return storage_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value().
  T& value() & {
    HIPCOACH_CHECK(has_value());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    HIPCOACH_CHECK(has_value());
    return std::get<0>(storage_);
  }
  T&& value() && {
    HIPCOACH_CHECK(has_value());
    return std::get<0>(std::move(storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value().
  const Error& error() const {
    HIPCOACH_CHECK(!has_value());
    return std::get<1>(storage_);
  }

 private:
  std::variant<T, Error> storage_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  // REQUIRES: !has_value().
  const Error& error() const {
    HIPCOACH_CHECK(!has_value());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace hipcoach::core
