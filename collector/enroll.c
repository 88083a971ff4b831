/* `cchc-collector agent enroll|revoke|list`: who may connect, and for which units. */
#include "enroll.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "keys.h"

#define PROG "cchc-collector agent"

static void usage(FILE *out)
{
    fprintf(out,
"Usage: " PROG " enroll --name NAME --unit CODE [--unit CODE ...] [--subtree]\n"
"                            --public-key FILE [--note TEXT]\n"
"       " PROG " revoke NAME\n"
"       " PROG " list\n"
"\n"
"enroll  admits the agent whose CURVE public key is in FILE (from 'cchc-agent keygen')\n"
"        and lets it report for the units named (with --subtree: and every unit below\n"
"        them). NAME is how logs and stored reports name it: letters, digits, '.', '_', '-'.\n"
"revoke  refuses the agent from its next report on, also on a connection already open.\n"
"        Its stored reports stay, under its name.\n"
"list    every enrolled agent, its units, and whether it is revoked.\n"
"\n"
"These run as the database owner (the [database] conninfo of the collector's file,\n"
"or --database.conninfo=...), not as the collector's restricted role.\n");
}

static PGconn *connect_db(const char *conninfo)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        msg[strcspn(msg, "\n")] = '\0';
        fprintf(stderr, PROG ": cannot connect to PostgreSQL: %s (check [database] conninfo)\n", msg);
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

/* Explains the failures an operator can cause, by their SQLSTATE and constraint. */
static void explain(const PGresult *res, const char *name, const char *what)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    if (state && strcmp(state, "23505") == 0 && constraint && strstr(constraint, "public_key"))
        fprintf(stderr, PROG " enroll: this public key is already enrolled (%s); one key, one agent\n",
                detail ? detail : "");
    else if (state && strcmp(state, "23505") == 0)
        fprintf(stderr, PROG " enroll: an agent named '%s' is already enrolled; revoked names are "
                        "kept for the history, so enrol under a new name\n", name);
    else if (state && strcmp(state, "23503") == 0)
        fprintf(stderr, PROG " enroll: %s: no such unit (%s); 'SELECT code, name_vi FROM unit' lists "
                        "them\n", what, detail ? detail : "");
    else if (state && strcmp(state, "23514") == 0)
        fprintf(stderr, PROG " enroll: '%s' is not a valid agent name (letters, digits, '.', '_', "
                        "'-'; at most 63)\n", name);
    else if (state && strcmp(state, "42501") == 0)
        fprintf(stderr, PROG ": permission denied: run this as the database owner, not as the "
                        "collector's role\n");
    else
        fprintf(stderr, PROG ": %s", PQresultErrorMessage(res));
}

static int enroll(const char *conninfo, int argc, char **argv)
{
    const char *name = NULL, *keyfile = NULL, *note = "";
    const char *units[64];
    int nunits = 0;
    int subtree = 0;
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},  {"unit", required_argument, NULL, 'u'},
        {"subtree", no_argument, NULL, 's'},     {"public-key", required_argument, NULL, 'k'},
        {"note", required_argument, NULL, 'N'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 'u':
            if (nunits == 64) {
                fprintf(stderr, PROG " enroll: at most 64 --unit (use --subtree for a whole agency)\n");
                return 2;
            }
            units[nunits++] = optarg;
            break;
        case 's': subtree = 1; break;
        case 'k': keyfile = optarg; break;
        case 'N': note = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!name || !keyfile || nunits == 0 || optind < argc) {
        fprintf(stderr, PROG " enroll: --name, --unit and --public-key are required\n");
        usage(stderr);
        return 2;
    }
    char key[CCHC_Z85_KEY_LEN + 1], err[512];
    if (cchc_keys_load_public(keyfile, key, err, sizeof err) != 0) {
        fprintf(stderr, PROG " enroll: %s\n", err);
        return 2;
    }
    PGconn *conn = connect_db(conninfo);
    if (!conn)
        return 1;
    int rc = 1;
    PQclear(PQexec(conn, "BEGIN"));
    const char *p1[3] = {name, key, note};
    PGresult *res = PQexecParams(conn, "INSERT INTO agent (name, public_key, note) VALUES ($1, $2, $3)",
                                 3, NULL, p1, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        explain(res, name, "");
        goto out;
    }
    for (int i = 0; i < nunits; i++) {
        PQclear(res);
        const char *p2[3] = {name, units[i], subtree ? "t" : "f"};
        res = PQexecParams(conn, "INSERT INTO agent_scope (agent_name, unit_code, subtree) VALUES ($1, $2, $3)",
                           3, NULL, p2, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            explain(res, name, units[i]);
            goto out;
        }
    }
    PQclear(res);
    res = PQexec(conn, "COMMIT");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        explain(res, name, "");
        goto out;
    }
    printf("enrolled agent %s (key %s) for", name, key);
    for (int i = 0; i < nunits; i++)
        printf("%s %s", i ? "," : "", units[i]);
    printf("%s\n", subtree ? " and the units below" : "");
    rc = 0;
