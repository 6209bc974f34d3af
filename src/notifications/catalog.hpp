#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.hpp"

namespace dihya::notifications {

/// The channels a notification may go to.
inline constexpr std::string_view kInApp = "in_app";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kPush = "push";

struct Text {
    std::string title;  // one line
    std::string body;
};

/// A kind of notification: its channels with their defaults, and its texts by language.
struct Kind {
    std::string name;
    std::map<std::string, bool, std::less<>> channels;      // channel → on by default
    std::map<std::string, std::string, std::less<>> title;  // language → text with {placeholders}
    std::map<std::string, std::string, std::less<>> body;
};

/// Every kind of notification (kinds.yaml, embedded at build time).
class Catalog final {
public:
    /// kInternal naming the entry when the YAML is malformed (a build-time file: a programming error).
    static Result<Catalog> Parse(std::string_view yaml, std::string_view where);
    static Result<Catalog> LoadEmbedded();

    const Kind* Find(std::string_view name) const;
    const std::vector<Kind>& kinds() const { return kinds_; }

    /// The texts of `kind` in `locale` (its language, else English), {name} replaced by data's values and {link}
    /// by `link_url`; values lose line breaks and control characters in the title.
    Text Render(const Kind& kind, std::string_view locale, const boost::json::object& data,
                std::string_view link_url) const;

private:
    std::vector<Kind> kinds_;
};

}  // namespace dihya::notifications
