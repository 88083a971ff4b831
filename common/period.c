/* Reporting periods and their calendars, on integer day numbers: no time zone or clock involved. */
#include "period.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* Dates are proleptic Gregorian years 1..9999: wide enough for any report, and
 * narrow enough that a year always fits an int whatever int64 it came from. */
#define DATE_YEAR_MIN 1
#define DATE_YEAR_MAX 9999
#define DAYS_MIN (-719162) /* 0001-01-01 */
#define DAYS_MAX 2932896   /* 9999-12-31 */

#define PERIOD_YEAR_MIN 2000
#define PERIOD_YEAR_MAX 9999

#define PERIOD_FORMS "accepted: YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn with YYYY in 2000..9999"

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static int index_max(cchc_period_kind_t kind)
{
    switch (kind) {
    case CCHC_PERIOD_MONTH: return 12;
    case CCHC_PERIOD_QUARTER: return 4;
    case CCHC_PERIOD_HALF_YEAR: return 2;
    case CCHC_PERIOD_YEAR: return 1;
    }
    return 0;
}

/* Months a period spans; 12 for a year, 6 for a half, ... */
static int span_months(cchc_period_kind_t kind)
{
    return 12 / index_max(kind);
}

bool cchc_period_valid(const cchc_period_t *p)
{
    int max;

    if (p == NULL)
        return false;
    max = index_max(p->kind);
    return max > 0 && p->year >= PERIOD_YEAR_MIN && p->year <= PERIOD_YEAR_MAX && p->index >= 1 &&
           p->index <= max;
}

/* Copies untrusted text for an error message: printable ASCII only, cut short so
 * a pasted blob cannot swamp the message. */
