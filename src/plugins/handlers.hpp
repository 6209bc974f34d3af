#pragma once

#include <filesystem>

#include "analyze/analyzer.hpp"
#include "generator/engine.hpp"
#include "http/app.hpp"
#include "model/project_model.hpp"
#include "plugins/registry.hpp"
#include "plugins/sandbox.hpp"
#include "projects/service.hpp"

namespace dihya::plugins {

struct PluginRoutesDeps {
    const generator::Engine& engine;
    analyze::Analyzer& analyzer;
    const model::Vocabulary& vocabulary;
    std::filesystem::path host;  // dihya-js
    SandboxLimits limits;
    int max_running = 2;  // sandboxes at once; more is 503 with Retry-After
};

/// POST /api/v1/plugins/test: a plugin's hook on a specification, in its sandbox (`dihya plugin test` over HTTP).
void Register(http::App& app, PluginRoutesDeps deps);

/// /api/v1/plugins[/{id}] (install, list, read, remove), /api/v1/admin/plugins/{id}/global (enable for every
/// project), /api/v1/projects/{id}/plugins (the plugins a project's generations run).
void RegisterRegistry(http::App& app, PluginRegistry& registry, projects::ProjectsService& projects);

}  // namespace dihya::plugins
