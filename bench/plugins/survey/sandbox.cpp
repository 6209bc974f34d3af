// SpiderMonkey 102 plugin sandbox experiment: forked child + rlimits + seccomp + pipe protocol.
// build: nice -n 10 g++ -std=c++20 -O2 sandbox.cpp -o sandbox $(pkg-config --cflags --libs mozjs-102) -lseccomp -pthread
// usage: ./sandbox tests | bench | discover | zygote   (env: NOJIT=1 disables the JIT backend)
#include "smengine.hpp"
#include <js/HelperThreadAPI.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;
static double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// ---------------------------------------------------------------- framing
// frame = 1 byte type + 4 byte little-endian length + payload
static bool writeAll(int fd, const void* p, size_t n) {
  auto* c = static_cast<const char*>(p);
  while (n) {
    ssize_t w = ::write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w; n -= size_t(w);
  }
  return true;
}
static bool readAll(int fd, void* p, size_t n) {
  auto* c = static_cast<char*>(p);
  while (n) {
    ssize_t r = ::read(fd, c, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r; n -= size_t(r);
  }
  return true;
}
static bool sendFrame(int fd, char type, const std::string& s) {
  std::string buf(5 + s.size(), '\0');
  buf[0] = type;
  uint32_t n = uint32_t(s.size());
  memcpy(&buf[1], &n, 4);
  memcpy(&buf[5], s.data(), s.size());
  return writeAll(fd, buf.data(), buf.size());  // one write() per frame
}
static bool recvFrame(int fd, char& type, std::string& s) {
  char hdr[5];
  if (!readAll(fd, hdr, 5)) return false;
  type = hdr[0];
  uint32_t n;
  memcpy(&n, hdr + 1, 4);
  if (n > (64u << 20)) return false;
  s.resize(n);
  return readAll(fd, s.data(), n);
}

// ---------------------------------------------------------------- seccomp
static constexpr int kIn = 3, kOut = 4;  // child's pipe fds after dup2

static void sigsysHandler(int, siginfo_t* si, void* uctx) {
  // discovery mode: report the syscall and make it fail with EPERM instead of dying
  char buf[64];
  int n = snprintf(buf, sizeof buf, "[seccomp-trap] syscall %d (%s)\n", si->si_syscall,
                   "see ausyscall");
  (void)!::write(2, buf, size_t(n));
  auto* uc = static_cast<ucontext_t*>(uctx);
  uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
}

// The allow-list. Everything else: KILL_PROCESS (or TRAP in discovery mode).
static bool installSeccomp(bool discover, bool allowExec) {
  scmp_filter_ctx ctx = seccomp_init(discover ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
  if (!ctx) return false;
  auto allow = [&](int nr) { return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0; };
  bool ok = true;
  // pipe I/O: only our two fds (+ stderr for diagnostics)
  ok &= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, SCMP_A0(SCMP_CMP_EQ, kIn)) == 0;
  ok &= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, kOut)) == 0;
  ok &= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2)) == 0;
  // memory
  for (int nr : {SCMP_SYS(munmap), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(mremap)})
    ok &= allow(nr);
  if (allowExec) {  // JIT needs PROT_EXEC pages
    ok &= allow(SCMP_SYS(mmap)) && allow(SCMP_SYS(mprotect));
  } else {          // interpreter only (JS::DisableJitBackend): no executable mappings at all
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) == 0;
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) == 0;
    if (!discover)
      for (int nr : {SCMP_SYS(mmap), SCMP_SYS(mprotect)})
        ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC)) == 0;
  }
  // threads / sync / time / exit
  for (int nr : {SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
                 SCMP_SYS(nanosleep), SCMP_SYS(exit), SCMP_SYS(exit_group),
                 SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(sched_yield),
                 SCMP_SYS(getrandom), SCMP_SYS(gettid), SCMP_SYS(getpid),
                 SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
                 SCMP_SYS(getrusage)})  // getrusage: found by trial, GC statistics call it
    ok &= allow(nr);
  // extra syscalls found necessary by trial (see FINDINGS.md)
