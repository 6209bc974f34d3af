#pragma once

// Plugins (docs/plugins.md): an ES module whose default export has a manifest and hooks, run in its sandbox.
// beforeGeneration(model) → model and afterGeneration(files, model) → files change a generation, each only with
// the permission its manifest asks for (model:write, files:write); onEvent(event) hears platform events with
// events:read. What a plugin changed is listed, for the generation's log.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "generator/engine.hpp"
#include "model/project_model.hpp"
#include "net/http_client.hpp"
#include "plugins/sandbox.hpp"

namespace dihya::plugins {

inline constexpr const char* kHooks[] = {"beforeGeneration", "afterGeneration", "onEvent"};
inline constexpr const char* kPermissions[] = {"model:write", "files:write", "events:read", "http:fetch"};

struct Manifest {
    std::string name;
    std::string version;
    std::string description;
    std::string author;
    std::vector<std::string> permissions;
    std::vector<std::string> hooks;
    std::vector<std::string> hosts;  // http:fetch's allow-list

    bool Has(std::string_view permission) const;
    bool Hooks(std::string_view hook) const;
};

/// Where a plugin's fetch() may go besides the hosts its manifest lists: only public addresses, or also this
/// machine and private networks (plugins an admin enabled for everybody).
enum class FetchReach { kPublic, kPrivateToo };

/// The addresses `host` resolves to (IPv4 dotted, IPv6 without brackets); kUnavailable naming it when none.
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;
Result<std::vector<std::string>> ResolveHost(const std::string& host);
/// Whether an address (as ResolveHost gives it) is loopback, private, link-local, shared, multicast or reserved.
bool PrivateAddress(const std::string& address);

/// What a plugin's fetch() of `request` ({url, method, headers, body} as JSON) answers, the server deciding: the
/// manifest must ask for http:fetch and list the URL's host (`host`, or `host:port`; case and a trailing dot do not
/// matter); with kPublic, every address the host resolves to must be public, and the call is pinned to them; GET
/// or POST; https (or http to this machine), no redirects followed, the reply capped by `http`. Answers {status,
/// content_type, body, url} or {error}; `log` gets a line naming the fetch (never its query).
std::string AnswerFetch(const Manifest& manifest, const net::HttpClient& http, const std::string& request,
                        std::chrono::milliseconds left, std::vector<std::string>& log,
                        FetchReach reach = FetchReach::kPublic, const Resolver& resolve = ResolveHost);

/// Checks a manifest as the plugin declared it: name (lowercase, digits, dashes), semver version, description,
/// author, known permissions and hooks (each hook listed must be a function of the export — checked when called),
/// `hosts` only with http:fetch. Errors name the plugin (`origin`) and the field.
Result<Manifest> CheckManifest(const boost::json::value& manifest, const std::string& origin);

class Plugin final {
public:
    /// Starts the sandbox, loads `source` and checks its manifest. With `http`, the plugin's fetch() reaches the
    /// hosts its manifest lists when it asks for http:fetch (each fetch then a line of the hook's changes);
    /// without, every fetch fails.
    static Result<std::unique_ptr<Plugin>> Load(const std::filesystem::path& host, const std::string& file_name,
                                                const std::string& source, const SandboxLimits& limits,
                                                const net::HttpClient* http = nullptr,
                                                FetchReach reach = FetchReach::kPublic);

    const Manifest& manifest() const { return manifest_; }
    Sandbox& sandbox() { return *sandbox_; }

    /// beforeGeneration on the model's specification; the model it answers, checked as any specification is.
    /// Changing it without model:write is an error. `changes` gets one line per change.
    Result<model::ProjectModel> BeforeGeneration(const model::ProjectModel& model, const model::Vocabulary& vocab,
                                                 std::vector<std::string>& changes);

    /// afterGeneration on the generated files ({path: text}); the files it answers (a path mapped to null is
    /// removed). Paths keep to the confinement rules; changing anything without files:write is an error.
    Result<void> AfterGeneration(generator::Tree& tree, const model::ProjectModel& model,
                                 std::vector<std::string>& changes);

    /// onEvent(event), when the manifest lists the hook and asks for events:read; false when not delivered.
    Result<bool> OnEvent(const boost::json::object& event);

private:
    Plugin(std::unique_ptr<Sandbox> sandbox, Manifest manifest)
        : sandbox_(std::move(sandbox)), manifest_(std::move(manifest)) {}
    /// The fetches of the last call, as lines of its changes.
    void TakeFetches(std::vector<std::string>& changes);

    std::unique_ptr<Sandbox> sandbox_;
    Manifest manifest_;
    std::vector<std::string> fetches_;
};

/// What `dihya plugin test` and POST /api/v1/plugins/test answer: `hook` run once — beforeGeneration on `model`
/// ({plugin, hook, changes, model}), afterGeneration on the files `engine` renders for it ({plugin, hook, changes,
/// files changed or added, removed}), onEvent on a sample event of `event_type` ({plugin, hook, event, delivered};
/// `model` may be null). A hook the manifest does not list is kInvalidArgument.
Result<boost::json::object> TryHook(Plugin& plugin, const std::string& hook, const model::ProjectModel* model,
                                    const generator::Engine& engine, const model::Vocabulary& vocab,
                                    const std::string& event_type);

/// The generator's hooks for a list of plugins, in order: afterGeneration runs after rendering.
class PluginHooks final : public generator::Hooks {
public:
    PluginHooks(std::vector<Plugin*> plugins, const model::ProjectModel& model)
        : plugins_(std::move(plugins)), model_(model) {}
    Result<void> AfterRender(generator::Tree& tree) override;
    const std::vector<std::string>& changes() const { return changes_; }

private:
    std::vector<Plugin*> plugins_;
    const model::ProjectModel& model_;
    std::vector<std::string> changes_;
};

}  // namespace dihya::plugins
