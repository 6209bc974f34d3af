#pragma once

// The JavaScript engine of the plugin sandbox (docs/plugins-engine.md): SpiderMonkey 102 from Debian with the JIT
// off, one global, one ES module (the plugin) whose default export's hooks are called with JSON and answer JSON.
// Only dihya-js (src/jshost/main.cpp) links it; the server never does.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

struct JSContext;

namespace dihya::jshost {

/// What went wrong, for the host's answer: the kind names the limit or the cause.
struct Outcome {
    bool ok = false;
    std::string value;  // JSON text when ok, else the message
    std::string kind;   // when not ok: exception, timeout, memory, recursion, import, invalid
};

struct EngineOptions {
    std::size_t gc_max_bytes = 128u << 20;
    std::size_t stack_quota = 1u << 20;
    std::size_t max_output = 8u << 20;  // bytes of JSON an answer may take (checked while it is written)
    /// What the plugin's fetch() asks the server: a request as JSON {url, method, headers: ["Name: value"], body}
    /// → the reply as JSON {status, content_type, body, url} or {error}. Blocks until the server answers.
    std::function<std::string(const std::string&)> fetch;
};

class Engine final {
public:
    Engine() = default;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    ~Engine();

    /// Starts the engine (JIT off) and its watchdog thread; false when it cannot.
    bool Init(const EngineOptions& options);

    /// Compiles, links and evaluates the module; keeps its default export. Answers the export's manifest as JSON.
    Outcome Load(const std::string& source, const std::string& file_name, std::chrono::milliseconds budget);

    /// plugin[hook](...args) with `args_json` a JSON array; answers the result as JSON.
    Outcome Call(const std::string& hook, const std::string& args_json, std::chrono::milliseconds budget);

    /// The whole default export as JSON (functions left out, as JSON.stringify does): a JavaScript pack's data.
    Outcome Export(std::chrono::milliseconds budget);

    static bool OnInterrupt(JSContext* cx);
    /// The server's answer to one fetch() of the plugin (EngineOptions::fetch).
    std::string Fetch(const std::string& request) const {
        return fetch_ ? fetch_(request) : std::string(R"({"error":"fetch is not available here"})");
    }

private:
    class Deadline;
    Outcome Failure(const std::string& fallback);
    Outcome Stringify(void* value);
    void Watch();

    JSContext* cx_ = nullptr;
    std::size_t max_output_ = 8u << 20;
    std::function<std::string(const std::string&)> fetch_;
    struct Roots;
    Roots* roots_ = nullptr;
    std::thread watchdog_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::chrono::steady_clock::time_point deadline_;
    bool armed_ = false;
    bool quit_ = false;
    std::atomic<bool> timed_out_{false};
};

}  // namespace dihya::jshost
