/* The catalogue validation needs: known indicators, which indicator each is a part of, known units. */
#ifndef CCHC_CATALOG_H
#define CCHC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cchc_catalog cchc_catalog_t;

/* Longest indicator or unit code, without its NUL. Codes are ASCII [a-z0-9_] for
 * indicators and [A-Z0-9-] for units. */
#define CCHC_CODE_MAX 63

/* An empty catalogue. Returns NULL only when out of memory. The caller owns it. */
cchc_catalog_t *cchc_catalog_new(void);

/* Frees *cat (NULL is fine) and sets *cat = NULL. */
void cchc_catalog_destroy(cchc_catalog_t **cat);

/* Adds an indicator; part_of names the indicator it may never exceed, or is NULL.
 * Codes are copied. Returns 0, or -1 if the code is empty, too long or already present. */
int cchc_catalog_add_indicator(cchc_catalog_t *cat, const char *code, const char *part_of);

/* Adds a unit code (copied). Returns 0, or -1 if empty, too long or already present. */
int cchc_catalog_add_unit(cchc_catalog_t *cat, const char *code);

bool cchc_catalog_has_indicator(const cchc_catalog_t *cat, const char *code);
bool cchc_catalog_has_unit(const cchc_catalog_t *cat, const char *code);
size_t cchc_catalog_unit_count(const cchc_catalog_t *cat);
size_t cchc_catalog_indicator_count(const cchc_catalog_t *cat);

/* The whole that indicator `code` is a part of, or NULL (unknown code, or no whole).
 * The returned string belongs to the catalogue. */
const char *cchc_catalog_part_of(const cchc_catalog_t *cat, const char *code);

/* The i-th indicator code in insertion order (i < indicator_count), owned by the catalogue. */
const char *cchc_catalog_indicator_at(const cchc_catalog_t *cat, size_t i);

/* A new catalogue holding the indicators (with their part-of rules) that the
 * migrations seed in sql/ (kept equal by tests/integration/test_catalog_sync), and
 * no units. The agent validates with it offline; the collector loads the live
 * catalogue from PostgreSQL instead. The caller owns it. */
cchc_catalog_t *cchc_catalog_builtin(void);

#endif
