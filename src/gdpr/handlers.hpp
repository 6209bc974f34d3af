#pragma once

#include "gdpr/service.hpp"
#include "http/app.hpp"

namespace dihya::gdpr {

/// POST /api/v1/users/me/export, GET /api/v1/users/me/exports[/{id}[/archive]], DELETE /api/v1/users/me.
void Register(http::App& app, GdprService& service);

}  // namespace dihya::gdpr
