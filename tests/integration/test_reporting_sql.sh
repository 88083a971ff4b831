#!/usr/bin/env bash
# Integration test of the reporting functions (sql/005_reporting.sql) against a
# throwaway PostgreSQL (tests/lib/pg.sh).
#
#   bash tests/integration/test_reporting_sql.sh      (from anywhere)
#
# Applies every migration with plain psql (each file inside BEGIN; ... COMMIT;,
# as cchc-collector migrate does from C) and 005 also as one query string,
# loads hand-made reports for 2026 and asserts the exact output of each
# function: direct / quarters / months / half-years aggregation, a yearly
# report beside quarterly ones, ratio of sums against the average of rates,
# zero denominators, units without reports, first vs revised, corrections
# after the deadline with and without a note, late and on time under the
# civil and the nd09 calendar (the 14th/15th boundary), a unit that ended
# before the period and its successor, and the grants (a login role in
# cchc_reporting runs the functions but cannot read submission).
# Prints each failed check; exit 0 only if all pass.
#
# Environment: CCHC_SRC = repository root (default: two folders above this
# script). Needs PostgreSQL server binaries and psql.

SQLTEST_NULL=null   # NULL shown as null in the expected rows below
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/sqltest.sh"
sqltest_start test_reporting_sql

# ---------------------------------------------------------------------------
# Migrations: all of them with psql; 005 also as a single query string
# ---------------------------------------------------------------------------
shopt -s nullglob
migrations=("$SRC"/sql/[0-9][0-9][0-9]_*.sql)
shopt -u nullglob
mapfile -t migrations < <(printf '%s\n' "${migrations[@]}" | LC_ALL=C sort)
for f in "${migrations[@]}"; do
  if out=$({ printf 'BEGIN;\n'; cat "$f"; printf '\nCOMMIT;\n'; } \
      | psql -X -q -v ON_ERROR_STOP=1 -d "$DB" 2>&1); then ok; else
    bad "$(basename "$f"): does not apply with psql" "$out"
    echo "cannot go on without the schema" >&2
    exit 1
  fi
  if out=$(psql -X -q -v ON_ERROR_STOP=1 -d "${DB}_oneshot" -c "$(cat "$f")" 2>&1); then ok; else
    bad "$(basename "$f"): does not apply as a single query string" "$out"
  fi
done
f=$SRC/sql/005_reporting.sql
if [ "$(head -c 3 "$f")" == "-- " ]; then ok; else bad "005: no header comment on its first line"; fi
if grep -nEi '^[[:space:]]*(begin|commit|rollback)[[:space:]]*;' "$f"; then
  bad "005: contains transaction control"
else ok; fi
# shellcheck disable=SC1003  # a backslash at the start of a line, not an escape
if grep -nE '^[[:space:]]*\\' "$f"; then bad "005: contains a psql meta-command"; else ok; fi

# ---------------------------------------------------------------------------
# The contract: signatures, attributes, grants
# ---------------------------------------------------------------------------
expect "function signatures" \
  "SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ') -> ' || pg_get_function_result(p.oid)
     FROM pg_proc p
    WHERE p.proname IN ('period_first_day', 'period_last_day', 'report_period', 'report_figures',
                        'report_rates', 'report_targets', 'report_completeness', 'report_history')
    ORDER BY p.proname" <<'EOF'
period_first_day(kind smallint, year smallint, idx smallint, calendar text) -> date
period_last_day(kind smallint, year smallint, idx smallint, calendar text) -> date
report_completeness(p_kind smallint, p_year smallint, p_index smallint) -> TABLE(unit_code text, expected boolean, reported boolean, is_final boolean, reports integer, first_received_at timestamp with time zone, last_received_at timestamp with time zone, final_received_at timestamp with time zone, deadline date, late boolean)
report_figures(p_kind smallint, p_year smallint, p_index smallint, p_version text DEFAULT 'revised'::text) -> TABLE(unit_code text, indicator_code text, value numeric, reporting_units integer, source text)
report_history(p_unit text, p_indicator text, p_kind smallint, p_year smallint, p_index smallint) -> TABLE(version integer, value bigint, spool_id uuid, seq bigint, agent text, observed_at timestamp with time zone, received_at timestamp with time zone, is_final boolean, note text, after_deadline boolean, is_current boolean, reason_missing boolean)
report_period(p_kind smallint, p_year smallint, p_index smallint) -> TABLE(period text, calendar text, first_day date, last_day date, deadline date, late_from timestamp with time zone)
report_rates(p_kind smallint, p_year smallint, p_index smallint, p_version text DEFAULT 'revised'::text) -> TABLE(unit_code text, rate_code text, numerator numeric, denominator numeric, pct numeric)
report_targets(p_kind smallint, p_year smallint, p_index smallint, p_version text DEFAULT 'revised'::text) -> TABLE(unit_code text, rate_code text, target_id integer, comparison text, threshold_pct numeric, pct numeric, status text, gap_pp numeric, plan text, section text, text_vi text)
EOF

# language, volatility (i immutable, s stable), security definer, settings,
# who may execute (PUBLIC not, cchc_reporting yes)
expect "function attributes and EXECUTE grants" \
  "SELECT p.proname, l.lanname, p.provolatile, p.prosecdef, array_to_string(p.proconfig, ';'),
          has_function_privilege('public', p.oid, 'EXECUTE'),
          has_function_privilege('cchc_reporting', p.oid, 'EXECUTE'),
          has_function_privilege('cchc_collector', p.oid, 'EXECUTE')
     FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    WHERE p.proname ~ '^(period_(first|last)_day|report_)'
    ORDER BY p.proname" <<'EOF'
period_first_day|plpgsql|i|t|search_path=public, pg_temp|f|t|f
period_last_day|plpgsql|i|t|search_path=public, pg_temp|f|t|f
report_completeness|plpgsql|s|t|search_path=public, pg_temp;jit=off|f|t|f
report_figures|plpgsql|s|t|search_path=public, pg_temp;jit=off;work_mem=64MB;enable_sort=off|f|t|f
report_history|plpgsql|s|t|search_path=public, pg_temp;jit=off|f|t|f
report_period|plpgsql|s|t|search_path=public, pg_temp|f|t|f
report_rates|plpgsql|s|t|search_path=public, pg_temp;jit=off|f|t|f
report_targets|plpgsql|s|t|search_path=public, pg_temp;jit=off|f|t|f
EOF

expect "tables: reporting reads, nobody else writes" \
  "SELECT t, has_table_privilege('cchc_reporting', t, 'SELECT'),
          has_table_privilege('cchc_reporting', t, 'INSERT, UPDATE, DELETE, TRUNCATE'),
          has_table_privilege('cchc_collector', t, 'SELECT, INSERT, UPDATE, DELETE'),
          has_table_privilege('public', t, 'SELECT, INSERT, UPDATE, DELETE')
     FROM unnest(ARRAY['report_deadline', 'reporting_setting']) t ORDER BY t" <<'EOF'
report_deadline|t|f|f|f
reporting_setting|t|f|f|f
EOF

expect "report_deadline and reporting_setting seeds" \
  "SELECT string_agg(period_kind || '=' || days_after_end, ' ' ORDER BY period_kind) FROM report_deadline
   UNION ALL SELECT string_agg(name || '=' || value, ' ') FROM reporting_setting" <<'EOF'
1=10 2=15 3=20 4=30
calendar=civil
EOF

expect_error "calendar other than civil/nd09 is refused" \
  "UPDATE reporting_setting SET value = 'lunar' WHERE name = 'calendar'" \
  'violates check constraint "reporting_setting_calendar_check"'
expect_error "an unknown setting name is refused" \
  "INSERT INTO reporting_setting VALUES ('calender', 'nd09')" \
  'violates check constraint "reporting_setting_name_check"'
expect_error "a negative deadline is refused" \
  "UPDATE report_deadline SET days_after_end = -1 WHERE period_kind = 2" \
  'violates check constraint "report_deadline_days_after_end_check"'

