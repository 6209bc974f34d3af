#pragma once

// One plugin running in its sandbox (docs/plugins.md): a dihya-js process started for it, limited in memory, CPU
// time, wall-clock time, input and output, and confined by seccomp to the socket it shares with this process.
// Every failure is an Error naming the plugin and the limit it hit; the process is killed with this object.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <sys/types.h>

#include "core/result.hpp"

namespace dihya::plugins {

struct SandboxLimits {
    std::size_t memory_mb = 512;                  // address space of the process (the engine alone takes about 180 MiB)
    std::size_t cpu_seconds = 10;                 // CPU time of the process over all its calls
    std::chrono::milliseconds call_budget{2000};  // one hook's run (and loading), enforced inside; the wall clock
                                                  // allows 1 s more
    std::chrono::milliseconds start_budget{10000};  // starting the engine
    std::size_t max_input = 8u << 20;               // bytes sent to the plugin in one call
    std::size_t max_output = 8u << 20;              // bytes it may answer
};

/// The dihya-js executable: `configured` when set, else beside the running binary, else on PATH's usual place.
std::filesystem::path HostPath(const std::string& configured);

class Sandbox final {
public:
    /// Starts dihya-js and loads the plugin's source; `name` names it in every message. kInvalidArgument when the
    /// plugin does not load (its error), kUnavailable when the sandbox cannot start.
    static Result<std::unique_ptr<Sandbox>> Start(const std::filesystem::path& host, const std::string& name,
                                                  const std::string& source, const SandboxLimits& limits,
                                                  bool probe = false, std::string noun = "plugin");
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    /// The default export's manifest, as the plugin declared it (not checked here).
    const boost::json::value& manifest() const { return manifest_; }

    /// Calls `hook` with `args`; its result. After a limit is hit the process is gone and later calls fail.
    Result<boost::json::value> Call(const std::string& hook, const boost::json::array& args);

    /// The module's whole default export as JSON (its functions left out): what a JavaScript pack computes.
    Result<boost::json::value> Export();

    /// The `--probe` answer: what the system call filter does to file, network and process calls (tests).
    Result<boost::json::value> Probe();

    bool alive() const { return pid_ > 0; }

    /// Answers the plugin's fetch() while a call runs: a request as JSON ({url, method, headers, body}) and the
    /// time left of the call → the reply as JSON ({status, content_type, body, url} or {error}). Without one, every
    /// fetch fails. At most kMaxFetches per call.
    using Fetcher = std::function<std::string(const std::string& request, std::chrono::milliseconds left)>;
    void SetFetcher(Fetcher fetcher) { fetcher_ = std::move(fetcher); }
    static constexpr int kMaxFetches = 20;

private:
    Sandbox(std::string name, SandboxLimits limits) : name_(std::move(name)), limits_(limits) {}
    std::string Who() const { return noun_ + " " + name_; }
    Result<std::string> Exchange(char type, const std::string& payload, std::chrono::milliseconds wall);
    Error Failed(const std::string& what);
    void Kill();

    std::string name_;
    std::string noun_ = "plugin";  // what messages call it: a plugin, a JavaScript pack
    SandboxLimits limits_;
    pid_t pid_ = -1;
    int fd_ = -1;
    bool slot_ = false;  // holds one of the process's sandbox slots
    boost::json::value manifest_;
    Fetcher fetcher_;
};

/// Runs a module in a sandbox and answers its default export as JSON (JavaScript packs that compute their data);
/// messages call it "JavaScript pack <origin>".
std::function<Result<boost::json::value>(std::string_view source, std::string_view origin)> ModuleEvaluator(
    std::filesystem::path host, SandboxLimits limits);

}  // namespace dihya::plugins
