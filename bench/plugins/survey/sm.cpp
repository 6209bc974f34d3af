// In-process demo + in-process per-call benchmark.
// build: g++ -std=c++20 -O2 sm.cpp -o sm $(pkg-config --cflags --libs mozjs-102) -pthread
#include "smengine.hpp"
#include <algorithm>
#include <cstdio>
#include <vector>

static const char* kPlugin = R"JS(
export default {
  manifest: { name: 'x', version: '1.0.0', permissions: ['model:write'], hooks: ['beforeGeneration'] },
  beforeGeneration(model) { return { ...model, entities: model.entities.map(e => ({ ...e, label: e.name?.toUpperCase() ?? '' })) }; },
  afterGeneration(files, model) { return files; },
};
)JS";

int main(int argc, char** argv) {
  auto t0 = std::chrono::steady_clock::now();
  smhost::Engine e;
  if (!e.init()) { fprintf(stderr, "init failed\n"); return 1; }
  auto t1 = std::chrono::steady_clock::now();
  auto m = e.load(kPlugin);
  auto t2 = std::chrono::steady_clock::now();
  printf("manifest: ok=%d %s\n", m.ok, m.value.c_str());
  const std::string arg = R"([{"name":"m","entities":[{"name":"user"},{"name":"order","x":1},{"id":3}]}])";
  auto r = e.call("beforeGeneration", arg);
  printf("beforeGeneration: ok=%d %s\n", r.ok, r.value.c_str());
  printf("init %.2f ms, load(compile+link+eval) %.2f ms\n",
         std::chrono::duration<double, std::milli>(t1 - t0).count(),
         std::chrono::duration<double, std::milli>(t2 - t1).count());
  int N = argc > 1 ? atoi(argv[1]) : 1000;
  std::vector<double> us;
  for (int i = 0; i < N; i++) {
    auto a = std::chrono::steady_clock::now();
    auto rr = e.call("beforeGeneration", arg);
    auto b = std::chrono::steady_clock::now();
    if (!rr.ok) { printf("fail %s\n", rr.value.c_str()); return 1; }
    us.push_back(std::chrono::duration<double, std::micro>(b - a).count());
  }
  std::sort(us.begin(), us.end());
  printf("in-process call (parse+call+stringify) x%d: median %.2f us, p90 %.2f us\n", N, us[N / 2], us[N * 9 / 10]);
  return 0;
}
