// A cron expression as written in the configuration (schedule.<job>.cron, scheduler/cron.hpp), in one of a few time
// zones with daylight saving picked by the first byte: it is either refused with a message, or parses, and then
// every due time Next gives is strictly later than the one before, on a whole minute — around the zones'
// transitions too — never a crash or a hang.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "scheduler/cron.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using dihya::fuzz::Check;
    if (size == 0) return 0;
    constexpr std::string_view kZones[] = {"UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe"};
    const std::string_view zone = kZones[data[0] % 4];
    const std::string_view text = dihya::fuzz::AsText(data + 1, size - 1);
    auto cron = dihya::scheduler::CronSchedule::Parse(text, zone);
    if (!cron) {
        Check(!cron.error().message.empty(), "a refusal without a message");
        return 0;
    }
    // 2026-03-29 00:00 UTC (Paris springs forward that night), then 2026-10-25 and 2026-11-01 (they fall back).
    for (const std::int64_t start : {1774742400LL, 1792540800LL, 1793145600LL}) {
        auto t = std::chrono::system_clock::time_point(std::chrono::seconds(start));
        for (int i = 0; i < 8; ++i) {
            const auto next = cron->Next(t);
            if (!next) break;
            Check(*next > t, "a due time not after the one before");
            Check(std::chrono::duration_cast<std::chrono::seconds>(next->time_since_epoch()).count() % 60 == 0,
                  "a due time not on a whole minute");
            t = *next;
        }
    }
    return 0;
}
