/* A pool of writer threads, each with its own PostgreSQL connection. */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

typedef struct {
    cchc_writer_pool_t *pool;
    pthread_t thread;
    bool started;
    cchc_store_t *store;
    cchc_batch_t *batch; /* assigned, being written */
    cchc_batch_t *done;  /* committed, waiting for collect */
    int index;
} writer_t;

struct cchc_writer_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool quit;
    int efd;
    writer_t *w;
    int n;
    int64_t reconnect_min_ms, reconnect_max_ms;
    uint64_t failures;
};

/* Waits up to ms, waking early if the pool is stopping. Called with mu held. */
static void nap(cchc_writer_pool_t *p, int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&p->cv, &p->mu, &ts);
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    cchc_writer_pool_t *p = w->pool;
    char err[600], q[700];
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && !w->batch)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit)
            break;
        cchc_batch_t *b = w->batch;
        int64_t t0 = cchc_mono_ms(), wait = p->reconnect_min_ms;
        int failures = 0;
        bool committed = false;
        while (!p->quit && !committed) {
            pthread_mutex_unlock(&p->mu);
            int rc = 0;
            if (!cchc_store_connected(w->store))
                rc = cchc_store_connect(w->store, err, sizeof err);
            if (rc == 0)
                rc = cchc_store_write(w->store, b->items, b->n, err, sizeof err);
            pthread_mutex_lock(&p->mu);
            if (rc == 0) {
                committed = true;
                break;
            }
            p->failures++;
            failures++;
            /* The first failures, then only as the wait doubles: no flood while down. */
            if (failures <= 3 || (failures & (failures - 1)) == 0)
                cchc_error("db_unavailable", "writer=%d attempt=%d retry_in_ms=%lld reports=%zu "
                           "error=%s action=\"holding the batch, not acknowledging\"",
                           w->index, failures, (long long)wait, b->n, cchc_log_quote(err, q, sizeof q));
            nap(p, wait);
            wait = wait * 2 > p->reconnect_max_ms ? p->reconnect_max_ms : wait * 2;
        }
        if (!committed)
            break; /* quitting: the batch is abandoned, never acknowledged */
        if (failures > 0)
            cchc_info("db_connected", "writer=%d after_attempts=%d", w->index, failures + 1);
        b->write_ms = cchc_mono_ms() - t0;
        w->batch = NULL;
        w->done = b;
        uint64_t one = 1;
        if (write(p->efd, &one, sizeof one) < 0) { /* cannot fail for an eventfd below 2^64-2 */ }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

cchc_writer_pool_t *cchc_writer_pool_new(const char *conninfo, int writers, int64_t reconnect_min_ms,
                                         int64_t reconnect_max_ms, char *err, size_t errlen)
{
    cchc_writer_pool_t *p = calloc(1, sizeof *p);
    if (!p) {
        cchc_errf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->reconnect_min_ms = reconnect_min_ms;
    p->reconnect_max_ms = reconnect_max_ms;
    p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    p->w = calloc((size_t)writers, sizeof *p->w);
    if (p->efd < 0 || !p->w) {
        cchc_errf(err, errlen, "cannot set up the writers: %s", strerror(errno));
        cchc_writer_pool_destroy(&p);
        return NULL;
    }
    for (int i = 0; i < writers; i++) {
        writer_t *w = &p->w[i];
        w->pool = p;
        w->index = i;
        w->store = cchc_store_new(conninfo);
        if (!w->store || pthread_create(&w->thread, NULL, writer_main, w) != 0) {
            cchc_errf(err, errlen, "cannot start writer %d", i);
            p->n = i + (w->store ? 1 : 0);
            cchc_writer_pool_destroy(&p);
            return NULL;
        }
        w->started = true;
        p->n = i + 1;
    }
    return p;
}

void cchc_writer_pool_destroy(cchc_writer_pool_t **pp)
{
    if (!pp || !*pp)
        return;
    cchc_writer_pool_t *p = *pp;
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n; i++) {
        if (p->w[i].started)
            pthread_join(p->w[i].thread, NULL);
        cchc_store_destroy(&p->w[i].store);
    }
    free(p->w);
    if (p->efd >= 0)
        close(p->efd);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    *pp = NULL;
}

int cchc_writer_pool_fd(const cchc_writer_pool_t *p)
{
    return p->efd;
}

bool cchc_writer_pool_submit(cchc_writer_pool_t *p, cchc_batch_t *b)
{
    bool taken = false;
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->n && !taken; i++) {
        writer_t *w = &p->w[i];
        if (!w->batch && !w->done) {
            w->batch = b;
            taken = true;
        }
    }
    if (taken)
        pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return taken;
}

cchc_batch_t *cchc_writer_pool_collect(cchc_writer_pool_t *p)
{
    uint64_t drained;
    if (read(p->efd, &drained, sizeof drained) < 0) { /* EAGAIN: nothing signalled; look anyway */ }
    cchc_batch_t *b = NULL;
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->n && !b; i++)
        if (p->w[i].done) {
            b = p->w[i].done;
            p->w[i].done = NULL;
        }
    pthread_mutex_unlock(&p->mu);
    return b;
}

size_t cchc_writer_pool_busy(cchc_writer_pool_t *p)
{
    size_t busy = 0;
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->n; i++)
        busy += p->w[i].batch || p->w[i].done;
    pthread_mutex_unlock(&p->mu);
    return busy;
}

uint64_t cchc_writer_pool_failures(cchc_writer_pool_t *p)
{
    pthread_mutex_lock(&p->mu);
    uint64_t f = p->failures;
    pthread_mutex_unlock(&p->mu);
    return f;
}
