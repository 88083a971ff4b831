/* The indicator and unit catalogue: codes in insertion order, each set indexed by a hash table. */
#include "catalog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char code[CCHC_CODE_MAX + 1];
    char part_of[CCHC_CODE_MAX + 1]; /* "" when the indicator is part of nothing (and for units) */
    uint32_t hash;
} entry_t;

/* A set of codes. Invariant: slots holds nslots (a power of two, or 0) entries,
 * each 0 (empty) or 1 + an index into entries, and is never more than half
 * full, so a probe always ends at an empty slot. */
typedef struct {
    entry_t *entries;
    size_t n, cap;
    uint32_t *slots;
    size_t nslots;
} codeset_t;

struct cchc_catalog {
    codeset_t indicators;
    codeset_t units;
};

/* FNV-1a is enough: only catalogue codes fill the table, so a code chosen on
 * the wire can at worst walk the longest run the catalogue itself made. */
static uint32_t hash_code(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool code_ok(const char *code)
{
    size_t len;

    if (code == NULL)
        return false;
    len = strnlen(code, CCHC_CODE_MAX + 1);
    return len > 0 && len <= CCHC_CODE_MAX;
}

/* Index of code in set, or -1. */
static long codeset_find(const codeset_t *set, const char *code)
{
    uint32_t h;
    size_t mask, i;

    if (set->nslots == 0 || !code_ok(code))
        return -1;
    h = hash_code(code);
    mask = set->nslots - 1;
    for (i = h & mask; set->slots[i] != 0; i = (i + 1) & mask) {
        const entry_t *e = &set->entries[set->slots[i] - 1];
        if (e->hash == h && strcmp(e->code, code) == 0)
            return (long)(set->slots[i] - 1);
    }
    return -1;
}

static int codeset_rehash(codeset_t *set, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    size_t mask = nslots - 1;

    if (slots == NULL)
        return -1;
    for (size_t k = 0; k < set->n; k++) {
        size_t i = set->entries[k].hash & mask;
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(k + 1);
    }
    free(set->slots);
    set->slots = slots;
    set->nslots = nslots;
    return 0;
}

static int codeset_add(codeset_t *set, const char *code, const char *part_of)
{
    entry_t *e;

    if (!code_ok(code) || codeset_find(set, code) >= 0 || set->n >= UINT32_MAX / 4)
        return -1;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        entry_t *entries = realloc(set->entries, cap * sizeof *entries);
        if (entries == NULL)
            return -1;
        set->entries = entries;
        set->cap = cap;
    }
    if ((set->n + 1) * 2 > set->nslots &&
        codeset_rehash(set, set->nslots ? set->nslots * 2 : 32) < 0)
        return -1;

    e = &set->entries[set->n];
    memset(e, 0, sizeof *e);
    strcpy(e->code, code); /* length checked by code_ok */
    if (part_of != NULL)
        strcpy(e->part_of, part_of);
    e->hash = hash_code(code);
    set->n++;
    /* The rehash above left room, so this probe ends. */
    size_t mask = set->nslots - 1, i = e->hash & mask;
    while (set->slots[i] != 0)
        i = (i + 1) & mask;
    set->slots[i] = (uint32_t)set->n;
    return 0;
}

static void codeset_free(codeset_t *set)
{
    free(set->entries);
    free(set->slots);
}

cchc_catalog_t *cchc_catalog_new(void)
{
    return calloc(1, sizeof(cchc_catalog_t));
}

void cchc_catalog_destroy(cchc_catalog_t **cat)
{
    if (cat == NULL || *cat == NULL)
        return;
    codeset_free(&(*cat)->indicators);
    codeset_free(&(*cat)->units);
    free(*cat);
    *cat = NULL;
}

/* The whole need not be in the catalogue yet: the collector loads rows in
 * whatever order PostgreSQL returns them. A part_of that is empty, too long to
 * be a code, or the indicator itself is refused (-1): it could never name a
 * real whole, and is a mistake in the caller's data. */
int cchc_catalog_add_indicator(cchc_catalog_t *cat, const char *code, const char *part_of)
{
    if (cat == NULL)
        return -1;
    if (part_of != NULL && (!code_ok(part_of) || (code != NULL && strcmp(code, part_of) == 0)))
        return -1;
    return codeset_add(&cat->indicators, code, part_of);
}

int cchc_catalog_add_unit(cchc_catalog_t *cat, const char *code)
{
    if (cat == NULL)
        return -1;
    return codeset_add(&cat->units, code, NULL);
}

bool cchc_catalog_has_indicator(const cchc_catalog_t *cat, const char *code)
{
    return cat != NULL && codeset_find(&cat->indicators, code) >= 0;
}

bool cchc_catalog_has_unit(const cchc_catalog_t *cat, const char *code)
{
    return cat != NULL && codeset_find(&cat->units, code) >= 0;
}

size_t cchc_catalog_unit_count(const cchc_catalog_t *cat)
{
    return cat != NULL ? cat->units.n : 0;
}

size_t cchc_catalog_indicator_count(const cchc_catalog_t *cat)
{
    return cat != NULL ? cat->indicators.n : 0;
}

const char *cchc_catalog_part_of(const cchc_catalog_t *cat, const char *code)
{
    long i;

    if (cat == NULL || (i = codeset_find(&cat->indicators, code)) < 0)
        return NULL;
    return cat->indicators.entries[i].part_of[0] != '\0' ? cat->indicators.entries[i].part_of
                                                         : NULL;
}

const char *cchc_catalog_indicator_at(const cchc_catalog_t *cat, size_t i)
{
    if (cat == NULL || i >= cat->indicators.n)
        return NULL;
    return cat->indicators.entries[i].code;
}

/* Keep equal to the seed in sql/ (tests/integration/test_catalog_sync checks). */
static const struct {
    const char *code;
    const char *part_of;
} builtin_indicators[] = {
    {"dossier_received", NULL},
    {"dossier_received_online", "dossier_received"},
    {"dossier_resolved", NULL},
    {"dossier_resolved_on_time", "dossier_resolved"},
    {"dossier_overdue", "dossier_resolved"},
    {"dossier_digitized", "dossier_received"},
    {"dossier_result_electronic", "dossier_resolved"},
    {"dossier_data_reused", "dossier_received"},
    {"document_issued", NULL},
    {"document_signed", "document_issued"},
    {"document_processed_online", NULL},
    {"procedure_total", NULL},
    {"procedure_full_online", "procedure_total"},
    {"satisfaction_votes", NULL},
    {"satisfaction_satisfied", "satisfaction_votes"},
    {"border_vehicles_coordinated", NULL},
    {"border_fee_collected_vnd", NULL},
    {"border_fee_electronic_vnd", "border_fee_collected_vnd"},
};

cchc_catalog_t *cchc_catalog_builtin(void)
{
    cchc_catalog_t *cat = cchc_catalog_new();

    if (cat == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof builtin_indicators / sizeof builtin_indicators[0]; i++) {
        if (cchc_catalog_add_indicator(cat, builtin_indicators[i].code,
                                       builtin_indicators[i].part_of) < 0) {
            cchc_catalog_destroy(&cat);
            return NULL;
        }
    }
    return cat;
}
