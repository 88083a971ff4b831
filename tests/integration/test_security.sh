#!/usr/bin/env bash
# Only enrolled agents get in, each reports only for its own units, a revoked agent
# is refused from its next report on, the roles hold, and no bad input harms the
# collector: each case is refused or dropped, logged, counted, nothing is stored,
# and an honest agent keeps being served throughout.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
RAW=$CCHC_BIN/tests/cchc-rawsend

# ---- key files -------------------------------------------------------------------
chmod 0644 "$T/collector.key"
rc=0; "$COLLECTOR" run --collector.listen=tcp://127.0.0.1:0 --collector.secret_key_file="$T/collector.key" \
  --database.conninfo="$COLLECTOR_DSN" 2>"$T/perm.log" || rc=$?
check "collector refuses a secret key readable by others (exit)" "$rc" 1
grep -q 'readable or writable by others (mode 0644): run .chmod 600' "$T/perm.log" || fail "unclear message: $(cat "$T/perm.log")"
chmod 0600 "$T/collector.key"
rc=0; "$COLLECTOR" run --collector.listen=tcp://127.0.0.1:0 --collector.secret_key_file="$T/nope.key" \
  --database.conninfo="$COLLECTOR_DSN" 2>"$T/missing.log" || rc=$?
check "collector refuses a missing secret key (exit)" "$rc" 1
grep -q "cannot read secret key file '$T/nope.key'" "$T/missing.log" || fail "unclear message: $(cat "$T/missing.log")"
rc=0; "$COLLECTOR" run --collector.listen=tcp://127.0.0.1:0 --database.conninfo="$COLLECTOR_DSN" 2>"$T/nokey.log" || rc=$?
check "collector without a key and without the development flag refuses to start" "$rc" 1

collector_start
agent_make honest VPUB-HCQT "interval = 200ms"
agent_source honest counts "type = exec" "command = echo 'document_issued 3'"
chmod 0640 "$T/honest.key"
rc=0; "$AGENT" run -c "$T/honest.ini" 2>"$T/agentperm.log" || rc=$?
check "agent refuses a secret key readable by its group" "$rc" 1
chmod 0600 "$T/honest.key"
agent_start honest     # sends all along; its reports must all arrive at the end

"$AGENT" keygen --out "$T/raw" >/dev/null
enroll raw SNV
send() { "$RAW" --endpoint "$COLLECTOR_ENDPOINT" --server-key "$T/collector.pub" --secret-key "$T/raw.key" --timeout 1500 "$@" || true; }
stored() { sql "SELECT count(*) FROM submission WHERE agent <> 'honest'"; }

# ---- who may connect -----------------------------------------------------------------
check "an enrolled key is admitted" "$(send --unit SNV dossier_received=1)" accepted
check "plaintext client at a CURVE collector: nothing" "$("$RAW" --endpoint "$COLLECTOR_ENDPOINT" --plaintext --timeout 1500 --unit SNV dossier_received=1 || true)" no-answer
"$AGENT" keygen --out "$T/stranger" >/dev/null
check "unknown key: nothing" "$("$RAW" --endpoint "$COLLECTOR_ENDPOINT" --server-key "$T/collector.pub" --secret-key "$T/stranger.key" --timeout 1500 --unit SNV dossier_received=1 || true)" no-answer
grep -qF "event=auth_refused peer=127.0.0.1 key=$(grep -v '^#' "$T/stranger.pub") agent=- reason=\"unknown key\"" "$T/collector.log" \
  || fail "unknown key not logged with peer and key"
"$COLLECTOR" keygen --out "$T/impostor" >/dev/null
check "wrong server key: nothing" "$("$RAW" --endpoint "$COLLECTOR_ENDPOINT" --server-key "$T/impostor.pub" --secret-key "$T/raw.key" --timeout 1500 --unit SNV dossier_received=1 || true)" no-answer
"$RAW" --endpoint "$COLLECTOR_ENDPOINT" --flood 3 >"$T/flood.out" &
flood_pid=$!
sleep 1
check "during a connection flood, an enrolled agent is still answered" "$(send --unit SNV dossier_received=5)" accepted
wait "$flood_pid"
n=$(sed -n 's/^connections //p' "$T/flood.out")
[ "${n:-0}" -gt 2000 ] || fail "the flood opened only ${n:-0} connections in 3 s: not a flood"
log "ok: the flood opened $n TCP connections with random bytes in 3 s"
check "collector still serves after all that" "$(send --unit SNV dossier_received=2)" accepted
grep -q 'event=handshake_failed' "$T/collector.log" || fail "failed handshakes not logged"
check "nothing stored from the refused connections" "$(stored)" 3

