// The plugin sandbox's cost (docs/performance.md "Plugins"): the same hook called in process (the engine linked
// into this benchmark, no sandbox) and through dihya-js (socket, JSON both ways, the sandboxed process), and the
// cost of starting a sandbox (process, engine, module) — what a generation with one plugin pays once.
//
//   bench/plugins/run.sh BUILD_DIR    (make bench-plugins)

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include <boost/json.hpp>

#include "jshost/engine.hpp"
#include "plugins/sandbox.hpp"

namespace {

namespace json = boost::json;

const std::string kPlugin = R"(
export default {
  manifest: { name: 'bench', version: '1.0.0', description: 'b', author: 'b', hooks: ['beforeGeneration'],
              permissions: ['model:write'] },
  beforeGeneration(model) {
    return { ...model, entities: model.entities.map((e) => ({ ...e, label: e.name.toUpperCase() })) };
  },
};)";

/// A five-entity model, as a generation hands it to beforeGeneration.
json::value Model() {
    json::array entities;
    for (const char* name : {"Patient", "Doctor", "Appointment", "Invoice", "Room"}) {
        entities.push_back(json::object{{"name", name},
                                        {"fields", json::array{json::object{{"name", "title"}, {"type", "string"}},
                                                               json::object{{"name", "starts_at"}, {"type", "datetime"}},
                                                               json::object{{"name", "notes"}, {"type", "text"}}}}});
    }
    return json::object{{"name", "clinic"}, {"title", "Clinic"}, {"entities", std::move(entities)}};
}

std::filesystem::path Host() {
    const char* h = std::getenv("DIHYA_JS_HOST");
    return h != nullptr ? std::filesystem::path(h) : dihya::plugins::HostPath("");
}

void InProcess(benchmark::State& state) {
    static dihya::jshost::Engine engine;
    static const bool ready = engine.Init({}) && engine.Load(kPlugin, "bench.mjs", std::chrono::seconds(5)).ok;
    if (!ready) {
        state.SkipWithError("the engine did not start");
        return;
    }
    const std::string args = json::serialize(json::array{Model()});
    for (auto _ : state) {
        auto r = engine.Call("beforeGeneration", args, std::chrono::seconds(5));
        if (!r.ok) state.SkipWithError(r.value.c_str());
        benchmark::DoNotOptimize(r.value);
    }
}
BENCHMARK(InProcess)->Unit(benchmark::kMicrosecond);

void Sandboxed(benchmark::State& state) {
    auto box = dihya::plugins::Sandbox::Start(Host(), "bench.mjs", kPlugin, {});
    if (!box) {
        state.SkipWithError(box.error().message.c_str());
        return;
    }
    const json::array args{Model()};
    for (auto _ : state) {
        auto r = (*box)->Call("beforeGeneration", args);
        if (!r) state.SkipWithError(r.error().message.c_str());
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(Sandboxed)->Unit(benchmark::kMicrosecond);

void StartAndFirstCall(benchmark::State& state) {
    const json::array args{Model()};
    for (auto _ : state) {
        auto box = dihya::plugins::Sandbox::Start(Host(), "bench.mjs", kPlugin, {});
        if (!box) {
            state.SkipWithError(box.error().message.c_str());
            return;
        }
        auto r = (*box)->Call("beforeGeneration", args);
        if (!r) state.SkipWithError(r.error().message.c_str());
    }
}
BENCHMARK(StartAndFirstCall)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
