-- Statements of the marketplace (marketplace/marketplace.cpp). Placeholders $1, $2... on both dialects; the few
-- that differ end in _sqlite or _postgres.

-- name: item_by_name
SELECT id, owner_id, kind, name, title, summary, category, tags, icon, licence, latest_version, published_at,
    downloads, installs, created_at,
    (SELECT COUNT(*) FROM market_reviews r WHERE r.item_id = market_items.id) AS rating_count,
    (SELECT COALESCE(SUM(rating), 0) FROM market_reviews r WHERE r.item_id = market_items.id) AS rating_sum
FROM market_items WHERE name = $1;

-- name: insert_item
INSERT INTO market_items (id, owner_id, kind, name, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: version_exists
SELECT id FROM market_versions WHERE item_id = $1 AND version = $2;

-- name: pending_of_owner
SELECT COUNT(*) AS n FROM market_versions v JOIN market_items i ON i.id = v.item_id
WHERE i.owner_id = $1 AND v.status = 'pending';

-- name: insert_version
INSERT INTO market_versions (id, item_id, version, changelog, title, summary, category, tags, icon, licence, package,
    digest, bytes, status, submitted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14);

-- name: insert_history
INSERT INTO market_history (id, item_id, version, event, reason, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: history_of_item
-- Newest first; within one instant, a version's own order (submitted, then decided, then yanked).
SELECT version, event, reason, at FROM market_history WHERE item_id = $1
ORDER BY at DESC, CASE event WHEN 'submitted' THEN 0 WHEN 'yanked' THEN 2 ELSE 1 END DESC, id DESC LIMIT 100;

-- name: has_yanked
SELECT id FROM market_versions WHERE item_id = $1 AND status = 'yanked' LIMIT 1;

-- name: versions_of_item
SELECT id, item_id, version, changelog, title, summary, category, tags, icon, licence, digest, bytes, status, reason,
    signature, key_id, submitted_at, decided_at
FROM market_versions WHERE item_id = $1 ORDER BY submitted_at DESC, id DESC;

-- name: version_by_id
SELECT v.id, v.item_id, v.version, v.changelog, v.title, v.summary, v.category, v.tags, v.icon, v.licence, v.digest,
    v.bytes, v.status, v.reason, v.signature, v.key_id, v.submitted_at, v.decided_at, v.package,
    i.name AS item_name, i.kind AS item_kind, i.owner_id AS item_owner
FROM market_versions v JOIN market_items i ON i.id = v.item_id WHERE v.id = $1;

-- name: version_of_item
SELECT v.id, v.item_id, v.version, v.changelog, v.title, v.summary, v.category, v.tags, v.icon, v.licence, v.digest,
    v.bytes, v.status, v.reason, v.signature, v.key_id, v.submitted_at, v.decided_at, v.package,
    i.name AS item_name, i.kind AS item_kind, i.owner_id AS item_owner
FROM market_versions v JOIN market_items i ON i.id = v.item_id WHERE v.item_id = $1 AND v.version = $2;

-- name: queue
-- Versions by status for the admins' review queue, oldest first.
SELECT v.id, v.item_id, v.version, v.changelog, v.title, v.summary, v.category, v.tags, v.icon, v.licence, v.digest,
    v.bytes, v.status, v.reason, v.signature, v.key_id, v.submitted_at, v.decided_at,
    i.name AS item_name, i.kind AS item_kind, i.owner_id AS item_owner
FROM market_versions v JOIN market_items i ON i.id = v.item_id
WHERE v.status = $1 AND ($2 = '' OR v.submitted_at > $2 OR (v.submitted_at = $2 AND v.id > $3))
ORDER BY v.submitted_at, v.id LIMIT $4;

-- name: lock_item_postgres
-- Decisions on one item's versions one after the other (SQLite has a single writer already).
SELECT id FROM market_items WHERE id = $1 FOR UPDATE;

-- name: decide
-- Guarded by the status the decision was taken on: of two admins deciding at once, one wins.
UPDATE market_versions SET status = $2, reason = $3, signature = $4, key_id = $5, decided_at = $6, decided_by = $7
WHERE id = $1 AND status = $8;

-- name: approved_of_item
SELECT version, title, summary, category, tags, icon, licence, decided_at FROM market_versions
WHERE item_id = $1 AND status = 'approved';

-- name: set_listing
UPDATE market_items SET latest_version = $2, title = $3, summary = $4, category = $5, tags = $6, icon = $7,
    licence = $8, published_at = $9 WHERE id = $1;

-- name: unindex_sqlite
DELETE FROM market_search WHERE item_id = $1;

-- name: index_sqlite
INSERT INTO market_search (item_id, name, title, tags, summary) VALUES ($1, $2, $3, $4, $5);

-- name: search_sqlite
-- $1: an FTS5 query of quoted prefixes; bm25 weighs name and title over tags over summary (lower is better).
SELECT i.id, i.owner_id, i.kind, i.name, i.title, i.summary, i.category, i.tags, i.icon, i.licence, i.latest_version,
    i.published_at, i.downloads, i.installs, i.created_at,
    COALESCE(r.n, 0) AS rating_count, COALESCE(r.total, 0) AS rating_sum
FROM market_search JOIN market_items i ON i.id = market_search.item_id
LEFT JOIN (SELECT item_id, COUNT(*) AS n, SUM(rating) AS total FROM market_reviews GROUP BY item_id) r
    ON r.item_id = i.id
WHERE market_search MATCH $1 AND i.latest_version <> '' AND ($2 = '' OR i.kind = $2)
    AND ($3 = '' OR i.category = $3) AND ($4 = '' OR i.tags LIKE '%,' || $4 || ',%')
ORDER BY CASE $5 WHEN 'downloads' THEN i.downloads WHEN 'installs' THEN i.installs
        WHEN 'rating' THEN CASE WHEN COALESCE(r.n, 0) = 0 THEN 0 ELSE CAST(r.total AS DOUBLE PRECISION) / r.n END ELSE 0 END DESC,
    CASE $5 WHEN 'rating' THEN COALESCE(r.n, 0) ELSE 0 END DESC,
    CASE $5 WHEN 'recent' THEN i.published_at ELSE '' END DESC,
    bm25(market_search, 0.0, 10.0, 10.0, 4.0, 1.0), i.name
LIMIT $6 OFFSET $7;

-- name: search_postgres
-- $1: the words; PostgreSQL's parser reads them into lexemes, each quoted and made a prefix (no syntax error is
-- possible, whatever the text); ts_rank weighs A (name, title) over B (tags) over C.
SELECT i.id, i.owner_id, i.kind, i.name, i.title, i.summary, i.category, i.tags, i.icon, i.licence, i.latest_version,
    i.published_at, i.downloads, i.installs, i.created_at,
    COALESCE(r.n, 0) AS rating_count, COALESCE(r.total, 0) AS rating_sum
FROM market_items i
LEFT JOIN (SELECT item_id, COUNT(*) AS n, SUM(rating) AS total FROM market_reviews GROUP BY item_id) r
    ON r.item_id = i.id
WHERE i.search @@ (SELECT to_tsquery('simple', string_agg(quote_literal(lexeme) || ':*', ' & '))
        FROM unnest(to_tsvector('simple', $1)))
    AND i.latest_version <> '' AND ($2 = '' OR i.kind = $2)
    AND ($3 = '' OR i.category = $3) AND ($4 = '' OR i.tags LIKE '%,' || $4 || ',%')
ORDER BY CASE $5 WHEN 'downloads' THEN i.downloads WHEN 'installs' THEN i.installs
        WHEN 'rating' THEN CASE WHEN COALESCE(r.n, 0) = 0 THEN 0 ELSE CAST(r.total AS DOUBLE PRECISION) / r.n END ELSE 0 END DESC,
    CASE $5 WHEN 'rating' THEN COALESCE(r.n, 0) ELSE 0 END DESC,
    CASE $5 WHEN 'recent' THEN i.published_at ELSE '' END DESC,
    ts_rank(i.search, (SELECT to_tsquery('simple', string_agg(quote_literal(lexeme) || ':*', ' & '))
        FROM unnest(to_tsvector('simple', $1)))) DESC, i.name
LIMIT $6 OFFSET $7;

-- name: list
-- The listed items without words to search: the same filters and sorts (relevance falls back to recent).
SELECT i.id, i.owner_id, i.kind, i.name, i.title, i.summary, i.category, i.tags, i.icon, i.licence, i.latest_version,
    i.published_at, i.downloads, i.installs, i.created_at,
    COALESCE(r.n, 0) AS rating_count, COALESCE(r.total, 0) AS rating_sum
FROM market_items i
LEFT JOIN (SELECT item_id, COUNT(*) AS n, SUM(rating) AS total FROM market_reviews GROUP BY item_id) r
    ON r.item_id = i.id
WHERE i.latest_version <> '' AND ($2 = '' OR i.kind = $2)
    AND ($3 = '' OR i.category = $3) AND ($4 = '' OR i.tags LIKE '%,' || $4 || ',%') AND $1 = ''
ORDER BY CASE $5 WHEN 'downloads' THEN i.downloads WHEN 'installs' THEN i.installs
        WHEN 'rating' THEN CASE WHEN COALESCE(r.n, 0) = 0 THEN 0 ELSE CAST(r.total AS DOUBLE PRECISION) / r.n END ELSE 0 END DESC,
    CASE $5 WHEN 'rating' THEN COALESCE(r.n, 0) ELSE 0 END DESC,
    i.published_at DESC, i.name
LIMIT $6 OFFSET $7;

-- name: owned_by
SELECT id, owner_id, kind, name, title, summary, category, tags, icon, licence, latest_version, published_at,
    downloads, installs, created_at, 0 AS rating_count, 0 AS rating_sum
FROM market_items WHERE owner_id = $1 ORDER BY created_at, id;

-- name: count_download
UPDATE market_items SET downloads = downloads + 1 WHERE id = $1;

-- name: count_install
UPDATE market_items SET installs = installs + 1 WHERE id = $1;

-- name: upsert_review
INSERT INTO market_reviews (item_id, user_id, rating, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (item_id, user_id) DO UPDATE SET rating = excluded.rating, body = excluded.body,
    updated_at = excluded.updated_at;

-- name: review_of
SELECT item_id, user_id, rating, body, created_at, updated_at FROM market_reviews WHERE item_id = $1 AND user_id = $2;

-- name: delete_review
DELETE FROM market_reviews WHERE item_id = $1 AND user_id = $2;

-- name: reviews_of_item
SELECT item_id, user_id, rating, body, created_at, updated_at FROM market_reviews
WHERE item_id = $1 AND ($2 = '' OR updated_at < $2 OR (updated_at = $2 AND user_id < $3))
ORDER BY updated_at DESC, user_id DESC LIMIT $4;

-- name: reviews_of_user
SELECT r.item_id, r.user_id, r.rating, r.body, r.created_at, r.updated_at, i.name AS item_name
FROM market_reviews r JOIN market_items i ON i.id = r.item_id WHERE r.user_id = $1 ORDER BY r.created_at, i.name;

-- name: install_of
SELECT id, user_id, item_id, kind, name, version, digest, target_id, created_at FROM market_installs
WHERE user_id = $1 AND item_id = $2 AND version = $3;

-- name: insert_install
INSERT INTO market_installs (id, user_id, item_id, kind, name, version, digest, target_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: set_install_target
UPDATE market_installs SET target_id = $2 WHERE id = $1;

-- name: installs_of_user
-- With the version's status today (NULL when the item is gone): a yanked version's installs stay on record.
SELECT n.id, n.user_id, n.item_id, n.kind, n.name, n.version, n.digest, n.target_id, n.created_at,
    v.status AS status
FROM market_installs n LEFT JOIN market_versions v ON v.item_id = n.item_id AND v.version = n.version
WHERE n.user_id = $1 AND ($2 = '' OR n.created_at < $2 OR (n.created_at = $2 AND n.id < $3))
ORDER BY n.created_at DESC, n.id DESC LIMIT $4;

-- name: all_installs_of_user
SELECT id, user_id, item_id, kind, name, version, digest, target_id, created_at FROM market_installs
WHERE user_id = $1 ORDER BY created_at, id;

-- name: all_versions_of_owner
SELECT v.version, v.changelog, v.status, v.reason, v.digest, v.bytes, v.submitted_at, v.decided_at, v.package,
    i.name AS item_name
FROM market_versions v JOIN market_items i ON i.id = v.item_id WHERE i.owner_id = $1 ORDER BY i.name, v.submitted_at;

-- name: delete_reviews_of_user
DELETE FROM market_reviews WHERE user_id = $1;

-- name: delete_installs_of_user
DELETE FROM market_installs WHERE user_id = $1;

-- name: unindex_owner_sqlite
DELETE FROM market_search WHERE item_id IN (SELECT id FROM market_items WHERE owner_id = $1);

-- name: delete_items_of_owner
DELETE FROM market_items WHERE owner_id = $1;

-- name: snapshot_stats
-- The listed items' counts as they stand, for day $1 (a second run the same day replaces the first).
INSERT INTO market_stats (item_id, day, downloads, installs, rating_count, rating_sum)
SELECT i.id, $1, i.downloads, i.installs,
    (SELECT COUNT(*) FROM market_reviews r WHERE r.item_id = i.id),
    (SELECT COALESCE(SUM(rating), 0) FROM market_reviews r WHERE r.item_id = i.id)
FROM market_items i WHERE i.latest_version <> ''
ON CONFLICT (item_id, day) DO UPDATE SET downloads = excluded.downloads, installs = excluded.installs,
    rating_count = excluded.rating_count, rating_sum = excluded.rating_sum;

-- name: prune_stats
DELETE FROM market_stats WHERE day < $1;

-- name: stats_of_item
SELECT day, downloads, installs, rating_count, rating_sum FROM market_stats WHERE item_id = $1 AND day >= $2
ORDER BY day;
