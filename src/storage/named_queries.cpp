#include "storage/named_queries.hpp"

#include <stdexcept>

namespace dihya::storage {

namespace {

std::string Trim(std::string s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return "";
    const auto end = s.find_last_not_of(" \t\r\n;");
    return s.substr(begin, end - begin + 1);
}

}  // namespace

NamedQueries NamedQueries::Parse(std::string_view text, std::string_view file_name) {
    NamedQueries q;
    q.file_ = file_name;
    std::string name, body;
    auto flush = [&] {
        if (name.empty()) return;
        std::string sql = Trim(body);
        if (sql.empty()) throw std::logic_error(q.file_ + ": statement " + name + " is empty");
        if (!q.queries_.emplace(name, std::move(sql)).second) {
            throw std::logic_error(q.file_ + ": statement " + name + " is defined twice");
        }
    };
    std::size_t pos = 0;
    constexpr std::string_view kMarker = "-- name:";
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        const std::string_view line = text.substr(pos, eol - pos);
        if (line.rfind(kMarker, 0) == 0) {
            flush();
            name = Trim(std::string(line.substr(kMarker.size())));
            body.clear();
        } else if (!name.empty() && line.rfind("--", 0) != 0) {
            body.append(line).push_back('\n');
        }
        pos = eol + 1;
    }
    flush();
    return q;
}

std::string_view NamedQueries::operator[](std::string_view name) const {
    const auto it = queries_.find(name);
    if (it == queries_.end()) throw std::logic_error(file_ + ": no statement named " + std::string(name));
    return it->second;
}

}  // namespace dihya::storage
