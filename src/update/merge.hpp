#pragma once

// Three-way merge of one text file, for `dihya update` (libgit2's git_merge_file, the xdiff merge git itself uses).

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dihya::update {

inline constexpr std::string_view kYoursLabel = "yours";
inline constexpr std::string_view kGeneratedLabel = "generated";

struct MergedText {
    std::string text;
    bool clean = false;  // false: `text` holds conflict markers
};

/// Merges the changes from `base` to `yours` and from `base` to `generated`. Regions both sides changed differently
/// are written as git does, with 7-character markers:
///
///     <<<<<<< yours
///     (your lines)
///     =======
///     (the generated lines)
///     >>>>>>> generated
///
/// Only for text (see IsText); errors are kInternal.
Result<MergedText> MergeText(std::string_view base, std::string_view yours, std::string_view generated);

/// Text that can be merged line by line: valid UTF-8 without NUL bytes.
bool IsText(std::string_view content);

}  // namespace dihya::update
