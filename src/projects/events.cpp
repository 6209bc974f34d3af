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
