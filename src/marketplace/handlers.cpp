#include "marketplace/handlers.hpp"

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"

namespace dihya::marketplace::dto_types {

struct PublishRequest {
    std::string kind;
    std::string package;
    std::optional<std::string> format;
    std::string changelog;
    std::string category;
    std::optional<std::vector<std::string>> tags;
    std::optional<std::string> icon;
    std::string licence;
    std::optional<std::string> summary;
};
BOOST_DESCRIBE_STRUCT(PublishRequest, (), (kind, package, format, changelog, category, tags, icon, licence, summary))

struct DecisionRequest {
    std::string decision;
    std::optional<std::string> reason;
};
BOOST_DESCRIBE_STRUCT(DecisionRequest, (), (decision, reason))

struct ReviewRequest {
    std::int64_t rating = 0;
    std::optional<std::string> body;
};
BOOST_DESCRIBE_STRUCT(ReviewRequest, (), (rating, body))

struct InstallRequest {
    std::optional<std::string> version;
};
BOOST_DESCRIBE_STRUCT(InstallRequest, (), (version))

}  // namespace dihya::marketplace::dto_types

template <>
struct dihya::dto::Rules<dihya::marketplace::dto_types::PublishRequest> {
    static FieldRules Get() {
        return {
            {"kind", {.description = "plugin or pack", .one_of = {"plugin", "pack"}}},
            {"package",
             {.description = "A plugin: its ES module's text. A pack: its document (docs/packs.md) in `format`."}},
            {"format", {.description = "A pack's document format: json (default), yaml or js"}},
            {"changelog", {.description = "What this version changes", .max_length = 16384}},
            {"category", {.description = "One lower-case slug, e.g. i18n, devops, security", .max_length = 40}},
            {"tags", {.description = "Up to 10 lower-case slugs", .max_items = 10}},
            {"icon", {.description = "An https:// URL or a data:image/...;base64 URL (64 KiB at most)"}},
            {"licence", {.description = "An SPDX licence identifier or expression, e.g. MIT", .max_length = 100}},
            {"summary", {.description = "One paragraph; the package's description when absent", .max_length = 500}}};
    }
};

template <>
struct dihya::dto::Rules<dihya::marketplace::dto_types::DecisionRequest> {
    static FieldRules Get() {
        return {{"decision", {.one_of = {"approve", "reject", "yank"}}},
                {"reason", {.description = "Required to reject or yank: the author reads it", .max_length = 2000}}};
    }
};

template <>
struct dihya::dto::Rules<dihya::marketplace::dto_types::ReviewRequest> {
    static FieldRules Get() { return {{"rating", {.minimum = 1, .maximum = 5}}, {"body", {.max_length = 4000}}}; }
};

