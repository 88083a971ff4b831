/* cchc-agent's commands: read sources, spool, send until acknowledged; submit, status, rejected. */
#include "agent.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <malloc.h>
#include <zmq.h>

#include "catalog.h"
#include "keys.h"
#include "log.h"
#include "period.h"
#include "spool.h"
#include "util.h"
#include "validate.h"
#include "wire.h"

#define MONITOR_ENDPOINT "inproc://cchc-agent-monitor"
#define LINK_MAX_SOCKETS 8

#define A(f) offsetof(cchc_agent_config_t, f)

const cchc_cfg_entry_t cchc_agent_settings[] = {
    {"agent", "unit", CCHC_CFG_STRING, A(unit), "", 0, 0,
     "Code of the unit this agent reports for, e.g. VPUB-TTPVHCC. Required."},
    {"agent", "spool", CCHC_CFG_STRING, A(spool_path), "cchc-agent.spool", 0, 0,
     "The spool file (SQLite). Every report stays in it until the collector acknowledges it."},
    {"agent", "interval", CCHC_CFG_DURATION, A(interval_ms), "15m", 100, 86400000,
     "How often the sources are read and a report of the current period's figures to date "
     "is spooled."},
    {"agent", "period", CCHC_CFG_STRING, A(period_kind), "quarter", 0, 0,
     "The period the read figures count for: month, quarter, half-year or year."},
    {"agent", "calendar", CCHC_CFG_STRING, A(calendar), "civil", 0, 0,
     "Which days belong to a period: 'civil' (calendar months and quarters) or 'nd09' "
     "(the cut-off of Nghị định 09/2019/NĐ-CP: the 15th of the month before to the 14th)."},
    {"agent", "log_level", CCHC_CFG_STRING, A(log_level), "info", 0, 0,
     "debug, info, warn or error."},
    {"collector", "endpoint", CCHC_CFG_STRING, A(endpoint), "tcp://127.0.0.1:7450", 0, 0,
     "The collector's ZeroMQ endpoint, tcp://HOST:PORT."},
    {"collector", "server_public_key_file", CCHC_CFG_STRING, A(server_public_key_file), "", 0,
     0, "The collector's CURVE public key file: a collector with another key gets nothing. "
        "Required unless insecure_plaintext is on."},
    {"collector", "secret_key_file", CCHC_CFG_STRING, A(secret_key_file), "", 0, 0,
     "This agent's CURVE secret key (from 'cchc-agent keygen'), mode 0600. Required "
     "unless insecure_plaintext is on."},
    {"collector", "insecure_plaintext", CCHC_CFG_BOOL, A(insecure_plaintext), "false", 0, 0,
     "DEVELOPMENT ONLY: connect without CURVE (the collector must allow it too)."},
    {"collector", "ack_timeout", CCHC_CFG_DURATION, A(ack_timeout_ms), "10s", 100, 3600000,
     "A report not acknowledged this long after it was sent is sent again; each further "
     "attempt waits twice as long (with jitter), up to retry_max."},
    {"collector", "retry_max", CCHC_CFG_DURATION, A(retry_max_ms), "5m", 100, 86400000,
     "Longest wait between two attempts for one report."},
    {"collector", "max_in_flight", CCHC_CFG_INT, A(max_in_flight), "1000", 1, 1000000,
     "Most reports sent per round of sending while waiting for acknowledgements."},
    {"collector", "reports_per_message", CCHC_CFG_INT, A(reports_per_message), "64", 1,
     CCHC_REPORTS_PER_MESSAGE_MAX,
     "Most reports sent together in one message (cchc.v1.ReportBatch) when several are due, "
     "as after an outage; each message also stays under 256 KiB. Every message costs an "
     "encryption and system calls at both ends: batches halve the collector's CPU per "
     "report. 1 sends each report alone."},
    CCHC_CFG_END,
};

/* ---- configuration ------------------------------------------------------------------- */

int cchc_agent_source_setting(void *ctx, const char *section, const char *key, const char *value,
                              char *err, size_t errlen)
{
    cchc_agent_config_t *cfg = ctx;
    if (strncmp(section, "source.", 7) != 0 || section[7] == '\0') {
        snprintf(err, errlen, "unknown section (known: [agent], [collector], [source.NAME])");
        return -1;
    }
    const char *name = section + 7;
    cchc_source_conf_t *s = NULL;
    for (size_t i = 0; i < cfg->n_sources; i++)
        if (strcmp(cfg->sources[i].name, name) == 0)
            s = &cfg->sources[i];
    if (!s) {
        cchc_source_conf_t *grown = realloc(cfg->sources, (cfg->n_sources + 1) * sizeof *grown);
        if (!grown) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        cfg->sources = grown;
        s = &cfg->sources[cfg->n_sources++];
        memset(s, 0, sizeof *s);
        s->name = strdup(name);
        s->timeout_ms = 10000;
    }
    char **field = NULL;
    if (strcmp(key, "type") == 0)
        field = &s->type;
    else if (strcmp(key, "command") == 0)
        field = &s->command;
    else if (strcmp(key, "path") == 0)
        field = &s->path;
    else if (strcmp(key, "format") == 0)
        field = &s->format;
    else if (strcmp(key, "timeout") == 0) {
        int64_t ms;
        if (cchc_parse_duration_ms(value, &ms) != 0 || ms < 1 || ms > 3600000) {
            snprintf(err, errlen, "'%s' is not a duration between 1ms and 1h (e.g. 10s)", value);
            return -1;
        }
        s->timeout_ms = ms;
        return 0;
    } else {
        snprintf(err, errlen, "unknown setting (known in [source.NAME]: type, command, path, "
                              "format, timeout)");
        return -1;
    }
    free(*field);
    *field = strdup(value);
    return *field ? 0 : -1;
}

