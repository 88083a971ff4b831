/* The collector's side of PostgreSQL: catalogue, batched writes, one transaction per batch. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "log.h"
#include "util.h"

struct cchc_store {
    char *conninfo;
    PGconn *conn;
};

/* The key of a report decides duplicates: insert every new key, skip every known one.
 * The columns travel as binary arrays through unnest(), so one statement inserts a batch. */
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

/* ---- PostgreSQL's binary formats ----------------------------------------------------
 * The batch travels in binary: the report columns as binary array parameters, the
 * figures as COPY ... BINARY. The server then parses no text at all, which measured
 * (tests/bench/run-ingest) as the largest part of its time per batch after the rows
 * themselves. Formats: array_recv and COPY's binary format in PostgreSQL's docs. */

/* Type OIDs of the array elements (pg_type; fixed since PostgreSQL 8.3). */
enum { OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_TEXT = 25, OID_UUID = 2950 };

static void buf_u16(buf_t *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    buf_add(b, (const char *)x, 2);
}

static void buf_u32(buf_t *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    buf_add(b, (const char *)x, 4);
}

static void buf_u64(buf_t *b, uint64_t v)
{
    buf_u32(b, (uint32_t)(v >> 32));
    buf_u32(b, (uint32_t)v);
}

static uint64_t get_u64(const char *p)
{
    const uint8_t *u = (const uint8_t *)p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | u[i];
    return v;
}

/* A one-dimensional array of n elements without NULLs: header, then n elements. */
static void bin_array_begin(buf_t *b, uint32_t elem_oid, size_t n)
{
    buf_u32(b, 1); /* dimensions */
    buf_u32(b, 0); /* no NULLs */
    buf_u32(b, elem_oid);
    buf_u32(b, (uint32_t)n);
    buf_u32(b, 1); /* lower bound */
}

/* One field: its length, then its bytes (an array element or a COPY field alike). */
static void bin_field(buf_t *b, const void *p, size_t len)
{
    buf_u32(b, (uint32_t)len);
    buf_add(b, p, len);
}

static void bin_field_i64(buf_t *b, int64_t v)
{
    buf_u32(b, 8);
    buf_u64(b, (uint64_t)v);
}

static void bin_field_i16(buf_t *b, int v)
{
    buf_u32(b, 2);
    buf_u16(b, (uint16_t)v);
}