static const char *printable(const char *s, char *buf, size_t len)
{
    size_t i, n = 0;

    for (i = 0; s[i] != '\0' && n + 4 < len; i++)
        buf[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (s[i] != '\0') {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

/* Reads exactly n decimal digits; strtol would accept signs, spaces and more digits. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* A month must have two digits ("2026-07"): "2026-7" is rejected rather than
 * guessed at, so every period has exactly one spelling. */
int cchc_period_parse(const char *text, cchc_period_t *out, char *err, size_t errlen)
{
    char shown[40];
    const char *why = "not a period";
    char whybuf[48];
    cchc_period_t p = {0};
    size_t len;

    if (text == NULL) {
        snprintf(err, errlen, "no period given (%s)", PERIOD_FORMS);
        return -1;
    }
    len = strlen(text);
    if (len < 4 || !digits(text, 4, &p.year))
        goto fail;
    if (len == 4) {
        p.kind = CCHC_PERIOD_YEAR;
        p.index = 1;
    } else if (text[4] != '-') {
        goto fail;
    } else if (len == 7 && (text[5] == 'Q' || text[5] == 'q') && digits(text + 6, 1, &p.index)) {
        p.kind = CCHC_PERIOD_QUARTER;
    } else if (len == 7 && (text[5] == 'H' || text[5] == 'h') && digits(text + 6, 1, &p.index)) {
        p.kind = CCHC_PERIOD_HALF_YEAR;
    } else if (len == 7 && digits(text + 5, 2, &p.index)) {
        p.kind = CCHC_PERIOD_MONTH;
    } else {
        goto fail;
    }

    if (p.year < PERIOD_YEAR_MIN || p.year > PERIOD_YEAR_MAX) {
        snprintf(whybuf, sizeof whybuf, "year %d outside 2000..9999", p.year);
        why = whybuf;
        goto fail;
    }
    if (p.index < 1 || p.index > index_max(p.kind)) {
        static const char *const names[] = {"", "month", "quarter", "half", "year"};
        snprintf(whybuf, sizeof whybuf, "%s %d outside %s..%d", names[p.kind], p.index,
                 p.kind == CCHC_PERIOD_MONTH ? "01" : "1", index_max(p.kind));
        why = whybuf;
        goto fail;
    }
    *out = p;
    return 0;

fail:
    snprintf(err, errlen, "invalid period \"%s\": %s (%s)", printable(text, shown, sizeof shown),
             why, PERIOD_FORMS);
    return -1;
}

const char *cchc_period_format(const cchc_period_t *p, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    if (!cchc_period_valid(p)) {
        snprintf(buf, len, "invalid");
        return buf;
    }
    switch (p->kind) {
    case CCHC_PERIOD_MONTH: snprintf(buf, len, "%04d-%02d", p->year, p->index); break;
    case CCHC_PERIOD_QUARTER: snprintf(buf, len, "%04d-Q%d", p->year, p->index); break;
    case CCHC_PERIOD_HALF_YEAR: snprintf(buf, len, "%04d-H%d", p->year, p->index); break;
    case CCHC_PERIOD_YEAR: snprintf(buf, len, "%04d", p->year); break;
    }
    return buf;
}

int cchc_calendar_parse(const char *text, cchc_calendar_t *out)
{
    if (text == NULL)
        return -1;
    if (strcmp(text, "civil") == 0)
        *out = CCHC_CALENDAR_CIVIL;
    else if (strcmp(text, "nd09") == 0)
        *out = CCHC_CALENDAR_ND09;
    else
        return -1;
    return 0;
}

const char *cchc_calendar_name(cchc_calendar_t cal)
{
    switch (cal) {
    case CCHC_CALENDAR_CIVIL: return "civil";
    case CCHC_CALENDAR_ND09: return "nd09";
    }
    return "unknown";
}

int cchc_period_of_date(cchc_period_kind_t kind, cchc_date_t d, cchc_calendar_t cal,
                        cchc_period_t *out)
{
    int y = d.year, m = d.month;
    cchc_period_t p;

    if (!cchc_date_valid(d) || index_max(kind) == 0)
        return -1;
    /* From the 15th on, a day's figures count toward the next month's report. */
    if (cal == CCHC_CALENDAR_ND09 && d.day >= 15 && ++m > 12) {
        m = 1;
        y++;
    }
    p.kind = kind;
    p.year = y;
    p.index = (m - 1) / span_months(kind) + 1;
    if (!cchc_period_valid(&p))
        return -1;
    *out = p;
    return 0;
}

void cchc_period_bounds(const cchc_period_t *p, cchc_calendar_t cal, cchc_date_t *first,
                        cchc_date_t *last)
{
    int m_first, m_last;

    assert(cchc_period_valid(p));
    if (!cchc_period_valid(p)) {
        /* An invalid date, so a caller that ignored the contract compares nothing true. */
        *first = *last = (cchc_date_t){0, 0, 0};
        return;
    }
    m_last = p->index * span_months(p->kind);
    m_first = m_last - span_months(p->kind) + 1;
    if (cal == CCHC_CALENDAR_ND09) {
        *first = m_first == 1 ? (cchc_date_t){p->year - 1, 12, 15}
                              : (cchc_date_t){p->year, m_first - 1, 15};
        *last = (cchc_date_t){p->year, m_last, 14};
    } else {
        *first = (cchc_date_t){p->year, m_first, 1};
        *last = (cchc_date_t){p->year, m_last, days_in_month(p->year, m_last)};
    }
}

bool cchc_date_valid(cchc_date_t d)
{
    return d.year >= DATE_YEAR_MIN && d.year <= DATE_YEAR_MAX && d.month >= 1 && d.month <= 12 &&
           d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

/* Howard Hinnant's days_from_civil. Done in int64 so that even a nonsense date
 * gives a (meaningless) number rather than overflow. */
int64_t cchc_date_to_days(cchc_date_t d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t m = d.month;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                     /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d.day - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             /* [0, 146096] */

    return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days; days outside 0001-01-01..9999-12-31 give
 * {0, 0, 0}, which cchc_date_valid rejects. */
cchc_date_t cchc_date_from_days(int64_t days)
{
    int64_t z, era, doe, yoe, y, doy, mp, d, m;

    if (days < DAYS_MIN || days > DAYS_MAX)
        return (cchc_date_t){0, 0, 0};
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    return (cchc_date_t){(int)(y + (m <= 2)), (int)m, (int)d};
}

cchc_date_t cchc_date_from_unix(int64_t unix_seconds)
{
    /* Floor division: one second before the epoch is 1969-12-31, not 1970-01-01. */
    int64_t days = unix_seconds / 86400 - (unix_seconds % 86400 < 0);

    return cchc_date_from_days(days);
}