void cchc_agent_config_free_sources(cchc_agent_config_t *cfg)
{
    for (size_t i = 0; i < cfg->n_sources; i++) {
        cchc_source_conf_t *s = &cfg->sources[i];
        free(s->name);
        free(s->type);
        free(s->command);
        free(s->path);
        free(s->format);
    }
    free(cfg->sources);
    cfg->sources = NULL;
    cfg->n_sources = 0;
}

static int parse_kind(const char *text, cchc_period_kind_t *kind)
{
    static const struct {
        const char *name;
        cchc_period_kind_t kind;
    } kinds[] = {{"month", CCHC_PERIOD_MONTH},
                 {"quarter", CCHC_PERIOD_QUARTER},
                 {"half-year", CCHC_PERIOD_HALF_YEAR},
                 {"year", CCHC_PERIOD_YEAR}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(text, kinds[i].name) == 0) {
            *kind = kinds[i].kind;
            return 0;
        }
    return -1;
}

int cchc_agent_config_check(const cchc_agent_config_t *cfg, bool need_sources, char *err,
                            size_t errlen)
{
    cchc_period_kind_t kind;
    cchc_calendar_t cal;
    if (!cfg->unit || !*cfg->unit) {
        snprintf(err, errlen, "[agent] unit is not set: name the unit this agent reports for "
                              "(e.g. unit = VPUB-TTPVHCC)");
        return -1;
    }
    if (strlen(cfg->unit) > CCHC_CODE_MAX) {
        snprintf(err, errlen, "[agent] unit: '%s' is longer than %d characters", cfg->unit,
                 CCHC_CODE_MAX);
        return -1;
    }
    if (parse_kind(cfg->period_kind, &kind) != 0) {
        snprintf(err, errlen, "[agent] period: '%s' is not one of month, quarter, half-year, year",
                 cfg->period_kind);
        return -1;
    }
    if (cchc_calendar_parse(cfg->calendar, &cal) != 0) {
        snprintf(err, errlen, "[agent] calendar: '%s' is not one of civil, nd09", cfg->calendar);
        return -1;
    }
    if (need_sources && cfg->n_sources == 0) {
        snprintf(err, errlen, "no [source.NAME] section: the agent has nothing to read (add one, "
                              "or use 'cchc-agent submit' to enter figures by hand)");
        return -1;
    }
    for (size_t i = 0; i < cfg->n_sources; i++) {
        const cchc_source_conf_t *s = &cfg->sources[i];
        const cchc_source_type_t *t = s->type ? cchc_source_type_find(s->type) : NULL;
        if (!t) {
            snprintf(err, errlen, "[source.%s] type: '%s' is not a source type (exec or file)",
                     s->name, s->type ? s->type : "");
            return -1;
        }
        if (strcmp(s->type, "exec") == 0 && (!s->command || !*s->command)) {
            snprintf(err, errlen, "[source.%s] command is not set (type exec runs it)", s->name);
            return -1;
        }
        if (strcmp(s->type, "file") == 0 && (!s->path || !*s->path)) {
            snprintf(err, errlen, "[source.%s] path is not set (type file reads it)", s->name);
            return -1;
        }
        if (s->format && strcmp(s->format, "csv") && strcmp(s->format, "kv") &&
            strcmp(s->format, "auto")) {
            snprintf(err, errlen, "[source.%s] format: '%s' is not one of csv, kv, auto", s->name,
                     s->format);
            return -1;
        }
    }
    return 0;
}

/* ---- building and spooling a report ---------------------------------------------------- */

/* Validates and spools a report of figs for period p. Returns 0, or -1 (logged, and noted
 * in the spool as the last error). */