# ---------------------------------------------------------------------------
# Calendars
# ---------------------------------------------------------------------------
# kind|year|idx -> civil first..last, nd09 first..last
expect "period_first_day / period_last_day, civil and nd09" \
  "SELECT k || '/' || y || '/' || i, period_first_day(k, y, i, 'civil'), period_last_day(k, y, i, 'civil'),
          period_first_day(k, y, i, 'nd09'), period_last_day(k, y, i, 'nd09')
     FROM (SELECT k::smallint, y::smallint, i::smallint
             FROM (VALUES (1, 2026, 1), (1, 2026, 2), (1, 2024, 3), (1, 2026, 12), (2, 2026, 1), (2, 2026, 2),
                          (2, 2026, 4), (3, 2026, 1), (3, 2026, 2), (4, 2026, 1), (4, 2000, 1)) v (k, y, i)) p (k, y, i)" <<'EOF'
1/2026/1|2026-01-01|2026-01-31|2025-12-15|2026-01-14
1/2026/2|2026-02-01|2026-02-28|2026-01-15|2026-02-14
1/2024/3|2024-03-01|2024-03-31|2024-02-15|2024-03-14
1/2026/12|2026-12-01|2026-12-31|2026-11-15|2026-12-14
2/2026/1|2026-01-01|2026-03-31|2025-12-15|2026-03-14
2/2026/2|2026-04-01|2026-06-30|2026-03-15|2026-06-14
2/2026/4|2026-10-01|2026-12-31|2026-09-15|2026-12-14
3/2026/1|2026-01-01|2026-06-30|2025-12-15|2026-06-14
3/2026/2|2026-07-01|2026-12-31|2026-06-15|2026-12-14
4/2026/1|2026-01-01|2026-12-31|2025-12-15|2026-12-14
4/2000/1|2000-01-01|2000-12-31|1999-12-15|2000-12-14
EOF

expect "period days: invalid periods give NULL" \
  "SELECT coalesce(period_first_day(2::smallint, 2026::smallint, 5::smallint, 'civil')::text, 'null'),
          coalesce(period_last_day(4::smallint, 2026::smallint, 2::smallint, 'nd09')::text, 'null'),
          coalesce(period_first_day(1::smallint, 1999::smallint, 1::smallint, 'civil')::text, 'null')" <<'EOF'
null|null|null
EOF
expect_error "period days: an unknown calendar is an error" \
  "SELECT period_first_day(2::smallint, 2026::smallint, 1::smallint, 'lunar')" "unknown calendar 'lunar'"

expect "report_period, civil (deadline = last day + days; late from the next midnight in +07)" \
  "SELECT r.* FROM (VALUES (1, 2026, 2), (2, 2026, 1), (3, 2026, 1), (4, 2026, 1)) v (k, y, i),
          LATERAL report_period(v.k::smallint, v.y::smallint, v.i::smallint) r" <<'EOF'
2026-02|civil|2026-02-01|2026-02-28|2026-03-10|2026-03-10 17:00:00+00
2026-Q1|civil|2026-01-01|2026-03-31|2026-04-15|2026-04-15 17:00:00+00
2026-H1|civil|2026-01-01|2026-06-30|2026-07-20|2026-07-20 17:00:00+00
2026|civil|2026-01-01|2026-12-31|2027-01-30|2027-01-30 17:00:00+00
EOF

expect "report_period, nd09" \
  "UPDATE reporting_setting SET value = 'nd09' WHERE name = 'calendar';
   SELECT r.* FROM (VALUES (1, 2026, 2), (2, 2026, 1), (3, 2026, 1), (4, 2026, 1)) v (k, y, i),
          LATERAL report_period(v.k::smallint, v.y::smallint, v.i::smallint) r;
   UPDATE reporting_setting SET value = 'civil' WHERE name = 'calendar';" <<'EOF'
2026-02|nd09|2026-01-15|2026-02-14|2026-02-24|2026-02-24 17:00:00+00
2026-Q1|nd09|2025-12-15|2026-03-14|2026-03-29|2026-03-29 17:00:00+00
2026-H1|nd09|2025-12-15|2026-06-14|2026-07-04|2026-07-04 17:00:00+00
2026|nd09|2025-12-15|2026-12-14|2027-01-13|2027-01-13 17:00:00+00
EOF

for call in "report_figures(2::smallint, 2026::smallint, 5::smallint)" \
            "report_rates(4::smallint, 2026::smallint, 2::smallint)" \
            "report_targets(1::smallint, 2026::smallint, 13::smallint)" \
            "report_completeness(3::smallint, 1999::smallint, 1::smallint)" \
            "report_history('VPUB-HCQT', 'dossier_received', 5::smallint, 2026::smallint, 1::smallint)"; do
  expect_error "invalid period refused: $call" "SELECT * FROM $call" "invalid period"
done
for fn in report_figures report_rates report_targets; do
  expect_error "$fn: an unknown version is an error" \
    "SELECT * FROM $fn(2::smallint, 2026::smallint, 1::smallint, 'latest')" "unknown version 'latest'"
done
expect_error "report_history: an unknown unit is an error" \
  "SELECT * FROM report_history('NOPE', 'dossier_received', 2::smallint, 2026::smallint, 1::smallint)" \
  "unknown unit 'NOPE'"
expect_error "report_history: an unknown indicator is an error" \
  "SELECT * FROM report_history('SNV', 'nope', 2::smallint, 2026::smallint, 1::smallint)" \
  "unknown indicator 'nope'"

# ---------------------------------------------------------------------------
# Test data, year 2026. R = dossier_received, O = dossier_received_online.
#
# VPUB-HCQT (H)      quarterly, Q1 corrected three times (see history below)
# VPUB-TTPVHCC (P)   monthly Jan-Jun (February corrected) and a direct Q2 report
# VPUB-TTTHCB (T)    ended 2026-03-31 (successor VPUB-TTSO); Q1, and a stray Q2
# VPUB-TTSO (S)      new, from 2026-04-01; Q2 with zero dossiers, late; no Q3
# BQLKKT-VP (V)      only a yearly report
# BQLKKT-TTDV (D)    Q1-Q4 and a yearly report that differs from their sum
# BQLKKT-MLT (M)     half-years only
# SNV                nothing at all
# ---------------------------------------------------------------------------
data=$(cat <<'EOF'
UPDATE unit SET valid_to = '2026-03-31', successor_code = NULL WHERE code = 'VPUB-TTTHCB';
INSERT INTO unit (code, parent_code, name_vi, name_en, kind, reports, valid_from)
VALUES ('VPUB-TTSO', 'VPUB', 'Trung tâm Chuyển đổi số', 'Digital Transformation Centre', 'centre', true, '2026-04-01');
UPDATE unit SET successor_code = 'VPUB-TTSO' WHERE code = 'VPUB-TTTHCB';

CREATE FUNCTION pg_temp.put(p_spool int, p_seq bigint, p_unit text, p_kind int, p_year int, p_idx int,
                            p_observed timestamptz, p_received timestamptz, p_final boolean,
                            p_values jsonb, p_note text DEFAULT '') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE new_id bigint;
BEGIN
  INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year, period_index,
                          observed_at, received_at, is_final, note)
  VALUES (('00000000-0000-4000-8000-' || lpad(p_spool::text, 12, '0'))::uuid, p_seq,
          'agent-' || lower(p_unit), p_unit, p_kind, p_year, p_idx,
          p_observed, p_received, p_final, p_note)
  RETURNING id INTO new_id;
  INSERT INTO submission_value (submission_id, indicator_code, value)
  SELECT new_id, key, value::bigint FROM jsonb_each_text(p_values);
  RETURN new_id;
END;
$$;

-- H, Q1: v1 on time; v2 final, the last second before the civil deadline ends;
-- v3 the first second after it, with a reason; v4 later still, no reason, and
-- observed before v3 (so it is not the current value even though newest).
SELECT pg_temp.put(1, 1, 'VPUB-HCQT', 2, 2026, 1, '2026-04-02 07:00+07', '2026-04-02 08:00+07', false,
                   '{"dossier_received":100, "dossier_received_online":70}');
SELECT pg_temp.put(1, 2, 'VPUB-HCQT', 2, 2026, 1, '2026-04-15 23:00+07', '2026-04-15 23:59:59+07', true,
                   '{"dossier_received_online":85}');
