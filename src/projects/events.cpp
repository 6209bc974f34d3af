#include "projects/events.hpp"

#include <boost/json.hpp>

namespace dihya::projects {

namespace json = boost::json;

void PublishGenerations(jobs::Queue& queue, EventSink& events) {
    queue.Observe([&events](const jobs::Job& job, const jobs::Event* line) {
        if (job.kind != kGenerationJob) return;
        const std::string generation = "generation:" + job.id;
        if (line != nullptr) {
            events.Publish(
                generation, "generation.log",
                json::object{{"generation", job.id}, {"seq", line->seq}, {"at", line->at}, {"message", line->message}});
            return;
        }
        json::object state{{"generation", job.id}, {"project", job.subject_id}, {"status", job.status},
                           {"step", job.step},     {"done", job.done},          {"total", job.total}};
        const std::string project = "project:" + job.subject_id;
        if (!job.finished()) {
            events.Publish(generation, "generation.progress", state);
            events.Publish(project, "generation.progress", state);
            return;
        }
        if (!job.error.empty()) state["error"] = job.error;
        events.Publish(generation, "generation.finished", state);
        events.Publish(project, "generation.finished", state);
        if (!job.owner_id.empty()) events.Publish("user:" + job.owner_id, "generation.finished", state);
    });
}

void NotifyGenerations(jobs::Queue& queue, Notifier& notifier) {
    queue.Observe([&notifier](const jobs::Job& job, const jobs::Event* line) {
        if (job.kind != kGenerationJob || line != nullptr || !job.finished() || job.status == "cancelled" ||
            job.owner_id.empty()) {
            return;
        }
        std::string title = job.subject_id;
        if (const auto* spec = job.input.is_object() ? job.input.as_object().if_contains("spec") : nullptr) {
            if (const auto* t = spec->is_object() ? spec->as_object().if_contains("title") : nullptr) {
                if (t->is_string() && !t->get_string().empty()) title = std::string(t->get_string());
            }
        }
        json::object data{{"project", title}, {"project_id", job.subject_id}, {"generation", job.id}};
        const bool ok = job.status == "succeeded";
        if (ok) {
            const auto* files = job.result.is_object() ? job.result.as_object().if_contains("files") : nullptr;
            data["files"] = files != nullptr ? *files : json::value(0);
        } else {
            data["error"] = job.error;
        }
        notifier.Notify(job.owner_id, ok ? "generation.succeeded" : "generation.failed", data,
                        "/projects/" + job.subject_id + "/generations/" + job.id);
    });
}

void AddChannels(realtime::ChannelGuard& guard, ProjectsService& service) {
    guard.Add("project", "project:{id}", [&service](const auth::Principal& who, const std::string& id) -> Result<void> {
        if (id.empty()) return MakeError(ErrorCode::kInvalidArgument, "project:{id} names a project");
        return service.CanWatchProject(who, id);
    });
    guard.Add("generation", "generation:{id}",
              [&service](const auth::Principal& who, const std::string& id) -> Result<void> {
                  if (id.empty()) return MakeError(ErrorCode::kInvalidArgument, "generation:{id} names a generation");
                  return service.CanWatchGeneration(who, id);
              });
}

}  // namespace dihya::projects
