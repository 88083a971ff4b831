/* cchc-collector's settings: one table for the INI file, the command line and --help. */
#include <stddef.h>

#include "server.h"

#define C(f) offsetof(cchc_collector_config_t, f)

const cchc_cfg_entry_t cchc_collector_settings[] = {
    {"collector", "listen", CCHC_CFG_STRING, C(listen), "tcp://0.0.0.0:7450", 0, 0,
     "ZeroMQ endpoint the agents connect to. tcp://HOST:PORT; port 0 binds a free port "
     "(see endpoint_file)."},
    {"collector", "endpoint_file", CCHC_CFG_STRING, C(endpoint_file), "", 0, 0,
     "If set, the endpoint actually bound is written to this file once listening."},
    {"collector", "secret_key_file", CCHC_CFG_STRING, C(secret_key_file), "", 0, 0,
     "The collector's CURVE secret key (from 'cchc-collector keygen'), mode 0600. "
     "Required unless insecure_plaintext is on."},
    {"collector", "insecure_plaintext", CCHC_CFG_BOOL, C(insecure_plaintext), "false", 0, 0,
     "DEVELOPMENT ONLY: accept unencrypted, unauthenticated connections. Logged loudly."},
    {"collector", "batch_size", CCHC_CFG_INT, C(batch_size), "1000", 1, 100000,
     "Most reports written in one transaction. Larger batches pay the commit and the "
     "per-statement costs less often (tests/bench/run-ingest: 1000 gave about 20 % more "
     "than 500 with 20 figures per report)."},
    {"collector", "batch_time", CCHC_CFG_DURATION, C(batch_time_ms), "100ms", 1, 60000,
     "Longest a report waits for its batch to fill before the batch is written anyway."},
    {"collector", "max_pending", CCHC_CFG_INT, C(max_pending), "20000", 1, 10000000,
     "Most reports held in memory waiting for PostgreSQL; past this the collector stops "
     "reading and the agents keep their reports in their spools (plus at most one "
     "message's worth, 256 reports, read when the limit was just short)."},
    {"collector", "max_message_size", CCHC_CFG_INT, C(max_message_size), "1048576", 1024,
     67108864, "Largest message accepted, in bytes; a larger one drops the connection. cchc-agent "
     "keeps its messages under 256 KiB."},
    {"collector", "connection_queue", CCHC_CFG_INT, C(connection_queue), "4", 1, 1000,
     "Messages ZeroMQ holds per agent connection while the collector is not reading (when "
     "max_pending is reached); past that, TCP makes the agent wait. With ZeroMQ's default "
     "of 1000, a thousand agents with a backlog could make the collector hold a million "
     "messages. Memory is bounded by max_pending decoded reports plus connection_queue "
     "messages of at most max_message_size per connection."},
    {"collector", "listen_backlog", CCHC_CFG_INT, C(listen_backlog), "1024", 1, 65535,
     "Connections the kernel queues before the collector accepts them (capped by "
     "net.core.somaxconn). ZeroMQ's default of 100 lets a flood of connection attempts "
     "crowd out honest agents."},
    {"collector", "stats_interval", CCHC_CFG_DURATION, C(stats_interval_ms), "60s", 1000,
     86400000, "How often the counters are logged (event=stats)."},
    {"collector", "shutdown_grace", CCHC_CFG_DURATION, C(shutdown_grace_ms), "10s", 0, 600000,
     "On SIGTERM, how long to keep trying to write what is held if PostgreSQL is down."},
    {"collector", "log_level", CCHC_CFG_STRING, C(log_level), "info", 0, 0,
     "debug, info, warn or error."},
    {"database", "conninfo", CCHC_CFG_STRING, C(conninfo), "", 0, 0,
     "libpq connection string, e.g. 'host=db.example dbname=cchc user=cchc_collector "
     "sslmode=verify-full'. Empty: libpq's PG* environment variables. Put the password "
     "in ~/.pgpass or PGPASSFILE, not here."},
    {"database", "writers", CCHC_CFG_INT, C(writers), "2", 1, 64,
     "Connections writing batches side by side: while one waits for its COMMIT to reach "
     "the disk, the others write. Deduplication stays exact across them (the report key "
     "is unique in the database)."},
    {"database", "reconnect_min", CCHC_CFG_DURATION, C(reconnect_min_ms), "200ms", 10, 600000,
     "First wait before reconnecting to PostgreSQL; doubles on each failure."},
    {"database", "reconnect_max", CCHC_CFG_DURATION, C(reconnect_max_ms), "10s", 10, 3600000,
     "Longest wait between reconnection attempts."},
    {"database", "catalog_refresh", CCHC_CFG_DURATION, C(catalog_refresh_ms), "60s", 1000,
     86400000, "How often units and indicators are re-read, so new rows apply without a restart."},
    CCHC_CFG_END,
};
