/* Pure text helpers of cchc-report: display width, CSV fields, JSON strings, exact decimals, times. */
#ifndef CCHC_REPORT_FORMAT_H
#define CCHC_REPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Terminal columns the UTF-8 text s takes: combining marks (U+0300..U+036F and the
 * other combining blocks) and zero-width characters 0, East Asian wide and fullwidth
 * characters 2, every other character 1 (so Vietnamese precomposed letters are 1 and
 * "a" + U+0301 is 1). Control characters count 0; a byte that is not valid UTF-8
 * counts 1. No locale is involved. */
size_t cchc_fmt_width(const char *s);

/* The same for one code point. */
int cchc_fmt_cp_width(unsigned long cp);

/* Writes s to out as one RFC 4180 field: as is, or between double quotes with every
 * '"' doubled when s holds a comma, a double quote, CR or LF, or starts or ends with
 * a space. NULL is written as an empty field. Returns 0, or -1 on a write error. */
int cchc_fmt_csv_field(FILE *out, const char *s);

/* Writes s to out as a JSON string, quotes included: '"', '\\' and control characters
 * escaped (\n, \r, \t, \b, \f, else \u00XX); valid UTF-8 is written as is; a byte
 * that is not valid UTF-8 is written as U+FFFD. Returns 0, or -1 on a write error. */
int cchc_fmt_json_string(FILE *out, const char *s);

/* True if s is a JSON number as written by PostgreSQL for integer and numeric
 * values ("-12", "0.5", "85.7142857"; not "NaN", not "Infinity", not "1e5" is
 * also accepted since JSON allows exponents). */
bool cchc_fmt_is_json_number(const char *s);

/* How cchc_fmt_decimal writes a number. */
typedef struct {
    char point;        /* decimal separator: '.' or ',' */
    const char *group; /* thousands separator, "" for none */
    bool plus;         /* write '+' before a positive (non-zero) value */
} cchc_numfmt_t;

/* Rounds the decimal text num ("-1234.5678", as PostgreSQL writes numeric and
 * bigint) to `decimals` places, half away from zero like PostgreSQL's round(),
 * exactly (on the digits, never through a double), and writes it with nf's
 * separators into out. decimals < 0 keeps every digit the text has. A result that
 * rounds to zero is written without a sign. Returns 0, or -1 if num is not a
 * plain decimal or out (len bytes) is too small. */
int cchc_fmt_decimal(const char *num, int decimals, const cchc_numfmt_t *nf, char *out, size_t len);

/* A timestamp with time zone as PostgreSQL writes it with DateStyle ISO
 * ("2026-10-05 09:12:00.123456+07", "...+05:30", "...-03:30:15") split into
 * parts. Returns 0, or -1 if text is not of that form. */
typedef struct {
    int year, month, day, hour, minute;
    double second;     /* with the fraction */
    char frac[8];      /* the fraction's digits as written ("123456"), "" if none */
    char offset[10];   /* "+07:00", "-03:30", "+00:00"; "" if the text had none */
} cchc_time_t;
int cchc_fmt_time_parse(const char *text, cchc_time_t *out);

/* ISO 8601 text of t: "2026-10-05T09:12:00.123456+07:00" (the fraction only if t has
 * one). out needs 40 bytes. Returns out. */
const char *cchc_fmt_time_iso(const cchc_time_t *t, char *out, size_t len);

/* Short text of t for a terminal: "2026-10-05 09:12:00 +07:00". Returns out. */
const char *cchc_fmt_time_short(const cchc_time_t *t, char *out, size_t len);

#endif
