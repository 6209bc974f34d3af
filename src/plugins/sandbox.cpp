#include "plugins/sandbox.hpp"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <vector>

#include <boost/json.hpp>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dihya::plugins {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string Describe(int status, const SandboxLimits& limits) {
    if (WIFSIGNALED(status)) {
        switch (WTERMSIG(status)) {
            case SIGXCPU:
                return "used more than its " + std::to_string(limits.cpu_seconds) + " s of CPU time and was stopped";
            case SIGKILL:
                return "was killed (CPU time limit of " + std::to_string(limits.cpu_seconds) + " s, or out of memory)";
            case SIGSYS: return "made a system call the sandbox forbids and was stopped";
            case SIGSEGV:
            case SIGBUS:
            case SIGABRT: return "crashed (likely out of its " + std::to_string(limits.memory_mb) + " MiB of memory)";
            default: return "was stopped by signal " + std::to_string(WTERMSIG(status));
        }
    }
    if (WIFEXITED(status)) return "ended (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
    return "ended";
}

enum class Ready { kYes, kRetry, kTimedOut, kError };

/// Whether `fd` is ready for `events` before `deadline`.
Ready WaitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return Ready::kTimedOut;
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0) return errno == EINTR ? Ready::kRetry : Ready::kError;
    return ready == 0 ? Ready::kTimedOut : Ready::kYes;
}

/// Writes all of `data` before `deadline` (a stopped child must not hold a server thread); false on error or time
/// out (`timed_out` set).
bool WriteAll(int fd, const std::string& data, std::chrono::steady_clock::time_point deadline, bool& timed_out) {
    std::size_t done = 0;
    while (done < data.size()) {
        const Ready ready = WaitFor(fd, POLLOUT, deadline);
        if (ready == Ready::kRetry) continue;
        if (ready != Ready::kYes) {
            timed_out = ready == Ready::kTimedOut;
            return false;
        }
        const ssize_t w = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (w <= 0) return false;
        done += static_cast<std::size_t>(w);
    }
    return true;
}

/// A plugin's own text (an error it threw) kept short in logs and answers.
std::string Bounded(std::string text) {
    constexpr std::size_t kMax = 2048;
    if (text.size() <= kMax) return text;
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    text.resize(cut);
    return text + " […]";
}

/// How many sandboxes run at once in this process, whoever starts them (generations, tests, imports, events).
class Slots {
public:
    bool Acquire(std::chrono::milliseconds wait) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, wait, [this] { return used_ < kMax; }) && (++used_, true);
    }
    void Release() {
        {
            std::lock_guard lock(mu_);
            --used_;
        }
        cv_.notify_one();
    }
    static constexpr int kMax = 4;

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int used_ = 0;
};

Slots& SandboxSlots() {
    static Slots slots;
    return slots;
}

/// Reads exactly `n` bytes before `deadline`; false on end of stream, error or time out (`timed_out` set).
/// One frame of the protocol with dihya-js (src/jshost/main.cpp): the type, the length (4 bytes, little-endian),
/// the payload.
std::string Frame(char type, const std::string& payload) {
    std::string frame(5, '\0');
    frame[0] = type;
    const auto n = static_cast<std::uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) frame[1 + i] = static_cast<char>((n >> (8 * i)) & 0xFF);
    return frame + payload;
}

bool ReadAll(int fd, char* out, std::size_t n, std::chrono::steady_clock::time_point deadline, bool& timed_out) {
    while (n > 0) {
        const Ready ready = WaitFor(fd, POLLIN, deadline);
        if (ready == Ready::kRetry) continue;
        if (ready != Ready::kYes) {
            timed_out = ready == Ready::kTimedOut;
            return false;
        }
        const ssize_t r = ::recv(fd, out, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        out += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

}  // namespace

fs::path HostPath(const std::string& configured) {
    if (!configured.empty()) return configured;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const fs::path& candidate :
             {self.parent_path() / "dihya-js", self.parent_path().parent_path() / "dihya-js"}) {
            if (fs::is_regular_file(candidate, ec)) return candidate;
        }
    }
    return "/usr/local/bin/dihya-js";
}

