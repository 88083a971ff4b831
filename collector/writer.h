/* A pool of writer threads, each with its own PostgreSQL connection, writing
 * batches side by side: while one waits for its COMMIT to reach the disk, the
 * others work. The event loop hands batches over and collects them once committed;
 * it alone touches the ZeroMQ sockets. */
#ifndef CCHC_WRITER_H
#define CCHC_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct cchc_writer_pool cchc_writer_pool_t;

/* A batch: items[0..n) are written in one transaction. The pool never reads `owner`.
 * The caller owns the batch and everything it points to; the pool only borrows it
 * from submit until collect hands it back. */
typedef struct {
    cchc_store_item_t *items;
    size_t n;
    void *owner;
    int64_t write_ms; /* out: time spent writing, retries included */
} cchc_batch_t;

/* Starts `writers` threads for conninfo (copied). Each connects on its first batch and
 * reconnects with a backoff doubling from reconnect_min_ms to reconnect_max_ms while
 * PostgreSQL is unreachable, retrying its batch until it commits. Returns NULL with
 * err on failure. */
cchc_writer_pool_t *cchc_writer_pool_new(const char *conninfo, int writers, int64_t reconnect_min_ms,
                                         int64_t reconnect_max_ms, char *err, size_t errlen);

/* Stops the threads (a batch still being retried is abandoned: not committed, never
 * collected; its reports were not acknowledged) and frees *p; sets *p = NULL. */
void cchc_writer_pool_destroy(cchc_writer_pool_t **p);

/* A file descriptor that becomes readable when a batch has committed (poll it, then
 * call collect until it returns NULL). */
int cchc_writer_pool_fd(const cchc_writer_pool_t *p);

/* Hands b to an idle writer. Returns false (and keeps nothing) if all are busy. */
bool cchc_writer_pool_submit(cchc_writer_pool_t *p, cchc_batch_t *b);

/* A committed batch (every item's status set), or NULL if none is waiting. */
cchc_batch_t *cchc_writer_pool_collect(cchc_writer_pool_t *p);

/* How many writers hold a batch (being written, or committed and not yet collected). */
size_t cchc_writer_pool_busy(cchc_writer_pool_t *p);

/* Database failures (lost connections, failed transactions) seen so far. */
uint64_t cchc_writer_pool_failures(cchc_writer_pool_t *p);

#endif
