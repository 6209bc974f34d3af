-- Statements of the projects repository (projects/repository.cpp). Placeholders $1, $2... on both dialects.

-- name: project_columns
id, owner_id, name, title, description, spec, source_text, assumptions, created_at, updated_at, version

-- name: insert_project
INSERT INTO projects (id, owner_id, name, title, description, spec, source_text, assumptions, created_at, updated_at,
                      version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1);

-- name: find_project
SELECT {columns} FROM projects WHERE id = $1;

-- name: list_projects
SELECT {columns} FROM projects
WHERE owner_id = $1
  AND ($2 = '' OR created_at < $2 OR (created_at = $2 AND id < $3))
  AND ($4 = '' OR LOWER(name) LIKE $4 ESCAPE '\' OR LOWER(title) LIKE $4 ESCAPE '\')
ORDER BY created_at DESC, id DESC
LIMIT $5;

-- name: list_all_projects
SELECT {columns} FROM projects
WHERE ($1 = '' OR created_at < $1 OR (created_at = $1 AND id < $2))
  AND ($3 = '' OR LOWER(name) LIKE $3 ESCAPE '\' OR LOWER(title) LIKE $3 ESCAPE '\')
ORDER BY created_at DESC, id DESC
LIMIT $4;

-- name: owner_projects
SELECT {columns} FROM projects WHERE owner_id = $1 ORDER BY created_at, id;

-- name: count_projects
SELECT COUNT(*) AS n FROM projects WHERE owner_id = $1;

-- name: update_project
UPDATE projects SET name = $3, title = $4, description = $5, spec = $6, source_text = $7, assumptions = $8,
                    updated_at = $9, version = version + 1
WHERE id = $1 AND version = $2;

-- name: delete_project
DELETE FROM projects WHERE id = $1 AND version = $2;

-- name: delete_owner_projects
DELETE FROM projects WHERE owner_id = $1;

-- name: find_idempotency_key
SELECT project_id, request_hash, created_at FROM project_idempotency_keys WHERE owner_id = $1 AND idempotency_key = $2;

-- name: insert_idempotency_key
INSERT INTO project_idempotency_keys (owner_id, idempotency_key, request_hash, project_id, created_at)
VALUES ($1, $2, $3, $4, $5);

-- name: delete_idempotency_key
DELETE FROM project_idempotency_keys WHERE owner_id = $1 AND idempotency_key = $2;

-- name: insert_file
INSERT INTO generation_files (generation_id, path, size, sha256, executable, content) VALUES ($1, $2, $3, $4, $5, $6);

-- name: delete_files
DELETE FROM generation_files WHERE generation_id = $1;

-- name: list_files
SELECT path, size, sha256, executable FROM generation_files WHERE generation_id = $1;

-- name: file_stats
SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM generation_files WHERE generation_id = $1;

-- name: find_file
SELECT path, size, sha256, executable, CASE WHEN size <= $3 THEN content END AS content
FROM generation_files WHERE generation_id = $1 AND path = $2;

-- name: all_files
SELECT path, size, sha256, executable, content FROM generation_files WHERE generation_id = $1;

-- name: list_shared_projects
SELECT {columns} FROM projects
WHERE id IN (SELECT project_id FROM project_members WHERE user_id = $1)
  AND ($2 = '' OR created_at < $2 OR (created_at = $2 AND id < $3))
  AND ($4 = '' OR LOWER(name) LIKE $4 ESCAPE '\' OR LOWER(title) LIKE $4 ESCAPE '\')
ORDER BY created_at DESC, id DESC
LIMIT $5;

-- name: find_member
SELECT project_id, user_id, role, added_by, created_at, updated_at FROM project_members
WHERE project_id = $1 AND user_id = $2;

-- name: list_members
SELECT project_id, user_id, role, added_by, created_at, updated_at FROM project_members
WHERE project_id = $1 ORDER BY created_at, user_id;

-- name: count_members
SELECT COUNT(*) AS n FROM project_members WHERE project_id = $1;

-- name: upsert_member
INSERT INTO project_members (project_id, user_id, role, added_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at;

-- name: delete_member
DELETE FROM project_members WHERE project_id = $1 AND user_id = $2;

-- name: memberships_of
SELECT project_id, user_id, role, added_by, created_at, updated_at FROM project_members
WHERE user_id = $1 ORDER BY created_at, project_id;

-- name: delete_memberships
DELETE FROM project_members WHERE user_id = $1;
