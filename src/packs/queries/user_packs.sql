-- Statements of the packs users import (packs/library.cpp).

-- name: insert
INSERT INTO user_packs (id, owner_id, name, version, kind, title, digest, bytes, document, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: exists
SELECT id FROM user_packs WHERE owner_id = $1 AND name = $2 AND version = $3;

-- name: count_of_owner
SELECT COUNT(*) AS n FROM user_packs WHERE owner_id = $1;

-- name: page_of_owner
SELECT id, owner_id, name, version, kind, title, digest, bytes, created_at FROM user_packs
WHERE owner_id = $1 AND ($2 = '' OR created_at < $2 OR (created_at = $2 AND id < $3))
ORDER BY created_at DESC, id DESC LIMIT $4;

-- name: all_of_owner
SELECT id, owner_id, name, version, kind, title, digest, bytes, created_at, document FROM user_packs
WHERE owner_id = $1 ORDER BY created_at, id;

-- name: versions_of_owner
SELECT id, owner_id, name, version, kind, title, digest, bytes, created_at FROM user_packs
WHERE owner_id = $1 AND name = $2 ORDER BY created_at DESC, id DESC;

-- name: document
SELECT id, owner_id, name, version, kind, title, digest, bytes, created_at, document FROM user_packs WHERE id = $1;

-- name: delete
DELETE FROM user_packs WHERE id = $1 AND owner_id = $2;

-- name: delete_of_owner
DELETE FROM user_packs WHERE owner_id = $1;
