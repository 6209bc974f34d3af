#pragma once

#include "audit/audit_log.hpp"
#include "core/personal_data.hpp"

namespace dihya::audit {

/// Audit entries about a user (as actor or as target) for GDPR. Erasing pseudonymises them: the entries stay, so
/// the chain stays verifiable, but no longer name the person (docs/audit.md).
class AuditData final : public PersonalDataSource {
public:
    explicit AuditData(const AuditLog& log) : log_(log) {}
    std::string_view Name() const override { return "audit"; }
    std::string_view Description() const override {
        return "Security and administration events about you (sign-ins, changes to your account, exports), with "
               "the truncated network address they came from. Kept for the life of the installation; erasure "
               "replaces your identity in them with a pseudonym.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override;
    Result<void> Erase(storage::Session& s, const std::string& user_id) override;

private:
    const AuditLog& log_;
};

}  // namespace dihya::audit