Result<std::unique_ptr<Sandbox>> Sandbox::Start(const fs::path& host, const std::string& name,
                                                const std::string& source, const SandboxLimits& limits, bool probe,
                                                std::string noun) {
    std::unique_ptr<Sandbox> box(new Sandbox(name, limits));
    box->noun_ = std::move(noun);
    if (!SandboxSlots().Acquire(limits.start_budget)) {
        return MakeError(ErrorCode::kUnavailable, box->Who() + ": every plugin sandbox is busy; retry in a moment");
    }
    box->slot_ = true;
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        return MakeError(ErrorCode::kUnavailable, box->Who() + ": cannot start its sandbox (socketpair)");
    }
    std::vector<std::string> args{host.string(),
                                  "--memory-mb",
                                  std::to_string(limits.memory_mb),
                                  "--cpu-seconds",
                                  std::to_string(limits.cpu_seconds),
                                  "--max-input",
                                  std::to_string(limits.max_input),
                                  "--max-output",
                                  std::to_string(limits.max_output),
                                  "--load-ms",
                                  std::to_string(limits.call_budget.count()),
                                  "--name",
                                  name};
    if (probe) args.emplace_back("--probe");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pair[1], 3);  // dup2 clears close-on-exec on 3
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);  // not the server's log
    // None of the server's environment (its secret, database URL, keys) reaches the sandbox.
    char lang[] = "LANG=C.UTF-8";
    char* env[] = {lang, nullptr};
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pair[1]);
    if (spawned != 0) {
        ::close(pair[0]);
        return MakeError(ErrorCode::kUnavailable,
                         box->Who() + ": cannot start its sandbox (dihya-js: " + std::strerror(spawned) + ")");
    }
    box->pid_ = pid;
    box->fd_ = pair[0];
    auto ready = box->Exchange('\0', "", limits.start_budget);
    if (!ready) {  // the sandbox itself, not the plugin: nothing of the plugin has run yet
        Error e = ready.take_error();
        e.code = ErrorCode::kUnavailable;
        return e;
    }
    auto manifest = box->Exchange('L', source, limits.call_budget + std::chrono::seconds(3));
    if (!manifest) return manifest.take_error();
    std::error_code ec;
    box->manifest_ = json::parse(*manifest, ec);
    if (ec) return box->Failed("answered a manifest that is not JSON");
    return box;
}

Sandbox::~Sandbox() {
    Kill();
}

void Sandbox::Kill() {
    if (slot_) SandboxSlots().Release();
    slot_ = false;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
}

Error Sandbox::Failed(const std::string& what) {
    Kill();
    return MakeError(ErrorCode::kInvalidArgument, Who() + ": " + what);
}

