// Minimal SpiderMonkey 102 plugin host: load an ES module from a string,
// read default export's manifest, call hooks with JSON in / JSON out.
// Header-only so that sm.cpp (in-process demo) and sandbox.cpp share it.
#pragma once
#include <jsapi.h>
#include <jsfriendapi.h>              // js::UseInternalJobQueues, js::RunJobs
#include <js/Initialization.h>        // JS_Init, JS_ShutDown
#include <js/Context.h>               // JS_NewContext
#include <js/CompilationAndEvaluation.h>
#include <js/SourceText.h>
#include <js/Modules.h>               // CompileModule, ModuleInstantiate, ModuleEvaluate...
#include <js/JSON.h>                  // JS_ParseJSON, JS_Stringify
#include <js/Promise.h>               // GetPromiseState/Result
#include <js/ErrorReport.h>           // ErrorReportBuilder
#include <js/Exception.h>             // StealPendingExceptionStack
#include <js/CharacterEncoding.h>     // JS_EncodeStringToUTF8
#include <js/Interrupt.h>             // JS_AddInterruptCallback
#include <js/GCAPI.h>                 // JS_SetGCParameter
#include <js/Stack.h>                 // JS_SetNativeStackQuota
#include <js/Array.h>
#include <js/Realm.h>
#include <js/String.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace smhost {

struct Result {
  bool ok = false;
  std::string value;  // JSON text on success, error message on failure
};

inline const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS,
                                     &JS::DefaultGlobalClassOps};

// Every static and dynamic import is rejected.
inline JSObject* RejectImport(JSContext* cx, JS::HandleValue /*referencingPrivate*/,
                              JS::HandleObject moduleRequest) {
  JS::RootedString spec(cx, JS::GetModuleRequestSpecifier(cx, moduleRequest));
  JS::UniqueChars s = spec ? JS_EncodeStringToUTF8(cx, spec) : nullptr;
  JS_ReportErrorUTF8(cx, "plugin imports are not allowed ('%s')", s ? s.get() : "?");
  return nullptr;
}

// Turn the pending exception (or uncatchable termination) into a message and clear it.
inline std::string TakeError(JSContext* cx) {
  if (!JS_IsExceptionPending(cx))
    return "terminated (uncatchable: interrupt/timeout or engine abort)";
  JS::ExceptionStack exn(cx);
  if (!JS::StealPendingExceptionStack(cx, &exn)) return "unknown error";
  JS::ErrorReportBuilder report(cx);
  if (!report.init(cx, exn, JS::ErrorReportBuilder::NoSideEffects)) {
    JS_ClearPendingException(cx);
    return "error (could not build report)";
  }
  std::string msg = report.toStringResult().c_str() ? report.toStringResult().c_str() : "error";
  if (JSErrorReport* r = report.report()) {
    if (r->filename) msg += std::string(" @ ") + r->filename + ":" + std::to_string(r->lineno) + ":" + std::to_string(r->column);
  }
  return msg;
}

inline bool AppendJson(const char16_t* buf, uint32_t len, void* data) {
  static_cast<std::u16string*>(data)->append(buf, len);
  return true;
}

class Engine {
 public:
  inline static void (*afterJSInit)() = nullptr;
  // Interrupt-based deadline: a watchdog thread calls JS_RequestInterruptCallback,
  // the callback returns false when the deadline passed -> uncatchable termination.
  static bool InterruptCb(JSContext* cx) {
    auto* self = static_cast<Engine*>(JS_GetContextPrivate(cx));
    return !(self && self->timedOut_.load());
  }

  bool init(size_t gcMaxBytes = 64u << 20, size_t stackQuota = 1u << 20,
            bool jit = true, bool watchdog = true) {
    if (!jit) JS::DisableJitBackend();  // must precede JS_Init
    if (!JS_Init()) return false;
    if (afterJSInit) afterJSInit();  // e.g. JS::SetHelperThreadTaskCallback: after JS_Init, before JS_NewContext
    cx_ = JS_NewContext(JS::DefaultHeapMaxBytes);
    if (!cx_) return false;
    JS_SetContextPrivate(cx_, this);
    JS_SetNativeStackQuota(cx_, stackQuota);          // must precede any execution
    JS_SetGCParameter(cx_, JSGC_MAX_BYTES, uint32_t(gcMaxBytes));
    if (!js::UseInternalJobQueues(cx_)) return false;  // promise jobs (module eval in 102)
    if (!JS::InitSelfHostedCode(cx_)) return false;
    JS_AddInterruptCallback(cx_, &Engine::InterruptCb);
    JS::SetModuleResolveHook(JS_GetRuntime(cx_), &RejectImport);
    JS::RealmOptions opts;
    global_.emplace(cx_, JS_NewGlobalObject(cx_, &kGlobalClass, nullptr,
                                           JS::FireOnNewGlobalHook, opts));
    if (!*global_) return false;
    realm_.emplace(cx_, *global_);  // JSAutoRealm: enter the global's realm for good
    if (!JS::InitRealmStandardClasses(cx_)) return false;  // no-op if already resolved lazily
    plugin_.emplace(cx_);
    return watchdog ? startWatchdog() : true;
  }

