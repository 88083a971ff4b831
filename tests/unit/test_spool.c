/* Unit tests of the agent's spool: ordering, delivery states, gapless seqs, sharing, refusal of foreign files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Included, not linked, so a test can reach the SQLite handle (to make the disk
 * "full" with max_page_count). */
#include "spool.c"

#define assert_contains(hay, needle)                                                           \
    do {                                                                                       \
        if (!strstr((hay), (needle)))                                                          \
            fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));                      \
    } while (0)

typedef struct {
    char dir[256];
    char path[300];
} fixture_t;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/cchc-spool-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/spool.db", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    nftw(fx->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(fx);
    return 0;
}

/* A report with two figures, everything but the key set; storage is static. */
static Cchc__V1__Report *make_report(const char *unit, int64_t dossiers)
{
    static Cchc__V1__Report r;
    static Cchc__V1__Period period;
    static Cchc__V1__Figure f1, f2;
    static Cchc__V1__Figure *figs[2];
    static char unit_buf[64];
    cchc__v1__report__init(&r);
    cchc__v1__period__init(&period);
    cchc__v1__figure__init(&f1);
    cchc__v1__figure__init(&f2);
    snprintf(unit_buf, sizeof unit_buf, "%s", unit);
    period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    period.year = 2026;
    period.index = 1;
    f1.indicator = (char *)"dossier_received";
    f1.value = dossiers;
    f2.indicator = (char *)"dossier_received_online";
    f2.value = dossiers / 2;
    figs[0] = &f1;
    figs[1] = &f2;
    r.unit = unit_buf;
    r.period = &period;
    r.observed_at = 1767225600;
    r.final = true;
    r.n_figures = 2;
    r.figures = figs;
    r.note = (char *)"test";
    return &r;
}

static cchc_spool_t *open_ok(const char *path)
{
    char err[512] = "";
    cchc_spool_t *sp = cchc_spool_open(path, err, sizeof err);
    if (!sp)
        fail_msg("cchc_spool_open: %s", err);
    return sp;
}

static uint64_t put_ok(cchc_spool_t *sp, int64_t now_ms, int64_t dossiers)
{
    char err[512] = "";
    uint64_t seq = 0;
    Cchc__V1__Report *r = make_report("VPUB-TTPVHCC", dossiers);
    if (cchc_spool_put(sp, r, now_ms, &seq, err, sizeof err) != 0)
        fail_msg("cchc_spool_put: %s", err);
    return seq;
}

static void due_seqs(cchc_spool_t *sp, int64_t now_ms, size_t max, uint64_t *seqs, size_t *n)
{
    char err[512] = "";
    cchc_spool_item_t items[64];
    assert_true(max <= 64);
    if (cchc_spool_due(sp, now_ms, max, items, n, err, sizeof err) != 0)
        fail_msg("cchc_spool_due: %s", err);
    for (size_t i = 0; i < *n; i++)
        seqs[i] = items[i].seq;
    cchc_spool_items_free(items, *n);
}

static cchc_spool_stats_t stats_ok(cchc_spool_t *sp)
{
    char err[512] = "";
    cchc_spool_stats_t st;
    if (cchc_spool_stats(sp, &st, err, sizeof err) != 0)
        fail_msg("cchc_spool_stats: %s", err);
    return st;
}

