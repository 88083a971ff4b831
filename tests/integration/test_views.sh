#!/usr/bin/env bash
# Integration test of the SQL migrations (sql/[0-9][0-9][0-9]_*.sql) and the
# report views, against a throwaway PostgreSQL (tests/lib/pg.sh).
#
#   bash tests/integration/test_views.sh      (from anywhere)
#
# Applies the migrations with plain psql, each file inside BEGIN; ... COMMIT;
# (cchc-collector migrate does the same from C), checks the seeded catalogue,
# inserts hand-made submissions (a correction that must win, tie-breaks on
# observed_at / received_at / id, a unit with a zero denominator, a unit with
# no reports) and asserts the exact rows of every view, then the constraints
# that keep bad rows out. Prints each failed check; exit 0 only if all pass.
#
# Environment: CCHC_SRC = repository root (default: two folders above this
# script). Needs PostgreSQL server binaries and psql.

source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/sqltest.sh"
sqltest_start test_views

# ---------------------------------------------------------------------------
# Migrations
# ---------------------------------------------------------------------------
shopt -s nullglob
migrations=("$SRC"/sql/[0-9][0-9][0-9]_*.sql)
shopt -u nullglob
mapfile -t migrations < <(printf '%s\n' "${migrations[@]}" | LC_ALL=C sort)
names=$(for f in "${migrations[@]}"; do basename "$f"; done | tr '\n' ' ')
if [[ "$names" == "001_schema.sql 002_catalog.sql 003_views.sql "* ]]; then ok; else
  bad "migration files" "expected to start with: 001_schema.sql 002_catalog.sql 003_views.sql" "got: $names"
fi

for f in "${migrations[@]}"; do
  n=$(basename "$f")
  # The migrate command wraps each file in its own transaction and sends it to
  # the server, not to psql: no transaction control, no psql meta-commands.
  if grep -nEi '^[[:space:]]*(begin|commit|rollback|start[[:space:]]+transaction|end)[[:space:]]*(transaction|work)?[[:space:]]*;' "$f" \
      | grep -vEi '^[0-9]+:[[:space:]]*end[[:space:]]*;'; then
    bad "$n: contains transaction control (the migrate command adds it)"
  else ok; fi
  # shellcheck disable=SC1003  # a backslash at the start of a line, not an escape
  if grep -nE '^[[:space:]]*\\' "$f"; then
    bad "$n: contains a psql meta-command"
  else ok; fi
  if [ "$(head -c 3 "$f")" == "-- " ]; then ok; else bad "$n: no header comment on its first line"; fi

  # As the brief for migrations says: plain psql, BEGIN; file; COMMIT;
  if out=$({ printf 'BEGIN;\n'; cat "$f"; printf '\nCOMMIT;\n'; } \
      | psql -X -q -v ON_ERROR_STOP=1 -d "$DB" 2>&1); then ok; else
    bad "$n: does not apply with psql" "$out"
    echo "cannot go on without the schema" >&2
    exit 1
  fi
  # As the C code will most likely send it: the whole file as one query
  # string (simple query protocol, one implicit transaction).
  if out=$(psql -X -q -v ON_ERROR_STOP=1 -d "${DB}_oneshot" -c "$(cat "$f")" 2>&1); then ok; else
    bad "$n: does not apply as a single query string" "$out"
  fi
done

# pg_dump (15.14 and later) writes a random \restrict key: leave it out.
dump() { "$CCHC_PG_BIN/pg_dump" -s -d "$1" | grep -vE '^\\(un)?restrict '; }
if a=$(dump "$DB" 2>&1) && b=$(dump "${DB}_oneshot" 2>&1) && [ "$a" == "$b" ]; then ok; else
  bad "schema differs between psql-applied and single-query-applied migrations" \
    "$(diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -n 40)"
fi

# ---------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------
expect "units" \
  "SELECT code, coalesce(parent_code, '-'), kind, reports, name_vi, name_en FROM unit ORDER BY code COLLATE \"C\"" <<'EOF'
BQLKKT|LC|agency|f|Ban Quản lý Khu kinh tế|Economic Zone Management Board
BQLKKT-MLT|BQLKKT|border_office|t|Bộ phận quản lý cửa khẩu Ma Lù Thàng|Ma Lù Thàng border-gate office
BQLKKT-TTDV|BQLKKT|centre|t|Trung tâm Dịch vụ Khu kinh tế|Economic Zone Service Centre
BQLKKT-VP|BQLKKT|department|t|Văn phòng Ban|Office of the Board
LC|-|province|f|Tỉnh Lai Châu|Lai Châu province
SNV|LC|agency|t|Sở Nội vụ|Department of Home Affairs
VPUB|LC|agency|f|Văn phòng UBND tỉnh|Provincial People's Committee Office
VPUB-HCQT|VPUB|department|t|Phòng Hành chính – Quản trị|Administration and Management Division
VPUB-TTPVHCC|VPUB|centre|t|Trung tâm Phục vụ hành chính công|Public Administration Service Centre
VPUB-TTTHCB|VPUB|centre|t|Trung tâm Tin học và Công báo|Informatics and Official Gazette Centre
EOF

