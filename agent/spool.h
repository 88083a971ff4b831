/* The agent's durable spool: every report lives here from the moment it is made
 * until the collector acknowledges it.
 *
 * File format: one SQLite database, journal_mode=WAL, synchronous=FULL (a report
 * that cchc_spool_put returned for has been fsynced), busy_timeout 5 s so that
 * `cchc-agent submit` can write while the daemon runs.
 *
 *   meta(name TEXT PRIMARY KEY, value BLOB)
 *       spool_id     16 random bytes from getrandom(), chosen when the file is created
 *       last_seq     the last sequence number handed out (gapless: 1, 2, 3 ...)
 *       format       schema version of this file ("1")
 *       last_ack_at, last_error_at (Unix ms), last_error (text)
 *   report(seq INTEGER PRIMARY KEY, created_at INTEGER, payload BLOB,
 *          attempts INTEGER, next_attempt_at INTEGER, last_sent_at INTEGER)
 *       payload is the encoded cchc.v1.Report, key included: what is resent is
 *       byte for byte what was first sent.
 *   rejected(seq INTEGER PRIMARY KEY, created_at INTEGER, rejected_at INTEGER,
 *            reason TEXT, payload BLOB)
 *
 * Life of a report: put (pending, due now) -> sent (attempts+1, due again at the
 * resend time the sender chose) -> acknowledged (accepted or duplicate: deleted)
 * or rejected (moved to `rejected` with the collector's reason, never resent).
 * Times are Unix milliseconds. */
#ifndef CCHC_SPOOL_H
#define CCHC_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cchc/v1/cchc.pb-c.h"

typedef struct cchc_spool cchc_spool_t;

#define CCHC_SPOOL_ID_LEN 16

/* Opens the spool at path, creating it (and its spool id) if missing. Returns the
 * spool, or NULL with err saying what failed (path, SQLite's message, what to do).
 * The caller owns it. */
cchc_spool_t *cchc_spool_open(const char *path, char *err, size_t errlen);

/* Closes *sp (NULL is fine) and sets *sp = NULL. */
void cchc_spool_close(cchc_spool_t **sp);

/* Frees what SQLite's page cache holds and does not need now (pages are read again
 * from the file when next used). Called by the agent when it falls idle. */
void cchc_spool_release_memory(cchc_spool_t *sp);

/* The 16-byte spool id (owned by the spool). */
const uint8_t *cchc_spool_id(const cchc_spool_t *sp);

/* Durably stores report r: in one transaction it takes the next sequence number,
 * sets r->key (spool id and seq; r->key must be NULL or a key the spool may
 * overwrite: the spool points it at storage of its own that stays valid until the
 * next put), encodes r and inserts it, due at once. Returns 0 and *seq_out, or -1
 * with err (e.g. disk full: nothing was stored). */
int cchc_spool_put(cchc_spool_t *sp, Cchc__V1__Report *r, int64_t now_ms, uint64_t *seq_out,
                   char *err, size_t errlen);

typedef struct {
    uint64_t seq;
    uint8_t *payload; /* malloc'd, owned by the item: free with cchc_spool_items_free */
    size_t len;
    int64_t attempts;
    int64_t created_at;
} cchc_spool_item_t;

/* Up to max pending reports due at now_ms (next_attempt_at <= now_ms), lowest seq
 * first, into items[]; *n is set to how many. Returns 0 or -1 with err. */
int cchc_spool_due(cchc_spool_t *sp, int64_t now_ms, size_t max, cchc_spool_item_t *items,
                   size_t *n, char *err, size_t errlen);

/* Frees the payloads of items[0..n). */
void cchc_spool_items_free(cchc_spool_item_t *items, size_t n);

/* Records that reports seqs[0..n) were sent at now_ms and are due again at
 * next_attempt_ms[i]; attempts += 1. One transaction. Returns 0 or -1 with err. */
int cchc_spool_mark_sent(cchc_spool_t *sp, const uint64_t *seqs, const int64_t *next_attempt_ms,
                         size_t n, int64_t now_ms, char *err, size_t errlen);

/* Removes acknowledged reports seqs[0..n) (unknown seqs are ignored: an ack can come
 * twice) and records last_ack_at = now_ms. One transaction. Returns 0 or -1 with err. */
int cchc_spool_ack(cchc_spool_t *sp, const uint64_t *seqs, size_t n, int64_t now_ms, char *err,
                   size_t errlen);

/* Moves report seq to `rejected` with reason. Unknown seq is ignored. Returns 0 or -1. */
int cchc_spool_reject(cchc_spool_t *sp, uint64_t seq, const char *reason, int64_t now_ms,
                      char *err, size_t errlen);

/* Makes every pending report due at now_ms (the link came back: no reason to wait out
 * the backoff). Returns 0 or -1 with err. */
int cchc_spool_reschedule(cchc_spool_t *sp, int64_t now_ms, char *err, size_t errlen);

/* Records the last error (text copied) and when. Returns 0 or -1. */
int cchc_spool_note_error(cchc_spool_t *sp, const char *text, int64_t now_ms, char *err,
                          size_t errlen);

typedef struct {
    int64_t pending;          /* reports not yet acknowledged */
    int64_t rejected;         /* reports in `rejected` */
    uint64_t last_seq;        /* reports ever spooled */
    uint64_t oldest_seq;      /* 0 if none pending */
    int64_t oldest_created_at;
    int64_t last_ack_at;      /* 0 if never */
    int64_t last_error_at;    /* 0 if never */
    char last_error[512];     /* "" if never */
} cchc_spool_stats_t;

int cchc_spool_stats(cchc_spool_t *sp, cchc_spool_stats_t *out, char *err, size_t errlen);

/* Calls fn for each rejected report, lowest seq first; fn returns 0 to go on. */
typedef int (*cchc_spool_rejected_fn)(void *ctx, uint64_t seq, int64_t created_at,
                                      int64_t rejected_at, const char *reason,
                                      const uint8_t *payload, size_t len);
int cchc_spool_rejected_each(cchc_spool_t *sp, cchc_spool_rejected_fn fn, void *ctx, char *err,
                             size_t errlen);

#endif
