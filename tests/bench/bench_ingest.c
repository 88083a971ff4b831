/* bench_ingest: the collector's whole ingest path against PostgreSQL's own limit,
 * measured side by side in one run (driven by tests/bench/run-ingest).
 *
 *   bench_ingest setup --db DSN --agents N --figures K
 *       makes N units BENCH-00000.. (under SNV) and enrols N agents (deterministic
 *       CURVE keys), agent i for unit i, as at a site; makes sure K indicators
 *       bench_f01.. exist; run before the collector starts.
 *   bench_ingest ceiling --db DSN --agents N --reports M --figures K
 *       loads the same N*M reports' figures with binary COPY into submission_value,
 *       10,000 rows per transaction; prints rows/s; then removes them again.
 *   bench_ingest history --db DSN --history-rows N --figures K
 *       stores N figures of history (reports of K figures over past quarters), as a
 *       table would hold after years of use; see cmd_history.
 *   bench_ingest clear --db DSN
 *       removes what the benchmark stored (agents bench-*), keeping the history.
 *   bench_ingest run --db DSN --endpoint E --server-key FILE --collector-pid PID
 *                    --agents N --reports M --figures K [--window W] [--rate R]
 *                    [--per-message P]
 *       N real DEALER sockets with CURVE (an in-memory stand-in for the agent's
 *       spool: each keeps W reports in flight and resends nothing, since the
 *       collector must lose nothing); the clock runs from the first send to the
 *       last acknowledgement. --rate R paces the sends at R reports/s in all.
 *       Prints figures/s, latency percentiles, the collector's CPU and peak RSS,
 *       and checks PostgreSQL holds every report exactly once (exit 1 if not).
 *
 * Figures go to stdout as "key value" lines for the driver script. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <zmq.h>

#include "cchc/v1/cchc.pb-c.h"
#include "keys.h"
#include "util.h"

typedef struct {
    const char *db, *endpoint, *server_key;
    int agents, reports, figures, window, per_message;
    long long history_rows;
    double rate;
    long collector_pid;
} opts_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static PGconn *db_connect(const char *dsn)
{
    PGconn *c = PQconnectdb(dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_ingest: cannot connect: %s", PQerrorMessage(c));
        exit(1);
    }
    return c;
}

static void exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_ingest: %s: %s", sql, PQresultErrorMessage(r));
        exit(1);
    }
    PQclear(r);
}

static void copy_start(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        fprintf(stderr, "bench_ingest: %s: %s", sql, PQresultErrorMessage(r));
        exit(1);
    }
    PQclear(r);
}

static long long query_ll(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench_ingest: %s: %s", sql, PQresultErrorMessage(r));
        exit(1);
    }
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Agent i's key pair, the same in every process: the secret is 32 bytes made from i. */
static void agent_keys(int i, char pub[41], char sec[41])
{
    uint8_t raw[32];
    for (int b = 0; b < 32; b++)
        raw[b] = (uint8_t)((i * 131 + b * 29 + 7) ^ (i >> (b % 16)));
    zmq_z85_encode(sec, raw, 32);
    zmq_curve_public(pub, sec);
}

static void spool_id_of(int agent, uint8_t id[16])
{
    memset(id, 0, 16);
    id[0] = 0xbe;
    id[1] = 0x4c;
    memcpy(id + 4, &agent, sizeof agent);
    id[6] = (id[6] & 0x0f) | 0x40; /* a well-formed v4-looking uuid */
    id[8] = (id[8] & 0x3f) | 0x80;
}

