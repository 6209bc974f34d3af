-- Statements of the collaborative documents (collab/repository.cpp). Placeholders $1, $2... on both dialects.

-- name: load_updates
SELECT seq, data FROM collab_updates WHERE project_id = $1 ORDER BY seq;

-- name: last_seq
SELECT COALESCE(MAX(seq), 0) AS seq FROM collab_updates WHERE project_id = $1;

-- name: insert_update
INSERT INTO collab_updates (project_id, seq, data, created_at) VALUES ($1, $2, $3, $4);

-- name: delete_updates_through
DELETE FROM collab_updates WHERE project_id = $1 AND seq <= $2;
