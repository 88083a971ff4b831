/* fuzz_config: an INI file, through the configuration loader both daemons use, with a
 * table holding the agent's and the collector's settings (all four types) and the
 * agent's own callback for [source.NAME] sections. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    char *unit, *spool, *period, *calendar, *log_level;
    int64_t interval_ms;
    char *endpoint, *server_public_key_file, *secret_key_file, *listen, *endpoint_file;
    char *collector_log_level;
    bool insecure_plaintext;
    int64_t ack_timeout_ms, retry_max_ms, max_in_flight;
    int64_t batch_size, batch_time_ms, max_pending, max_message_size;
    int64_t stats_interval_ms, shutdown_grace_ms;
    char *conninfo;
    int64_t reconnect_min_ms, reconnect_max_ms, catalog_refresh_ms;
    int64_t offset; /* unbounded */
} fuzz_config_t;

#define F(f) offsetof(fuzz_config_t, f)

/* The daemons' settings with their bounds (agent/agent.c, collector/settings.c), and
 * an unbounded INT, so that their real files read to the end. */
static const cchc_cfg_entry_t table[] = {
    {"agent", "unit", CCHC_CFG_STRING, F(unit), NULL, 0, 0, NULL},
    {"agent", "spool", CCHC_CFG_STRING, F(spool), "cchc-agent.spool", 0, 0, NULL},
    {"agent", "interval", CCHC_CFG_DURATION, F(interval_ms), "15m", 100, 86400000, NULL},
    {"agent", "period", CCHC_CFG_STRING, F(period), "quarter", 0, 0, NULL},
    {"agent", "calendar", CCHC_CFG_STRING, F(calendar), "civil", 0, 0, NULL},
    {"agent", "log_level", CCHC_CFG_STRING, F(log_level), "info", 0, 0, NULL},
    {"collector", "endpoint", CCHC_CFG_STRING, F(endpoint), "tcp://127.0.0.1:7450", 0, 0, NULL},
    {"collector", "server_public_key_file", CCHC_CFG_STRING, F(server_public_key_file), "", 0, 0, NULL},
    {"collector", "secret_key_file", CCHC_CFG_STRING, F(secret_key_file), "", 0, 0, NULL},
    {"collector", "insecure_plaintext", CCHC_CFG_BOOL, F(insecure_plaintext), "false", 0, 0, NULL},
    {"collector", "ack_timeout", CCHC_CFG_DURATION, F(ack_timeout_ms), "10s", 100, 3600000, NULL},
    {"collector", "retry_max", CCHC_CFG_DURATION, F(retry_max_ms), "5m", 100, 86400000, NULL},
    {"collector", "max_in_flight", CCHC_CFG_INT, F(max_in_flight), "1000", 1, 1000000, NULL},
    {"collector", "listen", CCHC_CFG_STRING, F(listen), "tcp://0.0.0.0:7450", 0, 0, NULL},
    {"collector", "endpoint_file", CCHC_CFG_STRING, F(endpoint_file), NULL, 0, 0, NULL},
    {"collector", "batch_size", CCHC_CFG_INT, F(batch_size), "500", 1, 100000, NULL},
    {"collector", "batch_time", CCHC_CFG_DURATION, F(batch_time_ms), "100ms", 1, 60000, NULL},
    {"collector", "max_pending", CCHC_CFG_INT, F(max_pending), "20000", 1, 10000000, NULL},
    {"collector", "max_message_size", CCHC_CFG_INT, F(max_message_size), "1048576", 1024, 67108864, NULL},
    {"collector", "stats_interval", CCHC_CFG_DURATION, F(stats_interval_ms), "60s", 1000, 86400000, NULL},
    {"collector", "shutdown_grace", CCHC_CFG_DURATION, F(shutdown_grace_ms), "10s", 0, 600000, NULL},
    {"collector", "log_level", CCHC_CFG_STRING, F(collector_log_level), "info", 0, 0, NULL},
    {"database", "conninfo", CCHC_CFG_STRING, F(conninfo), NULL, 0, 0, NULL},
    {"database", "reconnect_min", CCHC_CFG_DURATION, F(reconnect_min_ms), "200ms", 10, 600000, NULL},
    {"database", "reconnect_max", CCHC_CFG_DURATION, F(reconnect_max_ms), "10s", 10, 3600000, NULL},
    {"database", "catalog_refresh", CCHC_CFG_DURATION, F(catalog_refresh_ms), "60s", 1000, 86400000, NULL},
    {"database", "offset", CCHC_CFG_INT, F(offset), NULL, 0, 0, NULL},
    CCHC_CFG_END,
};

/* The loader reads a path, so the input goes to a memory file made once for the run
 * and rewritten for each input; the loader opens it anew through /proc each time. */
static const char *input_path(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    size_t done = 0;

    if (fd < 0) {
        fd = memfd_create("cchc-fuzz-config.ini", MFD_CLOEXEC);
        if (fd < 0) {
            perror("fuzz_config: memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        abort();
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    return path;
}

/* Whatever the file said, every field holds a value within its bounds: a value out of
 * bounds is refused, never stored. */
static void check_bounds(const fuzz_config_t *cfg)
{
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        int64_t v;
        if (e->type != CCHC_CFG_INT && e->type != CCHC_CFG_DURATION)
            continue;
        memcpy(&v, (const char *)cfg + e->offset, sizeof v);
        if ((e->min != 0 || e->max != 0) && (v < e->min || v > e->max)) {
            fprintf(stderr, "fuzz_config: [%s] %s = %" PRId64 " outside %" PRId64 "..%" PRId64 "\n",
                    e->section, e->key, v, e->min, e->max);
            abort();
        }
        if (e->type == CCHC_CFG_DURATION && v < 0)
            abort();
    }
}

/* An error names the file and a line ("PATH:LINE: ..."), or says the file could not
 * be read. */
static void check_error(const char *path, const char *err)
{
    size_t pl = strlen(path);
    const char *p = err + pl + 1;

    if (strncmp(err, "cannot read config file", 23) == 0)
        return;
    if (strncmp(err, path, pl) != 0 || err[pl] != ':' || *p < '1' || *p > '9')
        goto bad;
    p += strspn(p, "0123456789");
    if (strncmp(p, ": ", 2) == 0 && p[2] != '\0')
        return;
bad:
    fprintf(stderr, "fuzz_config: error without its place: \"%s\"\n", err);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = input_path(data, size);
    fuzz_config_t cfg;
    cchc_agent_config_t sources = {0};
    char err[1024];

    if (cchc_config_defaults(table, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_config: defaults: %s\n", err);
        abort();
    }
    err[0] = '\0';
    if (cchc_config_load_file(table, &cfg, path, cchc_agent_source_setting, &sources, err,
                              sizeof err) != 0)
        check_error(path, err);
    check_bounds(&cfg);
    cchc_config_free(table, &cfg);
    cchc_agent_config_free_sources(&sources);
    return 0;
}
