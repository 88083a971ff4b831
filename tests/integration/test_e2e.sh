#!/usr/bin/env bash
# End to end: 10 agents x 100 reports each reach PostgreSQL exactly, figure by figure.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
collector_start

AGENTS=${AGENTS:-10}
REPORTS=${REPORTS:-100}
units=(VPUB-HCQT VPUB-TTPVHCC VPUB-TTTHCB BQLKKT-VP BQLKKT-TTDV BQLKKT-MLT SNV)
# Each agent's reports are spooled by hand ('cchc-agent submit'), agents side by
# side; each figure is written down as the test expects to find it in PostgreSQL.
spool_reports() {
  local a=$1 unit=$2 id r recv online resolved ontime q out seq
  id=$(agent_status "a$a" id)
  RANDOM=$a
  for r in $(seq 1 "$REPORTS"); do
    recv=$((RANDOM % 5000)); online=$((RANDOM % (recv + 1)))
    resolved=$((RANDOM % 5000)); ontime=$((RANDOM % (resolved + 1)))
    q=$(((r - 1) % 4 + 1))
    out=$("$AGENT" submit -c "$T/a$a.ini" --period "2026-Q$q" dossier_received=$recv \
          dossier_received_online=$online dossier_resolved=$resolved dossier_resolved_on_time=$ontime 2>>"$T/a$a.log")
    seq=$(sed -n 's/^spooled report \([0-9]*\):.*/\1/p' <<<"$out")
    [ -n "$seq" ] || { echo "submit failed for a$a: $out" >&2; return 1; }
    printf '%s %s %s Q%s %s %s\n' \
      "$id" "$seq" "$unit" "$q" dossier_received "$recv" "$id" "$seq" "$unit" "$q" dossier_received_online "$online" \
      "$id" "$seq" "$unit" "$q" dossier_resolved "$resolved" "$id" "$seq" "$unit" "$q" dossier_resolved_on_time "$ontime"
  done >"$T/expected.$a"
}
pids=()
for a in $(seq 1 "$AGENTS"); do
  unit=${units[$(((a - 1) % ${#units[@]}))]}
  agent_make "a$a" "$unit"
  spool_reports "$a" "$unit" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "spooling failed"; done
cat "$T"/expected.* >"$T/expected"
log "spooled $((AGENTS * REPORTS)) reports; sending"
for a in $(seq 1 "$AGENTS"); do agent_start "a$a" --drain; done
for a in $(seq 1 "$AGENTS"); do agent_wait "a$a" 120; done

check "reports stored" "$(sql 'SELECT count(*) FROM submission')" $((AGENTS * REPORTS))
check "figures stored" "$(sql 'SELECT count(*) FROM submission_value')" $((AGENTS * REPORTS * 4))
for a in $(seq 1 "$AGENTS"); do check_stored_once "a$a"; done
check "each report is stored under the agent that sent it (its enrolled name)" \
  "$(sql "SELECT count(*) FROM submission s WHERE s.agent NOT IN (SELECT name FROM agent)")" 0
check "reports per agent" "$(sql "SELECT string_agg(DISTINCT n::text, ',') FROM (SELECT count(*) n FROM submission GROUP BY agent) x")" "$REPORTS"
sql "SELECT s.spool_id, s.seq, s.unit_code, 'Q' || s.period_index, v.indicator_code, v.value
     FROM submission s JOIN submission_value v ON v.submission_id = s.id" | tr '|' ' ' | sort >"$T/actual"
sort "$T/expected" >"$T/expected.sorted"
if ! diff -q "$T/expected.sorted" "$T/actual" >/dev/null; then
  diff "$T/expected.sorted" "$T/actual" | head -20 >&2
  fail "stored figures differ from those spooled"
fi
log "ok: every figure stored equals the figure spooled ($(wc -l <"$T/actual") figures)"
check "collector: nothing rejected" "$(grep -c 'event=report_rejected' "$T/collector.log" || true)" 0
collector_term || fail "collector did not exit 0 on SIGTERM"
grep -q 'event=stopped' "$T/collector.log" || fail "collector did not log its stop"
echo "test_e2e: passed"
