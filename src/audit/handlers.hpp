#pragma once

#include "audit/audit_log.hpp"
#include "http/app.hpp"

namespace dihya::audit {

/// GET /api/v1/admin/audit (admins): the audit log with filters and a cursor.
void Register(http::App& app, const AuditLog& log);

}  // namespace dihya::audit