# The C side has a built-in copy of this list (cchc_catalog_builtin).
expect "indicators: codes, order, part_of, measure" \
  "SELECT sort_order, code, coalesce(part_of, '-'), measure FROM indicator ORDER BY sort_order" <<'EOF'
10|dossier_received|-|dossier
20|dossier_received_online|dossier_received|dossier
30|dossier_resolved|-|dossier
40|dossier_resolved_on_time|dossier_resolved|dossier
50|dossier_overdue|dossier_resolved|dossier
60|dossier_digitized|dossier_received|dossier
70|dossier_result_electronic|dossier_resolved|dossier
80|dossier_data_reused|dossier_received|dossier
90|document_issued|-|document
100|document_signed|document_issued|document
110|document_processed_online|-|document
120|procedure_total|-|procedure
130|procedure_full_online|procedure_total|procedure
140|satisfaction_votes|-|vote
150|satisfaction_satisfied|satisfaction_votes|vote
160|border_vehicles_coordinated|-|vehicle
170|border_fee_collected_vnd|-|vnd
180|border_fee_electronic_vnd|border_fee_collected_vnd|vnd
EOF

expect "indicator and rate names are filled in both languages" \
  "SELECT (SELECT count(*) FROM indicator WHERE name_vi = '' OR name_en = '' OR name_vi = name_en),
          (SELECT count(*) FROM rate WHERE name_vi = '' OR name_en = '' OR name_vi = name_en)" <<'EOF'
0|0
EOF

expect "rates" \
  "SELECT code, numerator, denominator FROM rate ORDER BY sort_order" <<'EOF'
online_rate|dossier_received_online|dossier_received
on_time_rate|dossier_resolved_on_time|dossier_resolved
digitization_rate|dossier_digitized|dossier_received
electronic_result_rate|dossier_result_electronic|dossier_resolved
data_reuse_rate|dossier_data_reused|dossier_received
signed_document_rate|document_signed|document_issued
full_online_procedure_rate|procedure_full_online|procedure_total
satisfaction_rate|satisfaction_satisfied|satisfaction_votes
electronic_fee_rate|border_fee_electronic_vnd|border_fee_collected_vnd
EOF

expect "every rate's numerator is a part of its denominator" \
  "SELECT count(*) FROM rate r JOIN indicator n ON n.code = r.numerator
    WHERE n.part_of IS DISTINCT FROM r.denominator" <<'EOF'
0
EOF

expect "targets" \
  "SELECT scope_unit, section, year_from, year_to, rate_code, comparison, threshold_pct
     FROM target ORDER BY scope_unit DESC, section, rate_code COLLATE \"C\"" <<'EOF'
VPUB|II.2.1|2026|2027|digitization_rate|>|90.000
VPUB|II.2.1|2026|2027|full_online_procedure_rate|>=|80.000
VPUB|II.2.1|2026|2027|online_rate|>=|80.000
VPUB|II.2.1|2026|2027|satisfaction_rate|>|95.000
VPUB|II.2.2|2028|2030|data_reuse_rate|>=|80.000
VPUB|II.2.2|2028|2030|on_time_rate|>=|100.000
VPUB|II.2.2|2028|2030|online_rate|>=|100.000
VPUB|II.2.2|2028|2030|satisfaction_rate|>=|95.000
BQLKKT|II.2.1|2026|2027|digitization_rate|>|90.000
BQLKKT|II.2.1|2026|2027|online_rate|>=|80.000
BQLKKT|II.2.1|2026|2027|satisfaction_rate|>|95.000
BQLKKT|II.2.2|2028|2030|data_reuse_rate|>=|80.000
BQLKKT|II.2.2|2028|2030|on_time_rate|>=|100.000
BQLKKT|II.2.2|2028|2030|online_rate|>=|100.000
BQLKKT|II.2.2|2028|2030|satisfaction_rate|>=|100.000
BQLKKT|III.7|2026|2030|digitization_rate|>=|100.000
BQLKKT|III.7|2026|2030|signed_document_rate|>=|100.000
EOF

expect "target plans and quotes" \
  "SELECT plan, count(*), bool_and(text_vi LIKE '%\%%') FROM target GROUP BY plan ORDER BY plan" <<'EOF'
KH CCHC 2026-2030 Ban Quản lý Khu kinh tế|9|t
KH CCHC 2026-2030 Văn phòng UBND tỉnh|8|t
EOF

