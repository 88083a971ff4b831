/* The in-memory report every writer renders: sections of typed columns and rows of text cells.
 *
 *   report    name ("summary"), period text, version, title, generated_at, notes
 *     section key ("figures"), title, columns, rows
 *       column  key (JSON name), header (in the report's language), type, flags, labels
 *       cell    the value as PostgreSQL wrote it (numbers exact, as text), or NULL = no data
 *
 * The query module fills it; the writers (writer.h) only read it. A cell never holds a
 * made-up 0: NULL is "not reported", and each writer shows it its own way. */
#ifndef CCHC_REPORT_MODEL_H
#define CCHC_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "format.h"

typedef enum { CCHC_LANG_VI = 0, CCHC_LANG_EN = 1 } cchc_lang_t;

typedef enum {
    CCHC_COL_TEXT,    /* free text */
    CCHC_COL_CODE,    /* a machine code: unit, indicator, rate, uuid, agent */
    CCHC_COL_INT,     /* an integer, decimal text */
    CCHC_COL_DECIMAL, /* a decimal number, text; shown with `decimals` places */
    CCHC_COL_PCT,     /* a percentage 0..100, text; 2 places; a fraction in XLSX */
    CCHC_COL_BOOL,    /* "t" or "f"; shown through the labels */
    CCHC_COL_ENUM,    /* a code ("met"); shown through the labels, the code in JSON */
    CCHC_COL_TIME,    /* timestamptz, ISO text as PostgreSQL writes it */
    CCHC_COL_DATE,    /* "2026-10-15" */
} cchc_col_type_t;

enum {
    CCHC_COLF_TABLE_HIDE = 1 << 0, /* not shown by the table writer (codes, depth) */
    CCHC_COLF_INDENT = 1 << 1,     /* indented by the section's depth column */
    CCHC_COLF_DEPTH = 1 << 2,      /* this INT column is the unit's depth in the tree */
    CCHC_COLF_SIGNED = 1 << 3,     /* numbers shown with '+' when positive (gaps) */
    CCHC_COLF_NULL_BLANK = 1 << 4, /* table: NULL is "nothing applies" (no target), shown blank
                                    * rather than as a missing figure */
};

/* One label: what a BOOL ("t"/"f") or ENUM code is shown as. A list ends with {NULL, NULL}. */
typedef struct {
    const char *code;
    const char *label;
} cchc_label_t;

typedef struct {
    const char *key;            /* JSON key and machine name; static text */
    const char *header;         /* column header in the report's language; static text */
    cchc_col_type_t type;
    unsigned flags;             /* CCHC_COLF_* */
    int decimals;               /* DECIMAL: places shown (-1: as stored) */
    int group;                  /* table: 0, or a level 1, 2 ...: the cell is left blank
                                 * when every cell of a column of group 1..level equals
                                 * the row above's (a unit's name once per block) */
    const cchc_label_t *labels; /* BOOL, ENUM: static table; NULL shows the code */
} cchc_column_t;

/* How a row is marked: writers colour it (XLSX fill) or flag it. */
typedef enum {
    CCHC_MARK_NONE = 0,
    CCHC_MARK_BAD,  /* a target not met, an expected unit that has not reported */
    CCHC_MARK_WARN, /* a late report, a correction without a reason */
} cchc_mark_t;

typedef struct cchc_report cchc_report_t;
typedef struct cchc_section cchc_section_t;

/* A new, empty report. The strings are copied. Returns NULL when out of memory. */
cchc_report_t *cchc_report_new(const char *name, const char *period, const char *version,
                               const char *title, const char *generated_at, cchc_lang_t lang);
/* Frees the report, its sections and cells; accepts NULL; sets *r = NULL. */
void cchc_report_destroy(cchc_report_t **r);

const char *cchc_report_name(const cchc_report_t *r);
const char *cchc_report_period(const cchc_report_t *r);   /* "" when none */
const char *cchc_report_version(const cchc_report_t *r);  /* "" when none */
const char *cchc_report_title(const cchc_report_t *r);
const char *cchc_report_generated_at(const cchc_report_t *r);
cchc_lang_t cchc_report_lang(const cchc_report_t *r);

/* Adds a section (owned by the report, lives as long as it). key and title are copied.
 * sheet is the worksheet name in XLSX (at most 31 characters, no []:*?/\). NULL when
 * out of memory. */
cchc_section_t *cchc_report_add_section(cchc_report_t *r, const char *key, const char *title,
                                        const char *sheet);
size_t cchc_report_section_count(const cchc_report_t *r);
const cchc_section_t *cchc_report_section(const cchc_report_t *r, size_t i);

/* A line printed under the tables (table format only). Copied. Returns 0 or -1. */
int cchc_report_add_note(cchc_report_t *r, const char *text);
size_t cchc_report_note_count(const cchc_report_t *r);
const char *cchc_report_note(const cchc_report_t *r, size_t i);

/* Adds a column; all columns come before the first row. col is copied (its strings
 * and labels must be static). Returns the column's index or -1. */
int cchc_section_add_column(cchc_section_t *s, const cchc_column_t *col);
/* Adds a row of NULL cells. Returns its index or -1 when out of memory. */
long cchc_section_add_row(cchc_section_t *s);
/* Sets a cell to a copy of text (NULL: no data). Returns 0 or -1 (out of memory). */
int cchc_section_set(cchc_section_t *s, size_t row, size_t col, const char *text);
void cchc_section_mark(cchc_section_t *s, size_t row, cchc_mark_t mark);

const char *cchc_section_key(const cchc_section_t *s);
const char *cchc_section_title(const cchc_section_t *s);
const char *cchc_section_sheet(const cchc_section_t *s);
size_t cchc_section_ncols(const cchc_section_t *s);
size_t cchc_section_nrows(const cchc_section_t *s);
const cchc_column_t *cchc_section_column(const cchc_section_t *s, size_t col);
/* The cell's text (owned by the section), or NULL for no data. */
const char *cchc_section_cell(const cchc_section_t *s, size_t row, size_t col);
cchc_mark_t cchc_section_row_mark(const cchc_section_t *s, size_t row);
/* The index of the column flagged CCHC_COLF_DEPTH, or -1. */
int cchc_section_depth_col(const cchc_section_t *s);

/* What a cell looks like for a person. */
typedef enum {
    CCHC_STYLE_TABLE, /* terminal: localized separators (vi 1.234,56; en 1,234.56), short times */
    CCHC_STYLE_PLAIN, /* CSV: '.' decimal point, no grouping, ISO 8601 times */
} cchc_style_t;

/* The text a person sees for a cell of col: labels for BOOL and ENUM, INT grouped
 * (TABLE), DECIMAL with its places, PCT with 2 places, times per style. raw NULL (no
 * data) gives "" (callers show their own mark for it). A raw value that does not parse
 * as its type is shown as it is. Returns raw itself (TEXT, CODE, DATE, unparsable
 * values), a static label, or out (len bytes, 64 are enough) holding the text: valid
 * as long as raw and out are. */
const char *cchc_cell_display(const cchc_column_t *col, const char *raw, cchc_style_t style,
                              cchc_lang_t lang, char *out, size_t len);

/* The label of code in labels, or NULL when it has none. */
const char *cchc_label_find(const cchc_label_t *labels, const char *code);

#endif
