/* The collector's side of PostgreSQL: catalogue, batched writes, one transaction per batch. */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "util.h"

struct cchc_store {
    char *conninfo;
    PGconn *conn;
};

/* The key of a report decides duplicates: insert every new key, skip every known one.
 * Arrays travel as text literals through unnest(), so one statement inserts a batch. */
static const char INSERT_SQL[] =
    "INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year,"
    " period_index, observed_at, received_at, is_final, note)"
    " SELECT s, q, a, u, k, y, i, to_timestamp(o), to_timestamp(r / 1000.0), f, n"
    " FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::int2[], $6::int2[],"
    "             $7::int2[], $8::int8[], $9::int8[], $10::bool[], $11::text[])"
    "      AS t(s, q, a, u, k, y, i, o, r, f, n)"
    " ON CONFLICT (spool_id, seq) DO NOTHING"
    " RETURNING id, spool_id, seq";

/* ---- a growing text buffer ------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} buf_t;

static void buf_reserve(buf_t *b, size_t more)
{
    if (b->oom || b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void buf_add(buf_t *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(buf_t *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Appends s as a quoted element of a PostgreSQL array literal. */
static void buf_add_array_text(buf_t *b, const char *s)
{
    buf_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_add(b, "\\", 1);
        buf_add(b, p, 1);
    }
    buf_add(b, "\"", 1);
}

/* ---- connection ------------------------------------------------------------------ */

cchc_store_t *cchc_store_new(const char *conninfo)
{
    cchc_store_t *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->conninfo = strdup(conninfo ? conninfo : "");
    if (!st->conninfo) {
        free(st);
        return NULL;
    }
    return st;
}

void cchc_store_destroy(cchc_store_t **pst)
{
    if (!pst || !*pst)
        return;
    cchc_store_t *st = *pst;
    if (st->conn)
        PQfinish(st->conn);
    free(st->conninfo);
    free(st);
    *pst = NULL;
}

bool cchc_store_connected(const cchc_store_t *st)
{
    return st->conn && PQstatus(st->conn) == CONNECTION_OK;
}

/* libpq's messages end in a newline and may span lines; a log line must not. */
static void one_line(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}

int cchc_store_connect(cchc_store_t *st, char *err, size_t errlen)
{
    if (st->conn) {
        PQfinish(st->conn);
        st->conn = NULL;
    }
    st->conn = PQconnectdb(st->conninfo);
    if (PQstatus(st->conn) != CONNECTION_OK) {
        /* libpq's message names host and user, never the password. */
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(st->conn));
        one_line(err);
        PQfinish(st->conn);
        st->conn = NULL;
        return -1;
    }
    PGresult *res = PQexec(st->conn, "SET application_name = 'cchc-collector'");
    PQclear(res);
    /* Agents revoked or enrolled elsewhere reach us at once, not at the next refresh. */
    res = PQexec(st->conn, "LISTEN cchc_agent");
    PQclear(res);
    res = PQprepare(st->conn, "insert_submissions", INSERT_SQL, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        snprintf(err, errlen,
                 "PostgreSQL refused the collector's statements: %s (has 'cchc-collector "
                 "migrate' been run on this database?)",
                 PQresultErrorMessage(res));
        one_line(err);
        PQclear(res);
        PQfinish(st->conn);
        st->conn = NULL;
        return -1;
    }
    PQclear(res);
    return 0;
}

