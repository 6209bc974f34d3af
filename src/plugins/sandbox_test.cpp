#include "plugins/sandbox.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "plugins/plugin.hpp"
#include "plugins/test_support.hpp"

namespace dihya::plugins {
namespace {

namespace json = boost::json;

using plugins::testing::kHost;

constexpr const char* kManifest =
    "manifest: {name: 'hostile', version: '1.0.0', description: 'd', author: 'a', hooks: ['beforeGeneration'], "
    "permissions: ['model:write']}";

/// A plugin whose beforeGeneration runs `body` (with `model` in scope).
std::string PluginWith(const std::string& body, const std::string& before = "") {
    return before + "\nexport default { " + kManifest + ", beforeGeneration(model) { " + body + " } };\n";
}

SandboxLimits Small() {
    SandboxLimits l;
    l.memory_mb = 384;
    l.cpu_seconds = 5;
    l.call_budget = std::chrono::milliseconds(500);
    l.max_output = 64 * 1024;
    l.max_input = 256 * 1024;
    return l;
}

class SandboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (kHost == nullptr) GTEST_SKIP() << "dihya-js is not built here (sanitizer build)";
    }

    /// Loads the plugin and calls beforeGeneration({n: 1}); the error message of the call (or of the load).
    std::string Failure(const std::string& source, const SandboxLimits& limits = Small()) {
        auto box = Sandbox::Start(kHost, "hostile.mjs", source, limits);
        if (!box) return box.error().message;
        auto r = (*box)->Call("beforeGeneration", json::array{json::object{{"n", 1}}});
        if (r) return "answered " + json::serialize(*r);
        return r.error().message;
    }
};

TEST_F(SandboxTest, RunsModernJavaScriptAndAnswersJson) {
    const std::string source = R"(
class Counter { #n = 0; add(k = 1) { this.#n += k; return this; } get value() { return this.#n; } }
const label = ({ name, ...rest }) => `${name?.toUpperCase() ?? ''}:${Object.keys(rest).length}`;
export default {
  manifest: { name: 'modern', version: '1.2.3', description: 'ES2020+', author: 'me',
              hooks: ['beforeGeneration'], permissions: ['model:write'] },
  beforeGeneration(model) {
    const entities = model.entities.map((e) => ({ ...e, label: label(e) }));
    return { ...model, entities, count: new Counter().add(2).add().value, big: 2n ** 64n > 0n };
  },
};)";
    auto box = Sandbox::Start(kHost, "modern.mjs", source, Small());
    ASSERT_TRUE(box) << box.error().message;
    EXPECT_EQ((*box)->manifest().at("version").as_string(), "1.2.3");
    auto r = (*box)->Call("beforeGeneration",
                          json::array{json::parse(R"({"entities":[{"name":"book","fields":[]},{"id":3}]})")});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(
        json::serialize(*r),
        R"({"entities":[{"name":"book","fields":[],"label":"BOOK:1"},{"id":3,"label":":1"}],"count":3,"big":true})");
    // The same process answers again.
    auto again = (*box)->Call("beforeGeneration", json::array{json::parse(R"({"entities":[]})")});
    ASSERT_TRUE(again) << again.error().message;
}

TEST_F(SandboxTest, InfiniteLoopIsStoppedByItsTimeBudget) {
    const std::string m = Failure(PluginWith("for (;;) {}"));
    EXPECT_NE(m.find("plugin hostile.mjs: ran longer than its 500 ms and was stopped"), std::string::npos) << m;
}

TEST_F(SandboxTest, InfiniteLoopWhileLoadingIsStoppedToo) {
    const std::string m = Failure(PluginWith("return model;", "while (true) {}"));
    EXPECT_NE(m.find("plugin hostile.mjs: ran longer than its 500 ms"), std::string::npos) << m;
}