SELECT pg_temp.put(1, 3, 'VPUB-HCQT', 2, 2026, 1, '2026-04-16 00:00+07', '2026-04-16 00:00:00+07', false,
                   '{"dossier_received":110}', 'bổ sung 10 hồ sơ tiếp nhận muộn');
SELECT pg_temp.put(1, 4, 'VPUB-HCQT', 2, 2026, 1, '2026-04-10 09:00+07', '2026-04-20 09:00+07', false,
                   '{"dossier_received":90}');
SELECT pg_temp.put(1, 5, 'VPUB-HCQT', 2, 2026, 2, '2026-07-05 08:00+07', '2026-07-05 08:00+07', true,
                   '{"dossier_received":200, "dossier_received_online":150}');
SELECT pg_temp.put(1, 6, 'VPUB-HCQT', 2, 2026, 3, '2026-10-05 08:00+07', '2026-10-05 08:00+07', true,
                   '{"dossier_received":300, "dossier_received_online":240}');
SELECT pg_temp.put(1, 7, 'VPUB-HCQT', 2, 2026, 4, '2027-01-05 08:00+07', '2027-01-05 08:00+07', true,
                   '{"dossier_received":400, "dossier_received_online":320}');

-- P: months; February corrected (20 -> 25); Q2 reported directly beside its months.
SELECT pg_temp.put(2, 1, 'VPUB-TTPVHCC', 1, 2026, 1, '2026-02-03 08:00+07', '2026-02-03 08:00+07', true,
                   '{"dossier_received":10, "dossier_received_online":9}');
SELECT pg_temp.put(2, 2, 'VPUB-TTPVHCC', 1, 2026, 2, '2026-03-03 08:00+07', '2026-03-03 08:00+07', true,
                   '{"dossier_received":20, "dossier_received_online":18}');
SELECT pg_temp.put(2, 3, 'VPUB-TTPVHCC', 1, 2026, 2, '2026-03-20 08:00+07', '2026-03-20 08:00+07', true,
                   '{"dossier_received":25}', 'nhập thiếu 5 hồ sơ');
SELECT pg_temp.put(2, 4, 'VPUB-TTPVHCC', 1, 2026, 3, '2026-04-03 08:00+07', '2026-04-03 08:00+07', true,
                   '{"dossier_received":30, "dossier_received_online":27}');
SELECT pg_temp.put(2, 5, 'VPUB-TTPVHCC', 1, 2026, 4, '2026-05-03 08:00+07', '2026-05-03 08:00+07', true,
                   '{"dossier_received":40, "dossier_received_online":40}');
SELECT pg_temp.put(2, 6, 'VPUB-TTPVHCC', 1, 2026, 5, '2026-06-03 08:00+07', '2026-06-03 08:00+07', true,
                   '{"dossier_received":50, "dossier_received_online":50}');
SELECT pg_temp.put(2, 7, 'VPUB-TTPVHCC', 1, 2026, 6, '2026-07-03 08:00+07', '2026-07-03 08:00+07', true,
                   '{"dossier_received":60, "dossier_received_online":60}');
SELECT pg_temp.put(2, 8, 'VPUB-TTPVHCC', 2, 2026, 2, '2026-07-10 08:00+07', '2026-07-10 08:00+07', true,
                   '{"dossier_received":100, "dossier_received_online":90}');

-- T: Q1 at the last second of the nd09 deadline day; a stray Q2 after it ended.
SELECT pg_temp.put(3, 1, 'VPUB-TTTHCB', 2, 2026, 1, '2026-03-29 23:00+07', '2026-03-29 23:59:59+07', true,
                   '{"dossier_received":50, "dossier_received_online":50}');
SELECT pg_temp.put(3, 2, 'VPUB-TTTHCB', 2, 2026, 2, '2026-07-01 08:00+07', '2026-07-01 08:00+07', true,
                   '{"dossier_received":5, "dossier_received_online":5}');

-- S: Q2, zero dossiers, not final, after the civil deadline (2026-07-15).
SELECT pg_temp.put(4, 1, 'VPUB-TTSO', 2, 2026, 2, '2026-07-20 08:00+07', '2026-07-20 08:00+07', false,
                   '{"dossier_received":0, "dossier_received_online":0}');

-- V: the year only.
SELECT pg_temp.put(5, 1, 'BQLKKT-VP', 4, 2026, 1, '2027-01-20 08:00+07', '2027-01-20 08:00+07', true,
                   '{"dossier_received":1000, "dossier_received_online":900,
                     "document_issued":50, "document_signed":50}');

-- D: Q1 at the first late second under nd09; Q2 on time but final only
-- after the deadline; Q3, Q4; and a yearly report (420, not 400).
SELECT pg_temp.put(6, 1, 'BQLKKT-TTDV', 2, 2026, 1, '2026-03-29 23:59+07', '2026-03-30 00:00:00+07', true,
                   '{"dossier_received":100, "dossier_received_online":80}');
SELECT pg_temp.put(6, 2, 'BQLKKT-TTDV', 2, 2026, 2, '2026-07-02 08:00+07', '2026-07-02 08:00+07', false,
                   '{"dossier_received":100, "dossier_received_online":80}');
SELECT pg_temp.put(6, 3, 'BQLKKT-TTDV', 2, 2026, 2, '2026-07-17 08:00+07', '2026-07-17 08:00+07', true,
                   '{"dossier_received":100, "dossier_received_online":80}', 'xác nhận số liệu');
SELECT pg_temp.put(6, 4, 'BQLKKT-TTDV', 2, 2026, 3, '2026-10-02 08:00+07', '2026-10-02 08:00+07', true,
                   '{"dossier_received":100, "dossier_received_online":80}');
-- ... and an older reading of Q3 (observed 2026-09-30) that arrived after it:
-- neither the revised value (observed earlier) nor the first one (received later).
SELECT pg_temp.put(6, 7, 'BQLKKT-TTDV', 2, 2026, 3, '2026-09-30 08:00+07', '2026-10-03 08:00+07', false,
                   '{"dossier_received":95, "dossier_received_online":76}');
SELECT pg_temp.put(6, 5, 'BQLKKT-TTDV', 2, 2026, 4, '2027-01-02 08:00+07', '2027-01-02 08:00+07', true,
                   '{"dossier_received":100, "dossier_received_online":80}');
SELECT pg_temp.put(6, 6, 'BQLKKT-TTDV', 4, 2026, 1, '2027-01-10 08:00+07', '2027-01-10 08:00+07', true,
                   '{"dossier_received":420, "dossier_received_online":330}');

-- M: half-years only.
SELECT pg_temp.put(7, 1, 'BQLKKT-MLT', 3, 2026, 1, '2026-07-03 08:00+07', '2026-07-03 08:00+07', true,
                   '{"dossier_received":60, "dossier_received_online":30}');
SELECT pg_temp.put(7, 2, 'BQLKKT-MLT', 3, 2026, 2, '2027-01-03 08:00+07', '2027-01-03 08:00+07', true,
                   '{"dossier_received":80, "dossier_received_online":40}');

-- 2027, for the edges of the value pick: values of 2^55 and more, up to the
-- largest bigint, and ranks of 256 and more.
-- SNV 2027-Q1: the fee's newest value is small, its first huge; the vehicles'
-- newest value is the largest bigint, its first small.
SELECT pg_temp.put(8, 1, 'SNV', 2, 2027, 1, '2027-04-01 08:00+07', '2027-04-01 08:00+07', false,
                   '{"border_fee_collected_vnd":36028797018963968, "border_vehicles_coordinated":3}');
SELECT pg_temp.put(8, 2, 'SNV', 2, 2027, 1, '2027-04-02 08:00+07', '2027-04-02 08:00+07', true,
                   '{"border_fee_collected_vnd":100, "border_vehicles_coordinated":9223372036854775807}');
-- H 2027-Q1: the largest bigint again, so that LC's sum exceeds bigint.
SELECT pg_temp.put(1, 8, 'VPUB-HCQT', 2, 2027, 1, '2027-04-01 08:00+07', '2027-04-01 08:00+07', true,
                   '{"border_vehicles_coordinated":9223372036854775807}');
