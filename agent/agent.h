/* cchc-agent's commands: run (read sources, spool, send until acknowledged), tick,
 * submit, status, rejected. main.c only parses arguments and calls these. */
#ifndef CCHC_AGENT_H
#define CCHC_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "source.h"

typedef struct {
    /* [agent] */
    char *unit;
    char *spool_path;
    int64_t interval_ms;
    char *period_kind;
    char *calendar;
    char *log_level;
    /* [collector] */
    char *endpoint;
    char *server_public_key_file;
    char *secret_key_file;
    bool insecure_plaintext;
    int64_t ack_timeout_ms;
    int64_t retry_max_ms;
    int64_t max_in_flight;
    int64_t reports_per_message;
    /* [source.NAME] sections, in file order */
    cchc_source_conf_t *sources;
    size_t n_sources;
} cchc_agent_config_t;

extern const cchc_cfg_entry_t cchc_agent_settings[];

/* The cchc_cfg_extra_fn for [source.NAME] sections; ctx is the cchc_agent_config_t. */
int cchc_agent_source_setting(void *ctx, const char *section, const char *key, const char *value,
                              char *err, size_t errlen);

/* Checks what the file cannot: unit set, names valid, every source complete.
 * Returns 0 or -1 with err. */
int cchc_agent_config_check(const cchc_agent_config_t *cfg, bool need_sources, char *err,
                            size_t errlen);

/* Frees the sources (the table's strings are freed by cchc_config_free). */
void cchc_agent_config_free_sources(cchc_agent_config_t *cfg);

/* Runs until *stop: every interval reads the sources and spools a report of the
 * current period; all along sends what is due and settles what is acknowledged.
 * With drain, reads no sources and returns once the spool holds nothing unsent.
 * Returns the exit status (0 ok, 1 failure). */
int cchc_agent_run(const cchc_agent_config_t *cfg, bool drain, volatile sig_atomic_t *stop);

/* Reads the sources once and spools the report. Returns the exit status. */
int cchc_agent_tick_once(const cchc_agent_config_t *cfg);

/* Spools a report given by hand: figures as "indicator=value" texts. observed_at
 * is Unix seconds (0 = now). Returns the exit status (2 for wrong input). */
int cchc_agent_submit(const cchc_agent_config_t *cfg, const char *period, bool final,
                      const char *note, int64_t observed_at, char **pairs, int npairs);

/* Prints the spool's state / the rejected reports. Return the exit status. */
int cchc_agent_status(const cchc_agent_config_t *cfg, FILE *out);
int cchc_agent_rejected(const cchc_agent_config_t *cfg, FILE *out);

#endif
