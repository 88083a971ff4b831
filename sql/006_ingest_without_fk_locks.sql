-- 006_ingest_without_fk_locks.sql: no foreign keys on submission_value.
--
-- A foreign key check locks the referenced row (FOR KEY SHARE) for every inserted
-- row. Every figure references one of a few dozen indicator rows, so every
-- transaction of every writer locks the same hot rows; measured with
-- tests/bench/bench_ingest ceiling (binary COPY, 10,000 rows per transaction,
-- fsync and synchronous_commit on, 2 cores): 90k rows/s with both keys, 130k
-- without the one to submission, 458k without both.
--
-- What the keys guarded still holds: the collector writes a report's figures in
-- the same transaction as the report (submission_id comes from its RETURNING), it
-- validates every indicator code against the catalogue before writing, and
-- indicators, like units, are never deleted (the catalogue only grows; the
-- append-only triggers keep reports from being deleted). A check that nobody
-- wrote around the collector:
--   SELECT count(*) FROM submission_value v
--   WHERE NOT EXISTS (SELECT 1 FROM submission s WHERE s.id = v.submission_id)
--      OR NOT EXISTS (SELECT 1 FROM indicator i WHERE i.code = v.indicator_code);
ALTER TABLE submission_value DROP CONSTRAINT submission_value_submission_id_fkey;
ALTER TABLE submission_value DROP CONSTRAINT submission_value_indicator_code_fkey;

-- Indicators are referenced by stored figures without a key now: refuse deleting one.
CREATE FUNCTION indicator_refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'indicator %: indicators are never deleted (stored figures refer to them)', OLD.code
    USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER indicator_no_delete BEFORE DELETE ON indicator
  FOR EACH ROW EXECUTE FUNCTION indicator_refuse_delete();
