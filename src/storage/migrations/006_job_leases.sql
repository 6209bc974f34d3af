-- The process that holds a running job's lease ("host=...;boot=...;pid=...;start=..."): a node restarted on the
-- same machine gives back at once the jobs of its dead predecessor instead of waiting for their leases to run out.
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