static int cmd_setup(const opts_t *o)
{
    PGconn *c = db_connect(o->db);
    exec_ok(c, "BEGIN");
    for (int k = 1; k <= o->figures; k++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO indicator (code, name_vi, name_en, measure, sort_order)"
                 " VALUES ('bench_f%02d', 'Chỉ tiêu thử %02d', 'Benchmark figure %02d', 'dossier', %d)"
                 " ON CONFLICT (code) DO NOTHING", k, k, k, 10000 + k);
        exec_ok(c, sql);
    }
    copy_start(c, "COPY agent (name, public_key) FROM STDIN");
    for (int i = 0; i < o->agents; i++) {
        char pub[41], sec[41], line[128];
        agent_keys(i, pub, sec);
        int n = snprintf(line, sizeof line, "bench-%05d\t%s\n", i, pub);
        PQputCopyData(c, line, n);
    }
    PQputCopyEnd(c, NULL);
    PGresult *r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "bench_ingest: enrolling: %s", PQresultErrorMessage(r));
        return 1;
    }
    PQclear(r);
    char units[512];
    snprintf(units, sizeof units,
             "INSERT INTO unit (code, parent_code, name_vi, name_en, kind)"
             " SELECT 'BENCH-' || lpad(g::text, 5, '0'), 'SNV', 'Đơn vị thử ' || g,"
             " 'Benchmark unit ' || g, 'department' FROM generate_series(0, %d) g"
             " ON CONFLICT (code) DO NOTHING", o->agents - 1);
    exec_ok(c, units);
    exec_ok(c, "INSERT INTO agent_scope (agent_name, unit_code) SELECT name, 'BENCH-' || substr(name, 7)"
               " FROM agent WHERE name LIKE 'bench-%'");
    exec_ok(c, "COMMIT");
    PQfinish(c);
    printf("setup_agents %d\nsetup_indicators %d\n", o->agents, o->figures);
    return 0;
}

static void proc_cpu_rss(long pid, double *cpu_s, long *hwm_kib);

/* ---- clear, history ------------------------------------------------------------------ */

/* Removes what the benchmark itself stored (agents bench-*), keeping any history: with
 * none, TRUNCATE; else DELETE with the append-only triggers off for this session
 * (session_replication_role = replica, a superuser's switch). Then VACUUM, so the next
 * phase finds the table as before. */
static void clear_bench_rows(PGconn *c)
{
    if (query_ll(c, "SELECT count(*) FROM (SELECT 1 FROM submission WHERE agent NOT LIKE 'bench-%' LIMIT 1) x") == 0) {
        exec_ok(c, "TRUNCATE submission_value, submission");
    } else {
        exec_ok(c, "SET session_replication_role = replica");
        exec_ok(c, "DELETE FROM submission_value v USING submission s"
                   " WHERE s.id = v.submission_id AND s.agent LIKE 'bench-%'");
        exec_ok(c, "DELETE FROM submission WHERE agent LIKE 'bench-%'");
        exec_ok(c, "RESET session_replication_role");
    }
    exec_ok(c, "VACUUM ANALYZE submission, submission_value");
}

static int cmd_clear(const opts_t *o)
{
    PGconn *c = db_connect(o->db);
    clear_bench_rows(c);
    PQfinish(c);
    return 0;
}

/* History: --history-rows figures in reports of --figures figures each, from 10,000
 * units (HIST-00001.., added under SNV), 3 versions of each (unit, quarter), quarters
 * counted back from 2025-Q4 (50 million figures reach back to 2004). Written as the
 * collector writes them (one row per report, one per figure, every index in place), in
 * transactions of about a million figures, then VACUUM ANALYZE. */
