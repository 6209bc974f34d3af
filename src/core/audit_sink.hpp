#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "core/request_context.hpp"
#include "core/result.hpp"

namespace dihya::storage {
class Session;
}

namespace dihya {

/// Something worth an audit entry: who did what to what. `details` never holds secrets or personal data.
struct AuditEvent {
    std::string actor_id;  // user id; empty for the system or a guest
    std::string action;    // e.g. "auth.login", "user.role_changed"
    std::string target_type;
    std::string target_id;
    boost::json::object details;
    RequestContext context;
};

/// Where services record audit events, inside their own transaction so the action and its entry commit together.
class AuditSink {
public:
    virtual ~AuditSink() = default;
    virtual Result<void> Record(storage::Session& session, const AuditEvent& event) = 0;
};

}  // namespace dihya