static int spool_report(cchc_spool_t *sp, const cchc_agent_config_t *cfg, const cchc_catalog_t *cat,
                        const cchc_period_t *p, bool final, const char *note, int64_t observed_at,
                        const cchc_figures_t *figs, uint64_t *seq_out)
{
    Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
    Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
    Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
    period.kind = (Cchc__V1__PeriodKind)p->kind;
    period.year = (uint32_t)p->year;
    period.index = (uint32_t)p->index;
    Cchc__V1__Figure *fv = calloc(figs->n ? figs->n : 1, sizeof *fv);
    Cchc__V1__Figure **fp = calloc(figs->n ? figs->n : 1, sizeof *fp);
    if (!fv || !fp) {
        free(fv);
        free(fp);
        cchc_error("spool_failed", "reason=\"out of memory\"");
        return -1;
    }
    for (size_t i = 0; i < figs->n; i++) {
        cchc__v1__figure__init(&fv[i]);
        fv[i].indicator = (char *)figs->items[i].code;
        fv[i].value = figs->items[i].value;
        fp[i] = &fv[i];
    }
    r.unit = cfg->unit;
    r.period = &period;
    r.observed_at = observed_at;
    r.final = final;
    r.note = (char *)(note ? note : "");
    r.n_figures = figs->n;
    r.figures = fp;

    /* The same rules the collector applies, so a wrong figure is caught here, offline.
     * A placeholder key passes the key rule; the spool sets the real one. */
    uint8_t placeholder[16] = {1};
    key.spool_id.data = placeholder;
    key.spool_id.len = sizeof placeholder;
    key.seq = 1;
    r.key = &key;
    char reason[512], err[600], q[700], ptxt[CCHC_PERIOD_TEXT_MAX];
    int rc = -1;
    cchc_period_format(p, ptxt, sizeof ptxt);
    if (cchc_validate_report(cat, &r, cchc_now_ms() / 1000, reason, sizeof reason) != 0) {
        cchc_error("report_invalid", "unit=%s period=%s reason=%s action=\"not spooled; fix the "
                   "source\"", cfg->unit, ptxt, cchc_log_quote(reason, q, sizeof q));
        snprintf(err, sizeof err, "report for %s not spooled: %s", ptxt, reason);
        cchc_spool_note_error(sp, err, cchc_now_ms(), reason, sizeof reason);
        goto out;
    }
    r.key = NULL;
    uint64_t seq;
    if (cchc_spool_put(sp, &r, cchc_now_ms(), &seq, err, sizeof err) != 0) {
        cchc_error("spool_failed", "unit=%s period=%s reason=%s", cfg->unit, ptxt,
                   cchc_log_quote(err, q, sizeof q));
        goto out;
    }
    cchc_info("report_spooled", "seq=%" PRIu64 " unit=%s period=%s final=%s figures=%zu", seq,
              cfg->unit, ptxt, final ? "true" : "false", figs->n);
    if (seq_out)
        *seq_out = seq;
    rc = 0;
out:
    free(fv);
    free(fp);
    return rc;
}

/* Reads every source; a source that fails is logged and left out (its indicators are
 * then "not reported", never zero). Returns how many sources were read. */
static size_t read_sources(const cchc_agent_config_t *cfg, cchc_spool_t *sp, cchc_figures_t *figs)
{
    size_t ok = 0;
    for (size_t i = 0; i < cfg->n_sources; i++) {
        const cchc_source_conf_t *s = &cfg->sources[i];
        char err[600], q[700], note[700];
        if (cchc_source_type_find(s->type)->read(s, figs, err, sizeof err) != 0) {
            cchc_error("source_failed", "source=%s type=%s error=%s", s->name, s->type,
                       cchc_log_quote(err, q, sizeof q));
            snprintf(note, sizeof note, "source %s: %s", s->name, err);
            cchc_spool_note_error(sp, note, cchc_now_ms(), err, sizeof err);
            continue;
        }
        ok++;
    }
    return ok;
}

static int tick(const cchc_agent_config_t *cfg, cchc_spool_t *sp, const cchc_catalog_t *cat)
{
    cchc_period_kind_t kind = CCHC_PERIOD_QUARTER;
    cchc_calendar_t cal = CCHC_CALENDAR_CIVIL;
    parse_kind(cfg->period_kind, &kind); /* checked by cchc_agent_config_check */
    cchc_calendar_parse(cfg->calendar, &cal);
    /* The period is decided by the site's own date: the day its office is living. */
    time_t now = time(NULL);
    struct tm lt;
    localtime_r(&now, &lt);
    cchc_date_t today = {lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday};
    cchc_period_t p;
    cchc_period_of_date(kind, today, cal, &p);

    cchc_figures_t figs = {0};
    read_sources(cfg, sp, &figs);
    int rc = -1;
    if (figs.n == 0)
        cchc_warn("tick_empty", "unit=%s reason=\"no source gave a figure; nothing spooled\"",
                  cfg->unit);
    else
        rc = spool_report(sp, cfg, cat, &p, false, "", (int64_t)now, &figs, NULL);
    cchc_figures_free(&figs);
    return rc;
}

/* ---- the connection to the collector ----------------------------------------------------- */

typedef struct {
    const cchc_agent_config_t *cfg;
    cchc_spool_t *sp;
    void *zctx, *dealer, *monitor;
    bool connected;
    uint64_t sent, acked, rejected;
} link_t;