expect "a quoted target sentence" \
  "SELECT text_vi FROM target WHERE scope_unit = 'VPUB' AND rate_code = 'digitization_rate'" <<'EOF'
Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt trên 90%.
EOF

# ---------------------------------------------------------------------------
# period_text
# ---------------------------------------------------------------------------
expect "period_text" \
  "SELECT period_text(1::smallint, 2026::smallint, 7::smallint), period_text(2::smallint, 2026::smallint, 3::smallint),
          period_text(3::smallint, 2026::smallint, 1::smallint), period_text(4::smallint, 2026::smallint, 1::smallint),
          period_text(1, 2026, 12), period_text(2, 2030, 4),
          coalesce(period_text(2, 2026, 5), 'null'), coalesce(period_text(4, 2026, 2), 'null'),
          coalesce(period_text(5, 2026, 1), 'null'), coalesce(period_text(1, 1999, 1), 'null')" <<'EOF'
2026-07|2026-Q3|2026-H1|2026|2026-12|2030-Q4|null|null|null|null
EOF

expect "period_text is immutable" \
  "SELECT string_agg(DISTINCT provolatile::text, ',') FROM pg_proc WHERE proname = 'period_text'" <<'EOF'
i
EOF

# ---------------------------------------------------------------------------
# unit_tree
# ---------------------------------------------------------------------------
expect "unit_tree size" "SELECT count(*), max(depth) FROM unit_tree" <<'EOF'
25|2
EOF

expect "unit_tree below LC" \
  "SELECT descendant_code, depth FROM unit_tree WHERE ancestor_code = 'LC' ORDER BY depth, descendant_code COLLATE \"C\"" <<'EOF'
LC|0
BQLKKT|1
SNV|1
VPUB|1
BQLKKT-MLT|2
BQLKKT-TTDV|2
BQLKKT-VP|2
VPUB-HCQT|2
VPUB-TTPVHCC|2
VPUB-TTTHCB|2
EOF

expect "unit_tree above VPUB-TTPVHCC" \
  "SELECT ancestor_code, depth FROM unit_tree WHERE descendant_code = 'VPUB-TTPVHCC' ORDER BY depth" <<'EOF'
VPUB-TTPVHCC|0
VPUB|1
LC|2
EOF

# ---------------------------------------------------------------------------
# Test data. Period kinds: 1 month, 2 quarter, 3 half-year, 4 year.
# Spool ids: one per site; seq counts up per spool.
# ---------------------------------------------------------------------------
data=$(cat <<'EOF'
CREATE FUNCTION pg_temp.put(p_spool uuid, p_seq bigint, p_unit text, p_kind int, p_year int, p_idx int,
                            p_observed timestamptz, p_received timestamptz, p_final boolean,
                            p_values jsonb, p_note text DEFAULT '') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE new_id bigint;
BEGIN
  INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year, period_index,
                          observed_at, received_at, is_final, note)
  VALUES (p_spool, p_seq, 'agent-' || lower(p_unit), p_unit, p_kind, p_year, p_idx,
          p_observed, p_received, p_final, p_note)
  RETURNING id INTO new_id;
  INSERT INTO submission_value (submission_id, indicator_code, value)
  SELECT new_id, key, value::bigint FROM jsonb_each_text(p_values);
  RETURN new_id;
END;
$$;

-- VPUB-HCQT, 2026-Q1: a first report (seq 1) ...
SELECT pg_temp.put('11111111-1111-4111-8111-111111111111', 1, 'VPUB-HCQT', 2, 2026, 1,
  '2026-04-02 08:00+07', '2026-04-02 08:00:05+07', false,
  '{"dossier_received":100, "dossier_received_online":70, "dossier_resolved":90,
    "dossier_resolved_on_time":85, "dossier_overdue":5, "dossier_digitized":95,
    "dossier_data_reused":0}');
-- ... its correction (seq 2, observed later): online 70 -> 85; must win for the
-- two indicators it carries, the others stay from seq 1.
SELECT pg_temp.put('11111111-1111-4111-8111-111111111111', 2, 'VPUB-HCQT', 2, 2026, 1,
  '2026-04-05 09:00+07', '2026-04-05 09:00:02+07', true,
  '{"dossier_received":100, "dossier_received_online":85}', 'sửa số hồ sơ trực tuyến');
-- ... and an old reading that arrives last (latest received_at, highest id,
-- but earliest observed_at): must lose everywhere.
SELECT pg_temp.put('11111111-1111-4111-8111-111111111111', 3, 'VPUB-HCQT', 2, 2026, 1,
  '2026-04-01 08:00+07', '2026-04-10 08:00+07', false,
  '{"dossier_received_online":10, "dossier_resolved":1}');
-- VPUB-HCQT, year 2028.
SELECT pg_temp.put('11111111-1111-4111-8111-111111111111', 4, 'VPUB-HCQT', 4, 2028, 1,
  '2029-01-05 08:00+07', '2029-01-05 08:00:01+07', true,
  '{"dossier_received":200, "dossier_received_online":200, "dossier_resolved":200,
    "dossier_resolved_on_time":199}');

