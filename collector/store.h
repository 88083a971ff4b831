/* The collector's side of PostgreSQL: connecting, loading the catalogue, and
 * writing validated reports in batches, one transaction per batch. */
#ifndef CCHC_STORE_H
#define CCHC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "catalog.h"
#include "cchc/v1/cchc.pb-c.h"

typedef struct cchc_store cchc_store_t;

typedef struct {
    const Cchc__V1__Report *report; /* validated; borrowed for the call */
    const char *agent;              /* who sent it (authenticated name); borrowed */
    int64_t received_at_ms;
    /* Out: ACCEPTED (stored now), DUPLICATE (stored before, or earlier in this
     * batch) or REJECTED (the database refused this report for good; see reason). */
    Cchc__V1__AckStatus status;
    char reason[256];
} cchc_store_item_t;

/* A store for the libpq connection string conninfo (copied; "" = libpq's PG*
 * environment variables). Does not connect. Returns NULL only when out of memory. */
cchc_store_t *cchc_store_new(const char *conninfo);

/* Closes the connection and frees *st (NULL is fine); sets *st = NULL. */
void cchc_store_destroy(cchc_store_t **st);

/* (Re)connects and prepares statements. Returns 0, or -1 with err (libpq's message,
 * without the password). */
int cchc_store_connect(cchc_store_t *st, char *err, size_t errlen);

bool cchc_store_connected(const cchc_store_t *st);

/* Loads the live catalogue (indicators with their part-of rules, and units) into a
 * new catalogue owned by the caller. Returns 0, or -1 with err. */
int cchc_store_load_catalog(cchc_store_t *st, cchc_catalog_t **out, char *err, size_t errlen);

/* Loads the enrolled agents and the units each may report for into a new table
 * owned by the caller. Returns 0, or -1 with err. */
int cchc_store_load_agents(cchc_store_t *st, cchc_auth_t **out, char *err, size_t errlen);

/* The connection's socket, to poll for notifications (-1 when not connected). */
int cchc_store_socket(const cchc_store_t *st);

/* Reads what arrived on the connection: returns 1 if agents or their scopes changed
 * (NOTIFY cchc_agent), 0 if nothing did, -1 if the connection is lost (err set). */
int cchc_store_poll_changes(cchc_store_t *st, char *err, size_t errlen);

/* Writes items[0..n) in one transaction: the reports whose key is new are inserted
 * with their figures, the others are duplicates. Returns 0 once COMMIT succeeded
 * (every item's status is then set and it may be acknowledged; a report from an
 * agent revoked before this transaction began is REJECTED, agent_revoked); -1 if nothing was
 * committed and the whole batch must be written again later (the connection was
 * lost or the server failed), with err. If the server refuses the batch for a
 * reason in the data, the reports are written one by one so that only the culprit
 * is REJECTED. */
int cchc_store_write(cchc_store_t *st, cchc_store_item_t *items, size_t n, char *err,
                     size_t errlen);

#endif
