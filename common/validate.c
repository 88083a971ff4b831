/* The rules every report must pass, checked in a fixed order so the first broken one is named. */
#include "validate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "period.h"

#define SPOOL_ID_BYTES 16
#define FUTURE_SLACK_S 86400

/* Slots in the per-call figure table: a power of two at least twice the most
 * figures, so it is at most half full and lives on the stack. */
#define FIGURE_SLOTS 1024
_Static_assert(FIGURE_SLOTS >= 2 * CCHC_REPORT_MAX_FIGURES, "figure table too small");
_Static_assert(CCHC_REPORT_MAX_FIGURES < UINT16_MAX, "figure index must fit a slot");

/* Room for an echoed code: CCHC_CODE_MAX characters, "..." and the NUL. */
#define SHOWN_MAX (CCHC_CODE_MAX + 4)

__attribute__((format(printf, 3, 4))) static int fail(char *reason, size_t len, const char *fmt,
                                                      ...)
{
    va_list ap;

    if (reason != NULL && len > 0) {
        va_start(ap, fmt);
        vsnprintf(reason, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Copies a code from the wire for a reason: printable ASCII only and at most
 * CCHC_CODE_MAX characters, because reasons go to logs and back to the agent. */
static const char *shown(const char *s, char buf[SHOWN_MAX])
{
    size_t i, n = 0;

    for (i = 0; s[i] != '\0' && i < CCHC_CODE_MAX; i++)
        buf[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (s[i] != '\0') {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

static uint32_t hash_code(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* One report's figures by indicator, open addressing: slot = figure index + 1, 0 = empty. */
typedef struct {
    uint16_t slot[FIGURE_SLOTS];
    size_t mask;
} figure_index_t;

/* The figure index holding code, or -1. */
static long index_find(const figure_index_t *ix, Cchc__V1__Figure *const *figs, const char *code)
{
    for (size_t i = hash_code(code) & ix->mask; ix->slot[i] != 0; i = (i + 1) & ix->mask) {
        if (strcmp(figs[ix->slot[i] - 1]->indicator, code) == 0)
            return ix->slot[i] - 1;
    }
    return -1;
}

/* Adds figure k; returns the index of an earlier figure with the same indicator, or -1. */
static long index_add(figure_index_t *ix, Cchc__V1__Figure *const *figs, size_t k)
{
    size_t i;

    for (i = hash_code(figs[k]->indicator) & ix->mask; ix->slot[i] != 0; i = (i + 1) & ix->mask) {
        if (strcmp(figs[ix->slot[i] - 1]->indicator, figs[k]->indicator) == 0)
            return ix->slot[i] - 1;
    }
    ix->slot[i] = (uint16_t)(k + 1);
    return -1;
}

static int check_key(const Cchc__V1__Report *r, char *reason, size_t len)
{
    if (r->key == NULL)
        return fail(reason, len, "key_missing: the report has no key");
    if (r->key->spool_id.len != SPOOL_ID_BYTES)
        return fail(reason, len, "key_missing: spool_id is %zu bytes, expected %d",
                    r->key->spool_id.len, SPOOL_ID_BYTES);
    if (r->key->seq == 0)
        return fail(reason, len, "key_missing: seq is 0");
    return 0;
}

static int check_unit(const cchc_catalog_t *cat, const Cchc__V1__Report *r, char *reason,
                      size_t len)
{
    char buf[SHOWN_MAX];

    if (r->unit == NULL || r->unit[0] == '\0')
        return fail(reason, len, "unit_missing: the report names no unit");
    if (cchc_catalog_unit_count(cat) > 0 && !cchc_catalog_has_unit(cat, r->unit))
        return fail(reason, len, "unit_unknown: %s is not in the catalogue", shown(r->unit, buf));
    return 0;
}

/* Fills *p from the wire period; fails with period_invalid. */
static int check_period(const Cchc__V1__Report *r, cchc_period_t *p, char *reason, size_t len)
{
    static const char *const kinds[] = {"", "month", "quarter", "half-year", "year"};
    static const int index_max[] = {0, 12, 4, 2, 1};
    const Cchc__V1__Period *w = r->period;

    if (w == NULL)
        return fail(reason, len, "period_invalid: the report has no period");
    if ((int)w->kind < CCHC_PERIOD_MONTH || (int)w->kind > CCHC_PERIOD_YEAR)
        return fail(reason, len, "period_invalid: unknown kind %d", (int)w->kind);
    /* Compared as uint32 before narrowing, so 4294967295 cannot wrap into range. */
    if (w->year < 2000 || w->year > 9999)
        return fail(reason, len, "period_invalid: year %" PRIu32 " outside 2000..9999", w->year);
    if (w->index < 1 || w->index > (uint32_t)index_max[w->kind])
        return fail(reason, len, "period_invalid: %s index %" PRIu32 " outside 1..%d",
                    kinds[w->kind], w->index, index_max[w->kind]);
    p->kind = (cchc_period_kind_t)w->kind;
    p->year = (int)w->year;
    p->index = (int)w->index;
    return 0;
}

/* The period may not start after the day the figures were read. Of the two
 * calendars the earlier start is taken, so a site on either one passes. */
static int check_started(const Cchc__V1__Report *r, const cchc_period_t *p, char *reason,
                         size_t len)
{
    cchc_date_t civil, nd09, last;
    int64_t start, observed;
    char text[CCHC_PERIOD_TEXT_MAX];

    cchc_period_bounds(p, CCHC_CALENDAR_CIVIL, &civil, &last);
    cchc_period_bounds(p, CCHC_CALENDAR_ND09, &nd09, &last);
    start = cchc_date_to_days(civil);
    if (cchc_date_to_days(nd09) < start)
        start = cchc_date_to_days(nd09);
    /* Compared as day numbers: any int64 observed_at is fine, even one whose date
     * is outside the years cchc_date_t covers. */
    observed = r->observed_at / 86400 - (r->observed_at % 86400 < 0);
    /* observed_at is UTC but the site picks its period by its own date, which can be a
     * day ahead (Vietnam is UTC+7: 00:30 on the 15th is still the 14th in UTC). */
    if (start > observed + 1) {
        cchc_date_t s = cchc_date_from_days(start);
        cchc_date_t o = cchc_date_from_days(observed);
        cchc_period_format(p, text, sizeof text);
        if (!cchc_date_valid(o))
            return fail(reason, len,
                        "period_not_started: %s starts %04d-%02d-%02d, observed_at=%" PRId64, text,
                        s.year, s.month, s.day, r->observed_at);
        return fail(reason, len,
                    "period_not_started: %s starts %04d-%02d-%02d, more than a day after the "
                    "observed day %04d-%02d-%02d (UTC)",
                    text, s.year, s.month, s.day, o.year, o.month, o.day);
    }
    return 0;
}

static int check_not_future(const Cchc__V1__Report *r, int64_t now, char *reason, size_t len)
{
    /* now + slack would overflow near INT64_MAX; nothing can be later than that. */
    if (now <= INT64_MAX - FUTURE_SLACK_S && r->observed_at > now + FUTURE_SLACK_S)
        return fail(reason, len, "observed_in_future: observed_at=%" PRId64
                    " is more than %d s after now=%" PRId64,
                    r->observed_at, FUTURE_SLACK_S, now);
    return 0;
}

/* One pass per rule, so that the reported rule is the first in the documented
 * order, not the one met first in the figures. Every pass is O(n). */
static int check_figures(const cchc_catalog_t *cat, const Cchc__V1__Report *r, char *reason,
                         size_t len)
{
    Cchc__V1__Figure *const *figs = r->figures;
    size_t n = r->n_figures;
    figure_index_t ix;
    char a[SHOWN_MAX], b[SHOWN_MAX];

    if (n == 0 || figs == NULL)
        return fail(reason, len, "no_figures: the report carries no figure");
    if (n > CCHC_REPORT_MAX_FIGURES)
        return fail(reason, len, "too_many_figures: %zu figures, at most %d", n,
                    CCHC_REPORT_MAX_FIGURES);

    for (size_t k = 0; k < n; k++) {
        if (figs[k] == NULL || figs[k]->indicator == NULL || figs[k]->indicator[0] == '\0')
            return fail(reason, len, "indicator_unknown: figures[%zu] has no indicator code", k);
        if (!cchc_catalog_has_indicator(cat, figs[k]->indicator))
            return fail(reason, len, "indicator_unknown: %s is not in the catalogue",
                        shown(figs[k]->indicator, a));
    }

    /* Sized to the report, so a report of three figures clears 16 slots, not 1024. */
    ix.mask = 15;
    while (ix.mask + 1 < 2 * n)
        ix.mask = ix.mask * 2 + 1;
    memset(ix.slot, 0, (ix.mask + 1) * sizeof ix.slot[0]);
    for (size_t k = 0; k < n; k++) {
        if (index_add(&ix, figs, k) >= 0)
            return fail(reason, len, "indicator_repeated: %s appears more than once",
                        shown(figs[k]->indicator, a));
    }

    for (size_t k = 0; k < n; k++) {
        if (figs[k]->value < 0)
            return fail(reason, len, "count_negative: %s=%" PRId64, shown(figs[k]->indicator, a),
                        figs[k]->value);
    }

    /* Only a part and its direct whole are compared; a whole absent from the
     * report is "not reported", so there is nothing to compare against. */
    for (size_t k = 0; k < n; k++) {
        const char *whole = cchc_catalog_part_of(cat, figs[k]->indicator);
        long w;
        if (whole == NULL || (w = index_find(&ix, figs, whole)) < 0)
            continue;
        if (figs[k]->value > figs[w]->value)
            return fail(reason, len, "part_exceeds_whole: %s=%" PRId64 " exceeds %s=%" PRId64,
                        shown(figs[k]->indicator, a), figs[k]->value, shown(whole, b),
                        figs[w]->value);
    }
    return 0;
}

/* A field this build does not know (protobuf-c keeps it aside) would be silently
 * dropped on storage: refuse the report instead, so that a newer agent's figure is
 * never lost without a word. */
static int check_unknown(const ProtobufCMessage *m, const char *where, char *reason, size_t len)
{
    if (m == NULL || m->n_unknown_fields == 0)
        return 0;
    return fail(reason, len,
                "unknown_field: %s carries field %u, unknown to this version (cchc.v1); "
                "upgrade the collector or the agent",
                where, (unsigned)m->unknown_fields[0].tag);
}

static int check_no_unknown_fields(const Cchc__V1__Report *r, char *reason, size_t len)
{
    if (check_unknown(&r->base, "the report", reason, len) < 0 ||
        (r->key && check_unknown(&r->key->base, "the key", reason, len) < 0) ||
        (r->period && check_unknown(&r->period->base, "the period", reason, len) < 0))
        return -1;
    for (size_t i = 0; i < r->n_figures; i++)
        if (r->figures[i] && check_unknown(&r->figures[i]->base, "a figure", reason, len) < 0)
            return -1;
    return 0;
}

int cchc_validate_report(const cchc_catalog_t *cat, const Cchc__V1__Report *r, int64_t now,
                         char *reason, size_t reasonlen)
{
    cchc_period_t p;

    if (r == NULL)
        return fail(reason, reasonlen, "key_missing: no report");
    if (check_key(r, reason, reasonlen) < 0 ||
        check_no_unknown_fields(r, reason, reasonlen) < 0 ||
        check_unit(cat, r, reason, reasonlen) < 0 ||
        check_period(r, &p, reason, reasonlen) < 0 ||
        check_started(r, &p, reason, reasonlen) < 0 ||
        check_not_future(r, now, reason, reasonlen) < 0 ||
        check_figures(cat, r, reason, reasonlen) < 0)
        return -1;
    if (reason != NULL && reasonlen > 0)
        reason[0] = '\0';
    return 0;
}
