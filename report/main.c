/* cchc-report: arguments only; the queries are in query.c, the formats in write_*.c. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "period.h"
#include "query.h"
#include "util.h"
#include "writer.h"

#define PROG "cchc-report"

/* Exit statuses (also in --help and README.md). */
enum { EXIT_OK = 0, EXIT_FAILURE_DB = 1, EXIT_USAGE = 2, EXIT_UNKNOWN = 3 };

static void usage(FILE *out)
{
    fputs(
"NAME\n"
"    " PROG " - administrative-reform reports for the Department of Home Affairs\n"
"\n"
"SYNOPSIS\n"
"    " PROG " summary PERIOD [--unit CODE] [--depth N] [OPTIONS]\n"
"    " PROG " completeness PERIOD [--unit CODE] [--depth N] [OPTIONS]\n"
"    " PROG " targets PERIOD [--unit CODE] [--depth N] [OPTIONS]\n"
"    " PROG " history --unit CODE --indicator CODE --period PERIOD [OPTIONS]\n"
"    " PROG " units [--unit CODE] [--depth N] [OPTIONS]\n"
"    " PROG " indicators [OPTIONS]\n"
"\n"
"DESCRIPTION\n"
"    Reads the figures the units of Lai Châu province reported (through cchc-agent and\n"
"    cchc-collector) from PostgreSQL and prints them consolidated: summed over the unit\n"
"    tree, rates as ratios of sums, compared with the targets of the administrative-\n"
"    reform plans 2026-2030. It only reads, and needs nothing more than a login role IN\n"
"    ROLE cchc_reporting. A figure nobody reported is shown as not reported, never as 0.\n"
"\n"
"COMMANDS\n"
"    summary PERIOD\n"
"        Every indicator of every unit, consolidated over the unit's subtree, then every\n"
"        rate (numerator, denominator, %) with each plan target that applies to it: met,\n"
"        not met, or no data, and the gap in percentage points. Units in tree order,\n"
"        indented by level. Two sections: figures, and rates with targets.\n"
"    completeness PERIOD\n"
"        Who reported for the period: final or provisional, how many reports, when\n"
"        received, the deadline, late or on time. Units expected to report that have\n"
"        not are marked '!' and listed under the table (red in XLSX).\n"
"    targets PERIOD\n"
"        Each target of the plans that applies to a unit and the period's year, with\n"
"        the consolidated rate, met / not met / no data, the gap in percentage points,\n"
"        the plan section and the plan's own wording. Targets not met are marked '!'.\n"
"    history --unit CODE --indicator CODE --period PERIOD\n"
"        Every report of one figure of one unit: each version's value, when observed\n"
"        and received, by which agent, final or not, after the deadline or not, which\n"
"        one is in force, and corrections made without a reason.\n"
"    units, indicators\n"
"        The catalogue: unit codes and names in tree order; indicator and rate codes.\n"
"\n"
"PERIOD\n"
"    2026-07 (a month), 2026-Q3 (a quarter), 2026-H1 (a half-year) or 2026 (a year).\n"
"    A unit's figure for a period is its own report for that period (the newest, or\n"
"    with --as first the first received) or, when it sent none, the sum of its\n"
"    figures for the periods inside it: months make a quarter, quarters a half-year,\n"
"    half-years a year. The source column says which (summary).\n"
"\n"
"OPTIONS\n"
"    -u, --unit CODE       summary, completeness, targets, units: only this unit and\n"
"                          the units below it. history: the unit (required).\n"
"    -d, --depth N         show N levels below the top unit(s) (0: only them). Default:\n"
"                          all levels.\n"
"    -i, --indicator CODE  history: the indicator, e.g. dossier_received.\n"
"    -p, --period PERIOD   the period (history needs it; the others take it as their\n"
"                          first argument or here).\n"
"    -f, --format FORMAT   table (default), csv, xlsx or json; see FORMATS.\n"
"    -o, --output FILE     write to FILE instead of the standard output (xlsx needs it).\n"
"    -l, --lang LANG       vi (default) or en: headers, unit, indicator and rate names,\n"
"                          statuses ('Đạt' / 'Chưa đạt' / 'Chưa có số liệu').\n"
"        --as VERSION      revised (default): each figure as last corrected; first: as\n"
"                          first reported. summary and targets.\n"
"        --db CONNINFO     a libpq connection string, e.g. \"host=db.laichau.internal\n"
"                          dbname=cchc user=noivu sslmode=verify-full\". Default: libpq's\n"
"                          PGHOST, PGPORT, PGDATABASE, PGUSER ... environment. Keep the\n"
"                          password in ~/.pgpass or PGPASSFILE, not here.\n"
"    -h, --help            this text.\n"
"    -V, --version         the version.\n"
"\n"
"FORMATS\n"
"    table  columns aligned by display width for a UTF-8 terminal; numbers grouped the\n"
"           Vietnamese way (1.234.567; rates 85,71) or, with --lang en, 1,234,567 and\n"
"           85.71; rates with 2 decimals; a missing figure is '—'; '!' marks a row that\n"
"           needs attention; notes under the table.\n"
"    csv    RFC 4180: UTF-8 with a byte-order mark, CRLF line ends, comma-separated,\n"
"           quoted where needed; '.' decimal point, no grouping; rates with 2\n"
"           decimals; a missing figure is an empty field; times ISO 8601. One table per\n"
"           file: with --output FILE.csv, summary writes its rates to FILE-rates.csv;\n"
"           on the standard output the two tables are separated by an empty line.\n"
"    xlsx   one worksheet per section (summary: figures, rates and targets), bold\n"
"           frozen header with filters, numbers as numbers, rates as percentages\n"
"           (0.8571 shown 85.71%), missing figures empty, targets not met and units\n"
"           not reported filled red, late reports yellow. Needs --output.\n"
"    json   one object: report, title, period, version, lang, generated_at and rows\n"
"           (summary also rates), one object per row with stable English keys;\n"
"           numbers as numbers (exact, as PostgreSQL computed them; rates in percent,\n"
"           full precision), codes not labels ('met', 'not_met', 'no_data'), missing\n"
"           figures null. The schema is in README.md.\n"
"\n"
"ENVIRONMENT\n"
"    PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSFILE, PGSSLMODE ...  libpq's, when --db\n"
"                          does not say otherwise.\n"
"    PGTZ                  the time zone of the times shown; default Asia/Ho_Chi_Minh\n"
"                          (the deadlines are in Vietnam's time).\n"
"\n"
"EXIT STATUS\n"
"    0  the report was written.\n"
"    1  no connection to PostgreSQL, a query failed, or the output could not be\n"
"       written (the message says which, with libpq's words).\n"
"    2  usage: an unknown command or option, a malformed period, an unknown format.\n"
"    3  an unknown unit or indicator code (list them with '" PROG " units' and\n"
"       '" PROG " indicators').\n"
"\n"
"EXAMPLES\n"
"    " PROG " summary 2026-Q3\n"
"    " PROG " summary 2026-Q3 --unit BQLKKT --depth 1 --lang en\n"
"    " PROG " completeness 2026-Q3\n"
"    " PROG " targets 2026 --format xlsx --output chi-tieu-2026.xlsx\n"
"    " PROG " history --unit VPUB-TTPVHCC --indicator dossier_received --period 2026-Q3\n"
"    PGUSER=noivu PGDATABASE=cchc " PROG " summary 2026-H1 --format json > h1.json\n",
          out);
}