#ifdef EXTRA_ALLOW
  for (int nr : {EXTRA_ALLOW}) ok &= allow(nr);
#endif
  // new threads only: clone must carry CLONE_THREAD; clone3 -> ENOSYS so glibc falls back to clone
  ok &= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) == 0;
  ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) == 0;
  // explicit EPERM (instead of kill) for the forbidden classes so callers get a clean errno
  if (!discover) {
    for (int nr : {SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat),
                   SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(execve), SCMP_SYS(execveat),
                   SCMP_SYS(fork), SCMP_SYS(vfork)})
      ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) == 0;
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                           SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) == 0;
  }
  // TSYNC: apply the filter to ALL threads of the process, including the SpiderMonkey helper
  // threads and the watchdog that already exist (without it they would stay unfiltered!)
  ok &= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) == 0;
  ok &= seccomp_load(ctx) == 0;  // sets NO_NEW_PRIVS itself (SCMP_FLTATR_CTL_NNP default on)
  seccomp_release(ctx);
  return ok;
}

// ---------------------------------------------------------------- external helper pool
// JS::SetHelperThreadTaskCallback (before JS_Init) makes SpiderMonkey use OUR threads instead of
// spawning "JS Helper" threads itself -> a zygote can fork with no engine threads alive, and
// start the pool in the child after fork.
namespace pool {
static std::mutex* m;
static std::condition_variable* cv;
static int pending = 0;
static void dispatch(JS::DispatchReason) {
  if (!m) { pending++; return; }  // no pool yet (zygote before fork): remember
  { std::lock_guard<std::mutex> g(*m); pending++; }
  cv->notify_one();
}
static void start(int n) {
  m = new std::mutex; cv = new std::condition_variable;
  for (int i = 0; i < n; i++)
    std::thread([] {
      for (;;) {
        { std::unique_lock<std::mutex> lk(*m); cv->wait(lk, [] { return pending > 0; }); pending--; }
        JS::RunHelperThreadTask();
      }
    }).detach();
}
}  // namespace pool
static bool gExtPool = getenv("EXTPOOL") && getenv("EXTPOOL")[0] == '1';

// ---------------------------------------------------------------- child
struct Limits {
  rlim_t asBytes = 0;      // 0 = unlimited
  rlim_t cpuSeconds = 0;   // 0 = unlimited
  size_t gcMaxBytes = 256u << 20;
  bool jit = getenv("NOJIT") == nullptr;
  bool discover = false;
  bool noSeccomp = false;
};

static long threadCount() {
  long n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) if (e->d_name[0] != '.') n++;
    closedir(d);
  }
  return n;
}

static std::string probeSyscalls() {
  std::string out;
  auto rep = [&](const char* what, long rc) {
    out += std::string(what) + " -> " + (rc < 0 ? std::string("-1 errno=") + strerror(errno) : "OK(" + std::to_string(rc) + ")") + "\n";
  };
  errno = 0; rep("open(/etc/passwd)", ::open("/etc/passwd", O_RDONLY));
  errno = 0; rep("openat(/etc/passwd)", ::openat(AT_FDCWD, "/etc/passwd", O_RDONLY));
  errno = 0; rep("socket(AF_INET)", ::socket(AF_INET, SOCK_STREAM, 0));
  errno = 0; { pid_t p = ::fork(); if (p == 0) _exit(0); rep("fork()", p); }
  errno = 0; { char* av[] = {(char*)"/bin/true", nullptr}; rep("execve(/bin/true)", ::execve("/bin/true", av, nullptr)); }
  errno = 0; { std::thread t([] {}); t.join(); rep("std::thread create+join", 0); }
  errno = 0; rep("clone3 (raw)", syscall(SYS_clone3, nullptr, 0));
  errno = 0; { void* m = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
               rep("mmap(PROT_EXEC)", m == MAP_FAILED ? -1 : 0); }
  // not in the list and no explicit EPERM rule -> default action KILL_PROCESS
  if (getenv("PROBE_KILL")) { sendFrame(kOut, 'O', out + "now calling getppid() (not allowed) ...\n"); ::getppid(); }
  return out;
}