static void test_create_mode_and_put(void **state)
{
    fixture_t *fx = *state;
    mode_t old = umask(0);
    cchc_spool_t *sp = open_ok(fx->path);
    umask(old);
    struct stat st;
    assert_int_equal(stat(fx->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    assert_int_equal(put_ok(sp, 1000, 10), 1);
    /* The WAL holds reports too: it must be as private as the file. */
    char wal[320];
    snprintf(wal, sizeof wal, "%s-wal", fx->path);
    assert_int_equal(stat(wal, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(put_ok(sp, 2000, 20), 2);
    assert_int_equal(put_ok(sp, 3000, 30), 3);
    cchc_spool_stats_t s = stats_ok(sp);
    assert_int_equal(s.pending, 3);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.last_seq, 3);
    assert_int_equal(s.oldest_seq, 1);
    assert_int_equal(s.oldest_created_at, 1000);
    assert_int_equal(s.last_ack_at, 0);
    assert_int_equal(s.last_error_at, 0);
    assert_string_equal(s.last_error, "");
    cchc_spool_close(&sp);
    assert_null(sp);
    cchc_spool_close(&sp); /* NULL is fine */
}

static void test_due_ordering_and_limit(void **state)
{
    fixture_t *fx = *state;
    cchc_spool_t *sp = open_ok(fx->path);
    for (int i = 0; i < 5; i++)
        put_ok(sp, 1000 + i * 100, i);
    uint64_t seqs[64];
    size_t n = 99;
    due_seqs(sp, 5000, 3, seqs, &n);
    assert_int_equal(n, 3);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 2);
    assert_int_equal(seqs[2], 3);
    due_seqs(sp, 5000, 64, seqs, &n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(seqs[i], i + 1);
    /* Due means next_attempt_at <= now; a new report is due from its creation. */
    due_seqs(sp, 1150, 64, seqs, &n);
    assert_int_equal(n, 2);
    due_seqs(sp, 999, 64, seqs, &n);
    assert_int_equal(n, 0);
    due_seqs(sp, 5000, 0, seqs, &n);
    assert_int_equal(n, 0);
    cchc_spool_close(&sp);
}

static void test_mark_sent_respects_next_attempt(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    for (int i = 0; i < 3; i++)
        put_ok(sp, 1000, i);
    uint64_t sent[] = {1, 3};
    int64_t next[] = {6000, 9000};
    assert_int_equal(cchc_spool_mark_sent(sp, sent, next, 2, 2000, err, sizeof err), 0);

    uint64_t seqs[64];
    size_t n = 0;
    due_seqs(sp, 2000, 64, seqs, &n);
    assert_int_equal(n, 1);
    assert_int_equal(seqs[0], 2);
    due_seqs(sp, 6000, 64, seqs, &n);
    assert_int_equal(n, 2);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 2);
    due_seqs(sp, 9000, 64, seqs, &n);
    assert_int_equal(n, 3);

    cchc_spool_item_t items[8];
    assert_int_equal(cchc_spool_due(sp, 9000, 8, items, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].attempts, 1);
    assert_int_equal(items[1].attempts, 0);
    assert_int_equal(items[2].attempts, 1);
    assert_int_equal(items[0].created_at, 1000);
    cchc_spool_items_free(items, n);

    /* The link came back: everything pending is due now, attempts untouched. */
    assert_int_equal(cchc_spool_reschedule(sp, 2500, err, sizeof err), 0);
    due_seqs(sp, 2500, 64, seqs, &n);
    assert_int_equal(n, 3);
    /* ... and a report due earlier stays due (not pushed later). */
    due_seqs(sp, 2000, 64, seqs, &n);
    assert_int_equal(n, 1);
    assert_int_equal(seqs[0], 2);

    /* Sent again: attempts counts every send. */
    assert_int_equal(cchc_spool_mark_sent(sp, sent, next, 1, 7000, err, sizeof err), 0);
    assert_int_equal(cchc_spool_due(sp, 9000, 8, items, &n, err, sizeof err), 0);
    assert_int_equal(items[0].seq, 1);
    assert_int_equal(items[0].attempts, 2);
    cchc_spool_items_free(items, n);
    cchc_spool_close(&sp);
}

static void test_ack_removes_and_is_idempotent(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    for (int i = 0; i < 4; i++)
        put_ok(sp, 1000 + i, i);
    uint64_t acked[] = {1, 3};
    assert_int_equal(cchc_spool_ack(sp, acked, 2, 5000, err, sizeof err), 0);
    cchc_spool_stats_t s = stats_ok(sp);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.oldest_seq, 2);
    assert_int_equal(s.oldest_created_at, 1001);
    assert_int_equal(s.last_ack_at, 5000);

    /* The same ack again, and one for a seq that never existed. */
    uint64_t again[] = {1, 3, 99};
    assert_int_equal(cchc_spool_ack(sp, again, 3, 6000, err, sizeof err), 0);
    s = stats_ok(sp);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.last_ack_at, 6000);

    uint64_t seqs[64];
    size_t n = 0;
    due_seqs(sp, 9000, 64, seqs, &n);
    assert_int_equal(n, 2);
    assert_int_equal(seqs[0], 2);
    assert_int_equal(seqs[1], 4);
    cchc_spool_close(&sp);
}