-- SNV 2027-Q2: 300 readings a minute apart; votes (= 10 n) in each, satisfied
-- (= n) only in the 45 oldest, which rank 256..300 in 'revised' order.
SELECT pg_temp.put(8, 2 + n, 'SNV', 2, 2027, 2, '2027-07-01 08:00+07'::timestamptz + n * interval '1 minute',
                   '2027-07-01 08:00+07'::timestamptz + n * interval '1 minute', false,
                   CASE WHEN n <= 45 THEN jsonb_build_object('satisfaction_votes', 10 * n, 'satisfaction_satisfied', n)
                        ELSE jsonb_build_object('satisfaction_votes', 10 * n) END)
  FROM generate_series(1, 300) AS n;
EOF
)
if out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "$data" 2>&1); then ok; else
  bad "loading the test data" "$out"
  echo "cannot go on without the test data" >&2
  exit 1
fi

# version_arg [VERSION]: ", 'VERSION'" as the 4th argument of a call, or nothing.
version_arg() { if [ -n "$1" ]; then printf ", '%s'" "$1"; fi; }

# F KIND IDX [VERSION]: report_figures for 2026, sorted, as unit|indicator|value|units|source
F() {
  echo "SELECT unit_code, indicator_code, value, reporting_units, source
          FROM report_figures($1::smallint, 2026::smallint, $2::smallint$(version_arg "${3:-}"))
         ORDER BY unit_code COLLATE \"C\", indicator_code COLLATE \"C\""
}
nd09() { echo "UPDATE reporting_setting SET value = 'nd09' WHERE name = 'calendar'; $1; UPDATE reporting_setting SET value = 'civil' WHERE name = 'calendar';"; }

# ---------------------------------------------------------------------------
# report_figures
# ---------------------------------------------------------------------------
# H direct (revised: R from v3, not v4 received later but observed earlier; O
# from v2), P from months (February as corrected), T direct: VPUB mixed. S
# not yet, V and M nothing for Q1, SNV nothing: no rows.
expect "figures 2026-Q1 revised: direct, months, mixed; no row without data" "$(F 2 1)" <<'EOF'
BQLKKT|dossier_received|100|1|direct
BQLKKT|dossier_received_online|80|1|direct
BQLKKT-TTDV|dossier_received|100|1|direct
BQLKKT-TTDV|dossier_received_online|80|1|direct
LC|dossier_received|325|4|mixed
LC|dossier_received_online|269|4|mixed
VPUB|dossier_received|225|3|mixed
VPUB|dossier_received_online|189|3|mixed
VPUB-HCQT|dossier_received|110|1|direct
VPUB-HCQT|dossier_received_online|85|1|direct
VPUB-TTPVHCC|dossier_received|65|1|months
VPUB-TTPVHCC|dossier_received_online|54|1|months
VPUB-TTTHCB|dossier_received|50|1|direct
VPUB-TTTHCB|dossier_received_online|50|1|direct
EOF

expect "figures 2026-Q1 first: each value as first received (H: v1; P February: 20)" "$(F 2 1 first)" <<'EOF'
BQLKKT|dossier_received|100|1|direct
BQLKKT|dossier_received_online|80|1|direct
BQLKKT-TTDV|dossier_received|100|1|direct
BQLKKT-TTDV|dossier_received_online|80|1|direct
LC|dossier_received|310|4|mixed
LC|dossier_received_online|254|4|mixed
VPUB|dossier_received|210|3|mixed
VPUB|dossier_received_online|174|3|mixed
VPUB-HCQT|dossier_received|100|1|direct
VPUB-HCQT|dossier_received_online|70|1|direct
VPUB-TTPVHCC|dossier_received|60|1|months
VPUB-TTPVHCC|dossier_received_online|54|1|months
VPUB-TTTHCB|dossier_received|50|1|direct
VPUB-TTTHCB|dossier_received_online|50|1|direct
EOF

expect "figures 2026-Q1 with the default version = 'revised'" \
  "SELECT count(*) FROM (SELECT * FROM report_figures(2::smallint, 2026::smallint, 1::smallint)
                         EXCEPT SELECT * FROM report_figures(2::smallint, 2026::smallint, 1::smallint, 'revised')) x" <<'EOF'
0
EOF

expect "figures 2026-02: one month, revised and first" \
  "SELECT * FROM (SELECT 'revised' AS v, * FROM report_figures(1::smallint, 2026::smallint, 2::smallint)
                  UNION ALL SELECT 'first', * FROM report_figures(1::smallint, 2026::smallint, 2::smallint, 'first')) x
    ORDER BY v DESC, unit_code COLLATE \"C\", indicator_code COLLATE \"C\"" <<'EOF'
revised|LC|dossier_received|25|1|direct
revised|LC|dossier_received_online|18|1|direct
revised|VPUB|dossier_received|25|1|direct
revised|VPUB|dossier_received_online|18|1|direct
revised|VPUB-TTPVHCC|dossier_received|25|1|direct
revised|VPUB-TTPVHCC|dossier_received_online|18|1|direct
first|LC|dossier_received|20|1|direct
first|LC|dossier_received_online|18|1|direct
first|VPUB|dossier_received|20|1|direct
first|VPUB|dossier_received_online|18|1|direct
first|VPUB-TTPVHCC|dossier_received|20|1|direct
first|VPUB-TTPVHCC|dossier_received_online|18|1|direct
EOF

# P's direct Q2 (100) wins over its months (150); S reported zeros (a 0 is a
# figure); T had ended: its stray Q2 report does not count; V only yearly.
expect "figures 2026-Q2: the direct quarter wins over its months; zeros are figures; ended unit left out" "$(F 2 2)" <<'EOF'
BQLKKT|dossier_received|100|1|direct
BQLKKT|dossier_received_online|80|1|direct
BQLKKT-TTDV|dossier_received|100|1|direct
BQLKKT-TTDV|dossier_received_online|80|1|direct
LC|dossier_received|400|4|direct
LC|dossier_received_online|320|4|direct
VPUB|dossier_received|300|3|direct
VPUB|dossier_received_online|240|3|direct
VPUB-HCQT|dossier_received|200|1|direct
VPUB-HCQT|dossier_received_online|150|1|direct
VPUB-TTPVHCC|dossier_received|100|1|direct
VPUB-TTPVHCC|dossier_received_online|90|1|direct
VPUB-TTSO|dossier_received|0|1|direct
VPUB-TTSO|dossier_received_online|0|1|direct
EOF

# Under nd09, Q2 = 2026-03-15 .. 2026-06-14: T (valid to 2026-03-31) existed in it.
expect "figures 2026-Q2 under nd09: the ended unit existed in the period, its report counts" \
  "$(nd09 "SELECT unit_code, indicator_code, value, reporting_units, source
     FROM report_figures(2::smallint, 2026::smallint, 2::smallint) WHERE unit_code LIKE 'VPUB%'
    ORDER BY unit_code COLLATE \"C\", indicator_code COLLATE \"C\"")" <<'EOF'
VPUB|dossier_received|305|4|direct
VPUB|dossier_received_online|245|4|direct
VPUB-HCQT|dossier_received|200|1|direct
VPUB-HCQT|dossier_received_online|150|1|direct
VPUB-TTPVHCC|dossier_received|100|1|direct
VPUB-TTPVHCC|dossier_received_online|90|1|direct
VPUB-TTSO|dossier_received|0|1|direct
VPUB-TTSO|dossier_received_online|0|1|direct
VPUB-TTTHCB|dossier_received|5|1|direct
VPUB-TTTHCB|dossier_received_online|5|1|direct
EOF

