#include "audit/personal_data.hpp"

#include <map>

#include <boost/json.hpp>

namespace dihya::audit {

namespace json = boost::json;

namespace {

json::object RecordJson(const Record& r) {
    json::object o{{"seq", r.seq}, {"at", r.at}, {"action", r.action}, {"details", r.details}};
    if (r.actor_id) o["actor_id"] = *r.actor_id;
    if (r.target_type) o["target_type"] = *r.target_type;
    if (r.target_id) o["target_id"] = *r.target_id;
    if (r.request_id) o["request_id"] = *r.request_id;
    if (r.ip) o["ip"] = *r.ip;
    if (r.pseudonymised) o["pseudonymised"] = true;
    return o;
}

}  // namespace

Result<json::value> AuditData::Export(storage::Session& /*s*/, const std::string& user_id) {
    // Entries where the user acted, and entries about the user; each once, oldest first.
    std::map<std::int64_t, json::object> entries;
    for (int pass = 0; pass < 2; ++pass) {
        ListFilter f;
        if (pass == 0) {
            f.actor_id = user_id;
        } else {
            f.target_type = "user";
            f.target_id = user_id;
        }
        std::string cursor;
        for (;;) {
            auto page = log_.List(f, cursor, kMaxListLimit);
            if (!page) return page.take_error();
            for (const auto& r : page->entries) entries.emplace(r.seq, RecordJson(r));
            if (!page->next_cursor) break;
            cursor = *page->next_cursor;
        }
    }
    json::array out;
    for (auto& [seq, e] : entries) out.push_back(std::move(e));
    return json::value(std::move(out));
}

Result<void> AuditData::Erase(storage::Session& s, const std::string& user_id) {
    auto n = log_.Pseudonymise(s, user_id);
    if (!n) return n.take_error();
    return Ok();
}

}  // namespace dihya::audit
