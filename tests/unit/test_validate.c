/* Unit tests for report validation, one passing and one failing case per rule, and the catalogue it uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "validate.h"

/* 2026-07-20 10:00:00 UTC, checked against date(1) when the test was written. */
#define T_2026_07_20 INT64_C(1784541600)
#define T_2026_06_15 INT64_C(1781481600)
#define T_2025_12_15 INT64_C(1765756800)
#define T_2027_01_01 INT64_C(1798761600)
#define T_9999_12_31 INT64_C(253402214400)

#define MAX_FIGS (CCHC_REPORT_MAX_FIGURES + 1)

/* One report under construction; static because 513 figures are a lot of stack. */
static struct {
    Cchc__V1__Report r;
    Cchc__V1__ReportKey key;
    Cchc__V1__Period period;
    uint8_t spool_id[32];
    Cchc__V1__Figure fig[MAX_FIGS];
    Cchc__V1__Figure *figp[MAX_FIGS];
    char codes[MAX_FIGS][16];
} F;

static cchc_catalog_t *builtin;
static char reason[512];

static void add_fig(const char *code, int64_t value)
{
    size_t n = F.r.n_figures;

    assert_true(n < MAX_FIGS);
    F.fig[n] = (Cchc__V1__Figure)CCHC__V1__FIGURE__INIT;
    F.fig[n].indicator = (char *)code;
    F.fig[n].value = value;
    F.figp[n] = &F.fig[n];
    F.r.n_figures = n + 1;
}

/* A report every rule accepts: 2026-Q3, read on 2026-07-20 and validated at that moment. */
static void report_init(void)
{
    memset(&F, 0, sizeof F);
    F.r = (Cchc__V1__Report)CCHC__V1__REPORT__INIT;
    F.key = (Cchc__V1__ReportKey)CCHC__V1__REPORT_KEY__INIT;
    F.period = (Cchc__V1__Period)CCHC__V1__PERIOD__INIT;
    for (size_t i = 0; i < sizeof F.spool_id; i++)
        F.spool_id[i] = (uint8_t)(0xa0 + i);
    F.key.spool_id.data = F.spool_id;
    F.key.spool_id.len = 16;
    F.key.seq = 1;
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    F.period.year = 2026;
    F.period.index = 3;
    F.r.key = &F.key;
    F.r.unit = "VPUB-TTPVHCC";
    F.r.period = &F.period;
    F.r.observed_at = T_2026_07_20;
    F.r.figures = F.figp;
    add_fig("dossier_received", 100);
    add_fig("dossier_received_online", 40);
    add_fig("dossier_resolved", 90);
    add_fig("dossier_resolved_on_time", 85);
}

static int setup(void **state)
{
    report_init();
    reason[0] = '\0';
    return 0;
}

static int group_setup(void **state)
{
    builtin = cchc_catalog_builtin();
    return builtin == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    cchc_catalog_destroy(&builtin);
    return 0;
}

/* Validates F.r against the built-in catalogue at `now`; returns the result. */
static int check_at(int64_t now)
{
    snprintf(reason, sizeof reason, "(not written)");
    return cchc_validate_report(builtin, &F.r, now, reason, sizeof reason);
}

#define assert_passes_at(now)                                                                      \
    do {                                                                                           \
        assert_int_equal(check_at(now), 0);                                                        \
        assert_string_equal(reason, "");                                                           \
    } while (0)
#define assert_fails_at(now, want)                                                                 \
    do {                                                                                           \
        assert_int_equal(check_at(now), -1);                                                       \
        assert_string_equal(reason, want);                                                         \
    } while (0)
#define assert_passes() assert_passes_at(T_2026_07_20)
#define assert_fails(want) assert_fails_at(T_2026_07_20, want)

/* --- the catalogue ----------------------------------------------------------------- */