# H: Q1+Q2; P: Q1 from months + Q2 direct = mixed; T: Q1 only (its Q2 report is
# for a quarter it did not exist in); S: Q2; D: Q1+Q2; M: its own H1; V: nothing.
expect "figures 2026-H1: quarters, mixed, direct half-year" "$(F 3 1)" <<'EOF'
BQLKKT|dossier_received|260|2|mixed
BQLKKT|dossier_received_online|190|2|mixed
BQLKKT-MLT|dossier_received|60|1|direct
BQLKKT-MLT|dossier_received_online|30|1|direct
BQLKKT-TTDV|dossier_received|200|1|quarters
BQLKKT-TTDV|dossier_received_online|160|1|quarters
LC|dossier_received|785|6|mixed
LC|dossier_received_online|619|6|mixed
VPUB|dossier_received|525|4|mixed
VPUB|dossier_received_online|429|4|mixed
VPUB-HCQT|dossier_received|310|1|quarters
VPUB-HCQT|dossier_received_online|235|1|quarters
VPUB-TTPVHCC|dossier_received|165|1|mixed
VPUB-TTPVHCC|dossier_received_online|144|1|mixed
VPUB-TTSO|dossier_received|0|1|quarters
VPUB-TTSO|dossier_received_online|0|1|quarters
VPUB-TTTHCB|dossier_received|50|1|quarters
VPUB-TTTHCB|dossier_received_online|50|1|quarters
EOF

# D: the yearly report (420) wins over Q1..Q4 (400); V: only yearly, shows;
# M: H1 + H2; H: 4 quarters; P: H1 only (months + Q2).
expect "figures 2026: yearly report wins over quarters; yearly-only unit shows; half-years" "$(F 4 1)" <<'EOF'
BQLKKT|document_issued|50|1|direct
BQLKKT|document_signed|50|1|direct
BQLKKT|dossier_received|1560|3|mixed
BQLKKT|dossier_received_online|1300|3|mixed
BQLKKT-MLT|dossier_received|140|1|half-years
BQLKKT-MLT|dossier_received_online|70|1|half-years
BQLKKT-TTDV|dossier_received|420|1|direct
BQLKKT-TTDV|dossier_received_online|330|1|direct
BQLKKT-VP|document_issued|50|1|direct
BQLKKT-VP|document_signed|50|1|direct
BQLKKT-VP|dossier_received|1000|1|direct
BQLKKT-VP|dossier_received_online|900|1|direct
LC|document_issued|50|1|direct
LC|document_signed|50|1|direct
LC|dossier_received|2785|7|mixed
LC|dossier_received_online|2289|7|mixed
VPUB|dossier_received|1225|4|mixed
VPUB|dossier_received_online|989|4|mixed
VPUB-HCQT|dossier_received|1010|1|quarters
VPUB-HCQT|dossier_received_online|795|1|quarters
VPUB-TTPVHCC|dossier_received|165|1|mixed
VPUB-TTPVHCC|dossier_received_online|144|1|mixed
VPUB-TTSO|dossier_received|0|1|quarters
VPUB-TTSO|dossier_received_online|0|1|quarters
VPUB-TTTHCB|dossier_received|50|1|quarters
VPUB-TTTHCB|dossier_received_online|50|1|quarters
EOF

expect "figures 2026 first: corrections undone through the time roll-up (H 1000, P 160)" \
  "$(F 4 1 first)" <<'EOF'
BQLKKT|document_issued|50|1|direct
BQLKKT|document_signed|50|1|direct
BQLKKT|dossier_received|1560|3|mixed
BQLKKT|dossier_received_online|1300|3|mixed
BQLKKT-MLT|dossier_received|140|1|half-years
BQLKKT-MLT|dossier_received_online|70|1|half-years
BQLKKT-TTDV|dossier_received|420|1|direct
BQLKKT-TTDV|dossier_received_online|330|1|direct
BQLKKT-VP|document_issued|50|1|direct
BQLKKT-VP|document_signed|50|1|direct
BQLKKT-VP|dossier_received|1000|1|direct
BQLKKT-VP|dossier_received_online|900|1|direct
LC|document_issued|50|1|direct
LC|document_signed|50|1|direct
LC|dossier_received|2770|7|mixed
LC|dossier_received_online|2274|7|mixed
VPUB|dossier_received|1210|4|mixed
VPUB|dossier_received_online|974|4|mixed
VPUB-HCQT|dossier_received|1000|1|quarters
VPUB-HCQT|dossier_received_online|780|1|quarters
VPUB-TTPVHCC|dossier_received|160|1|mixed
VPUB-TTPVHCC|dossier_received_online|144|1|mixed
VPUB-TTSO|dossier_received|0|1|quarters
VPUB-TTSO|dossier_received_online|0|1|quarters
VPUB-TTTHCB|dossier_received|50|1|quarters
VPUB-TTTHCB|dossier_received_online|50|1|quarters
EOF

expect "figures 2026 under nd09: T's Q2 now counts (55)" \
  "$(nd09 "SELECT unit_code, indicator_code, value, reporting_units, source
     FROM report_figures(4::smallint, 2026::smallint, 1::smallint) WHERE unit_code IN ('VPUB', 'VPUB-TTTHCB')
    ORDER BY unit_code COLLATE \"C\", indicator_code COLLATE \"C\"")" <<'EOF'
VPUB|dossier_received|1230|4|mixed
VPUB|dossier_received_online|994|4|mixed
VPUB-TTTHCB|dossier_received|55|1|quarters
VPUB-TTTHCB|dossier_received_online|55|1|quarters
EOF

expect "figures 2026-Q3: the new unit without a Q3 report has no row, nor do SNV, V, M" "$(F 2 3)" <<'EOF'
BQLKKT|dossier_received|100|1|direct
BQLKKT|dossier_received_online|80|1|direct
BQLKKT-TTDV|dossier_received|100|1|direct
BQLKKT-TTDV|dossier_received_online|80|1|direct
LC|dossier_received|400|2|direct
LC|dossier_received_online|320|2|direct
VPUB|dossier_received|300|1|direct
VPUB|dossier_received_online|240|1|direct
VPUB-HCQT|dossier_received|300|1|direct
VPUB-HCQT|dossier_received_online|240|1|direct
EOF

expect "figures 2026-Q3 first: the first received report, not the first observed" \
  "SELECT unit_code, indicator_code, value FROM report_figures(2::smallint, 2026::smallint, 3::smallint, 'first')
    WHERE unit_code = 'BQLKKT-TTDV' ORDER BY indicator_code" <<'EOF'
BQLKKT-TTDV|dossier_received|100
BQLKKT-TTDV|dossier_received_online|80
EOF

expect "figures 2025 and 2026-08: nobody reported, no rows at all" \
  "SELECT count(*) FROM report_figures(4::smallint, 2025::smallint, 1::smallint)
   UNION ALL SELECT count(*) FROM report_figures(1::smallint, 2026::smallint, 8::smallint)" <<'EOF'
0
0
EOF

F27() {
  echo "SELECT unit_code, indicator_code, value, reporting_units, source
          FROM report_figures(2::smallint, 2027::smallint, $1::smallint$(version_arg "${2:-}"))
         ORDER BY unit_code COLLATE \"C\", indicator_code COLLATE \"C\""
}
expect "figures 2027-Q1 revised: values of 2^55 and more picked exactly, sums beyond bigint" "$(F27 1)" <<'EOF'
LC|border_fee_collected_vnd|100|1|direct
LC|border_vehicles_coordinated|18446744073709551614|2|direct
SNV|border_fee_collected_vnd|100|1|direct
SNV|border_vehicles_coordinated|9223372036854775807|1|direct
VPUB|border_vehicles_coordinated|9223372036854775807|1|direct
VPUB-HCQT|border_vehicles_coordinated|9223372036854775807|1|direct
EOF
expect "figures 2027-Q1 first" "$(F27 1 first)" <<'EOF'
LC|border_fee_collected_vnd|36028797018963968|1|direct
LC|border_vehicles_coordinated|9223372036854775810|2|direct
SNV|border_fee_collected_vnd|36028797018963968|1|direct
SNV|border_vehicles_coordinated|3|1|direct
VPUB|border_vehicles_coordinated|9223372036854775807|1|direct
VPUB-HCQT|border_vehicles_coordinated|9223372036854775807|1|direct
EOF
expect "figures 2027-Q2: a value whose newest report ranks 256th (revised) and first" \
  "$(F27 2) ; $(F27 2 first)" <<'EOF'
LC|satisfaction_satisfied|45|1|direct
LC|satisfaction_votes|3000|1|direct
SNV|satisfaction_satisfied|45|1|direct
SNV|satisfaction_votes|3000|1|direct
LC|satisfaction_satisfied|1|1|direct
LC|satisfaction_votes|10|1|direct
SNV|satisfaction_satisfied|1|1|direct
SNV|satisfaction_votes|10|1|direct
EOF

