#pragma once

#include "core/event_sink.hpp"
#include "core/notifier.hpp"
#include "jobs/queue.hpp"
#include "projects/service.hpp"
#include "realtime/channels.hpp"

namespace dihya::projects {

/// Generations told live: generation.progress (status, step, files done of total) on generation:{id} and
/// project:{id}; generation.log (each log line) on generation:{id}; generation.finished (status, error) on
/// generation:{id}, project:{id} and the owner's user:{id}.
void PublishGenerations(jobs::Queue& queue, EventSink& events);

/// The owner of a generation is notified when it ends: generation.succeeded or generation.failed (kinds of
/// notifications/kinds.yaml), with the project's title, the files and the error, leading to the generation's page.
void NotifyGenerations(jobs::Queue& queue, Notifier& notifier);

/// project:{id} and generation:{id}: watched by whoever may read the project.
void AddChannels(realtime::ChannelGuard& guard, ProjectsService& service);

}  // namespace dihya::projects
