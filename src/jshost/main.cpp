// dihya-js: runs one plugin (an ES module) for the server, sandboxed (docs/plugins-engine.md, docs/plugins.md).
//
// The server starts it with a socket on fd 3 and talks in frames (1 type byte, a 4-byte little-endian length,
// the payload). Before any plugin code runs it limits itself — address space, CPU time, no core files, every
// other descriptor closed — starts the engine, then installs a seccomp filter that leaves it reading and writing
// fd 3 (and writing fd 2), managing memory and threads, and nothing else: no file, network or process call.
//
//   dihya-js --memory-mb N --cpu-seconds N --max-input BYTES --max-output BYTES --load-ms MS [--name FILE] [--probe]
//   → R ""                                    ready (or E with the reason, then exit)
//   L <source>                                → O <manifest JSON> | E <error JSON>
//   C <hook> \0 <budget ms> \0 <args array>   → O <result JSON>   | E <error JSON>
//   X ""                                      → O <the whole default export as JSON> (JS packs' data) | E
//   P ""  (only with --probe: the tests)      → O {"open":errno,...}: the system calls the filter refuses
//   while a call runs, a plugin's fetch():    F <request JSON> → A <reply JSON> (the server fetches, or refuses)
//
// Error JSON: {"kind": "exception|timeout|memory|recursion|import|invalid|output|input", "message": "..."}.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jshost/engine.hpp"

namespace {

constexpr int kChannel = 3;

bool WriteAll(const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(kChannel, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        data += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool ReadAll(char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t r = ::read(kChannel, data, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        data += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

/// A frame's type and its payload's length; false when the server closed the channel.
bool ReadHeader(char& type, std::uint32_t& n) {
    char header[5];
    if (!ReadAll(header, sizeof header)) return false;
    type = header[0];
    n = 0;
    for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(header[1 + i])) << (8 * i);
    return true;
}

bool Send(char type, const std::string& payload) {
    std::string frame(5 + payload.size(), '\0');
    frame[0] = type;
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) frame[1 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    std::memcpy(frame.data() + 5, payload.data(), payload.size());
    return WriteAll(frame.data(), frame.size());
}

std::string Quote(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static const char* kHex = "0123456789abcdef";
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 0xF];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

bool SendError(const std::string& kind, const std::string& message) {
    return Send('E', "{\"kind\":" + Quote(kind) + ",\"message\":" + Quote(message) + "}");
}

bool Limit(int resource, rlim_t soft, rlim_t hard) {
    const rlimit limit{soft, hard};
    return setrlimit(resource, &limit) == 0;
}

bool InstallFilter() {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == nullptr) return false;
    bool ok = true;
    auto allow = [&](int nr) { ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0; };
    auto refuse = [&](int nr, int error) { ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(error), nr, 0) == 0; };
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, SCMP_A0(SCMP_CMP_EQ, kChannel)) == 0;
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, kChannel)) == 0;
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2)) == 0;
    // Memory, never executable (the JIT is off).
    for (const int nr : {SCMP_SYS(mmap), SCMP_SYS(mprotect)}) {
        ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) == 0;
        ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
                                    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC)) == 0;
    }
    for (const int nr : {SCMP_SYS(munmap), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(mremap)}) allow(nr);
    // Threads (the engine's helpers, the watchdog), time, exit. getrusage: the collector's statistics.
    for (const int nr : {SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
                         SCMP_SYS(sched_yield), SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
                         SCMP_SYS(rt_sigprocmask), SCMP_SYS(getrandom), SCMP_SYS(gettid), SCMP_SYS(getpid),
                         SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(getrusage)}) {
        allow(nr);
    }
    // A crash (the engine's MOZ_CRASH when memory runs out during a collection) raises a signal at itself.
    const auto self = static_cast<scmp_datum_t>(::getpid());
    // Only SIGABRT, only at itself: nothing can stop itself (SIGSTOP) to hold the server waiting.
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 2, SCMP_A0(SCMP_CMP_EQ, self),
                                SCMP_A2(SCMP_CMP_EQ, SIGABRT)) == 0;
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 2, SCMP_A0(SCMP_CMP_EQ, self),
                                SCMP_A1(SCMP_CMP_EQ, SIGABRT)) == 0;
    allow(SCMP_SYS(rt_sigaction));
    // The engine's helper threads name themselves as they start; on a busy machine a helper may start only after
    // the filter is on (it applies to every thread), so naming a thread stays allowed — and only that of prctl.
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME)) == 0;
    // New threads only: clone with CLONE_THREAD; clone3's flags cannot be checked, so glibc is told it is absent.
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) == 0;
    ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)) == 0;
    refuse(SCMP_SYS(clone3), ENOSYS);
    // Files, network, processes: a clean EPERM (anything else not listed kills the process).
    for (const int nr : {SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat), SCMP_SYS(socket),
                         SCMP_SYS(connect), SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork)}) {
        refuse(nr, EPERM);
    }
    // Every thread, including those the engine already started.
    ok = ok && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) == 0;
    ok = ok && seccomp_load(ctx) == 0;
    seccomp_release(ctx);
    return ok;
}