# ---------------------------------------------------------------------------
# report_rates
# ---------------------------------------------------------------------------
# VPUB online 2026-Q1 = (85 + 54 + 50) / (110 + 65 + 50) = 189 / 225 = 84.00 %,
# while the average of the three units' rates (77.27, 83.08, 100) is 86.78 %.
R() {
  echo "SELECT unit_code, rate_code, coalesce(numerator::text, 'null'), coalesce(denominator::text, 'null'),
               coalesce(round(pct, 4)::text, 'null')
          FROM report_rates($1::smallint, 2026::smallint, $2::smallint$(version_arg "${3:-}"))
         WHERE $4 ORDER BY unit_code COLLATE \"C\", rate_code COLLATE \"C\""
}
expect "rates 2026-Q1: ratio of sums at every level, not an average of rates" \
  "$(R 2 1 '' "rate_code = 'online_rate'")" <<'EOF'
BQLKKT|online_rate|80|100|80.0000
BQLKKT-TTDV|online_rate|80|100|80.0000
LC|online_rate|269|325|82.7692
VPUB|online_rate|189|225|84.0000
VPUB-HCQT|online_rate|85|110|77.2727
VPUB-TTPVHCC|online_rate|54|65|83.0769
VPUB-TTTHCB|online_rate|50|50|100.0000
EOF

expect "rates: the average of the VPUB units' rates would differ" \
  "SELECT round(avg(pct), 2) FROM report_rates(2::smallint, 2026::smallint, 1::smallint)
    WHERE rate_code = 'online_rate' AND unit_code LIKE 'VPUB-%'" <<'EOF'
86.78
EOF

expect "rates 2026-Q1: a reported denominator alone gives a row with a NULL numerator and pct" \
  "$(R 2 1 '' "unit_code = 'VPUB'")" <<'EOF'
VPUB|data_reuse_rate|null|225|null
VPUB|digitization_rate|null|225|null
VPUB|online_rate|189|225|84.0000
EOF

expect "rates 2026-Q1 first" "$(R 2 1 first "rate_code = 'online_rate' AND unit_code IN ('VPUB', 'VPUB-HCQT')")" <<'EOF'
VPUB|online_rate|174|210|82.8571
VPUB-HCQT|online_rate|70|100|70.0000
EOF

expect "rates 2026-Q2: zero denominator gives pct NULL (0 and 0 reported, not missing)" \
  "$(R 2 2 '' "rate_code = 'online_rate' AND unit_code LIKE 'VPUB%'")" <<'EOF'
VPUB|online_rate|240|300|80.0000
VPUB-HCQT|online_rate|150|200|75.0000
VPUB-TTPVHCC|online_rate|90|100|90.0000
VPUB-TTSO|online_rate|0|0|null
EOF

expect "rates 2026: ratio of time- and tree-summed figures; signed documents of the yearly-only unit" \
  "$(R 4 1 '' "rate_code IN ('online_rate', 'signed_document_rate') AND unit_code IN ('LC', 'BQLKKT', 'BQLKKT-VP', 'BQLKKT-TTDV')")" <<'EOF'
BQLKKT|online_rate|1300|1560|83.3333
BQLKKT|signed_document_rate|50|50|100.0000
BQLKKT-TTDV|online_rate|330|420|78.5714
BQLKKT-VP|online_rate|900|1000|90.0000
BQLKKT-VP|signed_document_rate|50|50|100.0000
LC|online_rate|2289|2785|82.1903
LC|signed_document_rate|50|50|100.0000
EOF

# ---------------------------------------------------------------------------
# report_targets
# ---------------------------------------------------------------------------
T() {
  echo "SELECT unit_code, rate_code, section, comparison, threshold_pct, coalesce(round(pct, 2)::text, 'null'),
               status, coalesce(round(gap_pp, 2)::text, 'null')
          FROM report_targets($1::smallint, 2026::smallint, $2::smallint$(version_arg "${3:-}"))
         WHERE $4 ORDER BY unit_code COLLATE \"C\", rate_code COLLATE \"C\", section"
}
# Every VPUB target of 2026 for every VPUB unit existing in Q1 (VPUB-TTSO does
# not yet): no_data where nothing was reported.
expect "targets 2026-Q1, VPUB subtree: met, not met, no data for every applicable target" \
  "$(T 2 1 '' "unit_code LIKE 'VPUB%'")" <<'EOF'
VPUB|digitization_rate|II.2.1|>|90.000|null|no_data|null
VPUB|full_online_procedure_rate|II.2.1|>=|80.000|null|no_data|null
VPUB|online_rate|II.2.1|>=|80.000|84.00|met|4.00
VPUB|satisfaction_rate|II.2.1|>|95.000|null|no_data|null
VPUB-HCQT|digitization_rate|II.2.1|>|90.000|null|no_data|null
VPUB-HCQT|full_online_procedure_rate|II.2.1|>=|80.000|null|no_data|null
VPUB-HCQT|online_rate|II.2.1|>=|80.000|77.27|not_met|-2.73
VPUB-HCQT|satisfaction_rate|II.2.1|>|95.000|null|no_data|null
VPUB-TTPVHCC|digitization_rate|II.2.1|>|90.000|null|no_data|null
VPUB-TTPVHCC|full_online_procedure_rate|II.2.1|>=|80.000|null|no_data|null
VPUB-TTPVHCC|online_rate|II.2.1|>=|80.000|83.08|met|3.08
VPUB-TTPVHCC|satisfaction_rate|II.2.1|>|95.000|null|no_data|null
VPUB-TTTHCB|digitization_rate|II.2.1|>|90.000|null|no_data|null
VPUB-TTTHCB|full_online_procedure_rate|II.2.1|>=|80.000|null|no_data|null
VPUB-TTTHCB|online_rate|II.2.1|>=|80.000|100.00|met|20.00
VPUB-TTTHCB|satisfaction_rate|II.2.1|>|95.000|null|no_data|null
EOF

expect "targets 2026-Q1 first: H's first figures miss the target by more" \
  "$(T 2 1 first "rate_code = 'online_rate' AND unit_code IN ('VPUB', 'VPUB-HCQT')")" <<'EOF'
VPUB|online_rate|II.2.1|>=|80.000|82.86|met|2.86
VPUB-HCQT|online_rate|II.2.1|>=|80.000|70.00|not_met|-10.00
EOF

expect "targets 2026-Q1, BQLKKT online rate: units without reports are no_data" \
  "$(T 2 1 '' "rate_code = 'online_rate' AND unit_code LIKE 'BQLKKT%'")" <<'EOF'
BQLKKT|online_rate|II.2.1|>=|80.000|80.00|met|0.00
BQLKKT-MLT|online_rate|II.2.1|>=|80.000|null|no_data|null
BQLKKT-TTDV|online_rate|II.2.1|>=|80.000|80.00|met|0.00
BQLKKT-VP|online_rate|II.2.1|>=|80.000|null|no_data|null
EOF

expect "targets 2026-Q2: a zero denominator is no_data; the ended unit has no rows" \
  "$(T 2 2 '' "rate_code = 'online_rate' AND unit_code LIKE 'VPUB%'")" <<'EOF'
VPUB|online_rate|II.2.1|>=|80.000|80.00|met|0.00
VPUB-HCQT|online_rate|II.2.1|>=|80.000|75.00|not_met|-5.00
VPUB-TTPVHCC|online_rate|II.2.1|>=|80.000|90.00|met|10.00
VPUB-TTSO|online_rate|II.2.1|>=|80.000|null|no_data|null
EOF

expect "targets 2026-Q3: the successor without a report is no_data" \
  "$(T 2 3 '' "rate_code = 'online_rate' AND unit_code LIKE 'VPUB%'")" <<'EOF'
VPUB|online_rate|II.2.1|>=|80.000|80.00|met|0.00
VPUB-HCQT|online_rate|II.2.1|>=|80.000|80.00|met|0.00
VPUB-TTPVHCC|online_rate|II.2.1|>=|80.000|null|no_data|null
VPUB-TTSO|online_rate|II.2.1|>=|80.000|null|no_data|null
EOF

