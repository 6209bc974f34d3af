// JSON request bodies decoded into described DTOs (what every handler does): parse with the server's limits,
// decode with field-level errors, and a decoded value encodes back to JSON that decodes to the same value.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "core/dto.hpp"
#include "fuzz_support.hpp"
#include "http/types.hpp"

namespace dihya::fuzz {

struct Inner {
    std::string name;
    std::optional<double> weight;
};
BOOST_DESCRIBE_STRUCT(Inner, (), (name, weight))

struct Body {
    std::string email;
    std::optional<std::string> display_name;
    std::optional<std::int64_t> limit;
    std::optional<bool> enabled;
    std::optional<std::vector<std::string>> scopes;
    std::optional<std::map<std::string, std::string>> labels;
    std::optional<Inner> inner;
    std::optional<std::vector<Inner>> items;
    std::optional<boost::json::value> model;
};
BOOST_DESCRIBE_STRUCT(Body, (), (email, display_name, limit, enabled, scopes, labels, inner, items, model))

}  // namespace dihya::fuzz

template <>
struct dihya::dto::Rules<dihya::fuzz::Body> {
    static FieldRules Get() {
        return {{"email", {.max_length = 254, .format = "email"}},
                {"display_name", {.min_length = 1, .max_length = 200}},
                {"limit", {.minimum = 1, .maximum = 200}},
                {"scopes", {.max_items = 40}}};
    }
};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dihya::http::Request request;
    request.body = std::string(dihya::fuzz::AsText(data, size));
    auto json = dihya::http::ParseJsonBody(request);
    if (!json) return 0;
    auto body = dihya::dto::Decode<dihya::fuzz::Body>(*json);
    if (!body) {
        dihya::fuzz::Check(!body.error().message.empty(), "a decoding error without a message");
        return 0;
    }
    const boost::json::value encoded = dihya::dto::Encode(*body);
    auto again = dihya::dto::Decode<dihya::fuzz::Body>(encoded);
    dihya::fuzz::Check(again.ok(), "a decoded DTO does not decode again from its own encoding");
    dihya::fuzz::Check(dihya::dto::Encode(*again) == encoded, "encoding is not stable");
    return 0;
}