typedef struct {
    int calls;
    uint64_t seq;
    int64_t created_at, rejected_at;
    char reason[128];
    uint8_t payload[1024];
    size_t len;
} rejected_seen_t;

static int on_rejected(void *ctx, uint64_t seq, int64_t created_at, int64_t rejected_at,
                       const char *reason, const uint8_t *payload, size_t len)
{
    rejected_seen_t *seen = ctx;
    seen->calls++;
    seen->seq = seq;
    seen->created_at = created_at;
    seen->rejected_at = rejected_at;
    snprintf(seen->reason, sizeof seen->reason, "%s", reason);
    assert_true(len <= sizeof seen->payload);
    memcpy(seen->payload, payload, len);
    seen->len = len;
    return 0;
}

static int stop_at_first(void *ctx, uint64_t seq, int64_t created_at, int64_t rejected_at,
                         const char *reason, const uint8_t *payload, size_t len)
{
    (*(int *)ctx)++;
    return 1;
}

static void test_reject_moves_with_reason(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    put_ok(sp, 1000, 1);
    put_ok(sp, 1100, 2);
    put_ok(sp, 1200, 3);

    cchc_spool_item_t items[4];
    size_t n = 0;
    assert_int_equal(cchc_spool_due(sp, 2000, 4, items, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);

    const char *reason = "part_exceeds_whole: dossier_received_online=120 exceeds dossier_received=100";
    assert_int_equal(cchc_spool_reject(sp, 2, reason, 3000, err, sizeof err), 0);
    assert_int_equal(cchc_spool_reject(sp, 42, "unknown", 3000, err, sizeof err), 0);

    cchc_spool_stats_t s = stats_ok(sp);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.rejected, 1);
    assert_int_equal(s.last_seq, 3);

    rejected_seen_t seen = {0};
    assert_int_equal(cchc_spool_rejected_each(sp, on_rejected, &seen, err, sizeof err), 0);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.seq, 2);
    assert_int_equal(seen.created_at, 1100);
    assert_int_equal(seen.rejected_at, 3000);
    assert_string_equal(seen.reason, reason);
    /* What is kept is byte for byte what was sent. */
    assert_int_equal(seen.len, items[1].len);
    assert_memory_equal(seen.payload, items[1].payload, seen.len);
    cchc_spool_items_free(items, n);

    /* Never resent. */
    uint64_t seqs[64];
    due_seqs(sp, 99999, 64, seqs, &n);
    assert_int_equal(n, 2);
    assert_int_equal(seqs[0], 1);
    assert_int_equal(seqs[1], 3);

    assert_int_equal(cchc_spool_reject(sp, 3, "second", 3100, err, sizeof err), 0);
    int calls = 0;
    assert_int_equal(cchc_spool_rejected_each(sp, stop_at_first, &calls, err, sizeof err), 0);
    assert_int_equal(calls, 1);
    cchc_spool_close(&sp);
}

