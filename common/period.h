/* Reporting periods (month, quarter, half-year, year) and the calendars that map a day to one. */
#ifndef CCHC_PERIOD_H
#define CCHC_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values match cchc.v1.PeriodKind on the wire and period_kind in SQL. */
typedef enum {
    CCHC_PERIOD_MONTH = 1,
    CCHC_PERIOD_QUARTER = 2,
    CCHC_PERIOD_HALF_YEAR = 3,
    CCHC_PERIOD_YEAR = 4,
} cchc_period_kind_t;

typedef struct {
    cchc_period_kind_t kind;
    int year;  /* 2000..9999 */
    int index; /* month 1..12, quarter 1..4, half 1..2, year 1 */
} cchc_period_t;

/* Which days belong to a period.
 * CIVIL: calendar months, quarters, halves and years.
 * ND09: the statistical cut-off of Nghị định 09/2019/NĐ-CP: a period's data runs
 *   from the 15th of the month before its first month to the 14th of its last
 *   month (Q1 2026 = 2025-12-15 .. 2026-03-14; year 2026 = 2025-12-15 .. 2026-12-14). */
typedef enum {
    CCHC_CALENDAR_CIVIL = 0,
    CCHC_CALENDAR_ND09 = 1,
} cchc_calendar_t;

typedef struct {
    int year, month, day;
} cchc_date_t;

/* Longest text cchc_period_format writes, with its NUL ("2026-Q3", "2026-H1", "2026-07", "2026"). */
#define CCHC_PERIOD_TEXT_MAX 16

/* Parses "2026-Q3", "2026-H1", "2026" (a year) or "2026-07" (a month); case-insensitive
 * for Q and H. Returns 0, or -1 with a message in err (which names the text and the
 * accepted forms). */
int cchc_period_parse(const char *text, cchc_period_t *out, char *err, size_t errlen);

/* Writes the canonical text of p into buf (at least CCHC_PERIOD_TEXT_MAX bytes).
 * Returns buf; an invalid period is written as "invalid". */
const char *cchc_period_format(const cchc_period_t *p, char *buf, size_t len);

/* True if the kind is known, the year within 2000..9999 and the index within the kind's range. */
bool cchc_period_valid(const cchc_period_t *p);

/* Parses a calendar name: "civil" or "nd09". Returns 0 or -1. */
int cchc_calendar_parse(const char *text, cchc_calendar_t *out);
const char *cchc_calendar_name(cchc_calendar_t cal);

/* The period of the given kind that day d belongs to under calendar cal.
 * Returns 0, or -1 if d is not a valid date or its period's year is outside 2000..9999. */
int cchc_period_of_date(cchc_period_kind_t kind, cchc_date_t d, cchc_calendar_t cal,
                        cchc_period_t *out);

/* First and last day (inclusive) of p under calendar cal. p must be valid. */
void cchc_period_bounds(const cchc_period_t *p, cchc_calendar_t cal, cchc_date_t *first,
                        cchc_date_t *last);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. Valid dates are in the
 * years 1..9999; cchc_date_from_days returns {0, 0, 0} (not valid) for days outside them. */
int64_t cchc_date_to_days(cchc_date_t d);
cchc_date_t cchc_date_from_days(int64_t days);
bool cchc_date_valid(cchc_date_t d);

/* The UTC date of a Unix time (seconds). */
cchc_date_t cchc_date_from_unix(int64_t unix_seconds);

#endif
