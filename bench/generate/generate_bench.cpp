// In-process generation benchmark (DESIGN.md §8): a 5-entity React + Express + devops project to a zip with the
// real engine, timed run by run (Google Benchmark, one generation per repetition, median over the repetitions).
//
//   dihya_bench_generate [--spec=FILE] [--packs=DIR] [--runs=N] [--warmup=N] [Google Benchmark flags]
//
// Defaults: bench/generate/spec.yaml and packs/ of the source tree, 200 runs after 20 warm-up generations.
// The packs are loaded once, as `dihya serve` does at start-up; each run then does what POST /api/v1/generate does
// after decoding the request: validate the model, render it (generator::Engine::Render) and write the zip
// (generator::WriteArchive). Benchmarks:
//   generate  parse + render + zip (the budget: p50 < 20 ms)
//   parse     model::ParseModel of the YAML spec alone
//   render    Engine::Render alone
//   zip       WriteArchive of the rendered tree alone
//   load      generator::LoadPacks (the one-off start-up cost, not part of a generation)

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "catalog/catalog.hpp"
#include "core/config.hpp"
#include "generator/archive.hpp"
#include "generator/engine.hpp"
#include "generator/pack.hpp"
#include "model/project_model.hpp"

namespace {

using namespace dihya;

struct Setup {
    std::string spec_path;
    std::string spec;
    model::Vocabulary vocabulary;
    std::vector<generator::Pack> packs;
    std::string packs_dir;
};

[[noreturn]] void Fail(const std::string& message) {
    std::fprintf(stderr, "dihya_bench_generate: %s\n", message.c_str());
    std::exit(1);
}

template <typename T>
T Check(Result<T> r, std::string_view what) {
    if (!r) Fail(std::string(what) + ": " + r.error().message);
    return std::move(*r);
}

double Percentile(const std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(s.size() - 1) + 0.5);
    return s[std::min(rank, s.size() - 1)];
}

template <typename B>
B* Configure(B* b, int runs) {
    return b->Iterations(1)
        ->Repetitions(runs)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->DisplayAggregatesOnly(true)
        ->ComputeStatistics("min", [](const std::vector<double>& v) { return Percentile(v, 0); })
        ->ComputeStatistics("p90", [](const std::vector<double>& v) { return Percentile(v, 90); })
        ->ComputeStatistics("p99", [](const std::vector<double>& v) { return Percentile(v, 99); });
}

/// What the benchmarks share: the setup, the engine over the loaded packs, and one model and tree made beforehand.
struct Fixture {
    const Setup& setup;
    const generator::Engine& engine;
    const model::ProjectModel& model;
    const generator::Tree& tree;
    double files = 0;
    double zip_bytes = 0;
};

/// What POST /api/v1/generate does after decoding the request: validate the model, render it, zip it.
void Generate(benchmark::State& state, const Fixture& f) {
    for (auto _ : state) {
        auto m = Check(model::ParseModel(f.setup.spec, f.setup.spec_path, f.setup.vocabulary), "parse");
        auto t = Check(f.engine.Render(m), "render");
        auto a = Check(generator::WriteArchive(t, generator::ArchiveFormat::kZip, {m.name}), "zip");
        benchmark::DoNotOptimize(a.bytes.data());
    }
    state.counters["files"] = f.files;
    state.counters["zip_bytes"] = f.zip_bytes;
}

void Parse(benchmark::State& state, const Fixture& f) {
    for (auto _ : state) {
        auto m = Check(model::ParseModel(f.setup.spec, f.setup.spec_path, f.setup.vocabulary), "parse");
        benchmark::DoNotOptimize(m.entities.data());
    }
}

void RenderOnly(benchmark::State& state, const Fixture& f) {
    for (auto _ : state) {
        auto t = Check(f.engine.Render(f.model), "render");
        benchmark::DoNotOptimize(t.files.data());
    }
}

