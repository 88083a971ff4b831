/* The in-memory report every writer renders: sections of typed columns and rows of text cells. */
#include "model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The cells' texts live in chunks of one arena per section (a national summary has
 * ~1.6 million cells: one malloc and free each cost more than formatting them). */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk_t;

#define CHUNK_SIZE (256 * 1024)

struct cchc_section {
    char *key, *title, *sheet;
    cchc_column_t *cols;
    size_t ncols;
    char **cells; /* nrows * ncols, row-major; NULL = no data; texts in the arena */
    cchc_mark_t *marks;
    size_t nrows, cap;
    chunk_t *arena;
};

struct cchc_report {
    char *name, *period, *version, *title, *generated_at;
    cchc_lang_t lang;
    cchc_section_t **sections;
    size_t nsections;
    char **notes;
    size_t nnotes;
};

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

cchc_report_t *cchc_report_new(const char *name, const char *period, const char *version,
                               const char *title, const char *generated_at, cchc_lang_t lang)
{
    cchc_report_t *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->name = dup_or_empty(name);
    r->period = dup_or_empty(period);
    r->version = dup_or_empty(version);
    r->title = dup_or_empty(title);
    r->generated_at = dup_or_empty(generated_at);
    r->lang = lang;
    if (!r->name || !r->period || !r->version || !r->title || !r->generated_at)
        cchc_report_destroy(&r);
    return r;
}

static void section_free(cchc_section_t *s)
{
    if (s == NULL)
        return;
    while (s->arena) {
        chunk_t *next = s->arena->next;
        free(s->arena);
        s->arena = next;
    }
    free(s->cells);
    free(s->marks);
    free(s->cols);
    free(s->key);
    free(s->title);
    free(s->sheet);
    free(s);
}

void cchc_report_destroy(cchc_report_t **rp)
{
    if (rp == NULL || *rp == NULL)
        return;
    cchc_report_t *r = *rp;
    for (size_t i = 0; i < r->nsections; i++)
        section_free(r->sections[i]);
    free(r->sections);
    for (size_t i = 0; i < r->nnotes; i++)
        free(r->notes[i]);
    free(r->notes);
    free(r->name);
    free(r->period);
    free(r->version);
    free(r->title);
    free(r->generated_at);
    free(r);
    *rp = NULL;
}

const char *cchc_report_name(const cchc_report_t *r) { return r->name; }
const char *cchc_report_period(const cchc_report_t *r) { return r->period; }
const char *cchc_report_version(const cchc_report_t *r) { return r->version; }
const char *cchc_report_title(const cchc_report_t *r) { return r->title; }
const char *cchc_report_generated_at(const cchc_report_t *r) { return r->generated_at; }
cchc_lang_t cchc_report_lang(const cchc_report_t *r) { return r->lang; }

