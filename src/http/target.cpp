#include "http/target.hpp"

#include <boost/url/parse.hpp>

namespace dihya::http {

Target ParseTarget(std::string_view target) {
    Target out;
    const auto q = target.find('?');
    out.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
    const std::string_view raw = target.substr(0, q);
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed || raw.empty() || raw.front() != '/') {
        out.path = std::string(raw);
        return out;
    }
    out.path = parsed->path();  // percent-decoded
    out.ok = out.path.find('\0') == std::string::npos;
    return out;
}

}  // namespace dihya::http
