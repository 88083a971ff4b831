/* The collector's event loop: ROUTER + ZAP, decode, validate, batch, write, ack after COMMIT. */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "auth.h"
#include "catalog.h"
#include "keys.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "validate.h"
#include "wire.h"
#include "writer.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define MONITOR_ENDPOINT "inproc://cchc-collector-monitor"
#define ROUTING_ID_MAX 256
#define AGENT_NAME_MAX 64

/* A report that passed validation and waits for its transaction. */
typedef struct {
    uint8_t rid[ROUTING_ID_MAX]; /* the ROUTER's id of the connection it came on */
    size_t rid_len;
    char agent[AGENT_NAME_MAX];
    Cchc__V1__Report *report; /* owned: freed with cchc__v1__report__free_unpacked */
    int64_t received_at_ms;   /* wall clock, stored */
    int64_t arrived_mono_ms;  /* for the batch timer */
} pending_t;

typedef struct {
    uint64_t received, accepted, duplicate, rejected, malformed, batches, db_failures;
    uint64_t acks_unroutable, auth_refused, handshake_failed, disconnected;
} counters_t;

typedef struct {
    const cchc_collector_config_t *cfg;
    void *zctx, *router, *zap, *monitor;
    cchc_store_t *store;
    cchc_catalog_t *catalog;
    cchc_auth_t *auth; /* enrolled agents; NULL until first loaded */
    /* reports waiting for a writer: a ring of max_pending slots */
    pending_t **ring;
    size_t cap, head, count; /* cap: max_pending plus room for one whole message */
    size_t limit;             /* max_pending: read no more while count + inflight reach it */
    size_t inflight; /* reports handed to the writers, not yet committed */
    struct job *jobs; /* their batches */
    cchc_writer_pool_t *pool;
    counters_t n;
    int64_t reconnect_at, reconnect_wait, reconnect_failures;
    int64_t catalog_at;
} server_t;

/* ---- ZAP: who may connect ---------------------------------------------------------- */

/* Answers one ZAP request (RFC 27): a CURVE client is admitted only if its public key
 * belongs to an enrolled, unrevoked agent, whose name becomes the connection's User-Id
 * (every report it sends carries it). Plaintext only with insecure_plaintext. */
