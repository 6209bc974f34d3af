#include "auth/permissions.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace dihya::auth {

namespace {

constexpr Grant N = Grant::kNone;
constexpr Grant O = Grant::kOwn;
constexpr Grant A = Grant::kAll;

constexpr std::array kTable{
    Permission{Action::kCatalogRead, "catalog:read", "catalog", "read stacks, domains, features, field types", A, A, A},
    Permission{Action::kAnalyze, "analyze", "specification", "analyse a free-text specification", A, A, A},
    Permission{Action::kGenerate, "generate", "archive", "generate a project archive without saving it", A, A, A},
    Permission{Action::kAccountRead, "account:read", "account", "read the profile, sessions, consents", O, O, O},
    Permission{Action::kAccountWrite, "account:write", "account", "change profile, password, consents", O, O, O},
    Permission{Action::kAccountDelete, "account:delete", "account", "erase the account and its data (GDPR)", O, O, O},
    Permission{Action::kAccountExport, "account:export", "account", "export every personal datum held (GDPR)", O, O, O},
    Permission{Action::kApiKeysManage, "api_keys:manage", "API key", "create, list and revoke personal API keys", N, O,
               O},
    Permission{Action::kProjectsRead, "projects:read", "project", "read saved projects and their generations", N, O, A},
    Permission{Action::kProjectsWrite, "projects:write", "project", "create, change, delete projects; generate", N, O,
               O},
    Permission{Action::kUsersRead, "users:read", "user", "list and search accounts", N, N, A},
    Permission{Action::kUsersManage, "users:manage", "user", "change roles, disable and enable accounts", N, N, A},
    Permission{Action::kAuditRead, "audit:read", "audit entry", "read the audit log", N, N, A},
    Permission{Action::kPacksRead, "packs:read", "template pack", "list and export template packs", A, A, A},
    Permission{Action::kPacksManage, "packs:manage", "template pack", "import and remove template packs", N, O, A},
    Permission{Action::kPluginsRead, "plugins:read", "plugin", "list plugins and their hooks", N, A, A},
    Permission{Action::kPluginsManage, "plugins:manage", "plugin",
               "install and remove plugins, enable them on projects", N, O, A},
    Permission{Action::kMarketplaceRead, "marketplace:read", "marketplace item", "browse the marketplace", A, A, A},
    Permission{Action::kMarketplacePublish, "marketplace:publish", "marketplace item",
               "publish items and their new versions", N, O, O},
    Permission{Action::kMarketplaceModerate, "marketplace:moderate", "marketplace item",
               "review versions: approve, reject, yank", N, N, A},
    Permission{Action::kMarketplaceInstall, "marketplace:install", "marketplace item",
               "install items into the workspace; rate and review them", N, O, O},
    Permission{Action::kNotificationsOwn, "notifications", "notification", "read notifications, set preferences", O, O,
               O},
    Permission{Action::kRealtimeConnect, "realtime", "channel", "WebSocket, server-sent events, collaboration", N, O,
               O},
    Permission{Action::kJobsManage, "jobs:manage", "scheduled job", "list, run and pause scheduled jobs", N, N, A},
    Permission{Action::kBackupsManage, "backups:manage", "backup", "make, list and restore backups", N, N, A},
    Permission{Action::kPluginsTest, "plugins:test", "plugin", "run a plugin's hook in its sandbox", N, A, A},
    Permission{Action::kPluginsEnableForAll, "plugins:enable_for_all", "plugin",
               "enable a plugin for every project (or stop it)", N, N, A},
};

std::string_view GrantText(Grant g) {
    switch (g) {
        case Grant::kNone: return "—";
        case Grant::kOwn: return "own";
        case Grant::kAll: return "yes";
    }
    return "—";
}

}  // namespace

std::string_view RoleName(Role role) {
    switch (role) {
        case Role::kGuest: return "guest";
        case Role::kUser: return "user";
        case Role::kAdmin: return "admin";
    }
    return "guest";
}

std::optional<Role> ParseRole(std::string_view name) {
    if (name == "guest") return Role::kGuest;
    if (name == "user") return Role::kUser;
    if (name == "admin") return Role::kAdmin;
    return std::nullopt;
}

std::span<const Permission> Permissions() {
    return kTable;
}

const Permission& PermissionOf(Action action) {
    for (const auto& p : kTable) {
        if (p.action == action) return p;
    }
    throw std::logic_error("action missing from the permission table");
}

