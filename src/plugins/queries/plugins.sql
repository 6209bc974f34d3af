-- Statements of the plugin registry (plugins/registry.cpp).

-- name: insert
INSERT INTO plugins (id, owner_id, name, version, manifest, source, digest, global, listens, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $9, $8);

-- name: exists
SELECT id FROM plugins WHERE owner_id = $1 AND name = $2 AND version = $3;

-- name: count_of_owner
SELECT COUNT(*) AS n FROM plugins WHERE owner_id = $1;

-- name: visible
SELECT id, owner_id, name, version, manifest, digest, global, created_at FROM plugins
WHERE owner_id = $1 OR global = 1 ORDER BY global DESC, name, created_at;

-- name: find
SELECT id, owner_id, name, version, manifest, digest, global, created_at FROM plugins WHERE id = $1;

-- name: source
SELECT source FROM plugins WHERE id = $1;

-- name: delete
DELETE FROM plugins WHERE id = $1;

-- name: set_global
UPDATE plugins SET global = $2 WHERE id = $1;

-- name: global
SELECT id, owner_id, name, version, manifest, digest, global, created_at, source FROM plugins WHERE global = 1
ORDER BY name, created_at, id;

-- name: of_project
-- Only plugins the project may still run: enabled for everybody, or belonging to its owner or a current editor
-- (a plugin an admin stops, or one of an editor who left, stops running).
SELECT p.id, p.owner_id, p.name, p.version, p.manifest, p.digest, p.global, p.created_at, p.source
FROM project_plugins pp JOIN plugins p ON p.id = pp.plugin_id
WHERE pp.project_id = $1 AND (p.global = 1
    OR p.owner_id = (SELECT owner_id FROM projects WHERE id = pp.project_id)
    OR p.owner_id IN (SELECT user_id FROM project_members WHERE project_id = pp.project_id AND role = 'editor'))
ORDER BY pp.position;

-- name: clear_project
DELETE FROM project_plugins WHERE project_id = $1;

-- name: enable_on_project
INSERT INTO project_plugins (project_id, plugin_id, position, enabled_by, enabled_at) VALUES ($1, $2, $3, $4, $5);

-- name: all_of_owner
SELECT id, owner_id, name, version, manifest, digest, global, created_at, source FROM plugins WHERE owner_id = $1
ORDER BY created_at, id;

-- name: delete_of_owner
DELETE FROM plugins WHERE owner_id = $1;

-- name: any_listener
SELECT id FROM plugins WHERE listens = 1
AND (global = 1 OR id IN (SELECT plugin_id FROM project_plugins WHERE project_id = $1)) LIMIT 1;

-- name: listeners
SELECT id, owner_id, name, version, manifest, digest, global, created_at, source FROM plugins p WHERE listens = 1
AND (global = 1 OR id IN (SELECT pp.plugin_id FROM project_plugins pp WHERE pp.project_id = $1
    AND (p.owner_id = (SELECT owner_id FROM projects WHERE id = pp.project_id)
         OR p.owner_id IN (SELECT user_id FROM project_members WHERE project_id = pp.project_id AND role = 'editor'))))
ORDER BY global DESC, name, id;

-- name: forget_enabler
UPDATE project_plugins SET enabled_by = NULL WHERE enabled_by = $1;
