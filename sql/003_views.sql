-- 003_views.sql: the views Home Affairs (and cchc-report) read figures from.
--
--   period_text(kind, year, index)  '2026-07', '2026-Q3', '2026-H1', '2026'
--   unit_tree        every (ancestor, descendant) pair of the unit tree, self included
--   current_figure   per unit, period and indicator: the newest submitted value
--   rollup_figure    per unit, period and indicator: sum over the unit's subtree
--   rollup_rate      per unit, period and rate: ratio of the rolled-up sums
--   rate_vs_target   each rolled-up rate against every target that applies to it
--
-- "Not reported" is never zero: a figure nobody sent has no row (or a NULL
-- where a row has to exist for another reason), a reported 0 is a 0.
-- Periods are never added up here (a quarter is not derived from months):
-- each view works on the periods as they were reported.
--
-- Run once by `cchc-collector migrate` inside one transaction (no BEGIN/COMMIT here).

-- ---------------------------------------------------------------------------
-- period_text: the canonical text of a period, as cchc_period_format writes it
-- (common/period.h). NULL for a period that is not valid.
-- ---------------------------------------------------------------------------
CREATE FUNCTION period_text(kind smallint, year smallint, idx smallint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
  WHEN year NOT BETWEEN 2000 AND 9999 THEN NULL
  WHEN kind = 1 AND idx BETWEEN 1 AND 12 THEN year::text || '-' || lpad(idx::text, 2, '0')
  WHEN kind = 2 AND idx BETWEEN 1 AND 4 THEN year::text || '-Q' || idx::text
  WHEN kind = 3 AND idx BETWEEN 1 AND 2 THEN year::text || '-H' || idx::text
  WHEN kind = 4 AND idx = 1 THEN year::text
END;

COMMENT ON FUNCTION period_text(smallint, smallint, smallint) IS
  'Canonical period text: 2026-07 (month), 2026-Q3, 2026-H1, 2026 (year); NULL if invalid.';

-- The same for integer arguments: a literal such as period_text(2, 2026, 3) is
-- an integer, and PostgreSQL does not narrow integer to smallint implicitly,
-- so without this a hand-written query would find no function. Out-of-range
-- integers give NULL instead of a cast error.
CREATE FUNCTION period_text(kind integer, year integer, idx integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
  WHEN kind BETWEEN 1 AND 4 AND year BETWEEN 2000 AND 9999 AND idx BETWEEN 1 AND 12
    THEN period_text(kind::smallint, year::smallint, idx::smallint)
END;

-- ---------------------------------------------------------------------------
-- unit_tree: reflexive transitive closure of unit.parent_code.
-- depth 0 is the unit itself, 1 a child, 2 a grandchild ...
-- The trigger unit_refuse_cycle (001) guarantees the recursion ends.
-- ---------------------------------------------------------------------------
CREATE RECURSIVE VIEW unit_tree (ancestor_code, descendant_code, depth) AS
  SELECT u.code, u.code, 0
    FROM unit u
  UNION ALL
  SELECT t.ancestor_code, c.code, t.depth + 1
    FROM unit_tree t
    JOIN unit c ON c.parent_code = t.descendant_code;

COMMENT ON VIEW unit_tree IS 'Every (ancestor, descendant, depth) of the unit tree; each unit is its own ancestor at depth 0.';

-- ---------------------------------------------------------------------------
-- current_figure: for each (unit, period, indicator) the value from the
-- newest submission that carries that indicator. Newest = latest observed_at
-- (when the figures were read at the site), then latest received_at, then
-- highest id. A correction that leaves an indicator out does not erase its
-- earlier value: "not sent again" is not "zero".
--
-- DISTINCT ON keeps the first row of each group in ORDER BY order. A filter
-- on unit and period is pushed down into it (they are DISTINCT ON columns),
-- where submission_unit_period_newest_idx (001) finds the unit's submissions.
-- ---------------------------------------------------------------------------
CREATE VIEW current_figure AS
SELECT DISTINCT ON (s.unit_code, s.period_kind, s.period_year, s.period_index, v.indicator_code)
       s.unit_code,
       s.period_kind,
       s.period_year,
       s.period_index,
       v.indicator_code,
       v.value,
       s.id AS submission_id,
       s.is_final,
       s.observed_at,
       s.received_at,
       s.agent
  FROM submission s
  JOIN submission_value v ON v.submission_id = s.id
 ORDER BY s.unit_code, s.period_kind, s.period_year, s.period_index, v.indicator_code,
          s.observed_at DESC, s.received_at DESC, s.id DESC;

COMMENT ON VIEW current_figure IS
  'Per unit, period and indicator, the value of the newest submission carrying it (observed_at, then received_at, then id).';

-- ---------------------------------------------------------------------------
-- rollup_figure: a unit's consolidated figure = sum of current_figure over the
-- unit itself and all its descendants, same period. Only (unit, period,
-- indicator) combinations where at least one unit of the subtree reported
-- exist; reporting_units says how many did. value is numeric: a sum of
-- bigints cannot overflow.
-- ---------------------------------------------------------------------------
CREATE VIEW rollup_figure AS
SELECT t.ancestor_code AS unit_code,
       f.period_kind,
       f.period_year,
       f.period_index,
       f.indicator_code,
       sum(f.value) AS value,
       count(*) AS reporting_units   -- one current_figure row per reporting unit
  FROM current_figure f
  JOIN unit_tree t ON t.descendant_code = f.unit_code
 GROUP BY t.ancestor_code, f.period_kind, f.period_year, f.period_index, f.indicator_code;

COMMENT ON VIEW rollup_figure IS
  'Per unit, period and indicator, the sum of current_figure over the unit''s subtree; no row if nobody in it reported.';

-- ---------------------------------------------------------------------------
-- rollup_rate: 100 * numerator / denominator from rollup_figure (a ratio of
-- sums, never an average of the units' rates). A row exists when the subtree
-- reported the numerator or the denominator (or both) for that period.
--   numerator / denominator  NULL if not reported in the subtree
--   pct                      full precision; NULL if either is not reported
--                            or the denominator is 0
-- Extra columns after the required ones:
--   pct_2dp                  pct rounded to 2 decimals, for display
--   numerator_units, denominator_units
--                            how many units reported each side: where they
--                            differ, the rate mixes units that sent only one
--                            side, and the reader should know.
-- Each (unit, period, indicator) has one rollup_figure row, so the filtered
-- max() below is that row's value, or NULL when there is none.
-- ---------------------------------------------------------------------------
CREATE VIEW rollup_rate AS
SELECT g.unit_code,
       g.period_kind,
       g.period_year,
       g.period_index,
       g.rate_code,
       g.numerator,
       g.denominator,
       g.numerator * 100 / NULLIF(g.denominator, 0) AS pct,
       round(g.numerator * 100 / NULLIF(g.denominator, 0), 2) AS pct_2dp,
       g.numerator_units,
       g.denominator_units
  FROM (SELECT f.unit_code, f.period_kind, f.period_year, f.period_index,
               r.code AS rate_code,
               max(f.value) FILTER (WHERE f.indicator_code = r.numerator) AS numerator,
               max(f.value) FILTER (WHERE f.indicator_code = r.denominator) AS denominator,
               max(f.reporting_units) FILTER (WHERE f.indicator_code = r.numerator) AS numerator_units,
               max(f.reporting_units) FILTER (WHERE f.indicator_code = r.denominator) AS denominator_units
          FROM rollup_figure f
          JOIN rate r ON f.indicator_code IN (r.numerator, r.denominator)
         GROUP BY f.unit_code, f.period_kind, f.period_year, f.period_index, r.code) g;

COMMENT ON VIEW rollup_rate IS
  'Per unit, period and rate, 100 * sum(numerator) / sum(denominator) over the subtree; pct NULL when not computable.';

-- ---------------------------------------------------------------------------
-- rate_vs_target: each rollup_rate row against each target for that rate whose
-- scope is the unit or one of its ancestors and whose years cover the
-- period's year. Targets are yearly; a quarter or half-year is compared with
-- the target of its year as a progress check.
--   status  'no_data' when pct is NULL (nothing to compare), else 'met' or 'not_met'
--   gap_pp  pct - threshold_pct, in percentage points (NULL when pct is)
-- A unit can meet one target and miss another for the same rate (e.g. BQLKKT
-- digitization 2026: "trên 90%" in II.2.1 and 100% in III.7): one row each.
-- Extra columns after the required ones say where the target comes from.
-- ---------------------------------------------------------------------------
CREATE VIEW rate_vs_target AS
SELECT r.unit_code,
       r.period_kind,
       r.period_year,
       r.period_index,
       r.rate_code,
       r.pct,
       tg.id AS target_id,
       tg.comparison,
       tg.threshold_pct,
       CASE
         WHEN r.pct IS NULL THEN 'no_data'
         WHEN tg.comparison = '>=' AND r.pct >= tg.threshold_pct THEN 'met'
         WHEN tg.comparison = '>' AND r.pct > tg.threshold_pct THEN 'met'
         ELSE 'not_met'
       END AS status,
       r.pct - tg.threshold_pct AS gap_pp,
       tg.scope_unit,
       tg.plan,
       tg.section
  FROM rollup_rate r
  JOIN unit_tree t ON t.descendant_code = r.unit_code
  JOIN target tg ON tg.scope_unit = t.ancestor_code
                AND tg.rate_code = r.rate_code
                AND r.period_year BETWEEN tg.year_from AND tg.year_to;

COMMENT ON VIEW rate_vs_target IS
  'Each rolled-up rate against every target that applies to its unit (scope = unit or ancestor) and year.';
