#include "plugins/plugin.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <regex>
#include <set>

#include <arpa/inet.h>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "generator/pack.hpp"

namespace dihya::plugins {

namespace json = boost::json;

namespace {

Error Bad(const std::string& origin, const std::string& field, const std::string& reason) {
    return MakeError(ErrorCode::kInvalidArgument, "plugin " + origin + ": manifest." + field + ": " + reason,
                     {{"manifest." + field, reason}});
}

Result<std::string> Text(const json::object& o, const char* key, const std::string& origin, bool required) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        if (required) return Bad(origin, key, "missing");
        return std::string();
    }
    if (!v->is_string()) return Bad(origin, key, "must be a string");
    return std::string(v->as_string());
}

Result<std::vector<std::string>> List(const json::object& o, const char* key, const std::string& origin,
                                      const std::vector<std::string>& allowed) {
    std::vector<std::string> out;
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_array()) return Bad(origin, key, "must be a list");
    for (const auto& item : v->as_array()) {
        if (!item.is_string()) return Bad(origin, key, "lists strings");
        std::string s(item.as_string());
        if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
            std::string known;
            for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
            return Bad(origin, key, "unknown " + s + " (known: " + known + ")");
        }
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    }
    return out;
}

/// One line per entity added, removed or changed, and per other member changed.
void DiffModels(const json::value& before, const json::value& after, const std::string& who,
                std::vector<std::string>& changes) {
    const json::object& a = before.as_object();
    const json::object& b = after.as_object();
    std::map<std::string, const json::value*> old_entities;
    std::map<std::string, const json::value*> new_entities;
    auto index = [](const json::object& o, std::map<std::string, const json::value*>& out) {
        if (const auto* list = o.if_contains("entities"); list != nullptr && list->is_array()) {
            for (const auto& e : list->as_array()) {
                if (e.is_object() && e.as_object().contains("name") && e.at("name").is_string()) {
                    out[std::string(e.at("name").as_string())] = &e;
                }
            }
        }
    };
    index(a, old_entities);
    index(b, new_entities);
    for (const auto& [name, e] : new_entities) {
        auto it = old_entities.find(name);
        if (it == old_entities.end()) {
            changes.push_back(who + ": added entity " + name);
        } else if (*it->second != *e) {
            changes.push_back(who + ": changed entity " + name);
        }
    }
    for (const auto& [name, e] : old_entities) {
        if (!new_entities.contains(name)) changes.push_back(who + ": removed entity " + name);
    }
    std::set<std::string> keys;
    for (const auto& [k, v] : a) keys.insert(std::string(k));
    for (const auto& [k, v] : b) keys.insert(std::string(k));
    for (const std::string& k : keys) {
        if (k == "entities") continue;
        const auto* x = a.if_contains(k);
        const auto* y = b.if_contains(k);
        if ((x == nullptr) != (y == nullptr) || (x != nullptr && *x != *y)) changes.push_back(who + ": changed " + k);
    }
}

}  // namespace

bool Manifest::Has(std::string_view permission) const {
    return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

bool Manifest::Hooks(std::string_view hook) const {
    return std::find(hooks.begin(), hooks.end(), hook) != hooks.end();
}

Result<Manifest> CheckManifest(const json::value& value, const std::string& origin) {
    if (!value.is_object()) return Bad(origin, "$", "must be an object");
    constexpr std::size_t kMaxManifest = 16 * 1024;  // it is stored and listed: the plugin computes it
    if (json::serialize(value).size() > kMaxManifest) return Bad(origin, "$", "larger than 16 KiB");
    const json::object& o = value.as_object();
    Manifest m;
    auto name = Text(o, "name", origin, true);
    if (!name) return name.take_error();
    static const std::regex kName("[a-z0-9][a-z0-9-]{0,63}");
    if (!std::regex_match(*name, kName)) return Bad(origin, "name", "1-64 lowercase letters, digits and dashes");
    m.name = *name;
    auto version = Text(o, "version", origin, true);
    if (!version) return version.take_error();
    if (!generator::IsSemver(*version)) return Bad(origin, "version", "must be a semantic version (1.0.0)");
    m.version = *version;
    auto description = Text(o, "description", origin, true);
    if (!description) return description.take_error();
    if (description->size() > 1000) return Bad(origin, "description", "at most 1000 bytes");
    m.description = *description;
    auto author = Text(o, "author", origin, true);
    if (!author) return author.take_error();
    if (author->size() > 200) return Bad(origin, "author", "at most 200 bytes");
    m.author = *author;
    auto permissions = List(o, "permissions", origin, {std::begin(kPermissions), std::end(kPermissions)});
    if (!permissions) return permissions.take_error();
    m.permissions = std::move(*permissions);
    auto hooks = List(o, "hooks", origin, {std::begin(kHooks), std::end(kHooks)});
    if (!hooks) return hooks.take_error();
    if (hooks->empty()) return Bad(origin, "hooks", "lists the hooks the plugin implements (at least one)");
    m.hooks = std::move(*hooks);
    auto hosts = List(o, "hosts", origin, {});
    if (!hosts) return hosts.take_error();
    if (!hosts->empty() && !m.Has("http:fetch")) return Bad(origin, "hosts", "needs the http:fetch permission");
    if (hosts->size() > 20) return Bad(origin, "hosts", "at most 20 hosts");
    for (const std::string& h : *hosts) {
        if (h.empty() || h.size() > 253) return Bad(origin, "hosts", "a host name is 1-253 bytes");
    }
    m.hosts = std::move(*hosts);
    for (const auto& [key, v] : o) {
        static const std::set<std::string> kKnown{"name",  "version", "description", "author", "permissions",
                                                  "hooks", "hosts",   "homepage",    "license"};
        if (!kKnown.contains(std::string(key))) return Bad(origin, std::string(key), "unknown member");
    }
    return m;
}

Result<std::vector<std::string>> ResolveHost(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
        return MakeError(ErrorCode::kUnavailable, "the host " + host + " does not resolve");
    }
    std::vector<std::string> out;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* where =
            a->ai_family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
            ::inet_ntop(a->ai_family, where, text, sizeof text) != nullptr &&
            std::find(out.begin(), out.end(), text) == out.end()) {
            out.emplace_back(text);
        }
    }
    ::freeaddrinfo(found);
    if (out.empty()) return MakeError(ErrorCode::kUnavailable, "the host " + host + " does not resolve");
    return out;
}