/* Prints "cchc-report: <message>" and where to read more; returns the usage exit status. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry '" PROG " --help' for the commands, options and formats.\n", stderr);
    return EXIT_USAGE;
}

typedef enum { CMD_SUMMARY, CMD_COMPLETENESS, CMD_TARGETS, CMD_HISTORY, CMD_UNITS, CMD_INDICATORS } cmd_t;

static const struct {
    const char *name;
    cmd_t cmd;
    bool period, unit, depth, indicator, version;
} commands[] = {
    {"summary", CMD_SUMMARY, true, true, true, false, true},
    {"completeness", CMD_COMPLETENESS, true, true, true, false, false},
    {"targets", CMD_TARGETS, true, true, true, false, true},
    {"history", CMD_HISTORY, true, true, false, true, false},
    {"units", CMD_UNITS, false, true, true, false, false},
    {"indicators", CMD_INDICATORS, false, false, false, false, false},
};

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"unit", required_argument, NULL, 'u'},
        {"depth", required_argument, NULL, 'd'},
        {"indicator", required_argument, NULL, 'i'},
        {"period", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'l'},
        {"as", required_argument, NULL, 'a'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *unit = NULL, *indicator = NULL, *period_text = NULL, *output = NULL;
    const char *depth_text = NULL, *version = NULL;
    char *conninfo = NULL; /* a copy: the argument itself is scrubbed */
    cchc_format_t format = CCHC_FORMAT_TABLE;
    cchc_lang_t lang = CCHC_LANG_VI;
    int rc = EXIT_USAGE;
    int c;

    while ((c = getopt_long(argc, argv, "u:d:i:p:f:o:l:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'u': unit = optarg; break;
        case 'd': depth_text = optarg; break;
        case 'i': indicator = optarg; break;
        case 'p': period_text = optarg; break;
        case 'o': output = optarg; break;
        case 'a': version = optarg; break;
        case 'f':
            if (cchc_format_parse(optarg, &format) != 0) {
                rc = usage_error("unknown format '%s' (accepted: table, csv, xlsx, json)", optarg);
                goto out;
            }
            break;
        case 'l':
            if (cchc_lang_parse(optarg, &lang) != 0) {
                rc = usage_error("unknown language '%s' (accepted: vi, en)", optarg);
                goto out;
            }
            break;
        case 'D':
            free(conninfo);
            conninfo = strdup(optarg);
            /* a password given here must not stay visible in ps */
            cchc_config_scrub_secret_arg(optarg);
            if (conninfo == NULL) {
                fprintf(stderr, PROG ": out of memory\n");
                rc = EXIT_FAILURE_DB;
                goto out;
            }
            break;
        case 'h':
            usage(stdout);
            rc = EXIT_OK;
            goto out;
        case 'V':
            printf(PROG " %s\n", CCHC_VERSION);
            rc = EXIT_OK;
            goto out;
        default:
            fprintf(stderr, "Try '" PROG " --help' for the commands, options and formats.\n");
            goto out;
        }
    }
    if (optind >= argc) {
        rc = usage_error("a command is needed: summary, completeness, targets, history, units, indicators");
        goto out;
    }
    const char *name = argv[optind++];
    size_t ci = 0;
    while (ci < sizeof commands / sizeof *commands && strcmp(commands[ci].name, name) != 0)
        ci++;
    if (ci == sizeof commands / sizeof *commands) {
        rc = usage_error("unknown command '%s' (accepted: summary, completeness, targets, history, "
                         "units, indicators)", name);
        goto out;
    }
    if (optind < argc && commands[ci].period && commands[ci].cmd != CMD_HISTORY && period_text == NULL)
        period_text = argv[optind++];
    if (optind < argc) {
        rc = usage_error("unexpected argument '%s'", argv[optind]);
        goto out;
    }

    cchc_query_t q = {.lang = lang, .depth = -1};
    if (commands[ci].period) {
        char err[256];
        if (period_text == NULL) {
            rc = usage_error(commands[ci].cmd == CMD_HISTORY
                                 ? "history needs --period PERIOD (2026-Q3, 2026-H1, 2026 or 2026-07)"
                                 : "a period is needed after the command: 2026-Q3, 2026-H1, 2026 or 2026-07");
            goto out;
        }
        if (cchc_period_parse(period_text, &q.period, err, sizeof err) != 0) {
            rc = usage_error("%s", err);
            goto out;
        }
    } else if (period_text) {
        rc = usage_error("'%s' takes no period", name);
        goto out;
    }
    if (unit && !commands[ci].unit) {
        rc = usage_error("--unit does not apply to '%s'", name);
        goto out;
    }
    if (indicator && !commands[ci].indicator) {
        rc = usage_error("--indicator applies to history only, not to '%s'", name);
        goto out;
    }
    if (depth_text && !commands[ci].depth) {
        rc = usage_error("--depth does not apply to '%s'", name);
        goto out;
    }
    if (version && !commands[ci].version) {
        rc = usage_error("--as applies to summary and targets, not to '%s'", name);
        goto out;
    }
    if (commands[ci].cmd == CMD_HISTORY && (unit == NULL || indicator == NULL)) {
        rc = usage_error("history needs --unit CODE and --indicator CODE (list them with '" PROG
                         " units' and '" PROG " indicators')");
        goto out;
    }
    if (depth_text) {
        char *end;
        long d = strtol(depth_text, &end, 10);
        if (*depth_text == '\0' || *end != '\0' || d < 0 || d > 1000) {
            rc = usage_error("--depth '%s' is not a number of levels (0, 1, 2 ...)", depth_text);
            goto out;
        }
        q.depth = (int)d;
    }
    if (version) {
        if (strcmp(version, "first") == 0) {
            q.first = true;
        } else if (strcmp(version, "revised") != 0) {
            rc = usage_error("--as '%s': accepted are revised (the default) and first", version);
            goto out;
        }
    }
    if (format == CCHC_FORMAT_XLSX && output == NULL) {
        rc = usage_error("the xlsx format needs --output FILE.xlsx");
        goto out;
    }
    q.unit = unit;
    q.indicator = indicator;
    char generated_at[32];
    q.generated_at = cchc_time_format(cchc_now_ms(), generated_at, sizeof generated_at);

    char err[1536];
    PGconn *conn = cchc_query_connect(conninfo ? conninfo : "", err, sizeof err);
    if (conn == NULL) {
        fprintf(stderr, PROG ": %s\n", err);
        rc = EXIT_FAILURE_DB;
        goto out;
    }
    cchc_report_t *report = NULL;
    cchc_query_rc_t qrc = CCHC_QUERY_EDB;
    switch (commands[ci].cmd) {
    case CMD_SUMMARY: qrc = cchc_query_summary(conn, &q, &report, err, sizeof err); break;
    case CMD_COMPLETENESS: qrc = cchc_query_completeness(conn, &q, &report, err, sizeof err); break;
    case CMD_TARGETS: qrc = cchc_query_targets(conn, &q, &report, err, sizeof err); break;
    case CMD_HISTORY: qrc = cchc_query_history(conn, &q, &report, err, sizeof err); break;
    case CMD_UNITS: qrc = cchc_query_units(conn, &q, &report, err, sizeof err); break;
    case CMD_INDICATORS: qrc = cchc_query_indicators(conn, &q, &report, err, sizeof err); break;
    }
    PQfinish(conn);
    if (qrc != CCHC_QUERY_OK) {
        fprintf(stderr, PROG ": %s\n", err);
        rc = (int)qrc;
        goto out;
    }
    if (cchc_report_write(report, format, output, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": %s\n", err);
        rc = EXIT_FAILURE_DB;
    } else {
        rc = EXIT_OK;
    }
    cchc_report_destroy(&report);
out:
    free(conninfo);
    return rc;
}
