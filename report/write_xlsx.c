/* XLSX format (libxlsxwriter): one worksheet per section, bold frozen header, real numbers,
 * percentages as fractions shown "0.00%", marked rows filled (red: target not met, unit missing). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "format.h"
#include "i18n.h"
#include "writer.h"

#define CELL_BUF 96
#define MAX_INDENT 15
#define MAX_WIDTH 80.0
/* Integers above 2^53 are not exact in a double: those are written as text. */
#define EXACT_LIMIT 9007199254740992.0

#define FILL_BAD 0xFFC7CE
#define FONT_BAD 0x9C0006
#define FILL_WARN 0xFFEB9C
#define FONT_WARN 0x9C5700

/* One cell format per (number format, mark, indent), made on first use. */
typedef struct {
    const char *num_format; /* static text; NULL = General */
    cchc_mark_t mark;
    int indent;
    lxw_format *fmt;
} fmt_entry_t;

typedef struct {
    lxw_workbook *wb;
    fmt_entry_t *entries;
    size_t n, cap;
    lxw_format *header;
} fmt_cache_t;

static lxw_format *cell_format(fmt_cache_t *fc, const char *num_format, cchc_mark_t mark, int indent)
{
    for (size_t i = 0; i < fc->n; i++) {
        fmt_entry_t *e = &fc->entries[i];
        if (e->mark == mark && e->indent == indent &&
            (e->num_format == num_format ||
             (e->num_format && num_format && strcmp(e->num_format, num_format) == 0)))
            return e->fmt;
    }
    if (num_format == NULL && mark == CCHC_MARK_NONE && indent == 0)
        return NULL; /* the default format */
    if (fc->n == fc->cap) {
        size_t cap = fc->cap ? fc->cap * 2 : 16;
        fmt_entry_t *grown = realloc(fc->entries, cap * sizeof *grown);
        if (grown == NULL)
            return NULL; /* out of memory: the cell just loses its format */
        fc->entries = grown;
        fc->cap = cap;
    }
    lxw_format *f = workbook_add_format(fc->wb);
    if (f == NULL)
        return NULL;
    if (num_format)
        format_set_num_format(f, num_format);
    if (indent > 0)
        format_set_indent(f, (uint8_t)indent);
    if (mark == CCHC_MARK_BAD) {
        format_set_bg_color(f, FILL_BAD);
        format_set_font_color(f, FONT_BAD);
    } else if (mark == CCHC_MARK_WARN) {
        format_set_bg_color(f, FILL_WARN);
        format_set_font_color(f, FONT_WARN);
    }
    fc->entries[fc->n++] = (fmt_entry_t){num_format, mark, indent, f};
    return f;
}

static const char *decimal_format(int decimals)
{
    static const char *const f[] = {"0", "0.0", "0.00", "0.000", "0.0000"};
    if (decimals < 0)
        return NULL;
    return f[decimals < 4 ? decimals : 4];
}

/* Writes one cell. Returns the display width it takes, for the column's width. */
static size_t write_cell(lxw_worksheet *ws, fmt_cache_t *fc, const cchc_report_t *r,
                         const cchc_column_t *col, lxw_row_t row, lxw_col_t c, const char *raw,
                         cchc_mark_t mark, int indent)
{
    char buf[CELL_BUF];
    if (raw == NULL) {
        /* no data: an empty cell, never 0 (kept blank, with the row's fill if marked) */
        if (mark != CCHC_MARK_NONE)
            worksheet_write_blank(ws, row, c, cell_format(fc, NULL, mark, 0));
        return 0;
    }
    char *end;
    double v;
    switch (col->type) {
    case CCHC_COL_INT:
        v = strtod(raw, &end);
        if (*end == '\0' && fabs(v) < EXACT_LIMIT) {
            worksheet_write_number(ws, row, c, v, cell_format(fc, "#,##0", mark, 0));
            return strlen(raw) + strlen(raw) / 3;
        }
        break;
    case CCHC_COL_DECIMAL:
        v = strtod(raw, &end);
        if (*end == '\0') {
            worksheet_write_number(ws, row, c, v, cell_format(fc, decimal_format(col->decimals), mark, 0));
            return strlen(raw) < 12 ? strlen(raw) : 12;
        }
        break;
    case CCHC_COL_PCT:
        v = strtod(raw, &end);
        if (*end == '\0') {
            /* a real number: 85.71 % is 0.8571, shown "85.71%" */
            worksheet_write_number(ws, row, c, v / 100.0, cell_format(fc, "0.00%", mark, 0));
            return 8;
        }
        break;
    case CCHC_COL_TIME: {
        cchc_time_t t;
        if (cchc_fmt_time_parse(raw, &t) == 0 && t.year >= 1900) {
            /* the session's wall-clock time (the offset is in the CSV and JSON) */
            lxw_datetime dt = {t.year, t.month, t.day, t.hour, t.minute, t.second};
            worksheet_write_datetime(ws, row, c, &dt, cell_format(fc, "yyyy-mm-dd hh:mm:ss", mark, 0));
            return 19;
        }
        break;
    }
    case CCHC_COL_DATE: {
        lxw_datetime dt = {0};
        if (sscanf(raw, "%4d-%2d-%2d", &dt.year, &dt.month, &dt.day) == 3 && dt.year >= 1900) {
            worksheet_write_datetime(ws, row, c, &dt, cell_format(fc, "yyyy-mm-dd", mark, 0));
            return 10;
        }
        break;
    }
    case CCHC_COL_TEXT:
    case CCHC_COL_CODE:
    case CCHC_COL_BOOL:
    case CCHC_COL_ENUM:
        break;
    }
    const char *text = cchc_cell_display(col, raw, CCHC_STYLE_PLAIN, cchc_report_lang(r), buf, sizeof buf);
    worksheet_write_string(ws, row, c, text, cell_format(fc, NULL, mark, indent));
    return cchc_fmt_width(text) + (size_t)indent * 2;
}