static void test_stats_and_note_error(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    cchc_spool_stats_t s = stats_ok(sp);
    assert_int_equal(s.pending, 0);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.last_seq, 0);
    assert_int_equal(s.oldest_seq, 0);
    assert_int_equal(s.oldest_created_at, 0);

    assert_int_equal(cchc_spool_note_error(sp, "collector unreachable: tcp://10.0.0.1:5555", 4242,
                                           err, sizeof err),
                     0);
    put_ok(sp, 5000, 1);
    put_ok(sp, 6000, 1);
    uint64_t one = 1;
    assert_int_equal(cchc_spool_ack(sp, &one, 1, 7000, err, sizeof err), 0);
    s = stats_ok(sp);
    assert_int_equal(s.pending, 1);
    assert_int_equal(s.rejected, 0);
    assert_int_equal(s.last_seq, 2);
    assert_int_equal(s.oldest_seq, 2);
    assert_int_equal(s.oldest_created_at, 6000);
    assert_int_equal(s.last_ack_at, 7000);
    assert_int_equal(s.last_error_at, 4242);
    assert_string_equal(s.last_error, "collector unreachable: tcp://10.0.0.1:5555");

    /* A long error is cut to the stats buffer, still terminated. */
    char longtext[2000];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    assert_int_equal(cchc_spool_note_error(sp, longtext, 8000, err, sizeof err), 0);
    s = stats_ok(sp);
    assert_int_equal(strlen(s.last_error), sizeof s.last_error - 1);
    cchc_spool_close(&sp);
}

static void test_reopen_keeps_id_and_seq(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    uint8_t id[CCHC_SPOOL_ID_LEN];
    memcpy(id, cchc_spool_id(sp), sizeof id);
    static const uint8_t zero[CCHC_SPOOL_ID_LEN];
    assert_memory_not_equal(id, zero, sizeof id);
    put_ok(sp, 1000, 1);
    put_ok(sp, 1000, 2);
    uint64_t all[] = {1, 2};
    assert_int_equal(cchc_spool_ack(sp, all, 2, 2000, err, sizeof err), 0);
    cchc_spool_close(&sp);

    sp = open_ok(fx->path);
    assert_memory_equal(cchc_spool_id(sp), id, sizeof id);
    /* Numbers are never reused, even when every report has been acknowledged. */
    assert_int_equal(put_ok(sp, 3000, 3), 3);
    cchc_spool_close(&sp);

    sp = open_ok(fx->path);
    assert_int_equal(put_ok(sp, 4000, 4), 4);
    assert_int_equal(stats_ok(sp).last_seq, 4);
    cchc_spool_close(&sp);

    /* Another spool file has another id. */
    char other[320];
    snprintf(other, sizeof other, "%s/other.db", fx->dir);
    sp = open_ok(other);
    assert_memory_not_equal(cchc_spool_id(sp), id, sizeof id);
    cchc_spool_close(&sp);
}

