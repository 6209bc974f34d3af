#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dihya::auth {

/// admin > user > guest. Guests are unauthenticated callers, or accounts given the guest role.
enum class Role { kGuest, kUser, kAdmin };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

/// Who is calling, as established by the auth middleware from a bearer token or an API key. Services decide
/// with it (see permissions.hpp); they never see HTTP types.
struct Principal {
    std::string user_id;  // empty for guests
    Role role = Role::kGuest;
    std::string session_id;  // login session of an access token; empty for API keys
    std::string api_key_id;  // set when authenticated with a personal API key
    /// Scopes of an API key; empty for access tokens (which carry the role's full rights).
    std::vector<std::string> scopes;
    std::string auth_time;  // when the session was created (ISO-8601), for actions that need a recent login

    bool authenticated() const { return !user_id.empty(); }
    static Principal Guest() { return {}; }
};

}  // namespace dihya::auth