TEST_F(SandboxTest, MemoryBombRunsOutOfMemory) {
    // The engine takes about 180 MiB of address space; time budgets far longer than running out takes.
    SandboxLimits limits = Small();
    limits.memory_mb = 256;
    limits.cpu_seconds = 60;
    limits.call_budget = std::chrono::milliseconds(60'000);
    const std::string m = Failure(PluginWith("const a = []; for (;;) a.push(new Array(1e6).fill(1));"), limits);
    EXPECT_NE(m.find("plugin hostile.mjs: ran out of memory (256 MiB)"), std::string::npos) << m;
    const std::string small =
        Failure(PluginWith("const a = []; for (;;) a.push({ x: a.length, y: [1, 2, 3] });"), limits);
    // Usually the collected heap's limit (an exception); should the address space run out first, the engine ends
    // itself during a collection, which is reported as such.
    EXPECT_TRUE(small.find("ran out of memory") != std::string::npos ||
                small.find("crashed (likely out of its 256 MiB of memory)") != std::string::npos)
        << small;
}

TEST_F(SandboxTest, DeepRecursionIsAnError) {
    const std::string m = Failure(PluginWith("const f = (n) => f(n + 1) + 1; return f(0);"));
    EXPECT_NE(m.find("plugin hostile.mjs: recursed too deeply: InternalError: too much recursion"), std::string::npos)
        << m;
}

TEST_F(SandboxTest, ReadingFilesOrTheNetworkHasNoWayIn) {
    // No module may be imported (fs, net, child_process...), statically or dynamically, and no such global exists.
    const std::string fs = Failure(PluginWith("return model;", "import { readFileSync } from 'fs';"));
    EXPECT_NE(fs.find("imports a module, which plugins may not do"), std::string::npos) << fs;
    EXPECT_NE(fs.find("'fs'"), std::string::npos) << fs;
    const std::string dynamic = Failure(PluginWith("return import('child_process').then(() => model);"));
    EXPECT_NE(dynamic.find("plugin hostile.mjs:"), std::string::npos) << dynamic;
    EXPECT_EQ(dynamic.find("answered"), std::string::npos) << dynamic;
    auto box = Sandbox::Start(kHost, "probe.mjs",
                              PluginWith("return [typeof require, typeof process, typeof fetch, typeof XMLHttpRequest, "
                                         "typeof os, typeof read, typeof load, typeof Deno];"),
                              Small());
    ASSERT_TRUE(box) << box.error().message;
    auto globals = (*box)->Call("beforeGeneration", json::array{json::object{}});
    ASSERT_TRUE(globals) << globals.error().message;
    // fetch exists, answered by the server (docs/plugins.md "Fetching"); this sandbox has no one to answer it.
    const std::vector<std::string> expected{"undefined", "undefined", "function",  "undefined",
                                            "undefined", "undefined", "undefined", "undefined"};
    EXPECT_EQ(json::value_to<std::vector<std::string>>(*globals), expected) << json::serialize(*globals);
}

TEST_F(SandboxTest, TheSystemCallFilterRefusesFilesSocketsAndProcesses) {
    // What the sandbox process itself gets once the filter is on (the host's --probe, for tests only).
    auto box = Sandbox::Start(kHost, "probe.mjs", PluginWith("return model;"), Small(), /*probe=*/true);
    ASSERT_TRUE(box) << box.error().message;
    auto probe = (*box)->Probe();
    ASSERT_TRUE(probe) << probe.error().message;
    for (const char* call : {"open", "openat", "socket", "fork", "execve", "mmap_exec"}) {
        EXPECT_EQ(probe->at(call).as_string(), "Operation not permitted") << call << ": " << json::serialize(*probe);
    }
    // None of the server's environment (secrets, database URL) reaches it: only LANG.
    EXPECT_EQ(probe->at("environment").as_int64(), 1) << json::serialize(*probe);
    // Still alive and working after the refusals.
    EXPECT_TRUE((*box)->Call("beforeGeneration", json::array{json::object{}}));
}

TEST_F(SandboxTest, HugeOutputIsRefused) {
    const std::string m = Failure(PluginWith("return { text: 'x'.repeat(1 << 20) };"));
    EXPECT_NE(m.find("plugin hostile.mjs: answered too much"), std::string::npos) << m;
    EXPECT_NE(m.find("the limit of 65536 bytes"), std::string::npos) << m;
}

TEST_F(SandboxTest, HugeInputIsRefusedBeforeSending) {
    auto box = Sandbox::Start(kHost, "hostile.mjs", PluginWith("return model;"), Small());
    ASSERT_TRUE(box) << box.error().message;
    auto r = (*box)->Call("beforeGeneration", json::array{json::object{{"text", std::string(512 * 1024, 'x')}}});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("over the limit of 262144 bytes"), std::string::npos) << r.error().message;
}

