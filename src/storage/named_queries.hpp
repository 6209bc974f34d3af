#pragma once

#include <map>
#include <string>
#include <string_view>

namespace dihya::storage {

/// Statements kept in a .sql file under names, one after each `-- name: <name>` line:
///
///   -- name: find_user
///   SELECT id, role FROM users WHERE id = $1;
///
/// Repositories embed their file at build time and look statements up by name. A file that names a statement twice
/// or a name asked for but absent is a build defect: both throw std::logic_error (at start-up, caught by tests).
class NamedQueries final {
public:
    static NamedQueries Parse(std::string_view text, std::string_view file_name);
    std::string_view operator[](std::string_view name) const;
    std::size_t size() const { return queries_.size(); }

private:
    std::string file_;
    std::map<std::string, std::string, std::less<>> queries_;
};

}  // namespace dihya::storage
