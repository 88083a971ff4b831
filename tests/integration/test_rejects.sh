#!/usr/bin/env bash
# A report breaking each validation rule is rejected with its reason, nothing of it
# is stored, and the collector goes on serving. The agent applies the same rules
# before spooling.
source "$(dirname "$0")/../lib/cchc.sh"
cchc_setup
collector_start
RAW=$CCHC_BIN/tests/cchc-rawsend
"$AGENT" keygen --out "$T/raw" >/dev/null
enroll raw SNV
now=$(date +%s)
send() { "$RAW" --endpoint "$COLLECTOR_ENDPOINT" --server-key "$T/collector.pub" --secret-key "$T/raw.key" "$@" || true; }
expect_rule() {
  local rule=$1; shift
  local out
  out=$(send "$@")
  case $out in
    "rejected $rule:"*) log "ok: $rule -> $out" ;;
    *) fail "$rule: expected 'rejected $rule: ...', got '$out'" ;;
  esac
}

expect_rule count_negative      --unit SNV dossier_received=-1
expect_rule part_exceeds_whole  --unit SNV dossier_received=100 dossier_received_online=120
expect_rule part_exceeds_whole  --unit SNV dossier_resolved=10 dossier_resolved_on_time=11
expect_rule part_exceeds_whole  --unit SNV document_issued=5 document_signed=6
expect_rule part_exceeds_whole  --unit SNV satisfaction_votes=5 satisfaction_satisfied=6
expect_rule indicator_unknown   --unit SNV no_such_indicator=1
expect_rule indicator_repeated  --unit SNV dossier_received=1 dossier_received=2
expect_rule unit_unknown        --unit NO-SUCH-UNIT dossier_received=1
expect_rule unit_missing        --unit "" dossier_received=1
expect_rule period_invalid      --unit SNV --period 2:2026:5 dossier_received=1
expect_rule period_invalid      --unit SNV --period 9:2026:1 dossier_received=1
expect_rule period_not_started  --unit SNV --period 2:2099:1 dossier_received=1
expect_rule observed_in_future  --unit SNV --observed-at $((now + 10 * 86400)) dossier_received=1
expect_rule no_figures          --unit SNV
expect_rule key_missing         --unit SNV --seq 0 dossier_received=1
check "nothing of the rejected reports stored" "$(sql 'SELECT count(*) FROM submission')" 0

# Messages that cannot even be answered: dropped, counted, logged; the collector goes on.
check "garbage payload: no answer" "$(send --raw-hex ffffffffffffffffff --timeout 1000)" no-answer
check "unknown message type: no answer" "$(send --type cchc.v9.Nope --unit SNV dossier_received=1 --timeout 1000)" no-answer
check "a report without a key: no answer" "$(send --no-key --unit SNV dossier_received=1 --timeout 1000)" no-answer
grep -q 'event=message_malformed.*not a valid cchc.v1.Report' "$T/collector.log" || fail "garbage not logged"
grep -q 'event=message_malformed.*unknown message type' "$T/collector.log" || fail "unknown type not logged"

# A report PostgreSQL refuses (here a note that is not UTF-8, which protobuf-c does not
# check): the batch is written again report by report, only the culprit is rejected, with
# PostgreSQL's reason, and nothing of it is stored.
out=$(send --unit SNV --note $'ok \xff bad' dossier_received=1)
case $out in
  "rejected database_refused:"*"invalid byte sequence"*) log "ok: refused by the database -> $out" ;;
  *) fail "a report PostgreSQL refuses: expected 'rejected database_refused: ...', got '$out'" ;;
esac
check "nothing of it stored" "$(sql 'SELECT count(*) FROM submission')" 0

# The collector still serves: a good report is accepted, its replay is a duplicate.
id=$(cat /proc/sys/kernel/random/uuid)
check "a valid report after all that" "$(send --spool-id "$id" --seq 1 --unit SNV dossier_received=10 dossier_received_online=8)" accepted
check "its replay" "$(send --spool-id "$id" --seq 1 --unit SNV dossier_received=10 dossier_received_online=8)" duplicate
check "stored once" "$(sql 'SELECT count(*) FROM submission')" 1
check "with its figures" "$(sql "SELECT string_agg(indicator_code || '=' || value, ',' ORDER BY indicator_code) FROM submission_value")" "dossier_received=10,dossier_received_online=8"

