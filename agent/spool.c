/* The agent's durable spool: one SQLite file holding every report until it is acknowledged. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <sqlite3.h>
#include "util.h"

#define SPOOL_FORMAT "1"
#define SPOOL_CACHE_KIB "1024" /* PRAGMA cache_size, see spool_pragmas */

struct cchc_spool {
    sqlite3 *db;
    char *path;
    uint8_t id[CCHC_SPOOL_ID_LEN];
    /* What the last put pointed r->key at; it lives here so the caller's report
     * never points into freed memory. */
    Cchc__V1__ReportKey key;

    /* Prepared once at open: the hot path is put/due/mark_sent/ack, every few seconds
     * for months, and re-preparing would be wasted work. */
    sqlite3_stmt *begin, *commit, *rollback;
    sqlite3_stmt *last_seq, *set_meta;
    sqlite3_stmt *insert, *due, *mark, *del, *reject_copy, *reschedule;
    sqlite3_stmt *stats, *rejected;
};

static const char *const schema_sql =
    "CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE report(seq INTEGER PRIMARY KEY, created_at INTEGER, payload BLOB,"
    "                    attempts INTEGER, next_attempt_at INTEGER, last_sent_at INTEGER);"
    "CREATE TABLE rejected(seq INTEGER PRIMARY KEY, created_at INTEGER, rejected_at INTEGER,"
    "                      reason TEXT, payload BLOB);"
    "INSERT INTO meta(name, value) VALUES('format', '" SPOOL_FORMAT "');"
    "INSERT INTO meta(name, value) VALUES('last_seq', 0);";

/* Fills err from the connection's last error (read it before anything else runs on
 * db: a ROLLBACK would replace it), then rolls back any open transaction, so a
 * failed call never leaves half a change or a lock behind. Returns -1. */
static int spool_fail(cchc_spool_t *sp, int rc, const char *what, char *err, size_t errlen)
{
    switch (rc & 0xff) {
    case SQLITE_FULL:
        cchc_errf(err, errlen,
             "spool %s: %s: disk is full, nothing was stored (free space on the file system that "
             "holds the spool)",
             sp->path, what);
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        cchc_errf(err, errlen,
             "spool %s: %s: %s (another process held the spool for more than 5 s; try again)",
             sp->path, what, sqlite3_errmsg(sp->db));
        break;
    case SQLITE_NOTADB:
        cchc_errf(err, errlen,
             "spool %s: not a cchc spool: the file is not an SQLite database (move it away or set "
             "another spool path)",
             sp->path);
        break;
    default:
        cchc_errf(err, errlen, "spool %s: %s: %s", sp->path, what, sqlite3_errmsg(sp->db));
        break;
    }
    if (sp->db && !sqlite3_get_autocommit(sp->db)) {
        if (sp->rollback) {
            sqlite3_step(sp->rollback);
            sqlite3_reset(sp->rollback);
        } else {
            sqlite3_exec(sp->db, "ROLLBACK", NULL, NULL, NULL);
        }
    }
    return -1;
}

