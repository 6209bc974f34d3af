#include "cli/scheduled_jobs.hpp"

#include <chrono>

#include <boost/json.hpp>

#include "plugins/registry.hpp"

namespace dihya::cli {

namespace json = boost::json;

namespace {

constexpr auto kDay = std::chrono::hours(24);
constexpr auto kRunsKept = 90 * kDay;               // history of scheduled runs
constexpr auto kGivenUpDeliveriesKept = 30 * kDay;  // mail and pushes that could not be delivered
constexpr auto kDigestHorizon = 7 * kDay;           // unread notifications older than this are not digested

std::string Summary(const json::object& removed) {
    std::string out;
    for (const auto& [kind, n] : removed) {
        out += (out.empty() ? "" : ", ") + std::string(kind) + ": " + json::serialize(n);
    }
    return out.empty() ? "nothing" : out;
}

}  // namespace

Result<void> AddScheduledJobs(Services& s) {
    auto& sched = *s.scheduler;
    const auto& configured = s.config.schedules;
    if (auto r = sched.Add({"gdpr-retention",
                            "the retention rules: never-verified accounts, ended sessions, expired links, old "
                            "exports (docs/privacy.md)",
                            "@hourly", "UTC",
                            [&s](const jobs::Job&, jobs::Progress& progress) -> Result<json::value> {
                                auto removed = s.gdpr->RunRetention();
                                if (!removed) return removed.take_error();
                                progress.Log("removed " + Summary(*removed));
                                return json::value(std::move(*removed));
                            }},
                           configured);
        !r) {
        return r;
    }
    if (auto r = sched.Add({"backup",
                            "a backup of the database into backup.dir, keeping the newest backup.keep "
                            "(docs/operations.md)",
                            "0 3 * * *", "UTC",
                            [&s](const jobs::Job&, jobs::Progress& progress) -> Result<json::value> {
                                auto made =
                                    s.backups->Make([&progress](const std::string& line) { progress.Log(line); });
                                if (!made) return made.take_error();
                                return json::value(std::move(*made));
                            }},
                           configured);
        !r) {
        return r;
    }
    if (auto r = sched.Add({"notification-digest",
                            "mails those who chose it a summary of their unread notifications since the last one "
                            "(docs/notifications.md)",
                            "0 8 * * *", "UTC",
                            [&s](const jobs::Job&, jobs::Progress& progress) -> Result<json::value> {
                                auto sent = s.notifications->SendDigests(s.clock.Now() - kDigestHorizon);
                                if (!sent) return sent.take_error();
                                progress.Log("mailed " + Summary(*sent));
                                return json::value(std::move(*sent));
                            }},
                           configured);
        !r) {
        return r;
    }
    if (auto r = sched.Add({"marketplace-stats",
                            "the day's counts of every marketplace item: downloads, installs, ratings (kept a year; "
                            "docs/marketplace.md)",
                            "55 23 * * *", "UTC",
                            [&s](const jobs::Job&, jobs::Progress& progress) -> Result<json::value> {
                                auto taken = s.market->SnapshotStats();
                                if (!taken) return taken.take_error();
                                progress.Log("took " + Summary(*taken));
                                return json::value(std::move(*taken));
                            }},
                           configured);
        !r) {
        return r;
    }
    if (auto r = sched.Add(
            {"cleanup",
             "housekeeping: scheduled runs older than 90 days; mail and pushes given up, and plugin event deliveries, "
             "older than 30 days",
             "40 3 * * *", "UTC",
             [&s](const jobs::Job&, jobs::Progress& progress) -> Result<json::value> {
                 const TimePoint now = s.clock.Now();
                 json::object removed;
                 auto runs = s.jobs->OldFinished(scheduler::kJobKind, FormatTime(now - kRunsKept));
                 if (!runs) return runs.take_error();
                 for (const auto& [id, result] : *runs) {
                     if (auto d = s.jobs->Delete(id); !d) return d.take_error();
                 }
                 removed["scheduled_runs"] = static_cast<std::int64_t>(runs->size());
                 auto deliveries = s.jobs->OldFinished(plugins::kEventJob, FormatTime(now - kGivenUpDeliveriesKept));
                 if (!deliveries) return deliveries.take_error();
                 for (const auto& [id, result] : *deliveries) {
                     if (auto d = s.jobs->Delete(id); !d) return d.take_error();
                 }
                 removed["plugin_event_deliveries"] = static_cast<std::int64_t>(deliveries->size());
                 if (s.mail_queue != nullptr) {
                     auto mail = s.mail_queue->DeleteGivenUpBefore(now - kGivenUpDeliveriesKept);
                     if (!mail) return mail.take_error();
                     removed["mail_given_up"] = *mail;
                 }
                 auto pushes = s.notifications->DeleteGivenUpPushesBefore(now - kGivenUpDeliveriesKept);
                 if (!pushes) return pushes.take_error();
                 removed["pushes_given_up"] = *pushes;
                 progress.Log("removed " + Summary(removed));
                 return json::value(std::move(removed));
             }},
            configured);
        !r) {
        return r;
    }
    return Ok();
}

}  // namespace dihya::cli
