/* Unit tests for periods, their text form, and the civil and ND09 calendars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "period.h"

#define FORMS "(accepted: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn with YYYY in 2000..9999)"

static cchc_date_t D(int y, int m, int d)
{
    return (cchc_date_t){y, m, d};
}

static cchc_period_t P(cchc_period_kind_t kind, int year, int index)
{
    return (cchc_period_t){kind, year, index};
}

static void assert_date(cchc_date_t got, int y, int m, int d)
{
    char g[64], w[64];

    snprintf(g, sizeof g, "%04d-%02d-%02d", got.year, got.month, got.day);
    snprintf(w, sizeof w, "%04d-%02d-%02d", y, m, d);
    assert_string_equal(g, w);
}

static void assert_period(cchc_period_t got, cchc_period_kind_t kind, int year, int index)
{
    assert_int_equal(got.kind, kind);
    assert_int_equal(got.year, year);
    assert_int_equal(got.index, index);
}

static void test_parse_accepts(void **state)
{
    static const struct {
        const char *text;
        cchc_period_kind_t kind;
        int year, index;
        const char *canonical;
    } cases[] = {
        {"2026-Q3", CCHC_PERIOD_QUARTER, 2026, 3, "2026-Q3"},
        {"2026-q3", CCHC_PERIOD_QUARTER, 2026, 3, "2026-Q3"},
        {"2026-Q1", CCHC_PERIOD_QUARTER, 2026, 1, "2026-Q1"},
        {"2026-Q4", CCHC_PERIOD_QUARTER, 2026, 4, "2026-Q4"},
        {"2026-H1", CCHC_PERIOD_HALF_YEAR, 2026, 1, "2026-H1"},
        {"2026-h2", CCHC_PERIOD_HALF_YEAR, 2026, 2, "2026-H2"},
        {"2026", CCHC_PERIOD_YEAR, 2026, 1, "2026"},
        {"2026-07", CCHC_PERIOD_MONTH, 2026, 7, "2026-07"},
        {"2026-01", CCHC_PERIOD_MONTH, 2026, 1, "2026-01"},
        {"2026-12", CCHC_PERIOD_MONTH, 2026, 12, "2026-12"},
        {"2000", CCHC_PERIOD_YEAR, 2000, 1, "2000"},
        {"9999-12", CCHC_PERIOD_MONTH, 9999, 12, "9999-12"},
    };
    char err[256], buf[CCHC_PERIOD_TEXT_MAX];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cchc_period_t p = {0};
        err[0] = '\0';
        assert_int_equal(cchc_period_parse(cases[i].text, &p, err, sizeof err), 0);
        assert_string_equal(err, "");
        assert_period(p, cases[i].kind, cases[i].year, cases[i].index);
        assert_string_equal(cchc_period_format(&p, buf, sizeof buf), cases[i].canonical);
    }
}

static void test_parse_rejects(void **state)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"2026-13", "invalid period \"2026-13\": month 13 outside 01..12 " FORMS},
        {"2026-00", "invalid period \"2026-00\": month 0 outside 01..12 " FORMS},
        {"2026-Q5", "invalid period \"2026-Q5\": quarter 5 outside 1..4 " FORMS},
        {"2026-Q0", "invalid period \"2026-Q0\": quarter 0 outside 1..4 " FORMS},
        {"2026-H3", "invalid period \"2026-H3\": half 3 outside 1..2 " FORMS},
        {"2026-H0", "invalid period \"2026-H0\": half 0 outside 1..2 " FORMS},
        {"1999", "invalid period \"1999\": year 1999 outside 2000..9999 " FORMS},
        {"0999-Q1", "invalid period \"0999-Q1\": year 999 outside 2000..9999 " FORMS},
        {"10000", "invalid period \"10000\": not a period " FORMS},
        {"2026-7", "invalid period \"2026-7\": not a period " FORMS},
        {"2026-Q3x", "invalid period \"2026-Q3x\": not a period " FORMS},
        {"2026-Q10", "invalid period \"2026-Q10\": not a period " FORMS},
        {"2026-071", "invalid period \"2026-071\": not a period " FORMS},
        {"2026-Q", "invalid period \"2026-Q\": not a period " FORMS},
        {"2026-", "invalid period \"2026-\": not a period " FORMS},
        {"2026-W1", "invalid period \"2026-W1\": not a period " FORMS},
        {"2026/07", "invalid period \"2026/07\": not a period " FORMS},
        {" 2026", "invalid period \" 2026\": not a period " FORMS},
        {"2026 ", "invalid period \"2026 \": not a period " FORMS},
        {"+026", "invalid period \"+026\": not a period " FORMS},
        {"junk", "invalid period \"junk\": not a period " FORMS},
        {"", "invalid period \"\": not a period " FORMS},
        {"20\n6", "invalid period \"20?6\": not a period " FORMS},
        {"2026-Q3 and a great deal more text after it",
         "invalid period \"2026-Q3 and a great deal more text a...\": not a period " FORMS},
    };
    char err[256];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cchc_period_t p = P(CCHC_PERIOD_MONTH, 2030, 5);
        assert_int_equal(cchc_period_parse(cases[i].text, &p, err, sizeof err), -1);
        assert_string_equal(err, cases[i].err);
        /* out is left alone on failure */
        assert_period(p, CCHC_PERIOD_MONTH, 2030, 5);
    }

    cchc_period_t p;
    assert_int_equal(cchc_period_parse(NULL, &p, err, sizeof err), -1);
    assert_string_equal(err, "no period given (accepted: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn with "
                             "YYYY in 2000..9999)");
    /* A short buffer is truncated, not overrun. */
    assert_int_equal(cchc_period_parse("2026-13", &p, err, 10), -1);
    assert_string_equal(err, "invalid p");
}

