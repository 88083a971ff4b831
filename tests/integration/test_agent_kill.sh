#!/usr/bin/env bash
# An agent killed with SIGKILL mid-send and restarted: nothing lost, nothing twice.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
collector_start

agent_make victim BQLKKT-MLT
for i in $(seq 1 300); do
  "$AGENT" submit -c "$T/victim.ini" --period 2026-Q2 border_vehicles_coordinated=$i \
    border_fee_collected_vnd=$((i * 1000)) border_fee_electronic_vnd=$((i * 900)) >/dev/null 2>>"$T/victim.log"
done
check "spooled" "$(agent_status victim spooled)" 300

for round in 1 2 3 4 5; do
  agent_start victim
  sleep "0.$((RANDOM % 3 + 1))"
  log "round $round: SIGKILL to the agent (pending $(agent_status victim pending))"
  agent_kill victim
done
agent_start victim --drain
agent_wait victim 60

check_stored_once victim
check "figures stored" "$(sql 'SELECT count(*) FROM submission_value')" 900
check "vehicles sum" "$(sql "SELECT sum(value) FROM submission_value WHERE indicator_code = 'border_vehicles_coordinated'")" $((300 * 301 / 2))
echo "test_agent_kill: passed"
