# shellcheck shell=bash
# Helpers for the integration, end-to-end and fault tests: a throwaway PostgreSQL,
# the real collector and real agents on loopback, with CURVE keys. Sourced, not run.
#
#   cchc_setup              temp folder, PostgreSQL, migrations, collector keys, the
#                           collector's least-privilege login role (COLLECTOR_DSN)
#   enroll NAME UNIT        enrols the agent key $T/NAME.pub
#   collector_start [ARGS]  starts cchc-collector in the background (same port on restarts)
#   collector_kill / collector_term
#   agent_make NAME UNIT [EXTRA INI LINES...]   keys + INI file for an agent
#   agent_start NAME [ARGS] / agent_kill NAME / agent_term NAME / agent_wait NAME
#   sql QUERY               one psql -At query on the test database
#   check NAME ACTUAL EXPECTED   a named assertion; fail ends the test
# Everything started is stopped and the folder removed on exit (kept with KEEP=1).

set -euo pipefail

CCHC_SRC=${CCHC_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CCHC_BIN=${CCHC_BIN:-$CCHC_SRC/build}
COLLECTOR=$CCHC_BIN/collector/cchc-collector
AGENT=$CCHC_BIN/agent/cchc-agent
# shellcheck source=pg.sh
source "$CCHC_SRC/tests/lib/pg.sh"

declare -A AGENT_PID=()
COLLECTOR_PID=
COLLECTOR_ENDPOINT=
T=

log() { printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }

fail() {
  log "FAIL: $*"
  exit 1
}

check() {
  local name=$1 actual=$2 expected=$3
  if [ "$actual" != "$expected" ]; then
    fail "$name: expected '$expected', got '$actual'"
  fi
  log "ok: $name ($actual)"
}

cchc__cleanup() {
  local rc=$?
  set +e
  for n in "${!AGENT_PID[@]}"; do kill -9 "${AGENT_PID[$n]}" 2>/dev/null; done
  [ -n "$COLLECTOR_PID" ] && kill -9 "$COLLECTOR_PID" 2>/dev/null
  wait 2>/dev/null
  if [ -n "$T" ]; then
    pg_stop "$T"
    if [ $rc -ne 0 ]; then
      log "logs of the failed run:"
      for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 30 lines)"; tail -n 30 "$f"; }; done >&2
    fi
    if [ "${KEEP:-0}" = 1 ]; then log "kept $T"; else rm -rf "$T"; fi
  fi
  exit $rc
}

cchc_setup() {
  [ -x "$COLLECTOR" ] && [ -x "$AGENT" ] || fail "binaries not built in $CCHC_BIN (set CCHC_BIN)"
  T=$(mktemp -d /tmp/cchc-test.XXXXXX)
  trap cchc__cleanup EXIT
  pg_start "$T" 2>/dev/null
  "$COLLECTOR" migrate --database.conninfo="$CCHC_DSN" 2>"$T/migrate.log" || fail "migrate failed: $(cat "$T/migrate.log")"
  "$COLLECTOR" keygen --out "$T/collector" >/dev/null
  # The collector runs with the least privilege the migrations grant it.
  sql "CREATE ROLE cchc_test_collector LOGIN IN ROLE cchc_collector" >/dev/null
  COLLECTOR_DSN="host=$PGHOST port=$PGPORT user=cchc_test_collector dbname=$PGDATABASE"
}

# enroll NAME UNIT [ARGS]: enrols $T/NAME.pub for UNIT (as the database owner).
enroll() {
  local name=$1 unit=$2; shift 2
  "$COLLECTOR" agent enroll --name "$name" --unit "$unit" --public-key "$T/$name.pub" \
    --database.conninfo="$CCHC_DSN" "$@" >/dev/null || fail "cannot enrol $name for $unit"
}

sql() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }

# Sets PY to a python3 that has openpyxl (Debian's python3-openpyxl; scripts/deps test),
# or fails the test saying what to install.
need_python_openpyxl() {
  PY=
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import openpyxl' 2>/dev/null; then PY=$p; break; fi
  done
  [ -n "$PY" ] || fail "no python3 with openpyxl: install python3-openpyxl (scripts/deps test)"
}