static int childMain(int in, int out, const Limits& L, std::optional<smhost::Engine>* pre) {
  auto t0 = Clock::now();
  // fds: in->3, out->4, keep 2; close everything else
  if (in != kIn) { dup2(in, kIn); close(in); }
  if (out != kOut) { dup2(out, kOut); close(out); }
  syscall(SYS_close_range, 5, ~0u, 0);
  close(0); close(1);
  rlimit rl{};
  rl = {0, 0}; setrlimit(RLIMIT_CORE, &rl);
  if (L.asBytes) { rl = {L.asBytes, L.asBytes}; setrlimit(RLIMIT_AS, &rl); }
  if (L.cpuSeconds) { rl = {L.cpuSeconds, L.cpuSeconds + 1}; setrlimit(RLIMIT_CPU, &rl); }

  std::optional<smhost::Engine> own;
  smhost::Engine* e;
  if (pre && *pre) {  // zygote: engine was initialised before fork
    e = &**pre;
    e->forgetWatchdogAfterFork();
    e->startWatchdog();
    if (gExtPool) pool::start(2);
  } else {
    own.emplace();
    if (gExtPool) smhost::Engine::afterJSInit = [] { JS::SetHelperThreadTaskCallback(pool::dispatch, 2, 1u << 20); };
    if (gExtPool) pool::start(2);
    if (!own->init(L.gcMaxBytes, 1u << 20, L.jit)) { sendFrame(kOut, 'E', "engine init failed"); return 1; }
    e = &*own;
  }
  auto t1 = Clock::now();
  if (L.discover) {
    struct sigaction sa{};
    sa.sa_sigaction = sigsysHandler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, nullptr);
  }
  long threads = threadCount();  // before seccomp (needs openat)
  if (!L.noSeccomp && !installSeccomp(L.discover, L.jit)) { sendFrame(kOut, 'E', "seccomp failed"); return 1; }
  auto t2 = Clock::now();
  char buf[200];
  snprintf(buf, sizeof buf, "engine_init=%.2fms seccomp=%.2fms threads_after_init=%ld",
           ms(t1 - t0), ms(t2 - t1), threads);
  sendFrame(kOut, 'R', buf);

  char type;
  std::string msg;
  while (recvFrame(kIn, type, msg)) {
    switch (type) {
      case 'L': {  // load module source
        auto r = e->load(msg);
        sendFrame(kOut, r.ok ? 'O' : 'E', r.value);
        break;
      }
      case 'C': {  // call: "<hook>\n<json array of args>"
        auto nl = msg.find('\n');
        auto hook = msg.substr(0, nl);
        static int callMs = getenv("CALL_MS") ? atoi(getenv("CALL_MS")) : 1000;
        auto r = e->call(hook.c_str(), msg.substr(nl + 1), callMs);
        sendFrame(kOut, r.ok ? 'O' : 'E', r.value);
        break;
      }
      case 'N': {  // call without watchdog deadline (to test RLIMIT_CPU / parent kill)
        auto nl = msg.find('\n');
        auto hook = msg.substr(0, nl);
        auto r = e->call(hook.c_str(), msg.substr(nl + 1), 1000 * 1000);
        sendFrame(kOut, r.ok ? 'O' : 'E', r.value);
        break;
      }
      case 'B': {  // in-child benchmark of the same call, same engine
        auto nl = msg.find('\n');
        auto hook = msg.substr(0, nl);
        auto args = msg.substr(nl + 1);
        std::vector<double> us;
        for (int i = 0; i < 1000; i++) {
          auto a = Clock::now();
          auto r = e->call(hook.c_str(), args);
          us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
        }
        std::sort(us.begin(), us.end());
        sendFrame(kOut, 'O', "in-child median " + std::to_string(us[500]) + " us, p90 " + std::to_string(us[900]) + " us");
        break;
      }
      case 'P': sendFrame(kOut, 'O', probeSyscalls()); break;
      case 'G': e->gc(); sendFrame(kOut, 'O', "gc done"); break;
      case 'Q': _exit(0);
      default: sendFrame(kOut, 'E', "bad request");
    }
  }
  _exit(0);  // parent closed pipe; skip engine teardown
}

