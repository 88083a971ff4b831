#!/usr/bin/env bash
# cchc-report, cell by cell: a few hundred units and random figures over 2026 (months,
# quarters, half-years, a year; corrections, late reports, zero denominators, a unit
# that reported only a yearly figure, units that never reported, a dissolved and a new
# unit) written as the owner; summary, targets and completeness over four periods in
# every format (table, CSV, JSON, XLSX), each parsed back and compared with figures
# computed independently by tests/lib/report_exact.py. cchc-report runs as a login in
# cchc_reporting and nothing more. Then the exit statuses and messages.
#   SEED=n picks other random figures (default 7; printed).
source "$(dirname "$0")/../lib/cchc.sh"
REPORT=$CCHC_BIN/report/cchc-report
[ -x "$REPORT" ] || fail "cchc-report not built in $CCHC_BIN"
need_python_openpyxl
cchc_setup
export PGCLIENTENCODING=UTF8

SEED=${SEED:-7}
"$PY" "$CCHC_SRC/tests/lib/report_exact.py" generate "$T" "$SEED" || fail "generating the figures failed"
psql -X -q -v ON_ERROR_STOP=1 -f "$T/data.sql" >/dev/null || fail "loading the figures failed"
log "loaded: $(sql 'SELECT count(*) FROM unit') units, $(sql 'SELECT count(*) FROM submission') reports, $(sql 'SELECT count(*) FROM submission_value') figures"

# Home Affairs' login: in cchc_reporting, nothing else
sql "CREATE ROLE noivu LOGIN IN ROLE cchc_reporting" >/dev/null
DSN="host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=noivu"
check "noivu cannot read the raw reports" \
  "$(psql -X -At -d "$DSN" -c 'SELECT count(*) FROM submission' 2>&1 | grep -c 'permission denied')" 1
check "noivu holds no other role than cchc_reporting" \
  "$(sql "SELECT string_agg(r.rolname, ',') FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
          JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'noivu'")" cchc_reporting

"$PY" "$CCHC_SRC/tests/lib/report_exact.py" check "$T" "$REPORT" "$DSN" || fail "cchc-report differs from the expected figures"
log "ok: every cell of summary, targets and completeness, in every format, equals the independent computation"

# ---- exit statuses and messages --------------------------------------------------------
status() { local rc=0; "$REPORT" "$@" >"$T/st.out" 2>"$T/st.err" || rc=$?; echo "$rc"; }
check "unknown command: 2" "$(status frobnicate --db "$DSN")" 2
grep -q "unknown command 'frobnicate'" "$T/st.err" || fail "unclear: $(cat "$T/st.err")"
check "malformed period: 2" "$(status summary 2026-Q5 --db "$DSN")" 2
grep -q 'accepted: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn' "$T/st.err" || fail "period message does not name the forms: $(cat "$T/st.err")"
check "missing period: 2" "$(status summary --db "$DSN")" 2
check "unknown format: 2" "$(status summary 2026-Q3 --format pdf --db "$DSN")" 2
grep -q "unknown format 'pdf' (accepted: table, csv, xlsx, json)" "$T/st.err" || fail "unclear: $(cat "$T/st.err")"
check "xlsx without --output: 2" "$(status summary 2026-Q3 --format xlsx --db "$DSN")" 2
check "unknown language: 2" "$(status summary 2026-Q3 --lang fr --db "$DSN")" 2
check "unknown --as: 2" "$(status summary 2026-Q3 --as latest --db "$DSN")" 2
check "history without --indicator: 2" "$(status history --unit SNV --period 2026-Q3 --db "$DSN")" 2
check "unknown unit: 3" "$(status summary 2026-Q3 --unit NOPE --db "$DSN")" 3
grep -q "unknown unit 'NOPE'.*cchc-report units" "$T/st.err" || fail "unclear: $(cat "$T/st.err")"
check "unknown unit in history: 3" "$(status history --unit NOPE --indicator dossier_received --period 2026-Q3 --db "$DSN")" 3
check "unknown indicator: 3" "$(status history --unit SNV --indicator nope --period 2026-Q3 --db "$DSN")" 3
grep -q "unknown indicator 'nope'.*cchc-report indicators" "$T/st.err" || fail "unclear: $(cat "$T/st.err")"
check "no server: 1" "$(status summary 2026-Q3 --db "host=$T/nowhere user=noivu password=hunter2")" 1
grep -q 'cannot connect to PostgreSQL' "$T/st.err" || fail "unclear: $(cat "$T/st.err")"
grep -q 'What to do: check --db' "$T/st.err" || fail "no advice: $(cat "$T/st.err")"
grep -q hunter2 "$T/st.err" && fail "the password is in the message: $(cat "$T/st.err")"
check "a role without cchc_reporting: 1" "$(sql "CREATE ROLE outsider LOGIN" >/dev/null; status summary 2026-Q3 --db "host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=outsider")" 1
grep -q 'GRANT cchc_reporting' "$T/st.err" || fail "no advice for a missing grant: $(cat "$T/st.err")"
check "--help: 0" "$(status --help)" 0
grep -q '^EXIT STATUS' "$T/st.out" || fail "--help has no exit statuses"
check "--version: 0" "$(status --version)" 0
check "units: 0" "$(status units --db "$DSN")" 0
check "indicators: 0" "$(status indicators --db "$DSN" --format json)" 0
check "history: 0" "$(status history --unit VP-ORDER --indicator dossier_received_online --period 2026-Q3 --db "$DSN")" 0
grep -q 'đang dùng' "$T/st.out" || fail "history does not show the current figure"
check "completeness of a month nobody reported for: 0" "$(status completeness 2026-12 --db "$DSN")" 0
check "an unwritable --output: 1" "$(status summary 2026-Q3 --format csv --output "$T/no/such/dir.csv" --db "$DSN")" 1
echo "test_report_exact: passed"
