// Status and Result<T>: errors as values across module boundaries.
//
// A function that can fail returns Status (no value) or Result<T> (a value or a Status).
// Exceptions do not cross module boundaries; a module catches what its dependencies throw
// (toml++, nlohmann::json) and turns it into a Status with one clear line of text.
//
//   Result<Config> r = load_config(path);
//   if (!r) return r.status();          // pass the error up unchanged
//   const Config& cfg = *r;
//
// The message is meant for a human: one line, naming the thing that is wrong.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace canarytrap {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,  // the caller's input is wrong (usage errors map here)
    kNotFound,
    kAlreadyExists,
    kIoError,
    kCorruption,       // stored data is not what we expect (not a registry, bad schema)
    kUnsupported,      // e.g. a registry written by a newer canarytrap
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace canarytrap

// Returns early with the error of a Status-returning expression.
#define CT_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::canarytrap::Status ct_status_ = (expr); \
    if (!ct_status_.ok()) return ct_status_;  \
  } while (0)
