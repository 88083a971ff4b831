-- 007_report_speed.sql: a result cache for the consolidated reports, exact and cheap
-- to check, so that a repeated report does not recompute report_figures.
--
--   cached_report_catalog   one counter, raised by every change to the tables the
--                           reports depend on (unit, indicator, rate, target,
--                           reporting_setting, report_deadline): statement triggers
--                           on the catalogue, none on submission or submission_value
--   cached_report           per (period, version): what the cached rows were computed
--                           from (the stamp, below), and when
--   cached_report_unit      per entry and unit: its rows of report_figures and of
--                           report_rates, as arrays
--   cached_report_target    per entry: the rows of report_targets
--   cached_report_open(kind, year, index, version)
--                           the id of an entry that is exact for the caller's
--                           snapshot, computing (or recomputing) it first if needed;
--                           NULL where nothing can be written (read-only transaction,
--                           standby): the caller then uses the functions of 005
--
-- The stamp. submission and submission_value are append-only (001's triggers refuse
-- UPDATE and DELETE) and a submission's figures are written in the same transaction
-- as the submission (the collector does; see sql/README.md), so the figures of a
-- period change only when a submission for it (or for a period inside it) becomes
-- visible, and then the number of those submissions grows. The stamp is that number,
-- with the largest and the sum of their ids, read from submission_period_idx alone
-- (index-only: ~30,000 entries, 3-8 ms, for a national quarter), plus the files of
-- submission and submission_value (TRUNCATE gives new ones) and the catalogue
-- counter. The stamp is read before the figures are computed, in an earlier or the
-- same snapshot: at worst an entry is stamped older than its rows, and the next
-- report recomputes it. It is never used for rows it does not describe.
--
-- Nothing is added to the ingest path: no trigger, no index, no write on submission
-- or submission_value. The tables are UNLOGGED (a cache: no WAL; emptied after a
-- crash, which only means the next report recomputes). The reporting role may read
-- the cached rows (they are what report_figures, report_rates and report_targets
-- give it anyway) and not write them; cached_report_open writes as the owner.
--
-- Run once by `cchc-collector migrate` inside one transaction (no BEGIN/COMMIT here).

-- ---------------------------------------------------------------------------
-- The catalogue counter.
-- ---------------------------------------------------------------------------
CREATE TABLE cached_report_catalog (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL
);
INSERT INTO cached_report_catalog (one, version) VALUES (true, 1);

COMMENT ON TABLE cached_report_catalog IS
  'Raised by every change to unit, indicator, rate, target, reporting_setting, report_deadline: cached reports computed under another version are recomputed.';

CREATE FUNCTION cached_report_catalog_bump() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  UPDATE cached_report_catalog SET version = version + 1;
  RETURN NULL;
END;
$$;
REVOKE EXECUTE ON FUNCTION cached_report_catalog_bump() FROM PUBLIC;

CREATE TRIGGER unit_cached_report_catalog_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit
  FOR EACH STATEMENT EXECUTE FUNCTION cached_report_catalog_bump();
CREATE TRIGGER indicator_cached_report_catalog_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator
  FOR EACH STATEMENT EXECUTE FUNCTION cached_report_catalog_bump();
CREATE TRIGGER rate_cached_report_catalog_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rate
  FOR EACH STATEMENT EXECUTE FUNCTION cached_report_catalog_bump();
CREATE TRIGGER target_cached_report_catalog_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target
  FOR EACH STATEMENT EXECUTE FUNCTION cached_report_catalog_bump();
CREATE TRIGGER reporting_setting_cached_report_catalog_bump
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reporting_setting
  FOR EACH STATEMENT EXECUTE FUNCTION cached_report_catalog_bump();
CREATE TRIGGER report_deadline_cached_report_catalog_bump
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON report_deadline
  FOR EACH STATEMENT EXECUTE FUNCTION cached_report_catalog_bump();

-- ---------------------------------------------------------------------------
-- The cache.
-- ---------------------------------------------------------------------------
CREATE UNLOGGED TABLE cached_report (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  period_kind smallint NOT NULL,
  period_year smallint NOT NULL,
  period_index smallint NOT NULL,
  version text NOT NULL CHECK (version IN ('revised', 'first')),
  -- the stamp
  catalog_version bigint NOT NULL,
  submission_file oid NOT NULL,
  value_file oid NOT NULL,
  submissions bigint NOT NULL,
  max_id bigint,
  sum_id numeric,
  -- for the operator
  computed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  compute_ms numeric,
  UNIQUE (period_kind, period_year, period_index, version)
);