/* Every period of a few years, formatted and parsed back. */
static void test_format_round_trip(void **state)
{
    static const int years[] = {2000, 2026, 2028, 9999};
    static const cchc_period_kind_t kinds[] = {CCHC_PERIOD_MONTH, CCHC_PERIOD_QUARTER,
                                               CCHC_PERIOD_HALF_YEAR, CCHC_PERIOD_YEAR};
    static const int max[] = {12, 4, 2, 1};
    char buf[CCHC_PERIOD_TEXT_MAX], err[256];
    int n = 0;

    for (size_t y = 0; y < 4; y++) {
        for (size_t k = 0; k < 4; k++) {
            for (int i = 1; i <= max[k]; i++) {
                cchc_period_t p = P(kinds[k], years[y], i), q;
                assert_true(cchc_period_valid(&p));
                cchc_period_format(&p, buf, sizeof buf);
                assert_int_equal(cchc_period_parse(buf, &q, err, sizeof err), 0);
                assert_period(q, p.kind, p.year, p.index);
                n++;
            }
        }
    }
    assert_int_equal(n, 4 * (12 + 4 + 2 + 1));

    cchc_period_t p = P(CCHC_PERIOD_QUARTER, 2026, 3);
    assert_string_equal(cchc_period_format(&p, buf, sizeof buf), "2026-Q3");
    p = P(CCHC_PERIOD_HALF_YEAR, 2026, 1);
    assert_string_equal(cchc_period_format(&p, buf, sizeof buf), "2026-H1");
    p = P(CCHC_PERIOD_MONTH, 2026, 7);
    assert_string_equal(cchc_period_format(&p, buf, sizeof buf), "2026-07");
    p = P(CCHC_PERIOD_YEAR, 2026, 1);
    assert_string_equal(cchc_period_format(&p, buf, sizeof buf), "2026");
    p = P(CCHC_PERIOD_QUARTER, 2026, 5);
    assert_string_equal(cchc_period_format(&p, buf, sizeof buf), "invalid");
    p = P(CCHC_PERIOD_QUARTER, 2026, 3);
    assert_string_equal(cchc_period_format(&p, buf, 5), "2026");
    assert_string_equal(cchc_period_format(NULL, buf, sizeof buf), "invalid");
}