collector_start() {
  local listen=${COLLECTOR_ENDPOINT:-tcp://127.0.0.1:0}
  rm -f "$T/endpoint"
  "$COLLECTOR" run --collector.listen="$listen" --collector.endpoint_file="$T/endpoint" \
    --collector.secret_key_file="$T/collector.key" --database.conninfo="$COLLECTOR_DSN" \
    --database.reconnect_max=1s "$@" >>"$T/collector.log" 2>&1 &
  COLLECTOR_PID=$!
  local i
  for i in $(seq 1 100); do
    [ -s "$T/endpoint" ] && break
    kill -0 "$COLLECTOR_PID" 2>/dev/null || fail "collector exited at start: $(tail -n 5 "$T/collector.log")"
    sleep 0.05
  done
  [ -s "$T/endpoint" ] || fail "collector did not start listening"
  COLLECTOR_ENDPOINT=$(cat "$T/endpoint")
}

collector_kill() { kill -9 "$COLLECTOR_PID" 2>/dev/null || true; wait "$COLLECTOR_PID" 2>/dev/null || true; COLLECTOR_PID=; }

collector_term() {
  kill -TERM "$COLLECTOR_PID"
  local rc=0
  wait "$COLLECTOR_PID" || rc=$?
  COLLECTOR_PID=
  return $rc
}

# agent_make NAME UNIT [INI LINES for [agent] ...]: keys, enrolment (for UNIT, or
# for $ENROLL_UNIT if set) and an INI file at $T/NAME.ini.
agent_make() {
  local name=$1 unit=$2; shift 2
  "$AGENT" keygen --out "$T/$name" >/dev/null
  enroll "$name" "${ENROLL_UNIT:-$unit}"
  {
    echo "[agent]"
    echo "unit = $unit"
    echo "spool = $T/$name.spool"
    for line in "$@"; do echo "$line"; done
    echo "[collector]"
    echo "endpoint = $COLLECTOR_ENDPOINT"
    echo "server_public_key_file = $T/collector.pub"
    echo "secret_key_file = $T/$name.key"
    echo "ack_timeout = 1s"
    echo "retry_max = 2s"
  } >"$T/$name.ini"
}

# Appends a [source.NAME] section to an agent's INI file.
agent_source() {
  local name=$1 section=$2; shift 2
  { echo "[source.$section]"; for line in "$@"; do echo "$line"; done; } >>"$T/$name.ini"
}

agent_start() {
  local name=$1; shift
  "$AGENT" run -c "$T/$name.ini" "$@" >>"$T/$name.log" 2>&1 &
  AGENT_PID[$name]=$!
}

agent_kill() { kill -9 "${AGENT_PID[$1]}" 2>/dev/null || true; wait "${AGENT_PID[$1]}" 2>/dev/null || true; unset "AGENT_PID[$1]"; }
agent_term() { kill -TERM "${AGENT_PID[$1]}" 2>/dev/null || true; wait "${AGENT_PID[$1]}" 2>/dev/null || true; unset "AGENT_PID[$1]"; }

# Waits for a started agent to exit (e.g. run --drain); fails after $2 seconds (default 120).
agent_wait() {
  local name=$1 limit=${2:-120} pid=${AGENT_PID[$1]} i
  for i in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then fail "agent $name did not finish within ${limit}s"; fi
  local rc=0
  wait "$pid" || rc=$?
  unset "AGENT_PID[$name]"
  [ $rc -eq 0 ] || fail "agent $name exited with $rc: $(tail -n 5 "$T/$name.log")"
}

# Field of 'cchc-agent status': spooled (reports ever), pending, id (spool id), last_ack.
agent_status() {
  local out
  out=$("$AGENT" status -c "$T/$1.ini" 2>/dev/null)
  case $2 in
    spooled) sed -n 's/^reports spooled: *\([0-9]*\) in all/\1/p' <<<"$out" ;;
    pending) sed -n 's/^waiting to send: *\([0-9]*\)/\1/p' <<<"$out" ;;
    rejected) sed -n 's/^rejected: *\([0-9]*\).*/\1/p' <<<"$out" ;;
    id) sed -n 's/^spool: .*(id \(.*\))/\1/p' <<<"$out" ;;
    last_ack) sed -n 's/^last acknowledged: *//p' <<<"$out" ;;
  esac
}

# Checks that every report agent NAME ever spooled is stored exactly once: the
# spool is empty and seq 1..N are all in PostgreSQL, none twice.
check_stored_once() {
  local name=$1 id n stored distinct maxseq
  id=$(agent_status "$name" id)
  n=$(agent_status "$name" spooled)
  check "$name: nothing left in the spool" "$(agent_status "$name" pending)" 0
  stored=$(sql "SELECT count(*) FROM submission WHERE spool_id = '$id'")
  distinct=$(sql "SELECT count(DISTINCT seq) FROM submission WHERE spool_id = '$id'")
  maxseq=$(sql "SELECT coalesce(max(seq), 0) FROM submission WHERE spool_id = '$id'")
  check "$name: reports stored" "$stored" "$n"
  check "$name: distinct keys" "$distinct" "$n"
  check "$name: highest seq" "$maxseq" "$n"
}