namespace dihya::marketplace {

namespace json = boost::json;
namespace d = dto_types;
using http::Request;
using http::Response;

namespace {

constexpr const char* kBase = "/api/v1/marketplace";

json::array Strings(const std::vector<std::string>& v) {
    json::array out;
    for (const auto& s : v) out.push_back(json::string(s));
    return out;
}

std::string ItemUrl(const std::string& name) {
    return std::string(kBase) + "/items/" + name;
}

json::object ItemJson(const Item& it) {
    return json::object{{"name", it.name},
                        {"kind", it.kind},
                        {"title", it.title},
                        {"summary", it.summary},
                        {"category", it.category},
                        {"tags", Strings(it.tags)},
                        {"icon", it.icon},
                        {"licence", it.licence},
                        {"latest_version", it.latest_version},
                        {"published_at", it.published_at},
                        {"downloads", it.downloads},
                        {"installs", it.installs},
                        {"rating", json::object{{"average", it.rating}, {"count", it.rating_count}}},
                        {"url", ItemUrl(it.name)}};
}

json::object VersionJson(const Version& v) {
    json::object o{{"id", v.id},
                   {"item", v.item_name},
                   {"kind", v.item_kind},
                   {"version", v.version},
                   {"changelog", v.changelog},
                   {"title", v.title},
                   {"summary", v.summary},
                   {"category", v.category},
                   {"tags", Strings(v.tags)},
                   {"icon", v.icon},
                   {"licence", v.licence},
                   {"digest", v.digest},
                   {"bytes", v.bytes},
                   {"status", v.status},
                   {"reason", v.reason},
                   {"submitted_at", v.submitted_at},
                   {"decided_at", v.decided_at}};
    if (!v.signature.empty()) {
        o["signature"] = json::object{{"algorithm", "Ed25519"}, {"key_id", v.key_id}, {"value", v.signature}};
    }
    if (v.status == "approved") {
        o["package_url"] = ItemUrl(v.item_name) + "/versions/" + v.version + "/package";
    }
    return o;
}

json::object InstallJson(const Install& in) {
    return json::object{
        {"id", in.id},
        {"item", in.name},
        {"kind", in.kind},
        {"version", in.version},
        {"digest", in.digest},
        {"workspace_id", in.target_id},
        {"workspace_url", in.kind == "plugin" ? "/api/v1/plugins/" + in.target_id : "/api/v1/packs/mine"},
        {"version_status", in.status.empty() ? json::value(nullptr) : json::value(in.status)},
        {"installed_at", in.created_at}};
}

json::object ReviewJson(const Review& r) {
    return json::object{{"rating", r.rating},
                        {"body", r.body},
                        {"author", r.author},
                        {"created_at", r.created_at},
                        {"updated_at", r.updated_at}};
}

json::value Object() {
    return json::object{{"type", "object"}};
}

}  // namespace

void Register(http::App& app, Marketplace& market) {
    app.tags.push_back({"marketplace",
                        "Plugins and template packs users publish: immutable versions reviewed by admins, signed "
                        "(Ed25519) when approved and verified on every install; search, ratings and reviews "
                        "(docs/marketplace.md)"});
    auto& r = app.router;
    const json::value text = json::object{{"type", "string"}};
    r.Add(
        {.method = "GET",
         .path = std::string(kBase) + "/items",
         .operation_id = "searchMarketplace",
         .summary = "Search the marketplace",
         .description = "Items with an approved version. `q` searches names, titles, tags and summaries (every "
                        "word, as a prefix), ranked by relevance; filters: kind, category, tag; sorts: "
                        "relevance (default with q), recent (default without), downloads, installs, rating.",
         .tag = "marketplace",
         .params = {{"q", "query", "Words to search", text},
                    {"kind", "query", "plugin or pack",
                     json::object{{"type", "string"}, {"enum", json::array{"plugin", "pack"}}}},
                    {"category", "query", "One category", text},
                    {"tag", "query", "One tag", text},
                    {"sort", "query", "relevance, recent, downloads, installs or rating",
                     json::object{{"type", "string"},
                                  {"enum", json::array{"relevance", "recent", "downloads", "installs", "rating"}}}},
                    http::LimitParam(),
                    http::CursorParam()},
         .responses = {{200, "A page of items, best first", Object()}, {400, "An unknown sort, kind or cursor"}},
         .handler = [&market](Request& req) {
             auto limit = http::LimitOf(req, 20);
             if (!limit) return http::Problem(req, limit.error());
             SearchQuery q{req.QueryParam("q").value_or(""),
                           req.QueryParam("kind").value_or(""),
                           req.QueryParam("category").value_or(""),
                           req.QueryParam("tag").value_or(""),
                           req.QueryParam("sort").value_or(""),
                           req.QueryParam("cursor").value_or(""),
                           *limit};
             auto page = market.Search(auth::PrincipalOf(req), q);
             if (!page) return http::Problem(req, page.error());
             json::array items;
             for (const Item& it : page->items) items.push_back(ItemJson(it));
             return Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", page->next_cursor}});
         }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/items/{name}",
           .operation_id = "getMarketplaceItem",
           .summary = "One item with its versions",
           .description = "Everybody sees the approved and yanked versions; the item's author and admins see every "
                          "version (pending, rejected with the reason) and the item's history.",
           .tag = "marketplace",
           .responses = {{200, "The item", Object()}, {404, "No such item (or none you may see yet)"}},
           .handler = [&market](Request& req) {
               auto page = market.Get(auth::PrincipalOf(req), req.path_params.at("name"));
               if (!page) return http::Problem(req, page.error());
               json::object out = ItemJson(page->item);
               json::array versions;
               for (const Version& v : page->versions) versions.push_back(VersionJson(v));
               out["versions"] = std::move(versions);
               out["yours"] = page->owned;
               if (!page->history.empty()) {
                   json::array history;
                   for (const HistoryEntry& h : page->history) {
                       history.push_back(json::object{
                           {"version", h.version}, {"event", h.event}, {"reason", h.reason}, {"at", h.at}});
                   }
                   out["history"] = std::move(history);
               }
               Response res = Response::Json(200, out);
               return page->owned || !page->history.empty() ? http::NoStore(std::move(res)) : res;
           }});
    r.Add({.method = "POST",
           .path = std::string(kBase) + "/items",
           .operation_id = "publishMarketplaceVersion",
           .summary = "Publish an item's new version (it waits for review)",
           .description = "The package's manifest names the item and the version. The first version of a name "
                          "creates the item, which is yours: only you publish its next versions. A version is never "
                          "replaced (409). It is listed once an admin approves it; you are notified of the decision.",
           .tag = "marketplace",
           .request_schema = dto::Schema<d::PublishRequest>(),
           .responses = {{201, "Submitted for review", Object()},
                         {400, "The package does not check out, or a field is wrong (the problem says which)"},
                         {401, "Not signed in"},
                         {403, "The item belongs to another user"},
                         {409, "This version was published already"},
                         {413, "Too large, or too many versions waiting for review"}},
           .requires_auth = true,
           .work = http::Work::kCompute,  // the package is checked (a plugin loads in its sandbox)
           .handler = [&market](Request& req) {
               auto body = http::Body<d::PublishRequest>(req);
               if (!body) return http::Problem(req, body.error());
               Submission s{body->kind,
                            body->package,
                            body->format.value_or(""),
                            body->changelog,
                            body->category,
                            body->tags.value_or(std::vector<std::string>{}),
                            body->icon.value_or(""),
                            body->licence,
                            body->summary.value_or("")};
               auto v = market.Publish(auth::PrincipalOf(req), s, auth::ContextOf(req));
               if (!v) return http::Problem(req, v.error());
               Response res = Response::Json(201, VersionJson(*v));
               res.headers.Set("Location", ItemUrl(v->item_name));
               return http::NoStore(std::move(res));
           }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/items/{name}/versions/{version}/package",
           .operation_id = "downloadMarketplacePackage",
           .summary = "An approved version's package, with its signature",
           .description = "The body is the package as approved. `X-Dihya-Digest` is its SHA-256 (hex), "
                          "`X-Dihya-Signature` the Ed25519 signature (base64url) of the message docs/marketplace.md "
                          "spells out, made with the key GET /api/v1/marketplace/signing-key gives. `latest` names "
                          "the latest approved version. Counts a download.",
           .tag = "marketplace",
           .responses = {{200, "The package", text, "text/plain"},
                         {404, "No such approved version"},
                         {409, "The version was yanked"}},
           .handler = [&market](Request& req) {
               std::string version = req.path_params.at("version");
               if (version == "latest") version.clear();
               auto got = market.Fetch(auth::PrincipalOf(req), req.path_params.at("name"), version);
               if (!got) return http::Problem(req, got.error());
               const bool plugin = got->version.item_kind == "plugin";
               Response res = Response::Text(200, std::move(got->package),
                                             plugin ? "text/javascript; charset=utf-8" : "application/json");
               res.headers.Set("Content-Disposition", "attachment; filename=\"" + got->version.item_name + "-" +
                                                          got->version.version + (plugin ? ".mjs\"" : ".json\""));
               res.headers.Set("X-Dihya-Digest", got->version.digest);
               res.headers.Set("X-Dihya-Signature", got->version.signature);
               res.headers.Set("X-Dihya-Key-Id", got->version.key_id);
               res.headers.Set("ETag", "\"" + got->version.digest + "\"");
               return res;
           }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/signing-key",
           .operation_id = "marketplaceSigningKey",
           .summary = "The public key approved packages are signed with",
           .tag = "marketplace",
           .responses = {{200, "{algorithm, key_id, public_key (base64url)}", Object()}},
           .handler = [&market](Request&) {
               return Response::Json(200, json::object{{"algorithm", "Ed25519"},
                                                       {"key_id", market.signer().KeyId()},
                                                       {"public_key", market.signer().PublicKey()}});
           }});
    r.Add({.method = "POST",
           .path = std::string(kBase) + "/items/{name}/install",
           .operation_id = "installMarketplaceItem",
           .summary = "Install an item into your workspace",
           .description = "The latest approved version unless `version` names one. Its package is verified (digest "
                          "and Ed25519 signature) before it becomes one of your plugins (enable it on a project with "
                          "PUT /api/v1/projects/{id}/plugins) or one of your imported packs. A yanked version is "
                          "409; one you installed already answers that install (200).",
           .tag = "marketplace",
           .request_schema = dto::Schema<d::InstallRequest>(),
           .responses = {{201, "Installed", Object()},
                         {200, "You had installed it already", Object()},
                         {401, "Not signed in"},
                         {404, "No such item or version"},
                         {409, "Yanked, not approved, or its signature does not verify"}},
           .requires_auth = true,
           .work = http::Work::kCompute,
           .handler = [&market](Request& req) {
               std::string version;
               if (!req.body.empty()) {
                   auto body = http::Body<d::InstallRequest>(req);
                   if (!body) return http::Problem(req, body.error());
                   version = body->version.value_or("");
               }
               auto in = market.InstallItem(auth::PrincipalOf(req), req.path_params.at("name"), version,
                                            auth::ContextOf(req));
               if (!in) return http::Problem(req, in.error());
               return http::NoStore(Response::Json(in->second ? 201 : 200, InstallJson(in->first)));
           }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/installs",
           .operation_id = "listMarketplaceInstalls",
           .summary = "What you installed from the marketplace, newest first",
           .description = "Each with the version's status today: a version yanked after you installed it stays "
                          "installed and on record (`version_status: yanked`).",
           .tag = "marketplace",
           .params = {http::LimitParam(), http::CursorParam()},
           .responses = {{200, "A page of installs", Object()}, {401, "Not signed in"}},
           .requires_auth = true,
           .handler = [&market](Request& req) {
               auto limit = http::LimitOf(req, 50);
               if (!limit) return http::Problem(req, limit.error());
               auto page = market.Installs(auth::PrincipalOf(req), req.QueryParam("cursor").value_or(""), *limit);
               if (!page) return http::Problem(req, page.error());
               json::array items;
               for (const Install& in : page->items) items.push_back(InstallJson(in));
               return http::NoStore(
                   Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", page->next_cursor}}));
           }});
    r.Add({.method = "GET",
           .path = std::string(kBase) + "/items/{name}/stats",
           .operation_id = "marketplaceItemStats",
           .summary = "An item's daily statistics",
           .description = "The counts as they stood each day (UTC; the scheduled job marketplace-stats takes them "
                          "at 23:55) and what each day added, oldest first: the last `days` days (30 by default, "
                          "365 at most).",
           .tag = "marketplace",
           .params = {{"days", "query", "How many days back (1-365)", http::IntParam(1, 365)}},
           .responses = {{200, "{item, days: [{day, downloads, installs, rating, new_downloads, new_installs}]}",
                          Object()},
                         {400, "days outside 1-365"},
                         {404, "No such item (or none you may see yet)"}},
           .handler = [&market](Request& req) {
               auto days = http::IntQuery(req, "days", 30, 1, 365);
               if (!days) return http::Problem(req, days.error());
               const std::string& name = req.path_params.at("name");
               auto stats = market.Stats(auth::PrincipalOf(req), name, static_cast<int>(*days));
               if (!stats) return http::Problem(req, stats.error());
               json::array out;
               for (const DayStats& d : *stats) {
                   out.push_back(
                       json::object{{"day", d.day},
                                    {"downloads", d.downloads},
                                    {"installs", d.installs},
                                    {"rating", json::object{{"average", d.rating}, {"count", d.rating_count}}},
                                    {"new_downloads", d.new_downloads},
                                    {"new_installs", d.new_installs}});
               }
               return Response::Json(200, json::object{{"item", name}, {"days", std::move(out)}});
           }});
    r.Add(
        {.method = "GET",
         .path = std::string(kBase) + "/items/{name}/reviews",
         .operation_id = "listMarketplaceReviews",
         .summary = "An item's ratings and reviews, latest first",
         .tag = "marketplace",
         .params = {http::LimitParam(), http::CursorParam()},
         .responses = {{200, "A page of reviews", Object()}, {404, "No such item"}},
         .handler = [&market](Request& req) {
             auto limit = http::LimitOf(req, 20);
             if (!limit) return http::Problem(req, limit.error());
             auto page = market.Reviews(auth::PrincipalOf(req), req.path_params.at("name"),
                                        req.QueryParam("cursor").value_or(""), *limit);
             if (!page) return http::Problem(req, page.error());
             json::array items;
             for (const Review& rv : page->items) items.push_back(ReviewJson(rv));
             return Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", page->next_cursor}});
         }});
    r.Add({.method = "PUT",
           .path = std::string(kBase) + "/items/{name}/review",
           .operation_id = "rateMarketplaceItem",
           .summary = "Rate (1-5) and review an item: one per user per item, editable",
           .tag = "marketplace",
           .request_schema = dto::Schema<d::ReviewRequest>(),
           .responses = {{200, "Your review", Object()},
                         {400, "A rating outside 1-5"},
                         {401, "Not signed in"},
                         {403, "Your own item"},
                         {404, "No such item"}},
           .requires_auth = true,
           .handler = [&market](Request& req) {
               auto body = http::Body<d::ReviewRequest>(req);
               if (!body) return http::Problem(req, body.error());
               auto rv = market.Rate(auth::PrincipalOf(req), req.path_params.at("name"), static_cast<int>(body->rating),
                                     body->body.value_or(""), auth::ContextOf(req));
               if (!rv) return http::Problem(req, rv.error());
               return http::NoStore(Response::Json(200, ReviewJson(*rv)));
           }});
    r.Add({.method = "DELETE",
           .path = std::string(kBase) + "/items/{name}/review",
           .operation_id = "deleteMarketplaceReview",
           .summary = "Withdraw your rating and review",
           .tag = "marketplace",
           .responses = {{204, "Withdrawn"}, {401, "Not signed in"}, {404, "No such item, or you had not rated it"}},
           .requires_auth = true,
           .handler = [&market](Request& req) {
               auto ok = market.Unrate(auth::PrincipalOf(req), req.path_params.at("name"), auth::ContextOf(req));
               if (!ok) return http::Problem(req, ok.error());
               return Response::Empty(204);
           }});
    r.Add({.method = "GET",
           .path = "/api/v1/admin/marketplace/versions",
           .operation_id = "marketplaceReviewQueue",
           .summary = "Admins: versions to review (pending by default), oldest first",
           .tag = "marketplace",
           .params = {{"status", "query", "pending (default), approved, rejected or yanked",
                       json::object{{"type", "string"},
                                    {"enum", json::array{"pending", "approved", "rejected", "yanked"}}}},
                      http::LimitParam(),
                      http::CursorParam()},
           .responses = {{200, "A page of versions", Object()}, {401, "Not signed in"}, {403, "Not an admin"}},
           .requires_auth = true,
           .handler = [&market](Request& req) {
               auto limit = http::LimitOf(req, 50);
               if (!limit) return http::Problem(req, limit.error());
               auto page = market.Queue(auth::PrincipalOf(req), req.QueryParam("status").value_or(""),
                                        req.QueryParam("cursor").value_or(""), *limit);
               if (!page) return http::Problem(req, page.error());
               json::array items;
               for (const Version& v : page->first) items.push_back(VersionJson(v));
               return http::NoStore(
                   Response::Json(200, json::object{{"items", std::move(items)}, {"next_cursor", page->second}}));
           }});
    r.Add({.method = "POST",
           .path = "/api/v1/admin/marketplace/versions/{id:uuid}/decision",
           .operation_id = "decideMarketplaceVersion",
           .summary = "Admins: approve (signs it), reject or yank a version",
           .description = "approve and reject take a pending version; yank takes an approved one, which can no "
                          "longer be installed (existing installs stay). A reason is required to reject or yank. "
                          "The author is notified and the item's history keeps the decision.",
           .tag = "marketplace",
           .request_schema = dto::Schema<d::DecisionRequest>(),
           .responses = {{200, "The version as decided", Object()},
                         {400, "An unknown decision, or no reason"},
                         {403, "Not an admin"},
                         {404, "No such version"},
                         {409, "The version is not in a state this decision takes"}},
           .requires_auth = true,
           .handler = [&market](Request& req) {
               auto body = http::Body<d::DecisionRequest>(req);
               if (!body) return http::Problem(req, body.error());
               auto v = market.Decide(auth::PrincipalOf(req), req.path_params.at("id"), body->decision,
                                      body->reason.value_or(""), auth::ContextOf(req));
               if (!v) return http::Problem(req, v.error());
               return http::NoStore(Response::Json(200, VersionJson(*v)));
           }});
}

}  // namespace dihya::marketplace
