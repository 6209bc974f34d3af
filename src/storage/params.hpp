#pragma once

// Bound parameters from plain C++ values, so repositories write
//   storage::Query(session, sql, id, name, maybe_text, count)
// instead of building Value arrays: std::string → text, std::optional<std::string> → text or NULL,
// integers → int64, bool → 0/1, Blob → blob.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "storage/db.hpp"

namespace dihya::storage {

inline Value ToValue(const std::string& s) {
    return s;
}
inline Value ToValue(const std::optional<std::string>& s) {
    if (!s) return std::monostate{};
    return *s;
}
/// Text, or NULL when empty (optional columns kept as "" in C++).
inline Value TextOrNull(const std::string& s) {
    if (s.empty()) return std::monostate{};
    return s;
}
inline Value ToValue(std::int64_t n) {
    return n;
}
inline Value ToValue(bool b) {
    return std::int64_t{b ? 1 : 0};
}
inline Value ToValue(const Blob& b) {
    return b;
}

template <class... P>
Result<Rows> Query(Session& s, std::string_view sql, P&&... params) {
    const std::array<Value, sizeof...(P)> values{ToValue(std::forward<P>(params))...};
    return s.Query(sql, values);
}

template <class... P>
Result<std::int64_t> Execute(Session& s, std::string_view sql, P&&... params) {
    const std::array<Value, sizeof...(P)> values{ToValue(std::forward<P>(params))...};
    return s.Execute(sql, values);
}

}  // namespace dihya::storage