-- VPUB-TTPVHCC, 2026-Q1: no dossier at all (reported zeros: a zero denominator).
SELECT pg_temp.put('22222222-2222-4222-8222-222222222222', 1, 'VPUB-TTPVHCC', 2, 2026, 1,
  '2026-04-03 08:00+07', '2026-04-03 08:00:01+07', true,
  '{"dossier_received":0, "dossier_received_online":0, "satisfaction_votes":200,
    "satisfaction_satisfied":192}');

-- VPUB-TTTHCB: reports nothing.

-- BQLKKT-TTDV, 2026-Q1: three reports observed at the same instant.
--   A (seq 1): received 10:05            received 50, digitized 44
--   B (seq 2): received 10:04 (earlier)  received 51, digitized 40
--   C (seq 3): received 10:05 (= A)      digitized 45
-- received_at beats id (A's 50 over B's 51); at equal received_at the higher
-- id wins (C's 45 over A's 44). Digitization 45/50 = exactly 90 %.
SELECT pg_temp.put('33333333-3333-4333-8333-333333333333', 1, 'BQLKKT-TTDV', 2, 2026, 1,
  '2026-04-03 10:00+07', '2026-04-03 10:05+07', false,
  '{"dossier_received":50, "dossier_digitized":44}');
SELECT pg_temp.put('33333333-3333-4333-8333-333333333333', 2, 'BQLKKT-TTDV', 2, 2026, 1,
  '2026-04-03 10:00+07', '2026-04-03 10:04+07', false,
  '{"dossier_received":51, "dossier_digitized":40}');
SELECT pg_temp.put('33333333-3333-4333-8333-333333333333', 3, 'BQLKKT-TTDV', 2, 2026, 1,
  '2026-04-03 10:00+07', '2026-04-03 10:05+07', true,
  '{"dossier_digitized":45}');

-- BQLKKT-VP, 2026-Q1.
SELECT pg_temp.put('44444444-4444-4444-8444-444444444444', 1, 'BQLKKT-VP', 2, 2026, 1,
  '2026-04-04 08:00+07', '2026-04-04 08:00:01+07', true,
  '{"document_issued":60, "document_signed":57}');

-- BQLKKT-MLT (border gate), 2026-Q1.
SELECT pg_temp.put('55555555-5555-4555-8555-555555555555', 1, 'BQLKKT-MLT', 2, 2026, 1,
  '2026-04-04 09:00+07', '2026-04-04 09:00:01+07', true,
  '{"document_issued":40, "document_signed":40, "dossier_received":10, "dossier_digitized":10,
    "border_vehicles_coordinated":1234, "border_fee_collected_vnd":1000000000,
    "border_fee_electronic_vnd":950000000}');

-- SNV, month 2026-03 only: must not leak into the quarter.
SELECT pg_temp.put('66666666-6666-4666-8666-666666666666', 1, 'SNV', 1, 2026, 3,
  '2026-04-01 08:00+07', '2026-04-01 08:00:01+07', true,
  '{"dossier_received":7}');
EOF
)
if out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -1 -c "$data" 2>&1 >/dev/null); then ok; else
  bad "inserting the test submissions" "$out"
fi
# (-c with several statements is one transaction; pg_temp.put lives for that session only)

expect "submissions stored" "SELECT count(*), (SELECT count(*) FROM submission_value) FROM submission" <<'EOF'
11|34
EOF

# ---------------------------------------------------------------------------
# current_figure
# ---------------------------------------------------------------------------
expect "current_figure VPUB-HCQT 2026-Q1: the correction wins, a late old reading loses" \
  "SELECT f.indicator_code, f.value, s.seq, f.is_final, f.agent
     FROM current_figure f JOIN submission s ON s.id = f.submission_id
    WHERE f.unit_code = 'VPUB-HCQT' AND f.period_kind = 2 AND f.period_year = 2026 AND f.period_index = 1
    ORDER BY f.indicator_code COLLATE \"C\"" <<'EOF'
dossier_data_reused|0|1|f|agent-vpub-hcqt
dossier_digitized|95|1|f|agent-vpub-hcqt
dossier_overdue|5|1|f|agent-vpub-hcqt
dossier_received|100|2|t|agent-vpub-hcqt
dossier_received_online|85|2|t|agent-vpub-hcqt
dossier_resolved|90|1|f|agent-vpub-hcqt
dossier_resolved_on_time|85|1|f|agent-vpub-hcqt
EOF

expect "current_figure timestamps come from the winning submission" \
  "SELECT observed_at, received_at FROM current_figure
    WHERE unit_code = 'VPUB-HCQT' AND period_kind = 2 AND indicator_code = 'dossier_received_online'" <<'EOF'
