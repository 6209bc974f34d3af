#include "scheduler/cron.hpp"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>
#include <gtest/gtest.h>

namespace dihya::scheduler {
namespace {

using TimePoint = CronSchedule::TimePoint;
using std::chrono::minutes;

// "YYYY-MM-DDTHH:MM:SSZ" as a time point.
TimePoint At(const std::string& text) {
    TimePoint tp;
    EXPECT_TRUE(cctz::parse("%Y-%m-%dT%H:%M:%SZ", text, cctz::utc_time_zone(), &tp)) << text;
    return tp;
}

std::string Iso(std::optional<TimePoint> tp) {
    if (!tp) return "never";
    return cctz::format("%Y-%m-%dT%H:%M:%E*SZ", *tp, cctz::utc_time_zone());
}

CronSchedule Must(std::string_view expression, std::string_view zone = "UTC") {
    auto parsed = CronSchedule::Parse(expression, zone);
    if (!parsed) ADD_FAILURE() << expression << ": " << parsed.error().message;
    return std::move(parsed).value();
}

std::string ErrorOf(std::string_view expression, std::string_view zone = "UTC") {
    auto parsed = CronSchedule::Parse(expression, zone);
    if (parsed) return "<ok>";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    return parsed.error().message;
}

// The next `count` runs after `from`, chained.
std::vector<std::string> Runs(const CronSchedule& schedule, const std::string& from, int count) {
    std::vector<std::string> out;
    std::optional<TimePoint> at = At(from);
    for (int i = 0; i < count; ++i) {
        at = schedule.Next(*at);
        out.push_back(Iso(at));
        if (!at) break;
    }
    return out;
}

// Every run in [from, to), chained; checks each is on a whole minute and later than the one before.
std::vector<TimePoint> RunsBetween(const CronSchedule& schedule, TimePoint from, TimePoint to) {
    std::vector<TimePoint> out;
    TimePoint at = from;
    while (true) {
        const auto next = schedule.Next(at);
        if (!next || *next >= to) return out;
        EXPECT_GT(*next, at);
        EXPECT_EQ(std::chrono::floor<minutes>(*next), *next);
        out.push_back(*next);
        at = *next;
    }
}

// Every UTC minute in [from, to) whose wall-clock time in `zone` satisfies `due` — a brute-force reference.
std::vector<TimePoint> MinutesWhere(const std::string& zone_name, TimePoint from, TimePoint to,
                                    const std::function<bool(const cctz::civil_second&)>& due) {
    cctz::time_zone zone;
    EXPECT_TRUE(cctz::load_time_zone(zone_name, &zone));
    std::vector<TimePoint> out;
    for (TimePoint t = std::chrono::floor<minutes>(from) + minutes(1); t < to; t += minutes(1)) {
        if (due(cctz::convert(t, zone))) out.push_back(t);
    }
    return out;
}

TEST(CronTest, EveryMinute) {
    const auto every = Must("* * * * *");
    EXPECT_EQ(Iso(every.Next(At("2026-01-01T00:00:00Z"))), "2026-01-01T00:01:00Z");
    EXPECT_EQ(Iso(every.Next(At("2026-12-31T23:59:00Z"))), "2027-01-01T00:00:00Z");
    EXPECT_EQ(Runs(every, "2026-06-30T23:58:00Z", 3),
              (std::vector<std::string>{"2026-06-30T23:59:00Z", "2026-07-01T00:00:00Z", "2026-07-01T00:01:00Z"}));
}

TEST(CronTest, AfterWithSecondsGivesTheNextWholeMinute) {
    const auto every = Must("* * * * *");
    EXPECT_EQ(Iso(every.Next(At("2026-01-01T12:00:30Z"))), "2026-01-01T12:01:00Z");
    EXPECT_EQ(Iso(every.Next(At("2026-01-01T12:00:00Z") + std::chrono::milliseconds(1))), "2026-01-01T12:01:00Z");
    EXPECT_EQ(Iso(every.Next(At("2026-01-01T12:00:59Z") + std::chrono::milliseconds(999))), "2026-01-01T12:01:00Z");
    EXPECT_EQ(Iso(every.Next(At("2026-01-01T11:59:59Z"))), "2026-01-01T12:00:00Z");
    const auto daily = Must("30 2 * * *", "Europe/Paris");
    EXPECT_EQ(Iso(daily.Next(At("2026-01-01T01:29:59Z") + std::chrono::microseconds(5))), "2026-01-01T01:30:00Z");
    EXPECT_EQ(Iso(daily.Next(At("2026-01-01T01:30:00Z") + std::chrono::nanoseconds(1))), "2026-01-02T01:30:00Z");
}

TEST(CronTest, StepsOfAField) {
    EXPECT_EQ(Runs(Must("*/15 * * * *"), "2026-01-01T10:50:00Z", 5),
              (std::vector<std::string>{"2026-01-01T11:00:00Z", "2026-01-01T11:15:00Z", "2026-01-01T11:30:00Z",
                                        "2026-01-01T11:45:00Z", "2026-01-01T12:00:00Z"}));
    EXPECT_EQ(Iso(Must("*/15 * * * *").Next(At("2026-01-01T11:15:00Z"))), "2026-01-01T11:30:00Z");
    // a/s runs from a to the field's end.
    EXPECT_EQ(Runs(Must("10/20 * * * *"), "2026-01-01T10:00:00Z", 4),
              (std::vector<std::string>{"2026-01-01T10:10:00Z", "2026-01-01T10:30:00Z", "2026-01-01T10:50:00Z",
                                        "2026-01-01T11:10:00Z"}));
    // A step larger than the span leaves only the start.
    EXPECT_EQ(Runs(Must("0 */100 * * *"), "2026-01-01T10:00:00Z", 2),
              (std::vector<std::string>{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"}));
    EXPECT_EQ(Iso(Must("0 0 */10 * *").Next(At("2026-01-02T00:00:00Z"))), "2026-01-11T00:00:00Z");
}

TEST(CronTest, RangesStepsAndLists) {
    EXPECT_EQ(Runs(Must("5-20/5 1,3 * * *"), "2026-01-01T00:00:00Z", 9),
              (std::vector<std::string>{"2026-01-01T01:05:00Z", "2026-01-01T01:10:00Z", "2026-01-01T01:15:00Z",
                                        "2026-01-01T01:20:00Z", "2026-01-01T03:05:00Z", "2026-01-01T03:10:00Z",
                                        "2026-01-01T03:15:00Z", "2026-01-01T03:20:00Z", "2026-01-02T01:05:00Z"}));
    EXPECT_EQ(Runs(Must("1-2,58 23 * * *"), "2026-01-01T00:00:00Z", 4),
              (std::vector<std::string>{"2026-01-01T23:01:00Z", "2026-01-01T23:02:00Z", "2026-01-01T23:58:00Z",
                                        "2026-01-02T23:01:00Z"}));
    EXPECT_EQ(Runs(Must("0 12 1,15 3-4 *"), "2026-01-01T00:00:00Z", 5),
              (std::vector<std::string>{"2026-03-01T12:00:00Z", "2026-03-15T12:00:00Z", "2026-04-01T12:00:00Z",
                                        "2026-04-15T12:00:00Z", "2027-03-01T12:00:00Z"}));
    // A range equal to one value, overlapping list items.
    EXPECT_EQ(Runs(Must("7-7,7,0-21/7,30 * * * *"), "2026-01-01T00:00:00Z", 5),
              (std::vector<std::string>{"2026-01-01T00:07:00Z", "2026-01-01T00:14:00Z", "2026-01-01T00:21:00Z",
                                        "2026-01-01T00:30:00Z", "2026-01-01T01:00:00Z"}));
}

TEST(CronTest, MonthAndWeekdayNamesInAnyCase) {
    // 2026-01-01 is a Thursday.
    EXPECT_EQ(Runs(Must("0 12 * JAN,jul Mon-fRI"), "2026-01-01T00:00:00Z", 3),
              (std::vector<std::string>{"2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z", "2026-01-05T12:00:00Z"}));
    EXPECT_EQ(Iso(Must("0 12 * JAN,jul Mon-fRI").Next(At("2026-01-30T12:00:00Z"))), "2026-07-01T12:00:00Z");
    EXPECT_EQ(Iso(Must("0 0 1 dec *").Next(At("2026-01-01T00:00:00Z"))), "2026-12-01T00:00:00Z");
    EXPECT_EQ(Iso(Must("0 0 * feb-mar/1 sat").Next(At("2026-01-01T00:00:00Z"))), "2026-02-07T00:00:00Z");
}

TEST(CronTest, SundayIsZeroAndSeven) {
    const std::vector<std::string> sundays = {"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"};
    EXPECT_EQ(Runs(Must("0 0 * * 0"), "2026-01-01T00:00:00Z", 2), sundays);
    EXPECT_EQ(Runs(Must("0 0 * * 7"), "2026-01-01T00:00:00Z", 2), sundays);
    EXPECT_EQ(Runs(Must("0 0 * * sun"), "2026-01-01T00:00:00Z", 2), sundays);
    EXPECT_EQ(Runs(Must("0 0 * * 5-7"), "2026-01-01T00:00:00Z", 4),
              (std::vector<std::string>{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                                        "2026-01-09T00:00:00Z"}));
    // `*` and `a/s` stop at Saturday: 7 is only another name for Sunday.
    EXPECT_EQ(Runs(Must("0 0 * * 1/2"), "2026-01-04T00:00:00Z", 4),
              (std::vector<std::string>{"2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-01-09T00:00:00Z",
                                        "2026-01-12T00:00:00Z"}));
    EXPECT_EQ(Runs(Must("0 0 * * */3"), "2026-01-01T00:00:00Z", 4),  // Sun, Wed, Sat
              (std::vector<std::string>{"2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-07T00:00:00Z",
                                        "2026-01-10T00:00:00Z"}));
}

TEST(CronTest, Macros) {
    const std::pair<const char*, const char*> pairs[] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
    };
    for (const auto& [macro, fields] : pairs) {
        for (const char* zone : {"UTC", "Europe/Paris"}) {
            EXPECT_EQ(Runs(Must(macro, zone), "2026-03-28T21:17:00Z", 5),
                      Runs(Must(fields, zone), "2026-03-28T21:17:00Z", 5))
                << macro << " in " << zone;
        }
    }
    EXPECT_EQ(Iso(Must("@yearly").Next(At("2026-03-01T00:00:00Z"))), "2027-01-01T00:00:00Z");
    EXPECT_EQ(Iso(Must("@weekly").Next(At("2026-01-01T00:00:00Z"))), "2026-01-04T00:00:00Z");
    EXPECT_EQ(Iso(Must("  @Hourly\t").Next(At("2026-01-01T00:00:00Z"))), "2026-01-01T01:00:00Z");
    EXPECT_EQ(Must("@daily", "Europe/Paris").expression(), "@daily");
}

TEST(CronTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
    // Fridays and 13ths.
    EXPECT_EQ(Runs(Must("0 0 13 * fri"), "2026-03-01T00:00:00Z", 8),
              (std::vector<std::string>{"2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z",
                                        "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z",
                                        "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z"}));
    // A field starting with '*' is not restricted, even with a step: both must match (as in Vixie cron).
    EXPECT_EQ(Runs(Must("0 0 */10 * mon"), "2026-01-01T00:00:00Z", 4),
              (std::vector<std::string>{"2026-05-11T00:00:00Z", "2026-06-01T00:00:00Z", "2026-08-31T00:00:00Z",
                                        "2026-09-21T00:00:00Z"}));
    EXPECT_EQ(Runs(Must("0 0 1 * *"), "2026-01-01T00:00:00Z", 2),
              (std::vector<std::string>{"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"}));
    EXPECT_EQ(Runs(Must("0 0 * * mon"), "2026-01-01T00:00:00Z", 2),
              (std::vector<std::string>{"2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"}));
}

TEST(CronTest, LeapDayAndImpossibleDates) {
    const auto leap = Must("0 0 29 2 *");
    EXPECT_EQ(Iso(leap.Next(At("2026-01-01T00:00:00Z"))), "2028-02-29T00:00:00Z");
    EXPECT_EQ(Iso(leap.Next(At("2028-02-29T00:00:00Z"))), "2032-02-29T00:00:00Z");
    // 2100 is no leap year: the next after 2096 is 2104, beyond the 5-year horizon.
    EXPECT_EQ(Iso(leap.Next(At("2096-03-01T00:00:00Z"))), "never");
    EXPECT_EQ(Iso(Must("0 0 30 2 *").Next(At("2026-01-01T00:00:00Z"))), "never");
    EXPECT_EQ(Iso(Must("* * 31 4,6,9,11 *", "Europe/Paris").Next(At("2026-01-01T00:00:00Z"))), "never");
    EXPECT_EQ(Iso(Must("0 0 31 * *").Next(At("2026-01-31T00:00:00Z"))), "2026-03-31T00:00:00Z");
    EXPECT_EQ(Iso(Must("0 0 1 1 *").Next(At("2026-01-01T00:00:00Z"))), "2027-01-01T00:00:00Z");
}

TEST(CronTest, SearchesAreFast) {
    const auto started = std::chrono::steady_clock::now();
    for (const char* zone : {"UTC", "Europe/Paris", "Australia/Lord_Howe"}) {
        for (const char* expression : {"0 0 30 2 *", "* * 30 2 *", "*/5 0-3 31 4 *", "0 0 29 2 *", "59 23 31 12 *"}) {
            const auto schedule = Must(expression, zone);
            for (int i = 0; i < 20; ++i) (void)schedule.Next(At("2026-01-01T00:00:00Z") + minutes(i));
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_LT(elapsed, std::chrono::milliseconds(500));  // 300 searches of up to 5 years
}

TEST(CronTest, TimeZones) {
    EXPECT_EQ(Iso(Must("0 9 * * *", "Asia/Tokyo").Next(At("2026-01-01T00:00:00Z"))), "2026-01-02T00:00:00Z");
    EXPECT_EQ(Iso(Must("0 9 * * *", "Asia/Tokyo").Next(At("2025-12-31T23:59:00Z"))), "2026-01-01T00:00:00Z");
    EXPECT_EQ(Iso(Must("0 0 1 * *", "Asia/Kolkata").Next(At("2026-01-01T00:00:00Z"))), "2026-01-31T18:30:00Z");
    // Day and weekday are the zone's: Monday 00:30 in Tokyo is Sunday 15:30 UTC.
    EXPECT_EQ(Iso(Must("30 0 * * mon", "Asia/Tokyo").Next(At("2026-01-01T00:00:00Z"))), "2026-01-04T15:30:00Z");
    EXPECT_EQ(Iso(Must("0 9 * * *", "Europe/Paris").Next(At("2026-01-01T00:00:00Z"))), "2026-01-01T08:00:00Z");
    EXPECT_EQ(Iso(Must("0 9 * * *", "Europe/Paris").Next(At("2026-07-01T00:00:00Z"))), "2026-07-01T07:00:00Z");
    EXPECT_EQ(Iso(Must("0 9 * * *", "America/New_York").Next(At("2026-07-01T00:00:00Z"))), "2026-07-01T13:00:00Z");
}

TEST(CronTest, ParisSpringForwardFixedTimeRunsAtTheEndOfTheGap) {
    // 2026-03-29 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    EXPECT_EQ(Runs(Must("30 2 * * *", "Europe/Paris"), "2026-03-28T00:00:00Z", 3),
              (std::vector<std::string>{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}));
    // Several times in the gap: still once.
    EXPECT_EQ(Runs(Must("0,15,30 2 * * *", "Europe/Paris"), "2026-03-28T23:00:00Z", 2),
              (std::vector<std::string>{"2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"}));
    // 02:00 is skipped and 03:00 falls on the same instant: one run there.
    EXPECT_EQ(Runs(Must("0 1-3 * * *", "Europe/Paris"), "2026-03-28T23:30:00Z", 5),
              (std::vector<std::string>{"2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T23:00:00Z",
                                        "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z"}));
    EXPECT_EQ(Runs(Must("0 2,14 * * *", "Europe/Paris"), "2026-03-28T12:00:00Z", 3),
              (std::vector<std::string>{"2026-03-28T13:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T12:00:00Z"}));
    // Asked from inside the gap's last second, and from the transition itself.
    EXPECT_EQ(Iso(Must("30 2 * * *", "Europe/Paris").Next(At("2026-03-29T00:59:59Z"))), "2026-03-29T01:00:00Z");
    EXPECT_EQ(Iso(Must("30 2 * * *", "Europe/Paris").Next(At("2026-03-29T01:00:00Z"))), "2026-03-30T00:30:00Z");
}

TEST(CronTest, ParisSpringForwardRealTimeSkipsTheMissingHour) {
    EXPECT_EQ(Runs(Must("30 * * * *", "Europe/Paris"), "2026-03-29T00:00:00Z", 3),
              (std::vector<std::string>{"2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"}));
    // No 02:xx on the 29th at all.
    EXPECT_EQ(Iso(Must("* 2 * * *", "Europe/Paris").Next(At("2026-03-28T12:00:00Z"))), "2026-03-30T00:00:00Z");
    EXPECT_EQ(Iso(Must("*/15 2 * * *", "Europe/Paris").Next(At("2026-03-28T12:00:00Z"))), "2026-03-30T00:00:00Z");
    // Every quarter hour keeps its pace in real time.
    EXPECT_EQ(Runs(Must("*/15 * * * *", "Europe/Paris"), "2026-03-29T00:40:00Z", 3),
              (std::vector<std::string>{"2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"}));
}

TEST(CronTest, ParisFallBackFixedTimeRunsAtTheFirstOccurrence) {
    // 2026-10-25 03:00 CEST becomes 02:00 CET at 01:00 UTC: 02:00-02:59 happens twice.
    const auto daily = Must("30 2 * * *", "Europe/Paris");
    EXPECT_EQ(Runs(daily, "2026-10-24T00:00:00Z", 3),
              (std::vector<std::string>{"2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}));
    // Asked from inside either fold, the repeated time is not due again.
    EXPECT_EQ(Iso(daily.Next(At("2026-10-25T00:45:00Z"))), "2026-10-26T01:30:00Z");
    EXPECT_EQ(Iso(daily.Next(At("2026-10-25T01:15:00Z"))), "2026-10-26T01:30:00Z");
    EXPECT_EQ(Iso(daily.Next(At("2026-10-25T00:15:00Z"))), "2026-10-25T00:30:00Z");
    EXPECT_EQ(Runs(Must("0 1-3 * * *", "Europe/Paris"), "2026-10-24T22:00:00Z", 4),
              (std::vector<std::string>{"2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z",
                                        "2026-10-26T00:00:00Z"}));
    // Each minute of the repeated hour once: 60 runs between 00:00 and 01:00 UTC, none in the second fold.
    const auto minutes_of_two =
        RunsBetween(Must("0-59 2 * * *", "Europe/Paris"), At("2026-10-24T23:59:00Z"), At("2026-10-25T03:00:00Z"));
    ASSERT_EQ(minutes_of_two.size(), 60u);
    EXPECT_EQ(Iso(minutes_of_two.front()), "2026-10-25T00:00:00Z");
    EXPECT_EQ(Iso(minutes_of_two.back()), "2026-10-25T00:59:00Z");
}

TEST(CronTest, ParisFallBackRealTimeRunsInBothFolds) {
    const auto quarter = Must("*/15 * * * *", "Europe/Paris");
    EXPECT_EQ(Runs(quarter, "2026-10-24T23:50:00Z", 9),
              (std::vector<std::string>{"2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z",
                                        "2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z",
                                        "2026-10-25T01:30:00Z", "2026-10-25T01:45:00Z", "2026-10-25T02:00:00Z"}));
    cctz::time_zone paris;
    ASSERT_TRUE(cctz::load_time_zone("Europe/Paris", &paris));
    int in_local_two = 0;
    for (const auto& run : RunsBetween(quarter, At("2026-10-24T12:00:00Z"), At("2026-10-25T12:00:00Z"))) {
        const auto local = cctz::convert(run, paris);
        if (local.day() == 25 && local.hour() == 2) ++in_local_two;
    }
    EXPECT_EQ(in_local_two, 8);
    // From inside the first fold, the second fold is still ahead.
    EXPECT_EQ(Runs(Must("30 * * * *", "Europe/Paris"), "2026-10-25T00:45:00Z", 2),
              (std::vector<std::string>{"2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"}));
    EXPECT_EQ(Runs(Must("30 2 * * *", "Europe/Paris"), "2026-10-25T00:45:00Z", 1),
              (std::vector<std::string>{"2026-10-26T01:30:00Z"}));
    // Fixed minutes and hour: the first fold only.
    EXPECT_EQ(Runs(Must("15,45 2 * * *", "Europe/Paris"), "2026-10-25T00:00:00Z", 3),
              (std::vector<std::string>{"2026-10-25T00:15:00Z", "2026-10-25T00:45:00Z", "2026-10-26T01:15:00Z"}));
    EXPECT_EQ(Runs(Must("*/30 2 * * *", "Europe/Paris"), "2026-10-25T00:00:00Z", 4),
              (std::vector<std::string>{"2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z",
                                        "2026-10-26T01:00:00Z"}));
    EXPECT_EQ(
        RunsBetween(Must("* 2 * * *", "Europe/Paris"), At("2026-10-24T12:00:00Z"), At("2026-10-25T12:00:00Z")).size(),
        120u);
}

TEST(CronTest, RealTimeMatchesBruteForceAroundTransitions) {
    struct Case {
        const char* expression;
        std::function<bool(const cctz::civil_second&)> due;
    };
    const Case cases[] = {
        {"*/7 1-3 * * *",
         [](const cctz::civil_second& c) { return c.minute() % 7 == 0 && c.hour() >= 1 && c.hour() <= 3; }},
        {"* 2 * * *", [](const cctz::civil_second& c) { return c.hour() == 2; }},
        {"10,40 * * * *", [](const cctz::civil_second& c) { return c.minute() == 10 || c.minute() == 40; }},
        {"*/20 */2 * * *", [](const cctz::civil_second& c) { return c.minute() % 20 == 0 && c.hour() % 2 == 0; }},
    };
    const std::pair<const char*, const char*> windows[] = {
        {"Europe/Paris", "2026-03-28T12:00:00Z"},        {"Europe/Paris", "2026-10-24T12:00:00Z"},
        {"America/New_York", "2026-03-07T12:00:00Z"},    {"America/New_York", "2026-10-31T12:00:00Z"},
        {"Australia/Lord_Howe", "2026-04-04T00:00:00Z"}, {"Australia/Lord_Howe", "2026-10-03T00:00:00Z"},
    };
    for (const auto& [zone, start] : windows) {
        const TimePoint from = At(start);
        const TimePoint to = from + std::chrono::hours(36);
        for (const auto& c : cases) {
            EXPECT_EQ(RunsBetween(Must(c.expression, zone), from, to), MinutesWhere(zone, from, to, c.due))
                << c.expression << " in " << zone << " from " << start;
        }
    }
}

TEST(CronTest, FixedTimeMatchesReferenceAroundTransitions) {
    // Reference: each matching local time once — its first occurrence, or the end of the gap it falls in.
    struct Case {
        const char* expression;
        std::function<bool(const cctz::civil_minute&)> due;
    };
    const Case cases[] = {
        {"30 2 * * *", [](const cctz::civil_minute& c) { return c.hour() == 2 && c.minute() == 30; }},
        {"0,15,30,45 1-3 * * *",
         [](const cctz::civil_minute& c) { return c.minute() % 15 == 0 && c.hour() >= 1 && c.hour() <= 3; }},
        {"59 1 * * *", [](const cctz::civil_minute& c) { return c.hour() == 1 && c.minute() == 59; }},
        {"0-59/10 0-23/2 * * *", [](const cctz::civil_minute& c) { return c.minute() % 10 == 0 && c.hour() % 2 == 0; }},
    };
    for (const auto& [zone_name, start] : std::vector<std::pair<std::string, std::string>>{
             {"Europe/Paris", "2026-03-28T00:00:00Z"},
             {"Europe/Paris", "2026-10-24T00:00:00Z"},
             {"America/New_York", "2026-03-07T00:00:00Z"},
             {"America/New_York", "2026-10-31T00:00:00Z"},
             {"Australia/Lord_Howe", "2026-04-03T12:00:00Z"},
             {"Australia/Lord_Howe", "2026-10-02T12:00:00Z"},
         }) {
        cctz::time_zone zone;
        ASSERT_TRUE(cctz::load_time_zone(zone_name, &zone));
        const TimePoint from = At(start);
        const TimePoint to = from + std::chrono::hours(60);
        for (const auto& c : cases) {
            std::set<TimePoint> expected;
            const auto first = cctz::civil_minute(cctz::convert(from, zone)) - 120;
            for (auto local = first; local < first + 64 * 60; ++local) {
                if (!c.due(local)) continue;
                const auto found = zone.lookup(cctz::civil_second(local));
                const TimePoint at = found.kind == cctz::time_zone::civil_lookup::SKIPPED ? found.trans : found.pre;
                if (at > from && at < to) expected.insert(at);
            }
            const auto runs = RunsBetween(Must(c.expression, zone_name), from, to);
            EXPECT_EQ(runs, std::vector<TimePoint>(expected.begin(), expected.end()))
                << c.expression << " in " << zone_name << " from " << start;
        }
    }
}

TEST(CronTest, NewYorkTransitions) {
    // 2026-03-08 02:00 EST becomes 03:00 EDT at 07:00 UTC.
    EXPECT_EQ(Runs(Must("30 2 * * *", "America/New_York"), "2026-03-07T00:00:00Z", 3),
              (std::vector<std::string>{"2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}));
    EXPECT_EQ(Runs(Must("30 * * * *", "America/New_York"), "2026-03-08T05:00:00Z", 3),
              (std::vector<std::string>{"2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"}));
    EXPECT_EQ(Iso(Must("* 2 * * *", "America/New_York").Next(At("2026-03-08T05:00:00Z"))), "2026-03-09T06:00:00Z");
    // 2026-11-01 02:00 EDT becomes 01:00 EST at 06:00 UTC.
    EXPECT_EQ(Runs(Must("30 1 * * *", "America/New_York"), "2026-10-31T00:00:00Z", 3),
              (std::vector<std::string>{"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}));
    EXPECT_EQ(Runs(Must("0 * * * *", "America/New_York"), "2026-11-01T04:30:00Z", 3),
              (std::vector<std::string>{"2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"}));
    EXPECT_EQ(Runs(Must("@daily", "America/New_York"), "2026-10-31T00:00:00Z", 3),
              (std::vector<std::string>{"2026-10-31T04:00:00Z", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"}));
}

TEST(CronTest, LordHoweHalfHourTransitions) {
    // 2026-04-05 02:00 (+11) becomes 01:30 (+10:30) at 2026-04-04 15:00 UTC: 01:30-01:59 happens twice.
    EXPECT_EQ(Runs(Must("45 1 * * *", "Australia/Lord_Howe"), "2026-04-04T00:00:00Z", 2),
              (std::vector<std::string>{"2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"}));
    EXPECT_EQ(Runs(Must("15 1 * * *", "Australia/Lord_Howe"), "2026-04-04T00:00:00Z", 1),
              (std::vector<std::string>{"2026-04-04T14:15:00Z"}));
    EXPECT_EQ(Runs(Must("45 * * * *", "Australia/Lord_Howe"), "2026-04-04T14:00:00Z", 3),
              (std::vector<std::string>{"2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-04T16:15:00Z"}));
    // 2026-10-04 02:00 (+10:30) becomes 02:30 (+11) at 2026-10-03 15:30 UTC: 02:00-02:29 is skipped.
    EXPECT_EQ(Runs(Must("15 2 * * *", "Australia/Lord_Howe"), "2026-10-03T00:00:00Z", 2),
              (std::vector<std::string>{"2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"}));
    EXPECT_EQ(Runs(Must("15 * * * *", "Australia/Lord_Howe"), "2026-10-03T14:00:00Z", 2),
              (std::vector<std::string>{"2026-10-03T14:45:00Z", "2026-10-03T16:15:00Z"}));
}

TEST(CronTest, ChainingOverAYearInParis) {
    const TimePoint from = At("2025-12-31T22:59:00Z");  // 2025-12-31 23:59 in Paris
    const TimePoint to = At("2026-12-31T23:00:00Z");
    for (const char* expression : {"30 2 * * *", "0 9 * * *", "@daily", "59 23 * * *", "0 0-3/3 * * *"}) {
        const auto runs = RunsBetween(Must(expression, "Europe/Paris"), from, to);
        const std::size_t per_day = std::string_view(expression) == "0 0-3/3 * * *" ? 2 : 1;
        EXPECT_EQ(runs.size(), 365 * per_day) << expression;
    }
    // Every quarter hour and every hour in real time: a steady pace in UTC all year, both transitions included.
    const auto quarters = RunsBetween(Must("*/15 * * * *", "Europe/Paris"), from, to);
    ASSERT_EQ(quarters.size(), 365u * 96);
    for (std::size_t i = 1; i < quarters.size(); ++i) ASSERT_EQ(quarters[i] - quarters[i - 1], minutes(15));
    const auto hours = RunsBetween(Must("0 * * * *", "Europe/Paris"), from, to);
    EXPECT_EQ(hours.size(), 365u * 24);
    // A leap year: 366 days.
    EXPECT_EQ(
        RunsBetween(Must("0 12 * * *", "Europe/Paris"), At("2027-12-31T23:00:00Z"), At("2028-12-31T23:00:00Z")).size(),
        366u);
}

TEST(CronTest, ParseErrorsNameTheFieldAndTheReason) {
    EXPECT_EQ(ErrorOf("0 25 * * *"), "hour (field 2): 25 is out of range 0-23");
    EXPECT_EQ(ErrorOf("60 * * * *"), "minute (field 1): 60 is out of range 0-59");
    EXPECT_EQ(ErrorOf("* * 0 * *"), "day-of-month (field 3): 0 is out of range 1-31");
    EXPECT_EQ(ErrorOf("* * 32 * *"), "day-of-month (field 3): 32 is out of range 1-31");
    EXPECT_EQ(ErrorOf("* * * 13 *"), "month (field 4): 13 is out of range 1-12");
    EXPECT_EQ(ErrorOf("* * * * 8"), "day-of-week (field 5): 8 is out of range 0-7");
    EXPECT_EQ(ErrorOf("99999999999999999999 * * * *"), "minute (field 1): 99999999999999999999 is out of range 0-59");
    EXPECT_EQ(ErrorOf("0 0 * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
    EXPECT_EQ(ErrorOf("0 0 * * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
    EXPECT_EQ(ErrorOf(""), "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
    EXPECT_EQ(ErrorOf("   "), "expected 5 fields (minute hour day-of-month month day-of-week), got 0");
    EXPECT_EQ(ErrorOf("* * * foo *"), "month (field 4): unknown name 'foo'");
    EXPECT_EQ(ErrorOf("* * * * funday"), "day-of-week (field 5): unknown name 'funday'");
    EXPECT_EQ(ErrorOf("* * * * */0"), "day-of-week (field 5): step 0 is not allowed");
    EXPECT_EQ(ErrorOf("* * * * 1/"), "day-of-week (field 5): step '' is not a number");
    EXPECT_EQ(ErrorOf("*/x * * * *"), "minute (field 1): step 'x' is not a number");
    EXPECT_EQ(ErrorOf("30-10 * * * *"), "minute (field 1): range 30-10 goes backwards");
    EXPECT_EQ(ErrorOf("* * * * fri-mon"), "day-of-week (field 5): range fri-mon goes backwards");
    EXPECT_EQ(ErrorOf("* * * * 7-1"), "day-of-week (field 5): range 7-1 goes backwards");
    EXPECT_EQ(ErrorOf("@fortnightly"), "unknown macro '@fortnightly'");
    EXPECT_EQ(ErrorOf("@daily 0"), "unknown macro '@daily 0'");
    EXPECT_EQ(ErrorOf("1,,2 * * * *"), "minute (field 1): empty item in list '1,,2'");
    EXPECT_EQ(ErrorOf("1, * * * *"), "minute (field 1): empty item in list '1,'");
    EXPECT_EQ(ErrorOf(",1 * * * *"), "minute (field 1): empty item in list ',1'");
    EXPECT_EQ(ErrorOf("jan * * * *"), "minute (field 1): 'jan' is not a number");
    EXPECT_EQ(ErrorOf("* 1x * * *"), "hour (field 2): '1x' is not a number");
    EXPECT_EQ(ErrorOf("-5 * * * *"), "minute (field 1): missing value");
    EXPECT_EQ(ErrorOf("5- * * * *"), "minute (field 1): missing value");
    EXPECT_EQ(ErrorOf("1-2-3 * * * *"), "minute (field 1): '2-3' is not a number");
    EXPECT_EQ(ErrorOf("*-5 * * * *"), "minute (field 1): '*' is not a number");
    EXPECT_EQ(ErrorOf("** * * * *"), "minute (field 1): '**' is not a number");
    // The first bad field is reported.
    EXPECT_EQ(ErrorOf("99 99 * * *"), "minute (field 1): 99 is out of range 0-59");
}

TEST(CronTest, TimeZoneNames) {
    EXPECT_EQ(ErrorOf("* * * * *", "Mars/Base"), "unknown time zone 'Mars/Base'");
    EXPECT_EQ(ErrorOf("* * * * *", ""), "unknown time zone ''");
    EXPECT_EQ(ErrorOf("* * * * *", "/usr/share/zoneinfo/Europe/Paris"),
              "unknown time zone '/usr/share/zoneinfo/Europe/Paris'");
    EXPECT_EQ(ErrorOf("* * * * *", "../zoneinfo/Europe/Paris"), "unknown time zone '../zoneinfo/Europe/Paris'");
    EXPECT_EQ(ErrorOf("* * * * *", "localtime"), "unknown time zone 'localtime'");
    // The expression is checked first.
    EXPECT_EQ(ErrorOf("0 25 * * *", "Mars/Base"), "hour (field 2): 25 is out of range 0-23");
    const auto schedule = Must("  0\t12  * *   mon  ", "America/New_York");
    EXPECT_EQ(schedule.expression(), "  0\t12  * *   mon  ");
    EXPECT_EQ(schedule.zone(), "America/New_York");
    EXPECT_EQ(Iso(schedule.Next(At("2026-01-01T00:00:00Z"))), "2026-01-05T17:00:00Z");
    EXPECT_EQ(Must("* * * * *").zone(), "UTC");
    EXPECT_EQ(Iso(Must("0 0 * * *", "Etc/UTC").Next(At("2026-01-01T00:00:00Z"))), "2026-01-02T00:00:00Z");
}

TEST(CronTest, ChainingNeverRepeatsNorGoesBackwards) {
    for (const char* zone : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe"}) {
        for (const char* expression : {"* * * * *", "*/5 1-3 * * *", "0,30 2 * * *", "0-59/10 1-2 * * *"}) {
            std::set<TimePoint> seen;
            for (const auto& run :
                 RunsBetween(Must(expression, zone), At("2026-03-01T00:00:00Z"), At("2026-04-10T00:00:00Z"))) {
                EXPECT_TRUE(seen.insert(run).second) << expression << " in " << zone << ": " << Iso(run);
            }
            EXPECT_FALSE(seen.empty());
        }
    }
}

}  // namespace
}  // namespace dihya::scheduler