// ---------------------------------------------------------------- parent
struct Child {
  pid_t pid = -1;
  int wr = -1, rd = -1;  // parent's ends
  std::string readyInfo;
  double forkToReadyMs = 0;
};

static std::string describeStatus(int st) {
  if (WIFEXITED(st)) return "exited " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return std::string("killed by signal ") + std::to_string(WTERMSIG(st)) + " (" + strsignal(WTERMSIG(st)) + ")";
  return "?";
}

struct Reply {
  char type = 0;
  std::string text;
  double ms = 0;
};

// wall-clock timeout enforced by the parent: poll, then SIGKILL
static Reply await(Child& c, int timeoutMs) {
  auto a = Clock::now();
  pollfd p{c.rd, POLLIN, 0};
  int rc;
  do rc = poll(&p, 1, timeoutMs); while (rc < 0 && errno == EINTR);
  Reply r;
  if (rc == 0) {
    kill(c.pid, SIGKILL);
    int st; waitpid(c.pid, &st, 0);
    c.pid = -1;
    r.type = 'X';
    r.text = "parent wall-clock timeout after " + std::to_string(timeoutMs) + "ms -> SIGKILL; child " + describeStatus(st);
  } else if (!recvFrame(c.rd, r.type, r.text)) {
    int st; waitpid(c.pid, &st, 0);
    c.pid = -1;
    r.type = 'X';
    r.text = "child died: " + describeStatus(st);
  }
  r.ms = ms(Clock::now() - a);
  return r;
}

static Reply request(Child& c, char type, const std::string& payload, int timeoutMs = 5000) {
  if (c.pid < 0) return {'X', "no child"};
  auto a = Clock::now();
  if (!sendFrame(c.wr, type, payload)) return {'X', "send failed"};
  Reply r = await(c, timeoutMs);
  r.ms = ms(Clock::now() - a);  // include the send: the woken child may preempt us inside write()
  return r;
}

static std::optional<smhost::Engine>* gZygoteEngine = nullptr;

static Child spawn(const Limits& L) {
  int toChild[2], toParent[2];
  if (pipe2(toChild, O_CLOEXEC) || pipe2(toParent, O_CLOEXEC)) { perror("pipe"); exit(1); }
  Child c;
  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    close(toChild[1]); close(toParent[0]);
    _exit(childMain(toChild[0], toParent[1], L, gZygoteEngine));
  }
  close(toChild[0]); close(toParent[1]);
  c.pid = pid; c.wr = toChild[1]; c.rd = toParent[0];
  auto r = await(c, 10000);
  c.forkToReadyMs = ms(Clock::now() - t0);
  c.readyInfo = std::string(1, r.type) + " " + r.text;
  return c;
}

static void finish(Child& c) {
  if (c.pid > 0) {
    sendFrame(c.wr, 'Q', "");
    int st; waitpid(c.pid, &st, 0);
  }
  close(c.wr); close(c.rd);
}

