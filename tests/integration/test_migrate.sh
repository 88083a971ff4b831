#!/usr/bin/env bash
# Migrations apply to an empty cluster, and a second run changes nothing.
source "$(dirname "$0")/../lib/cchc.sh"

T=$(mktemp -d /tmp/cchc-test.XXXXXX)
trap cchc__cleanup EXIT
pg_start "$T" 2>/dev/null

"$COLLECTOR" migrate --database.conninfo="$CCHC_DSN" 2>"$T/first.log" || fail "first migrate: $(cat "$T/first.log")"
applied=$(grep -c 'event=migration_applied' "$T/first.log")
total=$(ls "$CCHC_SRC"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
check "first run applies every migration" "$applied" "$total"
check "each is recorded" "$(sql 'SELECT count(*) FROM schema_migration')" "$total"
# pg_dump brackets its output with a random \restrict key; that line is not schema.
pg_dump -s -x -O | grep -v '^\\\(un\)\?restrict ' >"$T/schema1.sql"
rows1=$(sql "SELECT (SELECT count(*) FROM unit) || ',' || (SELECT count(*) FROM indicator) || ',' || (SELECT count(*) FROM rate) || ',' || (SELECT count(*) FROM target)")

"$COLLECTOR" migrate --database.conninfo="$CCHC_DSN" 2>"$T/second.log" || fail "second migrate: $(cat "$T/second.log")"
check "second run applies nothing" "$(grep -c 'event=migration_applied' "$T/second.log" || true)" 0
check "second run sees every migration present" "$(grep -c 'event=migration_present' "$T/second.log")" "$total"
pg_dump -s -x -O | grep -v '^\\\(un\)\?restrict ' >"$T/schema2.sql"
check "schema unchanged by the second run" "$(diff -q "$T/schema1.sql" "$T/schema2.sql" >/dev/null && echo same || echo differs)" same
check "catalogue unchanged by the second run" "$(sql "SELECT (SELECT count(*) FROM unit) || ',' || (SELECT count(*) FROM indicator) || ',' || (SELECT count(*) FROM rate) || ',' || (SELECT count(*) FROM target)")" "$rows1"

# An applied migration that was edited afterwards is refused, not silently skipped.
sql "UPDATE schema_migration SET checksum = 'edited' WHERE name = '001_schema.sql'" >/dev/null
if "$COLLECTOR" migrate --database.conninfo="$CCHC_DSN" 2>"$T/third.log"; then
  fail "an edited migration was accepted"
fi
grep -q 'has changed since it was applied' "$T/third.log" || fail "no clear message: $(cat "$T/third.log")"
log "ok: an edited migration is refused with a clear message"

# No database: a clear error and exit 1.
if "$COLLECTOR" migrate --database.conninfo="host=$T/nowhere port=1" 2>"$T/nodb.log"; then
  fail "migrate succeeded without a database"
fi
grep -q 'event=migrate_failed' "$T/nodb.log" || fail "no clear message: $(cat "$T/nodb.log")"
log "ok: no database gives event=migrate_failed"
echo "test_migrate: passed"
