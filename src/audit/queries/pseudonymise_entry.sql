-- Replaces the personal fields of entry $1 by pseudonyms and forgets its salt; the hashed fields
-- and pii_digest stay as they were, so the chain still verifies.
UPDATE audit_log
SET actor_id = $2, target_id = $3, ip = NULL, pii_salt = NULL, pseudonymised_at = COALESCE(pseudonymised_at, $4)
WHERE seq = $1
