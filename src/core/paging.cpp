#include "core/paging.hpp"

#include "core/crypto.hpp"

namespace dihya {

std::string PageCursor(const std::string& created_at, const std::string& id) {
    return crypto::Base64UrlEncode(created_at + "|" + id);
}

Result<std::pair<std::string, std::string>> ParsePageCursor(const std::string& cursor) {
    if (cursor.empty()) return std::pair<std::string, std::string>();
    auto raw = crypto::Base64UrlDecode(cursor);
    const auto bar = raw ? raw->find('|') : std::string::npos;
    if (!raw || bar == std::string::npos) {
        return MakeError(ErrorCode::kInvalidArgument, "cursor is not one this server gave", {{"cursor", "is invalid"}});
    }
    return std::pair<std::string, std::string>(raw->substr(0, bar), raw->substr(bar + 1));
}

}  // namespace dihya
