-- Takes the chain's lock (a row lock on PostgreSQL; SQLite has one writer) and reads the head.
UPDATE audit_head SET last_seq = last_seq WHERE id = 1 RETURNING last_seq, last_hash
