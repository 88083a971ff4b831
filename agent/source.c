/* Agent sources: the figure set, the table of source types, and the parsers of what sources give. */
#include "source.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "util.h"

/* One per source file. */
extern const cchc_source_type_t cchc_source_exec;
extern const cchc_source_type_t cchc_source_file;

static const cchc_source_type_t *const source_types[] = {
    &cchc_source_exec,
    &cchc_source_file,
};

/* Most indicators one input may give. The catalogue has a few dozen and a report
 * carries at most 512; the bound keeps a runaway file from costing quadratic time. */
#define PARSE_MAX_FIGURES 4096

const cchc_source_type_t *cchc_source_type_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof source_types / sizeof source_types[0]; i++)
        if (strcmp(source_types[i]->name, name) == 0)
            return source_types[i];
    return NULL;
}

int cchc_figures_set(cchc_figures_t *f, const char *code, int64_t value)
{
    size_t len = code ? strnlen(code, CCHC_CODE_MAX + 1) : 0;
    if (len == 0 || len > CCHC_CODE_MAX)
        return -1;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->items[i].code, code) == 0) {
            f->items[i].value = value;
            return 0;
        }
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof *f->items)
            return -1;
        cchc_figure_t *items = realloc(f->items, cap * sizeof *items);
        if (!items)
            return -1;
        f->items = items;
        f->cap = cap;
    }
    memcpy(f->items[f->n].code, code, len + 1);
    f->items[f->n].value = value;
    f->n++;
    return 0;
}

void cchc_figures_free(cchc_figures_t *f)
{
    if (!f)
        return;
    free(f->items);
    f->items = NULL;
    f->n = f->cap = 0;
}

/* ---- parsers ------------------------------------------------------------------
 * Inputs come from other programs and from files people edit, and are fuzzed: the
 * parsers look only at buf[0..len), never expect a NUL, and refuse one. */

/* Copies at most 32 bytes of s[0..n) into out (at least 40 bytes) for an error
 * message, with bytes that are not printable ASCII shown as '?': the message ends
 * up in a log line and on a terminal. */
static const char *excerpt(char *out, const char *s, size_t n)
{
    size_t k = n > 32 ? 32 : n;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    strcpy(out + k, n > k ? "..." : "");
    return out;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s))
        (*s)++;
    while (*e > *s && is_blank((*e)[-1]))
        (*e)--;
}

static bool is_code_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

/* Decimal with an optional sign, range-checked by hand (no strtoll: the text is not
 * NUL-terminated). Returns 0, -1 if it is not a number, -2 if it overflows int64. */
static int parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (i == n)
        return -1;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return -2;
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return 0;
}

/* What one input gives. It is merged into the caller's set only once all of it has
 * parsed, so a bad line never leaves half a source behind. */
typedef struct {
    cchc_figures_t fig;
    size_t *lines; /* lines[i]: the line fig.items[i] was given on */
    size_t lines_cap;
} parse_t;

static void parse_free(parse_t *ps)
{
    cchc_figures_free(&ps->fig);
    free(ps->lines);
}