expect "targets 2026, BQLKKT: two digitization targets, signed documents met at exactly 100" \
  "$(T 4 1 '' "unit_code IN ('BQLKKT', 'BQLKKT-VP') AND rate_code IN ('signed_document_rate', 'digitization_rate', 'online_rate')")" <<'EOF'
BQLKKT|digitization_rate|II.2.1|>|90.000|null|no_data|null
BQLKKT|digitization_rate|III.7|>=|100.000|null|no_data|null
BQLKKT|online_rate|II.2.1|>=|80.000|83.33|met|3.33
BQLKKT|signed_document_rate|III.7|>=|100.000|100.00|met|0.00
BQLKKT-VP|digitization_rate|II.2.1|>|90.000|null|no_data|null
BQLKKT-VP|digitization_rate|III.7|>=|100.000|null|no_data|null
BQLKKT-VP|online_rate|II.2.1|>=|80.000|90.00|met|10.00
BQLKKT-VP|signed_document_rate|III.7|>=|100.000|100.00|met|0.00
EOF

# Q1: 4 VPUB targets x 4 units + 5 BQLKKT targets x 4 units; Q3: VPUB has 4
# units again (TTTHCB out, TTSO in). 2029: the II.2.2 and III.7 targets.
expect "targets: one row per applicable (target, valid unit), none above the scope" \
  "SELECT count(*), count(DISTINCT target_id), count(*) FILTER (WHERE unit_code IN ('LC', 'SNV'))
     FROM report_targets(2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*), count(DISTINCT target_id), 0 FROM report_targets(2::smallint, 2026::smallint, 3::smallint)
   UNION ALL SELECT count(*), count(DISTINCT target_id), 0 FROM report_targets(4::smallint, 2029::smallint, 1::smallint)" <<'EOF'
36|9|0
36|9|0
40|10|0
EOF

expect "targets: plan, section and the quoted sentence come along" \
  "SELECT plan, section, text_vi FROM report_targets(2::smallint, 2026::smallint, 1::smallint)
    WHERE unit_code = 'VPUB' AND rate_code = 'online_rate'" <<'EOF'
KH CCHC 2026-2030 Văn phòng UBND tỉnh|II.2.1|Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận, giải quyết thủ tục hành chính đạt 80%.
EOF

# ---------------------------------------------------------------------------
# report_completeness
# ---------------------------------------------------------------------------
C() {
  echo "SELECT unit_code, expected, reported, is_final, reports, first_received_at,
               last_received_at, final_received_at, deadline, late
          FROM report_completeness($1::smallint, 2026::smallint, $2::smallint)
         ORDER BY unit_code COLLATE \"C\""
}
# civil Q1: deadline 2026-04-15, late from 2026-04-16 00:00 +07 (= 04-15 17:00 UTC).
# H: final at 23:59:59 +07 on the deadline day: on time (its later corrections
# do not make it late). P reported months only: not the quarter. VPUB-TTSO did
# not exist yet: not expected.
expect "completeness 2026-Q1 civil" "$(C 2 1)" <<'EOF'
BQLKKT-MLT|t|f|f|0|null|null|null|2026-04-15|null
BQLKKT-TTDV|t|t|t|1|2026-03-29 17:00:00+00|2026-03-29 17:00:00+00|2026-03-29 17:00:00+00|2026-04-15|f
BQLKKT-VP|t|f|f|0|null|null|null|2026-04-15|null
SNV|t|f|f|0|null|null|null|2026-04-15|null
VPUB-HCQT|t|t|t|4|2026-04-02 01:00:00+00|2026-04-20 02:00:00+00|2026-04-15 16:59:59+00|2026-04-15|f
VPUB-TTPVHCC|t|f|f|0|null|null|null|2026-04-15|null
VPUB-TTTHCB|t|t|t|1|2026-03-29 16:59:59+00|2026-03-29 16:59:59+00|2026-03-29 16:59:59+00|2026-04-15|f
EOF

# nd09 Q1 ends 2026-03-14, deadline 2026-03-29: T at 23:59:59 +07 on time,
# D at 00:00:00 +07 the next day late; H late.
expect "completeness 2026-Q1 nd09: the last second of the deadline day is on time, the next is late" \
  "$(nd09 "$(C 2 1)")" <<'EOF'
BQLKKT-MLT|t|f|f|0|null|null|null|2026-03-29|null
BQLKKT-TTDV|t|t|t|1|2026-03-29 17:00:00+00|2026-03-29 17:00:00+00|2026-03-29 17:00:00+00|2026-03-29|t
BQLKKT-VP|t|f|f|0|null|null|null|2026-03-29|null
SNV|t|f|f|0|null|null|null|2026-03-29|null
VPUB-HCQT|t|t|t|4|2026-04-02 01:00:00+00|2026-04-20 02:00:00+00|2026-04-15 16:59:59+00|2026-03-29|t
VPUB-TTPVHCC|t|f|f|0|null|null|null|2026-03-29|null
VPUB-TTTHCB|t|t|t|1|2026-03-29 16:59:59+00|2026-03-29 16:59:59+00|2026-03-29 16:59:59+00|2026-03-29|f
EOF

# civil Q2: deadline 2026-07-15. T had ended but reported: listed, not
# expected. S: no final, its first report late. D: first on time, final late: late.
expect "completeness 2026-Q2 civil: ended unit not expected, successor expected; final decides lateness" "$(C 2 2)" <<'EOF'
BQLKKT-MLT|t|f|f|0|null|null|null|2026-07-15|null
BQLKKT-TTDV|t|t|t|2|2026-07-02 01:00:00+00|2026-07-17 01:00:00+00|2026-07-17 01:00:00+00|2026-07-15|t
BQLKKT-VP|t|f|f|0|null|null|null|2026-07-15|null
SNV|t|f|f|0|null|null|null|2026-07-15|null
VPUB-HCQT|t|t|t|1|2026-07-05 01:00:00+00|2026-07-05 01:00:00+00|2026-07-05 01:00:00+00|2026-07-15|f
VPUB-TTPVHCC|t|t|t|1|2026-07-10 01:00:00+00|2026-07-10 01:00:00+00|2026-07-10 01:00:00+00|2026-07-15|f
VPUB-TTSO|t|t|f|1|2026-07-20 01:00:00+00|2026-07-20 01:00:00+00|null|2026-07-15|t
VPUB-TTTHCB|f|t|t|1|2026-07-01 01:00:00+00|2026-07-01 01:00:00+00|2026-07-01 01:00:00+00|2026-07-15|f
EOF

# The 14th/15th boundary of validity under nd09: Q2 starts on 2026-03-15.
expect "completeness 2026-Q2 nd09: a unit valid to the 14th is not expected, to the 15th it is" \
  "UPDATE reporting_setting SET value = 'nd09' WHERE name = 'calendar';
   UPDATE unit SET valid_to = '2026-03-14' WHERE code = 'VPUB-TTTHCB';
   SELECT unit_code, expected, late FROM report_completeness(2::smallint, 2026::smallint, 2::smallint) WHERE unit_code = 'VPUB-TTTHCB';
   UPDATE unit SET valid_to = '2026-03-15' WHERE code = 'VPUB-TTTHCB';
   SELECT unit_code, expected, late FROM report_completeness(2::smallint, 2026::smallint, 2::smallint) WHERE unit_code = 'VPUB-TTTHCB';
   UPDATE reporting_setting SET value = 'civil' WHERE name = 'calendar';
   SELECT unit_code, expected, late FROM report_completeness(2::smallint, 2026::smallint, 2::smallint) WHERE unit_code = 'VPUB-TTTHCB';
   UPDATE unit SET valid_to = '2026-03-31' WHERE code = 'VPUB-TTTHCB';" <<'EOF'
VPUB-TTTHCB|f|t
VPUB-TTTHCB|t|t
VPUB-TTTHCB|f|f
EOF