static std::string procField(pid_t pid, const char* key) {
  std::string path = "/proc/" + std::to_string(pid) + "/status";
  FILE* f = fopen(path.c_str(), "r");
  if (!f) return "?";
  char line[256];
  std::string v = "?";
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, key, strlen(key))) { v = line + strlen(key) + 1; while (!v.empty() && (v[0] == ' ' || v[0] == '\t')) v.erase(0, 1); if (!v.empty() && v.back() == '\n') v.pop_back(); }
  fclose(f);
  return v;
}

// ---------------------------------------------------------------- plugins
static const char* kGood = R"JS(
export default {
  manifest: { name: 'x', version: '1.0.0', permissions: ['model:write'], hooks: ['beforeGeneration'] },
  beforeGeneration(model) { return { ...model, entities: model.entities.map(e => ({ ...e, label: e.name?.toUpperCase() ?? '' })) }; },
  afterGeneration(files, model) { return files; },
};
)JS";
static const std::string kArgs = R"(beforeGeneration
[{"name":"m","entities":[{"name":"user"},{"name":"order","x":1},{"id":3}]}])";

static std::string hostile(const std::string& body) {
  return "export default { manifest: { name: 'evil', version: '0.0.1' }, run(x) { " + body + " } };";
}

static void show(const char* name, const Reply& r) {
  std::string t = r.text;
  if (t.size() > 300) t = t.substr(0, 300) + "...";
  printf("%-34s [%c %.0fms] %s\n", name, r.type, r.ms, t.c_str());
  fflush(stdout);
}