/* Steps a statement that returns no row and resets it. Returns SQLITE_OK or the error
 * code; sqlite3_errmsg still describes the error afterwards (reset keeps it). */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int set_meta_int(cchc_spool_t *sp, const char *name, int64_t value)
{
    sqlite3_bind_text(sp->set_meta, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(sp->set_meta, 2, value);
    return run(sp->set_meta);
}

static int tx_begin(cchc_spool_t *sp)
{
    return run(sp->begin);
}

static int tx_commit(cchc_spool_t *sp)
{
    return run(sp->commit);
}

/* For failures that are ours rather than SQLite's: err is already filled. */
static int tx_abort(cchc_spool_t *sp)
{
    if (!sqlite3_get_autocommit(sp->db))
        run(sp->rollback);
    return -1;
}

static int fill_random(uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

/* Counts the tables in the file, and those of them that a spool has. Returns SQLITE_OK
 * or SQLite's error (SQLITE_NOTADB for a file that is not a database). */
static int query_tables(sqlite3 *db, int *n_all, int *n_ours)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT count(*), "
                                "  count(CASE WHEN name IN ('meta', 'report', 'rejected') THEN 1 END) "
                                "FROM sqlite_master WHERE type = 'table'",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *n_all = sqlite3_column_int(st, 0);
        *n_ours = sqlite3_column_int(st, 1);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

enum { SPOOL_EMPTY = 0, SPOOL_OURS = 1 };

/* Decides what the file holds: an empty database (a new spool), one of our spools
 * of the format this build reads (its id loaded into sp->id), or something else,
 * which we refuse without touching it. Returns SPOOL_EMPTY, SPOOL_OURS or -1 with err. */
static int spool_inspect(cchc_spool_t *sp, char *err, size_t errlen)
{
    int n_all = 0, n_ours = 0;
    int rc = query_tables(sp->db, &n_all, &n_ours);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot read", err, errlen);
    if (n_all == 0)
        return SPOOL_EMPTY;
    if (n_ours != 3) {
        cchc_errf(err, errlen,
             "spool %s: not a cchc spool: an SQLite database without the spool's tables (move it "
             "away or set another spool path)",
             sp->path);
        return -1;
    }

    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(sp->db,
                            "SELECT (SELECT value FROM meta WHERE name = 'format'),"
                            "       (SELECT value FROM meta WHERE name = 'spool_id')",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot read meta", err, errlen);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return spool_fail(sp, rc, "cannot read meta", err, errlen);
    }
    const unsigned char *fmt = sqlite3_column_text(st, 0);
    if (!fmt || strcmp((const char *)fmt, SPOOL_FORMAT) != 0) {
        char shown[32];
        snprintf(shown, sizeof shown, "%s", fmt ? (const char *)fmt : "(none)");
        sqlite3_finalize(st);
        cchc_errf(err, errlen,
             "spool %s: not a cchc spool of format " SPOOL_FORMAT
             " (it says format %s; was it made by another version of cchc-agent?)",
             sp->path, shown);
        return -1;
    }
    if (sqlite3_column_type(st, 1) != SQLITE_BLOB || sqlite3_column_bytes(st, 1) != CCHC_SPOOL_ID_LEN) {
        sqlite3_finalize(st);
        cchc_errf(err, errlen, "spool %s: damaged cchc spool: its spool_id is missing or not %d bytes",
             sp->path, CCHC_SPOOL_ID_LEN);
        return -1;
    }
    memcpy(sp->id, sqlite3_column_blob(st, 1), CCHC_SPOOL_ID_LEN);
    sqlite3_finalize(st);
    return SPOOL_OURS;
}

/* Creates the tables and the spool id in an empty database. Two processes may both
 * find the file empty; the write lock taken first and the re-check under it make
 * exactly one of them create it. Returns 0 or -1 with err. */
static int spool_create(cchc_spool_t *sp, char *err, size_t errlen)
{
    int rc = sqlite3_exec(sp->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot start a transaction", err, errlen);
    int kind = spool_inspect(sp, err, errlen);
    if (kind < 0) {
        sqlite3_exec(sp->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (kind == SPOOL_OURS)
        return sqlite3_exec(sp->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
                   ? 0
                   : spool_fail(sp, sqlite3_errcode(sp->db), "cannot commit", err, errlen);

    if (fill_random(sp->id, sizeof sp->id) < 0) {
        cchc_errf(err, errlen, "spool %s: cannot make a spool id: getrandom: %s", sp->path,
             strerror(errno));
        sqlite3_exec(sp->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    rc = sqlite3_exec(sp->db, schema_sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot create the tables", err, errlen);
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(sp->db, "INSERT INTO meta(name, value) VALUES('spool_id', ?1)", -1,
                            &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_blob(st, 1, sp->id, sizeof sp->id, SQLITE_STATIC);
        rc = run(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot store the spool id", err, errlen);
    rc = sqlite3_exec(sp->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot commit the new spool", err, errlen);
    return 0;
}

static int spool_pragmas(cchc_spool_t *sp, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sp->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot set journal_mode=WAL", err, errlen);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return spool_fail(sp, rc, "cannot set journal_mode=WAL", err, errlen);
    }
    const unsigned char *mode = sqlite3_column_text(st, 0);
    /* Without WAL a reader (stats from `cchc-agent status`) would block the writer. */
    if (!mode || strcmp((const char *)mode, "wal") != 0) {
        cchc_errf(err, errlen,
             "spool %s: cannot use journal_mode=WAL (SQLite kept \"%s\"; the spool needs a local "
             "file system)",
             sp->path, mode ? (const char *)mode : "");
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    rc = sqlite3_exec(sp->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot set synchronous=FULL", err, errlen);
    /* SQLite's default page cache is 2 MiB; the spool's work (append one report, read
     * and update the oldest due ones, delete the acknowledged) touches few pages, and
     * 1 MiB holds a whole round of max_in_flight=1000 reports: sending 100,000 reads
     * the file exactly as often as with 2 MiB (strace -c: 783k pread64 either way;
     * 512 KiB: 805k) and peaks 1 MiB lower. */
    rc = sqlite3_exec(sp->db, "PRAGMA cache_size=-" SPOOL_CACHE_KIB, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot set cache_size", err, errlen);
    return 0;
}

/* Process-wide, before SQLite's first use. No initial bulk allocation of page cache
 * (SQLite allocates 20 pages, 87 KiB, per connection up front and writes every one):
 * pages are allocated as they are used and sqlite3_db_release_memory can free them.
 * 84 KiB less resident in an idle agent. */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static int prepare(cchc_spool_t *sp, sqlite3_stmt **st, const char *sql, char *err, size_t errlen)
{
    int rc = sqlite3_prepare_v3(sp->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot prepare a statement", err, errlen);
    return 0;
}

static int spool_prepare_all(cchc_spool_t *sp, char *err, size_t errlen)
{
    const struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {
        {&sp->begin, "BEGIN IMMEDIATE"},
        {&sp->commit, "COMMIT"},
        {&sp->rollback, "ROLLBACK"},
        {&sp->last_seq, "SELECT value FROM meta WHERE name = 'last_seq'"},
        {&sp->set_meta, "INSERT OR REPLACE INTO meta(name, value) VALUES(?1, ?2)"},
        {&sp->insert,
         "INSERT INTO report(seq, created_at, payload, attempts, next_attempt_at, last_sent_at)"
         " VALUES(?1, ?2, ?3, 0, ?2, NULL)"},
        {&sp->due,
         "SELECT seq, payload, attempts, created_at FROM report"
         " WHERE next_attempt_at <= ?1 ORDER BY seq LIMIT ?2"},
        {&sp->mark,
         "UPDATE report SET attempts = attempts + 1, next_attempt_at = ?2, last_sent_at = ?3"
         " WHERE seq = ?1"},
        {&sp->del, "DELETE FROM report WHERE seq = ?1"},
        {&sp->reschedule, "UPDATE report SET next_attempt_at = ?1 WHERE next_attempt_at > ?1"},
        {&sp->reject_copy,
         "INSERT OR REPLACE INTO rejected(seq, created_at, rejected_at, reason, payload)"
         " SELECT seq, created_at, ?2, ?3, payload FROM report WHERE seq = ?1"},
        /* One statement, so the numbers come from one snapshot. */
        {&sp->stats,
         "SELECT (SELECT count(*) FROM report),"
         "       (SELECT count(*) FROM rejected),"
         "       (SELECT value FROM meta WHERE name = 'last_seq'),"
         "       (SELECT seq FROM report ORDER BY seq LIMIT 1),"
         "       (SELECT created_at FROM report ORDER BY seq LIMIT 1),"
         "       (SELECT value FROM meta WHERE name = 'last_ack_at'),"
         "       (SELECT value FROM meta WHERE name = 'last_error_at'),"
         "       (SELECT value FROM meta WHERE name = 'last_error')"},
        {&sp->rejected,
         "SELECT seq, created_at, rejected_at, reason, payload FROM rejected ORDER BY seq"},
    };
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
        if (prepare(sp, stmts[i].st, stmts[i].sql, err, errlen) < 0)
            return -1;
    return 0;
}

cchc_spool_t *cchc_spool_open(const char *path, char *err, size_t errlen)
{
    cchc_spool_t *sp = calloc(1, sizeof *sp);
    if (!sp || !(sp->path = strdup(path))) {
        cchc_errf(err, errlen, "spool %s: out of memory", path);
        free(sp);
        return NULL;
    }

    /* Created here rather than by SQLite so that it is 0600 from its first moment
     * (SQLite would use 0644); SQLite gives the -wal and -shm files the same mode. */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        int e = errno;
        cchc_errf(err, errlen, "spool %s: cannot open or create: %s%s", path, strerror(e),
             e == ENOENT                  ? " (its directory must exist)"
             : e == EACCES || e == EROFS ? " (the agent must be able to write the file and its directory)"
                                         : "");
        goto fail;
    }
    close(fd);

    pthread_once(&sqlite_configured, configure_sqlite);
    int rc = sqlite3_open_v2(path, &sp->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (sp->db)
            spool_fail(sp, rc, "cannot open", err, errlen);
        else
            cchc_errf(err, errlen, "spool %s: cannot open: out of memory", path);
        goto fail;
    }
    sqlite3_extended_result_codes(sp->db, 1);
    sqlite3_busy_timeout(sp->db, 5000);
    if (sqlite3_db_readonly(sp->db, "main") == 1) {
        cchc_errf(err, errlen, "spool %s: is read-only (the agent must be able to write its spool)",
             path);
        goto fail;
    }

    /* Look before changing anything: a file that is not ours must be left as it was. */
    int kind = spool_inspect(sp, err, errlen);
    if (kind < 0)
        goto fail;
    if (spool_pragmas(sp, err, errlen) < 0)
        goto fail;
    if (kind == SPOOL_EMPTY && spool_create(sp, err, errlen) < 0)
        goto fail;
    if (spool_prepare_all(sp, err, errlen) < 0)
        goto fail;
    return sp;

fail:
    cchc_spool_close(&sp);
    return NULL;
}

void cchc_spool_close(cchc_spool_t **spp)
{
    if (!spp || !*spp)
        return;
    cchc_spool_t *sp = *spp;
    sqlite3_stmt **all[] = {&sp->begin,  &sp->commit, &sp->rollback, &sp->last_seq,
                            &sp->set_meta, &sp->insert, &sp->due,     &sp->mark,
                            &sp->del,    &sp->reject_copy, &sp->reschedule, &sp->stats,
                            &sp->rejected};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    sqlite3_close(sp->db);
    free(sp->path);
    free(sp);
    *spp = NULL;
}

void cchc_spool_release_memory(cchc_spool_t *sp)
{
    if (sp && sp->db)
        sqlite3_db_release_memory(sp->db);
}

const uint8_t *cchc_spool_id(const cchc_spool_t *sp)
{
    return sp->id;
}

int cchc_spool_put(cchc_spool_t *sp, Cchc__V1__Report *r, int64_t now_ms, uint64_t *seq_out,
                   char *err, size_t errlen)
{
    Cchc__V1__ReportKey *old_key = r->key;
    Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
    uint8_t *buf = NULL;
    int rc = tx_begin(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot start a transaction (nothing was stored)", err, errlen);

    /* The seq is read and bumped under the write lock BEGIN IMMEDIATE took, so the
     * daemon and a `cchc-agent submit` can never draw the same number, and a rollback
     * gives the number back: no gaps. */
    rc = sqlite3_step(sp->last_seq);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(sp->last_seq);
        if (rc == SQLITE_DONE) {
            cchc_errf(err, errlen, "spool %s: damaged cchc spool: meta has no last_seq", sp->path);
            return tx_abort(sp);
        }
        return spool_fail(sp, rc, "cannot read last_seq", err, errlen);
    }
    int64_t last = sqlite3_column_int64(sp->last_seq, 0);
    sqlite3_reset(sp->last_seq);
    if (last < 0 || last == INT64_MAX) {
        cchc_errf(err, errlen, "spool %s: damaged cchc spool: last_seq is %lld", sp->path,
             (long long)last);
        return tx_abort(sp);
    }
    uint64_t seq = (uint64_t)last + 1;
    rc = set_meta_int(sp, "last_seq", (int64_t)seq);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot update last_seq", err, errlen);

    key.spool_id.data = sp->id;
    key.spool_id.len = CCHC_SPOOL_ID_LEN;
    key.seq = seq;
    r->key = &key;
    size_t len = cchc__v1__report__get_packed_size(r);
    buf = len <= INT_MAX ? malloc(len ? len : 1) : NULL;
    if (buf)
        cchc__v1__report__pack(r, buf);
    r->key = old_key;
    if (!buf) {
        cchc_errf(err, errlen, "spool %s: cannot encode a report of %zu bytes: out of memory", sp->path,
             len);
        return tx_abort(sp);
    }

    sqlite3_bind_int64(sp->insert, 1, (int64_t)seq);
    sqlite3_bind_int64(sp->insert, 2, now_ms);
    sqlite3_bind_blob(sp->insert, 3, buf, (int)len, SQLITE_STATIC);
    rc = run(sp->insert);
    sqlite3_clear_bindings(sp->insert);
    free(buf);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot store the report", err, errlen);
    rc = tx_commit(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot commit the report", err, errlen);

    sp->key = key;
    r->key = &sp->key;
    if (seq_out)
        *seq_out = seq;
    return 0;
}

void cchc_spool_items_free(cchc_spool_item_t *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        free(items[i].payload);
        items[i].payload = NULL;
        items[i].len = 0;
    }
}

int cchc_spool_due(cchc_spool_t *sp, int64_t now_ms, size_t max, cchc_spool_item_t *items,
                   size_t *n, char *err, size_t errlen)
{
    *n = 0;
    if (max == 0)
        return 0;
    sqlite3_bind_int64(sp->due, 1, now_ms);
    sqlite3_bind_int64(sp->due, 2, max > INT64_MAX ? INT64_MAX : (int64_t)max);
    size_t got = 0;
    int rc = SQLITE_DONE;
    while (got < max && (rc = sqlite3_step(sp->due)) == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(sp->due, 1);
        const void *blob = sqlite3_column_blob(sp->due, 1);
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) {
            sqlite3_reset(sp->due);
            cchc_spool_items_free(items, got);
            cchc_errf(err, errlen, "spool %s: cannot read due reports: out of memory", sp->path);
            return -1;
        }
        if (len)
            memcpy(copy, blob, len);
        items[got].seq = (uint64_t)sqlite3_column_int64(sp->due, 0);
        items[got].payload = copy;
        items[got].len = len;
        items[got].attempts = sqlite3_column_int64(sp->due, 2);
        items[got].created_at = sqlite3_column_int64(sp->due, 3);
        got++;
    }
    if (got < max && rc != SQLITE_DONE) {
        sqlite3_reset(sp->due);
        cchc_spool_items_free(items, got);
        return spool_fail(sp, rc, "cannot read due reports", err, errlen);
    }
    sqlite3_reset(sp->due);
    *n = got;
    return 0;
}

int cchc_spool_mark_sent(cchc_spool_t *sp, const uint64_t *seqs, const int64_t *next_attempt_ms,
                         size_t n, int64_t now_ms, char *err, size_t errlen)
{
    int rc = tx_begin(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot start a transaction", err, errlen);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(sp->mark, 1, (int64_t)seqs[i]);
        sqlite3_bind_int64(sp->mark, 2, next_attempt_ms[i]);
        sqlite3_bind_int64(sp->mark, 3, now_ms);
        rc = run(sp->mark);
        if (rc != SQLITE_OK)
            return spool_fail(sp, rc, "cannot mark reports sent", err, errlen);
    }
    rc = tx_commit(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot commit reports marked sent", err, errlen);
    return 0;
}

int cchc_spool_ack(cchc_spool_t *sp, const uint64_t *seqs, size_t n, int64_t now_ms, char *err,
                   size_t errlen)
{
    int rc = tx_begin(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot start a transaction", err, errlen);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(sp->del, 1, (int64_t)seqs[i]);
        rc = run(sp->del);
        if (rc != SQLITE_OK)
            return spool_fail(sp, rc, "cannot remove acknowledged reports", err, errlen);
    }
    rc = set_meta_int(sp, "last_ack_at", now_ms);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot record last_ack_at", err, errlen);
    rc = tx_commit(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot commit acknowledgements", err, errlen);
    return 0;
}

int cchc_spool_reject(cchc_spool_t *sp, uint64_t seq, const char *reason, int64_t now_ms,
                      char *err, size_t errlen)
{
    int rc = tx_begin(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot start a transaction", err, errlen);
    sqlite3_bind_int64(sp->reject_copy, 1, (int64_t)seq);
    sqlite3_bind_int64(sp->reject_copy, 2, now_ms);
    sqlite3_bind_text(sp->reject_copy, 3, reason ? reason : "", -1, SQLITE_STATIC);
    rc = run(sp->reject_copy);
    sqlite3_clear_bindings(sp->reject_copy);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot move a report to rejected", err, errlen);
    sqlite3_bind_int64(sp->del, 1, (int64_t)seq);
    rc = run(sp->del);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot move a report to rejected", err, errlen);
    rc = tx_commit(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot commit a rejected report", err, errlen);
    return 0;
}

int cchc_spool_reschedule(cchc_spool_t *sp, int64_t now_ms, char *err, size_t errlen)
{
    /* One statement is one transaction: no BEGIN needed. */
    sqlite3_bind_int64(sp->reschedule, 1, now_ms);
    int rc = run(sp->reschedule);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot make pending reports due", err, errlen);
    return 0;
}

int cchc_spool_note_error(cchc_spool_t *sp, const char *text, int64_t now_ms, char *err,
                          size_t errlen)
{
    int rc = tx_begin(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot start a transaction", err, errlen);
    rc = set_meta_int(sp, "last_error_at", now_ms);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(sp->set_meta, 1, "last_error", -1, SQLITE_STATIC);
        sqlite3_bind_text(sp->set_meta, 2, text ? text : "", -1, SQLITE_STATIC);
        rc = run(sp->set_meta);
        sqlite3_clear_bindings(sp->set_meta);
    }
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot record the last error", err, errlen);
    rc = tx_commit(sp);
    if (rc != SQLITE_OK)
        return spool_fail(sp, rc, "cannot commit the last error", err, errlen);
    return 0;
}

int cchc_spool_stats(cchc_spool_t *sp, cchc_spool_stats_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    int rc = sqlite3_step(sp->stats);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(sp->stats);
        return spool_fail(sp, rc == SQLITE_DONE ? SQLITE_ERROR : rc, "cannot read statistics", err,
                          errlen);
    }
    out->pending = sqlite3_column_int64(sp->stats, 0);
    out->rejected = sqlite3_column_int64(sp->stats, 1);
    out->last_seq = (uint64_t)sqlite3_column_int64(sp->stats, 2);
    out->oldest_seq = (uint64_t)sqlite3_column_int64(sp->stats, 3);
    out->oldest_created_at = sqlite3_column_int64(sp->stats, 4);
    out->last_ack_at = sqlite3_column_int64(sp->stats, 5);
    out->last_error_at = sqlite3_column_int64(sp->stats, 6);
    const unsigned char *text = sqlite3_column_text(sp->stats, 7);
    snprintf(out->last_error, sizeof out->last_error, "%s", text ? (const char *)text : "");
    sqlite3_reset(sp->stats);
    return 0;
}

int cchc_spool_rejected_each(cchc_spool_t *sp, cchc_spool_rejected_fn fn, void *ctx, char *err,
                             size_t errlen)
{
    int rc;
    while ((rc = sqlite3_step(sp->rejected)) == SQLITE_ROW) {
        const unsigned char *reason = sqlite3_column_text(sp->rejected, 3);
        const uint8_t *payload = sqlite3_column_blob(sp->rejected, 4);
        size_t len = (size_t)sqlite3_column_bytes(sp->rejected, 4);
        if (fn(ctx, (uint64_t)sqlite3_column_int64(sp->rejected, 0),
               sqlite3_column_int64(sp->rejected, 1), sqlite3_column_int64(sp->rejected, 2),
               reason ? (const char *)reason : "", payload, len) != 0) {
            sqlite3_reset(sp->rejected);
            return 0;
        }
    }
    sqlite3_reset(sp->rejected);
    if (rc != SQLITE_DONE)
        return spool_fail(sp, rc, "cannot read rejected reports", err, errlen);
    return 0;
}
