#pragma once

// A format-neutral document tree with line numbers, built from YAML (yaml-cpp) or JSON (Boost.JSON), so that
// the ProjectModel checks run once for both and report the same lines.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

namespace dihya::model {

struct SpecNode;

struct SpecEntry {
    std::string key;
    int key_line = 0;
    const SpecNode* value = nullptr;  // owned by the SpecTree
};

struct SpecNode {
    enum class Kind { kNull, kScalar, kSequence, kMap };
    Kind kind = Kind::kNull;
    int line = 0;                        // 1-based; 0 when unknown
    std::string scalar;                  // kScalar: the text as written (numbers and booleans too)
    bool quoted = false;                 // kScalar: a string in quotes (JSON string, YAML '...' or "...")
    std::vector<const SpecNode*> items;  // kSequence
    std::vector<SpecEntry> entries;      // kMap, in document order, duplicates kept

    bool IsNull() const { return kind == Kind::kNull; }
    bool IsScalar() const { return kind == Kind::kScalar; }
    bool IsSequence() const { return kind == Kind::kSequence; }
    bool IsMap() const { return kind == Kind::kMap; }
    /// The first value under `key`, or nullptr.
    const SpecNode* Find(std::string_view key) const;
};

enum class SpecFormat { kYaml, kJson };

struct SpecSyntaxError {
    int line = 0;  // 1-based; 0 when unknown
    std::string reason;
};

/// Owns the nodes of one document; node addresses are stable.
class SpecTree final {
public:
    SpecTree() = default;
    SpecTree(const SpecTree&) = delete;
    SpecTree& operator=(const SpecTree&) = delete;
    SpecTree(SpecTree&&) = default;
    SpecTree& operator=(SpecTree&&) = default;

    const SpecNode* root() const { return root_; }
    const std::optional<SpecSyntaxError>& error() const { return error_; }

    /// Parses `text` (a leading UTF-8 byte order mark is ignored). On failure error() is set.
    static SpecTree Parse(std::string_view text, SpecFormat format);
    /// Wraps an already parsed JSON value (no line numbers).
    static SpecTree FromJson(const boost::json::value& value);

    /// Limits that keep hostile documents (deep nesting, alias bombs) cheap to reject.
    static constexpr int kMaxDepth = 32;
    static constexpr std::size_t kMaxNodes = 200000;

    SpecNode* NewNode();  // for the builders; returns nullptr past kMaxNodes
    void SetRoot(const SpecNode* root) { root_ = root; }
    void Fail(int line, std::string reason);

private:
    std::deque<SpecNode> nodes_;
    const SpecNode* root_ = nullptr;
    std::optional<SpecSyntaxError> error_;
};

/// The format named by a file extension (.json, .yaml, .yml; any case), if any.
std::optional<SpecFormat> FormatFromOrigin(std::string_view origin);
/// JSON when the first non-blank character is '{' or '[', else YAML.
SpecFormat SniffFormat(std::string_view text);

}  // namespace dihya::model
