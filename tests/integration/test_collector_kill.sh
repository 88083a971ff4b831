#!/usr/bin/env bash
# The collector is killed with SIGKILL several times while agents send, and
# restarted: every report is stored exactly once.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
collector_start

AGENTS=4
for a in $(seq 1 $AGENTS); do
  agent_make "k$a" SNV "interval = 100ms"
  # A constant figure lets the test check the figures too: 7 per report.
  agent_source "k$a" counts "type = exec" "command = echo 'document_issued 7'; echo \"dossier_received \$((\$(date +%s) % 1000))\""
  agent_start "k$a"
done

for round in 1 2 3 4; do
  sleep 1.5
  log "round $round: SIGKILL to the collector"
  collector_kill
  sleep 0.7
  collector_start
done
sleep 1
for a in $(seq 1 $AGENTS); do agent_term "k$a"; done
for a in $(seq 1 $AGENTS); do agent_start "k$a" --drain; done
for a in $(seq 1 $AGENTS); do agent_wait "k$a" 120; done

total=0
for a in $(seq 1 $AGENTS); do
  check_stored_once "k$a"
  total=$((total + $(agent_status "k$a" spooled)))
done
[ "$total" -gt 40 ] || fail "too few reports spooled ($total) for the test to mean anything"
check "figures: document_issued sums to 7 per report" \
  "$(sql "SELECT sum(value) FROM submission_value WHERE indicator_code = 'document_issued'")" $((total * 7))
check "figures: 2 per report" "$(sql 'SELECT count(*) FROM submission_value')" $((total * 2))
collector_term || fail "collector did not exit 0 on SIGTERM"
log "reports: $total; collector after its last restart: $(grep -o 'accepted=[0-9]* duplicate=[0-9]*' "$T/collector.log" | tail -n 1)"
echo "test_collector_kill: passed"