expect "completeness 2026-02 (monthly reporter) and 2026 (yearly reports only from V and D)" \
  "SELECT unit_code, reported, reports, deadline, late FROM report_completeness(1::smallint, 2026::smallint, 2::smallint)
    WHERE reported
   UNION ALL
   SELECT unit_code, reported, reports, deadline, late FROM report_completeness(4::smallint, 2026::smallint, 1::smallint)
    WHERE reported ORDER BY deadline, unit_code" <<'EOF'
VPUB-TTPVHCC|t|2|2026-03-10|f
BQLKKT-TTDV|t|1|2027-01-30|f
BQLKKT-VP|t|1|2027-01-30|f
EOF

expect "completeness: the deadline is configurable (quarter: 0 days after the end)" \
  "UPDATE report_deadline SET days_after_end = 0 WHERE period_kind = 2;
   SELECT unit_code, deadline, late FROM report_completeness(2::smallint, 2026::smallint, 1::smallint) WHERE reported
    ORDER BY unit_code;
   UPDATE report_deadline SET days_after_end = 15 WHERE period_kind = 2;" <<'EOF'
BQLKKT-TTDV|2026-03-31|f
VPUB-HCQT|2026-03-31|t
VPUB-TTTHCB|2026-03-31|f
EOF

# ---------------------------------------------------------------------------
# report_history
# ---------------------------------------------------------------------------
H() {
  echo "SELECT version, value, spool_id, seq, agent, observed_at, received_at, is_final, note,
               after_deadline, is_current, reason_missing
          FROM report_history('$1', '$2', $3::smallint, 2026::smallint, $4::smallint)"
}
# R of H in Q1: v1 (seq 1), v3 (seq 3, after the deadline, with a reason:
# current), v4 (seq 4, after the deadline, no reason, observed before v3: not
# current). seq 2 did not carry R.
expect "history: every value, oldest first; current = newest observed; correction after the deadline without a reason" \
  "$(H VPUB-HCQT dossier_received 2 1)" <<'EOF'
1|100|00000000-0000-4000-8000-000000000001|1|agent-vpub-hcqt|2026-04-02 00:00:00+00|2026-04-02 01:00:00+00|f||f|f|f
2|110|00000000-0000-4000-8000-000000000001|3|agent-vpub-hcqt|2026-04-15 17:00:00+00|2026-04-15 17:00:00+00|f|bổ sung 10 hồ sơ tiếp nhận muộn|t|t|f
3|90|00000000-0000-4000-8000-000000000001|4|agent-vpub-hcqt|2026-04-10 02:00:00+00|2026-04-20 02:00:00+00|f||t|f|t
EOF

expect "history of O: the final correction at the last second of the deadline day" \
  "$(H VPUB-HCQT dossier_received_online 2 1)" <<'EOF'
1|70|00000000-0000-4000-8000-000000000001|1|agent-vpub-hcqt|2026-04-02 00:00:00+00|2026-04-02 01:00:00+00|f||f|f|f
2|85|00000000-0000-4000-8000-000000000001|2|agent-vpub-hcqt|2026-04-15 16:00:00+00|2026-04-15 16:59:59+00|t||f|t|f
EOF

expect "history under nd09: everything after the deadline; a late first report needs no reason" \
  "$(nd09 "SELECT version, after_deadline, is_current, reason_missing
             FROM report_history('VPUB-HCQT', 'dossier_received', 2::smallint, 2026::smallint, 1::smallint)")" <<'EOF'
1|t|f|f
2|t|t|f
3|t|f|t
EOF

expect "history: the ended unit keeps its reports, also for a period after its end" \
  "SELECT version, value, is_current, after_deadline FROM report_history('VPUB-TTTHCB', 'dossier_received', 2::smallint, 2026::smallint, 1::smallint)
   UNION ALL
   SELECT version, value, is_current, after_deadline FROM report_history('VPUB-TTTHCB', 'dossier_received', 2::smallint, 2026::smallint, 2::smallint)" <<'EOF'
1|50|t|f
1|5|t|f
EOF

expect "history: a month with a correction; nothing for an indicator never sent or a unit that never reported" \
  "SELECT version, value, note, is_current FROM report_history('VPUB-TTPVHCC', 'dossier_received', 1::smallint, 2026::smallint, 2::smallint)
   UNION ALL SELECT count(*)::int, NULL, NULL, NULL FROM report_history('VPUB-HCQT', 'dossier_digitized', 2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*)::int, NULL, NULL, NULL FROM report_history('SNV', 'dossier_received', 2::smallint, 2026::smallint, 1::smallint)" <<'EOF'
1|20||f
2|25|nhập thiếu 5 hồ sơ|t
0|null|null|null
0|null|null|null
EOF

expect "history: 45 versions, the current one the 45th (the 256th newest report of the period)" \
  "SELECT count(*), max(version) FILTER (WHERE is_current), max(value) FILTER (WHERE is_current)
     FROM report_history('SNV', 'satisfaction_satisfied', 2::smallint, 2027::smallint, 2::smallint)" <<'EOF'
45|45|45
EOF

# is_current agrees with current_figure (003) on every figure of the data.
expect "history: is_current is current_figure's pick for every (unit, period, indicator)" \
  "SELECT count(*), count(*) FILTER (WHERE h.value = c.value AND h.received_at = c.received_at)
     FROM current_figure c
     CROSS JOIN LATERAL report_history(c.unit_code, c.indicator_code, c.period_kind, c.period_year, c.period_index) h
    WHERE h.is_current" <<'EOF'
51|51
EOF

# ---------------------------------------------------------------------------
# Roles: a Home Affairs login runs every function through cchc_reporting's
# grants, reads the settings, and still cannot read or write the raw reports.
# ---------------------------------------------------------------------------
q "CREATE ROLE noivu_test LOGIN IN ROLE cchc_reporting; CREATE ROLE outsider_test LOGIN" >/dev/null \
  || bad "creating the test login roles"
expect "a login in cchc_reporting runs the functions" \
  "SELECT count(*) FROM report_figures(2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*) FROM report_rates(4::smallint, 2026::smallint, 1::smallint, 'first')
   UNION ALL SELECT count(*) FROM report_targets(2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*) FROM report_completeness(2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*) FROM report_history('VPUB-HCQT', 'dossier_received', 2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*) FROM report_period(2::smallint, 2026::smallint, 1::smallint)
   UNION ALL SELECT count(*) FROM reporting_setting
   UNION ALL SELECT count(*) FROM report_deadline" -U noivu_test <<'EOF'
14
33
36
7
3
1
1
4
EOF
expect_error "cchc_reporting cannot read submission" "SELECT count(*) FROM submission" \
  "permission denied for table submission" -U noivu_test
expect_error "cchc_reporting cannot read submission_value" "SELECT count(*) FROM submission_value" \
  "permission denied for table submission_value" -U noivu_test
expect_error "cchc_reporting cannot change the calendar" \
  "UPDATE reporting_setting SET value = 'nd09' WHERE name = 'calendar'" \
  "permission denied for table reporting_setting" -U noivu_test
expect_error "cchc_reporting cannot change a deadline" \
  "UPDATE report_deadline SET days_after_end = 99" \
  "permission denied for table report_deadline" -U noivu_test
expect_error "a login outside cchc_reporting cannot run report_figures" \
  "SELECT count(*) FROM report_figures(2::smallint, 2026::smallint, 1::smallint)" \
  "permission denied for function report_figures" -U outsider_test
expect_error "a login outside cchc_reporting cannot run report_history" \
  "SELECT count(*) FROM report_history('VPUB-HCQT', 'dossier_received', 2::smallint, 2026::smallint, 1::smallint)" \
  "permission denied for function report_history" -U outsider_test
expect_error "a login outside cchc_reporting cannot read the settings" \
  "SELECT count(*) FROM reporting_setting" "permission denied for table reporting_setting" -U outsider_test

# A function of the caller's in pg_temp or public cannot hijack the definer's
# search_path: the functions name only public objects and pin the path.
expect "a caller's temp table named like a catalogue table does not change the result" \
  "CREATE TEMP TABLE unit (code text); CREATE TEMP TABLE submission (id int);
   SELECT count(*) FROM report_figures(2::smallint, 2026::smallint, 1::smallint)" -U noivu_test <<'EOF'
14
EOF

# ---------------------------------------------------------------------------
sqltest_end
