#!/usr/bin/env bash
# The report cache of sql/007_report_speed.sql: an entry is the same rows as
# report_figures, report_rates and report_targets (every row, as text, for five periods
# and both versions), a repeated report reuses it, and anything that changes a report
# makes a new one: a correction for the period, a report for a month inside it, a new
# unit, a catalogue or setting change, TRUNCATE. Reports for other periods do not.
# cchc-report shows the new figures at once, still works in a read-only transaction
# (without the cache), and the reporting role cannot write the cache.
source "$(dirname "$0")/../lib/cchc.sh"
REPORT=$CCHC_BIN/report/cchc-report
[ -x "$REPORT" ] || fail "cchc-report not built in $CCHC_BIN"
need_python_openpyxl
cchc_setup
export PGCLIENTENCODING=UTF8
"$PY" "$CCHC_SRC/tests/lib/report_exact.py" generate "$T" "${SEED:-7}" || fail "generating the figures failed"
psql -X -q -v ON_ERROR_STOP=1 -f "$T/data.sql" >/dev/null || fail "loading the figures failed"
sql "CREATE ROLE noivu LOGIN IN ROLE cchc_reporting" >/dev/null
DSN="host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=noivu"

# entry KIND YEAR INDEX VERSION: "<entry id> <rows differing from the 005 functions> <rows>"
# (the open and the reads in one transaction, as cchc-report does)
entry() {
  local a="$1::smallint, $2::smallint, $3::smallint, '$4'"
  psql -X -At -q -v ON_ERROR_STOP=1 -F ' ' <<SQL
BEGIN;
SELECT cached_report_open($a) AS id \gset
WITH live AS (
  SELECT 'f' AS t, f::text AS r FROM report_figures($a) f
  UNION ALL SELECT 'r', r::text FROM report_rates($a) r
  UNION ALL SELECT 'g', g::text FROM report_targets($a) g),
cached AS (
  SELECT 'f' AS t, row(c.unit_code, x.i, x.v, x.n, x.s)::text AS r
    FROM cached_report_unit c,
         unnest(c.indicator_codes, c.figure_values, c.figure_units, c.figure_sources) AS x (i, v, n, s)
   WHERE c.cache_id = :id
  UNION ALL
  SELECT 'r', row(c.unit_code, x.r, x.n, x.d, x.p)::text
    FROM cached_report_unit c,
         unnest(c.rate_codes, c.rate_numerators, c.rate_denominators, c.rate_pcts) AS x (r, n, d, p)
   WHERE c.cache_id = :id
  UNION ALL
  SELECT 'g', row(c.unit_code, c.rate_code, c.target_id, c.comparison, c.threshold_pct, c.pct, c.status,
                  c.gap_pp, c.plan, c.section, c.text_vi)::text
    FROM cached_report_target c WHERE c.cache_id = :id)
SELECT :id,
       (SELECT count(*) FROM ((SELECT * FROM live EXCEPT ALL SELECT * FROM cached)
                              UNION ALL (SELECT * FROM cached EXCEPT ALL SELECT * FROM live)) d),
       (SELECT count(*) FROM live);
COMMIT;
SQL
}
# exact NAME KIND YEAR INDEX VERSION: asserts the entry equals the functions; sets ID
exact() {
  local name=$1; shift
  local out; out=$(entry "$@") || fail "$name: cached_report_open failed"
  read -r ID diff rows <<<"$out"
  [ "$diff" = 0 ] || fail "$name: $diff rows differ from report_figures / report_rates / report_targets"
  log "ok: $name: entry $ID equals the 005 functions ($rows rows)"
}

# ---- every row, five periods, both versions ------------------------------------------
for period in "4 2026 1" "3 2026 1" "2 2026 3" "2 2026 4" "1 2026 7"; do
  for version in revised first; do
    # shellcheck disable=SC2086
    exact "period $period, $version" $period "$version"
    [ "$rows" -gt 0 ] || fail "period $period has no rows: the test data changed?"
  done
done

