#pragma once

#include "audit/audit_log.hpp"
#include "core/audit_sink.hpp"

namespace dihya::audit {

/// Services record their events through the core AuditSink interface; this one appends them to the audit log.
class LogSink final : public AuditSink {
public:
    explicit LogSink(const AuditLog& log) : log_(log) {}
    Result<void> Record(storage::Session& session, const AuditEvent& event) override;

private:
    const AuditLog& log_;
};

}  // namespace dihya::audit
