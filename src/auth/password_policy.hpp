#pragma once

#include <string_view>

#include "core/result.hpp"

namespace dihya::auth {

/// The password rule, with no composition rules (NIST SP 800-63B): at least 12 characters, or a passphrase of at
/// least four words; at most 1024 bytes; not a common password or a common word padded with digits and symbols,
/// not a run or repetition ("aaaa…", "1234…", "qwerty…"), and not the account's email or its local part.
/// The error names the rule that failed; it never echoes the password.
Result<void> CheckPassword(std::string_view password, std::string_view email = {});

}  // namespace dihya::auth