2026-04-05 02:00:00+00|2026-04-05 02:00:02+00
EOF

expect "current_figure tie-breaks: received_at, then id" \
  "SELECT f.indicator_code, f.value, s.seq FROM current_figure f JOIN submission s ON s.id = f.submission_id
    WHERE f.unit_code = 'BQLKKT-TTDV' ORDER BY f.indicator_code COLLATE \"C\"" <<'EOF'
dossier_digitized|45|3
dossier_received|50|1
EOF

expect "current_figure keeps a reported zero" \
  "SELECT indicator_code, value FROM current_figure WHERE unit_code = 'VPUB-TTPVHCC' ORDER BY indicator_code COLLATE \"C\"" <<'EOF'
dossier_received|0
dossier_received_online|0
satisfaction_satisfied|192
satisfaction_votes|200
EOF

expect "current_figure: one row per unit, period and indicator" \
  "SELECT count(*), count(DISTINCT (unit_code, period_kind, period_year, period_index, indicator_code)) FROM current_figure" <<'EOF'
27|27
EOF

expect "current_figure periods" \
  "SELECT unit_code, period_text(period_kind, period_year, period_index), count(*) FROM current_figure
    GROUP BY 1, 2 ORDER BY unit_code COLLATE \"C\", 2" <<'EOF'
BQLKKT-MLT|2026-Q1|7
BQLKKT-TTDV|2026-Q1|2
BQLKKT-VP|2026-Q1|2
SNV|2026-03|1
VPUB-HCQT|2026-Q1|7
VPUB-HCQT|2028|4
VPUB-TTPVHCC|2026-Q1|4
EOF

