#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>

namespace dihya {

/// Expected failure kinds. Each maps to one HTTP status and problem type in core/problem.cpp.
enum class ErrorCode {
    kInvalidArgument,  // malformed input, failed validation
    kNotFound,
    kAlreadyExists,
    kConflict,            // state conflict (e.g. a concurrent change)
    kPreconditionFailed,  // a condition the caller set does not hold (If-Match names an older version)
    kUnauthenticated,
    kPermissionDenied,
    kRateLimited,
    kPayloadTooLarge,
    kUnavailable,  // dependency down (database, remote service)
    kTimeout,
    kInternal,
    kInsufficientStorage,  // the disk holding the database or the data directory is full
};

/// A typed error: a code, a message safe to show the caller, and field-level details
/// (field path → reason). Messages must never carry secrets or personal data.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    std::map<std::string, std::string> details;
    /// For kRateLimited (and kUnavailable): seconds after which the caller may retry (HTTP Retry-After); 0 = unsaid.
    std::int64_t retry_after = 0;
};

inline Error MakeError(ErrorCode code, std::string message, std::map<std::string, std::string> details = {}) {
    return Error{code, std::move(message), std::move(details)};
}

/// Result<T>: a value or an Error.
template <class T>
class [[nodiscard]] Result final {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(v_); }
    Error&& take_error() { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> final {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }
    Error&& take_error() { return std::move(error_); }

private:
    Error error_;
    bool ok_ = true;
};

inline Result<void> Ok() {
    return {};
}

}  // namespace dihya
