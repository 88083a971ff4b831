/* Agent sources: where a unit's figures come from. Adding a source type is adding
 * a file with one cchc_source_type_t and a line in the table in source.c. */
#ifndef CCHC_SOURCE_H
#define CCHC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

/* Figures read from sources: indicator code -> count. */
typedef struct {
    char code[CCHC_CODE_MAX + 1];
    int64_t value;
} cchc_figure_t;

typedef struct {
    cchc_figure_t *items; /* malloc'd; owned by the set */
    size_t n, cap;
} cchc_figures_t;

/* Sets indicator code to value, replacing an earlier value of the same code.
 * Returns 0, or -1 if the code is empty or longer than CCHC_CODE_MAX, or out of memory. */
int cchc_figures_set(cchc_figures_t *f, const char *code, int64_t value);
void cchc_figures_free(cchc_figures_t *f);

/* How a [source.NAME] section of the agent's INI file is configured. */
typedef struct cchc_source_conf {
    char *name;         /* NAME in [source.NAME] */
    char *type;         /* "exec" or "file" */
    char *command;      /* exec: run with /bin/sh -c */
    char *path;         /* file: the exported file */
    char *format;       /* file: "csv", "kv" or "auto" (by extension: .csv = csv, else kv) */
    int64_t timeout_ms; /* exec: killed (SIGKILL to its process group) after this; default 10000 */
} cchc_source_conf_t;

typedef struct {
    const char *name;
    /* Reads the source into out (adding to what is there). Returns 0, or -1 with err
     * naming the source, and the line for a parse error. */
    int (*read)(const cchc_source_conf_t *conf, cchc_figures_t *out, char *err, size_t errlen);
} cchc_source_type_t;

/* The source type named name, or NULL. */
const cchc_source_type_t *cchc_source_type_find(const char *name);

/* Parsers, exposed for the tests and the fuzz targets. Both add to out; both
 * return 0, or -1 with err "line N: what is wrong". Values are decimal integers
 * that fit int64 (a sign is allowed so that a negative count reaches validation
 * and is refused with its rule's name); codes are [A-Za-z0-9_.-]{1,63}.
 *
 * Command output: one "indicator value" per line, separated by spaces or tabs;
 * blank lines and lines starting with '#' are skipped. */
int cchc_parse_command_output(const char *buf, size_t len, cchc_figures_t *out, char *err,
                              size_t errlen);

/* Exported file. kv: "indicator=value" per line, '#' comments, blank lines.
 * csv: RFC 4180 rows "indicator,value" (fields may be quoted); an optional first
 * header row "indicator,value" (case-insensitive) is skipped; a UTF-8 BOM is skipped;
 * CRLF or LF. format is "csv" or "kv". */
int cchc_parse_export_file(const char *buf, size_t len, const char *format, cchc_figures_t *out,
                           char *err, size_t errlen);

#endif