void ZipOnly(benchmark::State& state, const Fixture& f) {
    for (auto _ : state) {
        auto a = Check(generator::WriteArchive(f.tree, generator::ArchiveFormat::kZip, {f.model.name}), "zip");
        benchmark::DoNotOptimize(a.bytes.data());
    }
}

void Load(benchmark::State& state, const Fixture& f) {
    for (auto _ : state) {
        auto p = Check(generator::LoadPacks(f.setup.packs_dir), "packs");
        benchmark::DoNotOptimize(p.data());
    }
}

}  // namespace

int main(int argc, char** argv) {
    Setup s;
    s.spec_path = std::string(dihya::SourceDir()) + "/bench/generate/spec.yaml";
    s.packs_dir = std::string(dihya::SourceDir()) + "/packs";
    int runs = 200, warmup = 20;
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&](std::string_view flag) -> const char* {
            return a.substr(0, flag.size()) == flag ? argv[i] + flag.size() : nullptr;
        };
        if (const char* v = value("--spec=")) {
            s.spec_path = v;
        } else if (const char* v = value("--packs=")) {
            s.packs_dir = v;
        } else if (const char* v = value("--runs=")) {
            runs = std::atoi(v);
        } else if (const char* v = value("--warmup=")) {
            warmup = std::atoi(v);
        } else {
            rest.push_back(argv[i]);
        }
    }
    if (runs < 1 || warmup < 0) Fail("--runs must be ≥ 1 and --warmup ≥ 0");

    std::ifstream in(s.spec_path, std::ios::binary);
    if (!in) Fail("cannot read " + s.spec_path);
    s.spec.assign(std::istreambuf_iterator<char>(in), {});
    s.vocabulary = catalog::ToVocabulary(Check(catalog::BuiltinCatalog(), "catalog"));
    const generator::Engine engine(Check(generator::LoadPacks(s.packs_dir), s.packs_dir));

    // One generation to check the setup and count what it produces; then the warm-up.
    const auto model = Check(model::ParseModel(s.spec, s.spec_path, s.vocabulary), s.spec_path);
    const auto tree = Check(engine.Render(model), "render");
    const auto archive = Check(generator::WriteArchive(tree, generator::ArchiveFormat::kZip, {model.name}), "zip");
    std::printf("spec: %s (%zu entities); packs: %s (%zu); output: %zu files, zip of %zu bytes\n", s.spec_path.c_str(),
                model.entities.size(), s.packs_dir.c_str(), engine.packs().size(), tree.files.size(),
                archive.bytes.size());
    for (int i = 0; i < warmup; ++i) {
        auto m = Check(model::ParseModel(s.spec, s.spec_path, s.vocabulary), "warm-up");
        auto t = Check(engine.Render(m), "warm-up");
        benchmark::DoNotOptimize(Check(generator::WriteArchive(t, generator::ArchiveFormat::kZip, {m.name}), "zip"));
    }

    const Fixture f{
        s, engine, model, tree, static_cast<double>(tree.files.size()), static_cast<double>(archive.bytes.size())};
    Configure(benchmark::RegisterBenchmark("generate", [&f](benchmark::State& st) { Generate(st, f); }), runs);
    Configure(benchmark::RegisterBenchmark("parse", [&f](benchmark::State& st) { Parse(st, f); }), runs);
    Configure(benchmark::RegisterBenchmark("render", [&f](benchmark::State& st) { RenderOnly(st, f); }), runs);
    Configure(benchmark::RegisterBenchmark("zip", [&f](benchmark::State& st) { ZipOnly(st, f); }), runs);
    Configure(benchmark::RegisterBenchmark("load", [&f](benchmark::State& st) { Load(st, f); }),
              std::max(1, runs / 10));

    int bench_argc = static_cast<int>(rest.size());
    benchmark::Initialize(&bench_argc, rest.data());
    if (benchmark::ReportUnrecognizedArguments(bench_argc, rest.data())) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