# ---- a repeated report reuses the entry -----------------------------------------------
exact "Q3 again" 2 2026 3 revised; q3=$ID
exact "Q3 a third time" 2 2026 3 revised
check "nothing new: the same entry" "$ID" "$q3"
computed=$(sql "SELECT computed_at FROM cached_report WHERE id = $q3")

# a unit that reports, valid in 2026, and a report like the collector's (one transaction)
U=$(sql "SELECT code FROM unit WHERE reports AND valid_to IS NULL AND code <> 'SNV' ORDER BY code LIMIT 1")
store() { # UNIT KIND YEAR INDEX VALUE
  sql "WITH s AS (INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year,
                                          period_index, observed_at, received_at, is_final)
                  VALUES (gen_random_uuid(), 1, 'cache-test', '$1', $2, $3, $4, now(), now(), true)
                  RETURNING id)
       INSERT INTO submission_value (submission_id, indicator_code, value)
       SELECT s.id, 'dossier_received', $5 FROM s" >/dev/null
}

# ---- a report for another period changes nothing here ---------------------------------
store "$U" 2 2026 1 5
exact "Q3 after a Q1 report" 2 2026 3 revised
check "a Q1 report keeps Q3's entry" "$ID" "$q3"
check "...not recomputed" "$(sql "SELECT computed_at FROM cached_report WHERE id = $q3")" "$computed"

# ---- a correction for the quarter ----------------------------------------------------
store "$U" 2 2026 3 987654321
exact "Q3 after a correction" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "a correction for Q3 did not renew its entry"
q3=$ID
check "the correction is in the entry" \
  "$(sql "SELECT x.v FROM cached_report_unit c, unnest(c.indicator_codes, c.figure_values) AS x (i, v)
           WHERE c.cache_id = $q3 AND c.unit_code = '$U' AND x.i = 'dossier_received'")" 987654321
check "one entry per period and version" \
  "$(sql "SELECT count(*) FROM cached_report WHERE period_kind = 2 AND period_year = 2026 AND period_index = 3 AND version = 'revised'")" 1
check "the old entry's rows are gone" "$(sql "SELECT count(*) FROM cached_report_unit c WHERE NOT EXISTS (SELECT 1 FROM cached_report e WHERE e.id = c.cache_id)")" 0
"$REPORT" summary 2026-Q3 --unit "$U" --format json --db "$DSN" >"$T/s1.json" || fail "summary failed"
grep -q '"indicator_code":"dossier_received",.*"value":987654321' "$T/s1.json" \
  || grep -q '"value": *987654321' "$T/s1.json" || fail "cchc-report does not show the correction"
log "ok: cchc-report summary shows the correction at once"

# ---- a report for a month inside the quarter ------------------------------------------
V=$(sql "SELECT code FROM unit WHERE reports AND valid_to IS NULL AND code NOT IN ('SNV', '$U') ORDER BY code DESC LIMIT 1")
store "$V" 1 2026 8 4242
exact "Q3 after a report for 2026-08" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "a monthly report inside Q3 did not renew Q3's entry"
q3=$ID

# ---- a new unit with a report ----------------------------------------------------------
P=$(sql "SELECT parent_code FROM unit WHERE code = '$U'")
sql "INSERT INTO unit (code, parent_code, name_vi, name_en, kind, reports)
     VALUES ('CACHE-NEW', '$P', 'Đơn vị mới', 'New unit', 'department', true)" >/dev/null
exact "Q3 after a new unit" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "a new unit did not renew the entry"
q3=$ID
store CACHE-NEW 2 2026 3 31337
exact "Q3 after the new unit's report" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "the new unit's report did not renew the entry"
q3=$ID
"$REPORT" summary 2026-Q3 --format csv --db "$DSN" >"$T/s2.csv" || fail "summary failed"
grep -q '^CACHE-NEW,.*,dossier_received,.*,31337,' "$T/s2.csv" || fail "cchc-report does not show the new unit's figure"
log "ok: cchc-report summary shows the new unit and its figure"

