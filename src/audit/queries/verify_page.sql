-- One page of the chain, oldest first, after seq $1.
SELECT seq, at, actor_id, action, target_type, target_id, request_id, ip, details,
       pii_salt, pii_digest, pseudonymised_at, prev_hash, hash
FROM audit_log
WHERE seq > $1
ORDER BY seq
LIMIT $2