# ---- what may be sent ----------------------------------------------------------------
check "truncated message: no answer" "$(send --raw-hex 0a1208 --timeout 1000)" no-answer
check "corrupt message: no answer" "$(send --raw-hex 12ff01414243 --timeout 1000)" no-answer
check "wrong field type (unit as a varint): no answer" "$(send --raw-hex 1005 --timeout 1000)" no-answer
grep -q 'event=message_malformed agent=raw peer=127.0.0.1 reason="not a valid cchc.v1.Report"' "$T/collector.log" \
  || fail "malformed message not logged with agent and peer"
out=$(send --unit SNV --unknown-field dossier_received=1)
case $out in "rejected unknown_field: the report carries field 99"*) log "ok: unknown field -> $out" ;; *) fail "unknown field: $out" ;; esac
check "message over max_message_size: connection dropped, no answer" "$(send --unit SNV --pad 1200000 dossier_received=1)" no-answer
check "collector still serves after the oversized message" "$(send --unit SNV dossier_received=6)" accepted
out=$(send --unit VPUB-HCQT dossier_received=1)
case $out in "rejected unit_not_allowed: agent raw is not enrolled to report for unit VPUB-HCQT") log "ok: wrong unit -> $out" ;; *) fail "wrong unit: $out" ;; esac
check "nothing stored from the refused messages" "$(stored)" 4

# A unit and its subtree.
"$AGENT" keygen --out "$T/board" >/dev/null
enroll board BQLKKT --subtree
sleep 0.3
boardsend() { "$RAW" --endpoint "$COLLECTOR_ENDPOINT" --server-key "$T/collector.pub" --secret-key "$T/board.key" --timeout 1500 "$@" || true; }
check "subtree scope: a unit below" "$(boardsend --unit BQLKKT-MLT border_vehicles_coordinated=5)" accepted
check "subtree scope: the unit itself" "$(boardsend --unit BQLKKT document_issued=5)" accepted
case $(boardsend --unit SNV document_issued=5) in "rejected unit_not_allowed:"*) log "ok: outside the subtree refused" ;; *) fail "outside the subtree accepted" ;; esac

# ---- revocation, on a connection opened before it ----------------------------------------
agent_make victim SNV "interval = 100ms"
agent_source victim counts "type = exec" "command = echo 'satisfaction_votes 4'"
agent_start victim
for _ in $(seq 1 50); do [ "$(agent_status victim pending)" = 0 ] && [ "$(agent_status victim spooled)" -gt 3 ] && break; sleep 0.1; done
[ "$(sql "SELECT count(*) FROM submission WHERE agent = 'victim'")" -gt 0 ] || fail "victim never got a report in"
"$COLLECTOR" agent revoke victim --database.conninfo="$CCHC_DSN" >/dev/null
sleep 1.5
agent_term victim
check "no report of the revoked agent stored after its revocation" \
  "$(sql "SELECT count(*) FROM submission s JOIN agent a ON a.name = s.agent WHERE a.name = 'victim' AND s.received_at > a.revoked_at")" 0
[ "$(agent_status victim rejected)" -gt 0 ] || fail "the revoked agent's later reports were not refused"
"$AGENT" rejected -c "$T/victim.ini" | grep -q 'reason: agent_revoked' || fail "refusal reason is not agent_revoked"
log "ok: revoked on an open connection: $(agent_status victim rejected) later reports refused (agent_revoked)"
check "a revoked agent cannot connect again" "$("$RAW" --endpoint "$COLLECTOR_ENDPOINT" --server-key "$T/collector.pub" --secret-key "$T/victim.key" --timeout 1500 --unit SNV dossier_received=1 || true)" no-answer
"$COLLECTOR" agent list --database.conninfo="$CCHC_DSN" | grep -q '^victim  *revoked' || fail "agent list does not show the revocation"