int cchc_store_load_catalog(cchc_store_t *st, cchc_catalog_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!cchc_store_connected(st)) {
        snprintf(err, errlen, "not connected to PostgreSQL");
        return -1;
    }
    cchc_catalog_t *cat = cchc_catalog_new();
    PGresult *ind = PQexec(st->conn, "SELECT code, part_of FROM indicator ORDER BY sort_order, code");
    PGresult *units = PQexec(st->conn, "SELECT code FROM unit ORDER BY code");
    int rc = -1;
    if (!cat) {
        snprintf(err, errlen, "out of memory");
    } else if (PQresultStatus(ind) != PGRES_TUPLES_OK || PQresultStatus(units) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read the catalogue: %s",
                 PQresultStatus(ind) != PGRES_TUPLES_OK ? PQresultErrorMessage(ind)
                                                        : PQresultErrorMessage(units));
        one_line(err);
    } else {
        rc = 0;
        for (int i = 0; i < PQntuples(ind) && rc == 0; i++) {
            const char *part_of = PQgetisnull(ind, i, 1) ? NULL : PQgetvalue(ind, i, 1);
            rc = cchc_catalog_add_indicator(cat, PQgetvalue(ind, i, 0), part_of);
        }
        for (int i = 0; i < PQntuples(units) && rc == 0; i++)
            rc = cchc_catalog_add_unit(cat, PQgetvalue(units, i, 0));
        if (rc != 0)
            snprintf(err, errlen, "the catalogue in PostgreSQL holds a code the collector cannot use");
    }
    PQclear(ind);
    PQclear(units);
    if (rc != 0) {
        cchc_catalog_destroy(&cat);
        return -1;
    }
    *out = cat;
    return 0;
}

int cchc_store_load_agents(cchc_store_t *st, cchc_auth_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!cchc_store_connected(st)) {
        snprintf(err, errlen, "not connected to PostgreSQL");
        return -1;
    }
    cchc_auth_t *a = cchc_auth_new();
    PGresult *ag = PQexec(st->conn, "SELECT name, public_key, revoked_at IS NOT NULL FROM agent");
    PGresult *al = PQexec(st->conn, "SELECT agent_name, unit_code FROM agent_allowed_unit");
    int rc = -1;
    if (!a) {
        snprintf(err, errlen, "out of memory");
    } else if (PQresultStatus(ag) != PGRES_TUPLES_OK || PQresultStatus(al) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read the enrolled agents: %s",
                 PQresultStatus(ag) != PGRES_TUPLES_OK ? PQresultErrorMessage(ag)
                                                       : PQresultErrorMessage(al));
        one_line(err);
    } else {
        rc = 0;
        for (int i = 0; i < PQntuples(ag) && rc == 0; i++)
            rc = cchc_auth_add_agent(a, PQgetvalue(ag, i, 0), PQgetvalue(ag, i, 1),
                                     PQgetvalue(ag, i, 2)[0] == 't');
        for (int i = 0; i < PQntuples(al) && rc == 0; i++)
            rc = cchc_auth_allow(a, PQgetvalue(al, i, 0), PQgetvalue(al, i, 1));
        if (rc != 0)
            snprintf(err, errlen, "out of memory loading the enrolled agents");
    }
    PQclear(ag);
    PQclear(al);
    if (rc != 0) {
        cchc_auth_destroy(&a);
        return -1;
    }
    *out = a;
    return 0;
}

int cchc_store_socket(const cchc_store_t *st)
{
    return cchc_store_connected(st) ? PQsocket(st->conn) : -1;
}

int cchc_store_poll_changes(cchc_store_t *st, char *err, size_t errlen)
{
    if (!cchc_store_connected(st) || PQconsumeInput(st->conn) != 1 ||
        PQstatus(st->conn) != CONNECTION_OK) {
        snprintf(err, errlen, "connection lost: %s", st->conn ? PQerrorMessage(st->conn) : "");
        one_line(err);
        return -1;
    }
    int changed = 0;
    PGnotify *n;
    while ((n = PQnotifies(st->conn)) != NULL) {
        changed = 1;
        PQfreemem(n);
    }
    return changed;
}

/* ---- batched write --------------------------------------------------------------- */

/* Index of items by report key, so the keys RETURNING hands back find their item. */
typedef struct {
    size_t *slot; /* item index + 1; 0 = empty */
    size_t mask;
} keymap_t;

static uint64_t key_hash(const uint8_t *id, uint64_t seq)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 16; i++)
        h = (h ^ id[i]) * 1099511628211ULL;
    h = (h ^ seq) * 1099511628211ULL;
    return h ^ (h >> 29);
}

static bool key_equal(const Cchc__V1__ReportKey *k, const uint8_t *id, uint64_t seq)
{
    return k->seq == seq && k->spool_id.len == 16 && memcmp(k->spool_id.data, id, 16) == 0;
}

