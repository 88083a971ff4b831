-- 001_schema.sql: the tables of cchc.
--
-- The catalogue (unit, indicator, rate, target) and the received reports
-- (submission, submission_value). Seed rows are in 002_catalog.sql, the views
-- Home Affairs reads in 003_views.sql.
--
-- Run once by `cchc-collector migrate`, which wraps this file in one transaction
-- and records it in its own table schema_migration; hence no BEGIN/COMMIT here.
-- Names and types of the columns below are what the collector's C code uses:
-- change them only together with that code.

-- ---------------------------------------------------------------------------
-- unit: the tree of reporting units
-- ---------------------------------------------------------------------------
CREATE TABLE unit (
  code text PRIMARY KEY
    CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,62}$'),
  parent_code text REFERENCES unit (code),
  name_vi text NOT NULL CHECK (name_vi <> ''),
  name_en text NOT NULL CHECK (name_en <> ''),
  -- A new kind (e.g. communes) needs a migration that widens this check.
  kind text NOT NULL
    CHECK (kind IN ('province', 'agency', 'department', 'centre', 'border_office')),
  -- false for units whose figures are only the sum of their children's
  -- (the province, VPUB, BQLKKT): nobody expects a report from them.
  reports boolean NOT NULL DEFAULT true,
  -- Units are never deleted (reports point at them); a unit that is merged or
  -- dissolved gets valid_to and, when it has one, successor_code.
  valid_from date NOT NULL DEFAULT '2000-01-01',
  valid_to date,
  successor_code text REFERENCES unit (code),
  CHECK (parent_code IS DISTINCT FROM code),
  CHECK (successor_code IS DISTINCT FROM code),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
-- unit_tree (003) walks parent -> children.
CREATE INDEX unit_parent_code_idx ON unit (parent_code);

COMMENT ON TABLE unit IS 'Reporting units: province -> agency -> department / centre / border office.';
COMMENT ON COLUMN unit.reports IS 'true if the unit is expected to send its own figures';

-- A parent cycle would make the recursive view unit_tree (003) run for ever,
-- and a CHECK cannot see other rows, so a trigger walks up from the new
-- parent and refuses the row if it meets itself.
CREATE FUNCTION unit_refuse_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  cur text := NEW.parent_code;
  steps integer := 0;
BEGIN
  WHILE cur IS NOT NULL LOOP
    IF cur = NEW.code THEN
      RAISE EXCEPTION 'unit %: parent % would make a cycle', NEW.code, NEW.parent_code
        USING ERRCODE = 'check_violation';
    END IF;
    steps := steps + 1;
    IF steps > 1000 THEN
      -- Only reachable if a cycle already exists above NEW; refuse rather than loop.
      RAISE EXCEPTION 'unit %: parent chain longer than 1000', NEW.code
        USING ERRCODE = 'check_violation';
    END IF;
    SELECT parent_code INTO cur FROM unit WHERE code = cur;
  END LOOP;
  RETURN NEW;
END;
$$;

CREATE TRIGGER unit_refuse_cycle
  BEFORE INSERT OR UPDATE OF code, parent_code ON unit
  FOR EACH ROW EXECUTE FUNCTION unit_refuse_cycle();

-- ---------------------------------------------------------------------------
-- indicator: the counted figures a report carries
-- ---------------------------------------------------------------------------
CREATE TABLE indicator (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,63}$'),
  name_vi text NOT NULL CHECK (name_vi <> ''),
  name_en text NOT NULL CHECK (name_en <> ''),
  measure text NOT NULL
    CHECK (measure IN ('dossier', 'document', 'procedure', 'vote', 'vehicle', 'vnd')),
  -- A part may never exceed this whole in one report (the validator's
  -- part_exceeds_whole rule, common/validate.h).
  part_of text REFERENCES indicator (code),
  sort_order integer NOT NULL DEFAULT 0,
  CHECK (part_of IS DISTINCT FROM code),
  -- target of the composite key below
  UNIQUE (code, measure),
  -- A part is counted in the same measure as its whole (no "vnd part of a
  -- vehicle count"). MATCH SIMPLE: not checked when part_of is NULL.
  FOREIGN KEY (part_of, measure) REFERENCES indicator (code, measure)
);

COMMENT ON TABLE indicator IS 'Counted figures; a report carries some of them, an absent one is "not reported", never zero.';
COMMENT ON COLUMN indicator.part_of IS 'the whole this part may never exceed within one report';

-- ---------------------------------------------------------------------------
-- rate: a derived figure, numerator / denominator, rolled up as a ratio of sums
-- ---------------------------------------------------------------------------
CREATE TABLE rate (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,63}$'),
  name_vi text NOT NULL CHECK (name_vi <> ''),
  name_en text NOT NULL CHECK (name_en <> ''),
  numerator text NOT NULL REFERENCES indicator (code),
  denominator text NOT NULL REFERENCES indicator (code),
  sort_order integer NOT NULL DEFAULT 0,
  -- rollup_rate (003) tells numerator from denominator by indicator code.
  CHECK (numerator <> denominator)
);

