-- Plugins users install (plugins/registry.cpp; docs/plugins.md): the module's source as installed, its manifest
-- (JSON) and digest. `global` = an admin enabled it for every project; `listens` = it hears platform events
-- (its manifest lists onEvent and events:read). project_plugins: the plugins a project's
-- generations run, in order (besides the global ones).
CREATE TABLE plugins (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    manifest TEXT NOT NULL,
    source TEXT NOT NULL,
    digest TEXT NOT NULL,
    global INTEGER NOT NULL DEFAULT 0,
    listens INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (owner_id, name, version)
);
CREATE INDEX plugins_owner ON plugins (owner_id, created_at, id);
CREATE INDEX plugins_global ON plugins (global);

CREATE TABLE project_plugins (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    plugin_id TEXT NOT NULL REFERENCES plugins (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    enabled_by TEXT,
    enabled_at TEXT NOT NULL,
    PRIMARY KEY (project_id, plugin_id)
);
CREATE INDEX project_plugins_plugin ON project_plugins (plugin_id);