# The index serves a query for one unit and period (filter pushed into DISTINCT ON).
plan=$(q "SET enable_seqscan = off; EXPLAIN SELECT * FROM current_figure
          WHERE unit_code = 'VPUB-HCQT' AND period_kind = 2 AND period_year = 2026 AND period_index = 1" 2>&1)
if [[ "$plan" == *"submission_unit_period_newest_idx"* ]]; then ok; else
  bad "current_figure for one unit and period does not use submission_unit_period_newest_idx" "$plan"
fi

# ---------------------------------------------------------------------------
# rollup_figure
# ---------------------------------------------------------------------------
expect "rollup_figure VPUB 2026-Q1 (HCQT + TTPVHCC; TTTHCB sent nothing)" \
  "SELECT indicator_code, value, reporting_units FROM rollup_figure
    WHERE unit_code = 'VPUB' AND period_kind = 2 AND period_year = 2026 AND period_index = 1
    ORDER BY indicator_code COLLATE \"C\"" <<'EOF'
dossier_data_reused|0|1
dossier_digitized|95|1
dossier_overdue|5|1
dossier_received|100|2
dossier_received_online|85|2
dossier_resolved|90|1
dossier_resolved_on_time|85|1
satisfaction_satisfied|192|1
satisfaction_votes|200|1
EOF

expect "rollup_figure BQLKKT 2026-Q1" \
  "SELECT indicator_code, value, reporting_units FROM rollup_figure
    WHERE unit_code = 'BQLKKT' AND period_kind = 2 AND period_year = 2026 AND period_index = 1
    ORDER BY indicator_code COLLATE \"C\"" <<'EOF'
border_fee_collected_vnd|1000000000|1
border_fee_electronic_vnd|950000000|1
border_vehicles_coordinated|1234|1
document_issued|100|2
document_signed|97|2
dossier_digitized|55|2
dossier_received|60|2
EOF

expect "rollup_figure LC by period (quarter, month, year kept apart)" \
  "SELECT period_text(period_kind, period_year, period_index), indicator_code, value, reporting_units FROM rollup_figure
    WHERE unit_code = 'LC' AND indicator_code IN ('dossier_received', 'dossier_digitized', 'document_signed')
    ORDER BY 1, indicator_code COLLATE \"C\"" <<'EOF'
2026-03|dossier_received|7|1
2026-Q1|document_signed|97|2
2026-Q1|dossier_digitized|150|3
2026-Q1|dossier_received|160|4
2028|dossier_received|200|1
EOF

expect "rollup_figure of a leaf is its current_figure" \
  "SELECT count(*) FROM rollup_figure r FULL JOIN current_figure f
       ON (f.unit_code, f.period_kind, f.period_year, f.period_index, f.indicator_code)
        = (r.unit_code, r.period_kind, r.period_year, r.period_index, r.indicator_code)
    WHERE coalesce(r.unit_code, f.unit_code) IN ('VPUB-HCQT', 'VPUB-TTPVHCC', 'BQLKKT-TTDV', 'BQLKKT-VP', 'BQLKKT-MLT', 'SNV')
      AND (r.value IS DISTINCT FROM f.value OR r.reporting_units IS DISTINCT FROM 1)" <<'EOF'
0
EOF

expect "not reported is no row, anywhere (VPUB-TTTHCB; document_issued under VPUB)" \
  "SELECT (SELECT count(*) FROM current_figure WHERE unit_code = 'VPUB-TTTHCB'),
          (SELECT count(*) FROM rollup_figure WHERE unit_code = 'VPUB-TTTHCB'),
          (SELECT count(*) FROM rollup_rate WHERE unit_code = 'VPUB-TTTHCB'),
          (SELECT count(*) FROM rate_vs_target WHERE unit_code = 'VPUB-TTTHCB'),
          (SELECT count(*) FROM rollup_figure WHERE unit_code = 'VPUB' AND indicator_code = 'document_issued'),
          (SELECT count(*) FROM rollup_figure WHERE unit_code = 'SNV' AND period_kind = 2)" <<'EOF'
0|0|0|0|0|0
EOF

# ---------------------------------------------------------------------------
# rollup_rate
# ---------------------------------------------------------------------------
# columns: rate, numerator, denominator, pct_2dp, numerator_units, denominator_units
expect "rollup_rate VPUB 2026-Q1" \
  "SELECT rate_code, numerator, denominator, pct_2dp, numerator_units, denominator_units FROM rollup_rate
    WHERE unit_code = 'VPUB' AND period_kind = 2 AND period_year = 2026 AND period_index = 1
    ORDER BY rate_code COLLATE \"C\"" <<'EOF'
data_reuse_rate|0|100|0.00|1|2
digitization_rate|95|100|95.00|1|2
electronic_result_rate||90|||1
on_time_rate|85|90|94.44|1|1
online_rate|85|100|85.00|2|2
satisfaction_rate|192|200|96.00|1|1
EOF

expect "rollup_rate pct is full precision, pct_2dp its rounding" \
  "SELECT pct = 8500::numeric / 90, pct_2dp FROM rollup_rate
    WHERE unit_code = 'VPUB' AND period_kind = 2 AND rate_code = 'on_time_rate'" <<'EOF'
t|94.44
EOF

expect "rollup_rate VPUB-TTPVHCC 2026-Q1: zero denominator gives NULL pct, not 0" \
  "SELECT rate_code, coalesce(numerator::text, 'null'), denominator, coalesce(pct::text, 'null') FROM rollup_rate
    WHERE unit_code = 'VPUB-TTPVHCC' ORDER BY rate_code COLLATE \"C\"" <<'EOF'
data_reuse_rate|null|0|null
digitization_rate|null|0|null
online_rate|0|0|null
satisfaction_rate|192|200|96.0000000000000000
EOF

expect "rollup_rate BQLKKT 2026-Q1" \
  "SELECT rate_code, coalesce(numerator::text, 'null'), denominator, coalesce(pct_2dp::text, 'null') FROM rollup_rate
    WHERE unit_code = 'BQLKKT' AND period_kind = 2 AND period_year = 2026 AND period_index = 1
    ORDER BY rate_code COLLATE \"C\"" <<'EOF'
data_reuse_rate|null|60|null
digitization_rate|55|60|91.67
electronic_fee_rate|950000000|1000000000|95.00
online_rate|null|60|null
signed_document_rate|97|100|97.00
EOF

expect "rollup_rate: ratio of sums, not average of rates (LC digitization 2026-Q1)" \
  "SELECT numerator, denominator, pct_2dp FROM rollup_rate
    WHERE unit_code = 'LC' AND period_kind = 2 AND rate_code = 'digitization_rate'" <<'EOF'
150|160|93.75
EOF

# ---------------------------------------------------------------------------
# rate_vs_target
# ---------------------------------------------------------------------------
# columns: unit, rate, pct_2dp, section, comparison, threshold, status, gap rounded
rvt="SELECT v.unit_code, v.rate_code, coalesce(round(v.pct, 2)::text, 'null'), t.section, v.comparison,
            v.threshold_pct, v.status, coalesce(round(v.gap_pp, 2)::text, 'null')
       FROM rate_vs_target v JOIN target t ON t.id = v.target_id"
rvt_order="ORDER BY v.unit_code COLLATE \"C\", v.rate_code COLLATE \"C\", t.section"

expect "rate_vs_target VPUB subtree 2026-Q1" \
  "$rvt WHERE v.unit_code LIKE 'VPUB%' AND v.period_kind = 2 AND v.period_year = 2026 AND v.period_index = 1 $rvt_order" <<'EOF'
VPUB|digitization_rate|95.00|II.2.1|>|90.000|met|5.00
VPUB|online_rate|85.00|II.2.1|>=|80.000|met|5.00
VPUB|satisfaction_rate|96.00|II.2.1|>|95.000|met|1.00
VPUB-HCQT|digitization_rate|95.00|II.2.1|>|90.000|met|5.00
VPUB-HCQT|online_rate|85.00|II.2.1|>=|80.000|met|5.00
VPUB-TTPVHCC|digitization_rate|null|II.2.1|>|90.000|no_data|null
VPUB-TTPVHCC|online_rate|null|II.2.1|>=|80.000|no_data|null
VPUB-TTPVHCC|satisfaction_rate|96.00|II.2.1|>|95.000|met|1.00
EOF

expect "rate_vs_target BQLKKT subtree 2026-Q1 ('>' 90 at exactly 90 is not met; two digitization targets)" \
  "$rvt WHERE v.unit_code LIKE 'BQLKKT%' AND v.period_kind = 2 AND v.period_year = 2026 AND v.period_index = 1 $rvt_order" <<'EOF'
BQLKKT|digitization_rate|91.67|II.2.1|>|90.000|met|1.67
BQLKKT|digitization_rate|91.67|III.7|>=|100.000|not_met|-8.33
BQLKKT|online_rate|null|II.2.1|>=|80.000|no_data|null
BQLKKT|signed_document_rate|97.00|III.7|>=|100.000|not_met|-3.00
BQLKKT-MLT|digitization_rate|100.00|II.2.1|>|90.000|met|10.00
BQLKKT-MLT|digitization_rate|100.00|III.7|>=|100.000|met|0.00
BQLKKT-MLT|online_rate|null|II.2.1|>=|80.000|no_data|null
BQLKKT-MLT|signed_document_rate|100.00|III.7|>=|100.000|met|0.00
BQLKKT-TTDV|digitization_rate|90.00|II.2.1|>|90.000|not_met|0.00
BQLKKT-TTDV|digitization_rate|90.00|III.7|>=|100.000|not_met|-10.00
BQLKKT-TTDV|online_rate|null|II.2.1|>=|80.000|no_data|null
BQLKKT-VP|signed_document_rate|95.00|III.7|>=|100.000|not_met|-5.00
EOF

expect "rate_vs_target 2028: only the II.2.2 targets apply ('>=' 100 at exactly 100 is met)" \
  "$rvt WHERE v.period_year = 2028 $rvt_order" <<'EOF'
VPUB|data_reuse_rate|null|II.2.2|>=|80.000|no_data|null
VPUB|on_time_rate|99.50|II.2.2|>=|100.000|not_met|-0.50
VPUB|online_rate|100.00|II.2.2|>=|100.000|met|0.00
VPUB-HCQT|data_reuse_rate|null|II.2.2|>=|80.000|no_data|null
VPUB-HCQT|on_time_rate|99.50|II.2.2|>=|100.000|not_met|-0.50
VPUB-HCQT|online_rate|100.00|II.2.2|>=|100.000|met|0.00
EOF

expect "rate_vs_target: no target above its scope (LC, SNV)" \
  "SELECT count(*) FROM rate_vs_target WHERE unit_code IN ('LC', 'SNV')" <<'EOF'
0
EOF

expect "rate_vs_target columns" \
  "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
    WHERE attrelid = 'rate_vs_target'::regclass AND attnum > 0 AND attnum <= 11" <<'EOF'
unit_code,period_kind,period_year,period_index,rate_code,pct,target_id,comparison,threshold_pct,status,gap_pp
EOF

expect "view columns (the required ones, in order)" \
  "SELECT c.relname, string_agg(a.attname, ',' ORDER BY a.attnum)
     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
    WHERE c.relname IN ('unit_tree', 'current_figure', 'rollup_figure')
       OR (c.relname = 'rollup_rate' AND a.attnum <= 8)
    GROUP BY c.relname ORDER BY c.relname" <<'EOF'
current_figure|unit_code,period_kind,period_year,period_index,indicator_code,value,submission_id,is_final,observed_at,received_at,agent
rollup_figure|unit_code,period_kind,period_year,period_index,indicator_code,value,reporting_units
rollup_rate|unit_code,period_kind,period_year,period_index,rate_code,numerator,denominator,pct
unit_tree|ancestor_code,descendant_code,depth
EOF

# ---------------------------------------------------------------------------
# Constraints: what the database refuses
# ---------------------------------------------------------------------------
ins="INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year, period_index,
                             observed_at, received_at, is_final) VALUES"
