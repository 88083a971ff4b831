/* What the fuzz targets and the corpus generator share. */
#ifndef CCHC_FUZZ_H
#define CCHC_FUZZ_H

#include <stddef.h>

/* The receiver's clock for fuzz_report: fixed, so that a crash reproduces on any day.
 * 2026-08-06T07:06:40Z, in the third quarter of 2026; the report corpus is dated
 * against it. */
#define CCHC_FUZZ_NOW 1786000000

/* The units fuzz_report adds to the built-in catalogue (which holds no units), so
 * that unit_unknown is checked as at the collector. */
static const char *const cchc_fuzz_units[] = {
    "VPUB-HCQT", "VPUB-TTPVHCC", "VPUB-TTTHCB", "BQLKKT-VP", "BQLKKT-TTDV", "BQLKKT-MLT", "SNV",
};
#define CCHC_FUZZ_N_UNITS (sizeof cchc_fuzz_units / sizeof cchc_fuzz_units[0])

/* True if s[0..n) is printable ASCII: what every error message and rejection reason
 * must be, since they end up in log lines and on terminals. */
static inline int cchc_fuzz_printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

#endif
