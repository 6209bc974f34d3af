#pragma once

#include "auth/service.hpp"
#include "core/personal_data.hpp"

namespace dihya::auth {

/// The account itself for GDPR: profile, sessions, API keys (never the keys), consents, linked sign-in providers.
/// Erasing deletes the account row, and with it (ON DELETE CASCADE) everything above: run it last.
class AccountData final : public PersonalDataSource {
public:
    explicit AccountData(AuthService& service) : service_(service) {}
    std::string_view Name() const override { return "account"; }
    std::string_view Description() const override {
        return "Your account: profile, sign-in sessions, personal API keys (names and scopes, never the keys), "
               "consents you gave, and the sign-in providers linked to it.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override;
    Result<void> Erase(storage::Session& s, const std::string& user_id) override;

private:
    AuthService& service_;
};

}  // namespace dihya::auth
