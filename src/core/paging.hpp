#pragma once

// Cursor pagination shared by the services: lists ordered by (created_at, id) newest first, and a cursor that is
// the opaque form of the last row's pair.

#include <string>
#include <utility>

#include "core/result.hpp"

namespace dihya {

/// The cursor after a row: base64url of "created_at|id".
std::string PageCursor(const std::string& created_at, const std::string& id);

/// {created_at, id} of a cursor PageCursor gave; {"", ""} for an empty cursor (the first page); kInvalidArgument
/// naming `cursor` for anything else.
Result<std::pair<std::string, std::string>> ParsePageCursor(const std::string& cursor);

}  // namespace dihya
