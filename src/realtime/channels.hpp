#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "auth/principal.hpp"
#include "core/result.hpp"

namespace dihya::realtime {

/// A channel name split: "project:3f…" → {project, 3f…}; "marketplace" → {marketplace, ""}.
struct ChannelName {
    std::string kind;
    std::string id;
};

/// kInvalidArgument unless `channel` is `kind` or `kind:id` (kind: lower-case letters; id: 1 to 64 letters, digits,
/// '-' or '_').
Result<ChannelName> ParseChannel(std::string_view channel);

/// Who may watch which channel. The module that owns a kind of channel registers its check (the projects module
/// checks project:{id} and generation:{id} as it checks reading them); a kind nobody registered does not exist.
class ChannelGuard final {
public:
    /// `id` is empty for channels without one (marketplace). The check returns kNotFound for what `who` may not
    /// know exists, kPermissionDenied otherwise.
    using Check = std::function<Result<void>(const auth::Principal& who, const std::string& id)>;

    void Add(std::string kind, std::string doc, Check check);
    Result<void> Authorize(const auth::Principal& who, std::string_view channel) const;
    /// "project:{id}, user:{id}, …" for error messages and docs.
    std::string Kinds() const;

private:
    struct Entry {
        std::string doc;
        Check check;
    };
    std::map<std::string, Entry, std::less<>> kinds_;
};

/// The channels every deployment has: user:{id} (only that user) and marketplace (any signed-in user).
void AddBuiltinChannels(ChannelGuard& guard);

}  // namespace dihya::realtime