static int parse_add(parse_t *ps, size_t line, const char *code, size_t codelen, const char *val,
                     size_t vallen, char *err, size_t errlen)
{
    char shown[48];
    if (codelen == 0) {
        cchc_errf(err, errlen, "line %zu: no indicator code (an indicator code before the value expected)",
             line);
        return -1;
    }
    if (codelen > CCHC_CODE_MAX) {
        cchc_errf(err, errlen, "line %zu: indicator code \"%s\" is %zu characters long (at most %d expected)",
             line, excerpt(shown, code, codelen), codelen, CCHC_CODE_MAX);
        return -1;
    }
    for (size_t i = 0; i < codelen; i++) {
        if (!is_code_char(code[i])) {
            cchc_errf(err, errlen,
                 "line %zu: indicator code \"%s\" has a character that is not allowed at position "
                 "%zu (letters, digits, '_', '.' or '-' expected)",
                 line, excerpt(shown, code, codelen), i + 1);
            return -1;
        }
    }
    char name[CCHC_CODE_MAX + 1];
    memcpy(name, code, codelen);
    name[codelen] = '\0';

    if (vallen == 0) {
        cchc_errf(err, errlen, "line %zu: indicator %s has no value (a whole number expected)", line,
             name);
        return -1;
    }
    int64_t value = 0;
    int rc = parse_int64(val, vallen, &value);
    if (rc == -1) {
        cchc_errf(err, errlen,
             "line %zu: value \"%s\" of %s is not a whole number (decimal digits with an optional "
             "sign expected)",
             line, excerpt(shown, val, vallen), name);
        return -1;
    }
    if (rc == -2) {
        cchc_errf(err, errlen,
             "line %zu: value \"%s\" of %s is out of range (a whole number from "
             "-9223372036854775808 to 9223372036854775807 expected)",
             line, excerpt(shown, val, vallen), name);
        return -1;
    }

    for (size_t i = 0; i < ps->fig.n; i++) {
        if (strcmp(ps->fig.items[i].code, name) == 0) {
            cchc_errf(err, errlen, "line %zu: indicator %s given twice (first on line %zu)", line, name,
                 ps->lines[i]);
            return -1;
        }
    }
    if (ps->fig.n >= PARSE_MAX_FIGURES) {
        cchc_errf(err, errlen, "line %zu: more than %d indicators (at most %d in one source expected)",
             line, PARSE_MAX_FIGURES, PARSE_MAX_FIGURES);
        return -1;
    }
    size_t idx = ps->fig.n;
    if (idx == ps->lines_cap) {
        size_t cap = ps->lines_cap ? ps->lines_cap * 2 : 16;
        size_t *lines = realloc(ps->lines, cap * sizeof *lines);
        if (!lines)
            goto oom;
        ps->lines = lines;
        ps->lines_cap = cap;
    }
    if (cchc_figures_set(&ps->fig, name, value) < 0)
        goto oom;
    ps->lines[idx] = line;
    return 0;

oom:
    cchc_errf(err, errlen, "line %zu: out of memory", line);
    return -1;
}