-- One row per unit that has a figure: its report_figures rows and its report_rates
-- rows as parallel arrays (10,000 rows and index entries for a national quarter
-- instead of 290,000; readers unnest the units they show).
CREATE UNLOGGED TABLE cached_report_unit (
  cache_id bigint NOT NULL,
  unit_code text NOT NULL,
  -- report_figures: indicator_code, value, reporting_units, source
  indicator_codes text[] NOT NULL,
  figure_values numeric[] NOT NULL,
  figure_units integer[] NOT NULL,
  figure_sources text[] NOT NULL,
  -- report_rates: rate_code, numerator, denominator, pct (NULL: no rate)
  rate_codes text[],
  rate_numerators numeric[],
  rate_denominators numeric[],
  rate_pcts numeric[],
  PRIMARY KEY (cache_id, unit_code)
);

-- report_targets' rows, as they are.
CREATE UNLOGGED TABLE cached_report_target (
  cache_id bigint NOT NULL,
  unit_code text NOT NULL,
  rate_code text NOT NULL,
  target_id integer NOT NULL,
  comparison text,
  threshold_pct numeric,
  pct numeric,
  status text,
  gap_pp numeric,
  plan text,
  section text,
  text_vi text,
  PRIMARY KEY (cache_id, unit_code, rate_code, target_id)
);

COMMENT ON TABLE cached_report IS
  'Cached report_figures / report_rates / report_targets per period and version, with the stamp they were computed from; see cached_report_open.';

REVOKE ALL ON cached_report_catalog, cached_report, cached_report_unit, cached_report_target FROM PUBLIC;
GRANT SELECT ON cached_report, cached_report_unit, cached_report_target TO cchc_reporting;

