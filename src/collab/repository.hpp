#pragma once

// The stored collaborative documents: each project's Yjs updates in order (migrations/010_collab.sql). SQL in
// queries/collab.sql.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/db.hpp"

namespace dihya::collab {

struct UpdateRow {
    std::int64_t seq = 0;
    std::string data;
};

class CollabRepository final {
public:
    using S = storage::Session;

    /// Oldest first.
    Result<std::vector<UpdateRow>> Load(S& s, const std::string& project_id) const;
    /// Appends `data` after the last update; returns its seq.
    Result<std::int64_t> Append(S& s, const std::string& project_id, const std::string& data,
                                const std::string& now) const;
    /// Replaces the updates up to `through` by `merged` (compaction); returns the new seq.
    Result<std::int64_t> Compact(S& s, const std::string& project_id, std::int64_t through, const std::string& merged,
                                 const std::string& now) const;
};

}  // namespace dihya::collab
