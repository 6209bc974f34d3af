#pragma once

// The dihya-js the plugin tests run (tests/CMakeLists.txt defines DIHYA_JS_HOST when it is built; the sanitizer
// build has none, and those tests are skipped there).

namespace dihya::plugins::testing {

#ifdef DIHYA_JS_HOST
inline const char* const kHost = DIHYA_JS_HOST;
#else
inline const char* const kHost = nullptr;
#endif

}  // namespace dihya::plugins::testing