static void bin_field_text(buf_t *b, const char *s)
{
    bin_field(b, s, strlen(s));
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

/* The report columns of items idx[0..m), as the 11 binary array parameters of
 * INSERT_SQL. */
#define N_COLUMNS 11
static bool build_columns(const cchc_store_item_t *items, const size_t *idx, size_t m,
                          buf_t col[N_COLUMNS])
{
    static const uint32_t oid[N_COLUMNS] = {OID_UUID, OID_INT8, OID_TEXT, OID_TEXT,
                                            OID_INT2, OID_INT2, OID_INT2, OID_INT8,
                                            OID_INT8, OID_BOOL, OID_TEXT};
    for (int c = 0; c < N_COLUMNS; c++)
        bin_array_begin(&col[c], oid[c], m);
    for (size_t j = 0; j < m; j++) {
        const cchc_store_item_t *it = &items[idx[j]];
        const Cchc__V1__Report *r = it->report;
        uint8_t final = r->final ? 1 : 0;
        bin_field(&col[0], r->key->spool_id.data, 16);
        bin_field_i64(&col[1], (int64_t)r->key->seq);
        bin_field_text(&col[2], it->agent);
        bin_field_text(&col[3], r->unit);
        /* Validated before: kind 1..4, year 2000..9999, index 1..12 all fit an int2. */
        bin_field_i16(&col[4], (int)r->period->kind);
        bin_field_i16(&col[5], (int)r->period->year);
        bin_field_i16(&col[6], (int)r->period->index);
        bin_field_i64(&col[7], r->observed_at);
        bin_field_i64(&col[8], it->received_at_ms);
        bin_field(&col[9], &final, 1);
        bin_field_text(&col[10], r->note ? r->note : "");
    }
    bool oom = false;
    for (int c = 0; c < N_COLUMNS; c++)
        oom |= col[c].oom;
    return !oom;
}

/* One transaction for the items whose index is in idx_in[0..m) (all distinct keys).
 * Sets their status only if it commits. */
static tx_result_t write_tx(cchc_store_t *st, cchc_store_item_t *items, const size_t *idx_in,
                            size_t m, char *err, size_t errlen)
{
    buf_t col[N_COLUMNS] = {{0}};
    const char *params[N_COLUMNS];
    int lengths[N_COLUMNS], formats[N_COLUMNS];
    tx_result_t rc = TX_RETRY;
    PGresult *res = NULL;
    buf_t copy = {0};
    size_t *idx = malloc((m ? m : 1) * sizeof *idx); /* drop_revoked shortens it */
    if (!idx) {
        snprintf(err, errlen, "out of memory");
        return TX_RETRY;
    }
    memcpy(idx, idx_in, m * sizeof *idx);

    int64_t t_begin = cchc_mono_us();
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
    for (int c = 0; c < N_COLUMNS; c++) {
        params[c] = col[c].p;
        lengths[c] = (int)col[c].len;
        formats[c] = 1;
    }

    int64_t t_insert = cchc_mono_us();
    res = PQexecPrepared(st->conn, "insert_submissions", N_COLUMNS, params, lengths, formats, 1);
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
    /* COPY BINARY: signature, flags, header extension length; rows; trailer. */
    buf_add(&copy, "PGCOPY\n\377\r\n\0", 11);
    buf_u32(&copy, 0);
    buf_u32(&copy, 0);
    size_t rows = 0;
    for (int row = 0; row < PQntuples(res); row++) {
        /* Binary results: id int8, spool_id uuid (16 bytes), seq int8. */
        if (PQgetlength(res, row, 0) != 8 || PQgetlength(res, row, 1) != 16 ||
            PQgetlength(res, row, 2) != 8)
            continue;
        const uint8_t *id = (const uint8_t *)PQgetvalue(res, row, 1);
        size_t it = keymap_find(&map, items, id, get_u64(PQgetvalue(res, row, 2)), SIZE_MAX);
        if (it == SIZE_MAX)
            continue;
        items[it].status = CCHC__V1__ACK_STATUS__ACK_STATUS_ACCEPTED;
        int64_t sid = (int64_t)get_u64(PQgetvalue(res, row, 0));
        const Cchc__V1__Report *r = items[it].report;
        for (size_t f = 0; f < r->n_figures; f++) {
            buf_u16(&copy, 3);
            bin_field_i64(&copy, sid);
            bin_field_text(&copy, r->figures[f]->indicator);
            bin_field_i64(&copy, r->figures[f]->value);
            rows++;
        }
    }
    buf_u16(&copy, 0xffff);
    free(map.slot);
    PQclear(res);
    res = NULL;
    if (copy.oom) {
        snprintf(err, errlen, "out of memory");
        rc = fail_tx(st, NULL, "building figures", err, errlen);
        goto done;
    }

    int64_t t_copy = cchc_mono_us();
    if (rows > 0) {
        res = PQexec(st->conn,
                     "COPY submission_value (submission_id, indicator_code, value) FROM STDIN BINARY");
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

    int64_t t_commit = cchc_mono_us();
    res = PQexec(st->conn, "COMMIT");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail_tx(st, res, "COMMIT", err, errlen);
        res = NULL;
        goto done;
    }
    rc = TX_OK;
    /* Where a batch's time goes, for tuning (log_level = debug). */
    cchc_debug("batch_phases", "reports=%zu begin_us=%lld insert_us=%lld copy_us=%lld commit_us=%lld",
               m, (long long)(t_insert - t_begin), (long long)(t_copy - t_insert),
               (long long)(t_commit - t_copy), (long long)(cchc_mono_us() - t_commit));

done:
    PQclear(res);
    free(idx);
    free(copy.p);
    for (int c = 0; c < N_COLUMNS; c++)
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
