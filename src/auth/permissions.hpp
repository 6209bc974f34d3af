#pragma once

// The one permission table: who may do what on which resource. docs/permissions.md is rendered from it
// (PermissionsMarkdown) and a unit test keeps the two equal. Checks run in services, not only in routes.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "auth/principal.hpp"
#include "core/result.hpp"

namespace dihya::auth {

enum class Action {
    kCatalogRead,
    kAnalyze,
    kGenerate,
    kAccountRead,
    kAccountWrite,
    kAccountDelete,
    kAccountExport,
    kApiKeysManage,
    kProjectsRead,
    kProjectsWrite,
    kUsersRead,
    kUsersManage,
    kAuditRead,
    kPacksRead,
    kPacksManage,
    kPluginsRead,
    kPluginsManage,
    kMarketplaceRead,
    kMarketplacePublish,
    kMarketplaceModerate,
    kMarketplaceInstall,
    kNotificationsOwn,
    kRealtimeConnect,
    kJobsManage,
    kBackupsManage,
    kPluginsTest,
    kPluginsEnableForAll,
};

/// none: refused; own: only on resources the caller owns (others' look absent: 404); all: any resource.
enum class Grant { kNone, kOwn, kAll };

struct Permission {
    Action action;
    std::string_view name;  // also the API-key scope that allows it, e.g. "projects:write"
    std::string_view resource;
    std::string_view description;
    Grant guest;  // unauthenticated callers; accounts with the guest role get these too, plus `own` on their account
    Grant user;
    Grant admin;
};

std::span<const Permission> Permissions();
const Permission& PermissionOf(Action action);
/// The permission whose name (scope) is `name`.
const Permission* FindPermission(std::string_view name);

/// Grant of `role` for `action`.
Grant GrantOf(const Permission& p, Role role);

/// Allowed → Ok. Otherwise kUnauthenticated for guests who could do it signed in, kPermissionDenied for callers
/// whose role or API-key scopes do not allow it, and kNotFound when `owner_id` names another user's resource that
/// the caller may only act on as its owner (so existence does not leak).
Result<void> Authorize(const Principal& principal, Action action, std::optional<std::string_view> owner_id = {});

/// True when the caller may act on every resource of that kind (not only its own).
bool CanActOnAll(const Principal& principal, Action action);

/// docs/permissions.md.
std::string PermissionsMarkdown();

}  // namespace dihya::auth