static void test_period_valid(void **state)
{
    cchc_period_t p;

    p = P(CCHC_PERIOD_YEAR, 1999, 1);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_YEAR, 2000, 1);
    assert_true(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_YEAR, 9999, 1);
    assert_true(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_YEAR, 10000, 1);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_YEAR, 2026, 2);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_YEAR, 2026, 0);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_MONTH, 2026, 12);
    assert_true(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_MONTH, 2026, 13);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_MONTH, 2026, 0);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_QUARTER, 2026, 4);
    assert_true(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_QUARTER, 2026, 5);
    assert_false(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_HALF_YEAR, 2026, 2);
    assert_true(cchc_period_valid(&p));
    p = P(CCHC_PERIOD_HALF_YEAR, 2026, 3);
    assert_false(cchc_period_valid(&p));
    p = P((cchc_period_kind_t)0, 2026, 1);
    assert_false(cchc_period_valid(&p));
    p = P((cchc_period_kind_t)5, 2026, 1);
    assert_false(cchc_period_valid(&p));
    assert_false(cchc_period_valid(NULL));
}

static void test_calendar_names(void **state)
{
    cchc_calendar_t cal = CCHC_CALENDAR_ND09;

    assert_int_equal(cchc_calendar_parse("civil", &cal), 0);
    assert_int_equal(cal, CCHC_CALENDAR_CIVIL);
    assert_int_equal(cchc_calendar_parse("nd09", &cal), 0);
    assert_int_equal(cal, CCHC_CALENDAR_ND09);
    assert_int_equal(cchc_calendar_parse("ND09", &cal), -1);
    assert_int_equal(cchc_calendar_parse("", &cal), -1);
    assert_int_equal(cchc_calendar_parse("civil ", &cal), -1);
    assert_int_equal(cchc_calendar_parse(NULL, &cal), -1);
    assert_int_equal(cal, CCHC_CALENDAR_ND09);
    assert_string_equal(cchc_calendar_name(CCHC_CALENDAR_CIVIL), "civil");
    assert_string_equal(cchc_calendar_name(CCHC_CALENDAR_ND09), "nd09");
    assert_string_equal(cchc_calendar_name((cchc_calendar_t)7), "unknown");
}

static void test_date_valid(void **state)
{
    assert_true(cchc_date_valid(D(2028, 2, 29)));
    assert_true(cchc_date_valid(D(2000, 2, 29)));
    assert_false(cchc_date_valid(D(2026, 2, 29)));
    assert_false(cchc_date_valid(D(1900, 2, 29)));
    assert_false(cchc_date_valid(D(2100, 2, 29)));
    assert_true(cchc_date_valid(D(2026, 2, 28)));
    assert_true(cchc_date_valid(D(2026, 4, 30)));
    assert_false(cchc_date_valid(D(2026, 4, 31)));
    assert_true(cchc_date_valid(D(2026, 12, 31)));
    assert_false(cchc_date_valid(D(2026, 12, 32)));
    assert_false(cchc_date_valid(D(2026, 1, 0)));
    assert_false(cchc_date_valid(D(2026, 0, 1)));
    assert_false(cchc_date_valid(D(2026, 13, 1)));
    assert_true(cchc_date_valid(D(1, 1, 1)));
    assert_true(cchc_date_valid(D(9999, 12, 31)));
    assert_false(cchc_date_valid(D(0, 12, 31)));
    assert_false(cchc_date_valid(D(10000, 1, 1)));
    assert_false(cchc_date_valid(D(0, 0, 0)));
}

