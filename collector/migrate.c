/* Numbered SQL migrations applied in order and recorded in schema_migration. */
#include "migrate.h"

#include <stdio.h>
#include <string.h>

/* Any constant works; it only has to be the same for every migrator. */
#define MIGRATE_LOCK_KEY "7450201"

static int exec_ok(PGconn *conn, const char *sql, char *err, size_t errlen, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s: %s", what, PQresultErrorMessage(res));
        err[strcspn(err, "\n")] = '\0';
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

/* The md5 of the migration's text, computed by the server so nothing is hand-rolled. */
static int checksum(PGconn *conn, const char *sql, char out[33], char *err, size_t errlen)
{
    const char *params[1] = {sql};
    PGresult *res = PQexecParams(conn, "SELECT md5($1)", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "checksum: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    snprintf(out, 33, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

/* Looks up name: 1 and the stored checksum if recorded, 0 if not, -1 on error. */
static int recorded(PGconn *conn, const char *name, char sum[33], char *err, size_t errlen)
{
    const char *params[1] = {name};
    PGresult *res = PQexecParams(conn, "SELECT checksum FROM schema_migration WHERE name = $1", 1,
                                 NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "reading schema_migration: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    int found = PQntuples(res) > 0;
    if (found)
        snprintf(sum, 33, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return found;
}

static int apply_one(PGconn *conn, const cchc_migration_t *m, const char *sum, char *err,
                     size_t errlen)
{
    char what[256];
    if (exec_ok(conn, "BEGIN", err, errlen, "BEGIN") != 0)
        return -1;
    snprintf(what, sizeof what, "migration %s failed", m->name);
    if (exec_ok(conn, m->sql, err, errlen, what) != 0)
        goto fail;
    const char *params[2] = {m->name, sum};
    PGresult *res = PQexecParams(conn,
                                 "INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)",
                                 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        snprintf(err, errlen, "recording migration %s: %s", m->name, PQresultErrorMessage(res));
        PQclear(res);
        goto fail;
    }
    PQclear(res);
    return exec_ok(conn, "COMMIT", err, errlen, "COMMIT");
fail:
    PQclear(PQexec(conn, "ROLLBACK"));
    return -1;
}

int cchc_migrate(PGconn *conn, cchc_migrate_report_fn report, void *ctx, char *err, size_t errlen)
{
    if (exec_ok(conn, "SET client_min_messages = warning", err, errlen, "setup") != 0 ||
        exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, errlen,
                "taking the migration lock") != 0)
        return -1;
    int applied = 0;
    if (exec_ok(conn,
                "CREATE TABLE IF NOT EXISTS schema_migration ("
                " name text PRIMARY KEY,"
                " checksum text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())",
                err, errlen, "creating schema_migration") != 0)
        goto fail;
    for (size_t i = 0; i < cchc_migration_count; i++) {
        const cchc_migration_t *m = &cchc_migrations[i];
        char sum[33], stored[33];
        if (checksum(conn, m->sql, sum, err, errlen) != 0)
            goto fail;
        int found = recorded(conn, m->name, stored, err, errlen);
        if (found < 0)
            goto fail;
        if (found) {
            if (strcmp(sum, stored) != 0) {
                snprintf(err, errlen,
                         "migration %s has changed since it was applied (checksum %s, applied "
                         "%s): never edit an applied migration; add a new one",
                         m->name, sum, stored);
                goto fail;
            }
            if (report)
                report(ctx, m->name, 0);
            continue;
        }
        if (apply_one(conn, m, sum, err, errlen) != 0)
            goto fail;
        applied++;
        if (report)
            report(ctx, m->name, 1);
    }
    PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    return applied;
fail:
    PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    return -1;
}
