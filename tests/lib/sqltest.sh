# shellcheck shell=bash
# Assertions on SQL output against a throwaway PostgreSQL, for the tests that check the
# migrations, views and reporting functions row by row. Sourced, not run.
#
#   sqltest_start NAME   starts a cluster (tests/lib/pg.sh) in a temporary folder, removed
#                        on exit, and creates the databases $DB (cchc) and ${DB}_oneshot
#   q SQL [psql args]    runs SQL on $DB: unaligned, tuples only; NULL shown as
#                        $SQLTEST_NULL (default: empty)
#   expect NAME SQL [psql args] <<'EOF' ... EOF
#                        the output of SQL must equal stdin exactly
#   expect_error NAME SQL TEXT [psql args]
#                        SQL must fail with TEXT in its error message
#   ok / bad NAME [DETAIL ...]   count a check passed / failed (bad prints why)
#   sqltest_end          prints the counts; returns 0 only if nothing failed
set -uo pipefail

SRC=${CCHC_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/lib/pg.sh
source "$SRC/tests/lib/pg.sh"

export PGTZ=UTC          # timestamps are compared in UTC
export PGCLIENTENCODING=UTF8

DB=cchc
SQLTEST_NULL=${SQLTEST_NULL:-}
passed=0
failed=0

sqltest_start() {
  SQLTEST_NAME=$1
  work=$(mktemp -d "${TMPDIR:-/tmp}/cchc-$SQLTEST_NAME.XXXXXX")
  trap 'pg_stop "$work"; rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
  pg_start "$work" || { echo "FAIL: could not start PostgreSQL" >&2; exit 1; }
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" -c "CREATE DATABASE ${DB}_oneshot" \
    || { echo "FAIL: could not create the test databases" >&2; exit 1; }
}

ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  printf 'FAIL: %s\n' "$1"
  shift
  [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/      /'
  return 0
}

q() { local sql=$1; shift; psql -X -At -q -P null="$SQLTEST_NULL" -v ON_ERROR_STOP=1 -d "$DB" "$@" -c "$sql"; }

expect() {
  local name=$1 sql=$2 want got
  shift 2
  want=$(cat)
  if ! got=$(q "$sql" "$@" 2>&1); then
    bad "$name: query failed" "$got"
    return
  fi
  if [ "$got" == "$want" ]; then
    ok
  else
    bad "$name" "--- expected" "$want" "--- got" "$got" "--- diff (expected vs got)" \
      "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"
  fi
}

expect_error() {
  local name=$1 sql=$2 text=$3 out
  shift 3
  if out=$(q "$sql" "$@" 2>&1); then
    bad "$name: succeeded, should have failed with '$text'" "$out"
  elif [[ "$out" == *"$text"* ]]; then
    ok
  else
    bad "$name: failed, but not with '$text'" "$out"
  fi
}

sqltest_end() {
  echo "$SQLTEST_NAME: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
