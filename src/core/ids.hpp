#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dihya {

/// Lower-case hex of `bytes` random bytes from libsodium's CSPRNG.
std::string RandomHex(std::size_t bytes);

/// A unique, unguessable-enough id for correlating logs (24 hex chars): a random per-thread
/// prefix drawn once from the CSPRNG and a per-thread counter, so there is no system call per id.
std::string NewRequestId();

/// True for an acceptable client-supplied request id: 1..128 chars of [A-Za-z0-9._:-].
bool IsValidRequestId(std::string_view id);

}  // namespace dihya