static void test_payload_decodes_with_key(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    put_ok(sp, 1000, 7);

    Cchc__V1__Report *r = make_report("SO-NOIVU", 120);
    Cchc__V1__ReportKey caller_key = CCHC__V1__REPORT_KEY__INIT;
    caller_key.seq = 777;
    r->key = &caller_key;
    uint64_t seq = 0;
    assert_int_equal(cchc_spool_put(sp, r, 2000, &seq, err, sizeof err), 0);
    assert_int_equal(seq, 2);
    /* r->key now points at the spool's key, and the caller's key was not written. */
    assert_non_null(r->key);
    assert_ptr_not_equal(r->key, &caller_key);
    assert_int_equal(caller_key.seq, 777);
    assert_int_equal(r->key->seq, 2);
    assert_int_equal(r->key->spool_id.len, CCHC_SPOOL_ID_LEN);
    assert_memory_equal(r->key->spool_id.data, cchc_spool_id(sp), CCHC_SPOOL_ID_LEN);

    cchc_spool_item_t items[4];
    size_t n = 0;
    assert_int_equal(cchc_spool_due(sp, 2000, 4, items, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[1].seq, 2);
    Cchc__V1__Report *d = cchc__v1__report__unpack(NULL, items[1].len, items[1].payload);
    assert_non_null(d);
    assert_non_null(d->key);
    assert_int_equal(d->key->seq, 2);
    assert_int_equal(d->key->spool_id.len, CCHC_SPOOL_ID_LEN);
    assert_memory_equal(d->key->spool_id.data, cchc_spool_id(sp), CCHC_SPOOL_ID_LEN);
    assert_string_equal(d->unit, "SO-NOIVU");
    assert_non_null(d->period);
    assert_int_equal(d->period->kind, CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER);
    assert_int_equal(d->period->year, 2026);
    assert_int_equal(d->period->index, 1);
    assert_int_equal(d->observed_at, 1767225600);
    assert_true(d->final);
    assert_int_equal(d->n_figures, 2);
    assert_string_equal(d->figures[0]->indicator, "dossier_received");
    assert_int_equal(d->figures[0]->value, 120);
    assert_string_equal(d->figures[1]->indicator, "dossier_received_online");
    assert_int_equal(d->figures[1]->value, 60);
    assert_string_equal(d->note, "test");

    /* Re-encoding the decoded report gives the stored bytes back. */
    size_t len = cchc__v1__report__get_packed_size(d);
    assert_int_equal(len, items[1].len);
    uint8_t *again = malloc(len);
    cchc__v1__report__pack(d, again);
    assert_memory_equal(again, items[1].payload, len);
    free(again);
    cchc__v1__report__free_unpacked(d, NULL);

    Cchc__V1__Report *d1 = cchc__v1__report__unpack(NULL, items[0].len, items[0].payload);
    assert_non_null(d1);
    assert_int_equal(d1->key->seq, 1);
    assert_string_equal(d1->unit, "VPUB-TTPVHCC");
    cchc__v1__report__free_unpacked(d1, NULL);
    cchc_spool_items_free(items, n);
    cchc_spool_close(&sp);
}

static void test_two_handles_never_share_a_seq(void **state)
{
    fixture_t *fx = *state;
    cchc_spool_t *a = open_ok(fx->path);
    cchc_spool_t *b = open_ok(fx->path);
    assert_memory_equal(cchc_spool_id(a), cchc_spool_id(b), CCHC_SPOOL_ID_LEN);
    uint64_t expect = 1;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(put_ok(i % 3 ? a : b, 1000, i), expect);
        expect++;
    }
    cchc_spool_close(&a);
    cchc_spool_close(&b);

    /* Now two processes at once, as the daemon and a `cchc-agent submit` would be. */
    enum { PER_CHILD = 40 };
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            char err[512] = "";
            cchc_spool_t *sp = cchc_spool_open(fx->path, err, sizeof err);
            if (!sp)
                _exit(2);
            for (int i = 0; i < PER_CHILD; i++) {
                uint64_t seq = 0;
                if (cchc_spool_put(sp, make_report("VPUB-TTPVHCC", i), 2000, &seq, err,
                                   sizeof err) != 0) {
                    fprintf(stderr, "child put: %s\n", err);
                    _exit(3);
                }
            }
            cchc_spool_close(&sp);
            _exit(0);
        }
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }

    cchc_spool_t *sp = open_ok(fx->path);
    cchc_spool_stats_t s = stats_ok(sp);
    assert_int_equal(s.last_seq, 10 + 2 * PER_CHILD);
    assert_int_equal(s.pending, 10 + 2 * PER_CHILD);
    /* Every seq 1..N is there exactly once, and each payload carries its own seq. */
    char err[512] = "";
    cchc_spool_item_t items[64];
    size_t n = 0, total = 0;
    uint64_t expect_seq = 1;
    int64_t after = 0;
    while (total < (size_t)s.pending) {
        assert_int_equal(cchc_spool_due(sp, 9999, 64, items, &n, err, sizeof err), 0);
        assert_true(n > 0);
        uint64_t acks[64];
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(items[i].seq, expect_seq);
            Cchc__V1__Report *d = cchc__v1__report__unpack(NULL, items[i].len, items[i].payload);
            assert_non_null(d);
            assert_int_equal(d->key->seq, expect_seq);
            cchc__v1__report__free_unpacked(d, NULL);
            acks[i] = items[i].seq;
            expect_seq++;
        }
        total += n;
        cchc_spool_items_free(items, n);
        assert_int_equal(cchc_spool_ack(sp, acks, n, ++after, err, sizeof err), 0);
    }
    assert_int_equal(stats_ok(sp).pending, 0);
    cchc_spool_close(&sp);
}

