#include "http/router.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace dihya::http {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t pos = 0;
    if (!path.empty() && path.front() == '/') pos = 1;
    while (pos <= path.size()) {
        auto slash = path.find('/', pos);
        if (slash == std::string_view::npos) slash = path.size();
        parts.push_back(path.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return parts;
}

bool IsInt(std::string_view s) {
    if (s.empty() || s.size() > 18) return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (s[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

}  // namespace

void Router::Add(Route route) {
    if (route.path.empty() || route.path.front() != '/') {
        throw std::invalid_argument("route path must start with /: " + route.path);
    }
    for (const auto& r : routes_) {
        if (r->method == route.method && r->path == route.path) {
            throw std::invalid_argument("duplicate route " + route.method + " " + route.path);
        }
    }
    Compiled compiled;
    const auto parts = SplitPath(route.path);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string_view p = parts[i];
        Segment seg;
        if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
            std::string_view inner = p.substr(1, p.size() - 2);
            if (!inner.empty() && inner.back() == '*') {
                if (i + 1 != parts.size()) throw std::invalid_argument("{name*} must be last: " + route.path);
                seg.kind = Segment::Kind::kRest;
                seg.text = std::string(inner.substr(0, inner.size() - 1));
            } else {
                seg.kind = Segment::Kind::kParam;
                const auto colon = inner.find(':');
                seg.text = std::string(inner.substr(0, colon));
                if (colon != std::string_view::npos) {
                    seg.type = std::string(inner.substr(colon + 1));
                    if (seg.type != "int" && seg.type != "uuid") {
                        throw std::invalid_argument("unknown parameter type in " + route.path);
                    }
                }
            }
        } else {
            seg.text = std::string(p);
        }
        compiled.segments.push_back(std::move(seg));
    }
    routes_.push_back(std::make_unique<Route>(std::move(route)));
    compiled.route = routes_.back().get();
    compiled_.push_back(std::move(compiled));
}

Match Router::Find(std::string_view method, std::string_view path) const {
    Match result;
    const auto parts = SplitPath(path);
    const std::string_view lookup = method == "HEAD" ? std::string_view("GET") : method;
    // Literal segments win over parameters: try routes in order of literal specificity.
    int best_score = -1;
    const Compiled* fallback = nullptr;
    std::map<std::string, std::string> fallback_params;
    for (const auto& c : compiled_) {
        std::map<std::string, std::string> params;
        bool ok = true;
        int score = 0;
        std::string bad;
        std::size_t i = 0;
        for (; i < c.segments.size() && ok; ++i) {
            const Segment& seg = c.segments[i];
            if (seg.kind == Segment::Kind::kRest) {
                std::string rest;
                for (std::size_t j = i; j < parts.size(); ++j) {
                    if (j > i) rest += '/';
                    rest += parts[j];
                }
                params[seg.text] = rest;
                i = parts.size();
                break;
            }
            if (i >= parts.size()) {
                ok = false;
                break;
            }
            if (seg.kind == Segment::Kind::kLiteral) {
                ok = seg.text == parts[i];
                score += 2;
                continue;
            }
            if (parts[i].empty()) {
                ok = false;
                break;
            }
            if ((seg.type == "int" && !IsInt(parts[i])) || (seg.type == "uuid" && !IsUuid(parts[i]))) {
                bad = seg.text;
            }
            params[seg.text] = std::string(parts[i]);
            score += 1;
        }
        if (!ok || i != parts.size()) continue;
        if (c.route->fallback) {
            if (c.route->method == lookup && fallback == nullptr) {
                fallback = &c;
                fallback_params = std::move(params);
            }
            continue;
        }
        if (c.route->method != lookup) {
            if (std::find(result.allowed.begin(), result.allowed.end(), c.route->method) == result.allowed.end()) {
                result.allowed.push_back(c.route->method);
                if (c.route->method == "GET") result.allowed.push_back("HEAD");
            }
            continue;
        }
        if (score > best_score) {
            best_score = score;
            result.route = c.route;
            result.params = std::move(params);
            result.bad_param = bad;
        }
    }
    if (result.route == nullptr && result.allowed.empty() && fallback != nullptr) {
        result.route = fallback->route;
        result.params = std::move(fallback_params);
    }
    if (result.route != nullptr) result.allowed.clear();
    std::sort(result.allowed.begin(), result.allowed.end());
    return result;
}

}  // namespace dihya::http
