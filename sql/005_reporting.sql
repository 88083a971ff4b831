-- 005_reporting.sql: the consolidated reports of Home Affairs (Sở Nội vụ), as
-- functions of a period, for cchc-report and for the reporting role.
--
--   report_deadline      days after a period's end by which its report is due, per kind
--   reporting_setting    'calendar': civil (default) or nd09 (Nghị định 09/2019/NĐ-CP)
--   period_first_day / period_last_day (kind, year, idx, calendar)   a period's days
--   report_period        a period's days, deadline and late-from instant, as configured
--   report_figures       per unit and indicator: own + descendants' figure, with larger
--                        periods made from smaller ones (direct report wins)
--   report_rates         per unit and rate: ratio of the sums of report_figures
--   report_targets       every applicable target, per unit of its scope: met / not_met / no_data
--   report_completeness  who was expected to report, who did, final or not, late or not
--   report_history       every value one figure has had, with report key, agent and times
--
-- Periods are (kind, year, index): kind 1 month, 2 quarter, 3 half-year, 4 year.
-- p_version: 'revised' (the newest report's value, as current_figure picks it) or
-- 'first' (the value of the earliest-received report carrying the indicator).
-- "Not reported" is never zero: no data, no row (or NULL where a row must exist).
-- See sql/README.md, "Consolidated reports (005)", for the rules in full.
--
-- Every function runs with its owner's rights (SECURITY DEFINER, fixed
-- search_path): cchc_reporting may EXECUTE them and still cannot read
-- submission or submission_value directly. PUBLIC may not execute them.
--
-- Run once by `cchc-collector migrate` inside one transaction (no BEGIN/COMMIT here).

-- ---------------------------------------------------------------------------
-- Periods first: the reports read one period (and the periods inside it) out
-- of years of submissions, so the lookup must start from the period. The
-- index of 001 starts with unit_code and serves one unit and period (history,
-- current_figure for one unit); this one finds every submission of a period
-- and carries every column the period queries read (index-only scans).
-- Its key is one integer per period, year * 100 + kind * 20 + index (kind *
-- 20 + index is 21..92, so no two valid periods share it), and the functions
-- below search it by that expression alone (adding the three column
-- equalities too would only spoil the row estimates). Keyed on the three
-- columns, it would tie with the index of 001 for one unit's lookups on a
-- table without statistics, and the planner would take the wrong one.
-- ---------------------------------------------------------------------------
CREATE INDEX submission_period_idx ON submission
  ((period_year * 100 + period_kind * 20 + period_index))
  INCLUDE (period_kind, period_year, period_index, unit_code,
           observed_at, received_at, id, is_final);

-- ---------------------------------------------------------------------------
-- report_deadline: a period's report is due days_after_end days after the
-- period's last day (under the configured calendar). Change with UPDATE, e.g.
--   UPDATE report_deadline SET days_after_end = 20 WHERE period_kind = 2;
-- A kind without a row has no deadline (deadline and lateness NULL).
-- ---------------------------------------------------------------------------
CREATE TABLE report_deadline (
  period_kind smallint PRIMARY KEY CHECK (period_kind BETWEEN 1 AND 4),
  days_after_end integer NOT NULL CHECK (days_after_end >= 0)
);
INSERT INTO report_deadline (period_kind, days_after_end) VALUES
  (1, 10), (2, 15), (3, 20), (4, 30);

COMMENT ON TABLE report_deadline IS
  'Per period kind (1 month .. 4 year), days after the period''s last day by which its report is due; configurable by UPDATE.';