static void test_catalog_builtin(void **state)
{
    static const char *const want[][2] = {
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
    const size_t n = sizeof want / sizeof want[0];

    assert_int_equal(cchc_catalog_indicator_count(builtin), 18);
    assert_int_equal(n, 18);
    assert_int_equal(cchc_catalog_unit_count(builtin), 0);
    for (size_t i = 0; i < n; i++) {
        const char *part_of = cchc_catalog_part_of(builtin, want[i][0]);
        assert_string_equal(cchc_catalog_indicator_at(builtin, i), want[i][0]);
        assert_true(cchc_catalog_has_indicator(builtin, want[i][0]));
        if (want[i][1] == NULL)
            assert_null(part_of);
        else
            assert_string_equal(part_of, want[i][1]);
    }
    assert_null(cchc_catalog_indicator_at(builtin, n));
    assert_false(cchc_catalog_has_indicator(builtin, "dossier"));
    assert_false(cchc_catalog_has_indicator(builtin, "Dossier_received"));
    assert_false(cchc_catalog_has_indicator(builtin, ""));
    assert_false(cchc_catalog_has_indicator(builtin, NULL));
    assert_null(cchc_catalog_part_of(builtin, "nope"));
    assert_false(cchc_catalog_has_unit(builtin, "VPUB-TTPVHCC"));
}

static void test_catalog_add(void **state)
{
    cchc_catalog_t *cat = cchc_catalog_new();
    char code63[64], code64[65];

    memset(code63, 'a', 63);
    code63[63] = '\0';
    memset(code64, 'b', 64);
    code64[64] = '\0';
    assert_non_null(cat);
    assert_int_equal(cchc_catalog_indicator_count(cat), 0);

    /* The whole need not be present yet. */
    assert_int_equal(cchc_catalog_add_indicator(cat, "part", "whole"), 0);
    assert_int_equal(cchc_catalog_add_indicator(cat, "whole", NULL), 0);
    assert_int_equal(cchc_catalog_add_indicator(cat, code63, NULL), 0);
    assert_int_equal(cchc_catalog_add_indicator(cat, "part", NULL), -1);
    assert_int_equal(cchc_catalog_add_indicator(cat, "", NULL), -1);
    assert_int_equal(cchc_catalog_add_indicator(cat, NULL, NULL), -1);
    assert_int_equal(cchc_catalog_add_indicator(cat, code64, NULL), -1);
    assert_int_equal(cchc_catalog_add_indicator(cat, "x", ""), -1);
    assert_int_equal(cchc_catalog_add_indicator(cat, "x", code64), -1);
    assert_int_equal(cchc_catalog_add_indicator(cat, "x", "x"), -1);
    assert_int_equal(cchc_catalog_indicator_count(cat), 3);
    assert_string_equal(cchc_catalog_part_of(cat, "part"), "whole");
    assert_null(cchc_catalog_part_of(cat, "whole"));
    assert_true(cchc_catalog_has_indicator(cat, code63));
    assert_false(cchc_catalog_has_indicator(cat, code64));

    /* Codes are copied. */
    char buf[16] = "copied";
    assert_int_equal(cchc_catalog_add_indicator(cat, buf, NULL), 0);
    strcpy(buf, "changed");
    assert_true(cchc_catalog_has_indicator(cat, "copied"));
    assert_false(cchc_catalog_has_indicator(cat, "changed"));

    assert_int_equal(cchc_catalog_add_unit(cat, "VPUB-TTPVHCC"), 0);
    assert_int_equal(cchc_catalog_add_unit(cat, "VPUB-TTPVHCC"), -1);
    assert_int_equal(cchc_catalog_add_unit(cat, ""), -1);
    assert_int_equal(cchc_catalog_add_unit(cat, code64), -1);
    assert_int_equal(cchc_catalog_unit_count(cat), 1);
    assert_true(cchc_catalog_has_unit(cat, "VPUB-TTPVHCC"));
    assert_false(cchc_catalog_has_unit(cat, "part"));
    assert_false(cchc_catalog_has_indicator(cat, "VPUB-TTPVHCC"));

    cchc_catalog_destroy(&cat);
    assert_null(cat);
    cchc_catalog_destroy(&cat);
    cchc_catalog_destroy(NULL);
}

/* Many codes: the table grows and every code stays found, in insertion order. */
static void test_catalog_grows(void **state)
{
    cchc_catalog_t *cat = cchc_catalog_new();
    char code[32];

    for (int i = 0; i < 5000; i++) {
        snprintf(code, sizeof code, "ind_%d", i);
        assert_int_equal(cchc_catalog_add_indicator(cat, code, i ? "ind_0" : NULL), 0);
        snprintf(code, sizeof code, "U-%d", i);
        assert_int_equal(cchc_catalog_add_unit(cat, code), 0);
    }
    assert_int_equal(cchc_catalog_indicator_count(cat), 5000);
    assert_int_equal(cchc_catalog_unit_count(cat), 5000);
    for (int i = 0; i < 5000; i++) {
        snprintf(code, sizeof code, "ind_%d", i);
        assert_string_equal(cchc_catalog_indicator_at(cat, (size_t)i), code);
        assert_true(cchc_catalog_has_indicator(cat, code));
        snprintf(code, sizeof code, "U-%d", i);
        assert_true(cchc_catalog_has_unit(cat, code));
    }
    assert_false(cchc_catalog_has_indicator(cat, "ind_5000"));
    assert_string_equal(cchc_catalog_part_of(cat, "ind_4999"), "ind_0");
    cchc_catalog_destroy(&cat);
}

/* --- the rules, in their order ------------------------------------------------------ */

static void test_valid_report(void **state)
{
    assert_passes();
    /* reason may be NULL */
    assert_int_equal(cchc_validate_report(builtin, &F.r, T_2026_07_20, NULL, 0), 0);
}

static void test_key_missing(void **state)
{
    F.r.key = NULL;
    assert_fails("key_missing: the report has no key");
    F.r.key = &F.key;

    F.key.spool_id.len = 15;
    assert_fails("key_missing: spool_id is 15 bytes, expected 16");
    F.key.spool_id.len = 17;
    assert_fails("key_missing: spool_id is 17 bytes, expected 16");
    F.key.spool_id.len = 0;
    F.key.spool_id.data = NULL;
    assert_fails("key_missing: spool_id is 0 bytes, expected 16");
    F.key.spool_id.data = F.spool_id;
    F.key.spool_id.len = 16;
    assert_passes();

    F.key.seq = 0;
    assert_fails("key_missing: seq is 0");
    F.key.seq = UINT64_MAX;
    assert_passes();

    assert_int_equal(cchc_validate_report(builtin, NULL, T_2026_07_20, reason, sizeof reason),
                     -1);
    assert_string_equal(reason, "key_missing: no report");
}

static void test_unit(void **state)
{
    cchc_catalog_t *cat = cchc_catalog_builtin();

    F.r.unit = "";
    assert_fails("unit_missing: the report names no unit");
    F.r.unit = NULL;
    assert_fails("unit_missing: the report names no unit");

    /* The built-in catalogue has no units, so any unit passes. */
    F.r.unit = "ANY-UNIT";
    assert_passes();

    assert_int_equal(cchc_catalog_add_unit(cat, "VPUB-TTPVHCC"), 0);
    assert_int_equal(cchc_validate_report(cat, &F.r, T_2026_07_20, reason, sizeof reason), -1);
    assert_string_equal(reason, "unit_unknown: ANY-UNIT is not in the catalogue");
    F.r.unit = "VPUB-\x01\tX";
    assert_int_equal(cchc_validate_report(cat, &F.r, T_2026_07_20, reason, sizeof reason), -1);
    assert_string_equal(reason, "unit_unknown: VPUB-??X is not in the catalogue");
    F.r.unit = "VPUB-TTPVHCC";
    assert_int_equal(cchc_validate_report(cat, &F.r, T_2026_07_20, reason, sizeof reason), 0);
    assert_string_equal(reason, "");
    cchc_catalog_destroy(&cat);
}

static void test_period_invalid(void **state)
{
    F.r.period = NULL;
    assert_fails("period_invalid: the report has no period");
    F.r.period = &F.period;

    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_UNSPECIFIED;
    assert_fails("period_invalid: unknown kind 0");
    F.period.kind = (Cchc__V1__PeriodKind)5;
    assert_fails("period_invalid: unknown kind 5");
    F.period.kind = (Cchc__V1__PeriodKind)-1;
    assert_fails("period_invalid: unknown kind -1");
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;

    F.period.year = 1999;
    assert_fails("period_invalid: year 1999 outside 2000..9999");
    F.period.year = 2000;
    assert_passes();
    F.period.year = 10000;
    assert_fails("period_invalid: year 10000 outside 2000..9999");
    F.period.year = UINT32_MAX;
    assert_fails("period_invalid: year 4294967295 outside 2000..9999");
    /* 9999 is a valid period; it just has not started in 2026. */
    F.period.year = 9999;
    assert_fails("period_not_started: 9999-Q3 starts 9999-06-15, more than a day after the "
                 "observed day 2026-07-20 (UTC)");
    F.r.observed_at = T_9999_12_31;
    assert_passes_at(T_9999_12_31);
    F.r.observed_at = T_2026_07_20;
    F.period.year = 2026;

    F.period.index = 0;
    assert_fails("period_invalid: quarter index 0 outside 1..4");
    F.period.index = 5;
    assert_fails("period_invalid: quarter index 5 outside 1..4");
    F.period.index = UINT32_MAX;
    assert_fails("period_invalid: quarter index 4294967295 outside 1..4");

    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_MONTH;
    F.period.index = 13;
    assert_fails("period_invalid: month index 13 outside 1..12");
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_HALF_YEAR;
    F.period.index = 3;
    assert_fails("period_invalid: half-year index 3 outside 1..2");
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_YEAR;
    F.period.index = 0;
    assert_fails("period_invalid: year index 0 outside 1..1");
    F.period.index = 2;
    assert_fails("period_invalid: year index 2 outside 1..1");

    /* The top index of every kind passes once the period has started. */
    F.r.observed_at = T_2027_01_01;
    F.period.index = 1;
    assert_passes_at(T_2027_01_01);
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_HALF_YEAR;
    F.period.index = 2;
    assert_passes_at(T_2027_01_01);
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    F.period.index = 4;
    assert_passes_at(T_2027_01_01);
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_MONTH;
    F.period.index = 12;
    assert_passes_at(T_2027_01_01);
    F.period.index = 1;
    assert_passes_at(T_2027_01_01);
}

static void test_period_not_started(void **state)
{
    /* 2026-Q3 starts 2026-06-15 under ND09, the earlier of the two calendars. */
    F.r.observed_at = T_2026_06_15;
    assert_passes();
    /* One day of slack for the site's time zone: 06-14 UTC may be 06-15 at the site. */
    F.r.observed_at = T_2026_06_15 - 1;
    assert_passes();
    F.r.observed_at = T_2026_06_15 - 86400 - 1;
    assert_fails("period_not_started: 2026-Q3 starts 2026-06-15, more than a day after the "
                 "observed day 2026-06-13 (UTC)");

    /* The year 2026 starts 2025-12-15. */
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_YEAR;
    F.period.index = 1;
    F.r.observed_at = T_2025_12_15;
    assert_passes();
    F.r.observed_at = T_2025_12_15 - 86400 - 1;
    assert_fails("period_not_started: 2026 starts 2025-12-15, more than a day after the "
                 "observed day 2025-12-13 (UTC)");

    /* So does the month 2026-01. */
    F.period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_MONTH;
    F.r.observed_at = T_2025_12_15;
    assert_passes();
    F.r.observed_at = T_2025_12_15 - 86400 - 1;
    assert_fails("period_not_started: 2026-01 starts 2025-12-15, more than a day after the "
                 "observed day 2025-12-13 (UTC)");

    F.r.observed_at = 0;
    assert_fails("period_not_started: 2026-01 starts 2025-12-15, more than a day after the "
                 "observed day 1970-01-01 (UTC)");
    F.r.observed_at = INT64_MIN;
    assert_fails("period_not_started: 2026-01 starts 2025-12-15, "
                 "observed_at=-9223372036854775808");
}

static void test_observed_in_future(void **state)
{
    F.r.observed_at = T_2026_07_20 + 86400;
    assert_passes();
    F.r.observed_at = T_2026_07_20 + 86401;
    assert_fails("observed_in_future: observed_at=1784628001 is more than 86400 s after "
                 "now=1784541600");
    F.r.observed_at = INT64_MAX;
    assert_fails("observed_in_future: observed_at=9223372036854775807 is more than 86400 s "
                 "after now=1784541600");
    /* No overflow at the ends of int64. */
    assert_passes_at(INT64_MAX);
    assert_passes_at(INT64_MAX - 86400);
    assert_fails_at(INT64_MAX - 86401, "observed_in_future: observed_at=9223372036854775807 is "
                                       "more than 86400 s after now=9223372036854689406");
    F.r.observed_at = T_2026_07_20;
    assert_fails_at(INT64_MIN, "observed_in_future: observed_at=1784541600 is more than 86400 s "
                               "after now=-9223372036854775808");
}

static void test_no_figures(void **state)
{
    F.r.n_figures = 0;
    assert_fails("no_figures: the report carries no figure");
    F.r.n_figures = 1;
    assert_passes();
}

static void test_too_many_figures(void **state)
{
    cchc_catalog_t *cat = cchc_catalog_new();

    for (int i = 0; i < MAX_FIGS; i++) {
        snprintf(F.codes[i], sizeof F.codes[i], "ind_%03d", i);
        assert_int_equal(cchc_catalog_add_indicator(cat, F.codes[i], i ? "ind_000" : NULL), 0);
    }
    F.r.n_figures = 0;
    for (int i = 0; i < CCHC_REPORT_MAX_FIGURES; i++)
        add_fig(F.codes[i], i == 0 ? INT64_MAX : i);
    assert_int_equal(cchc_validate_report(cat, &F.r, T_2026_07_20, reason, sizeof reason), 0);
    assert_string_equal(reason, "");

    /* Every part checked against its whole, the last one too. */
    F.fig[0].value = 510;
    assert_int_equal(cchc_validate_report(cat, &F.r, T_2026_07_20, reason, sizeof reason), -1);
    assert_string_equal(reason, "part_exceeds_whole: ind_511=511 exceeds ind_000=510");
    F.fig[0].value = 511;

    add_fig(F.codes[CCHC_REPORT_MAX_FIGURES], 0);
    assert_int_equal(F.r.n_figures, 513);
    assert_int_equal(cchc_validate_report(cat, &F.r, T_2026_07_20, reason, sizeof reason), -1);
    assert_string_equal(reason, "too_many_figures: 513 figures, at most 512");
    cchc_catalog_destroy(&cat);
}

static void test_indicator_unknown(void **state)
{
    char long_code[101];

    add_fig("dossier_bogus", 1);
    assert_fails("indicator_unknown: dossier_bogus is not in the catalogue");

    F.fig[4].indicator = "";
    assert_fails("indicator_unknown: figures[4] has no indicator code");
    F.fig[4].indicator = NULL;
    assert_fails("indicator_unknown: figures[4] has no indicator code");
    F.figp[4] = NULL;
    assert_fails("indicator_unknown: figures[4] has no indicator code");
    F.figp[4] = &F.fig[4];

    F.fig[4].indicator = "bad\ncode\x80";
    assert_fails("indicator_unknown: bad?code? is not in the catalogue");

    memset(long_code, 'x', 100);
    long_code[100] = '\0';
    F.fig[4].indicator = long_code;
    assert_fails("indicator_unknown: "
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... is not in "
                 "the catalogue");

    /* Checked before repeats and values: the first rule in order wins. */
    F.fig[4].indicator = "nope";
    F.fig[1].indicator = "dossier_received";
    F.fig[2].value = -5;
    assert_fails("indicator_unknown: nope is not in the catalogue");

    F.fig[4].indicator = "dossier_overdue";
    F.fig[4].value = 1;
    assert_fails("indicator_repeated: dossier_received appears more than once");
}

static void test_indicator_repeated(void **state)
{
    add_fig("dossier_overdue", 3);
    assert_passes();
    add_fig("dossier_resolved", 90);
    assert_fails("indicator_repeated: dossier_resolved appears more than once");
    F.fig[5].indicator = "dossier_overdue";
    assert_fails("indicator_repeated: dossier_overdue appears more than once");
}

static void test_count_negative(void **state)
{
    add_fig("dossier_overdue", 0);
    assert_passes();
    F.fig[4].value = -1;
    assert_fails("count_negative: dossier_overdue=-1");
    F.fig[4].value = INT64_MIN;
    assert_fails("count_negative: dossier_overdue=-9223372036854775808");

    /* All zero is a valid report. */
    for (size_t i = 0; i < F.r.n_figures; i++)
        F.fig[i].value = 0;
    assert_passes();
}

static void test_part_exceeds_whole(void **state)
{
    F.fig[1].value = 120;
    assert_fails("part_exceeds_whole: dossier_received_online=120 exceeds dossier_received=100");
    F.fig[1].value = 101;
    assert_fails("part_exceeds_whole: dossier_received_online=101 exceeds dossier_received=100");
    F.fig[1].value = 100; /* equal to the whole */
    assert_passes();

    /* The part before its whole in the report. */
    F.fig[2].indicator = "dossier_resolved_on_time";
    F.fig[2].value = 91;
    F.fig[3].indicator = "dossier_resolved";
    F.fig[3].value = 90;
    assert_fails("part_exceeds_whole: dossier_resolved_on_time=91 exceeds dossier_resolved=90");
    F.fig[2].value = 90;
    assert_passes();

    /* Two parts of one whole, each checked. */
    add_fig("dossier_overdue", 91);
    assert_fails("part_exceeds_whole: dossier_overdue=91 exceeds dossier_resolved=90");
    F.fig[4].value = 0;
    assert_passes();

    /* A whole that is not reported bounds nothing. */
    F.r.n_figures = 0;
    add_fig("border_fee_electronic_vnd", 1000000);
    assert_passes();
    add_fig("border_fee_collected_vnd", 999999);
    assert_fails("part_exceeds_whole: border_fee_electronic_vnd=1000000 exceeds "
                 "border_fee_collected_vnd=999999");

    /* At the top of int64. */
    F.fig[0].value = INT64_MAX;
    F.fig[1].value = INT64_MAX;
    assert_passes();
    F.fig[1].value = INT64_MAX - 1;
    assert_fails("part_exceeds_whole: border_fee_electronic_vnd=9223372036854775807 exceeds "
                 "border_fee_collected_vnd=9223372036854775806");
    F.fig[0].value = 0;
    F.fig[1].value = 0;
    assert_passes();
}

/* Rules run in the documented order; a short reason buffer is cut, not overrun. */
static void test_order_and_truncation(void **state)
{
    char small[8];

    F.key.seq = 0;
    F.r.unit = "";
    F.r.period = NULL;
    F.r.n_figures = 0;
    assert_fails("key_missing: seq is 0");
    F.key.seq = 1;
    assert_fails("unit_missing: the report names no unit");
    F.r.unit = "X";
    assert_fails("period_invalid: the report has no period");
    F.r.period = &F.period;
    F.r.observed_at = INT64_MAX;
    assert_fails("observed_in_future: observed_at=9223372036854775807 is more than 86400 s "
                 "after now=1784541600");
    F.r.observed_at = T_2026_07_20;
    assert_fails("no_figures: the report carries no figure");

    memset(small, '#', sizeof small);
    assert_int_equal(cchc_validate_report(builtin, &F.r, T_2026_07_20, small, sizeof small), -1);
    assert_string_equal(small, "no_figu");
    assert_int_equal(cchc_validate_report(builtin, &F.r, T_2026_07_20, NULL, 0), -1);
    assert_int_equal(cchc_validate_report(builtin, &F.r, T_2026_07_20, small, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_builtin),
        cmocka_unit_test(test_catalog_add),
        cmocka_unit_test(test_catalog_grows),
        cmocka_unit_test_setup(test_valid_report, setup),
        cmocka_unit_test_setup(test_key_missing, setup),
        cmocka_unit_test_setup(test_unit, setup),
        cmocka_unit_test_setup(test_period_invalid, setup),
        cmocka_unit_test_setup(test_period_not_started, setup),
        cmocka_unit_test_setup(test_observed_in_future, setup),
        cmocka_unit_test_setup(test_no_figures, setup),
        cmocka_unit_test_setup(test_too_many_figures, setup),
        cmocka_unit_test_setup(test_indicator_unknown, setup),
        cmocka_unit_test_setup(test_indicator_repeated, setup),
        cmocka_unit_test_setup(test_count_negative, setup),
        cmocka_unit_test_setup(test_part_exceeds_whole, setup),
        cmocka_unit_test_setup(test_order_and_truncation, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
