/* Table format: columns aligned by display width (Vietnamese letters 1 column, combining marks 0). */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "i18n.h"
#include "writer.h"

#define CELL_BUF 96
#define COL_GAP "  "

static bool is_numeric(cchc_col_type_t t)
{
    return t == CCHC_COL_INT || t == CCHC_COL_DECIMAL || t == CCHC_COL_PCT;
}

/* The text of one cell as the table shows it, into buf (indent included); NULL = blanked. */
static const char *cell_text(const cchc_report_t *r, const cchc_section_t *s, size_t row,
                             size_t col, int depth_col, char *buf, size_t len)
{
    const cchc_column_t *c = cchc_section_column(s, col);
    if (c->group > 0 && row > 0) {
        bool same = true;
        for (size_t k = 0; k < cchc_section_ncols(s) && same; k++) {
            int g = cchc_section_column(s, k)->group;
            if (g == 0 || g > c->group)
                continue;
            const char *a = cchc_section_cell(s, row, k), *b = cchc_section_cell(s, row - 1, k);
            same = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
        }
        if (same)
            return "";
    }
    const char *raw = cchc_section_cell(s, row, col);
    if (raw == NULL)
        return c->flags & CCHC_COLF_NULL_BLANK ? "" : CCHC_MISSING_MARK;
    char tmp[CELL_BUF];
    const char *text = cchc_cell_display(c, raw, CCHC_STYLE_TABLE, cchc_report_lang(r), tmp, sizeof tmp);
    int indent = 0;
    if (c->flags & CCHC_COLF_INDENT && depth_col >= 0) {
        const char *d = cchc_section_cell(s, row, (size_t)depth_col);
        indent = d ? atoi(d) * 2 : 0;
        if (indent > 40)
            indent = 40;
    }
    if (indent == 0 && text != tmp)
        return text; /* raw or a static label: no copy needed */
    size_t n = strlen(text);
    if ((size_t)indent + n + 1 > len)
        n = len - (size_t)indent - 1; /* len > 40: the indent always fits */
    memset(buf, ' ', (size_t)indent);
    memcpy(buf + indent, text, n);
    buf[(size_t)indent + n] = '\0';
    return buf;
}

/* One output line, built whole so that trailing blanks can be cut. */
typedef struct {
    char *p;
    size_t n, cap;
    bool failed;
} line_t;

static void line_add(line_t *l, const char *text, size_t n)
{
    if (l->failed)
        return;
    if (l->n + n + 1 > l->cap) {
        size_t cap = (l->n + n + 1) * 2;
        char *grown = realloc(l->p, cap);
        if (grown == NULL) {
            l->failed = true;
            return;
        }
        l->p = grown;
        l->cap = cap;
    }
    memcpy(l->p + l->n, text, n);
    l->n += n;
    l->p[l->n] = '\0';
}

/* Adds n copies of the character c (a blank, a rule's dash). */
static void line_repeat(line_t *l, char c, size_t n)
{
    char run[64];
    memset(run, c, sizeof run);
    while (n > 0) {
        size_t k = n < sizeof run ? n : sizeof run;
        line_add(l, run, k);
        n -= k;
    }
}

static void line_spaces(line_t *l, size_t n)
{
    line_repeat(l, ' ', n);
}

/* Adds text (w display columns) padded to width columns, on the right or the left. */
static void line_padded(line_t *l, const char *text, size_t w, size_t width, bool right)
{
    size_t pad = w < width ? width - w : 0;
    if (right)
        line_spaces(l, pad);
    line_add(l, text, strlen(text));
    if (!right)
        line_spaces(l, pad);
}

/* Writes the line without its trailing blanks and empties it. */
static int line_flush(line_t *l, FILE *out)
{
    if (l->failed)
        return -1;
    while (l->n > 0 && l->p[l->n - 1] == ' ')
        l->n--;
    if (l->n > 0)
        fwrite(l->p, 1, l->n, out);
    putc('\n', out);
    l->n = 0;
    return 0;
}

static int write_section(const cchc_report_t *r, const cchc_section_t *s, FILE *out)
{
    size_t ncols = cchc_section_ncols(s), nrows = cchc_section_nrows(s);
    int depth_col = cchc_section_depth_col(s);
    size_t *width = calloc(ncols, sizeof *width);
    /* each cell's display width, measured once (nrows * ncols; hidden columns unused) */
    unsigned short *cw = nrows ? malloc(nrows * ncols * sizeof *cw) : NULL;
    /* cell texts can be long (a plan's sentence): a heap buffer per cell */
    size_t buflen = 4096;
    char *buf = malloc(buflen);
    if (width == NULL || buf == NULL || (nrows && cw == NULL)) {
        free(width);
        free(cw);
        free(buf);
        return -1;
    }
    bool marks = false;
    for (size_t row = 0; row < nrows; row++)
        marks |= cchc_section_row_mark(s, row) == CCHC_MARK_BAD;
    for (size_t c = 0; c < ncols; c++) {
        const cchc_column_t *col = cchc_section_column(s, c);
        if (col->flags & CCHC_COLF_TABLE_HIDE)
            continue;
        width[c] = cchc_fmt_width(col->header);
        for (size_t row = 0; row < nrows; row++) {
            size_t w = cchc_fmt_width(cell_text(r, s, row, c, depth_col, buf, buflen));
            cw[row * ncols + c] = w > 0xFFFF ? 0xFFFF : (unsigned short)w;
            if (w > width[c])
                width[c] = w;
        }
    }

    fprintf(out, "%s\n", cchc_section_title(s));
    line_t line = {0};
    int rc = 0;
    /* header, then a rule under each column, then the rows */
    for (size_t row = 0; row < nrows + 2 && rc == 0; row++) {
        bool head = row == 0, rule = row == 1;
        size_t data = row - 2;
        if (marks)
            line_add(&line, head ? " " : rule ? "-"
                            : cchc_section_row_mark(s, data) == CCHC_MARK_BAD ? "!" : " ", 1);
        bool first = !marks;
        for (size_t c = 0; c < ncols; c++) {
            const cchc_column_t *col = cchc_section_column(s, c);
            if (col->flags & CCHC_COLF_TABLE_HIDE)
                continue;
            if (!first)
                line_add(&line, COL_GAP, strlen(COL_GAP));
            first = false;
            if (rule) {
                line_repeat(&line, '-', width[c]);
            } else {
                const char *text = head ? col->header : cell_text(r, s, data, c, depth_col, buf, buflen);
                size_t w = head || cw[data * ncols + c] == 0xFFFF ? cchc_fmt_width(text)
                                                                  : cw[data * ncols + c];
                line_padded(&line, text, w, width[c], is_numeric(col->type));
            }
        }
        rc = line_flush(&line, out);
    }
    free(line.p);
    if (nrows == 0)
        fprintf(out, "%s\n", CCHC_TR(cchc_report_lang(r), "(không có dòng nào)", "(no rows)"));
    free(width);
    free(cw);
    free(buf);
    return rc;
}

int cchc_write_table(const cchc_report_t *r, FILE *out)
{
    fprintf(out, "%s\n\n", cchc_report_title(r));
    for (size_t i = 0; i < cchc_report_section_count(r); i++) {
        if (write_section(r, cchc_report_section(r, i), out) != 0)
            return -1;
        putc('\n', out);
    }
    for (size_t i = 0; i < cchc_report_note_count(r); i++)
        fprintf(out, "%s\n", cchc_report_note(r, i));
    return ferror(out) ? -1 : 0;
}