expect_error "a resend of a stored key is refused" \
  "$ins ('11111111-1111-4111-8111-111111111111', 2, 'x', 'VPUB-HCQT', 2, 2026, 1, now(), now(), true)" \
  'duplicate key value violates unique constraint "submission_report_key"'
expect "a resend with ON CONFLICT DO NOTHING stores nothing" \
  "WITH i AS ($ins ('11111111-1111-4111-8111-111111111111', 2, 'x', 'VPUB-HCQT', 2, 2026, 1, now(), now(), true)
              ON CONFLICT (spool_id, seq) DO NOTHING RETURNING id)
   SELECT count(*) FROM i" <<'EOF'
0
EOF
for bad_period in "1, 2026, 13" "1, 2026, 0" "2, 2026, 5" "3, 2026, 3" "4, 2026, 2" "4, 2026, 0"; do
  expect_error "period ($bad_period) is refused" \
    "$ins (gen_random_uuid(), 1, 'x', 'VPUB-HCQT', $bad_period, now(), now(), true)" \
    'violates check constraint "submission_period_index_check"'
done
expect_error "period kind 5 is refused" \
  "$ins (gen_random_uuid(), 1, 'x', 'VPUB-HCQT', 5, 2026, 1, now(), now(), true)" \
  'violates check constraint "submission_period_kind_check"'