out:
    PQclear(res);
    if (rc != 0)
        PQclear(PQexec(conn, "ROLLBACK"));
    PQfinish(conn);
    return rc;
}

static int revoke(const char *conninfo, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, PROG " revoke: give the agent's NAME (see '" PROG " list')\n");
        return 2;
    }
    PGconn *conn = connect_db(conninfo);
    if (!conn)
        return 1;
    const char *p[1] = {argv[1]};
    PGresult *res = PQexecParams(conn,
                                 "UPDATE agent SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL",
                                 1, NULL, p, NULL, NULL, 0);
    int rc = 1;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        explain(res, argv[1], "");
    } else if (strcmp(PQcmdTuples(res), "1") == 0) {
        printf("revoked agent %s: refused from its next report on\n", argv[1]);
        rc = 0;
    } else {
        PQclear(res);
        res = PQexecParams(conn, "SELECT revoked_at FROM agent WHERE name = $1", 1, NULL, p, NULL,
                           NULL, 0);
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
            printf("agent %s was already revoked at %s\n", argv[1], PQgetvalue(res, 0, 0));
            rc = 0;
        } else {
            fprintf(stderr, PROG " revoke: no agent named '%s' (see '" PROG " list')\n", argv[1]);
            rc = 2;
        }
    }
    PQclear(res);
    PQfinish(conn);
    return rc;
}

static int list(const char *conninfo)
{
    PGconn *conn = connect_db(conninfo);
    if (!conn)
        return 1;
    PGresult *res = PQexec(conn,
        "SELECT a.name, CASE WHEN a.revoked_at IS NULL THEN 'active' ELSE 'revoked' END,"
        "       coalesce(string_agg(s.unit_code || CASE WHEN s.subtree THEN '/*' ELSE '' END, ','"
        "                           ORDER BY s.unit_code), '-'),"
        "       a.public_key, to_char(a.enrolled_at, 'YYYY-MM-DD HH24:MI'),"
        "       coalesce(to_char(a.revoked_at, 'YYYY-MM-DD HH24:MI'), '')"
        " FROM agent a LEFT JOIN agent_scope s ON s.agent_name = a.name"
        " GROUP BY a.name, a.revoked_at, a.public_key, a.enrolled_at ORDER BY a.name");
    int rc = 1;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        explain(res, "", "");
    } else {
        printf("%-24s %-8s %-32s %-40s %-16s %s\n", "NAME", "STATE", "UNITS (/* = subtree)",
               "PUBLIC KEY", "ENROLLED", "REVOKED");
        for (int i = 0; i < PQntuples(res); i++)
            printf("%-24s %-8s %-32s %-40s %-16s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                   PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
                   PQgetvalue(res, i, 5));
        rc = 0;
    }
    PQclear(res);
    PQfinish(conn);
    return rc;
}

int cchc_enroll_main(const char *conninfo, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    if (strcmp(argv[0], "enroll") == 0)
        return enroll(conninfo, argc, argv);
    if (strcmp(argv[0], "revoke") == 0)
        return revoke(conninfo, argc, argv);
    if (strcmp(argv[0], "list") == 0)
        return list(conninfo);
    fprintf(stderr, PROG ": unknown command '%s' (enroll, revoke, list)\n", argv[0]);
    return 2;
}