  // Compile + link + evaluate the module; keep its default export. Returns manifest JSON.
  Result load(const std::string& source, const char* filename = "plugin.mjs") {
    JSContext* cx = cx_;
    Deadline d(*this, std::chrono::milliseconds(2000));
    JS::CompileOptions options(cx);
    options.setFileAndLine(filename, 1);
    JS::SourceText<mozilla::Utf8Unit> src;
    if (!src.init(cx, source.data(), source.size(), JS::SourceOwnership::Borrowed))
      return {false, TakeError(cx)};
    JS::RootedObject module(cx, JS::CompileModule(cx, options, src));
    if (!module) return {false, TakeError(cx)};
    if (!JS::ModuleInstantiate(cx, module)) return {false, TakeError(cx)};  // = Link
    JS::RootedValue rval(cx);
    if (!JS::ModuleEvaluate(cx, module, &rval)) return {false, TakeError(cx)};
    js::RunJobs(cx);  // top-level-await is on in 102: evaluation result is a promise
    if (rval.isObject()) {
      JS::RootedObject promise(cx, &rval.toObject());
      if (JS::IsPromiseObject(promise) &&
          JS::GetPromiseState(promise) == JS::PromiseState::Rejected) {
        // rethrow the rejection reason synchronously, then report it
        if (!JS::ThrowOnModuleEvaluationFailure(cx, promise, JS::ThrowModuleErrorsSync))
          return {false, TakeError(cx)};
      }
    }
    JS::RootedObject ns(cx, JS::GetModuleNamespace(cx, module));
    if (!ns) return {false, TakeError(cx)};
    JS::RootedValue def(cx);
    if (!JS_GetProperty(cx, ns, "default", &def)) return {false, TakeError(cx)};
    if (!def.isObject()) return {false, "default export is not an object"};
    *plugin_ = &def.toObject();
    JS::RootedValue manifest(cx);
    JS::RootedObject plugin(cx, *plugin_);
    if (!JS_GetProperty(cx, plugin, "manifest", &manifest)) return {false, TakeError(cx)};
    return stringify(manifest);
  }

  // Call plugin.<hook>(...JSON.parse(argsJsonArray)) and JSON.stringify the result.
  Result call(const char* hook, const std::string& argsJsonArray, int timeoutMs = 1000) {
    JSContext* cx = cx_;
    Deadline d(*this, std::chrono::milliseconds(timeoutMs));
    JS::RootedObject plugin(cx, *plugin_);
    if (!plugin) return {false, "no plugin loaded"};
    JS::RootedValue fn(cx);
    if (!JS_GetProperty(cx, plugin, hook, &fn)) return {false, TakeError(cx)};
    if (!fn.isObject() || !JS_ObjectIsFunction(&fn.toObject()))
      return {false, std::string("hook not a function: ") + hook};
    JS::RootedValue args(cx);
    if (!parse(argsJsonArray, &args)) return {false, TakeError(cx)};
    bool isArray = false;
    if (!args.isObject() || !JS::IsArrayObject(cx, args, &isArray) || !isArray)
      return {false, "args must be a JSON array"};
    JS::RootedObject argsObj(cx, &args.toObject());
    uint32_t n = 0;
    if (!JS::GetArrayLength(cx, argsObj, &n)) return {false, TakeError(cx)};
    JS::RootedValueVector argv(cx);
    for (uint32_t i = 0; i < n; i++) {
      JS::RootedValue v(cx);
      if (!JS_GetElement(cx, argsObj, i, &v) || !argv.append(v)) return {false, TakeError(cx)};
    }
    JS::RootedValue rv(cx);
    if (!JS_CallFunctionValue(cx, plugin, fn, JS::HandleValueArray(argv), &rv))
      return {false, TakeError(cx)};
    // async hooks: drain job queue and unwrap the promise
    if (rv.isObject()) {
      JS::RootedObject p(cx, &rv.toObject());
      if (JS::IsPromiseObject(p)) {
        js::RunJobs(cx);
        if (timedOut_) return {false, "terminated (timeout in async hook)"};
        auto st = JS::GetPromiseState(p);
        if (st == JS::PromiseState::Pending) return {false, "hook promise never settled"};
        rv = JS::GetPromiseResult(p);
        if (st == JS::PromiseState::Rejected) {
          JS_SetPendingException(cx, rv);
          return {false, TakeError(cx)};
        }
      }
    }
    // JS_Stringify turns a top-level undefined/function/symbol into "null": reject explicitly.
    if (rv.isUndefined() || rv.isSymbol() || (rv.isObject() && JS::IsCallable(&rv.toObject())))
      return {false, "hook returned a non-JSON value (undefined/function/symbol)"};
    return stringify(rv);
  }

