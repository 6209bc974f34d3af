#include "realtime/channels.hpp"

#include "auth/permissions.hpp"

namespace dihya::realtime {

Result<ChannelName> ParseChannel(std::string_view channel) {
    auto bad = [&](const std::string& why) {
        return MakeError(ErrorCode::kInvalidArgument, "channel '" + std::string(channel.substr(0, 80)) + "': " + why,
                         {{"channel", why}});
    };
    const std::size_t colon = channel.find(':');
    const std::string_view kind = channel.substr(0, colon);
    if (kind.empty() || kind.size() > 32) return bad("a channel is kind or kind:id, e.g. project:<id>");
    for (char c : kind) {
        if (c < 'a' || c > 'z') return bad("the kind is lower-case letters");
    }
    ChannelName out{std::string(kind), ""};
    if (colon == std::string_view::npos) return out;
    const std::string_view id = channel.substr(colon + 1);
    if (id.empty() || id.size() > 64) return bad("the id after ':' has 1 to 64 characters");
    for (char c : id) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return bad("the id is letters, digits, '-' and '_'");
    }
    out.id = std::string(id);
    return out;
}

void ChannelGuard::Add(std::string kind, std::string doc, Check check) {
    kinds_[std::move(kind)] = Entry{std::move(doc), std::move(check)};
}

std::string ChannelGuard::Kinds() const {
    std::string out;
    for (const auto& [kind, e] : kinds_) out += (out.empty() ? "" : ", ") + e.doc;
    return out;
}

Result<void> ChannelGuard::Authorize(const auth::Principal& who, std::string_view channel) const {
    auto name = ParseChannel(channel);
    if (!name) return name.take_error();
    const auto it = kinds_.find(name->kind);
    if (it == kinds_.end()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "no channel of kind '" + name->kind + "': the channels are " + Kinds(),
                         {{"channel", "unknown kind"}});
    }
    if (!who.authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in to watch channels");
    if (auto ok = auth::Authorize(who, auth::Action::kRealtimeConnect); !ok) return ok;  // an API key's scopes
    return it->second.check(who, name->id);
}

void AddBuiltinChannels(ChannelGuard& guard) {
    guard.Add("user", "user:{your user id}", [](const auth::Principal& who, const std::string& id) -> Result<void> {
        if (id.empty()) return MakeError(ErrorCode::kInvalidArgument, "user:{id} names a user");
        if (id != who.user_id) {
            return MakeError(ErrorCode::kPermissionDenied, "a user channel is watched by its user only");
        }
        return Ok();
    });
    guard.Add("marketplace", "marketplace", [](const auth::Principal&, const std::string& id) -> Result<void> {
        if (!id.empty()) return MakeError(ErrorCode::kInvalidArgument, "the marketplace channel has no id");
        return Ok();
    });
}

}  // namespace dihya::realtime