bool PrivateAddress(const std::string& address) {
    in_addr v4{};
    in6_addr v6{};
    auto private4 = [](std::uint32_t a) {
        const auto in = [a](std::uint32_t net, int bits) {
            return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits));
        };
        return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0x7F000000, 8) ||
               in(0xA9FE0000, 16) || in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0000200, 24) ||
               in(0xC0A80000, 16) || in(0xC6120000, 15) || in(0xC6336400, 24) || in(0xCB007100, 24) ||
               in(0xE0000000, 4) || in(0xF0000000, 4);
    };
    if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) return private4(ntohl(v4.s_addr));
    if (::inet_pton(AF_INET6, address.c_str(), &v6) != 1) return true;  // not an address: refused
    const unsigned char* b = v6.s6_addr;
    const bool zero_prefix = std::all_of(b, b + 10, [](unsigned char x) { return x == 0; });
    if (zero_prefix && b[10] == 0xFF && b[11] == 0xFF) {  // ::ffff:a.b.c.d
        return private4((std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) |
                        b[15]);
    }
    if (zero_prefix && b[10] == 0 && b[11] == 0) return true;                       // ::, ::1, IPv4-compatible
    if ((b[0] & 0xFE) == 0xFC) return true;                                         // fc00::/7 unique local
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;                         // fe80::/10 link-local
    if (b[0] == 0xFF) return true;                                                  // multicast
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) return true;  // 64:ff9b::/96 (NAT64)
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return true;  // documentation
    return false;
}

