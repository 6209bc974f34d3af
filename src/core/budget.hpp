#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dihya {

/// Set by the server when the client of a request goes away; read by long work that may stop early.
using CancelFlag = std::shared_ptr<const std::atomic<bool>>;

/// How long a piece of CPU work may run, and whether its caller is still waiting: long work (analysis,
/// generation) calls Check() at its loop boundaries and returns the error when it fails. Cheap enough to call
/// per sentence: the clock is read once in 64 calls.
class Budget final {
public:
    /// No deadline, never cancelled.
    Budget() = default;
    /// `limit` counted from `start` (when the request arrived, say); a limit of 0 sets no deadline. `what` names the
    /// work in the error ("the analysis").
    Budget(std::chrono::steady_clock::time_point start, std::chrono::milliseconds limit, CancelFlag cancelled,
           std::string what)
        : deadline_(limit.count() > 0 ? start + limit : std::chrono::steady_clock::time_point::max()),
          limit_ms_(limit.count()),
          cancelled_(std::move(cancelled)),
          what_(std::move(what)) {}

    /// kTimeout when the deadline passed or the caller went away.
    Result<void> Check() const {
        if (cancelled_ && cancelled_->load(std::memory_order_relaxed)) {
            return MakeError(ErrorCode::kTimeout, what_ + " stopped: the client closed the connection");
        }
        if (limit_ms_ <= 0 || (++calls_ & 63U) != 0) return Ok();
        if (std::chrono::steady_clock::now() < deadline_) return Ok();
        return MakeError(ErrorCode::kTimeout, what_ + " exceeded its time budget of " + std::to_string(limit_ms_) +
                                                  " ms; send a shorter text or a structured spec");
    }

    /// Like Check(), reading the clock now.
    Result<void> CheckNow() const {
        calls_ |= 63U;
        return Check();
    }

private:
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    std::int64_t limit_ms_ = 0;
    CancelFlag cancelled_;
    std::string what_ = "the work";
    mutable std::uint32_t calls_ = 0;
};

}  // namespace dihya