# ---- the catalogue and the settings ----------------------------------------------------
sql "UPDATE reporting_setting SET value = 'nd09' WHERE name = 'calendar'" >/dev/null
exact "Q3 under the nd09 calendar" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "a calendar change did not renew the entry"
q3=$ID
sql "UPDATE reporting_setting SET value = 'civil' WHERE name = 'calendar'" >/dev/null
sql "UPDATE target SET threshold_pct = 55 WHERE id = (SELECT min(id) FROM target)" >/dev/null
exact "Q3 after a target change" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "a target change did not renew the entry"
q3=$ID
sql "UPDATE unit SET valid_to = '2026-07-31' WHERE code = '$V'" >/dev/null
exact "Q3 after a unit's end" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "a unit change did not renew the entry"
q3=$ID

# ---- cchc-report: the same output with and without the cache ---------------------------
"$REPORT" summary 2026-Q3 --db "$DSN" >"$T/cached.txt" || fail "summary failed"
check "a repeated report reuses the entry" "$(sql "SELECT max(id) FROM cached_report WHERE period_kind = 2 AND period_index = 3 AND version = 'revised'")" "$q3"
PGOPTIONS="-c default_transaction_read_only=on" "$REPORT" summary 2026-Q3 --db "$DSN" >"$T/live.txt" \
  || fail "summary in a read-only transaction failed"
cmp -s "$T/cached.txt" "$T/live.txt" || fail "the summary differs without the cache: $(diff "$T/cached.txt" "$T/live.txt" | head -5)"
"$REPORT" targets 2026-Q3 --format csv --db "$DSN" >"$T/t-cached.csv" || fail "targets failed"
PGOPTIONS="-c default_transaction_read_only=on" "$REPORT" targets 2026-Q3 --format csv --db "$DSN" >"$T/t-live.csv" \
  || fail "targets in a read-only transaction failed"
cmp -s "$T/t-cached.csv" "$T/t-live.csv" || fail "targets differ without the cache"
log "ok: summary and targets are the same with the cache and without (read-only transaction)"

# ---- four reports at once after new data: one computes, all agree ----------------------
store "$U" 2 2026 3 123
for i in 1 2 3 4; do "$REPORT" summary 2026-Q3 --format csv --db "$DSN" >"$T/par$i.csv" & done
for i in 1 2 3 4; do wait -n || fail "a concurrent summary failed"; done
for i in 2 3 4; do cmp -s "$T/par1.csv" "$T/par$i.csv" || fail "concurrent summaries differ"; done
check "the concurrent reports made one entry" \
  "$(sql "SELECT count(*) FROM cached_report WHERE period_kind = 2 AND period_year = 2026 AND period_index = 3 AND version = 'revised'")" 1
exact "Q3 after the concurrent reports" 2 2026 3 revised

# ---- rights ----------------------------------------------------------------------------
as_noivu() { psql -X -At -d "$DSN" -c "$1" 2>&1; }
for stmt in "DELETE FROM cached_report_unit" "INSERT INTO cached_report_target (cache_id, unit_code, rate_code, target_id) VALUES (1, 'x', 'y', 1)" \
            "UPDATE cached_report SET submissions = 0" "SELECT * FROM cached_report_stamp(2::smallint, 2026::smallint, 3::smallint)" \
            "UPDATE cached_report_catalog SET version = 0"; do
  case $(as_noivu "$stmt") in *"permission denied"*) log "ok: reporting role may not: $stmt" ;; *) fail "reporting role could: $stmt" ;; esac
done

# ---- TRUNCATE (test databases) ---------------------------------------------------------
sql "TRUNCATE submission_value, submission" >/dev/null
exact "Q3 after TRUNCATE" 2 2026 3 revised
[ "$ID" != "$q3" ] || fail "TRUNCATE did not renew the entry"
check "no figures after TRUNCATE (targets remain, without data)" "$(sql "SELECT count(*) FROM cached_report_unit WHERE cache_id = $ID")" 0
echo "test_report_cache: passed"