/* Finds the item with this key, or inserts `insert` (an item index) if absent.
 * Returns the index found, or SIZE_MAX when inserted / not found. */
static size_t keymap_find(keymap_t *m, const cchc_store_item_t *items, const uint8_t *id,
                          uint64_t seq, size_t insert)
{
    for (size_t i = key_hash(id, seq) & m->mask;; i = (i + 1) & m->mask) {
        if (m->slot[i] == 0) {
            if (insert != SIZE_MAX)
                m->slot[i] = insert + 1;
            return SIZE_MAX;
        }
        size_t it = m->slot[i] - 1;
        if (key_equal(items[it].report->key, id, seq))
            return it;
    }
}

/* Is this failure about the data (retrying the same batch would fail again) rather
 * than the connection or the server's state? SQLSTATE classes 22 (data exception)
 * and 23 (integrity constraint violation). */
static bool data_error(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0);
}

typedef enum { TX_OK, TX_RETRY, TX_DATA } tx_result_t;

static tx_result_t fail_tx(cchc_store_t *st, PGresult *res, const char *what, char *err,
                           size_t errlen)
{
    bool data = data_error(res);
    snprintf(err, errlen, "%s: %s", what,
             res ? PQresultErrorMessage(res) : PQerrorMessage(st->conn));
    one_line(err);
    PQclear(res);
    if (PQstatus(st->conn) == CONNECTION_OK)
        PQclear(PQexec(st->conn, "ROLLBACK"));
    return data ? TX_DATA : TX_RETRY;
}

/* One transaction for the items whose index is in idx[0..m) (all distinct keys).
 * Sets their status to ACCEPTED or DUPLICATE only if it commits. */
/* Marks REJECTED, and drops from idx, the items whose agent was revoked before this
 * transaction began (READ COMMITTED: every revocation committed so far is seen).
 * The cached agent list could be a notification behind; this cannot. */
static tx_result_t drop_revoked(cchc_store_t *st, cchc_store_item_t *items, size_t *idx,
                                size_t *m, char *err, size_t errlen)
{
    buf_t names = {0};
    buf_add(&names, "{", 1);
    for (size_t j = 0; j < *m; j++) {
        if (j)
            buf_add(&names, ",", 1);
        buf_add_array_text(&names, items[idx[j]].agent);
    }
    buf_add(&names, "}", 1);
    if (names.oom) {
        free(names.p);
        snprintf(err, errlen, "out of memory");
        return fail_tx(st, NULL, "checking revocations", err, errlen);
    }
    const char *params[1] = {names.p};
    PGresult *res = PQexecParams(st->conn,
                                 "SELECT name FROM agent WHERE revoked_at IS NOT NULL"
                                 " AND name = ANY($1::text[])",
                                 1, NULL, params, NULL, NULL, 0);
    free(names.p);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        return fail_tx(st, res, "checking revocations", err, errlen);
    if (PQntuples(res) > 0) {
        size_t kept = 0;
        for (size_t j = 0; j < *m; j++) {
            cchc_store_item_t *it = &items[idx[j]];
            bool revoked = false;
            for (int row = 0; row < PQntuples(res) && !revoked; row++)
                revoked = strcmp(PQgetvalue(res, row, 0), it->agent) == 0;
            if (revoked) {
                it->status = CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED;
                snprintf(it->reason, sizeof it->reason, "agent_revoked: agent %s was revoked",
                         it->agent);
            } else {
                idx[kept++] = idx[j];
            }
        }
        *m = kept;
    }
    PQclear(res);
    return TX_OK;
}

