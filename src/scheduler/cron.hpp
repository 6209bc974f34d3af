#pragma once

// Cron expressions (five fields: minute hour day-of-month month day-of-week, as in Vixie cron / crontab(5)) in a
// time zone, and the next time one is due. Daylight-saving changes are handled like Vixie cron: a job whose minute
// and hour are fixed ("30 2 * * *") runs once a day whatever the clocks do — at the end of a skipped hour when its
// time does not exist that day, and at the first of the two times when the hour repeats; a job whose minute or hour
// field starts with `*` ("*/15 * * * *", "0 * * * *") follows real time, so it runs in both repeated hours and not
// in a skipped one.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <cctz/time_zone.h>

#include "core/result.hpp"

namespace dihya::scheduler {

class CronSchedule final {
public:
    using TimePoint = std::chrono::system_clock::time_point;

    /// `expression`: five fields separated by blanks — each `*`, a number, a range `a-b`, a step `*/s`, `a-b/s` or
    /// `a/s` (from a to the field's end), or a comma-separated list of those; months and week days also by their
    /// English three-letter names (jan..dec, sun..sat, any case); day of week 0-7 with 0 and 7 both Sunday. When
    /// both day of month and day of week are restricted (neither starts with `*`), a day matching either is due. Or
    /// one of @yearly (@annually), @monthly, @weekly, @daily (@midnight), @hourly.
    /// `zone`: an IANA time zone name ("Europe/Paris") or "UTC".
    /// Errors are kInvalidArgument with a message naming the field and the reason, e.g.
    /// "hour (field 2): 25 is out of range 0-23" or "unknown time zone 'Mars/Base'".
    static Result<CronSchedule> Parse(std::string_view expression, std::string_view zone = "UTC");

    /// The first instant strictly after `after` at which the schedule is due (always on a whole minute of UTC,
    /// seconds zero), or nullopt when it is never due within the next 5 years ("0 0 30 2 *").
    std::optional<TimePoint> Next(TimePoint after) const;

    const std::string& expression() const { return expression_; }
    const std::string& zone() const { return zone_name_; }

private:
    CronSchedule() = default;

    std::string expression_;
    std::string zone_name_;
    cctz::time_zone zone_;
    std::uint64_t minutes_ = 0;        // bit i: minute i is due (0-59)
    std::uint32_t hours_ = 0;          // bit i: hour i (0-23)
    std::uint32_t days_ = 0;           // bit i: day of month i (1-31)
    std::uint16_t months_ = 0;         // bit i: month i (1-12)
    std::uint8_t weekdays_ = 0;        // bit i: week day i (0 = Sunday .. 6)
    bool day_restricted_ = false;      // the day-of-month field does not start with '*'
    bool weekday_restricted_ = false;  // the day-of-week field does not start with '*'
    bool follows_real_time_ = false;   // the minute or the hour field starts with '*'
};

}  // namespace dihya::scheduler
