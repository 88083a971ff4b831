/* cchc-agent: arguments, configuration, signals; the work is in agent.c, spool.c, source*.c. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "keys.h"
#include "log.h"

#define PROG "cchc-agent"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
"Usage: " PROG " [run] -c FILE [--drain] [--SECTION.KEY=VALUE ...]\n"
"       " PROG " tick -c FILE\n"
"       " PROG " submit -c FILE --period PERIOD [--final] [--note TEXT] INDICATOR=VALUE ...\n"
"       " PROG " status -c FILE\n"
"       " PROG " rejected -c FILE\n"
"       " PROG " keygen --out PREFIX [--force]\n"
"       " PROG " config-example\n"
"\n"
"Reads a unit's administrative-reform figures from local sources, keeps every report\n"
"in a durable spool, and sends it to the collector (ZeroMQ, CURVE-encrypted) until the\n"
"collector acknowledges it. Reports survive restarts, power loss and weeks offline.\n"
"\n"
"Commands:\n"
"  run             every [agent] interval, read the sources and spool a report of the\n"
"                  current period's figures to date; all along, send what is spooled\n"
"                  (the default command). --drain: read no sources, send what is\n"
"                  spooled and exit 0 once everything is acknowledged.\n"
"  tick            read the sources once, spool the report, exit (for cron).\n"
"  submit          spool a report entered by hand, e.g.\n"
"                    " PROG " submit -c agent.ini --period 2026-Q3 --final \\\n"
"                        dossier_received=120 dossier_received_online=97\n"
"                  PERIOD is 2026-Q3, 2026-H1, 2026 or 2026-07. The report is checked\n"
"                  with the collector's rules first; a broken rule is named and\n"
"                  nothing is spooled. The running agent sends it.\n"
"  status          spool depth, oldest unsent report, last acknowledgement, last error.\n"
"  rejected        the reports the collector refused for good, with its reasons.\n"
"  keygen          write a CURVE key pair: PREFIX.key (secret, mode 0600) and\n"
"                  PREFIX.pub (public: enrol it at the collector).\n"
"  config-example  print a configuration file with every setting at its default.\n"
"\n"
"Options:\n"
"  -c, --config FILE  the agent's INI file\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"Settings (each also a line in the INI file, under [SECTION]):\n");
    cchc_config_print_help(cchc_agent_settings, out);
    fprintf(out,
"\n"
"Sources, one [source.NAME] section each:\n"
"  type = exec       command = SHELL COMMAND   prints lines 'indicator value'\n"
"                    timeout = 10s             killed after this\n"
"  type = file       path = FILE               a file a local system exports:\n"
"                    format = auto|csv|kv      CSV rows 'indicator,value' or lines\n"
"                                              'indicator=value' (auto: by extension)\n"
"An indicator no source gives is 'not reported', never zero.\n"
"\n"
"Exit status: 0 success; 1 runtime failure; 2 usage, configuration or input error.\n"
"Logs: one line per event on stderr, key=value.\n");
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
        return cchc_keygen_command(PROG, "enrol it at the collector", argc, argv);

    cchc_agent_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    char err[1024];
    if (cchc_config_defaults(cchc_agent_settings, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return 2;
    }
    int rc = 2;
    const char *config_file = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
            config_file = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config_file = argv[i] + 9;
    }
    if (config_file && cchc_config_load_file(cchc_agent_settings, &cfg, config_file,
                                             cchc_agent_source_setting, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        goto out;
    }
    if (cchc_config_apply_args(cchc_agent_settings, &cfg, &argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        goto out;
    }
    enum { OPT_DRAIN = 256, OPT_PERIOD, OPT_FINAL, OPT_NOTE, OPT_OBSERVED };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"drain", no_argument, NULL, OPT_DRAIN},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"final", no_argument, NULL, OPT_FINAL},
        {"note", required_argument, NULL, OPT_NOTE},
        {"observed-at", required_argument, NULL, OPT_OBSERVED},
        {NULL, 0, NULL, 0},
    };
    bool drain = false, final = false;
    const char *period = NULL, *note = "";
    long long observed_at = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': break; /* read above */
        case 'h': usage(stdout); rc = 0; goto out;
        case 'V': printf(PROG " %s\n", CCHC_VERSION); rc = 0; goto out;
        case OPT_DRAIN: drain = true; break;
        case OPT_PERIOD: period = optarg; break;
        case OPT_FINAL: final = true; break;
        case OPT_NOTE: note = optarg; break;
        case OPT_OBSERVED: {
            char *end;
            observed_at = strtoll(optarg, &end, 10);
            if (*end || observed_at <= 0) {
                fprintf(stderr, PROG ": --observed-at takes Unix seconds, e.g. 1790000000\n");
                goto out;
            }
            break;
        }
        default:
            fprintf(stderr, "Try '" PROG " --help' for the commands and settings.\n");
            goto out;
        }
    }
    cchc_log_level_t level;
    if (cchc_log_level_parse(cfg.log_level, &level) != 0) {
        fprintf(stderr, PROG ": [agent] log_level: '%s' is not one of debug, info, warn, error\n",
                cfg.log_level);
        goto out;
    }
    cchc_log_init(PROG, level);
    if (strcmp(cmd, "config-example") == 0) {
        cchc_config_print_example(cchc_agent_settings, stdout);
        printf("\n# A source: one [source.NAME] section each (see --help).\n"
               "# [source.tickets]\n# type = exec\n# command = /usr/local/bin/one-stop-counts\n"
               "# timeout = 10s\n");
        rc = 0;
        goto out;
    }
    if (strcmp(cmd, "submit") != 0 && optind < argc) {
        fprintf(stderr, PROG ": unexpected argument '%s'. Try '" PROG " --help'.\n", argv[optind]);
        goto out;
    }
    bool is_run = strcmp(cmd, "run") == 0, is_tick = strcmp(cmd, "tick") == 0;
    if (!is_run && !is_tick && strcmp(cmd, "submit") && strcmp(cmd, "status") &&
        strcmp(cmd, "rejected")) {
        fprintf(stderr, PROG ": unknown command '%s'. Try '" PROG " --help'.\n", cmd);
        goto out;
    }
    if (!config_file) {
        fprintf(stderr, PROG " %s: -c FILE is required (see '" PROG " config-example')\n", cmd);
        goto out;
    }
    if (cchc_agent_config_check(&cfg, is_tick || (is_run && !drain), err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", config_file, err);
        goto out;
    }
    if (is_run) {
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        rc = cchc_agent_run(&cfg, drain, &stop_requested);
    } else if (is_tick) {
        rc = cchc_agent_tick_once(&cfg);
    } else if (strcmp(cmd, "submit") == 0) {
        rc = cchc_agent_submit(&cfg, period, final, note, observed_at, argv + optind, argc - optind);
    } else if (strcmp(cmd, "status") == 0) {
        rc = cchc_agent_status(&cfg, stdout);
    } else {
        rc = cchc_agent_rejected(&cfg, stdout);
    }
out:
    cchc_agent_config_free_sources(&cfg);
    cchc_config_free(cchc_agent_settings, &cfg);
    return rc;
}
