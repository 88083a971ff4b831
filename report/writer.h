/* The four output formats of cchc-report: table, csv, xlsx, json. Each only reads the model. */
#ifndef CCHC_REPORT_WRITER_H
#define CCHC_REPORT_WRITER_H

#include <stdio.h>

#include "model.h"

typedef enum {
    CCHC_FORMAT_TABLE = 0, /* aligned text for a terminal, by display width */
    CCHC_FORMAT_CSV,       /* RFC 4180, UTF-8 with BOM, CRLF; one table per file */
    CCHC_FORMAT_XLSX,      /* one worksheet per section (needs a file) */
    CCHC_FORMAT_JSON,      /* one object; schema in README.md */
} cchc_format_t;

/* Parses "table", "csv", "xlsx", "json". Returns 0 or -1. */
int cchc_format_parse(const char *text, cchc_format_t *out);

/* Writes r in fmt. path NULL writes to stdout (not for XLSX). CSV with a path writes
 * the first section to path and each further section to path with "-KEY" before the
 * extension ("q3.csv", "q3-rates.csv"); to stdout the sections follow each other,
 * separated by one empty line. Returns 0, or -1 with a message in err. */
int cchc_report_write(const cchc_report_t *r, cchc_format_t fmt, const char *path, char *err,
                      size_t errlen);

/* The writers themselves. Return 0, or -1 on a write error (errno set) or, for XLSX,
 * with a message in err. */
int cchc_write_table(const cchc_report_t *r, FILE *out);
int cchc_write_csv_section(const cchc_report_t *r, const cchc_section_t *s, FILE *out, bool bom);
int cchc_write_json(const cchc_report_t *r, FILE *out);
int cchc_write_xlsx(const cchc_report_t *r, const char *path, char *err, size_t errlen);

/* The file name of section `key` next to path: "q3.csv" + "rates" -> "q3-rates.csv".
 * Returns a new string (the caller frees it) or NULL when out of memory. */
char *cchc_writer_sibling_path(const char *path, const char *key);

#endif
