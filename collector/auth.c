/* Who may connect and what each agent may report for. */
#include "auth.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    char *key;
    bool revoked;
} agent_t;

/* Open-addressing sets of strings mapping to an index + 1 (0 = empty slot). */
typedef struct {
    char **keys;
    size_t *vals;
    size_t cap, n;
} strmap_t;

struct cchc_auth {
    agent_t *agents;
    size_t n, cap;
    strmap_t by_name, by_key;
    strmap_t allowed; /* "agent\x1funit" */
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static size_t *strmap_slot(const strmap_t *m, const char *key, bool *found)
{
    *found = false;
    if (m->cap == 0)
        return NULL;
    for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return &m->vals[i];
        if (strcmp(m->keys[i], key) == 0) {
            *found = true;
            return &m->vals[i];
        }
    }
}

static size_t strmap_get(const strmap_t *m, const char *key)
{
    bool found;
    size_t *v = strmap_slot(m, key, &found);
    return found ? *v : 0;
}

/* Takes ownership of key on success. Returns 0, 1 if already present, -1 on OOM. */
static int strmap_put(strmap_t *m, char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        strmap_t g = {calloc(cap, sizeof(char *)), calloc(cap, sizeof(size_t)), cap, 0};
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                bool f;
                size_t *v = strmap_slot(&g, m->keys[i], &f);
                size_t idx = (size_t)(v - g.vals);
                g.keys[idx] = m->keys[i];
                *v = m->vals[i];
                g.n++;
            }
        free(m->keys);
        free(m->vals);
        *m = g;
    }
    bool found;
    size_t *v = strmap_slot(m, key, &found);
    if (found)
        return 1;
    m->keys[v - m->vals] = key;
    *v = val;
    m->n++;
    return 0;
}

static void strmap_free(strmap_t *m, bool free_keys)
{
    if (free_keys)
        for (size_t i = 0; i < m->cap; i++)
            free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

cchc_auth_t *cchc_auth_new(void)
{
    return calloc(1, sizeof(cchc_auth_t));
}

void cchc_auth_destroy(cchc_auth_t **pa)
{
    if (!pa || !*pa)
        return;
    cchc_auth_t *a = *pa;
    for (size_t i = 0; i < a->n; i++) {
        free(a->agents[i].name);
        free(a->agents[i].key);
    }
    free(a->agents);
    /* by_name and by_key point at the agents' strings; allowed owns its keys. */
    strmap_free(&a->by_name, false);
    strmap_free(&a->by_key, false);
    strmap_free(&a->allowed, true);
    free(a);
    *pa = NULL;
}

int cchc_auth_add_agent(cchc_auth_t *a, const char *name, const char *public_key_z85,
                        bool revoked)
{
    if (strmap_get(&a->by_name, name) || strmap_get(&a->by_key, public_key_z85))
        return -1;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        agent_t *g = realloc(a->agents, cap * sizeof *g);
        if (!g)
            return -1;
        a->agents = g;
        a->cap = cap;
    }
    agent_t *ag = &a->agents[a->n];
    ag->name = strdup(name);
    ag->key = strdup(public_key_z85);
    ag->revoked = revoked;
    if (!ag->name || !ag->key || strmap_put(&a->by_name, ag->name, a->n + 1) != 0 ||
        strmap_put(&a->by_key, ag->key, a->n + 1) != 0) {
        /* by_name may already hold ag->name: the table is unusable, but freeing stays safe */
        free(ag->key);
        ag->key = NULL;
        return -1;
    }
    a->n++;
    return 0;
}

static char *pair(const char *name, const char *unit)
{
    size_t ln = strlen(name), lu = strlen(unit);
    char *p = malloc(ln + lu + 2);
    if (!p)
        return NULL;
    memcpy(p, name, ln);
    p[ln] = '\x1f';
    memcpy(p + ln + 1, unit, lu + 1);
    return p;
}

int cchc_auth_allow(cchc_auth_t *a, const char *name, const char *unit)
{
    if (!strmap_get(&a->by_name, name))
        return -1;
    char *p = pair(name, unit);
    if (!p)
        return -1;
    int rc = strmap_put(&a->allowed, p, 1);
    if (rc != 0)
        free(p);
    return rc < 0 ? -1 : 0;
}

cchc_auth_result_t cchc_auth_check_key(const cchc_auth_t *a, const char *public_key_z85,
                                       const char **name)
{
    size_t i = strmap_get(&a->by_key, public_key_z85);
    *name = NULL;
    if (!i)
        return CCHC_AUTH_UNKNOWN;
    *name = a->agents[i - 1].name;
    return a->agents[i - 1].revoked ? CCHC_AUTH_REVOKED : CCHC_AUTH_OK;
}

cchc_auth_result_t cchc_auth_check_unit(const cchc_auth_t *a, const char *name, const char *unit)
{
    size_t i = strmap_get(&a->by_name, name);
    if (!i)
        return CCHC_AUTH_UNKNOWN;
    if (a->agents[i - 1].revoked)
        return CCHC_AUTH_REVOKED;
    char buf[256];
    size_t ln = strlen(name), lu = strlen(unit);
    if (ln + lu + 2 > sizeof buf)
        return CCHC_AUTH_UNIT_NOT_ALLOWED;
    memcpy(buf, name, ln);
    buf[ln] = '\x1f';
    memcpy(buf + ln + 1, unit, lu + 1);
    return strmap_get(&a->allowed, buf) ? CCHC_AUTH_OK : CCHC_AUTH_UNIT_NOT_ALLOWED;
}

size_t cchc_auth_agent_count(const cchc_auth_t *a)
{
    return a->n;
}