static void test_days_known(void **state)
{
    assert_int_equal(cchc_date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(cchc_date_to_days(D(1969, 12, 31)), -1);
    assert_int_equal(cchc_date_to_days(D(2000, 1, 1)), 10957);
    assert_int_equal(cchc_date_to_days(D(2025, 12, 15)), 20437);
    assert_int_equal(cchc_date_to_days(D(2026, 1, 1)), 20454);
    assert_int_equal(cchc_date_to_days(D(2028, 2, 29)), 21243);
    assert_int_equal(cchc_date_to_days(D(2028, 3, 1)), 21244);
    assert_int_equal(cchc_date_to_days(D(1, 1, 1)), -719162);
    assert_int_equal(cchc_date_to_days(D(9999, 12, 31)), 2932896);

    assert_date(cchc_date_from_days(0), 1970, 1, 1);
    assert_date(cchc_date_from_days(-1), 1969, 12, 31);
    assert_date(cchc_date_from_days(21243), 2028, 2, 29);
    assert_date(cchc_date_from_days(-719162), 1, 1, 1);
    assert_date(cchc_date_from_days(2932896), 9999, 12, 31);
    /* Outside years 1..9999: the invalid {0, 0, 0}. */
    assert_date(cchc_date_from_days(-719163), 0, 0, 0);
    assert_date(cchc_date_from_days(2932897), 0, 0, 0);
    assert_date(cchc_date_from_days(INT64_MIN), 0, 0, 0);
    assert_date(cchc_date_from_days(INT64_MAX), 0, 0, 0);
}

/* Every day of years 1..9999: to_days inverts from_days, and from_days walks the
 * calendar one day at a time. */
static void test_days_round_trip(void **state)
{
    cchc_date_t want = D(1, 1, 1);
    int64_t n = 0;

    for (int64_t days = -719162; days <= 2932896; days++, n++) {
        cchc_date_t d = cchc_date_from_days(days);
        if (d.year != want.year || d.month != want.month || d.day != want.day)
            fail_msg("day %lld: got %04d-%02d-%02d, want %04d-%02d-%02d", (long long)days,
                     d.year, d.month, d.day, want.year, want.month, want.day);
        if (!cchc_date_valid(d) || cchc_date_to_days(d) != days)
            fail_msg("day %lld does not round-trip", (long long)days);
        /* the next day, by hand */
        want.day++;
        if (!cchc_date_valid(want)) {
            want.day = 1;
            if (++want.month > 12) {
                want.month = 1;
                want.year++;
            }
        }
    }
    assert_int_equal(n, 2932896 + 719162 + 1);
    assert_date(want, 10000, 1, 1);
}

static void test_date_from_unix(void **state)
{
    assert_date(cchc_date_from_unix(0), 1970, 1, 1);
    assert_date(cchc_date_from_unix(86399), 1970, 1, 1);
    assert_date(cchc_date_from_unix(86400), 1970, 1, 2);
    assert_date(cchc_date_from_unix(-1), 1969, 12, 31);
    assert_date(cchc_date_from_unix(-86400), 1969, 12, 31);
    assert_date(cchc_date_from_unix(-86401), 1969, 12, 30);
    assert_date(cchc_date_from_unix(1767225599), 2025, 12, 31);
    assert_date(cchc_date_from_unix(1767225600), 2026, 1, 1);
    assert_date(cchc_date_from_unix(1784541600), 2026, 7, 20);
    assert_date(cchc_date_from_unix(253402214400), 9999, 12, 31);
    assert_date(cchc_date_from_unix(INT64_MAX), 0, 0, 0);
    assert_date(cchc_date_from_unix(INT64_MIN), 0, 0, 0);
}

static void check_bounds(cchc_period_t p, cchc_calendar_t cal, cchc_date_t first,
                         cchc_date_t last)
{
    cchc_date_t f, l;

    cchc_period_bounds(&p, cal, &f, &l);
    assert_date(f, first.year, first.month, first.day);
    assert_date(l, last.year, last.month, last.day);
}

static void test_bounds(void **state)
{
    const cchc_calendar_t C = CCHC_CALENDAR_CIVIL, N = CCHC_CALENDAR_ND09;

    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 1), N, D(2025, 12, 15), D(2026, 3, 14));
    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 3), N, D(2026, 6, 15), D(2026, 9, 14));
    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 4), N, D(2026, 9, 15), D(2026, 12, 14));
    check_bounds(P(CCHC_PERIOD_HALF_YEAR, 2026, 1), N, D(2025, 12, 15), D(2026, 6, 14));
    check_bounds(P(CCHC_PERIOD_HALF_YEAR, 2026, 2), N, D(2026, 6, 15), D(2026, 12, 14));
    check_bounds(P(CCHC_PERIOD_YEAR, 2026, 1), N, D(2025, 12, 15), D(2026, 12, 14));
    check_bounds(P(CCHC_PERIOD_MONTH, 2026, 1), N, D(2025, 12, 15), D(2026, 1, 14));
    check_bounds(P(CCHC_PERIOD_MONTH, 2026, 12), N, D(2026, 11, 15), D(2026, 12, 14));
    check_bounds(P(CCHC_PERIOD_MONTH, 2028, 3), N, D(2028, 2, 15), D(2028, 3, 14));
    check_bounds(P(CCHC_PERIOD_YEAR, 2000, 1), N, D(1999, 12, 15), D(2000, 12, 14));

    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 1), C, D(2026, 1, 1), D(2026, 3, 31));
    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 2), C, D(2026, 4, 1), D(2026, 6, 30));
    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 3), C, D(2026, 7, 1), D(2026, 9, 30));
    check_bounds(P(CCHC_PERIOD_QUARTER, 2026, 4), C, D(2026, 10, 1), D(2026, 12, 31));
    check_bounds(P(CCHC_PERIOD_HALF_YEAR, 2026, 1), C, D(2026, 1, 1), D(2026, 6, 30));
    check_bounds(P(CCHC_PERIOD_HALF_YEAR, 2026, 2), C, D(2026, 7, 1), D(2026, 12, 31));
    check_bounds(P(CCHC_PERIOD_YEAR, 2026, 1), C, D(2026, 1, 1), D(2026, 12, 31));
    check_bounds(P(CCHC_PERIOD_MONTH, 2026, 2), C, D(2026, 2, 1), D(2026, 2, 28));
    check_bounds(P(CCHC_PERIOD_MONTH, 2028, 2), C, D(2028, 2, 1), D(2028, 2, 29));
    check_bounds(P(CCHC_PERIOD_MONTH, 2026, 4), C, D(2026, 4, 1), D(2026, 4, 30));
    check_bounds(P(CCHC_PERIOD_YEAR, 9999, 1), C, D(9999, 1, 1), D(9999, 12, 31));
}