COMMENT ON TABLE rate IS 'Rate = 100 * sum(numerator) / sum(denominator) over a subtree; never an average of rates.';

-- ---------------------------------------------------------------------------
-- target: a plan's threshold for a rate, over years, for a subtree of units
-- ---------------------------------------------------------------------------
CREATE TABLE target (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rate_code text NOT NULL REFERENCES rate (code),
  -- applies to this unit and every unit below it
  scope_unit text NOT NULL REFERENCES unit (code),
  year_from integer NOT NULL CHECK (year_from BETWEEN 2000 AND 9999),
  year_to integer NOT NULL CHECK (year_to BETWEEN 2000 AND 9999),
  -- 'đạt trên 90%' is '>' 90; 'đạt 80%', 'tối thiểu 80%', '100%' are '>='.
  comparison text NOT NULL CHECK (comparison IN ('>=', '>')),
  threshold_pct numeric(6,3) NOT NULL CHECK (threshold_pct BETWEEN 0 AND 100),
  -- where the target comes from: the plan, its section, its sentence verbatim
  plan text NOT NULL CHECK (plan <> ''),
  section text NOT NULL CHECK (section <> ''),
  text_vi text NOT NULL CHECK (text_vi <> ''),
  CHECK (year_from <= year_to),
  -- one plan section does not set two thresholds for the same rate, scope and years
  UNIQUE (rate_code, scope_unit, year_from, year_to, plan, section)
);
CREATE INDEX target_scope_rate_idx ON target (scope_unit, rate_code);

COMMENT ON TABLE target IS 'Thresholds from the plans; rate_vs_target (003) compares rolled-up rates with them.';

-- ---------------------------------------------------------------------------
-- submission + submission_value: every report as received, append-only
-- ---------------------------------------------------------------------------
CREATE TABLE submission (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the report key, unique for ever: the agent spool's random id + its sequence number
  spool_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  agent text NOT NULL,
  unit_code text NOT NULL REFERENCES unit (code),
  -- 1 month, 2 quarter, 3 half-year, 4 year (common/period.h, cchc.v1.PeriodKind)
  period_kind smallint NOT NULL CHECK (period_kind BETWEEN 1 AND 4),
  period_year smallint NOT NULL CHECK (period_year BETWEEN 2000 AND 9999),
  period_index smallint NOT NULL,
  -- when the figures were read at the site / when the collector stored them
  observed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  is_final boolean NOT NULL,
  note text NOT NULL DEFAULT '',
  -- The index range depends on the kind. An unknown kind gives NULL here,
  -- which passes, but the period_kind check above has refused it already.
  CONSTRAINT submission_period_index_check CHECK (
    CASE period_kind
      WHEN 1 THEN period_index BETWEEN 1 AND 12
      WHEN 2 THEN period_index BETWEEN 1 AND 4
      WHEN 3 THEN period_index BETWEEN 1 AND 2
      WHEN 4 THEN period_index = 1
    END),
  -- the report key: a resend can never be stored twice
  CONSTRAINT submission_report_key UNIQUE (spool_id, seq)
);

-- "Newest submission per (unit, period)": current_figure (003) picks, per unit,
-- period and indicator, the latest observed_at, then received_at, then id.
-- This index serves that order directly and lets a query for one unit and
-- period read only that unit's submissions for it.
CREATE INDEX submission_unit_period_newest_idx ON submission
  (unit_code, period_kind, period_year, period_index,
   observed_at DESC, received_at DESC, id DESC);

COMMENT ON TABLE submission IS 'Every report as received. Append-only: a correction is a newer submission.';
COMMENT ON COLUMN submission.is_final IS 'the unit said these are its final figures for the period';

CREATE TABLE submission_value (
  submission_id bigint NOT NULL REFERENCES submission (id),
  indicator_code text NOT NULL REFERENCES indicator (code),
  value bigint NOT NULL CHECK (value >= 0),
  PRIMARY KEY (submission_id, indicator_code)
);

COMMENT ON TABLE submission_value IS 'The figures of one submission; an indicator without a row was not reported.';

-- Append-only, enforced: history must answer "who changed this figure, and
-- when", so a stored report is never changed or removed, not even by the
-- owner role. (The collector inserts with ON CONFLICT (spool_id, seq) DO
-- NOTHING for a resend, which does not fire UPDATE triggers.) TRUNCATE stays
-- possible for an operator wiping a test database.
CREATE FUNCTION submission_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused (a correction is a newer submission)',
    TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER submission_append_only
  BEFORE UPDATE OR DELETE ON submission
  FOR EACH ROW EXECUTE FUNCTION submission_refuse_change();

CREATE TRIGGER submission_value_append_only
  BEFORE UPDATE OR DELETE ON submission_value
  FOR EACH ROW EXECUTE FUNCTION submission_refuse_change();
