#include "core/clock.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace dihya {

std::string FormatTime(TimePoint t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    int millis = static_cast<int>(ms % 1000);
    if (millis < 0) {
        millis += 1000;
        --secs;
    }
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buf;
}

std::optional<TimePoint> ParseTime(std::string_view s) {
    auto num = [&](std::size_t pos, std::size_t len, int& out) {
        if (pos + len > s.size()) return false;
        auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
        return ec == std::errc() && p == s.data() + pos + len;
    };
    int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0, millis = 0;
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    if (!num(0, 4, year) || !num(5, 2, mon) || !num(8, 2, day) || !num(11, 2, hour) || !num(14, 2, min) ||
        !num(17, 2, sec)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    if (s[pos] == '.') {
        if (!num(pos + 1, 3, millis)) return std::nullopt;
        pos += 4;
    }
    if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    const std::time_t secs = timegm(&tm);
    return TimePoint(std::chrono::seconds(secs)) + std::chrono::milliseconds(millis);
}

}  // namespace dihya