static int cmd_history(const opts_t *o)
{
    PGconn *c = db_connect(o->db);
    long long reports = o->history_rows / o->figures, done = 0;
    const long long per_tx = 1000000 / o->figures;
    double t0 = now_s();
    exec_ok(c, "INSERT INTO unit (code, parent_code, name_vi, name_en, kind)"
               " SELECT 'HIST-' || lpad(g::text, 5, '0'), 'SNV', 'Đơn vị lịch sử ' || g,"
               " 'History unit ' || g, 'department' FROM generate_series(1, 10000) g"
               " ON CONFLICT (code) DO NOTHING");
    while (done < reports) {
        long long n = reports - done < per_tx ? reports - done : per_tx;
        char sql[2048];
        exec_ok(c, "BEGIN");
        /* Report r of the history: unit r % units, version (r / units) % 3, quarter
         * r / (units * 3) counted back from 2025-Q4. */
        snprintf(sql, sizeof sql,
                 "WITH u AS (SELECT array_agg(code ORDER BY code) a FROM unit WHERE code LIKE 'HIST-%%'),"
                 " r AS (SELECT g, (SELECT a FROM u) a FROM generate_series(%lld, %lld) g),"
                 " p AS (SELECT g, a[1 + g %% cardinality(a)] AS unit, (g / cardinality(a)) %% 3 AS v,"
                 "              g / (cardinality(a) * 3) AS q FROM r)"
                 " INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year,"
                 "   period_index, observed_at, received_at, is_final)"
                 " SELECT gen_random_uuid(), 1, 'history', unit, 2, 2025 - q / 4, 4 - q %% 4,"
                 "   make_date((2025 - q / 4)::int, (4 - q %% 4)::int * 3, 28) + v * interval '1 day',"
                 "   make_date((2025 - q / 4)::int, (4 - q %% 4)::int * 3, 28) + v * interval '1 day' + interval '1 hour',"
                 "   v = 2"
                 " FROM p WHERE 2025 - q / 4 >= 2000",
                 done, done + n - 1);
        exec_ok(c, sql);
        snprintf(sql, sizeof sql,
                 "INSERT INTO submission_value (submission_id, indicator_code, value)"
                 " SELECT s.id, 'bench_f' || lpad(k::text, 2, '0'), (s.id * 7 + k) %% 1000"
                 " FROM submission s, generate_series(1, %d) k"
                 " WHERE s.agent = 'history' AND s.id > (SELECT coalesce(max(submission_id), 0) FROM submission_value)"
                 " ORDER BY s.id, k",
                 o->figures);
        exec_ok(c, sql);
        exec_ok(c, "COMMIT");
        done += n;
    }
    exec_ok(c, "VACUUM ANALYZE submission, submission_value");
    /* Start the measurements after a checkpoint, as the run without history does. */
    exec_ok(c, "CHECKPOINT");
    long long rows = query_ll(c, "SELECT count(*) FROM submission_value");
    long long mib = query_ll(c, "SELECT (pg_total_relation_size('submission_value') + pg_total_relation_size('submission')) >> 20");
    printf("history_rows %lld\nhistory_load_seconds %.1f\nhistory_mib %lld\n", rows, now_s() - t0, mib);
    PQfinish(c);
    return 0;
}

/* ---- ceiling: binary COPY ------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
} bytes_t;

static void put(bytes_t *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}
static void put16(bytes_t *b, uint16_t v) { v = htons(v); put(b, &v, 2); }
static void put32(bytes_t *b, uint32_t v) { v = htonl(v); put(b, &v, 4); }
static void put64(bytes_t *b, uint64_t v)
{
    put32(b, (uint32_t)(v >> 32));
    put32(b, (uint32_t)v);
}

static int cmd_ceiling(const opts_t *o)
{
    PGconn *c = db_connect(o->db);
    /* The reports the figures belong to are made first (not timed): the ceiling is
     * the figure table's own rate, which is what the end-to-end path fills. */
    exec_ok(c, "BEGIN");
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO submission (spool_id, seq, agent, unit_code, period_kind, period_year,"
             " period_index, observed_at, received_at, is_final)"
             " SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(a), 12, '0'))::uuid, s, 'bench-ceiling',"
             " 'BENCH-' || lpad(a::text, 5, '0'), 2, 2026, 4, now(), now(), false"
             " FROM generate_series(0, %d) a, generate_series(1, %d) s",
             o->agents - 1, o->reports);
    exec_ok(c, sql);
    exec_ok(c, "COMMIT");
    PGresult *ids = PQexec(c, "SELECT id FROM submission WHERE agent = 'bench-ceiling' ORDER BY id");
    int n = PQntuples(ids);
    int64_t *idv = malloc((size_t)n * sizeof *idv);
    for (int i = 0; i < n; i++)
        idv[i] = atoll(PQgetvalue(ids, i, 0));
    PQclear(ids);
    char (*codes)[16] = malloc((size_t)o->figures * sizeof *codes);
    for (int k = 0; k < o->figures; k++)
        snprintf(codes[k], sizeof codes[k], "bench_f%02d", k + 1);

    long long rows = (long long)n * o->figures, done = 0;
    const long long per_tx = 10000;
    bytes_t b = {0};
    long backend = (long)query_ll(c, "SELECT pg_backend_pid()");
    double cpu0, cpu1;
    long hwm;
    proc_cpu_rss(backend, &cpu0, &hwm);
    double t0 = now_s();
    int r = 0, k = 0;
    while (done < rows) {
        exec_ok(c, "BEGIN");
        copy_start(c, "COPY submission_value (submission_id, indicator_code, value) FROM STDIN BINARY");
        b.len = 0;
        put(&b, "PGCOPY\n\377\r\n\0", 11);
        put32(&b, 0);
        put32(&b, 0);
        for (long long i = 0; i < per_tx && done < rows; i++, done++) {
            size_t cl = strlen(codes[k]);
            put16(&b, 3);
            put32(&b, 8);
            put64(&b, (uint64_t)idv[r]);
            put32(&b, (uint32_t)cl);
            put(&b, codes[k], cl);
            put32(&b, 8);
            put64(&b, (uint64_t)(r % 1000));
            if (++k == o->figures) {
                k = 0;
                r++;
            }
        }
        put16(&b, 0xffff);
        if (PQputCopyData(c, b.p, (int)b.len) != 1 || PQputCopyEnd(c, NULL) != 1) {
            fprintf(stderr, "bench_ingest: COPY: %s", PQerrorMessage(c));
            return 1;
        }
        PGresult *res = PQgetResult(c);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            fprintf(stderr, "bench_ingest: COPY: %s", PQresultErrorMessage(res));
            return 1;
        }
        PQclear(res);
        while ((res = PQgetResult(c)))
            PQclear(res);
        exec_ok(c, "COMMIT");
    }
    double dt = now_s() - t0;
    proc_cpu_rss(backend, &cpu1, &hwm);
    /* PostgreSQL's CPU per figure: what the end-to-end part's is compared with. */
    printf("ceiling_pg_cpu_us_per_figure %.2f\n", (cpu1 - cpu0) * 1e6 / (double)rows);
    printf("ceiling_rows %lld\nceiling_seconds %.3f\nceiling_rows_per_s %.0f\n", rows, dt,
           (double)rows / dt);
    /* Leave the tables as they were, so the end-to-end run starts from the same size. */
    clear_bench_rows(c);
    free(b.p);
    free(idv);
    free(codes);
    PQfinish(c);
    return 0;
}

