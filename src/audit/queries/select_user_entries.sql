-- Entries that name user $1, as actor or as a target of type $2 ('user').
SELECT seq, actor_id, target_type, target_id
FROM audit_log
WHERE actor_id = $1 OR (target_type = $2 AND target_id = $1)
ORDER BY seq