static void runHostile(const char* name, const std::string& body, Limits L, char callType = 'C',
                       int wallMs = 5000) {
  Child c = spawn(L);
  if (c.readyInfo[0] != 'R') { printf("%s: spawn failed %s\n", name, c.readyInfo.c_str()); return; }
  auto r = request(c, 'L', hostile(body), wallMs);
  if (r.type != 'O') { show((std::string(name) + " (load)").c_str(), r); finish(c); return; }
  r = request(c, callType, "run\n[1]", wallMs);
  show(name, r);
  if (c.pid > 0) {  // is the child still usable afterwards?
    auto again = request(c, 'C', "run\n[1]", wallMs);
    (void)again;
    auto ok = request(c, 'L', kGood);
    auto g = request(c, 'C', kArgs);
    printf("%-34s child still alive; reload+call good plugin afterwards: [%c] %.60s\n", "", g.type, g.text.c_str());
  }
  finish(c);
}

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "tests";
  signal(SIGPIPE, SIG_IGN);
  Limits L;
  L.asBytes = rlim_t(getenv("AS_MB") ? atol(getenv("AS_MB")) : 4096) << 20;
  L.cpuSeconds = 3;
  L.gcMaxBytes = size_t(getenv("GC_MB") ? atol(getenv("GC_MB")) : 256) << 20;
  printf("extpool=%d ", gExtPool);
  printf("mode=%s jit=%d RLIMIT_AS=%luMB RLIMIT_CPU=%lus JSGC_MAX_BYTES=%zuMB\n", mode.c_str(), L.jit,
         (unsigned long)(L.asBytes >> 20), (unsigned long)L.cpuSeconds, L.gcMaxBytes >> 20);

  if (mode == "mem") {  // memory bomb only, env AS_MB / GC_MB / CALL_MS
    L.cpuSeconds = 30;
    Child c = spawn(L);
    printf("ready: %s\n", c.readyInfo.c_str());
    if (c.readyInfo[0] != 'R') return 1;
    const char* body = getenv("BOMB") ? getenv("BOMB") : "let a=[]; for(;;) a.push(new Array(1e6).fill(1));";
    request(c, 'L', hostile(body));
    auto r = request(c, 'C', "run\n[1]", 30000);
    show("memory bomb", r);
    if (c.pid > 0) {
      printf("after: VmRSS=%s VmHWM=%s\n", procField(c.pid, "VmRSS:").c_str(), procField(c.pid, "VmHWM:").c_str());
      request(c, 'L', kGood);
      show("good call afterwards", request(c, 'C', kArgs));
    }
    finish(c);
    return 0;
  }
  if (mode == "discover") {
    L.discover = true;
    Child c = spawn(L);
    printf("ready: %s\n", c.readyInfo.c_str());
    show("load good", request(c, 'L', kGood));
    show("call", request(c, 'C', kArgs));
    show("bench-in-child", request(c, 'B', kArgs));
    show("gc", request(c, 'G', ""));
    show("jit-heavy", request(c, 'L', hostile("let s=0; for (let i=0;i<3e7;i++) s+=i%7; return s;")));
    show("jit-heavy run", request(c, 'C', "run\n[1]"));
    show("alloc-heavy", request(c, 'L', hostile("let a=[]; for (let i=0;i<2e5;i++) a.push({i, s:'x'+i}); a.sort((p,q)=>q.i-p.i); return a.length;")));
    show("alloc-heavy run", request(c, 'C', "run\n[1]"));
    show("timeout run", request(c, 'L', hostile("for(;;){}")));
    show("timeout run", request(c, 'C', "run\n[1]"));
    show("gc", request(c, 'G', ""));
    finish(c);
    return 0;
  }

  if (mode == "bench" || mode == "zygote") {
    std::optional<smhost::Engine> zyg;
    if (mode == "zygote") {
      // pre-initialise engine in THIS process (no watchdog thread), load + warm, then fork children
      zyg.emplace();
      if (gExtPool) smhost::Engine::afterJSInit = [] { JS::SetHelperThreadTaskCallback(pool::dispatch, 2, 1u << 20); };
      if (!zyg->init(L.gcMaxBytes, 1u << 20, L.jit, /*watchdog=*/false)) return 1;
      auto m = zyg->load(kGood);
      for (int i = 0; i < 200; i++) zyg->call("beforeGeneration", kArgs.substr(kArgs.find('\n') + 1));
      printf("zygote: engine warm in parent, threads=%ld, manifest ok=%d\n", threadCount(), m.ok);
      gZygoteEngine = &zyg;
    }
    std::vector<double> spawnMs;
    Child c;
    for (int i = 0; i < 10; i++) {
      c = spawn(L);
      spawnMs.push_back(c.forkToReadyMs);
      if (i < 9) finish(c);
    }
    std::sort(spawnMs.begin(), spawnMs.end());
    printf("fork->ready (engine init + seccomp), median of 10: %.2f ms  [%s]\n", spawnMs[5], c.readyInfo.c_str());
    std::vector<double> loadMs;
    Reply r;
    if (mode == "bench") {
      auto la = Clock::now();
      r = request(c, 'L', kGood);
      printf("load (compile+link+eval) round trip: %.3f ms -> %s\n", ms(Clock::now() - la), r.text.c_str());
    }
    r = request(c, 'C', kArgs);
    printf("first call: %.2f ms -> %s\n", r.ms, r.text.c_str());
    std::vector<double> us;
    for (int i = 0; i < 1000; i++) {
      auto a = Clock::now();
      r = request(c, 'C', kArgs);
      us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - a).count());
      if (r.type != 'O') { printf("call failed: %s\n", r.text.c_str()); break; }
    }
    std::sort(us.begin(), us.end());
    printf("pipe round trip call x1000: median %.1f us, p90 %.1f us\n", us[500], us[900]);
    show("same call benchmarked inside child", request(c, 'B', kArgs));
    show("gc in child", request(c, 'G', ""));
    if (mode == "zygote") {
      show("jit-heavy load", request(c, 'L', hostile("let s=0; for (let i=0;i<3e7;i++) s+=i%7; return s;")));
      show("jit-heavy run (Ion off-thread?)", request(c, 'C', "run\n[1]"));
      show("alloc-heavy load", request(c, 'L', hostile("let a=[]; for (let i=0;i<3e5;i++) a.push({i, s:'x'+i}); a.sort((p,q)=>q.i-p.i); return a.length;")));
      for (int i = 0; i < 3; i++) show("alloc-heavy run", request(c, 'C', "run\n[1]"));
      show("gc in child", request(c, 'G', ""));
    }
    { // proportional set size (shared COW pages split between processes)
      std::string path = "/proc/" + std::to_string(c.pid) + "/smaps_rollup";
      if (FILE* f = fopen(path.c_str(), "r")) { char line[256]; while (fgets(line, sizeof line, f)) if (!strncmp(line, "Pss:", 4) || !strncmp(line, "Private_Dirty:", 14)) printf("  child %s", line); fclose(f); }
    }
    printf("idle warm child: VmRSS=%s VmHWM=%s VmSize=%s VmPeak=%s Threads=%s\n",
           procField(c.pid, "VmRSS:").c_str(), procField(c.pid, "VmHWM:").c_str(),
           procField(c.pid, "VmSize:").c_str(), procField(c.pid, "VmPeak:").c_str(),
           procField(c.pid, "Threads:").c_str());
    if (getenv("HOLD")) { printf("child pid %d held for inspection; press enter\n", c.pid); getchar(); }
    finish(c);
    // zygote with external pool: tasks queued before fork are still pending here; JS_ShutDown
    // would wait for them forever unless the zygote's own pool runs them.
    if (zyg && gExtPool) pool::start(1);
    return 0;
  }

  // ---- tests
  {
    Child c = spawn(L);
    printf("ready: %.2f ms fork->ready, %s\n", c.forkToReadyMs, c.readyInfo.c_str());
    show("load good plugin", request(c, 'L', kGood));
    show("call beforeGeneration", request(c, 'C', kArgs));
    show("call afterGeneration", request(c, 'C', "afterGeneration\n[[{\"path\":\"a.txt\",\"content\":\"hi\"}], {}]"));
    show("call missing hook", request(c, 'C', "nope\n[]"));
    auto p = request(c, 'P', "");
    printf("syscall probe after seccomp (from C++ in child):\n%s", p.text.c_str());
    finish(c);
  }
  {
    Child c = spawn(L);
    show("static import rejected", request(c, 'L', "import fs from 'fs'; export default { manifest: {} };"));
    show("dynamic import rejected (load)", request(c, 'L', hostile("return import('fs');")));
    show("dynamic import rejected (call)", request(c, 'C', "run\n[1]"));
    show("syntax error", request(c, 'L', "export default { manifest: { name: 'x', } ;"));
    show("top-level throw", request(c, 'L', "throw new TypeError('bad init'); export default {};"));
    finish(c);
  }
  runHostile("throwing hook", "throw new Error('boom ' + (x + 41));", L);
  runHostile("returns a function", "return () => 1;", L);
  runHostile("returns cyclic object", "const a = {n: 1}; a.self = a; return a;", L);
  runHostile("returns BigInt", "return { v: 10n };", L);
  runHostile("deep recursion", "function f(){ return f() + 1 } return f();", L);
  runHostile("infinite loop (interrupt 1s)", "for(;;){}", L);
  runHostile("infinite loop, no watchdog (RLIMIT_CPU 3s)", "for(;;){}", L, 'N', 10000);
  {
    Limits L2 = L; L2.cpuSeconds = 60;
    runHostile("infinite loop, no watchdog (parent wall 2s)", "for(;;){}", L2, 'N', 2000);
  }
  runHostile("memory bomb arrays", "let a=[]; for(;;) a.push(new Array(1e6).fill(1));", L);
  runHostile("memory bomb objects", "let a=[]; for(;;) a.push({a:1,b:[1,2,3],c:'s'+a.length});", L);
  runHostile("string doubling", "let s='x'; for(;;) s += s;", L);
  {
    Child c = spawn(L);
    show("top-level infinite loop (load timeout 2s)", request(c, 'L', "for(;;){} export default {};"));
    finish(c);
  }
  return 0;
}