cchc_section_t *cchc_report_add_section(cchc_report_t *r, const char *key, const char *title,
                                        const char *sheet)
{
    cchc_section_t **grown = realloc(r->sections, (r->nsections + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    r->sections = grown;
    cchc_section_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->key = dup_or_empty(key);
    s->title = dup_or_empty(title);
    s->sheet = dup_or_empty(sheet);
    if (!s->key || !s->title || !s->sheet) {
        section_free(s);
        return NULL;
    }
    r->sections[r->nsections++] = s;
    return s;
}

size_t cchc_report_section_count(const cchc_report_t *r) { return r->nsections; }

const cchc_section_t *cchc_report_section(const cchc_report_t *r, size_t i)
{
    return i < r->nsections ? r->sections[i] : NULL;
}

int cchc_report_add_note(cchc_report_t *r, const char *text)
{
    char **grown = realloc(r->notes, (r->nnotes + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    r->notes = grown;
    if ((r->notes[r->nnotes] = strdup(text)) == NULL)
        return -1;
    r->nnotes++;
    return 0;
}

size_t cchc_report_note_count(const cchc_report_t *r) { return r->nnotes; }
const char *cchc_report_note(const cchc_report_t *r, size_t i) { return r->notes[i]; }

int cchc_section_add_column(cchc_section_t *s, const cchc_column_t *col)
{
    if (s->nrows > 0)
        return -1; /* the row layout is fixed once rows exist */
    cchc_column_t *grown = realloc(s->cols, (s->ncols + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    s->cols = grown;
    s->cols[s->ncols] = *col;
    return (int)s->ncols++;
}

long cchc_section_add_row(cchc_section_t *s)
{
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **cells = realloc(s->cells, cap * s->ncols * sizeof *cells);
        if (cells == NULL)
            return -1;
        s->cells = cells;
        cchc_mark_t *marks = realloc(s->marks, cap * sizeof *marks);
        if (marks == NULL)
            return -1;
        s->marks = marks;
        s->cap = cap;
    }
    for (size_t c = 0; c < s->ncols; c++)
        s->cells[s->nrows * s->ncols + c] = NULL;
    s->marks[s->nrows] = CCHC_MARK_NONE;
    return (long)s->nrows++;
}

int cchc_section_set(cchc_section_t *s, size_t row, size_t col, const char *text)
{
    char **cell = &s->cells[row * s->ncols + col];
    if (text == NULL) {
        *cell = NULL; /* a text it replaces stays in the arena until the section goes */
        return 0;
    }
    size_t n = strlen(text) + 1;
    if (s->arena == NULL || s->arena->cap - s->arena->used < n) {
        size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        chunk_t *c = malloc(sizeof *c + cap);
        if (c == NULL)
            return -1;
        c->next = s->arena;
        c->used = 0;
        c->cap = cap;
        s->arena = c;
    }
    char *copy = s->arena->data + s->arena->used;
    memcpy(copy, text, n);
    s->arena->used += n;
    *cell = copy;
    return 0;
}

void cchc_section_mark(cchc_section_t *s, size_t row, cchc_mark_t mark)
{
    /* the strongest mark wins */
    if (mark == CCHC_MARK_BAD || s->marks[row] == CCHC_MARK_NONE)
        s->marks[row] = mark;
}

const char *cchc_section_key(const cchc_section_t *s) { return s->key; }
const char *cchc_section_title(const cchc_section_t *s) { return s->title; }
const char *cchc_section_sheet(const cchc_section_t *s) { return s->sheet; }
size_t cchc_section_ncols(const cchc_section_t *s) { return s->ncols; }
size_t cchc_section_nrows(const cchc_section_t *s) { return s->nrows; }
const cchc_column_t *cchc_section_column(const cchc_section_t *s, size_t col) { return &s->cols[col]; }

const char *cchc_section_cell(const cchc_section_t *s, size_t row, size_t col)
{
    return s->cells[row * s->ncols + col];
}

cchc_mark_t cchc_section_row_mark(const cchc_section_t *s, size_t row) { return s->marks[row]; }

int cchc_section_depth_col(const cchc_section_t *s)
{
    for (size_t c = 0; c < s->ncols; c++)
        if (s->cols[c].flags & CCHC_COLF_DEPTH)
            return (int)c;
    return -1;
}

const char *cchc_label_find(const cchc_label_t *labels, const char *code)
{
    for (const cchc_label_t *l = labels; l && l->code; l++)
        if (strcmp(l->code, code) == 0)
            return l->label;
    return NULL;
}

const char *cchc_cell_display(const cchc_column_t *col, const char *raw, cchc_style_t style,
                              cchc_lang_t lang, char *out, size_t len)
{
    if (raw == NULL)
        return "";
    bool table = style == CCHC_STYLE_TABLE;
    cchc_numfmt_t nf = {
        .point = table && lang == CCHC_LANG_VI ? ',' : '.',
        .group = !table ? "" : lang == CCHC_LANG_VI ? "." : ",",
        .plus = (col->flags & CCHC_COLF_SIGNED) != 0,
    };
    switch (col->type) {
    case CCHC_COL_INT:
        return cchc_fmt_decimal(raw, 0, &nf, out, len) == 0 ? out : raw;
    case CCHC_COL_DECIMAL:
        return cchc_fmt_decimal(raw, col->decimals, &nf, out, len) == 0 ? out : raw;
    case CCHC_COL_PCT:
        return cchc_fmt_decimal(raw, 2, &nf, out, len) == 0 ? out : raw;
    case CCHC_COL_BOOL:
    case CCHC_COL_ENUM: {
        const char *l = cchc_label_find(col->labels, raw);
        return l ? l : raw;
    }
    case CCHC_COL_TIME: {
        cchc_time_t t;
        if (cchc_fmt_time_parse(raw, &t) != 0)
            return raw;
        return table ? cchc_fmt_time_short(&t, out, len) : cchc_fmt_time_iso(&t, out, len);
    }
    case CCHC_COL_TEXT:
    case CCHC_COL_CODE:
    case CCHC_COL_DATE:
        break;
    }
    return raw;
}
