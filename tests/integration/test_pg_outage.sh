#!/usr/bin/env bash
# PostgreSQL stopped for 10 s mid-run: no acknowledgement while it is down, and
# every report stored exactly once after it is back.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
collector_start

AGENTS=3
for a in $(seq 1 $AGENTS); do
  agent_make "o$a" VPUB-TTPVHCC "interval = 100ms"
  agent_source "o$a" counts "type = exec" "command = echo 'satisfaction_votes 10'; echo 'satisfaction_satisfied 9'"
  agent_start "o$a"
done
sleep 2
log "stopping PostgreSQL"
pg_stop "$T"
sleep 1.5  # a batch already committing may still be acknowledged
for a in $(seq 1 $AGENTS); do
  eval "ack_$a=\$(agent_status o$a last_ack)"
  eval "pending_$a=\$(agent_status o$a pending)"
done
batches_before=$(grep -c 'event=db_connected' "$T/collector.log" || true)
sleep 8.5
for a in $(seq 1 $AGENTS); do
  eval "before=\$ack_$a; pend=\$pending_$a"
  check "o$a: no acknowledgement while PostgreSQL is down" "$(agent_status "o$a" last_ack)" "$before"
  now_pending=$(agent_status "o$a" pending)
  [ "$now_pending" -gt "$pend" ] || fail "o$a: spool did not grow while down ($pend -> $now_pending)"
  log "ok: o$a spool grew $pend -> $now_pending while PostgreSQL was down"
done
grep -q 'event=db_unavailable' "$T/collector.log" || fail "collector did not report the outage"
log "starting PostgreSQL again"
pg_restart_server "$T"
sleep 2
for a in $(seq 1 $AGENTS); do agent_term "o$a"; done
for a in $(seq 1 $AGENTS); do agent_start "o$a" --drain; done
for a in $(seq 1 $AGENTS); do agent_wait "o$a" 120; done
total=0
for a in $(seq 1 $AGENTS); do
  check_stored_once "o$a"
  total=$((total + $(agent_status "o$a" spooled)))
done
check "figures" "$(sql "SELECT sum(value) FROM submission_value WHERE indicator_code = 'satisfaction_votes'")" $((total * 10))
[ "$(grep -c 'event=db_connected' "$T/collector.log")" -gt "$batches_before" ] || fail "collector never reconnected"
echo "test_pg_outage: passed"
