/* The collector's event loop: ROUTER socket, CURVE + ZAP, decode, validate,
 * batch, write, and acknowledge after COMMIT. */
#ifndef CCHC_SERVER_H
#define CCHC_SERVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

typedef struct {
    /* [collector] */
    char *listen;
    char *endpoint_file;
    char *secret_key_file;
    bool insecure_plaintext;
    int64_t batch_size;
    int64_t batch_time_ms;
    int64_t max_pending;
    int64_t max_message_size;
    int64_t connection_queue;
    int64_t listen_backlog;
    int64_t stats_interval_ms;
    int64_t shutdown_grace_ms;
    char *log_level;
    /* [database] */
    char *conninfo;
    int64_t writers;
    int64_t reconnect_min_ms;
    int64_t reconnect_max_ms;
    int64_t catalog_refresh_ms;
} cchc_collector_config_t;

/* The settings table: drives the INI file, the command line and --help. */
extern const cchc_cfg_entry_t cchc_collector_settings[];

/* Runs until *stop becomes non-zero (SIGTERM/SIGINT), then stops reading, writes
 * and acknowledges what it holds (giving up after shutdown_grace if PostgreSQL is
 * down: unacknowledged reports stay in the agents' spools), and returns 0.
 * Returns 1 on a startup failure (logged). */
int cchc_server_run(const cchc_collector_config_t *cfg, volatile sig_atomic_t *stop);

#endif