# ---- the honest agent was served all along ---------------------------------------------
agent_term honest
agent_start honest --drain
agent_wait honest 60
check_stored_once honest

# ---- roles -------------------------------------------------------------------------------
as_role() { local role=$1; shift; psql -X -At -v ON_ERROR_STOP=1 -U "$role" -c "$1" 2>&1; }
sql "CREATE ROLE noivu LOGIN IN ROLE cchc_reporting" >/dev/null
for stmt in "DELETE FROM submission" "UPDATE submission SET note = 'x'" "DELETE FROM submission_value" "TRUNCATE submission" "UPDATE agent SET revoked_at = NULL"; do
  case $(as_role cchc_test_collector "$stmt") in *"permission denied"*) log "ok: collector role may not: $stmt" ;; *) fail "collector role could: $stmt" ;; esac
done
case $(as_role cchc_test_collector "SELECT value FROM submission_value LIMIT 1") in *"permission denied"*) log "ok: collector role cannot read stored figures" ;; *) fail "collector role reads figures" ;; esac
for stmt in "INSERT INTO submission_value VALUES (1, 'dossier_received', 1)" "SELECT count(*) FROM submission" "SELECT count(*) FROM submission_value" "SELECT public_key FROM agent"; do
  case $(as_role noivu "$stmt") in *"permission denied"*) log "ok: reporting role may not: $stmt" ;; *) fail "reporting role could: $stmt" ;; esac
done
[ "$(as_role noivu "SELECT count(*) FROM rate_vs_target")" -ge 0 ] 2>/dev/null || fail "reporting role cannot read the report views"
log "ok: reporting role reads the report views"

# ---- secrets stay out of ps and the logs ---------------------------------------------------
collector_kill
COLLECTOR_ENDPOINT=
"$COLLECTOR" run --collector.listen=tcp://127.0.0.1:0 --collector.endpoint_file="$T/endpoint2" \
  --collector.secret_key_file="$T/collector.key" \
  --database.conninfo="$COLLECTOR_DSN password=Sup3rS3cret" >"$T/pw.log" 2>&1 &
COLLECTOR_PID=$!
for _ in $(seq 1 100); do [ -s "$T/endpoint2" ] && break; sleep 0.05; done
ps -o args= -p "$COLLECTOR_PID" >"$T/ps.txt"
grep -q 'Sup3rS3cret' "$T/ps.txt" && fail "the password shows in ps: $(cat "$T/ps.txt")"
grep -q 'password=xxxxxxxxxxx' "$T/ps.txt" || fail "ps shows no scrubbed conninfo: $(cat "$T/ps.txt")"
collector_term
grep -q 'Sup3rS3cret' "$T/pw.log" && fail "the password shows in the log"
grep -qF "$(grep -v "^#" "$T/collector.key")" "$T"/*.log && fail "a secret key shows in a log"
log "ok: no password in ps or the log, no secret key in any log"

# ---- the development flag: plaintext only when asked for, and said loudly ---------------
"$COLLECTOR" run --collector.listen=tcp://127.0.0.1:0 --collector.endpoint_file="$T/endpoint3" \
  --collector.insecure_plaintext=true --database.conninfo="$COLLECTOR_DSN" >"$T/plain.log" 2>&1 &
COLLECTOR_PID=$!
for _ in $(seq 1 100); do [ -s "$T/endpoint3" ] && break; sleep 0.05; done
grep -q 'level=warn .*event=insecure_plaintext warning="CURVE is OFF' "$T/plain.log" || fail "the development flag is not logged loudly"
check "with the development flag, a plaintext client is served" \
  "$("$RAW" --endpoint "$(cat "$T/endpoint3")" --plaintext --timeout 3000 --unit SNV dossier_received=9 || true)" accepted
check "and stored under its address, not an agent's name" "$(sql "SELECT agent FROM submission WHERE agent LIKE 'plaintext:%'")" "plaintext:127.0.0.1"
collector_term
echo "test_security: passed"