/* ---- end to end ------------------------------------------------------------------------ */

typedef struct {
    void *sock;
    uint8_t spool_id[16];
    char unit[16];     /* BENCH-00000.., the unit it is enrolled for */
    int next_seq;      /* next seq to send, 1-based */
    int acked;
    double *sent_at;   /* by seq */
} bagent_t;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void proc_cpu_rss(long pid, double *cpu_s, long *hwm_kib)
{
    char path[64], buf[4096];
    *cpu_s = 0;
    *hwm_kib = 0;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(buf, sizeof buf, f)) {
            char *p = strrchr(buf, ')');
            unsigned long ut = 0, st = 0;
            /* fields after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
                *cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    f = fopen(path, "r");
    if (f) {
        while (fgets(buf, sizeof buf, f))
            if (strncmp(buf, "VmHWM:", 6) == 0)
                *hwm_kib = atol(buf + 6);
        fclose(f);
    }
}

static size_t pack_report(const opts_t *o, bagent_t *a, int seq, uint8_t *buf, size_t cap)
{
    Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
    Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
    Cchc__V1__Figure fv[64];
    Cchc__V1__Figure *fp[64];
    char codes[64][16];
    Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
    key.spool_id.data = a->spool_id;
    key.spool_id.len = 16;
    key.seq = (uint64_t)seq;
    period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    period.year = 2026;
    period.index = 4;
    for (int k = 0; k < o->figures; k++) {
        cchc__v1__figure__init(&fv[k]);
        snprintf(codes[k], sizeof codes[k], "bench_f%02d", k + 1);
        fv[k].indicator = codes[k];
        fv[k].value = seq % 1000;
        fp[k] = &fv[k];
    }
    r.key = &key;
    r.unit = a->unit;
    r.period = &period;
    r.observed_at = (int64_t)time(NULL);
    r.n_figures = (size_t)o->figures;
    r.figures = fp;
    size_t len = cchc__v1__report__get_packed_size(&r);
    if (len > cap)
        return 0;
    return cchc__v1__report__pack(&r, buf);
}

static int cmd_run(const opts_t *o)
{
    char server[41], err[256];
    if (cchc_keys_load_public(o->server_key, server, err, sizeof err) != 0) {
        fprintf(stderr, "bench_ingest: %s\n", err);
        return 1;
    }
    void *ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, o->agents + 64);
    zmq_ctx_set(ctx, ZMQ_IO_THREADS, 1);
    bagent_t *ag = calloc((size_t)o->agents, sizeof *ag);
    zmq_pollitem_t *items = calloc((size_t)o->agents, sizeof *items);
    for (int i = 0; i < o->agents; i++) {
        char pub[41], sec[41];
        agent_keys(i, pub, sec);
        ag[i].sock = zmq_socket(ctx, ZMQ_DEALER);
        if (!ag[i].sock) {
            fprintf(stderr, "bench_ingest: socket %d: %s\n", i, zmq_strerror(zmq_errno()));
            return 1;
        }
        int linger = 0, hwm = 100000;
        zmq_setsockopt(ag[i].sock, ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt(ag[i].sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
        zmq_setsockopt(ag[i].sock, ZMQ_CURVE_SERVERKEY, server, 40);
        zmq_setsockopt(ag[i].sock, ZMQ_CURVE_PUBLICKEY, pub, 40);
        zmq_setsockopt(ag[i].sock, ZMQ_CURVE_SECRETKEY, sec, 40);
        if (zmq_connect(ag[i].sock, o->endpoint) != 0) {
            fprintf(stderr, "bench_ingest: connect: %s\n", zmq_strerror(zmq_errno()));
            return 1;
        }
        /* A fresh spool id per run, as a fresh agent would have. */
        cchc_random_bytes(ag[i].spool_id, 16);
        ag[i].spool_id[6] = (ag[i].spool_id[6] & 0x0f) | 0x40;
        ag[i].spool_id[8] = (ag[i].spool_id[8] & 0x3f) | 0x80;
        ag[i].next_seq = 1;
        snprintf(ag[i].unit, sizeof ag[i].unit, "BENCH-%05d", i);
        ag[i].sent_at = calloc((size_t)o->reports + 1, sizeof(double));
        items[i].socket = ag[i].sock;
        items[i].events = ZMQ_POLLIN;
    }
    (void)spool_id_of;
    /* Let the handshakes finish before the clock starts. */
    usleep(200000 + (useconds_t)o->agents * 2000);

    double cpu0;
    long hwm0;
    proc_cpu_rss(o->collector_pid, &cpu0, &hwm0);
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    long long total = (long long)o->agents * o->reports, acked = 0, sent = 0;
    double *lat = malloc((size_t)total * sizeof *lat);
    if (o->per_message < 1 || o->per_message > 256) {
        fprintf(stderr, "bench_ingest: --per-message must be 1..256\n");
        return 1;
    }
    static uint8_t buf[256 * 2048], batch_buf[256 * 2048 + 256 * 8];
    ProtobufCBinaryData elem[256];
    double t0 = now_s(), last_progress = t0;
    int window = o->window;
    while (acked < total) {
        double now = now_s();
        /* Send: fill each agent's window, paced if --rate. */
        for (int i = 0; i < o->agents; i++) {
            bagent_t *a = &ag[i];
            /* Like cchc-agent with a backlog: what fits the window, per_message at a
             * time; after the first round, only once half the window is free again, so
             * that acknowledgements trickling in do not each cost a message. */
            int outstanding = a->next_seq - 1 - a->acked;
            if (a->next_seq > 1 && outstanding > window / 2)
                continue;
            while (a->next_seq <= o->reports && a->next_seq - 1 - a->acked < window) {
                if (o->rate > 0 && (double)sent > o->rate * (now - t0))
                    break;
                int m = 0;
                size_t used = 0;
                while (m < o->per_message && a->next_seq + m <= o->reports &&
                       a->next_seq + m - 1 - a->acked < window &&
                       (o->rate <= 0 || (double)(sent + m) <= o->rate * (now - t0) + 1)) {
                    size_t len = pack_report(o, a, a->next_seq + m, buf + used, sizeof buf - used);
                    if (len == 0)
                        break;
                    elem[m].data = buf + used;
                    elem[m].len = len;
                    used += len;
                    m++;
                }
                if (m == 0)
                    break;
                const char *type = m == 1 ? "cchc.v1.Report" : "cchc.v1.ReportBatch";
                const uint8_t *msg = buf;
                size_t msg_len = elem[0].len;
                if (m > 1) {
                    Cchc__V1__ReportBatch rb = CCHC__V1__REPORT_BATCH__INIT;
                    rb.n_reports = (size_t)m;
                    rb.reports = elem;
                    msg_len = cchc__v1__report_batch__pack(&rb, batch_buf);
                    msg = batch_buf;
                }
                if (zmq_send(a->sock, type, strlen(type), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
                    break;
                zmq_send(a->sock, msg, msg_len, ZMQ_DONTWAIT);
                double at = now_s();
                for (int k = 0; k < m; k++)
                    a->sent_at[a->next_seq + k] = at;
                a->next_seq += m;
                sent += m;
            }
        }
        int rc = zmq_poll(items, o->agents, o->rate > 0 ? 1 : 10);
        if (rc < 0 && zmq_errno() != EINTR)
            break;
        for (int i = 0; i < o->agents; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            for (;;) {
                zmq_msg_t t, p;
                zmq_msg_init(&t);
                if (zmq_msg_recv(&t, ag[i].sock, ZMQ_DONTWAIT) < 0) {
                    zmq_msg_close(&t);
                    break;
                }
                zmq_msg_init(&p);
                zmq_msg_recv(&p, ag[i].sock, 0);
                double at = now_s();
                Cchc__V1__AckBatch *b = cchc__v1__ack_batch__unpack(NULL, zmq_msg_size(&p), zmq_msg_data(&p));
                for (size_t j = 0; b && j < b->n_acks; j++) {
                    const Cchc__V1__Ack *a = b->acks[j];
                    if (a->status == CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED) {
                        fprintf(stderr, "bench_ingest: rejected: %s\n", a->reason);
                        return 1;
                    }
                    uint64_t s = a->key->seq;
                    if (s >= 1 && s <= (uint64_t)o->reports && ag[i].sent_at[s] > 0) {
                        lat[acked++] = at - ag[i].sent_at[s];
                        ag[i].sent_at[s] = -1;
                        ag[i].acked++;
                    }
                }
                if (b)
                    cchc__v1__ack_batch__free_unpacked(b, NULL);
                zmq_msg_close(&t);
                zmq_msg_close(&p);
            }
        }
        if (now - last_progress > 5) {
            fprintf(stderr, "bench_ingest: %lld/%lld acknowledged\n", acked, total);
            last_progress = now;
        }
        if (now - t0 > 600) {
            fprintf(stderr, "bench_ingest: gave up after 600 s with %lld/%lld acknowledged\n", acked, total);
            break;
        }
    }
    double dt = now_s() - t0;
    double cpu1;
    long hwm1;
    proc_cpu_rss(o->collector_pid, &cpu1, &hwm1);
    getrusage(RUSAGE_SELF, &ru1);
    double self_cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
                               ru0.ru_stime.tv_sec) +
                      (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec -
                               ru0.ru_stime.tv_usec) / 1e6;
    /* The collector's PostgreSQL backends (its role's sessions, all started with it, so
     * their whole CPU time is this run's, handshakes aside). */
    double pg_cpu = 0;
    {
        PGconn *c = db_connect(o->db);
        PGresult *pr = PQexec(c, "SELECT pid FROM pg_stat_activity WHERE usename = 'bench_collector'");
        for (int i = 0; i < PQntuples(pr); i++) {
            double cs;
            long h;
            proc_cpu_rss(atol(PQgetvalue(pr, i, 0)), &cs, &h);
            pg_cpu += cs;
        }
        PQclear(pr);
        PQfinish(c);
    }
    qsort(lat, (size_t)acked, sizeof *lat, cmp_double);
    double p50 = acked ? lat[acked / 2] : 0, p99 = acked ? lat[(size_t)((double)acked * 0.99)] : 0;
    long long figs = acked * o->figures;
    printf("e2e_reports %lld\ne2e_figures %lld\ne2e_seconds %.3f\ne2e_figures_per_s %.0f\n"
           "e2e_reports_per_s %.0f\nlatency_p50_ms %.1f\nlatency_p99_ms %.1f\n"
           "collector_cpu_s %.2f\ncollector_peak_rss_kib %ld\n"
           "cpu_us_per_figure_postgres %.2f\ncpu_us_per_figure_collector %.2f\n"
           "cpu_us_per_figure_agents %.2f\n",
           acked, figs, dt, (double)figs / dt, (double)acked / dt, p50 * 1000, p99 * 1000,
           cpu1 - cpu0, hwm1, pg_cpu * 1e6 / (double)figs, (cpu1 - cpu0) * 1e6 / (double)figs,
           self_cpu * 1e6 / (double)figs);
    fflush(stdout);

    /* Exactly once: every key stored, none twice, every figure there. */
    PGconn *c = db_connect(o->db);
    long long stored = query_ll(c, "SELECT count(*) FROM submission WHERE agent LIKE 'bench-%'");
    long long distinct = query_ll(c, "SELECT count(*) FROM (SELECT DISTINCT spool_id, seq FROM submission WHERE agent LIKE 'bench-%') x");
    long long fstored = query_ll(c, "SELECT count(*) FROM submission_value v JOIN submission s ON s.id = v.submission_id WHERE s.agent LIKE 'bench-%'");
    PQfinish(c);
    printf("stored_reports %lld\nstored_distinct %lld\nstored_figures %lld\n", stored, distinct, fstored);
    for (int i = 0; i < o->agents; i++) {
        zmq_close(ag[i].sock);
        free(ag[i].sent_at);
    }
    zmq_ctx_term(ctx);
    free(ag);
    free(items);
    free(lat);
    if (acked != total || stored != total || distinct != total || fstored != total * o->figures) {
        fprintf(stderr, "bench_ingest: MISMATCH: sent %lld, acknowledged %lld, stored %lld (distinct %lld), figures %lld of %lld\n",
                total, acked, stored, distinct, fstored, total * o->figures);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ingest setup|ceiling|run [options] (see the comment at the top of bench_ingest.c)\n");
        return 2;
    }
    const char *cmd = argv[1];
    argv++;
    argc--;
    opts_t o = {.agents = 1000, .reports = 50, .figures = 20, .window = 64, .per_message = 64};
    static const struct option lo[] = {
        {"db", 1, 0, 'd'},      {"endpoint", 1, 0, 'e'}, {"server-key", 1, 0, 'k'},
        {"agents", 1, 0, 'n'},  {"reports", 1, 0, 'm'},  {"figures", 1, 0, 'f'},
        {"window", 1, 0, 'w'},  {"rate", 1, 0, 'r'}, {"per-message", 1, 0, 'P'}, {"history-rows", 1, 0, 'H'},     {"collector-pid", 1, 0, 'p'},
        {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'e': o.endpoint = optarg; break;
        case 'k': o.server_key = optarg; break;
        case 'n': o.agents = atoi(optarg); break;
        case 'm': o.reports = atoi(optarg); break;
        case 'f': o.figures = atoi(optarg); break;
        case 'w': o.window = atoi(optarg); break;
        case 'r': o.rate = atof(optarg); break;
        case 'P': o.per_message = atoi(optarg); break;
        case 'H': o.history_rows = atoll(optarg); break;
        case 'p': o.collector_pid = atol(optarg); break;
        default: return 2;
        }
    }
    if (!o.db || o.figures < 1 || o.figures > 64 || o.agents < 1 || o.reports < 1) {
        fprintf(stderr, "bench_ingest: --db is required; 1 <= --figures <= 64\n");
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (strcmp(cmd, "setup") == 0)
        return cmd_setup(&o);
    if (strcmp(cmd, "ceiling") == 0)
        return cmd_ceiling(&o);
    if (strcmp(cmd, "clear") == 0)
        return cmd_clear(&o);
    if (strcmp(cmd, "history") == 0)
        return cmd_history(&o);
    if (strcmp(cmd, "run") == 0) {
        if (!o.endpoint || !o.server_key || !o.collector_pid) {
            fprintf(stderr, "bench_ingest run: --endpoint, --server-key and --collector-pid are required\n");
            return 2;
        }
        return cmd_run(&o);
    }
    fprintf(stderr, "bench_ingest: unknown command '%s'\n", cmd);
    return 2;
}
