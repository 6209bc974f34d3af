#pragma once

#include "http/app.hpp"
#include "notifications/service.hpp"

namespace dihya::notifications {

/// /api/v1/notifications[/unread-count|/read-all|/preferences|/{id}[/read]].
void Register(http::App& app, NotificationsService& service);

}  // namespace dihya::notifications
