/* Who may connect and what each agent may report for: an in-memory copy of the
 * agent, agent_scope tables, consulted by the ZAP handler and for every report. */
#ifndef CCHC_AUTH_H
#define CCHC_AUTH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cchc_auth cchc_auth_t;

typedef enum {
    CCHC_AUTH_OK = 0,
    CCHC_AUTH_UNKNOWN,          /* no agent with that key / name */
    CCHC_AUTH_REVOKED,          /* enrolled, then revoked */
    CCHC_AUTH_UNIT_NOT_ALLOWED, /* the unit is outside the agent's scope */
} cchc_auth_result_t;

/* An empty table. Returns NULL only when out of memory. The caller owns it. */
cchc_auth_t *cchc_auth_new(void);

/* Frees *a (NULL is fine) and sets *a = NULL. */
void cchc_auth_destroy(cchc_auth_t **a);

/* Adds an agent (strings copied). public_key_z85 is the 40-character Z85 text.
 * Returns 0, or -1 if out of memory or the name or key is already present. */
int cchc_auth_add_agent(cchc_auth_t *a, const char *name, const char *public_key_z85,
                        bool revoked);

/* Lets agent `name` report for `unit`. Returns 0, or -1 (unknown agent, out of memory). */
int cchc_auth_allow(cchc_auth_t *a, const char *name, const char *unit);

/* Looks up a connecting key: OK with *name set (owned by the table) if enrolled and
 * not revoked; UNKNOWN or REVOKED (with *name set for REVOKED) otherwise. */
cchc_auth_result_t cchc_auth_check_key(const cchc_auth_t *a, const char *public_key_z85,
                                       const char **name);

/* May agent `name` report for `unit` now? */
cchc_auth_result_t cchc_auth_check_unit(const cchc_auth_t *a, const char *name, const char *unit);

size_t cchc_auth_agent_count(const cchc_auth_t *a);

#endif