const Permission* FindPermission(std::string_view name) {
    for (const auto& p : kTable) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

Grant GrantOf(const Permission& p, Role role) {
    switch (role) {
        case Role::kGuest: return p.guest;
        case Role::kUser: return p.user;
        case Role::kAdmin: return p.admin;
    }
    return Grant::kNone;
}

Result<void> Authorize(const Principal& principal, Action action, std::optional<std::string_view> owner_id) {
    const Permission& p = PermissionOf(action);
    const Grant grant = GrantOf(p, principal.role);
    const bool signed_in = principal.authenticated();
    if (grant == Grant::kNone || (grant == Grant::kOwn && !signed_in)) {
        const bool as_user = p.user != Grant::kNone || p.admin != Grant::kNone;
        if (!signed_in && as_user) {
            return MakeError(ErrorCode::kUnauthenticated, "sign in to " + std::string(p.description));
        }
        return MakeError(ErrorCode::kPermissionDenied, "your role (" + std::string(RoleName(principal.role)) +
                                                           ") may not " + std::string(p.description));
    }
    if (!principal.api_key_id.empty() &&
        std::find(principal.scopes.begin(), principal.scopes.end(), p.name) == principal.scopes.end()) {
        return MakeError(ErrorCode::kPermissionDenied, "this API key lacks the scope " + std::string(p.name) + " (" +
                                                           std::string(p.description) + ")");
    }
    if (grant == Grant::kOwn && owner_id && *owner_id != principal.user_id) {
        return MakeError(ErrorCode::kNotFound, "no such " + std::string(p.resource));
    }
    return Ok();
}

bool CanActOnAll(const Principal& principal, Action action) {
    const Permission& p = PermissionOf(action);
    if (GrantOf(p, principal.role) != Grant::kAll) return false;
    return principal.api_key_id.empty() ||
           std::find(principal.scopes.begin(), principal.scopes.end(), p.name) != principal.scopes.end();
}

std::string PermissionsMarkdown() {
    std::string out =
        "# Permissions\n\n"
        "<!-- Rendered from src/auth/permissions.cpp (auth::PermissionsMarkdown); a unit test keeps them equal. -->\n\n"
        "Roles: **guest** (unauthenticated callers, and accounts given the guest role), **user**, **admin**.\n"
        "`yes`: on every resource of that kind; `own`: only on the caller's own resources (another user's look "
        "absent: 404); `—`: refused (401 for guests who could do it signed in, else 403).\n\n"
        "A personal API key acts with its owner's role, limited to the scopes it was created with: the scope of an "
        "action is its name in the first column. Access tokens carry the full rights of the role.\n\n"
        "| action (scope) | resource | what | guest | user | admin |\n"
        "|---|---|---|---|---|---|\n";
    for (const auto& p : kTable) {
        out += "| `" + std::string(p.name) + "` | " + std::string(p.resource) + " | " + std::string(p.description) +
               " | " + std::string(GrantText(p.guest)) + " | " + std::string(GrantText(p.user)) + " | " +
               std::string(GrantText(p.admin)) + " |\n";
    }
    out +=
        "\nGuest-role accounts also act on their own account (`own` rows above): profile, consents, export and "
        "erasure are everyone's rights.\n"
        "\nAdmin safeguards: the last active admin cannot be demoted, disabled or erased; admins cannot change "
        "their own role or disable themselves through the admin API.\n"
        "\n## Sign-in throttling\n\n"
        "Failed sign-ins are counted per client address *and* account, and per client address across accounts "
        "(keys are keyed hashes, never the address or email). After `auth.throttle_free_failures` failures of one "
        "client on one account, each further attempt from that client on that account waits an exponentially "
        "growing delay (from `auth.throttle_base_delay_ms`), then is refused for `auth.throttle_lock_seconds` "
        "after `auth.throttle_lock_after` failures: 429 with Retry-After. A client that guesses across many "
        "accounts meets the same back-off after `auth.throttle_ip_free_failures` failures. The account's owner, "
        "signing in from another address, is never slowed or locked out by a stranger's guesses; a successful "
        "sign-in clears that client's count for the account, and a password reset clears every count of the "
        "account. Unknown emails are throttled the same way and cost the same Argon2 verification, so timing "
        "does not reveal which addresses have accounts; registering an address that has an account answers as "
        "for a new one and mails the owner instead.\n"
        "\nThe trade-off: an attacker with many addresses gets the free failures once per address; the password "
        "policy (12+ characters or a four-word passphrase, not a common password) and Argon2id's cost are what "
        "bound such distributed guessing.\n";
    return out;
}

}  // namespace dihya::auth
