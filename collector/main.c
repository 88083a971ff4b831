/* cchc-collector: arguments, configuration, signals; the work is in server.c, store.c, migrate.c. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "config.h"
#include "enroll.h"
#include "keys.h"
#include "log.h"
#include "migrate.h"
#include "server.h"

#define PROG "cchc-collector"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
"Usage: " PROG " [run] [-c FILE] [--SECTION.KEY=VALUE ...]\n"
"       " PROG " migrate [-c FILE] [--database.conninfo=CONNINFO]\n"
"       " PROG " keygen --out PREFIX [--force]\n"
"       " PROG " agent enroll|revoke|list ... [-c FILE]\n"
"       " PROG " config-example\n"
"\n"
"Receives the agents' reports over ZeroMQ (CURVE-encrypted), validates them, writes\n"
"them to PostgreSQL in batches and acknowledges each report only after the\n"
"transaction holding it has committed. A report sent twice is stored once.\n"
"\n"
"Commands:\n"
"  run             serve until SIGTERM or SIGINT (the default command). On SIGTERM\n"
"                  it stops reading, writes and acknowledges what it holds, exits 0.\n"
"  migrate         apply the SQL migrations not yet applied to the database named by\n"
"                  [database] conninfo, then exit. Safe to run again.\n"
"  keygen          write a CURVE key pair: PREFIX.key (secret, mode 0600) and\n"
"                  PREFIX.pub (public: give it to the agents).\n"
"  agent           enrol an agent's public key for its units, revoke it, list them\n"
"                  (see '" PROG " agent --help').\n"
"  config-example  print a configuration file with every setting at its default.\n"
"\n"
"Options:\n"
"  -c, --config FILE  read settings from this INI file (default: none; built-in\n"
"                     defaults, then the file, then --SECTION.KEY options)\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"Settings (each also a line in the INI file, under [SECTION]):\n");
    cchc_config_print_help(cchc_collector_settings, out);
    fprintf(out,
"\n"
"Exit status: 0 on success or after a clean stop; 1 on a runtime failure; 2 on a\n"
"usage or configuration error.\n"
"Logs: one line per event on stderr, key=value.\n");
}

static void report_migration(void *ctx, const char *name, int applied)
{
    (void)ctx;
    cchc_info(applied ? "migration_applied" : "migration_present", "name=%s", name);
}

static int cmd_migrate(const cchc_collector_config_t *cfg)
{
    PGconn *conn = PQconnectdb(cfg->conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[600], q[700];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        msg[strcspn(msg, "\n")] = '\0';
        cchc_error("migrate_failed", "reason=%s fix=\"check [database] conninfo\"",
                   cchc_log_quote(msg, q, sizeof q));
        PQfinish(conn);
        return 1;
    }
    char err[1024], q[1200];
    int n = cchc_migrate(conn, report_migration, NULL, err, sizeof err);
    PQfinish(conn);
    if (n < 0) {
        cchc_error("migrate_failed", "reason=%s", cchc_log_quote(err, q, sizeof q));
        return 1;
    }
    cchc_info("migrate_done", "applied=%d total=%zu", n, cchc_migration_count);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = "run";
    if (argc > 1 && argv[1][0] != '-') {
        cmd = argv[1];
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    if (strcmp(cmd, "keygen") == 0)
        return cchc_keygen_command(PROG, "give it to the agents", argc, argv);

    cchc_collector_config_t cfg;
    char err[1024];
    if (cchc_config_defaults(cchc_collector_settings, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return 2;
    }
    int rc = 2;
    /* Command-line settings win over the file: take them out of argv first, apply after. */
    const char *config_file = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
            config_file = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config_file = argv[i] + 9;
    }
    if (config_file &&
        cchc_config_load_file(cchc_collector_settings, &cfg, config_file, NULL, NULL, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        goto out;
    }
    /* apply_args takes settings out of argv; keep every argument to scrub it after. */
    int orig_argc = argc;
    char **orig_argv = calloc((size_t)argc + 1, sizeof *orig_argv);
    if (orig_argv)
        memcpy(orig_argv, argv, (size_t)argc * sizeof *argv);
    if (cchc_config_apply_args(cchc_collector_settings, &cfg, &argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        free(orig_argv);
        goto out;
    }
    /* A password given on the command line must not stay visible in ps. */
    for (int i = 1; orig_argv && i < orig_argc; i++)
        cchc_config_scrub_secret_arg(orig_argv[i]);
    free(orig_argv);
    if (strcmp(cmd, "agent") == 0) {
        /* drop -c FILE, already read; the rest belongs to the subcommand */
        int n = 0;
        for (int i = 1; i < argc; i++) {
            if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
                i++;
                continue;
            }
            if (strncmp(argv[i], "--config=", 9) == 0)
                continue;
            argv[n++] = argv[i];
        }
        cchc_log_init(PROG, CCHC_LOG_INFO);
        rc = cchc_enroll_main(cfg.conninfo, n, argv);
        goto out;
    }
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': break; /* read above */
        case 'h': usage(stdout); rc = 0; goto out;
        case 'V': printf(PROG " %s\n", CCHC_VERSION); rc = 0; goto out;
        default:
            fprintf(stderr, "Try '" PROG " --help' for the commands and settings.\n");
            goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr, PROG ": unexpected argument '%s'. Try '" PROG " --help'.\n", argv[optind]);
        goto out;
    }
    cchc_log_level_t level;
    if (cchc_log_level_parse(cfg.log_level, &level) != 0) {
        fprintf(stderr, PROG ": [collector] log_level: '%s' is not one of debug, info, warn, error\n",
                cfg.log_level);
        goto out;
    }
    cchc_log_init(PROG, level);

    if (strcmp(cmd, "config-example") == 0) {
        cchc_config_print_example(cchc_collector_settings, stdout);
        rc = 0;
    } else if (strcmp(cmd, "migrate") == 0) {
        rc = cmd_migrate(&cfg);
    } else if (strcmp(cmd, "run") == 0) {
        if (cfg.reconnect_max_ms < cfg.reconnect_min_ms) {
            fprintf(stderr, PROG ": [database] reconnect_max must be >= reconnect_min\n");
            goto out;
        }
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        cchc_info("starting", "version=%s listen=%s batch_size=%lld batch_time_ms=%lld max_pending=%lld",
                  CCHC_VERSION, cfg.listen, (long long)cfg.batch_size, (long long)cfg.batch_time_ms,
                  (long long)cfg.max_pending);
        rc = cchc_server_run(&cfg, &stop_requested);
    } else {
        fprintf(stderr, PROG ": unknown command '%s'. Try '" PROG " --help'.\n", cmd);
    }
out:
    cchc_config_free(cchc_collector_settings, &cfg);
    return rc;
}