# Several reports in one message (cchc.v1.ReportBatch, as cchc-agent sends a backlog):
# each is decoded, validated and acknowledged on its own.
id=$(cat /proc/sys/kernel/random/uuid)
sorted() { sort -n; }
check "a batch of 3: each accepted" "$(send --spool-id "$id" --seq 1 --batch 3 --unit SNV dossier_received=4 | sorted | tr '\n' ' ')" \
  "1 accepted 2 accepted 3 accepted "
check "the batch replayed: each a duplicate" "$(send --spool-id "$id" --seq 1 --batch 3 --unit SNV dossier_received=4 | sorted | tr '\n' ' ')" \
  "1 duplicate 2 duplicate 3 duplicate "
check "a batch with a malformed element: the others accepted" \
  "$(send --spool-id "$id" --seq 4 --batch 2 --batch-garbage --unit SNV dossier_received=4 | sorted | tr '\n' ' ')" \
  "4 accepted 5 accepted "
grep -q 'event=message_malformed.*not a valid cchc.v1.Report.* bytes=3' "$T/collector.log" || fail "malformed element not logged"
check "a batch breaking a rule: each rejected with the rule" \
  "$(send --spool-id "$id" --seq 6 --batch 2 --unit SNV dossier_received=-1 | sorted | cut -c1-25 | tr '\n' ' ')" \
  "6 rejected count_negative 7 rejected count_negative "
check "a garbage batch: no answer" "$(send --type cchc.v1.ReportBatch --raw-hex ffffffffff --timeout 1000)" no-answer
grep -q 'event=message_malformed.*not a valid cchc.v1.ReportBatch' "$T/collector.log" || fail "garbage batch not logged"
check "a batch over the limit of 256: no answer" "$(send --spool-id "$id" --seq 100 --batch 257 --unit SNV dossier_received=1 --timeout 1000)" no-answer
grep -q 'event=message_malformed.*more reports in one cchc.v1.ReportBatch than the limit of 256' "$T/collector.log" \
  || fail "over-long batch not logged"
check "batches stored exactly once each" "$(sql "SELECT count(*), count(DISTINCT seq) FROM submission WHERE spool_id = '$id'")" "5|5"

# The agent checks the same rules offline: a wrong figure never reaches the spool.
agent_make site SNV
rc=0
"$AGENT" submit -c "$T/site.ini" --period 2026-Q1 dossier_received=100 dossier_received_online=120 2>"$T/submit.err" || rc=$?
check "agent submit of a wrong figure exits 2" "$rc" 2
grep -q 'part_exceeds_whole: dossier_received_online=120 exceeds dossier_received=100' "$T/submit.err" \
  || fail "agent did not name the rule: $(cat "$T/submit.err")"
check "nothing spooled" "$(agent_status site spooled)" 0
rc=0
"$AGENT" submit -c "$T/site.ini" --period 2026-Q5 dossier_received=1 2>"$T/submit2.err" || rc=$?
check "agent submit of a malformed period exits 2" "$rc" 2
grep -q '2026-Q5' "$T/submit2.err" || fail "agent did not name the period: $(cat "$T/submit2.err")"

# A unit this collector does not know passes the agent (it cannot know every unit)
# and is rejected by the collector: the agent keeps it apart with the reason.
ENROLL_UNIT=SNV agent_make stranger NO-SUCH-UNIT
"$AGENT" submit -c "$T/stranger.ini" --period 2026-Q1 dossier_received=3 >/dev/null 2>>"$T/stranger.log"
agent_start stranger --drain
agent_wait stranger 30
check "rejected report kept apart" "$(agent_status stranger rejected)" 1
"$AGENT" rejected -c "$T/stranger.ini" >"$T/rejected.txt"
grep -q 'reason: unit_unknown' "$T/rejected.txt" || fail "'cchc-agent rejected' lacks the reason: $(cat "$T/rejected.txt")"
log "ok: 'cchc-agent rejected' lists it with its reason"
echo "test_rejects: passed"
