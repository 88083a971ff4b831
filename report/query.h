/* cchc-report's reading side: the reporting functions of sql/005_reporting.sql, called with
 * parameters, joined with the catalogue, fetched into a report (model.h). */
#ifndef CCHC_REPORT_QUERY_H
#define CCHC_REPORT_QUERY_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "period.h"

/* Results; the values are cchc-report's exit statuses. */
typedef enum {
    CCHC_QUERY_OK = 0,
    CCHC_QUERY_EDB = 1,      /* no connection, a query failed, out of memory */
    CCHC_QUERY_EUNKNOWN = 3, /* a unit or indicator code that is not in the catalogue */
} cchc_query_rc_t;

/* What to report on. */
typedef struct {
    cchc_period_t period;  /* all but units / indicators */
    bool first;            /* the figures as first received, not as revised */
    cchc_lang_t lang;
    const char *unit;      /* summary/completeness/targets: subtree root (NULL: all);
                            * history: the unit */
    int depth;             /* levels below the root(s) shown; -1 = all */
    const char *indicator; /* history */
    const char *generated_at; /* "2026-11-23T21:40:01Z" */
} cchc_query_t;

/* Connects with a libpq connection string ("" = the PG* environment), sets UTF-8 and
 * ISO dates. Returns the connection (the caller PQfinish()es it), or NULL with libpq's
 * message and what to do in err. */
PGconn *cchc_query_connect(const char *conninfo, char *err, size_t errlen);

/* Each builds the report of one command into *out (the caller destroys it with
 * cchc_report_destroy). Returns CCHC_QUERY_OK, or an error with a message in err. */
cchc_query_rc_t cchc_query_summary(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                   char *err, size_t errlen);
cchc_query_rc_t cchc_query_completeness(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                        char *err, size_t errlen);
cchc_query_rc_t cchc_query_targets(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                   char *err, size_t errlen);
cchc_query_rc_t cchc_query_history(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                   char *err, size_t errlen);
cchc_query_rc_t cchc_query_units(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                 char *err, size_t errlen);
cchc_query_rc_t cchc_query_indicators(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                      char *err, size_t errlen);

/* A period in words: "quý III/2026", "Q3 2026", "6 tháng đầu năm 2026" ... Returns out. */
const char *cchc_period_words(const cchc_period_t *p, cchc_lang_t lang, char *out, size_t len);

#endif