static void check_of_date(cchc_date_t d, cchc_calendar_t cal, int year, int quarter, int half,
                          int month)
{
    cchc_period_t p;

    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_YEAR, d, cal, &p), 0);
    assert_period(p, CCHC_PERIOD_YEAR, year, 1);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_QUARTER, d, cal, &p), 0);
    assert_period(p, CCHC_PERIOD_QUARTER, year, quarter);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_HALF_YEAR, d, cal, &p), 0);
    assert_period(p, CCHC_PERIOD_HALF_YEAR, year, half);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_MONTH, d, cal, &p), 0);
    assert_period(p, CCHC_PERIOD_MONTH, year, month);
}

static void test_of_date(void **state)
{
    const cchc_calendar_t C = CCHC_CALENDAR_CIVIL, N = CCHC_CALENDAR_ND09;
    cchc_period_t p = P(CCHC_PERIOD_MONTH, 2030, 5);

    /* The 14th and 15th, at the year end. */
    check_of_date(D(2026, 12, 14), N, 2026, 4, 2, 12);
    check_of_date(D(2026, 12, 15), N, 2027, 1, 1, 1);
    check_of_date(D(2026, 12, 31), N, 2027, 1, 1, 1);
    check_of_date(D(2027, 1, 14), N, 2027, 1, 1, 1);
    check_of_date(D(2027, 1, 15), N, 2027, 1, 1, 2);
    check_of_date(D(2026, 12, 14), C, 2026, 4, 2, 12);
    check_of_date(D(2026, 12, 15), C, 2026, 4, 2, 12);
    check_of_date(D(2026, 12, 31), C, 2026, 4, 2, 12);
    check_of_date(D(2027, 1, 1), C, 2027, 1, 1, 1);
    /* Within the year. */
    check_of_date(D(2026, 3, 14), N, 2026, 1, 1, 3);
    check_of_date(D(2026, 3, 15), N, 2026, 2, 1, 4);
    check_of_date(D(2026, 6, 14), N, 2026, 2, 1, 6);
    check_of_date(D(2026, 6, 15), N, 2026, 3, 2, 7);
    check_of_date(D(2026, 6, 15), C, 2026, 2, 1, 6);
    check_of_date(D(2026, 7, 1), C, 2026, 3, 2, 7);
    /* Leap day: February under civil, March under ND09 (after the 14th). */
    check_of_date(D(2028, 2, 29), C, 2028, 1, 1, 2);
    check_of_date(D(2028, 2, 29), N, 2028, 1, 1, 3);
    check_of_date(D(2028, 2, 14), N, 2028, 1, 1, 2);
    check_of_date(D(2028, 2, 15), N, 2028, 1, 1, 3);
    /* The ends of the years periods cover. */
    check_of_date(D(1999, 12, 15), N, 2000, 1, 1, 1);
    check_of_date(D(2000, 1, 1), C, 2000, 1, 1, 1);
    check_of_date(D(9999, 12, 14), N, 9999, 4, 2, 12);
    check_of_date(D(9999, 12, 31), C, 9999, 4, 2, 12);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_YEAR, D(1999, 12, 14), N, &p), -1);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_YEAR, D(1999, 12, 31), C, &p), -1);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_MONTH, D(9999, 12, 15), N, &p), -1);
    /* Not dates, not kinds. */
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_MONTH, D(2026, 2, 29), C, &p), -1);
    assert_int_equal(cchc_period_of_date(CCHC_PERIOD_MONTH, D(2026, 13, 1), N, &p), -1);
    assert_int_equal(cchc_period_of_date((cchc_period_kind_t)0, D(2026, 1, 1), C, &p), -1);
    assert_period(p, CCHC_PERIOD_MONTH, 2030, 5);
}