static void zap_serve(server_t *s)
{
    zmq_msg_t part[7];
    int nparts = 0;
    bool more = true;
    while (more && nparts < 7) {
        zmq_msg_init(&part[nparts]);
        if (zmq_msg_recv(&part[nparts], s->zap, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part[nparts]);
            break;
        }
        more = zmq_msg_more(&part[nparts]);
        nparts++;
    }
    while (more) { /* a malformed request with too many frames: drain it */
        zmq_msg_t extra;
        zmq_msg_init(&extra);
        if (zmq_msg_recv(&extra, s->zap, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&extra);
            break;
        }
        more = zmq_msg_more(&extra);
        zmq_msg_close(&extra);
    }
    if (nparts < 6) {
        for (int i = 0; i < nparts; i++)
            zmq_msg_close(&part[i]);
        return;
    }
    char address[64] = "?";
    size_t alen = zmq_msg_size(&part[3]) < sizeof address - 1 ? zmq_msg_size(&part[3]) : sizeof address - 1;
    memcpy(address, zmq_msg_data(&part[3]), alen);
    address[alen] = '\0';
    const char *mech = zmq_msg_data(&part[5]);
    size_t mech_len = zmq_msg_size(&part[5]);
    char user[AGENT_NAME_MAX] = "";
    const char *status = "200", *text = "OK";
    if (mech_len == 5 && memcmp(mech, "CURVE", 5) == 0 && nparts >= 7 &&
        zmq_msg_size(&part[6]) == 32) {
        char z85[CCHC_Z85_KEY_LEN + 1];
        const char *name = NULL;
        zmq_z85_encode(z85, zmq_msg_data(&part[6]), 32);
        cchc_auth_result_t ar = s->auth ? cchc_auth_check_key(s->auth, z85, &name) : CCHC_AUTH_UNKNOWN;
        if (!s->auth) {
            /* No agent list yet (PostgreSQL not reached): a temporary refusal. */
            status = "300";
            text = "agent list not loaded yet";
        } else if (ar == CCHC_AUTH_OK) {
            snprintf(user, sizeof user, "%s", name);
        } else {
            status = "400";
            text = ar == CCHC_AUTH_REVOKED ? "agent revoked" : "unknown key";
            s->n.auth_refused++;
            cchc_warn("auth_refused", "peer=%s key=%s agent=%s reason=\"%s\"", address, z85,
                      name ? name : "-", text);
        }
    } else if (mech_len == 4 && memcmp(mech, "NULL", 4) == 0 && s->cfg->insecure_plaintext) {
        snprintf(user, sizeof user, "plaintext:%s", address);
    } else {
        status = "400";
        text = "mechanism not allowed";
        s->n.auth_refused++;
        cchc_warn("auth_refused", "peer=%s reason=\"mechanism %.*s not allowed\"", address,
                  (int)(mech_len < 16 ? mech_len : 16), mech);
    }
    /* reply: version, request id, status code, status text, user id, metadata */
    zmq_send(s->zap, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(s->zap, zmq_msg_data(&part[1]), zmq_msg_size(&part[1]), ZMQ_SNDMORE);
    zmq_send(s->zap, status, strlen(status), ZMQ_SNDMORE);
    zmq_send(s->zap, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(s->zap, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(s->zap, "", 0, 0);
    for (int i = 0; i < nparts; i++)
        zmq_msg_close(&part[i]);
}

/* ---- acknowledgements ---------------------------------------------------------------- */

/* Sends one AckBatch to one connection. An agent that is gone, or whose queue is full,
 * simply does not get it: it resends, and the resend is answered "duplicate". */
static void send_acks(server_t *s, const uint8_t *rid, size_t rid_len, Cchc__V1__Ack **acks,
                      size_t n)
{
    Cchc__V1__AckBatch batch = CCHC__V1__ACK_BATCH__INIT;
    batch.n_acks = n;
    batch.acks = acks;
    size_t len = cchc__v1__ack_batch__get_packed_size(&batch);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return;
    cchc__v1__ack_batch__pack(&batch, buf);
    if (zmq_send(s->router, rid, rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(s->router, CCHC_TYPE_ACK_BATCH, strlen(CCHC_TYPE_ACK_BATCH), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(s->router, buf, len, ZMQ_DONTWAIT) < 0)
        s->n.acks_unroutable += n;
    free(buf);
}

/* Rejects a report at once: nothing of it is stored, so there is no commit to wait for. */
static void reject_now(server_t *s, const uint8_t *rid, size_t rid_len, const char *agent,
                       const Cchc__V1__Report *r, const char *reason)
{
    char q[600];
    s->n.rejected++;
    cchc_warn("report_rejected", "agent=%s unit=%s seq=%llu reason=%s", agent,
              r->unit ? r->unit : "", r->key ? (unsigned long long)r->key->seq : 0ULL,
              cchc_log_quote(reason, q, sizeof q));
    if (!r->key)
        return; /* nothing to acknowledge it by */
    Cchc__V1__Ack ack = CCHC__V1__ACK__INIT;
    ack.key = r->key;
    ack.status = CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED;
    ack.reason = (char *)reason;
    Cchc__V1__Ack *acks[1] = {&ack};
    send_acks(s, rid, rid_len, acks, 1);
}

/* ---- reading reports ------------------------------------------------------------------ */

static void drop_rest(void *sock)
{
    int more = 1;
    size_t sz = sizeof more;
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz) == 0 && more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        zmq_msg_recv(&m, sock, ZMQ_DONTWAIT);
        zmq_msg_close(&m);
    }
}

_Static_assert(CCHC_REPORTS_PER_MESSAGE_MAX == 256, "the refusal message below names the limit");

/* Takes one serialized Report: decodes, validates and checks it, then queues it for a
 * batch or rejects it at once. Every report goes this way, alone or from a batch. */
static void take_report(server_t *s, const zmq_msg_t *rid, const char *agent, const char *peer,
                        const uint8_t *data, size_t len)
{
    Cchc__V1__Report *r = cchc__v1__report__unpack(NULL, len, data);
    if (!r) {
        s->n.malformed++;
        cchc_warn("message_malformed",
                  "agent=%s peer=%s reason=\"not a valid cchc.v1.Report\" bytes=%zu", agent,
                  peer ? peer : "?", len);
        return;
    }
    const uint8_t *rid_data = zmq_msg_data((zmq_msg_t *)rid);
    size_t rid_len = zmq_msg_size((zmq_msg_t *)rid);
    char reason[512];
    if (cchc_validate_report(s->catalog, r, cchc_now_ms() / 1000, reason, sizeof reason) != 0) {
        reject_now(s, rid_data, rid_len, agent, r, reason);
        cchc__v1__report__free_unpacked(r, NULL);
        return;
    }
    if (!s->cfg->insecure_plaintext) {
        cchc_auth_result_t ar = s->auth ? cchc_auth_check_unit(s->auth, agent, r->unit)
                                        : CCHC_AUTH_UNKNOWN;
        if (ar != CCHC_AUTH_OK) {
            if (ar == CCHC_AUTH_UNIT_NOT_ALLOWED)
                snprintf(reason, sizeof reason,
                         "unit_not_allowed: agent %s is not enrolled to report for unit %s",
                         agent, r->unit);
            else
                snprintf(reason, sizeof reason, "agent_revoked: agent %s is %s", agent,
                         ar == CCHC_AUTH_REVOKED ? "revoked" : "no longer enrolled");
            reject_now(s, rid_data, rid_len, agent, r, reason);
            cchc__v1__report__free_unpacked(r, NULL);
            return;
        }
    }
    pending_t *p = malloc(sizeof *p);
    if (!p) {
        /* Not acknowledged: the agent will send it again. */
        cchc__v1__report__free_unpacked(r, NULL);
        return;
    }
    p->rid_len = rid_len < ROUTING_ID_MAX ? rid_len : ROUTING_ID_MAX;
    memcpy(p->rid, rid_data, p->rid_len);
    memcpy(p->agent, agent, sizeof p->agent);
    p->report = r;
    p->received_at_ms = cchc_now_ms();
    p->arrived_mono_ms = cchc_mono_ms();
    s->ring[(s->head + s->count) % s->cap] = p;
    s->count++;
}

static bool type_is(const zmq_msg_t *type, const char *name)
{
    size_t n = strlen(name);
    return zmq_msg_size((zmq_msg_t *)type) == n && memcmp(zmq_msg_data((zmq_msg_t *)type), name, n) == 0;
}

/* Receives one message from the ROUTER: a Report or a ReportBatch. Returns the number
 * of reports it carried (0 if malformed), or -1 when there is no message. */
static int receive_one(server_t *s)
{
    zmq_msg_t rid, type, payload;
    zmq_msg_init(&rid);
    if (zmq_msg_recv(&rid, s->router, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&rid);
        return -1;
    }
    s->n.received++;
    int taken = 0;
    char agent[AGENT_NAME_MAX] = "unknown";
    const char *peer = NULL;
    zmq_msg_init(&type);
    zmq_msg_init(&payload);
    bool ok = zmq_msg_more(&rid) && zmq_msg_recv(&type, s->router, ZMQ_DONTWAIT) >= 0;
    if (ok) {
        /* Metadata rides on the frames the peer sent, not on the ROUTER's id frame. */
        const char *user = zmq_msg_gets(&type, "User-Id");
        peer = zmq_msg_gets(&type, "Peer-Address");
        if (user && *user)
            snprintf(agent, sizeof agent, "%s", user);
    }
    ok = ok && zmq_msg_more(&type) && zmq_msg_recv(&payload, s->router, ZMQ_DONTWAIT) >= 0 &&
         !zmq_msg_more(&payload);
    if (!ok) {
        drop_rest(s->router);
        s->n.malformed++;
        cchc_warn("message_malformed", "agent=%s peer=%s reason=\"expected 2 frames [type, payload]\"",
                  agent, peer ? peer : "?");
        goto out;
    }
    const uint8_t *data = zmq_msg_data(&payload);
    size_t len = zmq_msg_size(&payload);
    if (type_is(&type, CCHC_TYPE_REPORT)) {
        take_report(s, &rid, agent, peer, data, len);
        taken = 1;
    } else if (type_is(&type, CCHC_TYPE_REPORT_BATCH)) {
        Cchc__V1__ReportBatch *b = cchc__v1__report_batch__unpack(NULL, len, data);
        if (!b || b->n_reports > CCHC_REPORTS_PER_MESSAGE_MAX) {
            s->n.malformed++;
            cchc_warn("message_malformed",
                      "agent=%s peer=%s reason=\"%s\" bytes=%zu action=\"none of its reports "
                      "acknowledged\"", agent, peer ? peer : "?",
                      b ? "more reports in one cchc.v1.ReportBatch than the limit of 256"
                        : "not a valid cchc.v1.ReportBatch", len);
        } else {
            for (size_t i = 0; i < b->n_reports; i++)
                take_report(s, &rid, agent, peer, b->reports[i].data, b->reports[i].len);
            taken = (int)b->n_reports;
        }
        if (b)
            cchc__v1__report_batch__free_unpacked(b, NULL);
    } else {
        char t[64], q[160];
        size_t tl = zmq_msg_size(&type) < sizeof t - 1 ? zmq_msg_size(&type) : sizeof t - 1;
        memcpy(t, zmq_msg_data(&type), tl);
        t[tl] = '\0';
        s->n.malformed++;
        cchc_warn("message_malformed", "agent=%s peer=%s reason=\"unknown message type\" type=%s",
                  agent, peer ? peer : "?", cchc_log_quote(t, q, sizeof q));
    }
out:
    zmq_msg_close(&rid);
    zmq_msg_close(&type);
    zmq_msg_close(&payload);
    return taken;
}

/* ---- writing batches ------------------------------------------------------------------- */

static void db_lost(server_t *s, const char *err)
{
    char q[600];
    s->n.db_failures++;
    cchc_error("db_unavailable", "error=%s pending=%zu action=\"holding reports, not acknowledging\"",
               cchc_log_quote(err, q, sizeof q), s->count);
    s->reconnect_at = cchc_mono_ms();
    s->reconnect_wait = s->cfg->reconnect_min_ms;
    s->reconnect_failures = 0;
}

/* A batch handed to a writer: the reports it takes out of the ring, and their items. */
typedef struct job {
    cchc_batch_t b;
    pending_t **p;
    struct job *prev, *next; /* the server's list of batches in the writers' hands */
} job_t;

static void free_job(job_t *j)
{
    for (size_t i = 0; i < j->b.n; i++) {
        cchc__v1__report__free_unpacked(j->p[i]->report, NULL);
        free(j->p[i]);
    }
    free(j->p);
    free(j->b.items);
    free(j);
}

/* Hands the oldest pending reports (at most batch_size) to an idle writer. Returns
 * false if every writer is busy (or out of memory: the reports stay pending). */
static bool dispatch_one_batch(server_t *s)
{
    size_t n = s->count < (size_t)s->cfg->batch_size ? s->count : (size_t)s->cfg->batch_size;
    job_t *j = calloc(1, sizeof *j);
    if (!j)
        return false;
    j->p = calloc(n, sizeof *j->p);
    j->b.items = calloc(n, sizeof *j->b.items);
    j->b.n = n;
    j->b.owner = j;
    if (!j->p || !j->b.items) {
        free(j->p);
        free(j->b.items);
        free(j);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        pending_t *p = s->ring[(s->head + i) % s->cap];
        j->p[i] = p;
        j->b.items[i].report = p->report;
        j->b.items[i].agent = p->agent;
        j->b.items[i].received_at_ms = p->received_at_ms;
    }
    if (!cchc_writer_pool_submit(s->pool, &j->b)) {
        free(j->p);
        free(j->b.items);
        free(j);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        s->ring[s->head] = NULL;
        s->head = (s->head + 1) % s->cap;
    }
    s->count -= n;
    s->inflight += n;
    j->next = s->jobs;
    if (s->jobs)
        s->jobs->prev = j;
    s->jobs = j;
    return true;
}

/* A batch has committed: acknowledge its reports, one AckBatch per connection. */
static void settle_batch(server_t *s, job_t *j)
{
    size_t n = j->b.n;
    cchc_store_item_t *items = j->b.items;
    Cchc__V1__Ack *ackv = calloc(n, sizeof *ackv);
    Cchc__V1__Ack **ackp = calloc(n, sizeof *ackp);
    bool *done = calloc(n, sizeof *done);
    size_t accepted = 0, duplicate = 0, rejected = 0;
    for (size_t i = 0; i < n; i++) {
        switch (items[i].status) {
        case CCHC__V1__ACK_STATUS__ACK_STATUS_ACCEPTED: accepted++; break;
        case CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE: duplicate++; break;
        default: {
            char q[600];
            rejected++;
            cchc_warn("report_rejected", "agent=%s unit=%s seq=%llu reason=%s", items[i].agent,
                      items[i].report->unit, (unsigned long long)items[i].report->key->seq,
                      cchc_log_quote(items[i].reason, q, sizeof q));
        }
        }
    }
    if (ackv && ackp && done) {
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            const pending_t *pi = j->p[i];
            size_t m = 0;
            for (size_t k = i; k < n; k++) {
                const pending_t *pk = j->p[k];
                if (done[k] || pk->rid_len != pi->rid_len || memcmp(pk->rid, pi->rid, pi->rid_len))
                    continue;
                done[k] = true;
                cchc__v1__ack__init(&ackv[m]);
                ackv[m].key = items[k].report->key;
                ackv[m].status = items[k].status;
                ackv[m].reason = items[k].reason;
                ackp[m] = &ackv[m];
                m++;
            }
            send_acks(s, pi->rid, pi->rid_len, ackp, m);
        }
    }
    free(ackv);
    free(ackp);
    free(done);
    s->n.batches++;
    s->n.accepted += accepted;
    s->n.duplicate += duplicate;
    s->n.rejected += rejected;
    cchc_debug("batch_committed", "reports=%zu accepted=%zu duplicate=%zu rejected=%zu ms=%lld", n,
               accepted, duplicate, rejected, (long long)j->b.write_ms);
    s->inflight -= n;
    if (j->prev)
        j->prev->next = j->next;
    else
        s->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    free_job(j);
}

static void settle_committed(server_t *s)
{
    cchc_batch_t *b;
    while ((b = cchc_writer_pool_collect(s->pool)) != NULL)
        settle_batch(s, b->owner);
}

/* ---- the database connection ------------------------------------------------------------- */

static void try_connect(server_t *s)
{
    char err[600], q[700];
    if (cchc_store_connect(s->store, err, sizeof err) != 0) {
        s->reconnect_failures++;
        /* Log the first failures, then only as the wait doubles: no flood while down. */
        if (s->reconnect_failures <= 3 || (s->reconnect_failures & (s->reconnect_failures - 1)) == 0)
            cchc_warn("db_connect_failed", "attempt=%lld retry_in_ms=%lld error=%s",
                      (long long)s->reconnect_failures, (long long)s->reconnect_wait,
                      cchc_log_quote(err, q, sizeof q));
        s->reconnect_at = cchc_mono_ms() + s->reconnect_wait;
        s->reconnect_wait *= 2;
        if (s->reconnect_wait > s->cfg->reconnect_max_ms)
            s->reconnect_wait = s->cfg->reconnect_max_ms;
        return;
    }
    cchc_info("db_connected", "after_attempts=%lld", (long long)s->reconnect_failures + 1);
    s->reconnect_failures = 0;
    s->reconnect_wait = s->cfg->reconnect_min_ms;
    s->catalog_at = 0; /* reload now */
}

static void refresh_catalog(server_t *s)
{
    cchc_catalog_t *cat = NULL;
    char err[600], q[700];
    if (cchc_store_load_catalog(s->store, &cat, err, sizeof err) != 0) {
        cchc_warn("catalog_load_failed", "error=%s", cchc_log_quote(err, q, sizeof q));
        s->catalog_at = cchc_mono_ms() + s->cfg->reconnect_min_ms;
        return;
    }
    if (!s->catalog)
        cchc_info("catalog_loaded", "units=%zu indicators=%zu", cchc_catalog_unit_count(cat),
                  cchc_catalog_indicator_count(cat));
    cchc_auth_t *auth = NULL;
    if (cchc_store_load_agents(s->store, &auth, err, sizeof err) != 0) {
        cchc_warn("agents_load_failed", "error=%s", cchc_log_quote(err, q, sizeof q));
        cchc_catalog_destroy(&cat);
        s->catalog_at = cchc_mono_ms() + s->cfg->reconnect_min_ms;
        return;
    }
    if (!s->catalog || !s->auth || cchc_auth_agent_count(auth) != cchc_auth_agent_count(s->auth))
        cchc_info("agents_loaded", "agents=%zu", cchc_auth_agent_count(auth));
    cchc_catalog_destroy(&s->catalog);
    cchc_auth_destroy(&s->auth);
    s->catalog = cat;
    s->auth = auth;
    s->catalog_at = cchc_mono_ms() + s->cfg->catalog_refresh_ms;
}

/* Handles one event of the ROUTER's monitor: handshakes that failed (plaintext or
 * garbage at a CURVE port, a wrong server key) and dropped connections (among them,
 * messages over max_message_size). libzmq names only our own endpoint here; the
 * peer of a refused key is logged by the ZAP handler. */
static void monitor_event(server_t *s)
{
    uint16_t event;
    uint32_t value;
    if (cchc_monitor_recv(s->monitor, &event, &value) != 0)
        return;
    switch (event) {
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        if (value == ECONNRESET || value == EPIPE) {
            /* The peer went away mid-handshake (an agent that stopped at once): no attack. */
            s->n.disconnected++;
            cchc_debug("handshake_abandoned", "errno=%u", (unsigned)value);
            break;
        }
        /* fall through */
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        s->n.handshake_failed++;
        cchc_warn("handshake_failed", "reason=\"%s\" code=%u note=\"not a CURVE client with "
                  "this collector's key, or not ZeroMQ at all\"",
                  event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ? "protocol error" : "no detail",
                  (unsigned)value);
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        s->n.handshake_failed++;
        break; /* already logged by the ZAP handler, with the peer and the key */
    case ZMQ_EVENT_DISCONNECTED:
        s->n.disconnected++;
        cchc_debug("disconnected", "fd=%u", (unsigned)value);
        break;
    default:
        break;
    }
}

/* ---- setup and loop ---------------------------------------------------------------------- */

static void log_stats(const server_t *s, const char *event)
{
    cchc_info(event,
              "received=%llu accepted=%llu duplicate=%llu rejected=%llu malformed=%llu "
              "batches=%llu db_failures=%llu acks_unroutable=%llu auth_refused=%llu "
              "handshake_failed=%llu disconnected=%llu pending=%zu",
              (unsigned long long)s->n.received, (unsigned long long)s->n.accepted,
              (unsigned long long)s->n.duplicate, (unsigned long long)s->n.rejected,
              (unsigned long long)s->n.malformed, (unsigned long long)s->n.batches,
              (unsigned long long)(s->n.db_failures + (s->pool ? cchc_writer_pool_failures(s->pool) : 0)),
              (unsigned long long)s->n.acks_unroutable,
              (unsigned long long)s->n.auth_refused, (unsigned long long)s->n.handshake_failed,
              (unsigned long long)s->n.disconnected, s->count);
}

static int write_endpoint_file(const char *path, const char *endpoint)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "we");
    if (!f)
        return -1;
    fprintf(f, "%s\n", endpoint);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

static int setup_sockets(server_t *s)
{
    const cchc_collector_config_t *cfg = s->cfg;
    char err[600];
    s->zctx = zmq_ctx_new();
    s->zap = zmq_socket(s->zctx, ZMQ_REP);
    if (zmq_bind(s->zap, ZAP_ENDPOINT) != 0) {
        cchc_error("startup_failed", "reason=\"cannot bind the ZAP handler: %s\"",
                   zmq_strerror(zmq_errno()));
        return -1;
    }
    s->router = zmq_socket(s->zctx, ZMQ_ROUTER);
    int one = 1, linger = 2000;
    int64_t maxmsg = cfg->max_message_size;
    zmq_setsockopt(s->router, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(s->router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s->router, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    int rcvhwm = (int)cfg->connection_queue; /* per connection: see connection_queue's help */
    zmq_setsockopt(s->router, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    int backlog = (int)cfg->listen_backlog;
    zmq_setsockopt(s->router, ZMQ_BACKLOG, &backlog, sizeof backlog);
    zmq_setsockopt(s->router, ZMQ_ZAP_DOMAIN, "cchc", 4);
    if (cfg->insecure_plaintext) {
        cchc_warn("insecure_plaintext",
                  "warning=\"CURVE is OFF: reports travel unencrypted and any client is "
                  "accepted. Development only; never in production.\"");
    } else {
        if (!cfg->secret_key_file || !*cfg->secret_key_file) {
            cchc_error("startup_failed",
                       "reason=\"no [collector] secret_key_file set\" fix=\"create one with "
                       "'cchc-collector keygen --out collector' and set secret_key_file\"");
            return -1;
        }
        char sec[CCHC_Z85_KEY_LEN + 1], pub[CCHC_Z85_KEY_LEN + 1], q[700];
        if (cchc_keys_load_secret(cfg->secret_key_file, sec, pub, err, sizeof err) != 0) {
            cchc_error("startup_failed", "reason=%s", cchc_log_quote(err, q, sizeof q));
            return -1;
        }
        zmq_setsockopt(s->router, ZMQ_CURVE_SERVER, &one, sizeof one);
        zmq_setsockopt(s->router, ZMQ_CURVE_SECRETKEY, sec, CCHC_Z85_KEY_LEN);
        memset(sec, 0, sizeof sec);
        cchc_info("curve_on", "public_key=%s", pub);
    }
    if (zmq_socket_monitor(s->router, MONITOR_ENDPOINT,
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_DISCONNECTED) != 0) {
        cchc_error("startup_failed", "reason=\"cannot monitor the socket: %s\"",
                   zmq_strerror(zmq_errno()));
        return -1;
    }
    s->monitor = zmq_socket(s->zctx, ZMQ_PAIR);
    zmq_connect(s->monitor, MONITOR_ENDPOINT);
    if (zmq_bind(s->router, cfg->listen) != 0) {
        cchc_error("startup_failed", "reason=\"cannot listen on %s: %s\"", cfg->listen,
                   zmq_strerror(zmq_errno()));
        return -1;
    }
    char endpoint[256];
    size_t elen = sizeof endpoint;
    zmq_getsockopt(s->router, ZMQ_LAST_ENDPOINT, endpoint, &elen);
    cchc_info("listening", "endpoint=%s", endpoint);
    if (cfg->endpoint_file && *cfg->endpoint_file &&
        write_endpoint_file(cfg->endpoint_file, endpoint) != 0) {
        cchc_error("startup_failed", "reason=\"cannot write endpoint_file %s: %s\"",
                   cfg->endpoint_file, strerror(errno));
        return -1;
    }
    return 0;
}

static void teardown(server_t *s)
{
    /* Batches still in the writers' hands are abandoned (never acknowledged: the
     * agents send them again); the writers stop first so nothing touches them. */
    cchc_writer_pool_destroy(&s->pool);
    while (s->jobs) {
        job_t *j = s->jobs;
        s->jobs = j->next;
        free_job(j);
    }
    while (s->count > 0) {
        pending_t *p = s->ring[s->head];
        cchc__v1__report__free_unpacked(p->report, NULL);
        free(p);
        s->head = (s->head + 1) % s->cap;
        s->count--;
    }
    free(s->ring);
    if (s->router)
        zmq_close(s->router);
    if (s->zap)
        zmq_close(s->zap);
    if (s->monitor)
        zmq_close(s->monitor);
    if (s->zctx)
        zmq_ctx_term(s->zctx);
    cchc_store_destroy(&s->store);
    cchc_catalog_destroy(&s->catalog);
    cchc_auth_destroy(&s->auth);
}

int cchc_server_run(const cchc_collector_config_t *cfg, volatile sig_atomic_t *stop)
{
    server_t s = {.cfg = cfg};
    s.limit = (size_t)cfg->max_pending;
    s.cap = s.limit + CCHC_REPORTS_PER_MESSAGE_MAX;
    s.ring = calloc(s.cap, sizeof *s.ring);
    s.store = cchc_store_new(cfg->conninfo);
    char perr[256];
    s.pool = cchc_writer_pool_new(cfg->conninfo, (int)cfg->writers, cfg->reconnect_min_ms,
                                  cfg->reconnect_max_ms, perr, sizeof perr);
    if (!s.ring || !s.store || !s.pool) {
        cchc_error("startup_failed", "reason=\"%s\"", s.pool ? "out of memory" : perr);
        teardown(&s);
        return 1;
    }
    if (setup_sockets(&s) != 0) {
        teardown(&s);
        return 1;
    }
    s.reconnect_wait = cfg->reconnect_min_ms;
    s.reconnect_at = cchc_mono_ms();
    int64_t stats_at = cchc_mono_ms() + cfg->stats_interval_ms;
    int64_t give_up_at = 0;

    for (;;) {
        int64_t now = cchc_mono_ms();
        if (*stop && give_up_at == 0) {
            give_up_at = now + cfg->shutdown_grace_ms;
            cchc_info("stopping", "pending=%zu", s.count + s.inflight);
        }
        settle_committed(&s);
        if (give_up_at && ((s.count == 0 && s.inflight == 0) || now >= give_up_at))
            break;

        /* The control connection: catalogue, agents, notifications. Writers have their own. */
        if (!cchc_store_connected(s.store) && now >= s.reconnect_at)
            try_connect(&s);
        if (cchc_store_connected(s.store) && (now >= s.catalog_at || !s.catalog))
            refresh_catalog(&s);

        /* Hand batches to idle writers while one is full, old enough, or we are stopping. */
        while (s.count > 0) {
            pending_t *oldest = s.ring[s.head];
            bool due = s.count >= (size_t)cfg->batch_size || give_up_at ||
                       cchc_mono_ms() - oldest->arrived_mono_ms >= cfg->batch_time_ms;
            if (!due || !dispatch_one_batch(&s))
                break;
        }

        now = cchc_mono_ms();
        if (now >= stats_at) {
            log_stats(&s, "stats");
            stats_at = now + cfg->stats_interval_ms;
        }

        /* Read only while there is room and a catalogue to validate against: past
         * max_pending (waiting plus being written), reports wait in ZeroMQ's queues and
         * then in the agents' spools. */
        bool reading = !give_up_at && s.catalog && s.count + s.inflight < s.limit;
        int dbfd = cchc_store_socket(s.store);
        zmq_pollitem_t items[5] = {{s.zap, 0, ZMQ_POLLIN, 0},
                                   {s.monitor, 0, ZMQ_POLLIN, 0},
                                   {NULL, cchc_writer_pool_fd(s.pool), ZMQ_POLLIN, 0},
                                   {NULL, dbfd, ZMQ_POLLIN, 0},
                                   {s.router, 0, ZMQ_POLLIN, 0}};
        int nitems = reading ? 5 : 4;
        if (dbfd < 0) { /* no control connection: leave it out, keep the router last */
            items[3] = items[4];
            nitems--;
        }
        int64_t timeout = 1000;
        if (s.count > 0) {
            int64_t left = s.ring[s.head]->arrived_mono_ms + cfg->batch_time_ms - now;
            timeout = left < 0 ? 0 : left;
            /* A due batch waiting for a writer: the writer's eventfd wakes us. */
            if (timeout == 0)
                timeout = 1000;
        }
        if (!cchc_store_connected(s.store)) {
            int64_t left = s.reconnect_at - now;
            timeout = left < 0 ? 0 : (left < timeout ? left : timeout);
        }
        if (give_up_at)
            timeout = 100;
        int rc = zmq_poll(items, nitems, (long)timeout);
        if (rc < 0) {
            if (zmq_errno() == EINTR)
                continue;
            cchc_error("poll_failed", "error=\"%s\"", zmq_strerror(zmq_errno()));
            break;
        }
        if (items[1].revents & ZMQ_POLLIN)
            monitor_event(&s);
        if (dbfd >= 0 && (items[3].revents & ZMQ_POLLIN)) {
            /* Agents changed (NOTIFY cchc_agent): re-read them before the next report. */
            char err[600];
            int ch = cchc_store_poll_changes(s.store, err, sizeof err);
            if (ch < 0)
                db_lost(&s, err);
            else if (ch > 0)
                refresh_catalog(&s);
        }
        if (items[0].revents & ZMQ_POLLIN)
            zap_serve(&s);
        if (reading && (items[nitems - 1].revents & ZMQ_POLLIN)) {
            /* Drain what is queued, up to a batch, so one agent cannot starve the timer. */
            int64_t got = 0;
            while (got < cfg->batch_size && s.count + s.inflight < s.limit) {
                int n = receive_one(&s);
                if (n < 0)
                    break;
                got += n > 0 ? n : 1;
            }
        }
    }
    if (s.count + s.inflight > 0)
        cchc_warn("stopped_with_pending", "pending=%zu note=\"not acknowledged; the agents resend them\"",
                  s.count + s.inflight);
    log_stats(&s, "stopped");
    teardown(&s);
    return 0;
}