static int link_open(link_t *l, char *err, size_t errlen)
{
    const cchc_agent_config_t *cfg = l->cfg;
    l->zctx = zmq_ctx_new();
    /* The agent has three sockets: the dealer, its monitor and the monitor's reader.
     * ZeroMQ sizes its tables by this limit (default 1023): 8 KiB less resident. */
    zmq_ctx_set(l->zctx, ZMQ_MAX_SOCKETS, LINK_MAX_SOCKETS);
    l->dealer = zmq_socket(l->zctx, ZMQ_DEALER);
    int one = 1, linger = 0;
    /* IMMEDIATE: never queue a report on a connection that is not up; it stays in
     * the spool and is sent once the link is back. */
    zmq_setsockopt(l->dealer, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(l->dealer, ZMQ_LINGER, &linger, sizeof linger);
    int ivl = 500, ivl_max = 30000;
    zmq_setsockopt(l->dealer, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(l->dealer, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof ivl_max);
    if (!cfg->insecure_plaintext) {
        char server[CCHC_Z85_KEY_LEN + 1], sec[CCHC_Z85_KEY_LEN + 1], pub[CCHC_Z85_KEY_LEN + 1];
        if (!cfg->server_public_key_file || !*cfg->server_public_key_file ||
            !cfg->secret_key_file || !*cfg->secret_key_file) {
            snprintf(err, errlen, "[collector] server_public_key_file and secret_key_file must be "
                                  "set (CURVE is required; see 'cchc-agent keygen')");
            return -1;
        }
        if (cchc_keys_load_public(cfg->server_public_key_file, server, err, errlen) != 0 ||
            cchc_keys_load_secret(cfg->secret_key_file, sec, pub, err, errlen) != 0)
            return -1;
        zmq_setsockopt(l->dealer, ZMQ_CURVE_SERVERKEY, server, CCHC_Z85_KEY_LEN);
        zmq_setsockopt(l->dealer, ZMQ_CURVE_PUBLICKEY, pub, CCHC_Z85_KEY_LEN);
        zmq_setsockopt(l->dealer, ZMQ_CURVE_SECRETKEY, sec, CCHC_Z85_KEY_LEN);
        memset(sec, 0, sizeof sec);
        cchc_info("curve_on", "public_key=%s", pub);
    } else {
        cchc_warn("insecure_plaintext", "warning=\"CURVE is OFF: figures travel unencrypted. "
                                        "Development only.\"");
    }
    if (zmq_socket_monitor(l->dealer, MONITOR_ENDPOINT,
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) != 0) {
        snprintf(err, errlen, "cannot monitor the socket: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    l->monitor = zmq_socket(l->zctx, ZMQ_PAIR);
    zmq_connect(l->monitor, MONITOR_ENDPOINT);
    if (zmq_connect(l->dealer, cfg->endpoint) != 0) {
        snprintf(err, errlen, "cannot connect to '%s': %s", cfg->endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

static void link_close(link_t *l)
{
    if (l->monitor)
        zmq_close(l->monitor);
    if (l->dealer)
        zmq_close(l->dealer);
    if (l->zctx)
        zmq_ctx_term(l->zctx);
}

/* Handles one monitor event; on a new handshake everything pending is due at once:
 * the link is back, so there is no reason to wait out the backoff. */
static void link_event(link_t *l)
{
    uint16_t event;
    uint32_t value;
    if (cchc_monitor_recv(l->monitor, &event, &value) != 0)
        return;
    char err[600];
    switch (event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        l->connected = true;
        cchc_info("collector_connected", "endpoint=%s", l->cfg->endpoint);
        cchc_spool_reschedule(l->sp, cchc_now_ms(), err, sizeof err);
        break;
    case ZMQ_EVENT_DISCONNECTED:
        if (l->connected)
            cchc_warn("collector_disconnected", "endpoint=%s action=\"reports stay spooled\"",
                      l->cfg->endpoint);
        l->connected = false;
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        l->connected = false;
        cchc_error("collector_refused", "endpoint=%s reason=\"%s\" fix=\"check that this agent is "
                   "enrolled and that server_public_key_file is the collector's key\"",
                   l->cfg->endpoint, event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                                         ? "authentication failed"
                                         : "handshake failed (wrong server key or not CURVE?)");
        snprintf(err, sizeof err, "collector %s refused the handshake", l->cfg->endpoint);
        cchc_spool_note_error(l->sp, err, cchc_now_ms(), err, sizeof err);
        break;
    default:
        break;
    }
}

/* When to try a report again after its attempt-th send: ack_timeout doubled per
 * earlier attempt, capped at retry_max, times a jitter in [0.75, 1.25) so that agents
 * that lost the link together do not come back together. */
static int64_t resend_delay(const cchc_agent_config_t *cfg, int64_t attempts)
{
    int64_t d = cfg->ack_timeout_ms;
    for (int64_t i = 0; i < attempts && d < cfg->retry_max_ms; i++)
        d *= 2;
    if (d > cfg->retry_max_ms)
        d = cfg->retry_max_ms;
    return (int64_t)((double)d * (0.75 + 0.5 * cchc_random_unit()));
}

/* Sends items[0..n) as one message: a lone report as cchc.v1.Report, several as one
 * cchc.v1.ReportBatch (each element is a report as spooled, not re-encoded). Returns
 * false when ZeroMQ cannot take it now (no connection ready, or its queue is full). */
static bool send_message(link_t *l, const cchc_spool_item_t *items, size_t n)
{
    if (n == 1) {
        if (zmq_send(l->dealer, CCHC_TYPE_REPORT, strlen(CCHC_TYPE_REPORT),
                     ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
            return false;
        zmq_send(l->dealer, items[0].payload, items[0].len, ZMQ_DONTWAIT);
        return true;
    }
    ProtobufCBinaryData *reports = calloc(n, sizeof *reports);
    if (!reports)
        return false;
    for (size_t i = 0; i < n; i++) {
        reports[i].data = items[i].payload;
        reports[i].len = items[i].len;
    }
    Cchc__V1__ReportBatch b = CCHC__V1__REPORT_BATCH__INIT;
    b.n_reports = n;
    b.reports = reports;
    size_t len = cchc__v1__report_batch__get_packed_size(&b);
    uint8_t *buf = malloc(len);
    bool ok = false;
    if (buf) {
        cchc__v1__report_batch__pack(&b, buf);
        ok = zmq_send(l->dealer, CCHC_TYPE_REPORT_BATCH, strlen(CCHC_TYPE_REPORT_BATCH),
                      ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0;
        if (ok)
            zmq_send(l->dealer, buf, len, ZMQ_DONTWAIT);
    }
    free(buf);
    free(reports);
    return ok;
}

/* Sends the reports that are due, up to max_in_flight, in messages of at most
 * reports_per_message reports and CCHC_MESSAGE_BYTES_MAX bytes. */
static void send_due(link_t *l)
{
    const cchc_agent_config_t *cfg = l->cfg;
    if (!l->connected)
        return;
    size_t max = (size_t)cfg->max_in_flight;
    cchc_spool_item_t *items = calloc(max, sizeof *items);
    uint64_t *seqs = calloc(max, sizeof *seqs);
    int64_t *next = calloc(max, sizeof *next);
    size_t n = 0, sent = 0;
    char err[600], q[700];
    int64_t now = cchc_now_ms();
    if (!items || !seqs || !next)
        goto out;
    if (cchc_spool_due(l->sp, now, max, items, &n, err, sizeof err) != 0) {
        cchc_error("spool_read_failed", "error=%s", cchc_log_quote(err, q, sizeof q));
        goto out;
    }
    for (size_t i = 0; i < n;) {
        /* The next message: as many due reports as fit. */
        size_t m = 1, bytes = items[i].len;
        while (i + m < n && m < (size_t)cfg->reports_per_message &&
               bytes + items[i + m].len + 8 <= CCHC_MESSAGE_BYTES_MAX) {
            bytes += items[i + m].len + 8; /* + the element's tag and length */
            m++;
        }
        if (!send_message(l, &items[i], m))
            break; /* try the rest later */
        for (size_t k = i; k < i + m; k++) {
            seqs[sent] = items[k].seq;
            next[sent] = now + resend_delay(cfg, items[k].attempts);
            sent++;
        }
        i += m;
    }
    if (sent > 0) {
        if (cchc_spool_mark_sent(l->sp, seqs, next, sent, now, err, sizeof err) != 0)
            cchc_error("spool_write_failed", "error=%s", cchc_log_quote(err, q, sizeof q));
        l->sent += sent;
        cchc_debug("reports_sent", "count=%zu", sent);
    }
out:
    cchc_spool_items_free(items, n);
    free(items);
    free(seqs);
    free(next);
}

/* Settles the acknowledgements of one AckBatch. */
static void receive_acks(link_t *l)
{
    zmq_msg_t type, payload;
    zmq_msg_init(&type);
    zmq_msg_init(&payload);
    char err[600], q[700];
    if (zmq_msg_recv(&type, l->dealer, ZMQ_DONTWAIT) < 0)
        goto out;
    if (!zmq_msg_more(&type) || zmq_msg_recv(&payload, l->dealer, ZMQ_DONTWAIT) < 0 ||
        zmq_msg_size(&type) != strlen(CCHC_TYPE_ACK_BATCH) ||
        memcmp(zmq_msg_data(&type), CCHC_TYPE_ACK_BATCH, strlen(CCHC_TYPE_ACK_BATCH)) != 0) {
        cchc_warn("message_malformed", "from=collector reason=\"expected [cchc.v1.AckBatch, payload]\"");
        goto out;
    }
    Cchc__V1__AckBatch *b =
        cchc__v1__ack_batch__unpack(NULL, zmq_msg_size(&payload), zmq_msg_data(&payload));
    if (!b) {
        cchc_warn("message_malformed", "from=collector reason=\"not a valid cchc.v1.AckBatch\"");
        goto out;
    }
    uint64_t *done = calloc(b->n_acks ? b->n_acks : 1, sizeof *done);
    size_t nd = 0;
    const uint8_t *my_id = cchc_spool_id(l->sp);
    for (size_t i = 0; done && i < b->n_acks; i++) {
        const Cchc__V1__Ack *a = b->acks[i];
        if (!a->key || a->key->spool_id.len != CCHC_SPOOL_ID_LEN ||
            memcmp(a->key->spool_id.data, my_id, CCHC_SPOOL_ID_LEN) != 0)
            continue; /* not one of ours: ignore rather than settle a stranger's key */
        switch (a->status) {
        case CCHC__V1__ACK_STATUS__ACK_STATUS_ACCEPTED:
        case CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE:
            done[nd++] = a->key->seq;
            break;
        case CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED:
            cchc_error("report_rejected", "seq=%" PRIu64 " reason=%s action=\"kept apart; see "
                       "'cchc-agent rejected'\"", a->key->seq,
                       cchc_log_quote(a->reason, q, sizeof q));
            if (cchc_spool_reject(l->sp, a->key->seq, a->reason, cchc_now_ms(), err, sizeof err) != 0)
                cchc_error("spool_write_failed", "error=%s", cchc_log_quote(err, q, sizeof q));
            l->rejected++;
            break;
        default:
            break;
        }
    }
    if (nd > 0) {
        if (cchc_spool_ack(l->sp, done, nd, cchc_now_ms(), err, sizeof err) != 0)
            cchc_error("spool_write_failed", "error=%s", cchc_log_quote(err, q, sizeof q));
        l->acked += nd;
        cchc_debug("reports_acknowledged", "count=%zu", nd);
    }
    free(done);
    cchc__v1__ack_batch__free_unpacked(b, NULL);
out:
    zmq_msg_close(&type);
    zmq_msg_close(&payload);
}

/* Memory left over from a burst of work (a backlog sent, a report spooled): SQLite's
 * page cache and the heap that glibc keeps after frees. Without giving it back, an agent
 * that had sent a backlog of 100,000 reports stayed at 10.6 MiB resident (3.8 MiB of it
 * its own) for good; with it, 7.7 MiB (0.9 MiB): agent_rss_*_idle_after_sending_kib in
 * tests/bench/run-agent. */
typedef struct {
    int64_t since;     /* monotonic ms of the last work seen */
    uint64_t seen;     /* sent + acknowledged + rejected at that time */
    bool released;     /* given back since then */
} idle_t;

#define IDLE_RELEASE_AFTER_MS 1000

/* Once nothing has been sent, settled or spooled for IDLE_RELEASE_AFTER_MS, gives the
 * memory back: once per burst, never while busy. */
static void idle_release(idle_t *idle, const link_t *l, int64_t now)
{
    uint64_t seen = l->sent + l->acked + l->rejected;
    if (seen != idle->seen) {
        idle->seen = seen;
        idle->since = now;
        idle->released = false;
        return;
    }
    if (idle->released || now - idle->since < IDLE_RELEASE_AFTER_MS)
        return;
    cchc_spool_release_memory(l->sp);
    malloc_trim(0);
    idle->released = true;
}

static cchc_spool_t *open_spool(const cchc_agent_config_t *cfg)
{
    char err[600], q[700];
    cchc_spool_t *sp = cchc_spool_open(cfg->spool_path, err, sizeof err);
    if (!sp)
        cchc_error("spool_open_failed", "path=%s error=%s", cfg->spool_path,
                   cchc_log_quote(err, q, sizeof q));
    return sp;
}

int cchc_agent_run(const cchc_agent_config_t *cfg, bool drain, volatile sig_atomic_t *stop)
{
    char err[600], q[700], uuid[37];
    cchc_spool_t *sp = open_spool(cfg);
    if (!sp)
        return 1;
    cchc_catalog_t *cat = cchc_catalog_builtin();
    link_t l = {.cfg = cfg, .sp = sp};
    int rc = 1;
    if (!cat) {
        cchc_error("startup_failed", "reason=\"out of memory\"");
        goto out;
    }
    if (link_open(&l, err, sizeof err) != 0) {
        cchc_error("startup_failed", "reason=%s", cchc_log_quote(err, q, sizeof q));
        goto out;
    }
    cchc_uuid_format(cchc_spool_id(sp), uuid);
    cchc_info("starting", "version=%s unit=%s spool=%s spool_id=%s endpoint=%s sources=%zu drain=%s",
              CCHC_VERSION, cfg->unit, cfg->spool_path, uuid, cfg->endpoint, cfg->n_sources,
              drain ? "true" : "false");
    int64_t next_tick = cchc_mono_ms();
    int64_t next_drain_check = 0;
    idle_t idle = {.since = cchc_mono_ms()};
    while (!*stop) {
        int64_t now = cchc_mono_ms();
        if (!drain && cfg->n_sources > 0 && now >= next_tick) {
            tick(cfg, sp, cat);
            idle.since = now;
            idle.released = false;
            next_tick += cfg->interval_ms;
            if (next_tick < now)
                next_tick = now + cfg->interval_ms; /* we slept through ticks: do not catch up */
        }
        send_due(&l);
        if (drain && now >= next_drain_check) {
            cchc_spool_stats_t st;
            if (cchc_spool_stats(sp, &st, err, sizeof err) == 0 && st.pending == 0) {
                cchc_info("drained", "sent=%" PRIu64 " acknowledged=%" PRIu64 " rejected=%" PRIu64,
                          l.sent, l.acked, l.rejected);
                rc = 0;
                goto out;
            }
            next_drain_check = now + 100;
        }
        zmq_pollitem_t items[2] = {{l.dealer, 0, ZMQ_POLLIN, 0}, {l.monitor, 0, ZMQ_POLLIN, 0}};
        /* Wake at least every 200 ms: reports spooled by 'submit' or coming due. */
        long timeout = 200;
        if (!drain && cfg->n_sources > 0 && next_tick - now < timeout)
            timeout = next_tick - now < 0 ? 0 : (long)(next_tick - now);
        if (zmq_poll(items, 2, timeout) < 0) {
            if (zmq_errno() == EINTR)
                continue;
            cchc_error("poll_failed", "error=\"%s\"", zmq_strerror(zmq_errno()));
            goto out;
        }
        if (items[1].revents & ZMQ_POLLIN)
            link_event(&l);
        for (int k = 0; k < 1000 && (items[0].revents & ZMQ_POLLIN); k++) {
            int ev = 0;
            size_t sz = sizeof ev;
            zmq_getsockopt(l.dealer, ZMQ_EVENTS, &ev, &sz);
            if (!(ev & ZMQ_POLLIN))
                break;
            receive_acks(&l);
        }
        idle_release(&idle, &l, cchc_mono_ms());
    }
    rc = 0;
out:;
    /* What this run cost: operators size site machines by it, the benchmark reads it. */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    cchc_info("stopped", "sent=%" PRIu64 " acknowledged=%" PRIu64 " rejected=%" PRIu64
              " cpu_s=%.3f max_rss_kib=%ld", l.sent, l.acked, l.rejected,
              (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
              ru.ru_maxrss);
    link_close(&l);
    cchc_catalog_destroy(&cat);
    cchc_spool_close(&sp);
    return rc;
}

int cchc_agent_tick_once(const cchc_agent_config_t *cfg)
{
    cchc_spool_t *sp = open_spool(cfg);
    if (!sp)
        return 1;
    cchc_catalog_t *cat = cchc_catalog_builtin();
    int rc = cat && tick(cfg, sp, cat) == 0 ? 0 : 1;
    cchc_catalog_destroy(&cat);
    cchc_spool_close(&sp);
    return rc;
}

/* ---- submit, status, rejected ------------------------------------------------------------ */

int cchc_agent_submit(const cchc_agent_config_t *cfg, const char *period, bool final,
                      const char *note, int64_t observed_at, char **pairs, int npairs)
{
    cchc_period_t p;
    char err[600];
    if (!period) {
        fprintf(stderr, "cchc-agent submit: --period is required (e.g. --period 2026-Q3)\n");
        return 2;
    }
    if (cchc_period_parse(period, &p, err, sizeof err) != 0) {
        fprintf(stderr, "cchc-agent submit: %s\n", err);
        return 2;
    }
    if (npairs == 0) {
        fprintf(stderr, "cchc-agent submit: no figures given (write them as indicator=value, "
                        "e.g. dossier_received=120)\n");
        return 2;
    }
    cchc_figures_t figs = {0};
    int rc = 2;
    for (int i = 0; i < npairs; i++) {
        char *eq = strchr(pairs[i], '=');
        char *end = NULL;
        errno = 0;
        long long v = eq ? strtoll(eq + 1, &end, 10) : 0;
        if (!eq || eq == pairs[i] || !end || end == eq + 1 || *end != '\0' || errno == ERANGE) {
            fprintf(stderr, "cchc-agent submit: '%s' is not indicator=value with a whole number "
                            "value (e.g. dossier_received=120)\n", pairs[i]);
            goto out;
        }
        *eq = '\0';
        for (size_t j = 0; j < figs.n; j++)
            if (strcmp(figs.items[j].code, pairs[i]) == 0) {
                fprintf(stderr, "cchc-agent submit: indicator '%s' given twice\n", pairs[i]);
                goto out;
            }
        if (cchc_figures_set(&figs, pairs[i], v) != 0) {
            fprintf(stderr, "cchc-agent submit: '%s' is not a valid indicator code\n", pairs[i]);
            goto out;
        }
    }
    cchc_spool_t *sp = open_spool(cfg);
    if (!sp) {
        rc = 1;
        goto out;
    }
    cchc_catalog_t *cat = cchc_catalog_builtin();
    uint64_t seq = 0;
    if (cat && spool_report(sp, cfg, cat, &p, final, note,
                            observed_at ? observed_at : cchc_now_ms() / 1000, &figs, &seq) == 0) {
        char ptxt[CCHC_PERIOD_TEXT_MAX];
        printf("spooled report %" PRIu64 ": unit %s, period %s%s, %zu figures; the running agent "
               "sends it\n", seq, cfg->unit, cchc_period_format(&p, ptxt, sizeof ptxt),
               final ? " (final)" : "", figs.n);
        rc = 0;
    } else {
        rc = 2; /* the reason was logged: a rule broken, or the spool refused */
    }
    cchc_catalog_destroy(&cat);
    cchc_spool_close(&sp);
out:
    cchc_figures_free(&figs);
    return rc;
}

int cchc_agent_status(const cchc_agent_config_t *cfg, FILE *out)
{
    cchc_spool_t *sp = open_spool(cfg);
    if (!sp)
        return 1;
    cchc_spool_stats_t st;
    char err[600], uuid[37], t1[32], t2[32], t3[32];
    if (cchc_spool_stats(sp, &st, err, sizeof err) != 0) {
        fprintf(stderr, "cchc-agent status: %s\n", err);
        cchc_spool_close(&sp);
        return 1;
    }
    cchc_uuid_format(cchc_spool_id(sp), uuid);
    fprintf(out, "unit:              %s\n", cfg->unit);
    fprintf(out, "spool:             %s (id %s)\n", cfg->spool_path, uuid);
    fprintf(out, "reports spooled:   %" PRIu64 " in all\n", st.last_seq);
    fprintf(out, "waiting to send:   %" PRId64 "\n", st.pending);
    if (st.pending > 0)
        fprintf(out, "oldest unsent:     report %" PRIu64 ", spooled %s\n", st.oldest_seq,
                cchc_time_format(st.oldest_created_at, t1, sizeof t1));
    else
        fprintf(out, "oldest unsent:     none\n");
    fprintf(out, "rejected:          %" PRId64 "%s\n", st.rejected,
            st.rejected ? " (see 'cchc-agent rejected')" : "");
    fprintf(out, "last acknowledged: %s\n", cchc_time_format(st.last_ack_at, t2, sizeof t2));
    fprintf(out, "last error:        %s%s%s\n", st.last_error[0] ? st.last_error : "none",
            st.last_error[0] ? " at " : "",
            st.last_error[0] ? cchc_time_format(st.last_error_at, t3, sizeof t3) : "");
    cchc_spool_close(&sp);
    return 0;
}

typedef struct {
    FILE *out;
    size_t n;
} rejected_ctx_t;

static int print_rejected(void *ctx, uint64_t seq, int64_t created_at, int64_t rejected_at,
                          const char *reason, const uint8_t *payload, size_t len)
{
    rejected_ctx_t *c = ctx;
    char t1[32], t2[32], ptxt[CCHC_PERIOD_TEXT_MAX] = "?";
    Cchc__V1__Report *r = cchc__v1__report__unpack(NULL, len, payload);
    if (r && r->period) {
        cchc_period_t p = {(cchc_period_kind_t)r->period->kind, (int)r->period->year,
                           (int)r->period->index};
        cchc_period_format(&p, ptxt, sizeof ptxt);
    }
    fprintf(c->out, "report %" PRIu64 "  spooled %s  rejected %s\n", seq,
            cchc_time_format(created_at, t1, sizeof t1),
            cchc_time_format(rejected_at, t2, sizeof t2));
    fprintf(c->out, "  unit %s, period %s%s\n", r ? r->unit : "?", ptxt,
            r && r->final ? " (final)" : "");
    fprintf(c->out, "  reason: %s\n", reason);
    if (r) {
        fprintf(c->out, "  figures:");
        for (size_t i = 0; i < r->n_figures; i++)
            fprintf(c->out, " %s=%" PRId64, r->figures[i]->indicator, r->figures[i]->value);
        fprintf(c->out, "\n");
        cchc__v1__report__free_unpacked(r, NULL);
    }
    c->n++;
    return 0;
}

int cchc_agent_rejected(const cchc_agent_config_t *cfg, FILE *out)
{
    cchc_spool_t *sp = open_spool(cfg);
    if (!sp)
        return 1;
    rejected_ctx_t c = {out, 0};
    char err[600];
    int rc = 0;
    if (cchc_spool_rejected_each(sp, print_rejected, &c, err, sizeof err) != 0) {
        fprintf(stderr, "cchc-agent rejected: %s\n", err);
        rc = 1;
    } else if (c.n == 0) {
        fprintf(out, "no rejected reports\n");
    }
    cchc_spool_close(&sp);
    return rc;
}
