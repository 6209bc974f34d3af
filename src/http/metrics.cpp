#include "http/metrics.hpp"

#include <fmt/format.h>

namespace dihya::http {

namespace {

std::string EscapeLabel(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

void Metrics::ObserveRequest(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock(mu_);
    Series& s = series_[{route, method, status}];
    ++s.count;
    s.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++s.buckets[i];
    }
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read, std::string labels) {
    std::lock_guard lock(mu_);
    gauges_.push_back({std::move(name), std::move(help), std::move(labels), std::move(read)});
}

std::string Metrics::Render() const {
    std::string out;
    std::lock_guard lock(mu_);
    out += "# HELP dihya_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
    out += "# TYPE dihya_http_requests_total counter\n";
    for (const auto& [key, s] : series_) {
        const auto& [route, method, status] = key;
        out += fmt::format("dihya_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                           EscapeLabel(route), method, status, s.count);
    }
    out += "# HELP dihya_http_request_duration_seconds Time from the end of the request to the handler's answer.\n";
    out += "# TYPE dihya_http_request_duration_seconds histogram\n";
    for (const auto& [key, s] : series_) {
        const auto& [route, method, status] = key;
        const std::string labels =
            fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", EscapeLabel(route), method, status);
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out += fmt::format("dihya_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i],
                               s.buckets[i]);
        }
        out += fmt::format("dihya_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, s.count);
        out += fmt::format("dihya_http_request_duration_seconds_sum{{{}}} {}\n", labels, s.sum);
        out += fmt::format("dihya_http_request_duration_seconds_count{{{}}} {}\n", labels, s.count);
    }
    std::string last;
    for (const auto& g : gauges_) {
        if (g.name != last) {
            out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", g.name, g.help, g.name);
            last = g.name;
        }
        out += g.labels.empty() ? fmt::format("{} {}\n", g.name, g.read())
                                : fmt::format("{}{{{}}} {}\n", g.name, g.labels, g.read());
    }
    return out;
}

}  // namespace dihya::http
