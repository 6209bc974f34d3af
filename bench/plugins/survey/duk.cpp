// Duktape 2.7 comparison (ES5 plugin): init, load, in-process call, pipe round trip, RSS.
// build: g++ -std=c++20 -O2 duk.cpp -o duk -lduktape
#include <duktape.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>
using Clock = std::chrono::steady_clock;
static double us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

static const char* kPlugin = R"JS(
({
  manifest: { name: 'x', version: '1.0.0', permissions: ['model:write'], hooks: ['beforeGeneration'] },
  beforeGeneration: function (model) {
    var out = {}; for (var k in model) out[k] = model[k];
    out.entities = model.entities.map(function (e) {
      var c = {}; for (var k in e) c[k] = e[k];
      c.label = (e.name != null ? String(e.name).toUpperCase() : '');
      return c;
    });
    return out;
  }
})
)JS";
static const char* kArg = R"({"name":"m","entities":[{"name":"user"},{"name":"order","x":1},{"id":3}]})";

static std::string call(duk_context* ctx, const char* hook, const std::string& json) {
  duk_get_global_string(ctx, "__plugin");
  duk_push_string(ctx, hook);
  duk_push_lstring(ctx, json.data(), json.size());
  duk_json_decode(ctx, -1);
  if (duk_pcall_prop(ctx, -3, 1) != DUK_EXEC_SUCCESS) {
    std::string e = duk_safe_to_string(ctx, -1); duk_pop_2(ctx); return "ERR " + e;
  }
  std::string r = duk_json_encode(ctx, -1);
  duk_pop_2(ctx);
  return r;
}

static long rssKb() {
  FILE* f = fopen("/proc/self/status", "r"); char l[256]; long v = -1;
  while (fgets(l, sizeof l, f)) if (!strncmp(l, "VmRSS:", 6)) v = atol(l + 6);
  fclose(f); return v;
}

int main() {
  long rss0 = rssKb();
  auto t0 = Clock::now();
  duk_context* ctx = duk_create_heap_default();
  auto t1 = Clock::now();
  if (duk_peval_string(ctx, kPlugin) != 0) { printf("load error %s\n", duk_safe_to_string(ctx, -1)); return 1; }
  duk_put_global_string(ctx, "__plugin");
  auto t2 = Clock::now();
  duk_eval_string(ctx, "JSON.stringify(__plugin.manifest)");
  printf("manifest %s\n", duk_get_string(ctx, -1)); duk_pop(ctx);
  printf("result %s\n", call(ctx, "beforeGeneration", kArg).c_str());
  printf("heap create %.1f us, eval plugin %.1f us\n", us(t1 - t0), us(t2 - t1));
  std::vector<double> v;
  for (int i = 0; i < 1000; i++) { auto a = Clock::now(); call(ctx, "beforeGeneration", kArg); v.push_back(us(Clock::now() - a)); }
  std::sort(v.begin(), v.end());
  printf("in-process call x1000: median %.2f us p90 %.2f us\n", v[500], v[900]);
  printf("RSS before heap %ld kB, after warm %ld kB\n", rss0, rssKb());
  // pipe round trip to a forked child holding this warm heap (simple line protocol)
  int a[2], b[2]; pipe(a); pipe(b);
  pid_t pid = fork();
  if (pid == 0) {
    close(a[1]); close(b[0]);
    std::string buf; char c;
    for (;;) {
      buf.clear();
      char rb[4096]; ssize_t n;
      while ((n = read(a[0], rb, sizeof rb)) > 0) { buf.append(rb, n); if (buf.back() == '\n') break; }
      if (buf.empty()) _exit(0);
      buf.pop_back(); (void)c;
      std::string r = call(ctx, "beforeGeneration", buf) + "\n";
      write(b[1], r.data(), r.size());
    }
  }
  close(a[0]); close(b[1]);
  std::string line = std::string(kArg) + "\n";
  v.clear();
  for (int i = 0; i < 1000; i++) {
    auto s = Clock::now();
    write(a[1], line.data(), line.size());
    char rb[4096]; size_t got = 0;
    for (;;) { ssize_t n = read(b[0], rb + got, sizeof rb - got); if (n <= 0) break; got += n; if (rb[got - 1] == '\n') break; }
    v.push_back(us(Clock::now() - s));
  }
  std::sort(v.begin(), v.end());
  printf("pipe round trip x1000 : median %.2f us p90 %.2f us\n", v[500], v[900]);
  char path[64]; snprintf(path, sizeof path, "grep -E 'VmRSS|^Pss' /proc/%d/status /proc/%d/smaps_rollup", pid, pid); system(path);
  close(a[1]); waitpid(pid, nullptr, 0);
  // fork->ready for a fresh duktape child
  auto f0 = Clock::now();
  pid = fork();
  if (pid == 0) { duk_context* c2 = duk_create_heap_default(); duk_peval_string(c2, kPlugin); _exit(0); }
  waitpid(pid, nullptr, 0);
  printf("fork + heap create + eval + exit: %.1f us\n", us(Clock::now() - f0));
  return 0;
}