TEST_F(SandboxTest, MalformedReturnValuesAreErrors) {
    const std::string fn = Failure(PluginWith("return () => 1;"));
    EXPECT_NE(fn.find("plugin hostile.mjs: answered a value that is not JSON"), std::string::npos) << fn;
    const std::string cyclic = Failure(PluginWith("const a = {}; a.self = a; return a;"));
    EXPECT_NE(cyclic.find("cyclic"), std::string::npos) << cyclic;
    const std::string bigint = Failure(PluginWith("return { n: 1n };"));
    EXPECT_NE(bigint.find("BigInt"), std::string::npos) << bigint;
    const std::string never = Failure(PluginWith("return new Promise(() => {});"));
    EXPECT_NE(never.find("never settles"), std::string::npos) << never;
}

TEST_F(SandboxTest, AHookThatThrowsNamesTheErrorAndWhere) {
    const std::string m = Failure(PluginWith("throw new TypeError(`no entity named ${model.n}`);"));
    EXPECT_NE(m.find("plugin hostile.mjs: threw TypeError: no entity named 1 (hostile.mjs:2:"), std::string::npos) << m;
    const std::string rejected = Failure(PluginWith("return Promise.reject(new Error('async boom'));"));
    EXPECT_NE(rejected.find("threw Error: async boom"), std::string::npos) << rejected;
    const std::string syntax = Failure("export default { manifest: {,} };");
    EXPECT_NE(syntax.find("plugin hostile.mjs: threw SyntaxError"), std::string::npos) << syntax;
}

TEST_F(SandboxTest, CpuTimeLimitEndsTheProcessEvenWithoutTheWatchdog) {
    // A budget longer than the CPU limit: the kernel's RLIMIT_CPU stops it, or the wall clock does.
    SandboxLimits limits = Small();
    limits.cpu_seconds = 1;
    limits.call_budget = std::chrono::milliseconds(4000);
    const std::string m = Failure(PluginWith("for (;;) {}"), limits);
    EXPECT_TRUE(m.find("CPU time") != std::string::npos || m.find("wall clock") != std::string::npos) << m;
}

TEST_F(SandboxTest, ModuleEvaluatorAnswersTheDefaultExportOfAJavaScriptPack) {
    auto evaluate = ModuleEvaluator(kHost, Small());
    auto v = evaluate(
        "const n = [1, 2].map((x) => x * 3);\n"
        "export default { manifest: { name: 'p' }, files: { 'a.txt': `${n}` }, render() {} };",
        "packs/p.mjs");
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(json::serialize(*v), R"({"manifest":{"name":"p"},"files":{"a.txt":"3,6"}})");
    auto bad = evaluate("export default { manifest: {}, files: missing };", "the document");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("JavaScript pack pack.mjs: threw ReferenceError: missing is not defined"),
              std::string::npos)
        << bad.error().message;
}

TEST_F(SandboxTest, AMissingHostIsAClearError) {
    auto box = Sandbox::Start("/nonexistent/dihya-js", "p.mjs", PluginWith("return model;"), Small());
    ASSERT_FALSE(box);
    EXPECT_EQ(box.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(box.error().message.find("plugin p.mjs: cannot start its sandbox"), std::string::npos);
}

TEST_F(SandboxTest, ManifestIsChecked) {
    auto check = [](const std::string& manifest) {
        auto m = CheckManifest(json::parse(manifest), "p.mjs");
        return m ? std::string("ok") : m.error().message;
    };
    EXPECT_EQ(check(R"({"name":"p","version":"1.0.0","description":"d","author":"a","hooks":["onEvent"],
                        "permissions":["events:read"]})"),
              "ok");
    EXPECT_NE(check(R"({"name":"p","version":"1","description":"d","author":"a","hooks":["onEvent"]})")
                  .find("manifest.version"),
              std::string::npos);
    EXPECT_NE(check(R"({"name":"p","version":"1.0.0","description":"d","author":"a","hooks":["onEvent"],
                        "permissions":["root"]})")
                  .find("manifest.permissions: unknown root"),
              std::string::npos);
    EXPECT_NE(
        check(R"({"name":"p","version":"1.0.0","description":"d","author":"a","hooks":[]})").find("manifest.hooks"),
        std::string::npos);
    EXPECT_NE(check(R"({"name":"p","version":"1.0.0","description":"d","author":"a","hooks":["onEvent"],
                        "hosts":["example.com"]})")
                  .find("needs the http:fetch permission"),
              std::string::npos);
}

}  // namespace
}  // namespace dihya::plugins
