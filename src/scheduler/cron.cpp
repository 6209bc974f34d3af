#include "scheduler/cron.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <span>
#include <utility>
#include <vector>

#include <cctz/civil_time.h>

#include "core/text.hpp"

namespace dihya::scheduler {

namespace {

using Seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct Field {
    std::string_view name;
    int min;
    int max;   // highest value written
    int last;  // where `*` and `a/s` end: 6 for the day of week, whose 7 is only another name for Sunday
    std::span<const std::string_view> names;  // names[i] stands for min + i
};

constexpr int kDayOfWeek = 4;
constexpr std::array<Field, 5> kFields = {{
    {"minute", 0, 59, 59, {}},
    {"hour", 0, 23, 23, {}},
    {"day-of-month", 1, 31, 31, {}},
    {"month", 1, 12, 12, kMonthNames},
    {"day-of-week", 0, 7, 6, kWeekdayNames},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kMacros = {{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

bool IsBlank(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool IsDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsLetters(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

std::vector<std::string_view> SplitBlanks(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && IsBlank(s[i])) ++i;
        std::size_t j = i;
        while (j < s.size() && !IsBlank(s[j])) ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

// Digits as a number, saturating at a value larger than any field or step needs.
int ToNumber(std::string_view digits) {
    int n = 0;
    for (char c : digits) n = std::min(n * 10 + (c - '0'), 1'000'000);
    return n;
}

Error FieldError(int field, const std::string& reason) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(kFields[field].name) + " (field " + std::to_string(field + 1) + "): " + reason);
}

Result<int> ParseValue(int field, std::string_view token) {
    const Field& f = kFields[field];
    if (IsDigits(token)) {
        const int value = ToNumber(token);
        if (value < f.min || value > f.max) {
            return FieldError(
                field, std::string(token) + " is out of range " + std::to_string(f.min) + "-" + std::to_string(f.max));
        }
        return value;
    }
    if (!f.names.empty() && IsLetters(token)) {
        const auto it = std::find(f.names.begin(), f.names.end(), AsciiLower(token));
        if (it == f.names.end()) return FieldError(field, "unknown name '" + std::string(token) + "'");
        return f.min + static_cast<int>(it - f.names.begin());
    }
    if (token.empty()) return FieldError(field, "missing value");
    return FieldError(field, "'" + std::string(token) + "' is not a number");
}

// One list item: `*`, `a`, `a-b`, each optionally followed by `/step`.
Result<std::uint64_t> ParseItem(int field, std::string_view item) {
    const Field& f = kFields[field];
    const std::size_t slash = item.find('/');
    const std::string_view base = item.substr(0, slash);
    int step = 1;
    if (slash != std::string_view::npos) {
        const std::string_view text = item.substr(slash + 1);
        if (!IsDigits(text)) return FieldError(field, "step '" + std::string(text) + "' is not a number");
        step = ToNumber(text);
        if (step == 0) return FieldError(field, "step 0 is not allowed");
    }
    int lo = f.min;
    int hi = f.last;
    if (base != "*") {
        const std::size_t dash = base.find('-');
        auto first = ParseValue(field, base.substr(0, dash));
        if (!first) return first.take_error();
        lo = *first;
        hi = slash == std::string_view::npos ? lo : std::max(lo, f.last);
        if (dash != std::string_view::npos) {
            auto second = ParseValue(field, base.substr(dash + 1));
            if (!second) return second.take_error();
            hi = *second;
            if (hi < lo) return FieldError(field, "range " + std::string(base) + " goes backwards");
        }
    }
    std::uint64_t bits = 0;
    for (int v = lo; v <= hi; v += step) {
        bits |= std::uint64_t{1} << (field == kDayOfWeek && v == 7 ? 0 : v);
    }
    return bits;
}

Result<std::uint64_t> ParseField(int field, std::string_view text) {
    std::uint64_t bits = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
        if (item.empty()) return FieldError(field, "empty item in list '" + std::string(text) + "'");
        auto item_bits = ParseItem(field, item);
        if (!item_bits) return item_bits.take_error();
        bits |= *item_bits;
        if (comma == std::string_view::npos) return bits;
        start = comma + 1;
    }
}

// The parsed fields, matched against civil times of the schedule's zone.
struct Matcher {
    std::uint64_t minutes;
    std::uint32_t hours;
    std::uint32_t days;
    std::uint16_t months;
    std::uint8_t weekdays;
    bool either_day;  // both day fields restricted: a day matching either is due

    bool DayMatches(const cctz::civil_day& d) const {
        const int weekday = (static_cast<int>(cctz::get_weekday(d)) + 1) % 7;  // cctz counts from Monday
        const bool by_day = (days >> d.day()) & 1;
        const bool by_weekday = (weekdays >> weekday) & 1;
        return either_day ? by_day || by_weekday : by_day && by_weekday;
    }

    // The first matching civil minute at or after `m` and before `limit`, skipping whole months, days and hours.
    std::optional<cctz::civil_minute> Find(cctz::civil_minute m, const cctz::civil_second& limit) const {
        while (cctz::civil_second(m) < limit) {
            if (!((months >> m.month()) & 1)) {
                m = cctz::civil_minute(cctz::civil_month(m) + 1);
                continue;
            }
            if (!DayMatches(cctz::civil_day(m))) {
                m = cctz::civil_minute(cctz::civil_day(m) + 1);
                continue;
            }
            const std::uint32_t hour_bits = hours >> m.hour();
            if (hour_bits == 0) {
                m = cctz::civil_minute(cctz::civil_day(m) + 1);
                continue;
            }
            if (!(hour_bits & 1)) {
                m = cctz::civil_minute(cctz::civil_hour(m) + std::countr_zero(hour_bits));
                continue;
            }
            const std::uint64_t minute_bits = minutes >> m.minute();
            if (minute_bits == 0) {
                m = cctz::civil_minute(cctz::civil_hour(m) + 1);
                continue;
            }
            if (!(minute_bits & 1)) {
                m += std::countr_zero(minute_bits);
                continue;
            }
            return m;
        }
        return std::nullopt;
    }
};

// Follows real time: each instant from `s` on whose wall-clock time matches. Local time only runs monotonically
// between offset changes, so the search goes segment by segment.
std::optional<Seconds> NextRealTime(const Matcher& matcher, const cctz::time_zone& zone, Seconds s, Seconds end) {
    while (s < end) {
        const cctz::civil_second local = zone.lookup(s).cs;
        Seconds segment_end = end;
        cctz::time_zone::civil_transition transition;
        if (zone.next_transition(s, &transition)) segment_end = std::min(end, zone.lookup(transition.to).trans);
        if (segment_end <= s) return std::nullopt;
        const cctz::civil_second limit = local + (segment_end - s).count();
        const cctz::civil_minute from = cctz::civil_minute(local) + (local.second() == 0 ? 0 : 1);
        if (const auto hit = matcher.Find(from, limit))
            return s + std::chrono::seconds(cctz::civil_second(*hit) - local);
        s = segment_end;
    }
    return std::nullopt;
}

// Fixed time: each matching local time once — at its first occurrence when repeated, at the end of the gap when
// skipped. That maps local times to instants monotonically, so the first match due after `after` is the answer.
std::optional<Seconds> NextFixedTime(const Matcher& matcher, const cctz::time_zone& zone, CronSchedule::TimePoint after,
                                     Seconds end) {
    cctz::civil_minute from(zone.lookup(std::chrono::floor<std::chrono::seconds>(after)).cs);
    const cctz::civil_second limit = zone.lookup(end).cs;
    while (const auto hit = matcher.Find(from, limit)) {
        const auto found = zone.lookup(cctz::civil_second(*hit));
        const Seconds at = found.kind == cctz::time_zone::civil_lookup::SKIPPED ? found.trans : found.pre;
        if (at > after) return at;
        from = *hit + 1;
    }
    return std::nullopt;
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view expression, std::string_view zone) {
    std::string_view text = expression;
    while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
    while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
    if (text.starts_with('@')) {
        const std::string name = AsciiLower(text);
        const auto macro = std::find_if(kMacros.begin(), kMacros.end(), [&](const auto& m) { return m.first == name; });
        if (macro == kMacros.end()) {
            return MakeError(ErrorCode::kInvalidArgument, "unknown macro '" + std::string(text) + "'");
        }
        text = macro->second;
    }
    const std::vector<std::string_view> fields = SplitBlanks(text);
    if (fields.size() != kFields.size()) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "expected 5 fields (minute hour day-of-month month day-of-week), got " + std::to_string(fields.size()));
    }
    std::array<std::uint64_t, 5> bits{};
    for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
        auto field_bits = ParseField(i, fields[i]);
        if (!field_bits) return field_bits.take_error();
        bits[i] = *field_bits;
    }

    CronSchedule schedule;
    if (zone == "UTC") {
        schedule.zone_ = cctz::utc_time_zone();
    } else if (zone.empty() || zone.starts_with('/') || zone.find("..") != std::string_view::npos ||
               zone == "localtime" || !cctz::load_time_zone(std::string(zone), &schedule.zone_)) {
        // Only names of the zone database: no file paths, no machine-dependent local zone.
        return MakeError(ErrorCode::kInvalidArgument, "unknown time zone '" + std::string(zone) + "'");
    }
    schedule.expression_ = std::string(expression);
    schedule.zone_name_ = std::string(zone);
    schedule.minutes_ = bits[0];
    schedule.hours_ = static_cast<std::uint32_t>(bits[1]);
    schedule.days_ = static_cast<std::uint32_t>(bits[2]);
    schedule.months_ = static_cast<std::uint16_t>(bits[3]);
    schedule.weekdays_ = static_cast<std::uint8_t>(bits[4]);
    schedule.day_restricted_ = !fields[2].starts_with('*');
    schedule.weekday_restricted_ = !fields[4].starts_with('*');
    schedule.follows_real_time_ = fields[0].starts_with('*') || fields[1].starts_with('*');
    return schedule;
}

std::optional<CronSchedule::TimePoint> CronSchedule::Next(TimePoint after) const {
    constexpr auto kHorizon = std::chrono::years(5);
    if (after > TimePoint::max() - 2 * kHorizon) return std::nullopt;
    const Matcher matcher{minutes_, hours_, days_, months_, weekdays_, day_restricted_ && weekday_restricted_};
    const Seconds start = std::chrono::floor<std::chrono::minutes>(after) + std::chrono::minutes(1);
    const Seconds end = start + std::chrono::duration_cast<std::chrono::seconds>(kHorizon);
    const std::optional<Seconds> at =
        follows_real_time_ ? NextRealTime(matcher, zone_, start, end) : NextFixedTime(matcher, zone_, after, end);
    if (!at) return std::nullopt;
    // Offsets and transitions are whole minutes in modern data; round up any historic odd second.
    return std::chrono::ceil<std::chrono::minutes>(*at);
}

}  // namespace dihya::scheduler
