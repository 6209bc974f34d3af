#include "audit/sink.hpp"

namespace dihya::audit {

Result<void> LogSink::Record(storage::Session& session, const AuditEvent& event) {
    Entry e = EntryFor(event.context, event.action,
                       event.actor_id.empty() ? std::nullopt : std::optional<std::string>(event.actor_id));
    if (!event.target_type.empty()) e.target_type = event.target_type;
    if (!event.target_id.empty()) e.target_id = event.target_id;
    e.details = event.details;
    auto r = log_.Append(session, e);
    if (!r) return r.take_error();
    return Ok();
}

}  // namespace dihya::audit