/* For every day from 1999-12-15 to 2031, each kind and both calendars: the day lies
 * within the bounds of its period, and consecutive periods tile the days. */
static void test_of_date_matches_bounds(void **state)
{
    static const cchc_period_kind_t kinds[] = {CCHC_PERIOD_MONTH, CCHC_PERIOD_QUARTER,
                                               CCHC_PERIOD_HALF_YEAR, CCHC_PERIOD_YEAR};
    int64_t from = cchc_date_to_days(D(1999, 12, 15)), to = cchc_date_to_days(D(2031, 12, 31));

    for (int cal = CCHC_CALENDAR_CIVIL; cal <= CCHC_CALENDAR_ND09; cal++) {
        for (size_t k = 0; k < 4; k++) {
            cchc_period_t prev = {0};
            int64_t prev_last = 0;
            for (int64_t days = cal == CCHC_CALENDAR_CIVIL ? from + 17 : from; days <= to;
                 days++) {
                cchc_date_t d = cchc_date_from_days(days), f, l;
                cchc_period_t p;
                assert_int_equal(cchc_period_of_date(kinds[k], d, (cchc_calendar_t)cal, &p), 0);
                cchc_period_bounds(&p, (cchc_calendar_t)cal, &f, &l);
                assert_true(cchc_date_to_days(f) <= days && days <= cchc_date_to_days(l));
                if (p.year != prev.year || p.index != prev.index) {
                    /* a new period starts the day after the previous one ended */
                    if (prev.year != 0)
                        assert_int_equal(cchc_date_to_days(f), prev_last + 1);
                    assert_int_equal(cchc_date_to_days(f), days);
                    prev = p;
                    prev_last = cchc_date_to_days(l);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_period_valid),
        cmocka_unit_test(test_calendar_names),
        cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_days_known),
        cmocka_unit_test(test_days_round_trip),
        cmocka_unit_test(test_date_from_unix),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_of_date),
        cmocka_unit_test(test_of_date_matches_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