/* Appends the report columns of items idx[0..m) to the 11 array literals. */
static bool build_columns(const cchc_store_item_t *items, const size_t *idx, size_t m, buf_t col[11])
{
    for (int c = 0; c < 11; c++)
        buf_add(&col[c], "{", 1);
    for (size_t j = 0; j < m; j++) {
        const cchc_store_item_t *it = &items[idx[j]];
        const Cchc__V1__Report *r = it->report;
        const char *sep = j ? "," : "";
        char uuid[37];
        cchc_uuid_format(r->key->spool_id.data, uuid);
        buf_printf(&col[0], "%s%s", sep, uuid);
        buf_printf(&col[1], "%s%llu", sep, (unsigned long long)r->key->seq);
        buf_add(&col[2], sep, strlen(sep));
        buf_add_array_text(&col[2], it->agent);
        buf_add(&col[3], sep, strlen(sep));
        buf_add_array_text(&col[3], r->unit);
        buf_printf(&col[4], "%s%d", sep, (int)r->period->kind);
        buf_printf(&col[5], "%s%u", sep, r->period->year);
        buf_printf(&col[6], "%s%u", sep, r->period->index);
        buf_printf(&col[7], "%s%lld", sep, (long long)r->observed_at);
        buf_printf(&col[8], "%s%lld", sep, (long long)it->received_at_ms);
        buf_printf(&col[9], "%s%s", sep, r->final ? "t" : "f");
        buf_add(&col[10], sep, strlen(sep));
        buf_add_array_text(&col[10], r->note ? r->note : "");
    }
    bool oom = false;
    for (int c = 0; c < 11; c++) {
        buf_add(&col[c], "}", 1);
        oom |= col[c].oom;
    }
    return !oom;
}

/* One transaction for the items whose index is in idx_in[0..m) (all distinct keys).
 * Sets their status only if it commits. */
static tx_result_t write_tx(cchc_store_t *st, cchc_store_item_t *items, const size_t *idx_in,
                            size_t m, char *err, size_t errlen)
{
    buf_t col[11] = {{0}};
    const char *params[11];
    tx_result_t rc = TX_RETRY;
    PGresult *res = NULL;
    buf_t copy = {0};
    size_t *idx = malloc((m ? m : 1) * sizeof *idx); /* drop_revoked shortens it */
    if (!idx) {
        snprintf(err, errlen, "out of memory");
        return TX_RETRY;
    }
    memcpy(idx, idx_in, m * sizeof *idx);

    res = PQexec(st->conn, "BEGIN");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail_tx(st, res, "BEGIN", err, errlen);
        res = NULL;
        goto done;
    }
    PQclear(res);
    res = NULL;
    if ((rc = drop_revoked(st, items, idx, &m, err, errlen)) != TX_OK)
        goto done;
    rc = TX_RETRY;
    if (!build_columns(items, idx, m, col)) {
        snprintf(err, errlen, "out of memory building a batch of %zu reports", m);
        rc = fail_tx(st, NULL, "building a batch", err, errlen);
        goto done;
    }
    for (int c = 0; c < 11; c++)
        params[c] = col[c].p;

    res = PQexecPrepared(st->conn, "insert_submissions", 11, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = fail_tx(st, res, "inserting reports", err, errlen);
        res = NULL;
        goto done;
    }

    /* Every key RETURNING names was new: its figures follow by COPY. The others
     * were stored by an earlier delivery. */
    size_t cap = 16;
    while (cap < m * 2)
        cap *= 2;
    keymap_t map = {calloc(cap, sizeof(size_t)), cap - 1};
    if (!map.slot) {
        snprintf(err, errlen, "out of memory");
        rc = fail_tx(st, res, "indexing a batch", err, errlen);
        res = NULL;
        goto done;
    }
    for (size_t j = 0; j < m; j++) {
        const Cchc__V1__ReportKey *k = items[idx[j]].report->key;
        keymap_find(&map, items, k->spool_id.data, k->seq, idx[j]);
        items[idx[j]].status = CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE;
    }
    for (int row = 0; row < PQntuples(res); row++) {
        uint8_t id[16];
        unsigned long long seq = strtoull(PQgetvalue(res, row, 2), NULL, 10);
        if (cchc_uuid_parse(PQgetvalue(res, row, 1), id) != 0)
            continue;
        size_t it = keymap_find(&map, items, id, seq, SIZE_MAX);
        if (it == SIZE_MAX)
            continue;
        items[it].status = CCHC__V1__ACK_STATUS__ACK_STATUS_ACCEPTED;
        const char *sid = PQgetvalue(res, row, 0);
        const Cchc__V1__Report *r = items[it].report;
        for (size_t f = 0; f < r->n_figures; f++)
            buf_printf(&copy, "%s\t%s\t%lld\n", sid, r->figures[f]->indicator,
                       (long long)r->figures[f]->value);
    }
    free(map.slot);
    PQclear(res);
    res = NULL;
    if (copy.oom) {
        snprintf(err, errlen, "out of memory");
        rc = fail_tx(st, NULL, "building figures", err, errlen);
        goto done;
    }

    if (copy.len > 0) {
        res = PQexec(st->conn, "COPY submission_value (submission_id, indicator_code, value) FROM STDIN");
        if (PQresultStatus(res) != PGRES_COPY_IN) {
            rc = fail_tx(st, res, "starting COPY of figures", err, errlen);
            res = NULL;
            goto done;
        }
        PQclear(res);
        res = NULL;
        if (PQputCopyData(st->conn, copy.p, (int)copy.len) != 1 || PQputCopyEnd(st->conn, NULL) != 1) {
            rc = fail_tx(st, NULL, "sending figures", err, errlen);
            goto done;
        }
        res = PQgetResult(st->conn);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = fail_tx(st, res, "copying figures", err, errlen);
            res = NULL;
            while ((res = PQgetResult(st->conn)) != NULL)
                PQclear(res);
            goto done;
        }
        PQclear(res);
        while ((res = PQgetResult(st->conn)) != NULL)
            PQclear(res);
    }

    res = PQexec(st->conn, "COMMIT");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail_tx(st, res, "COMMIT", err, errlen);
        res = NULL;
        goto done;
    }
    rc = TX_OK;