std::string AnswerFetch(const Manifest& manifest, const net::HttpClient& http, const std::string& request,
                        std::chrono::milliseconds left, std::vector<std::string>& log, FetchReach reach,
                        const Resolver& resolve) {
    auto refuse = [](const std::string& why) { return json::serialize(json::object{{"error", why}}); };
    if (!manifest.Has("http:fetch")) return refuse("the plugin's manifest does not ask for the http:fetch permission");
    std::error_code ec;
    const json::value r = json::parse(request, ec);
    if (ec || !r.is_object() || !r.as_object().contains("url") || !r.at("url").is_string()) {
        return refuse("malformed request");
    }
    const std::string url(r.at("url").as_string());
    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http") || !parsed->has_authority()) {
        return refuse("not an http or https URL");
    }
    const std::string scheme(parsed->scheme());
    auto normal = [](std::string h) {
        for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!h.empty() && h.back() == '.') h.pop_back();
        return h;
    };
    const std::string host = normal(std::string(parsed->host()));
    const std::string default_port = scheme == "https" ? "443" : "80";
    const std::string port = parsed->port().empty() ? default_port : std::string(parsed->port());
    const bool listed = std::any_of(manifest.hosts.begin(), manifest.hosts.end(), [&](const std::string& h) {
        const std::string entry = normal(h);
        return (port == default_port && entry == host) || entry == host + ":" + port;
    });
    const std::string shown_host = host + (port == default_port ? "" : ":" + port);
    if (!listed) return refuse("the host " + shown_host + " is not among the hosts the plugin's manifest lists");
    const std::string method = r.as_object().contains("method") && r.at("method").is_string()
                                   ? std::string(r.at("method").as_string())
                                   : "GET";
    if (method != "GET" && method != "POST") return refuse("only GET and POST are fetched");
    net::HttpCall call;
    call.method = method;
    call.url = url;
    call.what = "plugin " + manifest.name + " fetch";
    call.timeout_ms = std::max<std::int64_t>(left.count() - 100, 1);
    if (reach == FetchReach::kPublic) {
        // Every address the name has must be public, and the call goes to those only (a second lookup cannot
        // answer another one).
        std::string bare = host;
        if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
        auto addresses = resolve(bare);
        if (!addresses) return refuse(addresses.error().message);
        for (const std::string& a : *addresses) {
            if (PrivateAddress(a)) {
                return refuse("the host " + shown_host +
                              " is on this machine or a private network, which only plugins an admin enabled for "
                              "everybody may reach");
            }
            call.resolve.push_back(bare + ":" + port + ":" + (a.find(':') != std::string::npos ? "[" + a + "]" : a));
        }
    }
    if (const auto* headers = r.as_object().if_contains("headers"); headers != nullptr && headers->is_array()) {
        for (const auto& h : headers->as_array()) {
            if (!h.is_string() || call.headers.size() >= 32) continue;
            const std::string line(h.as_string());
            if (line.find_first_of("\r\n") != std::string::npos) return refuse("a header holds a line break");
            call.headers.push_back(line);
        }
    }
    if (const auto* body = r.as_object().if_contains("body"); body != nullptr && body->is_string()) {
        call.body = std::string(body->as_string());
    }
    // The log names the fetch without its query (it may carry keys).
    const std::string shown = scheme + "://" + shown_host + std::string(parsed->encoded_path());
    auto reply = http.Send(call);
    if (!reply) {
        log.push_back(manifest.name + " " + manifest.version + ": fetch " + method + " " + shown + " failed");
        return refuse(reply.error().message);
    }
    log.push_back(manifest.name + " " + manifest.version + ": fetched " + method + " " + shown + " → " +
                  std::to_string(reply->status));
    return json::serialize(json::object{
        {"status", reply->status}, {"content_type", reply->content_type}, {"body", reply->body}, {"url", url}});
}

Result<std::unique_ptr<Plugin>> Plugin::Load(const std::filesystem::path& host, const std::string& file_name,
                                             const std::string& source, const SandboxLimits& limits,
                                             const net::HttpClient* http, FetchReach reach) {
    auto box = Sandbox::Start(host, file_name, source, limits);
    if (!box) return box.take_error();
    auto manifest = CheckManifest((*box)->manifest(), file_name);
    if (!manifest) return manifest.take_error();
    std::unique_ptr<Plugin> plugin(new Plugin(std::move(*box), std::move(*manifest)));
    if (http != nullptr) {
        Plugin* self = plugin.get();
        self->sandbox_->SetFetcher([self, http, reach](const std::string& request, std::chrono::milliseconds left) {
            return AnswerFetch(self->manifest_, *http, request, left, self->fetches_, reach);
        });
    }
    return plugin;
}

void Plugin::TakeFetches(std::vector<std::string>& changes) {
    changes.insert(changes.end(), fetches_.begin(), fetches_.end());
    fetches_.clear();
}

Result<model::ProjectModel> Plugin::BeforeGeneration(const model::ProjectModel& model, const model::Vocabulary& vocab,
                                                     std::vector<std::string>& changes) {
    if (!manifest_.Hooks("beforeGeneration")) return model;
    const json::value spec = model::ToSpec(model);
    auto answer = sandbox_->Call("beforeGeneration", json::array{spec});
    TakeFetches(changes);
    if (!answer) return answer.take_error();
    const std::string who = manifest_.name + " " + manifest_.version;
    if (!answer->is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "plugin " + manifest_.name + ": beforeGeneration must answer the model (an object)");
    }
    if (*answer == spec) return model;
    if (!manifest_.Has("model:write")) {
        return MakeError(ErrorCode::kPermissionDenied, "plugin " + manifest_.name +
                                                           ": beforeGeneration changed the model, but its manifest "
                                                           "does not ask for the model:write permission");
    }
    auto changed = model::ParseModelValue(*answer, "plugin " + manifest_.name + ": beforeGeneration", vocab);
    if (!changed) return changed.take_error();
    DiffModels(spec, model::ToSpec(*changed), who, changes);
    return changed;
}