Result<std::string> Sandbox::Exchange(char type, const std::string& payload, std::chrono::milliseconds wall) {
    if (pid_ <= 0) return MakeError(ErrorCode::kInvalidArgument, Who() + ": its sandbox has ended");
    if (payload.size() > limits_.max_input) {
        return MakeError(ErrorCode::kInvalidArgument, Who() + ": the input of " + std::to_string(payload.size()) +
                                                          " bytes is over the limit of " +
                                                          std::to_string(limits_.max_input) + " bytes");
    }
    const auto deadline = std::chrono::steady_clock::now() + wall;
    if (type != '\0') {
        bool write_timed_out = false;
        if (!WriteAll(fd_, Frame(type, payload), deadline, write_timed_out)) {
            if (write_timed_out) {
                return Failed("did not take its input within " + std::to_string(wall.count()) +
                              " ms (wall clock) and was stopped");
            }
            int status = 0;
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
            return Failed(Describe(status, limits_));
        }
    }
    char header[5];
    bool timed_out = false;
    bool got = false;
    std::string body;
    for (int fetches = 0;; ++fetches) {
        got = ReadAll(fd_, header, sizeof header, deadline, timed_out);
        std::uint32_t n = 0;
        if (got) {
            for (int i = 0; i < 4; ++i)
                n |= static_cast<std::uint32_t>(static_cast<unsigned char>(header[1 + i])) << (8 * i);
            if (n > limits_.max_output + 1024) return Failed("answered more than its output limit");
        }
        body.assign(got ? n : 0, '\0');
        if (got) got = ReadAll(fd_, body.data(), n, deadline, timed_out);
        if (!got || header[0] != 'F') break;
        // The plugin's fetch(): answered here, then its call goes on.
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        std::string reply;
        if (fetches >= kMaxFetches) {
            reply = R"({"error":"more than )" + std::to_string(kMaxFetches) + R"( fetches in one call"})";
        } else if (!fetcher_) {
            reply = R"({"error":"fetch is not available here"})";
        } else {
            reply = fetcher_(body, left);
        }
        bool write_timed_out = false;
        if (!WriteAll(fd_, Frame('A', reply), deadline, write_timed_out)) {
            return Failed("did not take the answer to its fetch within " + std::to_string(wall.count()) +
                          " ms (wall clock) and was stopped");
        }
    }
    if (!got) {
        if (timed_out) {
            return Failed("did not answer within " + std::to_string(wall.count()) + " ms (wall clock) and was stopped");
        }
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return Failed(Describe(status, limits_));
    }
    if (header[0] == 'O' || header[0] == 'R') return body;
    std::error_code ec;
    const json::value error = json::parse(body, ec);
    std::string kind = "exception";
    std::string message = Bounded(body);
    if (!ec && error.is_object()) {
        if (const auto* k = error.as_object().if_contains("kind"); k != nullptr && k->is_string()) {
            kind = std::string(k->as_string());
        }
        if (const auto* m = error.as_object().if_contains("message"); m != nullptr && m->is_string()) {
            message = Bounded(std::string(m->as_string()));
        }
    }
    std::string what;
    if (kind == "timeout") {
        what = "ran longer than its " + std::to_string(limits_.call_budget.count()) + " ms and was stopped";
    } else if (kind == "memory") {
        what = "ran out of memory (" + std::to_string(limits_.memory_mb) + " MiB): " + message;
    } else if (kind == "recursion") {
        what = "recursed too deeply: " + message;
    } else if (kind == "output") {
        what = "answered too much: " + message;
    } else if (kind == "input") {
        what = "was sent too much: " + message;
    } else if (kind == "import") {
        what = "imports a module, which plugins may not do: " + message;
    } else if (kind == "invalid") {
        what = message;
    } else {
        what = "threw " + message;
    }
    if (type == '\0') what = "its sandbox did not start: " + message;
    if (kind == "memory" || kind == "timeout" || type == '\0') return Failed(what);
    return MakeError(ErrorCode::kInvalidArgument, Who() + ": " + what);
}

Result<json::value> Sandbox::Call(const std::string& hook, const json::array& args) {
    const std::string payload = hook + std::string(1, '\0') + std::to_string(limits_.call_budget.count()) +
                                std::string(1, '\0') + json::serialize(args);
    auto answer = Exchange('C', payload, limits_.call_budget + std::chrono::seconds(1));
    if (!answer) return answer.take_error();
    std::error_code ec;
    json::value v = json::parse(*answer, ec);
    if (ec) return MakeError(ErrorCode::kInvalidArgument, Who() + ": " + hook + " answered something that is not JSON");
    return v;
}

Result<json::value> Sandbox::Export() {
    auto answer = Exchange('X', "", limits_.call_budget + std::chrono::seconds(1));
    if (!answer) return answer.take_error();
    std::error_code ec;
    json::value v = json::parse(*answer, ec);
    if (ec) return MakeError(ErrorCode::kInvalidArgument, Who() + ": its export is not JSON");
    return v;
}

Result<json::value> Sandbox::Probe() {
    auto answer = Exchange('P', "", limits_.call_budget);
    if (!answer) return answer.take_error();
    return json::parse(*answer);
}

std::function<Result<json::value>(std::string_view, std::string_view)> ModuleEvaluator(fs::path host,
                                                                                       SandboxLimits limits) {
    return [host = std::move(host), limits](std::string_view source, std::string_view origin) -> Result<json::value> {
        // Named by its file when it has one (stack traces name it too), else pack.mjs.
        std::string name = fs::path(std::string(origin)).filename().string();
        if (!name.ends_with(".js") && !name.ends_with(".mjs")) name = "pack.mjs";
        auto box = Sandbox::Start(host, name, std::string(source), limits, false, "JavaScript pack");
        if (!box) return box.take_error();
        return (*box)->Export();
    };
}

}  // namespace dihya::plugins