  void gc() { JS_GC(cx_); }
  JSContext* cx() { return cx_; }

  ~Engine() {
    stopWatchdog();
    plugin_.reset();
    realm_.reset();
    global_.reset();
    if (cx_) JS_DestroyContext(cx_);
    JS_ShutDown();
  }

 private:
  bool parse(const std::string& json, JS::MutableHandleValue out) {
    JS::RootedString str(cx_, JS_NewStringCopyUTF8N(cx_, JS::UTF8Chars(json.data(), json.size())));
    return str && JS_ParseJSON(cx_, str, out);
  }
  Result stringify(JS::HandleValue v) {
    std::u16string out;
    JS::RootedValue val(cx_, v);
    if (!JS_Stringify(cx_, &val, nullptr, JS::NullHandleValue, AppendJson, &out))
      return {false, TakeError(cx_)};
    if (out.empty()) return {false, "result is not JSON-serialisable (undefined/function/symbol)"};
    JS::RootedString s(cx_, JS_NewUCStringCopyN(cx_, out.data(), out.size()));
    if (!s) return {false, TakeError(cx_)};
    JS::UniqueChars u8 = JS_EncodeStringToUTF8(cx_, s);
    if (!u8) return {false, TakeError(cx_)};
    return {true, u8.get()};
  }

  // --- watchdog (one helper thread; needs clone(CLONE_THREAD) under seccomp) ---
  struct Deadline {
    Engine& e;
    Deadline(Engine& e, std::chrono::milliseconds ms) : e(e) {
      std::lock_guard<std::mutex> g(e.mu_);
      e.timedOut_ = false;
      e.deadline_ = std::chrono::steady_clock::now() + ms;
      e.armed_ = true;
      e.cv_.notify_one();
    }
    ~Deadline() {
      std::lock_guard<std::mutex> g(e.mu_);
      e.armed_ = false;
      e.timedOut_ = false;
    }
  };

 public:
  bool startWatchdog() {
    watchdog_ = std::thread([this] {
      std::unique_lock<std::mutex> lk(mu_);
      while (!quit_) {
        if (!armed_) { cv_.wait(lk); continue; }
        if (cv_.wait_until(lk, deadline_) == std::cv_status::timeout && armed_ &&
            std::chrono::steady_clock::now() >= deadline_) {
          timedOut_ = true;
          armed_ = false;
          JS_RequestInterruptCallback(cx_);
        }
      }
    });
    return true;
  }
  void stopWatchdog() {
    if (!watchdog_.joinable()) return;
    { std::lock_guard<std::mutex> g(mu_); quit_ = true; cv_.notify_one(); }
    watchdog_.join();
  }
  // After fork() in a pre-initialised ("zygote") child: the thread object refers to a
  // thread that does not exist in the child; forget it and start a fresh one.
  void forgetWatchdogAfterFork() {
    if (watchdog_.joinable()) watchdog_.detach();
    new (&mu_) std::mutex();
    new (&cv_) std::condition_variable();
    quit_ = false; armed_ = false;
  }

 private:

  JSContext* cx_ = nullptr;
  std::optional<JS::PersistentRootedObject> global_;
  std::optional<JSAutoRealm> realm_;
  std::optional<JS::PersistentRootedObject> plugin_;
  std::thread watchdog_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::chrono::steady_clock::time_point deadline_;
  bool armed_ = false, quit_ = false;
  std::atomic<bool> timedOut_{false};
};

}  // namespace smhost
