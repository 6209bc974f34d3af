#pragma once

#include "core/personal_data.hpp"
#include "notifications/service.hpp"

namespace dihya::notifications {

/// A user's notifications and their choices of channels, for GDPR export and erasure.
class NotificationData final : public PersonalDataSource {
public:
    explicit NotificationData(NotificationsService& service) : service_(service) {}
    std::string_view Name() const override { return "notifications"; }
    std::string_view Description() const override {
        return "The notifications the platform showed you (read or not) and the channels you chose for each kind.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override {
        return service_.Export(s, user_id);
    }
    Result<void> Erase(storage::Session& s, const std::string& user_id) override { return service_.Erase(s, user_id); }

private:
    NotificationsService& service_;
};

}  // namespace dihya::notifications