static int parse_merge(parse_t *ps, cchc_figures_t *out, char *err, size_t errlen)
{
    for (size_t i = 0; i < ps->fig.n; i++) {
        if (cchc_figures_set(out, ps->fig.items[i].code, ps->fig.items[i].value) < 0) {
            cchc_errf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Walks an input line by line. */
typedef struct {
    const char *p, *end;
    size_t line; /* number of the line last returned, from 1 */
} lines_t;

static void lines_init(lines_t *L, const char *buf, size_t len)
{
    static const char empty[1] = "";
    L->p = buf ? buf : empty;
    L->end = L->p + (buf ? len : 0);
    L->line = 0;
    /* Spreadsheets and Windows editors start UTF-8 files with a byte order mark. */
    if (L->end - L->p >= 3 && memcmp(L->p, "\xEF\xBB\xBF", 3) == 0)
        L->p += 3;
}

/* The next line as [*s, *e), without its LF or CRLF. Returns 1, 0 at the end of the
 * input, or -1 with err for a NUL byte. */
static int lines_next(lines_t *L, const char **s, const char **e, char *err, size_t errlen)
{
    if (L->p >= L->end)
        return 0;
    L->line++;
    const char *nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
    const char *le = nl ? nl : L->end;
    const char *nul = memchr(L->p, '\0', (size_t)(le - L->p));
    if (nul) {
        cchc_errf(err, errlen, "line %zu: NUL byte at column %zu (text expected)", L->line,
             (size_t)(nul - L->p) + 1);
        return -1;
    }
    *s = L->p;
    *e = le;
    if (*e > *s && (*e)[-1] == '\r')
        (*e)--;
    L->p = nl ? nl + 1 : L->end;
    return 1;
}

int cchc_parse_command_output(const char *buf, size_t len, cchc_figures_t *out, char *err,
                              size_t errlen)
{
    parse_t ps = {0};
    lines_t L;
    const char *s, *e;
    int rc;
    lines_init(&L, buf, len);
    while ((rc = lines_next(&L, &s, &e, err, errlen)) > 0) {
        trim(&s, &e);
        if (s == e || *s == '#')
            continue;
        const char *code = s;
        while (s < e && !is_blank(*s))
            s++;
        size_t codelen = (size_t)(s - code);
        trim(&s, &e);
        const char *val = s;
        while (s < e && !is_blank(*s))
            s++;
        size_t vallen = (size_t)(s - val);
        if (s < e) {
            char shown[48];
            cchc_errf(err, errlen, "line %zu: more than two fields: \"%s\" (\"indicator value\" expected)",
                 L.line, excerpt(shown, code, (size_t)(e - code)));
            rc = -1;
            break;
        }
        if (parse_add(&ps, L.line, code, codelen, val, vallen, err, errlen) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0)
        rc = parse_merge(&ps, out, err, errlen);
    parse_free(&ps);
    return rc;
}

static int parse_kv(const char *buf, size_t len, cchc_figures_t *out, char *err, size_t errlen)
{
    parse_t ps = {0};
    lines_t L;
    const char *s, *e;
    int rc;
    lines_init(&L, buf, len);
    while ((rc = lines_next(&L, &s, &e, err, errlen)) > 0) {
        trim(&s, &e);
        if (s == e || *s == '#')
            continue;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq) {
            char shown[48];
            cchc_errf(err, errlen, "line %zu: no '=' in \"%s\" (indicator=value expected)", L.line,
                 excerpt(shown, s, (size_t)(e - s)));
            rc = -1;
            break;
        }
        const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
        trim(&ks, &ke);
        trim(&vs, &ve);
        if (parse_add(&ps, L.line, ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), err, errlen) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0)
        rc = parse_merge(&ps, out, err, errlen);
    parse_free(&ps);
    return rc;
}

/* A CSV field as it appears in the input, quotes removed but "" left doubled:
 * a '"' can be neither in a code nor in a number, so the doubled form is refused
 * just the same, and the parser needs no buffer. */
typedef struct {
    const char *s;
    size_t len;
    bool quoted;
} csv_field_t;

/* The 1-based column of at on its line, for an error message. */
static size_t column_of(const char *start, const char *at)
{
    const char *nl = memrchr(start, '\n', (size_t)(at - start));
    return (size_t)(at - (nl ? nl + 1 : start)) + 1;
}

static bool field_is(const csv_field_t *f, const char *word)
{
    return f->len == strlen(word) && strncasecmp(f->s, word, f->len) == 0;
}

/* RFC 4180 with what spreadsheets add: a BOM, CRLF or LF, blank rows, rows of empty
 * fields and empty trailing fields, spaces around fields; plus '#' comment lines,
 * as in the other formats. */
static int parse_csv(const char *buf, size_t len, cchc_figures_t *out, char *err, size_t errlen)
{
    parse_t ps = {0};
    lines_t L;
    lines_init(&L, buf, len);
    const char *p = L.p, *end = L.end;
    size_t line = 1; /* the line p is on */
    bool first_row = true;
    int rc = 0;

    while (p < end && rc == 0) {
        size_t row_line = line;
        if (*p == '#') {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *le = nl ? nl : end;
            const char *nul = memchr(p, '\0', (size_t)(le - p));
            if (nul) {
                cchc_errf(err, errlen, "line %zu: NUL byte at column %zu (text expected)", line,
                     (size_t)(nul - p) + 1);
                rc = -1;
                break;
            }
            p = nl ? nl + 1 : end;
            line++;
            continue;
        }

        csv_field_t f[2] = {{0}};
        size_t nf = 0, nonempty_extra = 0;
        bool row_done = false;
        while (!row_done) {
            csv_field_t cur = {0};
            while (p < end && is_blank(*p))
                p++;
            if (p < end && *p == '"') {
                size_t open_line = line;
                const char *s = ++p;
                for (;;) {
                    if (p >= end) {
                        cchc_errf(err, errlen,
                             "line %zu: quoted field not closed (a closing '\"' expected)",
                             open_line);
                        rc = -1;
                        break;
                    }
                    if (*p == '\0') {
                        cchc_errf(err, errlen, "line %zu: NUL byte at column %zu (text expected)", line,
                             column_of(L.p, p));
                        rc = -1;
                        break;
                    }
                    if (*p == '\n')
                        line++;
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            p += 2;
                            continue;
                        }
                        break;
                    }
                    p++;
                }
                if (rc < 0)
                    break;
                cur.s = s;
                cur.len = (size_t)(p - s);
                cur.quoted = true;
                p++; /* the closing quote */
                while (p < end && is_blank(*p))
                    p++;
                if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n'))
                    p++;
                if (p < end && *p == '\0') {
                    cchc_errf(err, errlen, "line %zu: NUL byte at column %zu (text expected)", line,
                         column_of(L.p, p));
                    rc = -1;
                    break;
                }
                if (p < end && *p != ',' && *p != '\n') {
                    cchc_errf(err, errlen,
                         "line %zu: text after a closing quote (',' or the end of the line expected)",
                         line);
                    rc = -1;
                    break;
                }
            } else {
                const char *s = p;
                while (p < end && *p != ',' && *p != '\n') {
                    if (*p == '\0') {
                        cchc_errf(err, errlen, "line %zu: NUL byte at column %zu (text expected)", line,
                         column_of(L.p, p));
                        rc = -1;
                        break;
                    }
                    p++;
                }
                if (rc < 0)
                    break;
                const char *e = p;
                if (e > s && e[-1] == '\r' && (p == end || *p == '\n'))
                    e--;
                trim(&s, &e);
                cur.s = s;
                cur.len = (size_t)(e - s);
            }
            if (nf < 2)
                f[nf] = cur;
            else if (cur.len > 0 || cur.quoted)
                nonempty_extra++;
            nf++;
            if (p >= end) {
                row_done = true;
            } else if (*p == '\n') {
                p++;
                line++;
                row_done = true;
            } else {
                p++; /* ',' */
            }
        }
        if (rc < 0)
            break;

        bool all_empty = nonempty_extra == 0 && f[0].len == 0 && !f[0].quoted &&
                         (nf < 2 || (f[1].len == 0 && !f[1].quoted));
        if (all_empty)
            continue;
        if (first_row) {
            first_row = false;
            if (nf >= 2 && nonempty_extra == 0 && field_is(&f[0], "indicator") &&
                field_is(&f[1], "value"))
                continue;
        }
        if (nf < 2 || nonempty_extra > 0) {
            size_t shown_n = nf < 2 ? nf : 2 + nonempty_extra;
            cchc_errf(err, errlen, "line %zu: %zu field%s (2 expected: indicator,value)", row_line,
                 shown_n, shown_n == 1 ? "" : "s");
            rc = -1;
            break;
        }
        if (parse_add(&ps, row_line, f[0].s, f[0].len, f[1].s, f[1].len, err, errlen) < 0)
            rc = -1;
    }
    if (rc == 0)
        rc = parse_merge(&ps, out, err, errlen);
    parse_free(&ps);
    return rc;
}

int cchc_parse_export_file(const char *buf, size_t len, const char *format, cchc_figures_t *out,
                           char *err, size_t errlen)
{
    if (format && strcmp(format, "csv") == 0)
        return parse_csv(buf, len, out, err, errlen);
    if (format && strcmp(format, "kv") == 0)
        return parse_kv(buf, len, out, err, errlen);
    cchc_errf(err, errlen, "format \"%s\" unknown (csv or kv expected)", format ? format : "");
    return -1;
}
