#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace dihya {

/// Where services tell a user about something that happened (src/notifications sends it on to the channels the
/// user chose: in-app, mail). Never fails the caller: a notification that cannot be sent is logged.
class Notifier {
public:
    virtual ~Notifier() = default;
    /// `kind` names an entry of notifications/kinds.yaml; `data` holds the values its texts use; `link` is the
    /// console path it leads to (e.g. /projects/<id>).
    virtual void Notify(const std::string& user_id, std::string_view kind, const boost::json::object& data,
                        const std::string& link) = 0;
};

}  // namespace dihya
