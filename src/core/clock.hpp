#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dihya {

using TimePoint = std::chrono::system_clock::time_point;

/// Wall-clock time, injected so services can be tested with a clock the test moves.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint Now() const { return std::chrono::system_clock::now(); }
};

/// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start = std::chrono::system_clock::now()) : now_(start.time_since_epoch().count()) {}
    TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
    void Advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

private:
    std::atomic<TimePoint::rep> now_;
};

/// "2026-12-01T19:43:02.123Z": UTC, milliseconds. Strings in this form sort in time order, so the
/// database compares them as text on SQLite and PostgreSQL alike.
std::string FormatTime(TimePoint t);

/// Parses FormatTime's output (also without milliseconds); nullopt when malformed.
std::optional<TimePoint> ParseTime(std::string_view text);

}  // namespace dihya
