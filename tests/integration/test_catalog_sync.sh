#!/usr/bin/env bash
# The agent's built-in catalogue (used offline) equals the one the migrations seed.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
db=$(sql "SELECT code || ':' || coalesce(part_of, '') FROM indicator ORDER BY sort_order, code")
builtin=$("$CCHC_BIN/tests/cchc-catalog-dump")
if [ "$db" != "$builtin" ]; then
  diff <(echo "$db") <(echo "$builtin") >&2 || true
  fail "the built-in catalogue (common/catalog.c) differs from sql/002_catalog.sql"
fi
log "ok: $(echo "$db" | wc -l) indicators and their part-of rules agree"
echo "test_catalog_sync: passed"
