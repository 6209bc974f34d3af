#include "jshost/engine.hpp"

#include <js/Array.h>
#include <js/CharacterEncoding.h>
#include <js/CompilationAndEvaluation.h>
#include <js/Context.h>
#include <js/Conversions.h>
#include <js/ErrorReport.h>
#include <js/Exception.h>
#include <js/GCAPI.h>
#include <js/Initialization.h>
#include <js/Interrupt.h>
#include <js/JSON.h>
#include <js/Modules.h>
#include <js/Promise.h>
#include <js/Realm.h>
#include <js/SourceText.h>
#include <js/Stack.h>
#include <js/String.h>
#include <jsapi.h>
#include <jsfriendapi.h>

namespace dihya::jshost {

namespace {

const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps};

// Every import, static or dynamic, is refused: a plugin is one module and reaches nothing else.
JSObject* RefuseImport(JSContext* cx, JS::HandleValue, JS::HandleObject request) {
    JS::RootedString specifier(cx, JS::GetModuleRequestSpecifier(cx, request));
    JS::UniqueChars name = specifier ? JS_EncodeStringToUTF8(cx, specifier) : nullptr;
    JS_ReportErrorUTF8(cx, "plugins may not import anything ('%s')", name ? name.get() : "?");
    return nullptr;
}

struct Sink {
    std::u16string text;
    std::size_t limit = 0;
    bool over = false;
};

// Stops writing as soon as the answer is past the limit (each UTF-16 unit is at least one byte of UTF-8).
bool Append(const char16_t* buffer, uint32_t length, void* data) {
    auto* sink = static_cast<Sink*>(data);
    if (sink->text.size() + length > sink->limit) {
        sink->over = true;
        return false;
    }
    sink->text.append(buffer, length);
    return true;
}

// The one native a plugin reaches, through the fetch() the prelude defines: a request (JSON text) in, the
// server's reply (JSON text) out. The prelude removes it from the global object once it holds it.
// GCC 12 takes the engine's rooting (a stack-rooted value registering itself with the context) for a dangling
// pointer here; the root is unregistered when it leaves scope.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
bool FetchNative(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    const auto* self = static_cast<const Engine*>(JS_GetContextPrivate(cx));
    JS::RootedString request(cx, JS::ToString(cx, args.get(0)));
    if (!request) return false;
    JS::UniqueChars utf8 = JS_EncodeStringToUTF8(cx, request);
    if (!utf8) return false;
    const std::string reply = self->Fetch(utf8.get());
    JSString* out = JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(reply.data(), reply.size()));
    if (out == nullptr) return false;
    args.rval().setString(out);
    return true;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// fetch(url, {method, headers, body}) → Response {status, ok, url, headers.get(), text(), json()}: the part of the
// Fetch standard a plugin needs to read an API. The server decides (permission http:fetch, the manifest's hosts).
constexpr const char* kPrelude = R"JS((() => {
  const send = globalThis.__dihyaFetch;
  delete globalThis.__dihyaFetch;
  class Headers {
    #map;
    constructor(entries) { this.#map = new Map(entries); }
    get(name) { return this.#map.get(String(name).toLowerCase()) ?? null; }
    has(name) { return this.#map.has(String(name).toLowerCase()); }
  }
  class Response {
    #body;
    constructor(r) {
      this.status = r.status;
      this.ok = r.status >= 200 && r.status < 300;
      this.url = r.url;
      this.headers = new Headers(r.content_type ? [['content-type', r.content_type]] : []);
      this.#body = r.body;
    }
    async text() { return this.#body; }
    async json() { return JSON.parse(this.#body); }
  }
  const fetch = async (input, init = {}) => {
    const headers = init.headers ?? {};
    const list = Array.isArray(headers) ? headers : Object.entries(headers);
    const request = {
      url: String(input),
      method: String(init.method ?? 'GET').toUpperCase(),
      headers: list.map(([k, v]) => `${k}: ${v}`),
      body: init.body == null ? '' : String(init.body),
    };
    const reply = JSON.parse(send(JSON.stringify(request)));
    if (reply.error) throw new TypeError(`fetch ${request.url.split(/[?#]/)[0].replace(/\/\/[^/]*@/, '//')}: ${reply.error}`);
    return new Response(reply);
  };
  Object.defineProperty(globalThis, 'fetch', { value: fetch, writable: false, enumerable: false, configurable: false });
})();)JS";

std::string KindOf(const std::string& message) {
    if (message.find("out of memory") != std::string::npos ||
        message.find("allocation size overflow") != std::string::npos) {
        return "memory";
    }
    if (message.find("too much recursion") != std::string::npos) return "recursion";
    if (message.find("may not import") != std::string::npos ||
        message.find("Dynamic module import") != std::string::npos) {
        return "import";
    }
    return "exception";
}

}  // namespace

struct Engine::Roots {
    explicit Roots(JSContext* cx, JSObject* g) : global(cx, g), realm(cx, g), plugin(cx) {}
    JS::PersistentRootedObject global;
    JSAutoRealm realm;
    JS::PersistentRootedObject plugin;
};

/// Arms the watchdog for one load or call: past the budget, the engine is interrupted and the script ends.
class Engine::Deadline {
public:
    Deadline(Engine& e, std::chrono::milliseconds budget) : e_(e) {
        std::lock_guard lock(e_.mu_);
        e_.timed_out_ = false;
        e_.deadline_ = std::chrono::steady_clock::now() + budget;
        e_.armed_ = true;
        e_.cv_.notify_one();
    }
    ~Deadline() {
        std::lock_guard lock(e_.mu_);
        e_.armed_ = false;
    }
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

private:
    Engine& e_;
};

bool Engine::OnInterrupt(JSContext* cx) {
    auto* self = static_cast<Engine*>(JS_GetContextPrivate(cx));
    if (self == nullptr || !self->timed_out_.load()) return true;
    js::StopDrainingJobQueue(cx);  // the other queued promise jobs do not get to run either
    return false;
}

bool Engine::Init(const EngineOptions& options) {
    JS::DisableJitBackend();  // no executable memory: seccomp refuses PROT_EXEC
    if (!JS_Init()) return false;
    cx_ = JS_NewContext(JS::DefaultHeapMaxBytes);
    if (cx_ == nullptr) return false;
    JS_SetContextPrivate(cx_, this);
    max_output_ = options.max_output;
    fetch_ = options.fetch;
    JS_SetNativeStackQuota(cx_, options.stack_quota);
    JS_SetGCParameter(cx_, JSGC_MAX_BYTES, static_cast<uint32_t>(options.gc_max_bytes));
    if (!js::UseInternalJobQueues(cx_)) return false;
    if (!JS::InitSelfHostedCode(cx_)) return false;
    JS_AddInterruptCallback(cx_, &Engine::OnInterrupt);
    JS::SetModuleResolveHook(JS_GetRuntime(cx_), &RefuseImport);
    JS::RealmOptions realm_options;
    JSObject* global = JS_NewGlobalObject(cx_, &kGlobalClass, nullptr, JS::FireOnNewGlobalHook, realm_options);
    if (global == nullptr) return false;
    roots_ = new Roots(cx_, global);
    if (!JS::InitRealmStandardClasses(cx_)) return false;
    JS::RootedObject g(cx_, global);
    if (JS_DefineFunction(cx_, g, "__dihyaFetch", &FetchNative, 1, 0) == nullptr) return false;
    JS::CompileOptions prelude(cx_);
    prelude.setFileAndLine("dihya:fetch", 1);
    JS::SourceText<mozilla::Utf8Unit> text;
    if (!text.init(cx_, kPrelude, std::char_traits<char>::length(kPrelude), JS::SourceOwnership::Borrowed)) {
        return false;
    }
    JS::RootedValue ignored(cx_);
    if (!JS::Evaluate(cx_, prelude, text, &ignored)) return false;
    watchdog_ = std::thread([this] { Watch(); });
    return true;
}

void Engine::Watch() {
    std::unique_lock lock(mu_);
    while (!quit_) {
        if (!armed_) {
            cv_.wait(lock);
            continue;
        }
        if (timed_out_) {  // past the budget: keep interrupting until the call returns (disarmed)
            JS_RequestInterruptCallback(cx_);
            cv_.wait_for(lock, std::chrono::milliseconds(20));
            continue;
        }
        if (cv_.wait_until(lock, deadline_) == std::cv_status::timeout && armed_ &&
            std::chrono::steady_clock::now() >= deadline_) {
            timed_out_ = true;
            JS_RequestInterruptCallback(cx_);
        }
    }
}

Engine::~Engine() {
    if (watchdog_.joinable()) {
        {
            std::lock_guard lock(mu_);
            quit_ = true;
            cv_.notify_one();
        }
        watchdog_.join();
    }
    delete roots_;
    if (cx_ != nullptr) JS_DestroyContext(cx_);
    JS_ShutDown();
}

Outcome Engine::Failure(const std::string& fallback) {
    if (timed_out_) {
        JS_ClearPendingException(cx_);
        return {false, "ran past its time budget and was stopped", "timeout"};
    }
    if (!JS_IsExceptionPending(cx_)) return {false, fallback, "exception"};
    JS::ExceptionStack stack(cx_);
    if (!JS::StealPendingExceptionStack(cx_, &stack)) return {false, fallback, "exception"};
    JS::ErrorReportBuilder report(cx_);
    if (!report.init(cx_, stack, JS::ErrorReportBuilder::NoSideEffects)) {
        JS_ClearPendingException(cx_);
        return {false, fallback, "exception"};
    }
    std::string message = report.toStringResult().c_str() != nullptr ? report.toStringResult().c_str() : fallback;
    if (const JSErrorReport* r = report.report(); r != nullptr && r->filename != nullptr) {
        message +=
            " (" + std::string(r->filename) + ":" + std::to_string(r->lineno) + ":" + std::to_string(r->column) + ")";
    }
    return {false, message, KindOf(message)};
}

Outcome Engine::Stringify(void* value) {
    JS::RootedValue v(cx_, *static_cast<JS::Value*>(value));
    if (v.isUndefined()) return {true, "null", ""};  // a hook that answers nothing (onEvent)
    if (v.isSymbol() || (v.isObject() && JS::IsCallable(&v.toObject()))) {
        return {false, "answered a value that is not JSON (a function or a symbol)", "invalid"};
    }
    Sink sink{{}, max_output_, false};
    if (!JS_Stringify(cx_, &v, nullptr, JS::NullHandleValue, Append, &sink)) {
        if (sink.over) {
            JS_ClearPendingException(cx_);
            return {false, "answered more than the limit of " + std::to_string(max_output_) + " bytes", "output"};
        }
        return Failure("not JSON");
    }
    const std::u16string& out = sink.text;
    JS::RootedString s(cx_, JS_NewUCStringCopyN(cx_, out.data(), out.size()));
    if (!s) return Failure("out of memory");
    JS::UniqueChars utf8 = JS_EncodeStringToUTF8(cx_, s);
    if (!utf8) return Failure("out of memory");
    return {true, utf8.get(), ""};
}

Outcome Engine::Load(const std::string& source, const std::string& file_name, std::chrono::milliseconds budget) {
    Deadline deadline(*this, budget);
    JS::CompileOptions options(cx_);
    options.setFileAndLine(file_name.c_str(), 1);
    JS::SourceText<mozilla::Utf8Unit> text;
    if (!text.init(cx_, source.data(), source.size(), JS::SourceOwnership::Borrowed)) return Failure("bad source");
    JS::RootedObject module(cx_, JS::CompileModule(cx_, options, text));
    if (!module) return Failure("does not compile");
    if (!JS::ModuleInstantiate(cx_, module)) return Failure("does not link");
    JS::RootedValue evaluated(cx_);
    if (!JS::ModuleEvaluate(cx_, module, &evaluated)) return Failure("does not run");
    js::RunJobs(cx_);
    if (timed_out_) return Failure("");
    if (evaluated.isObject()) {
        JS::RootedObject promise(cx_, &evaluated.toObject());
        if (JS::IsPromiseObject(promise) && JS::GetPromiseState(promise) == JS::PromiseState::Rejected &&
            !JS::ThrowOnModuleEvaluationFailure(cx_, promise, JS::ThrowModuleErrorsSync)) {
            return Failure("threw while loading");
        }
    }
    JS::RootedObject ns(cx_, JS::GetModuleNamespace(cx_, module));
    if (!ns) return Failure("has no namespace");
    JS::RootedValue exported(cx_);
    if (!JS_GetProperty(cx_, ns, "default", &exported)) return Failure("has no default export");
    if (!exported.isObject()) return {false, "its default export is not an object ({manifest, hooks…})", "invalid"};
    roots_->plugin = &exported.toObject();
    JS::RootedValue manifest(cx_);
    if (!JS_GetProperty(cx_, roots_->plugin, "manifest", &manifest)) return Failure("has no manifest");
    if (!manifest.isObject()) return {false, "its default export has no manifest object", "invalid"};
    return Stringify(manifest.address());
}

Outcome Engine::Export(std::chrono::milliseconds budget) {
    if (!roots_->plugin) return {false, "no module is loaded", "invalid"};
    Deadline deadline(*this, budget);
    JS::RootedValue exported(cx_, JS::ObjectValue(*roots_->plugin));
    return Stringify(exported.address());
}

Outcome Engine::Call(const std::string& hook, const std::string& args_json, std::chrono::milliseconds budget) {
    if (!roots_->plugin) return {false, "no plugin is loaded", "invalid"};
    Deadline deadline(*this, budget);
    JS::RootedObject plugin(cx_, roots_->plugin);
    JS::RootedValue fn(cx_);
    if (!JS_GetProperty(cx_, plugin, hook.c_str(), &fn)) return Failure("no such hook");
    if (!fn.isObject() || !JS_ObjectIsFunction(&fn.toObject())) {
        return {false, "has no function " + hook + " in its default export", "invalid"};
    }
    JS::RootedString text(cx_, JS_NewStringCopyUTF8N(cx_, JS::UTF8Chars(args_json.data(), args_json.size())));
    JS::RootedValue args(cx_);
    if (!text || !JS_ParseJSON(cx_, text, &args)) return Failure("bad arguments");
    bool is_array = false;
    if (!args.isObject() || !JS::IsArrayObject(cx_, args, &is_array) || !is_array) {
        return {false, "the arguments are not a JSON array", "invalid"};
    }
    JS::RootedObject list(cx_, &args.toObject());
    uint32_t n = 0;
    if (!JS::GetArrayLength(cx_, list, &n)) return Failure("bad arguments");
    JS::RootedValueVector argv(cx_);
    for (uint32_t i = 0; i < n; ++i) {
        JS::RootedValue v(cx_);
        if (!JS_GetElement(cx_, list, i, &v) || !argv.append(v)) return Failure("bad arguments");
    }
    JS::RootedValue result(cx_);
    if (!JS_CallFunctionValue(cx_, plugin, fn, JS::HandleValueArray(argv), &result)) return Failure("threw");
    if (result.isObject()) {  // an async hook: run its jobs, take what it resolved to
        JS::RootedObject promise(cx_, &result.toObject());
        if (JS::IsPromiseObject(promise)) {
            js::RunJobs(cx_);
            if (timed_out_) return Failure("");
            const JS::PromiseState state = JS::GetPromiseState(promise);
            if (state == JS::PromiseState::Pending) {
                return {false, "returned a promise that never settles (nothing outside the plugin answers)", "invalid"};
            }
            result = JS::GetPromiseResult(promise);
            if (state == JS::PromiseState::Rejected) {
                JS_SetPendingException(cx_, result);
                return Failure("rejected");
            }
        }
    }
    return Stringify(result.address());
}

}  // namespace dihya::jshost