expect_error "year 1999 is refused" \
  "$ins (gen_random_uuid(), 1, 'x', 'VPUB-HCQT', 4, 1999, 1, now(), now(), true)" \
  'violates check constraint "submission_period_year_check"'
expect_error "seq 0 is refused" \
  "$ins (gen_random_uuid(), 0, 'x', 'VPUB-HCQT', 4, 2026, 1, now(), now(), true)" \
  'violates check constraint "submission_seq_check"'
expect_error "an unknown unit is refused" \
  "$ins (gen_random_uuid(), 1, 'x', 'NOPE', 4, 2026, 1, now(), now(), true)" \
  'violates foreign key constraint "submission_unit_code_fkey"'
expect_error "a negative value is refused" \
  "INSERT INTO submission_value VALUES ((SELECT min(id) FROM submission), 'procedure_total', -1)" \
  'violates check constraint "submission_value_value_check"'
# submission_value has no foreign keys (006: they locked hot indicator rows on every
# insert); the collector validates codes, and an indicator can never be deleted.
expect_error "an indicator cannot be deleted" \
  "DELETE FROM indicator WHERE code = 'document_processed_online'" \
  'indicators are never deleted'
expect_error "the same indicator twice in one submission is refused" \
  "INSERT INTO submission_value VALUES ((SELECT min(id) FROM submission), 'dossier_received', 1)" \
  'duplicate key value violates unique constraint "submission_value_pkey"'
expect_error "a submission cannot be updated" \
  "UPDATE submission SET note = 'x' WHERE seq = 1" 'submission is append-only: UPDATE refused'
expect_error "a submission cannot be deleted" \
  "DELETE FROM submission WHERE seq = 3" 'submission is append-only: DELETE refused'
expect_error "a figure cannot be updated" \
  "UPDATE submission_value SET value = 1" 'submission_value is append-only: UPDATE refused'
expect_error "a figure cannot be deleted" \
  "DELETE FROM submission_value" 'submission_value is append-only: DELETE refused'
expect_error "a unit cycle is refused" \
  "UPDATE unit SET parent_code = 'VPUB-HCQT' WHERE code = 'VPUB'" 'would make a cycle'
expect_error "a unit that is its own parent is refused" \
  "UPDATE unit SET parent_code = 'SNV' WHERE code = 'SNV'" 'unit SNV: parent SNV would make a cycle'
expect_error "a unit kind outside the list is refused" \
  "INSERT INTO unit (code, name_vi, name_en, kind) VALUES ('X', 'x', 'x', 'village')" \
  'violates check constraint "unit_kind_check"'
expect_error "a lower-case unit code is refused" \
  "INSERT INTO unit (code, name_vi, name_en, kind) VALUES ('x', 'x', 'x', 'centre')" \
  'violates check constraint "unit_code_check"'
expect_error "a part in another measure than its whole is refused" \
  "INSERT INTO indicator (code, name_vi, name_en, measure, part_of) VALUES ('x', 'x', 'y', 'vnd', 'dossier_received')" \
  'violates foreign key constraint'
expect_error "a target comparison other than >= and > is refused" \
  "INSERT INTO target (rate_code, scope_unit, year_from, year_to, comparison, threshold_pct, plan, section, text_vi)
   VALUES ('online_rate', 'VPUB', 2026, 2027, '<', 80, 'p', 's', 't')" \
  'violates check constraint "target_comparison_check"'
expect_error "a target with years backwards is refused" \
  "INSERT INTO target (rate_code, scope_unit, year_from, year_to, comparison, threshold_pct, plan, section, text_vi)
   VALUES ('online_rate', 'VPUB', 2028, 2027, '>=', 80, 'p', 's', 't')" \
  'violates check constraint "target_check"'

expect "nothing changed by the refused statements" \
  "SELECT count(*), (SELECT count(*) FROM submission_value), (SELECT count(*) FROM unit), (SELECT count(*) FROM target) FROM submission" <<'EOF'
11|34|10|17
EOF

# ---------------------------------------------------------------------------
sqltest_end