static int write_sheet(lxw_workbook *wb, fmt_cache_t *fc, const cchc_report_t *r,
                       const cchc_section_t *s, char *err, size_t errlen)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, cchc_section_sheet(s));
    if (ws == NULL) {
        snprintf(err, errlen, "cannot add the worksheet '%s'", cchc_section_sheet(s));
        return -1;
    }
    size_t ncols = cchc_section_ncols(s), nrows = cchc_section_nrows(s);
    int depth_col = cchc_section_depth_col(s);
    double *width = calloc(ncols ? ncols : 1, sizeof *width);
    if (width == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t c = 0; c < ncols; c++) {
        const char *h = cchc_section_column(s, c)->header;
        worksheet_write_string(ws, 0, (lxw_col_t)c, h, fc->header);
        width[c] = (double)cchc_fmt_width(h) + 2;
    }
    for (size_t row = 0; row < nrows; row++) {
        cchc_mark_t mark = cchc_section_row_mark(s, row);
        int indent = 0;
        if (depth_col >= 0 && cchc_section_cell(s, row, (size_t)depth_col))
            indent = atoi(cchc_section_cell(s, row, (size_t)depth_col));
        if (indent > MAX_INDENT)
            indent = MAX_INDENT;
        for (size_t c = 0; c < ncols; c++) {
            const cchc_column_t *col = cchc_section_column(s, c);
            size_t w = write_cell(ws, fc, r, col, (lxw_row_t)(row + 1), (lxw_col_t)c,
                                  cchc_section_cell(s, row, c), mark,
                                  col->flags & CCHC_COLF_INDENT ? indent : 0);
            if ((double)w + 2 > width[c])
                width[c] = (double)w + 2;
        }
    }
    for (size_t c = 0; c < ncols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c] < MAX_WIDTH ? width[c] : MAX_WIDTH, NULL);
    free(width);
    worksheet_freeze_panes(ws, 1, 0);
    if (ncols > 0)
        worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncols - 1));
    return 0;
}

int cchc_write_xlsx(const cchc_report_t *r, const char *path, char *err, size_t errlen)
{
    lxw_workbook *wb = workbook_new(path);
    if (wb == NULL) {
        snprintf(err, errlen, "%s: cannot create the workbook", path);
        return -1;
    }
    fmt_cache_t fc = {.wb = wb};
    fc.header = workbook_add_format(wb);
    format_set_bold(fc.header);
    format_set_bg_color(fc.header, 0xD9E1F2);
    format_set_bottom(fc.header, LXW_BORDER_THIN);
    format_set_text_wrap(fc.header);
    format_set_align(fc.header, LXW_ALIGN_VERTICAL_TOP);

    lxw_doc_properties props = {
        .title = (char *)cchc_report_title(r),
        .subject = (char *)cchc_report_period(r),
        .author = "cchc-report",
        .comments = (char *)cchc_report_generated_at(r),
    };
    workbook_set_properties(wb, &props);

    int rc = 0;
    for (size_t i = 0; i < cchc_report_section_count(r) && rc == 0; i++)
        rc = write_sheet(wb, &fc, r, cchc_report_section(r, i), err, errlen);
    /* close writes the file (and frees the workbook) even after a sheet failed */
    lxw_error e = workbook_close(wb);
    free(fc.entries);
    if (rc == 0 && e != LXW_NO_ERROR) {
        snprintf(err, errlen, "%s: %s", path, lxw_strerror(e));
        rc = -1;
    }
    return rc;
}
