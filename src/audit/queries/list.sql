-- Newest first. Every filter is optional (NULL = no filter): $1 actor_id, $2 action (exact),
-- $3 action prefix, $4 target_type, $5 target_id, $6 from (inclusive), $7 to (exclusive),
-- $8 cursor (entries before this seq), $9 limit.
SELECT seq, at, actor_id, action, target_type, target_id, request_id, ip, details, pseudonymised_at, hash
FROM audit_log
WHERE (CAST($1 AS TEXT) IS NULL OR actor_id = CAST($1 AS TEXT))
  AND (CAST($2 AS TEXT) IS NULL OR action = CAST($2 AS TEXT))
  AND (CAST($3 AS TEXT) IS NULL OR substr(action, 1, length(CAST($3 AS TEXT))) = CAST($3 AS TEXT))
  AND (CAST($4 AS TEXT) IS NULL OR target_type = CAST($4 AS TEXT))
  AND (CAST($5 AS TEXT) IS NULL OR target_id = CAST($5 AS TEXT))
  AND (CAST($6 AS TEXT) IS NULL OR at >= CAST($6 AS TEXT))
  AND (CAST($7 AS TEXT) IS NULL OR at < CAST($7 AS TEXT))
  AND (CAST($8 AS BIGINT) IS NULL OR seq < CAST($8 AS BIGINT))
ORDER BY seq DESC
LIMIT CAST($9 AS BIGINT)