-- ---------------------------------------------------------------------------
-- cached_report_stamp: the stamp of a period now (the caller's snapshot): the
-- submissions of the period and of the periods inside it (those report_figures
-- reads), counted by submission_period_idx alone.
-- ---------------------------------------------------------------------------
CREATE FUNCTION cached_report_stamp(p_kind smallint, p_year smallint, p_index smallint,
                                   OUT catalog_version bigint, OUT submission_file oid,
                                   OUT value_file oid, OUT submissions bigint,
                                   OUT max_id bigint, OUT sum_id numeric)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp SET jit = off
AS $$
DECLARE
  fm integer := CASE p_kind WHEN 1 THEN p_index WHEN 2 THEN 3 * p_index - 2
                            WHEN 3 THEN 6 * p_index - 5 ELSE 1 END;
  lm integer := CASE p_kind WHEN 1 THEN p_index WHEN 2 THEN 3 * p_index
                            WHEN 3 THEN 6 * p_index ELSE 12 END;
  keys integer[];
BEGIN
  -- the keys of submission_period_idx: the period and the periods inside it
  SELECT array_agg(p_year * 100 + k.k * 20 + g.i) INTO keys
    FROM (VALUES (1, 1), (2, 3), (3, 6), (4, 12)) AS k (k, months),
         generate_series(1, 12) AS g (i)
   WHERE k.k <= p_kind AND g.i BETWEEN (fm - 1) / k.months + 1 AND lm / k.months;
  SELECT v.version INTO catalog_version FROM cached_report_catalog v;
  submission_file := pg_relation_filenode('submission');
  value_file := pg_relation_filenode('submission_value');
  SELECT count(*), max(s.id), sum(s.id) INTO submissions, max_id, sum_id
    FROM submission s
   WHERE s.period_year * 100 + s.period_kind * 20 + s.period_index = ANY (keys);
END;
$$;

-- ---------------------------------------------------------------------------
-- cached_report_open: an entry exact for the caller's snapshot.
--
-- Fresh entry: a shared advisory lock on (period, version) until the end of the
-- caller's transaction, so that nobody replaces the entry while the caller reads
-- it (run the open and the reads in one transaction). Stale or missing: an
-- exclusive lock, then the entry is recomputed, unless someone did meanwhile:
-- report_figures once (the expensive part), rates and targets from its cached
-- rows by the same expressions as report_rates and report_targets. At most 32
-- entries are kept (the oldest computed go). Raises like report_figures for an
-- invalid period or version; returns NULL (use the 005 functions) when it cannot
-- write.
-- ---------------------------------------------------------------------------
CREATE FUNCTION cached_report_open(p_kind smallint, p_year smallint, p_index smallint,
                                  p_version text DEFAULT 'revised')
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp
SET jit = off SET work_mem = '64MB'
AS $$
#variable_conflict use_column
DECLARE
  pd record;
  st record;
  cid bigint;
  lock_key integer;
  t0 timestamptz;
  attempt integer;
  gone bigint[];
BEGIN
  SELECT * INTO pd FROM report_period(p_kind, p_year, p_index);
  IF p_version IS NULL OR p_version NOT IN ('revised', 'first') THEN
    RAISE EXCEPTION 'unknown version ''%'' (revised or first)', coalesce(p_version, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF current_setting('transaction_read_only')::boolean OR pg_is_in_recovery() THEN
    RETURN NULL;
  END IF;
  lock_key := (p_year * 100 + p_kind * 20 + p_index) * 2 + (p_version = 'first')::integer;

  FOR attempt IN 1 .. 3 LOOP
    SELECT * INTO st FROM cached_report_stamp(p_kind, p_year, p_index);
    SELECT c.id INTO cid FROM cached_report c
     WHERE c.period_kind = p_kind AND c.period_year = p_year AND c.period_index = p_index
       AND c.version = p_version
       AND (c.catalog_version, c.submission_file, c.value_file, c.submissions)
           = (st.catalog_version, st.submission_file, st.value_file, st.submissions)
       AND c.max_id IS NOT DISTINCT FROM st.max_id AND c.sum_id IS NOT DISTINCT FROM st.sum_id;
    IF cid IS NULL THEN
      EXIT;
    END IF;
    -- fresh: hold it, and check that nobody replaced it before the lock
    PERFORM pg_advisory_xact_lock_shared(1128482883, lock_key);
    IF EXISTS (SELECT 1 FROM cached_report c WHERE c.id = cid) THEN
      RETURN cid;
    END IF;
    cid := NULL;
  END LOOP;

  -- stale or missing: compute under the exclusive lock
  BEGIN
    PERFORM pg_advisory_xact_lock(1128482883, lock_key);
    t0 := clock_timestamp();
    -- the stamp first, then the rows (see the header)
    SELECT * INTO st FROM cached_report_stamp(p_kind, p_year, p_index);
    SELECT c.id INTO cid FROM cached_report c
     WHERE c.period_kind = p_kind AND c.period_year = p_year AND c.period_index = p_index
       AND c.version = p_version
       AND (c.catalog_version, c.submission_file, c.value_file, c.submissions)
           = (st.catalog_version, st.submission_file, st.value_file, st.submissions)
       AND c.max_id IS NOT DISTINCT FROM st.max_id AND c.sum_id IS NOT DISTINCT FROM st.sum_id;
    IF cid IS NOT NULL THEN
      RETURN cid;   -- another session computed it while we waited
    END IF;
    -- this entry's old rows, and the oldest entries beyond 32
    gone := ARRAY(SELECT c.id FROM cached_report c
                   WHERE (c.period_kind, c.period_year, c.period_index, c.version)
                         = (p_kind, p_year, p_index, p_version))
         || ARRAY(SELECT c.id FROM cached_report c ORDER BY c.id DESC OFFSET 31);
    DELETE FROM cached_report_unit f WHERE f.cache_id = ANY (gone);
    DELETE FROM cached_report_target t WHERE t.cache_id = ANY (gone);
    DELETE FROM cached_report c WHERE c.id = ANY (gone);

    INSERT INTO cached_report (period_kind, period_year, period_index, version, catalog_version,
                              submission_file, value_file, submissions, max_id, sum_id)
    VALUES (p_kind, p_year, p_index, p_version, st.catalog_version, st.submission_file,
            st.value_file, st.submissions, st.max_id, st.sum_id)
    RETURNING id INTO cid;

    -- report_figures once; report_rates (005) from its rows by the same expressions
    -- (the rate joined once as numerator, once as denominator: a hash join, same pairs
    -- as 005's "IN (numerator, denominator)" since the two always differ)
    INSERT INTO cached_report_unit (cache_id, unit_code, indicator_codes, figure_values, figure_units,
                                    figure_sources, rate_codes, rate_numerators, rate_denominators, rate_pcts)
    WITH f AS MATERIALIZED (
      SELECT * FROM report_figures(p_kind, p_year, p_index, p_version)
    ),
    r AS (
      SELECT g.unit_code, g.rate_code, g.num, g.den, g.num * 100 / NULLIF(g.den, 0) AS pct
        FROM (SELECT f.unit_code, r.code AS rate_code,
                     max(f.value) FILTER (WHERE f.indicator_code = r.numerator) AS num,
                     max(f.value) FILTER (WHERE f.indicator_code = r.denominator) AS den
                FROM f
                JOIN (SELECT r.code, r.numerator, r.denominator, r.numerator AS ind FROM rate r
                      UNION ALL
                      SELECT r.code, r.numerator, r.denominator, r.denominator FROM rate r) r
                  ON f.indicator_code = r.ind
               GROUP BY f.unit_code, r.code) g
    ),
    fa AS (
      SELECT f.unit_code, array_agg(f.indicator_code) AS codes, array_agg(f.value) AS vals,
             array_agg(f.reporting_units) AS units, array_agg(f.source) AS sources
        FROM f GROUP BY f.unit_code
    ),
    ra AS (
      SELECT r.unit_code, array_agg(r.rate_code) AS codes, array_agg(r.num) AS nums,
             array_agg(r.den) AS dens, array_agg(r.pct) AS pcts
        FROM r GROUP BY r.unit_code
    )
    SELECT cid, fa.unit_code, fa.codes, fa.vals, fa.units, fa.sources, ra.codes, ra.nums, ra.dens, ra.pcts
      FROM fa LEFT JOIN ra ON ra.unit_code = fa.unit_code;

    -- report_targets (005), from the cached rates
    INSERT INTO cached_report_target (cache_id, unit_code, rate_code, target_id, comparison,
                                     threshold_pct, pct, status, gap_pp, plan, section, text_vi)
    SELECT cid, t.descendant_code, tg.rate_code, tg.id, tg.comparison, tg.threshold_pct::numeric,
           r.pct,
           CASE
             WHEN r.pct IS NULL THEN 'no_data'
             WHEN tg.comparison = '>=' AND r.pct >= tg.threshold_pct THEN 'met'
             WHEN tg.comparison = '>' AND r.pct > tg.threshold_pct THEN 'met'
             ELSE 'not_met'
           END,
           r.pct - tg.threshold_pct,
           tg.plan, tg.section, tg.text_vi
      FROM target tg
      JOIN unit_tree t ON t.ancestor_code = tg.scope_unit
      JOIN unit u ON u.code = t.descendant_code
                 AND u.valid_from <= pd.last_day AND (u.valid_to IS NULL OR u.valid_to >= pd.first_day)
      LEFT JOIN (SELECT c.unit_code, x.rate_code, x.pct
                   FROM cached_report_unit c
                  CROSS JOIN LATERAL unnest(c.rate_codes, c.rate_pcts) AS x (rate_code, pct)
                  WHERE c.cache_id = cid) r
             ON r.unit_code = t.descendant_code AND r.rate_code = tg.rate_code
     WHERE p_year BETWEEN tg.year_from AND tg.year_to;

    -- statistics for the readers' plans, once (autovacuum keeps them after)
    IF (SELECT c.reltuples < 0 FROM pg_class c WHERE c.oid = 'cached_report_unit'::regclass) THEN
      ANALYZE cached_report_unit, cached_report_target;
    END IF;
    UPDATE cached_report c SET compute_ms = round(extract(epoch FROM clock_timestamp() - t0) * 1000, 1)
     WHERE c.id = cid;
    RETURN cid;
  EXCEPTION
    -- a concurrent writer in a REPEATABLE READ caller, a read-only role: no cache
    WHEN unique_violation OR serialization_failure OR read_only_sql_transaction
      OR insufficient_privilege THEN
      RETURN NULL;
  END;
END;
$$;

COMMENT ON FUNCTION cached_report_open(smallint, smallint, smallint, text) IS
  'Id of a cached_report entry exact for this snapshot (computed if stale or missing; a shared lock holds it until the end of the transaction), or NULL: use the 005 functions.';

REVOKE EXECUTE ON FUNCTION cached_report_stamp(smallint, smallint, smallint),
  cached_report_open(smallint, smallint, smallint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cached_report_open(smallint, smallint, smallint, text) TO cchc_reporting;
