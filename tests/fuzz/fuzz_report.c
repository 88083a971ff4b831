/* fuzz_report: bytes from the wire, as the collector handles every message: decode a
 * cchc.v1.Report, validate it against the catalogue, free it; and decode the same bytes
 * as a cchc.v1.ReportBatch, each element of which goes the same way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cchc/v1/cchc.pb-c.h"
#include "fuzz.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Built once and kept for the whole run (libFuzzer never tears down): the built-in
 * indicators plus the units a live collector would have loaded from PostgreSQL. */
static const cchc_catalog_t *catalog(void)
{
    static cchc_catalog_t *cat;

    if (!cat) {
        cat = cchc_catalog_builtin();
        if (!cat)
            abort();
        for (size_t i = 0; i < CCHC_FUZZ_N_UNITS; i++)
            if (cchc_catalog_add_unit(cat, cchc_fuzz_units[i]) != 0)
                abort();
    }
    return cat;
}

/* A reason is "rule_name: detail" in printable ASCII (it goes to logs and back to
 * the agent); anything else is a bug in validate.c. */
static void check_reason(const char *reason)
{
    size_t n = strlen(reason), rule = strspn(reason, "abcdefghijklmnopqrstuvwxyz_");

    if (rule == 0 || strncmp(reason + rule, ": ", 2) != 0 || !cchc_fuzz_printable(reason, n)) {
        fprintf(stderr, "fuzz_report: malformed rejection reason \"%s\"\n", reason);
        abort();
    }
}

static void one_report(const cchc_catalog_t *cat, const uint8_t *data, size_t size)
{
    Cchc__V1__Report *r = cchc__v1__report__unpack(NULL, size, data);
    char reason[512]; /* as in collector/server.c */

    if (!r)
        return;
    memset(reason, 'X', sizeof reason);
    if (cchc_validate_report(cat, r, CCHC_FUZZ_NOW, reason, sizeof reason) == 0) {
        if (reason[0] != '\0')
            abort(); /* a pass leaves an empty reason */
    } else {
        check_reason(reason);
    }
    cchc__v1__report__free_unpacked(r, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cchc_catalog_t *cat = catalog();
    one_report(cat, data, size);
    Cchc__V1__ReportBatch *b = cchc__v1__report_batch__unpack(NULL, size, data);
    if (b) {
        for (size_t i = 0; i < b->n_reports; i++)
            one_report(cat, b->reports[i].data, b->reports[i].len);
        cchc__v1__report_batch__free_unpacked(b, NULL);
    }
    return 0;
}