/// What the filter does to the calls a hostile plugin would want, seen from inside (`--probe` only).
std::string Probe() {
    auto result = [](long r) { return r >= 0 ? std::string("\"allowed\"") : Quote(std::strerror(errno)); };
    std::string out = "{";
    out += "\"open\":" + result(::open("/etc/passwd", O_RDONLY));
    out += ",\"openat\":" + result(::openat(AT_FDCWD, "/etc/passwd", O_RDONLY));
    out += ",\"socket\":" + result(::socket(AF_INET, SOCK_STREAM, 0));
    out += ",\"fork\":" + result(::syscall(SYS_fork));
    out += ",\"execve\":" + result(::syscall(SYS_execve, "/bin/true", nullptr, nullptr));
    void* exec = ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    out += ",\"mmap_exec\":" + result(exec == MAP_FAILED ? -1 : 0);
    std::size_t variables = 0;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) ++variables;
    out += ",\"environment\":" + std::to_string(variables);
    return out + "}";
}

std::size_t Number(const char* text, std::size_t fallback) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text, &end, 10);
    return end != nullptr && *end == '\0' && end != text ? static_cast<std::size_t>(v) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t memory_mb = 512;
    std::size_t cpu_seconds = 10;
    std::size_t max_input = 8u << 20;
    std::size_t max_output = 8u << 20;
    std::size_t load_ms = 2000;
    std::string name = "plugin.mjs";
    bool probe = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : "";
        if (arg == "--probe") {
            probe = true;
            continue;
        }
        if (arg == "--memory-mb") memory_mb = Number(value, memory_mb);
        if (arg == "--cpu-seconds") cpu_seconds = Number(value, cpu_seconds);
        if (arg == "--max-input") max_input = Number(value, max_input);
        if (arg == "--max-output") max_output = Number(value, max_output);
        if (arg == "--load-ms") load_ms = Number(value, load_ms);
        if (arg == "--name") name = value;
        ++i;
    }
    if (::fcntl(kChannel, F_GETFD) < 0) {
        static const char kUsage[] = "dihya-js is started by dihya with a socket on descriptor 3\n";
        (void)!::write(2, kUsage, sizeof kUsage - 1);
        return 2;
    }
    // Nothing but the channel and stderr stays open (one by one where close_range is refused or missing).
    if (::close_range(kChannel + 1, ~0U, 0) != 0) {
        const long open_max = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
        for (int fd = kChannel + 1; fd < open_max; ++fd) ::close(fd);
    }
    ::close(0);
    ::close(1);
    const rlim_t bytes = static_cast<rlim_t>(memory_mb) << 20;
    if (!Limit(RLIMIT_CORE, 0, 0) || !Limit(RLIMIT_AS, bytes, bytes) ||
        !Limit(RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)) {
        SendError("invalid", "cannot set its resource limits");
        return 1;
    }
    dihya::jshost::Engine engine;
    // A quarter of the address space for the collected heap: the rest is the engine itself (~180 MiB) and the
    // memory objects hold outside that heap, so that a bomb usually meets the heap's limit (a clean exception)
    // before the address space's (which can make the engine crash during a collection).
    // fetch() asks the server, which fetches what the plugin's manifest allows, and waits for its answer.
    auto fetch = [max_input](const std::string& request) -> std::string {
        if (!Send('F', request)) ::_exit(1);
        char type = 0;
        std::uint32_t n = 0;
        if (!ReadHeader(type, n)) ::_exit(0);
        if (type != 'A' || n > max_input) ::_exit(1);
        std::string reply(n, '\0');
        if (!ReadAll(reply.data(), n)) ::_exit(0);
        return reply;
    };
    if (!engine.Init({.gc_max_bytes = bytes / 4, .stack_quota = 1u << 20, .max_output = max_output, .fetch = fetch})) {
        SendError("memory", "the JavaScript engine did not start within " + std::to_string(memory_mb) + " MiB");
        return 1;
    }
    if (!InstallFilter()) {
        SendError("invalid", "cannot install its system call filter");
        return 1;
    }
    // From here on, leave with _exit: the engine's shutdown would make calls the filter refuses.
    if (!Send('R', "")) ::_exit(1);
    for (;;) {
        char type = 0;
        std::uint32_t n = 0;
        if (!ReadHeader(type, n)) ::_exit(0);  // the server closed the channel
        if (n > max_input) {
            SendError("input", "the input of " + std::to_string(n) + " bytes is over the limit of " +
                                   std::to_string(max_input) + " bytes");
            ::_exit(1);
        }
        std::string payload(n, '\0');
        if (!ReadAll(payload.data(), n)) ::_exit(0);
        dihya::jshost::Outcome outcome;
        if (type == 'L') {
            outcome = engine.Load(payload, name, std::chrono::milliseconds(load_ms));
        } else if (type == 'C') {
            const auto a = payload.find('\0');
            const auto b = a == std::string::npos ? a : payload.find('\0', a + 1);
            if (b == std::string::npos) {
                SendError("invalid", "malformed call");
                ::_exit(1);
            }
            outcome = engine.Call(payload.substr(0, a), payload.substr(b + 1),
                                  std::chrono::milliseconds(Number(payload.substr(a + 1, b - a - 1).c_str(), 1000)));
        } else if (type == 'X') {
            outcome = engine.Export(std::chrono::milliseconds(load_ms));
        } else if (type == 'P' && probe) {
            outcome = {true, Probe(), ""};
        } else {
            SendError("invalid", "unknown request");
            ::_exit(1);
        }
        if (outcome.ok && outcome.value.size() > max_output) {
            outcome = {false,
                       "answered " + std::to_string(outcome.value.size()) + " bytes, over the limit of " +
                           std::to_string(max_output) + " bytes",
                       "output"};
        }
        if (!(outcome.ok ? Send('O', outcome.value) : SendError(outcome.kind, outcome.value))) ::_exit(1);
        // After running out of memory or time the engine may be in a poor state: end, the server starts anew.
        if (!outcome.ok && (outcome.kind == "memory" || outcome.kind == "timeout")) ::_exit(3);
    }
}
