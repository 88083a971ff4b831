/* Numbered SQL migrations (sql/NNN_name.sql, embedded at build time), applied in
 * order and recorded in schema_migration, so running them twice changes nothing. */
#ifndef CCHC_MIGRATE_H
#define CCHC_MIGRATE_H

#include <stddef.h>
#include <libpq-fe.h>

typedef struct {
    const char *name; /* file name, e.g. "001_schema.sql" */
    const char *sql;
} cchc_migration_t;

/* Generated from sql/ by cmake/embed_migrations.cmake. */
extern const cchc_migration_t cchc_migrations[];
extern const size_t cchc_migration_count;

/* Called once per migration: applied = 1 if it ran now, 0 if it was already applied. */
typedef void (*cchc_migrate_report_fn)(void *ctx, const char *name, int applied);

/* Applies every migration not yet recorded, each in its own transaction, under an
 * advisory lock so that two migrators never race. A recorded migration whose text
 * has changed since is an error (a migration, once applied, is never edited: add a
 * new one). Returns the number applied (>= 0), or -1 with err. */
int cchc_migrate(PGconn *conn, cchc_migrate_report_fn report, void *ctx, char *err, size_t errlen);

#endif