-- ---------------------------------------------------------------------------
-- reporting_setting: named settings of the reports. Only known names are
-- accepted (a misspelt name would otherwise be silently ignored):
--   calendar  'civil' (months and quarters as on the calendar) or 'nd09' (the
--             data cut-off of Nghị định 09/2019/NĐ-CP: from the 15th of the
--             month before a period's first month to the 14th of its last).
--   UPDATE reporting_setting SET value = 'nd09' WHERE name = 'calendar';
-- Without the row the calendar is civil.
-- ---------------------------------------------------------------------------
CREATE TABLE reporting_setting (
  name text PRIMARY KEY CONSTRAINT reporting_setting_name_check CHECK (name IN ('calendar')),
  value text NOT NULL,
  CONSTRAINT reporting_setting_calendar_check
    CHECK (name <> 'calendar' OR value IN ('civil', 'nd09'))
);
INSERT INTO reporting_setting (name, value) VALUES ('calendar', 'civil');

COMMENT ON TABLE reporting_setting IS
  'Settings of the reports: calendar = civil | nd09 (Nghị định 09/2019/NĐ-CP cut-off, 15th to 14th).';

-- Read by the reporting role, written by the owner only.
REVOKE ALL ON report_deadline, reporting_setting FROM PUBLIC;
GRANT SELECT ON report_deadline, reporting_setting TO cchc_reporting;

-- ---------------------------------------------------------------------------
-- period_first_day / period_last_day: the days of a period under a calendar.
--   civil  2026-Q1 = 2026-01-01 .. 2026-03-31, 2026 = 2026-01-01 .. 2026-12-31
--   nd09   2026-Q1 = 2025-12-15 .. 2026-03-14, 2026 = 2025-12-15 .. 2026-12-14,
--          2026-02 = 2026-01-15 .. 2026-02-14
-- NULL for a period that is not valid (as period_text); an unknown calendar is
-- an error.
-- ---------------------------------------------------------------------------
CREATE FUNCTION period_first_day(kind smallint, year smallint, idx smallint, calendar text)
RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  civil_first date;
BEGIN
  IF calendar NOT IN ('civil', 'nd09') THEN
    RAISE EXCEPTION 'unknown calendar ''%'' (civil or nd09)', calendar
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF period_text(kind, year, idx) IS NULL THEN
    RETURN NULL;
  END IF;
  civil_first := make_date(year, CASE kind WHEN 1 THEN idx WHEN 2 THEN 3 * idx - 2
                                           WHEN 3 THEN 6 * idx - 5 ELSE 1 END, 1);
  IF calendar = 'civil' THEN
    RETURN civil_first;
  END IF;
  -- nd09: the 15th of the month before the period's first month
  RETURN (civil_first - interval '1 month')::date + 14;
END;
$$;

CREATE FUNCTION period_last_day(kind smallint, year smallint, idx smallint, calendar text)
RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  last_month_first date;
BEGIN
  IF calendar NOT IN ('civil', 'nd09') THEN
    RAISE EXCEPTION 'unknown calendar ''%'' (civil or nd09)', calendar
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF period_text(kind, year, idx) IS NULL THEN
    RETURN NULL;
  END IF;
  last_month_first := make_date(year, CASE kind WHEN 1 THEN idx WHEN 2 THEN 3 * idx
                                                WHEN 3 THEN 6 * idx ELSE 12 END, 1);
  IF calendar = 'civil' THEN
    RETURN (last_month_first + interval '1 month')::date - 1;
  END IF;
  -- nd09: the 14th of the period's last month
  RETURN last_month_first + 13;
END;
$$;

COMMENT ON FUNCTION period_first_day(smallint, smallint, smallint, text) IS
  'First day of a period: civil, or nd09 (15th of the month before its first month); NULL if the period is invalid.';
COMMENT ON FUNCTION period_last_day(smallint, smallint, smallint, text) IS
  'Last day of a period: civil, or nd09 (14th of its last month); NULL if the period is invalid.';

-- ---------------------------------------------------------------------------
-- report_period: one period as the reports see it under the configured
-- calendar. Raises (SQLSTATE 22023) for a period that is not valid; every
-- report function starts with it.
--   late_from  the first instant that is late: midnight at the end of the
--              deadline day in Asia/Ho_Chi_Minh (UTC+7, no DST). NULL with
--              deadline when report_deadline has no row for the kind.
-- ---------------------------------------------------------------------------
CREATE FUNCTION report_period(p_kind smallint, p_year smallint, p_index smallint)
RETURNS TABLE (period text, calendar text, first_day date, last_day date,
               deadline date, late_from timestamptz)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  cal text;
  d_last date;
  dl date;
BEGIN
  IF period_text(p_kind, p_year, p_index) IS NULL THEN
    RAISE EXCEPTION 'invalid period: kind %, year %, index % (kind 1 month 1-12, 2 quarter 1-4, 3 half-year 1-2, 4 year 1; years 2000-9999)',
      coalesce(p_kind::text, 'NULL'), coalesce(p_year::text, 'NULL'), coalesce(p_index::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT s.value INTO cal FROM reporting_setting s WHERE s.name = 'calendar';
  cal := coalesce(cal, 'civil');
  d_last := period_last_day(p_kind, p_year, p_index, cal);
  SELECT d_last + d.days_after_end INTO dl FROM report_deadline d WHERE d.period_kind = p_kind;
  RETURN QUERY SELECT period_text(p_kind, p_year, p_index), cal,
                      period_first_day(p_kind, p_year, p_index, cal), d_last, dl,
                      ((dl + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh');
END;
$$;

COMMENT ON FUNCTION report_period(smallint, smallint, smallint) IS
  'A period under the configured calendar: text, calendar, first and last day, deadline, late_from (Asia/Ho_Chi_Minh).';

-- ---------------------------------------------------------------------------
-- report_figures: per unit and indicator, the consolidated figure of a period.
--
-- 1. Which reports count. Those for the period itself and for the periods
--    inside it (a quarter's 3 months; a half-year's 2 quarters and 6 months;
--    a year's 2 half-years, 4 quarters and 12 months), from units valid in
--    the report's own period (valid_from .. valid_to overlaps its days under
--    the configured calendar). A unit keeps its own reports: a merged unit's
--    old figures stay under its code.
-- 2. Which value of a (unit, period, indicator): p_version 'revised' = the
--    newest report carrying it (observed_at, then received_at, then id, as
--    current_figure); 'first' = the earliest received (received_at, then id).
-- 3. Larger periods from smaller ones, per unit and indicator: a unit's figure
--    for a period is its own report for exactly that period if it has one
--    (the direct report wins, whenever it was sent: it is the unit's own
--    consolidated figure for it), else the sum of its figures for the periods
--    one level down: month -> quarter -> half-year -> year. So a year without
--    a yearly report is H1 + H2, each half-year its own report or Q + Q, each
--    quarter its own report or the sum of its months; with no half-year
--    reports a year is its 4 quarters. A missing child period adds nothing.
-- 4. Over the unit tree: a unit's row is the sum of the figures of itself and
--    its descendants that have one; only units valid in the period get a row.
--
--   reporting_units  units of the subtree whose figure is in the sum
--   source           the kind of the reports that were added up:
--                    'direct' (all reports for exactly this period),
--                    'half-years', 'quarters', 'months', or 'mixed' when
--                    several kinds were (e.g. Q1-Q3 reported, Q4 from months,
--                    or one unit direct and another from quarters).
-- value is numeric (sums of bigints). Rows come in no particular order.
--
-- Cost: every figure of the period's (and its smaller periods') submissions
-- is read once, nothing of other periods. Settings for this function only:
-- jit off (compiling costs more than it saves here), work_mem 64MB (one
-- period's hash tables stay in memory), enable_sort off (grouping and joining
-- by hashing: sorting unit and indicator codes under a libc collation was
-- the slowest step in the benchmark).
-- ---------------------------------------------------------------------------
CREATE FUNCTION report_figures(p_kind smallint, p_year smallint, p_index smallint,
                               p_version text DEFAULT 'revised')
RETURNS TABLE (unit_code text, indicator_code text, value numeric,
               reporting_units integer, source text)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp
SET jit = off SET work_mem = '64MB' SET enable_sort = off
AS $$
DECLARE
  pd record;      -- report_period of the period asked for
  fm integer;     -- its first and last month
  lm integer;
  wins text := '';
  lvl text;
  k integer;
BEGIN
  SELECT * INTO pd FROM report_period(p_kind, p_year, p_index);
  IF p_version IS NULL OR p_version NOT IN ('revised', 'first') THEN
    RAISE EXCEPTION 'unknown version ''%'' (revised or first)', coalesce(p_version, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  fm := CASE p_kind WHEN 1 THEN p_index WHEN 2 THEN 3 * p_index - 2
                    WHEN 3 THEN 6 * p_index - 5 ELSE 1 END;
  lm := CASE p_kind WHEN 1 THEN p_index WHEN 2 THEN 3 * p_index
                    WHEN 3 THEN 6 * p_index ELSE 12 END;

  -- The query is built as text, one part per kind of period up to the kind
  -- asked for (a quarter's query has no half-year or year parts), and planned
  -- with the actual values. Only integers are formatted into it; the rest
  -- are parameters: $1 kind, $2 year, $3 first month, $4 last month,
  -- $5 version, $6 calendar, $7 first day, $8 last day.
  --
  -- winK: per (unit, period of kind K inside the period asked for, indicator)
  -- the value of the best-ranked submission carrying it. Ranks: 'revised' =
  -- newest observed_at, then received_at, then id (as current_figure);
  -- 'first' = earliest received_at, then id. Only submissions of units valid
  -- in their own period count. Plan shape, fixed by the OFFSET 0 fences
  -- whatever the statistics say: for each period, an index-only scan of
  -- submission_period_idx; for each submission, its figures through
  -- submission_value's primary key. Nothing outside the period is read.
  -- The pick is one hash aggregate: min(rnk << 55 | value) orders by rank and
  -- keeps the value in the low 55 bits; a rank of 256 or more or a value of
  -- 2^55 or more (neither happens in practice) goes the exact but slower way,
  -- min(ARRAY[rnk, value]), and the smaller rank of the two wins.
  FOR k IN 1 .. p_kind LOOP
    wins := wins || format($w$
  win%1$s AS (
    SELECT w.unit_code, w.i, w.ind,
           (CASE WHEN w.wide IS NULL OR (w.packed IS NOT NULL AND w.packed >> 55 < w.wide[1])
                 THEN w.packed & 36028797018963967
                 ELSE w.wide[2]
            END)::numeric AS value
      FROM (SELECT s.unit_code, s.i, v.indicator_code AS ind,
                   min((s.rnk << 55) | v.value)
                     FILTER (WHERE s.rnk < 256 AND v.value < 36028797018963968) AS packed,
                   min(ARRAY[s.rnk, v.value])
                     FILTER (WHERE NOT (s.rnk < 256 AND v.value < 36028797018963968)) AS wide
              FROM (SELECT s.id, s.unit_code, p.i,
                           row_number() OVER (
                             PARTITION BY s.unit_code COLLATE "C", p.i
                             ORDER BY CASE WHEN $5 = 'first' THEN s.received_at END,
                                      CASE WHEN $5 = 'first' THEN s.id END,
                                      s.observed_at DESC, s.received_at DESC, s.id DESC) AS rnk
                      FROM pp p
                      CROSS JOIN LATERAL (
                        SELECT s.id, s.unit_code, s.observed_at, s.received_at
                          FROM submission s
                         -- exactly period (p.k, $2, p.i), by the key of submission_period_idx
                         WHERE s.period_year * 100 + s.period_kind * 20 + s.period_index = $2 * 100 + p.k * 20 + p.i
                        OFFSET 0) s
                      JOIN unit u ON u.code = s.unit_code AND u.valid_from <= p.d2
                                 AND (u.valid_to IS NULL OR u.valid_to >= p.d1)
                     WHERE p.k = %1$s) s
              CROSS JOIN LATERAL (
                SELECT v.indicator_code, v.value
                  FROM submission_value v
                 WHERE v.submission_id = s.id
                OFFSET 0) v
             GROUP BY s.unit_code, s.i, v.indicator_code) w
  ),$w$, k);
  END LOOP;

  -- Larger periods from smaller ones, one level at a time: a unit's own
  -- report for a period (winK), and, for the indicators it has no such report
  -- for, the sum of its figures one level down. mask: bit (1 << kind) of each
  -- kind of report added up.
  lvl := 'SELECT w.unit_code, w.ind, w.i, w.value, 2 AS mask FROM win1 w';
  FOR k IN 2 .. p_kind LOOP
    lvl := format($l$
      SELECT w.unit_code, w.ind, w.i, w.value, %1$s AS mask FROM win%2$s w
      UNION ALL
      SELECT l.unit_code, l.ind, l.i, l.value, l.mask
        FROM (SELECT l.unit_code, l.ind, %3$s AS i, sum(l.value) AS value, bit_or(l.mask) AS mask
                FROM (%4$s) l
               GROUP BY l.unit_code, l.ind, %3$s) l
       WHERE NOT EXISTS (SELECT 1 FROM win%2$s w
                          WHERE w.i = l.i AND w.unit_code = l.unit_code AND w.ind = l.ind)$l$,
      1 << k, k,
      CASE k WHEN 2 THEN '(l.i + 2) / 3' WHEN 3 THEN '(l.i + 1) / 2' ELSE '1' END,
      lvl);
  END LOOP;

  RETURN QUERY EXECUTE format($q$
  WITH RECURSIVE
  -- the period and the periods inside it, with their days
  pp AS MATERIALIZED (
    SELECT x.k, x.i,
           period_first_day(x.k, $2, x.i, $6) AS d1,
           period_last_day(x.k, $2, x.i, $6) AS d2
      FROM (SELECT k.k::smallint AS k, g.i::smallint AS i
              FROM (VALUES (1, 1), (2, 3), (3, 6), (4, 12)) AS k (k, months),
                   generate_series(1, 12) AS g (i)
             WHERE k.k <= $1 AND g.i BETWEEN ($3 - 1) / k.months + 1 AND $4 / k.months) x
  ),%1$s
  -- each unit's own figure for the period asked for
  own AS (%2$s
  ),
  -- Over the tree in two small steps instead of joining every figure to all
  -- its ancestors: kids = per parent, the sum of its children's own figures;
  -- below = per unit, the sum of kids over the unit and its descendants.
  kids AS (
    SELECT u.parent_code AS unit_code, o.ind, sum(o.value) AS value,
           count(*) AS n, bit_or(o.mask) AS mask
      FROM own o
      JOIN unit u ON u.code = o.unit_code
     WHERE u.parent_code IS NOT NULL
     GROUP BY u.parent_code, o.ind
  ),
  up (descendant, ancestor) AS (
    SELECT DISTINCT k.unit_code, k.unit_code FROM kids k
    UNION ALL
    SELECT up.descendant, u.parent_code
      FROM up JOIN unit u ON u.code = up.ancestor
     WHERE u.parent_code IS NOT NULL
  ),
  below AS (
    SELECT up.ancestor AS unit_code, k.ind, sum(k.value) AS value,
           sum(k.n) AS n, bit_or(k.mask) AS mask
      FROM kids k
      JOIN up ON up.descendant = k.unit_code
     GROUP BY up.ancestor, k.ind
  ),
  total AS (
    SELECT coalesce(o.unit_code, b.unit_code) AS unit_code,
           coalesce(o.ind, b.ind) AS ind,
           coalesce(o.value, 0) + coalesce(b.value, 0) AS value,
           ((o.unit_code IS NOT NULL)::integer + coalesce(b.n, 0))::integer AS n,
           coalesce(o.mask, 0) | coalesce(b.mask, 0) AS mask
      FROM own o
      FULL JOIN below b ON b.unit_code = o.unit_code AND b.ind = o.ind
  )
  -- only units valid in the period get a row
  SELECT t.unit_code, t.ind, t.value, t.n,
         CASE t.mask
           WHEN 1 << $1 THEN 'direct'
           WHEN 8 THEN 'half-years'
           WHEN 4 THEN 'quarters'
           WHEN 2 THEN 'months'
           ELSE 'mixed'
         END
    FROM total t
    JOIN unit u ON u.code = t.unit_code
   WHERE u.valid_from <= $8 AND (u.valid_to IS NULL OR u.valid_to >= $7)
  $q$, wins, lvl)
  USING p_kind, p_year, fm, lm, p_version, pd.calendar, pd.first_day, pd.last_day;
END;
$$;

COMMENT ON FUNCTION report_figures(smallint, smallint, smallint, text) IS
  'Per unit and indicator: sum over the unit''s subtree of each unit''s figure for the period (its direct report, else the sum of its smaller periods); no row if nobody reported.';

-- ---------------------------------------------------------------------------
-- report_rates: per unit and rate, 100 * numerator / denominator of the sums
-- from report_figures (a ratio of sums at every level of tree and time, never
-- an average of rates). A row when the numerator or the denominator was
-- reported; numerator / denominator NULL when not reported; pct NULL when
-- either is NULL or the denominator is 0. pct at full precision.
-- ---------------------------------------------------------------------------
CREATE FUNCTION report_rates(p_kind smallint, p_year smallint, p_index smallint,
                             p_version text DEFAULT 'revised')
RETURNS TABLE (unit_code text, rate_code text, numerator numeric, denominator numeric, pct numeric)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp SET jit = off
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT g.unit_code, g.rate_code, g.num, g.den, g.num * 100 / NULLIF(g.den, 0)
    FROM (SELECT f.unit_code, r.code AS rate_code,
                 max(f.value) FILTER (WHERE f.indicator_code = r.numerator) AS num,
                 max(f.value) FILTER (WHERE f.indicator_code = r.denominator) AS den
            FROM report_figures(p_kind, p_year, p_index, p_version) f
            JOIN rate r ON f.indicator_code IN (r.numerator, r.denominator)
           GROUP BY f.unit_code, r.code) g;
END;
$$;

COMMENT ON FUNCTION report_rates(smallint, smallint, smallint, text) IS
  'Per unit and rate: 100 * sum(numerator) / sum(denominator) from report_figures; pct NULL when not computable.';

-- ---------------------------------------------------------------------------
-- report_targets: every target whose years cover the period's year, for its
-- scope unit and every unit below it that is valid in the period, with the
-- unit's rate from report_rates. Every applicable (target, unit) has a row,
-- with or without data. Targets are yearly: a month, quarter or half-year is
-- compared with its year's target as a progress check.
--   status  'met' / 'not_met' by the target's comparison ('>=' or '>'),
--           'no_data' when pct is NULL (nothing reported, or a 0 denominator)
--   gap_pp  pct - threshold_pct in percentage points (NULL with pct)
-- ---------------------------------------------------------------------------
CREATE FUNCTION report_targets(p_kind smallint, p_year smallint, p_index smallint,
                               p_version text DEFAULT 'revised')
RETURNS TABLE (unit_code text, rate_code text, target_id integer, comparison text,
               threshold_pct numeric, pct numeric, status text, gap_pp numeric,
               plan text, section text, text_vi text)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  pd record;   -- report_period of the period asked for
BEGIN
  SELECT * INTO pd FROM report_period(p_kind, p_year, p_index);
  RETURN QUERY
  WITH r AS (
    SELECT * FROM report_rates(p_kind, p_year, p_index, p_version)
  )
  SELECT t.descendant_code, tg.rate_code, tg.id, tg.comparison, tg.threshold_pct::numeric,
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
    LEFT JOIN r ON r.unit_code = t.descendant_code AND r.rate_code = tg.rate_code
   WHERE p_year BETWEEN tg.year_from AND tg.year_to;
END;
$$;

COMMENT ON FUNCTION report_targets(smallint, smallint, smallint, text) IS
  'Every target applying in the period''s year, for each valid unit of its scope: the unit''s rate, met / not_met / no_data, gap in points.';

-- ---------------------------------------------------------------------------
-- report_completeness: for one period (reports for exactly that period; a
-- quarter's monthly reports do not make its quarterly report), every unit
-- with reports = true valid in the period (expected = true), and any other
-- unit that did report (expected = false: an aggregate unit, or a unit that
-- no longer existed).
--   reported           at least one submission for the period
--   is_final           at least one of them final
--   reports            how many submissions (0 when none)
--   first_ / last_received_at   of all of them; final_received_at: the first final one
--   deadline           last day of the period (configured calendar) + report_deadline
--   late               the first final report (without one, the first report)
--                      received at or after midnight ending the deadline day,
--                      Asia/Ho_Chi_Minh time; NULL when not reported
-- ---------------------------------------------------------------------------
CREATE FUNCTION report_completeness(p_kind smallint, p_year smallint, p_index smallint)
RETURNS TABLE (unit_code text, expected boolean, reported boolean, is_final boolean,
               reports integer, first_received_at timestamptz, last_received_at timestamptz,
               final_received_at timestamptz, deadline date, late boolean)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  pd record;   -- report_period of the period asked for
BEGIN
  SELECT * INTO pd FROM report_period(p_kind, p_year, p_index);
  RETURN QUERY
  WITH s AS (
    SELECT s.unit_code, count(*)::integer AS n,
           min(s.received_at) AS first_at, max(s.received_at) AS last_at,
           min(s.received_at) FILTER (WHERE s.is_final) AS final_at
      FROM submission s
     -- exactly the period, by the key of submission_period_idx
     WHERE s.period_year * 100 + s.period_kind * 20 + s.period_index = p_year * 100 + p_kind * 20 + p_index
     GROUP BY s.unit_code
  ),
  u AS (
    SELECT u.code,
           u.reports AND u.valid_from <= pd.last_day
             AND (u.valid_to IS NULL OR u.valid_to >= pd.first_day) AS expected
      FROM unit u
  )
  SELECT u.code, u.expected, s.unit_code IS NOT NULL, s.final_at IS NOT NULL,
         coalesce(s.n, 0), s.first_at, s.last_at, s.final_at, pd.deadline,
         coalesce(s.final_at, s.first_at) >= pd.late_from
    FROM u
    LEFT JOIN s ON s.unit_code = u.code
   WHERE u.expected OR s.unit_code IS NOT NULL;
END;
$$;

COMMENT ON FUNCTION report_completeness(smallint, smallint, smallint) IS
  'Per unit expected to report (or that reported) for a period: reported, final, when, deadline, late (Asia/Ho_Chi_Minh).';

-- ---------------------------------------------------------------------------
-- report_history: every value one figure (unit, indicator, period) has had:
-- one row per submission of that unit and exactly that period carrying the
-- indicator, oldest first (received_at, then id), version 1..n. For any unit
-- code, valid or not (history stays with the unit as it was).
--   is_current      the value current_figure / report_figures('revised') take:
--                   newest observed_at, then received_at, then id
--   after_deadline  received at or after the end of the deadline day (as in
--                   report_completeness)
--   reason_missing  a correction (version > 1) after the deadline with an
--                   empty (or blank) note
-- An unknown unit or indicator is an error (22023), a known one without
-- reports gives no rows.
-- ---------------------------------------------------------------------------
CREATE FUNCTION report_history(p_unit text, p_indicator text,
                               p_kind smallint, p_year smallint, p_index smallint)
RETURNS TABLE (version integer, value bigint, spool_id uuid, seq bigint, agent text,
               observed_at timestamptz, received_at timestamptz, is_final boolean,
               note text, after_deadline boolean, is_current boolean, reason_missing boolean)
LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp SET jit = off
AS $$
#variable_conflict use_column
DECLARE
  pd record;   -- report_period of the period asked for
BEGIN
  SELECT * INTO pd FROM report_period(p_kind, p_year, p_index);
  IF NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = p_unit) THEN
    RAISE EXCEPTION 'unknown unit ''%''', coalesce(p_unit, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM indicator i WHERE i.code = p_indicator) THEN
    RAISE EXCEPTION 'unknown indicator ''%''', coalesce(p_indicator, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  SELECT h.version, h.value, h.spool_id, h.seq, h.agent, h.observed_at, h.received_at,
         h.is_final, h.note, h.after_deadline, h.id = h.current_id,
         h.after_deadline AND h.version > 1 AND btrim(h.note) = ''
    FROM (SELECT s.id, v.value, s.spool_id, s.seq, s.agent, s.observed_at, s.received_at,
                 s.is_final, s.note,
                 row_number() OVER (ORDER BY s.received_at, s.id)::integer AS version,
                 first_value(s.id) OVER (ORDER BY s.observed_at DESC, s.received_at DESC, s.id DESC
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                   AS current_id,
                 s.received_at >= pd.late_from AS after_deadline
            FROM submission s
            JOIN submission_value v ON v.submission_id = s.id AND v.indicator_code = p_indicator
           WHERE s.unit_code = p_unit
             AND s.period_kind = p_kind AND s.period_year = p_year AND s.period_index = p_index) h
   ORDER BY h.version;
END;
$$;

COMMENT ON FUNCTION report_history(text, text, smallint, smallint, smallint) IS
  'Every value a figure has had, oldest first, with report key, agent, times, deadline and current flags.';

-- ---------------------------------------------------------------------------
-- Who may call them: the reporting role, not PUBLIC.
-- ---------------------------------------------------------------------------
REVOKE EXECUTE ON FUNCTION
  period_first_day(smallint, smallint, smallint, text),
  period_last_day(smallint, smallint, smallint, text),
  report_period(smallint, smallint, smallint),
  report_figures(smallint, smallint, smallint, text),
  report_rates(smallint, smallint, smallint, text),
  report_targets(smallint, smallint, smallint, text),
  report_completeness(smallint, smallint, smallint),
  report_history(text, text, smallint, smallint, smallint)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  period_first_day(smallint, smallint, smallint, text),
  period_last_day(smallint, smallint, smallint, text),
  report_period(smallint, smallint, smallint),
  report_figures(smallint, smallint, smallint, text),
  report_rates(smallint, smallint, smallint, text),
  report_targets(smallint, smallint, smallint, text),
  report_completeness(smallint, smallint, smallint),
  report_history(text, text, smallint, smallint, smallint)
  TO cchc_reporting;