done:
    PQclear(res);
    free(idx);
    free(copy.p);
    for (int c = 0; c < 11; c++)
        free(col[c].p);
    return rc;
}

int cchc_store_write(cchc_store_t *st, cchc_store_item_t *items, size_t n, char *err,
                     size_t errlen)
{
    if (n == 0)
        return 0;
    if (!cchc_store_connected(st)) {
        snprintf(err, errlen, "not connected to PostgreSQL");
        return -1;
    }
    /* A key sent twice within one batch (a resend that overtook its first copy's
     * ack) is written once; the later copies are duplicates of it. */
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    keymap_t map = {calloc(cap, sizeof(size_t)), cap - 1};
    size_t *idx = malloc(n * sizeof *idx);
    size_t *dup_of = malloc(n * sizeof *dup_of);
    int rc = -1;
    if (!map.slot || !idx || !dup_of) {
        snprintf(err, errlen, "out of memory for a batch of %zu reports", n);
        goto out;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const Cchc__V1__ReportKey *k = items[i].report->key;
        items[i].reason[0] = '\0';
        dup_of[i] = keymap_find(&map, items, k->spool_id.data, k->seq, i);
        if (dup_of[i] == SIZE_MAX)
            idx[m++] = i;
    }

    tx_result_t tr = write_tx(st, items, idx, m, err, errlen);
    if (tr == TX_RETRY)
        goto out;
    if (tr == TX_DATA) {
        /* Find the culprit: each report alone, so the others are still stored. */
        char one_err[512];
        for (size_t j = 0; j < m; j++) {
            tx_result_t r1 = write_tx(st, items, &idx[j], 1, one_err, sizeof one_err);
            if (r1 == TX_RETRY) {
                snprintf(err, errlen, "%s", one_err);
                goto out;
            }
            if (r1 == TX_DATA) {
                items[idx[j]].status = CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED;
                snprintf(items[idx[j]].reason, sizeof items[idx[j]].reason, "database_refused: %s",
                         one_err);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (dup_of[i] == SIZE_MAX)
            continue;
        if (items[dup_of[i]].status == CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED) {
            items[i].status = CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED;
            memcpy(items[i].reason, items[dup_of[i]].reason, sizeof items[i].reason);
        } else {
            items[i].status = CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE;
        }
    }
    rc = 0;
out:
    free(map.slot);
    free(idx);
    free(dup_of);
    return rc;
}