Result<void> Plugin::AfterGeneration(generator::Tree& tree, const model::ProjectModel& model,
                                     std::vector<std::string>& changes) {
    if (!manifest_.Hooks("afterGeneration")) return Ok();
    json::object files;
    for (const auto& f : tree.files) files[f.path] = f.content;
    auto answer = sandbox_->Call("afterGeneration", json::array{files, model::ToSpec(model)});
    TakeFetches(changes);
    if (!answer) return answer.take_error();
    const std::string who = manifest_.name + " " + manifest_.version;
    if (!answer->is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "plugin " + manifest_.name + ": afterGeneration must answer the files ({path: text})");
    }
    std::map<std::string, std::optional<std::string>> result;
    for (const auto& [path, content] : answer->as_object()) {
        const std::string p(path);
        if (content.is_null()) {
            result[p] = std::nullopt;
        } else if (content.is_string()) {
            if (const std::string problem = generator::PathProblem(p); !problem.empty()) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "plugin " + manifest_.name + ": afterGeneration: " + p + ": " + problem);
            }
            result[p] = std::string(content.as_string());
        } else {
            return MakeError(ErrorCode::kInvalidArgument, "plugin " + manifest_.name + ": afterGeneration: " + p +
                                                              ": a file's content is text, or null to remove it");
        }
    }
    std::vector<std::string> lines;
    std::vector<generator::GeneratedFile> out;
    std::set<std::string> seen;
    for (const auto& f : tree.files) {
        seen.insert(f.path);
        auto it = result.find(f.path);
        if (it == result.end() || !it->second) {
            lines.push_back(who + ": removed " + f.path);
            continue;
        }
        if (*it->second != f.content) lines.push_back(who + ": changed " + f.path);
        out.push_back({f.path, *it->second, f.executable});
    }
    for (const auto& [path, content] : result) {
        if (seen.contains(path) || !content) continue;
        lines.push_back(who + ": added " + path);
        out.push_back({path, *content, false});
    }
    if (lines.empty()) return Ok();
    if (!manifest_.Has("files:write")) {
        return MakeError(ErrorCode::kPermissionDenied, "plugin " + manifest_.name +
                                                           ": afterGeneration changed the files, but its manifest "
                                                           "does not ask for the files:write permission");
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    tree.files = std::move(out);
    changes.insert(changes.end(), lines.begin(), lines.end());
    return Ok();
}

Result<bool> Plugin::OnEvent(const json::object& event) {
    if (!manifest_.Hooks("onEvent") || !manifest_.Has("events:read")) return false;
    auto answer = sandbox_->Call("onEvent", json::array{event});
    fetches_.clear();
    if (!answer) return answer.take_error();
    return true;
}

Result<json::object> TryHook(Plugin& plugin, const std::string& hook, const model::ProjectModel* model,
                             const generator::Engine& engine, const model::Vocabulary& vocab,
                             const std::string& event_type) {
    const Manifest& manifest = plugin.manifest();
    if (!manifest.Hooks(hook)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "plugin " + manifest.name + " does not list the hook " + hook + " in its manifest",
                         {{"hook", "not in the manifest"}});
    }
    json::object answer{{"plugin", json::object{{"name", manifest.name}, {"version", manifest.version}}},
                        {"hook", hook}};
    if (hook == "onEvent") {
        json::object event{{"type", event_type}, {"at", "2026-01-01T00:00:00Z"}, {"data", json::object{}}};
        auto delivered = plugin.OnEvent(event);
        if (!delivered) return delivered.take_error();
        answer["event"] = std::move(event);
        answer["delivered"] = *delivered;
        if (!*delivered) answer["why"] = "the manifest does not ask for events:read";
        return answer;
    }
    if (model == nullptr) return MakeError(ErrorCode::kInvalidArgument, hook + " needs a specification");
    std::vector<std::string> changes;
    if (hook == "beforeGeneration") {
        auto changed = plugin.BeforeGeneration(*model, vocab, changes);
        if (!changed) return changed.take_error();
        answer["changes"] = json::value_from(changes);
        answer["model"] = model::ToSpec(*changed);
        return answer;
    }
    auto tree = engine.Render(*model);
    if (!tree) return tree.take_error();
    std::map<std::string, std::string> before;
    for (const auto& f : tree->files) before[f.path] = f.content;
    if (auto ok = plugin.AfterGeneration(*tree, *model, changes); !ok) return ok.take_error();
    json::object files;
    json::array removed;
    std::set<std::string> now;
    for (const auto& f : tree->files) {
        now.insert(f.path);
        auto it = before.find(f.path);
        if (it == before.end() || it->second != f.content) files[f.path] = f.content;
    }
    for (const auto& [path, content] : before) {
        if (!now.contains(path)) removed.push_back(json::value(path));
    }
    answer["changes"] = json::value_from(changes);
    answer["files"] = std::move(files);
    answer["removed"] = std::move(removed);
    return answer;
}

Result<void> PluginHooks::AfterRender(generator::Tree& tree) {
    for (Plugin* p : plugins_) {
        if (auto ok = p->AfterGeneration(tree, model_, changes_); !ok) return ok;
    }
    return Ok();
}

}  // namespace dihya::plugins
