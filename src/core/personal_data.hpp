#pragma once

// GDPR: each module that keeps data about people says what, and exports and erases it on request. The GDPR
// service (src/gdpr) gathers every source into one export archive and calls every source on erasure.

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/result.hpp"

namespace dihya::storage {
class Session;
}

namespace dihya {

class PersonalDataSource {
public:
    virtual ~PersonalDataSource() = default;
    /// File name in the export archive (`<name>.json`) and section name in docs/privacy.md, e.g. "projects".
    virtual std::string_view Name() const = 0;
    /// One sentence for the archive's README: what this is and why it is kept.
    virtual std::string_view Description() const = 0;
    /// Everything held about the user, as JSON (decrypted; no secrets such as password hashes or token hashes).
    virtual Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) = 0;
    /// Deletes (or, where a record must stay, anonymises) the user's data, inside the erasure transaction.
    virtual Result<void> Erase(storage::Session& s, const std::string& user_id) = 0;
};

}  // namespace dihya