static void test_disk_full_stores_nothing(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";
    cchc_spool_t *sp = open_ok(fx->path);
    assert_int_equal(put_ok(sp, 1000, 1), 1);

    /* A page limit at the current size makes SQLite answer SQLITE_FULL, as a full
     * disk would. */
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(sp->db, "PRAGMA page_count", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t pages = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)pages);
    assert_int_equal(sqlite3_exec(sp->db, sql, NULL, NULL, NULL), SQLITE_OK);

    Cchc__V1__Report *r = make_report("VPUB-TTPVHCC", 1);
    char big[20000];
    memset(big, 'n', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    r->note = big;
    uint64_t seq = 0;
    assert_int_equal(cchc_spool_put(sp, r, 2000, &seq, err, sizeof err), -1);
    assert_contains(err, fx->path);
    assert_contains(err, "disk is full");
    assert_contains(err, "nothing was stored");
    assert_null(r->key); /* as it was */

    cchc_spool_stats_t s = stats_ok(sp);
    assert_int_equal(s.pending, 1);
    assert_int_equal(s.last_seq, 1);

    /* Space again: the number the failed put drew is handed out, no gap. */
    assert_int_equal(sqlite3_exec(sp->db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(cchc_spool_put(sp, r, 3000, &seq, err, sizeof err), 0);
    assert_int_equal(seq, 2);
    cchc_spool_close(&sp);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_refuses_what_is_not_a_spool(void **state)
{
    fixture_t *fx = *state;
    char err[512] = "";

    /* Random bytes: refused, and left exactly as they were. */
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131 + 7);
    write_file(fx->path, junk, sizeof junk);
    assert_null(cchc_spool_open(fx->path, err, sizeof err));
    assert_contains(err, fx->path);
    assert_contains(err, "not a cchc spool");
    assert_contains(err, "not an SQLite database");
    uint8_t back[sizeof junk];
    FILE *f = fopen(fx->path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(back, 1, sizeof back, f), sizeof back);
    fclose(f);
    assert_memory_equal(back, junk, sizeof junk);

    /* A short text file. */
    write_file(fx->path, "hello\n", 6);
    err[0] = '\0';
    assert_null(cchc_spool_open(fx->path, err, sizeof err));
    assert_contains(err, "not a cchc spool");

    /* Some other SQLite database. */
    char other[320];
    snprintf(other, sizeof other, "%s/other.db", fx->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    err[0] = '\0';
    assert_null(cchc_spool_open(other, err, sizeof err));
    assert_contains(err, other);
    assert_contains(err, "not a cchc spool");

    /* A spool of another format version. */
    char newer[320];
    snprintf(newer, sizeof newer, "%s/newer.db", fx->dir);
    cchc_spool_t *sp = open_ok(newer);
    cchc_spool_close(&sp);
    assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "UPDATE meta SET value = '2' WHERE name = 'format'", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    err[0] = '\0';
    assert_null(cchc_spool_open(newer, err, sizeof err));
    assert_contains(err, newer);
    assert_contains(err, "not a cchc spool of format 1");
    assert_contains(err, "format 2");

    /* A directory that does not exist. */
    char missing[320];
    snprintf(missing, sizeof missing, "%s/no/such/dir/spool.db", fx->dir);
    err[0] = '\0';
    assert_null(cchc_spool_open(missing, err, sizeof err));
    assert_contains(err, missing);
    assert_contains(err, "No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_mode_and_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_due_ordering_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mark_sent_respects_next_attempt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_removes_and_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_moves_with_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_and_note_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_id_and_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_payload_decodes_with_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_handles_never_share_a_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_spool, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
