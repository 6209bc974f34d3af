INSERT INTO audit_log (seq, at, actor_id, action, target_type, target_id, request_id, ip, details,
                       pii_salt, pii_digest, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
