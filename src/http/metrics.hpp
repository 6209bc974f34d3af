#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace dihya::http {

/// Prometheus metrics: request counts and latency histograms by route, method and status;
/// gauges read at scrape time. Thread-safe.
class Metrics final {
public:
    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    void ObserveRequest(const std::string& route, const std::string& method, int status, double seconds);
    /// A gauge whose value is read when /metrics is scraped. `labels` like `state="idle"`.
    void AddGauge(std::string name, std::string help, std::function<double()> read, std::string labels = "");
    std::string Render() const;

private:
    struct Series {
        std::uint64_t count = 0;
        double sum = 0;
        std::array<std::uint64_t, kBuckets.size()> buckets{};
    };
    struct Gauge {
        std::string name, help, labels;
        std::function<double()> read;
    };
    mutable std::mutex mu_;
    std::map<std::tuple<std::string, std::string, int>, Series> series_;
    std::vector<Gauge> gauges_;
};

}  // namespace dihya::http
