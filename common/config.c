/* Declarative configuration: INI files (inih), --section.key overrides, --help and the example file. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define WRAP_WIDTH 78
#define HELP_INDENT "      "
/* inih copies a section name into a 50-byte buffer and silently cuts a longer one. */
#define INIH_MAX_SECTION 49
#define MSG_MAX 512

/* ---- small helpers ------------------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void *field_of(void *obj, const cchc_cfg_entry_t *e)
{
    return (char *)obj + e->offset;
}

static bool has_bounds(const cchc_cfg_entry_t *e)
{
    return e->min != 0 || e->max != 0;
}

/* The text a NULL default stands for, so a NULL default goes through the same parser. */
static const char *default_text(const cchc_cfg_entry_t *e)
{
    if (e->def)
        return e->def;
    switch (e->type) {
    case CCHC_CFG_INT:
    case CCHC_CFG_DURATION:
        return "0";
    case CCHC_CFG_BOOL:
        return "false";
    case CCHC_CFG_STRING:
        break;
    }
    return "";
}

static const cchc_cfg_entry_t *find_entry(const cchc_cfg_entry_t *table, const char *section,
                                          const char *key)
{
    for (const cchc_cfg_entry_t *e = table; e->section; e++)
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* Finds the entry whose "section.key" equals name; comparing whole names copes with dots
 * inside a section name. */
static const cchc_cfg_entry_t *find_dotted(const cchc_cfg_entry_t *table, const char *name)
{
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        size_t sl = strlen(e->section);
        if (strncmp(name, e->section, sl) == 0 && name[sl] == '.' && strcmp(name + sl + 1, e->key) == 0)
            return e;
    }
    return NULL;
}

static bool section_known(const cchc_cfg_entry_t *table, const char *section)
{
    for (const cchc_cfg_entry_t *e = table; e->section; e++)
        if (strcmp(e->section, section) == 0)
            return true;
    return false;
}

/* Appends s to buf (NUL-terminated, size len), cutting it if it does not fit. */
static void append(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);

    if (used + 1 < len)
        snprintf(buf + used, len - used, "%s", s);
}

/* "a, b, c": the keys of one section in table order. */
static void list_keys(const cchc_cfg_entry_t *table, const char *section, char *buf, size_t len)
{
    buf[0] = '\0';
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        if (strcmp(e->section, section) != 0)
            continue;
        if (buf[0])
            append(buf, len, ", ");
        append(buf, len, e->key);
    }
}

/* The first entry of e's section, so a section can be handled once, at its first entry. */
static const cchc_cfg_entry_t *section_first(const cchc_cfg_entry_t *table, const cchc_cfg_entry_t *e)
{
    while (strcmp(table->section, e->section) != 0)
        table++;
    return table;
}

/* "agent, collector": each section once, in order of first appearance. */
static void list_sections(const cchc_cfg_entry_t *table, char *buf, size_t len)
{
    buf[0] = '\0';
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        if (section_first(table, e) != e)
            continue;
        if (buf[0])
            append(buf, len, ", ");
        append(buf, len, e->section);
    }
}

/* ---- parsing values ----------------------------------------------------------------- */

/* Reads the decimal digits at *p. Returns 0, -1 if there is no digit, -2 if the number
 * exceeds limit; *p is left after the digits either way. */
static int read_digits(const char **p, uint64_t limit, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    bool over = false;

    if (!isdigit((unsigned char)*s))
        return -1;
    for (; isdigit((unsigned char)*s); s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (over || v > (limit - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    *p = s;
    *out = v;
    return over ? -2 : 0;
}

/* Whole number with an optional sign and nothing else. 0, -1 not a number, -2 overflow. */
static int parse_int(const char *text, int64_t *out)
{
    const char *p = text;
    bool neg = false;
    uint64_t v;
    int rc;

    if (*p == '+' || *p == '-')
        neg = (*p++ == '-');
    rc = read_digits(&p, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, &v);
    if (rc == -1 || *p != '\0')
        return -1;
    if (rc == -2)
        return -2;
    /* -(INT64_MAX + 1) cannot be negated in int64_t, so go through INT64_MIN. */
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return 0;
}

/* 0, -1 not a duration, -2 does not fit in int64_t milliseconds. */
static int parse_duration(const char *text, int64_t *out_ms)
{
    static const struct {
        const char *suffix;
        uint64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"", 1000}};
    const char *p = text;
    uint64_t v;
    int rc;

    if (!text)
        return -1;
    rc = read_digits(&p, (uint64_t)INT64_MAX, &v);
    if (rc == -1)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(p, units[i].suffix) != 0)
            continue;
        if (rc == -2 || v > (uint64_t)INT64_MAX / units[i].ms)
            return -2;
        *out_ms = (int64_t)(v * units[i].ms);
        return 0;
    }
    return -1;
}

int cchc_parse_duration_ms(const char *text, int64_t *out_ms)
{
    int64_t ms;

    if (parse_duration(text, &ms) != 0)
        return -1;
    *out_ms = ms;
    return 0;
}

/* Milliseconds as the largest unit that divides them exactly: 3600000 -> "1h". */
static void format_duration(int64_t ms, char *buf, size_t len)
{
    static const struct {
        const char *suffix;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};

    if (ms == 0) {
        snprintf(buf, len, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ms % units[i].ms == 0) {
            snprintf(buf, len, "%lld%s", (long long)(ms / units[i].ms), units[i].suffix);
            return;
        }
    }
    snprintf(buf, len, "%lldms", (long long)ms);
}

/* "1..100000" or "100ms..1h"; "" when the entry has no bounds. */
static void format_bounds(const cchc_cfg_entry_t *e, char *buf, size_t len)
{
    char lo[32], hi[32];

    buf[0] = '\0';
    if (!has_bounds(e))
        return;
    if (e->type == CCHC_CFG_DURATION) {
        format_duration(e->min, lo, sizeof lo);
        format_duration(e->max, hi, sizeof hi);
    } else {
        snprintf(lo, sizeof lo, "%lld", (long long)e->min);
        snprintf(hi, sizeof hi, "%lld", (long long)e->max);
    }
    snprintf(buf, len, "%s..%s", lo, hi);
}

static int parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Parses text for entry e and stores it in obj; obj is untouched on failure. what gets
 * "what is wrong (what is expected)" without any prefix, so each caller can say where. */
static int set_value(const cchc_cfg_entry_t *e, void *obj, const char *text, char *what, size_t whatlen)
{
    char bounds[80];
    int64_t v = 0;
    int rc;

    format_bounds(e, bounds, sizeof bounds);
    switch (e->type) {
    case CCHC_CFG_STRING: {
        char *copy = strdup(text);
        char **slot = field_of(obj, e);
        if (!copy) {
            set_err(what, whatlen, "out of memory (expected a shorter value)");
            return -1;
        }
        free(*slot);
        *slot = copy;
        return 0;
    }
    case CCHC_CFG_BOOL: {
        bool b;
        if (parse_bool(text, &b) < 0) {
            set_err(what, whatlen, "'%.64s' is not a boolean (expected true/false, yes/no, on/off or 1/0)",
                    text);
            return -1;
        }
        *(bool *)field_of(obj, e) = b;
        return 0;
    }
    case CCHC_CFG_INT:
        rc = parse_int(text, &v);
        if (rc == -1) {
            set_err(what, whatlen, "'%.64s' is not a whole number (expected %s)", text,
                    bounds[0] ? bounds : "digits with an optional sign");
            return -1;
        }
        if (rc == -2) {
            set_err(what, whatlen, "'%.64s' is out of range (expected %s)", text,
                    bounds[0] ? bounds : "-9223372036854775808..9223372036854775807");
            return -1;
        }
        break;
    case CCHC_CFG_DURATION:
        rc = parse_duration(text, &v);
        if (rc == -1) {
            set_err(what, whatlen, "'%.64s' is not a duration (expected %s%sa whole number with ms, s, m, h or d)",
                    text, bounds, bounds[0] ? " as " : "");
            return -1;
        }
        if (rc == -2) {
            set_err(what, whatlen, "'%.64s' is out of range (expected %s)", text,
                    bounds[0] ? bounds : "at most 9223372036854775807ms");
            return -1;
        }
        break;
    }
    if (has_bounds(e) && (v < e->min || v > e->max)) {
        set_err(what, whatlen, "'%.64s' is out of range (expected %s)", text, bounds);
        return -1;
    }
    *(int64_t *)field_of(obj, e) = v;
    return 0;
}

/* ---- defaults and freeing ------------------------------------------------------------ */

/* Contract in config.h. obj is treated as fresh storage: STRING fields are overwritten,
 * not freed (call cchc_config_free first to reset a loaded object). On failure no
 * memory is held and every STRING field is NULL. */
int cchc_config_defaults(const cchc_cfg_entry_t *table, void *obj, char *err, size_t errlen)
{
    char what[MSG_MAX];

    for (const cchc_cfg_entry_t *e = table; e->section; e++)
        if (e->type == CCHC_CFG_STRING)
            *(char **)field_of(obj, e) = NULL;
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        if (set_value(e, obj, default_text(e), what, sizeof what) < 0) {
            set_err(err, errlen, "[%s] %s: default %s", e->section, e->key, what);
            cchc_config_free(table, obj);
            return -1;
        }
    }
    return 0;
}

/* Contract in config.h. Safe to call twice. */
void cchc_config_free(const cchc_cfg_entry_t *table, void *obj)
{
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        if (e->type == CCHC_CFG_STRING) {
            char **slot = field_of(obj, e);
            free(*slot);
            *slot = NULL;
        }
    }
}

/* ---- INI files ----------------------------------------------------------------------- */

/* The packaged inih does not pass line numbers to the handler, so we hand it lines
 * ourselves (ini_parse_stream) and count them: the handler then knows its line, and the
 * reader can reject what inih would misread before inih sees it. */
typedef struct {
    const cchc_cfg_entry_t *table;
    void *obj;
    cchc_cfg_extra_fn extra;
    void *extra_ctx;
    FILE *fp;
    char *buf; /* getline's buffer */
    size_t cap;
    int lineno;    /* line most recently handed to inih, from 1 */
    int err_line;  /* line of the first error we found; 0 = none */
    int read_errno;
    char msg[MSG_MAX]; /* the first error, without "FILE:LINE: " */
} load_t;

static int load_fail(load_t *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error at the current line. Returns 0, which is inih's "stop here". */
static int load_fail(load_t *ld, const char *fmt, ...)
{
    va_list ap;

    if (ld->err_line)
        return 0;
    ld->err_line = ld->lineno;
    va_start(ap, fmt);
    vsnprintf(ld->msg, sizeof ld->msg, fmt, ap);
    va_end(ap);
    return 0;
}

/* Length of s up to an inline comment (";" after whitespace, as inih reads it), with
 * trailing whitespace dropped. */
static size_t content_len(const char *s)
{
    size_t n = 0;
    bool was_space = false;

    while (s[n] && !(was_space && s[n] == ';')) {
        was_space = isspace((unsigned char)s[n]);
        n++;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return n;
}

/* Rejects, with a precise message, lines inih would refuse or misread. Returns 0 or -1. */
static int check_line(load_t *ld, const char *line, size_t n, int max_line)
{
    const char *start = line, *s;
    size_t len;

    if (n >= (size_t)max_line) {
        load_fail(ld, "line is longer than %d characters (expected a shorter line)", max_line - 1);
        return -1;
    }
    if (ld->lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
        start += 3; /* inih skips a UTF-8 byte order mark */
    s = start;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0' || *s == '#' || *s == ';')
        return 0;
    /* inih reads an indented line after a setting as more of that setting's value. */
    if (s > start) {
        load_fail(ld, "indented line (expected settings and [section] lines to start in the first column)");
        return -1;
    }
    len = content_len(s);
    if (*s == '[') {
        const char *close = memchr(s, ']', len);
        if (!close) {
            load_fail(ld, "'%.*s' has no closing ']' (expected [section])", (int)(len > 64 ? 64 : len), s);
            return -1;
        }
        if (close - s - 1 > INIH_MAX_SECTION) {
            load_fail(ld, "section name is longer than %d characters (expected a shorter name)",
                      INIH_MAX_SECTION);
            return -1;
        }
        return 0;
    }
    if (!memchr(s, '=', len) && !memchr(s, ':', len)) {
        load_fail(ld, "'%.*s' is not a setting (expected key = value, [section] or a # comment)",
                  (int)(len > 64 ? 64 : len), s);
        return -1;
    }
    return 0;
}

/* inih's reader: one whole line per call, or NULL to end (end of file or our error). */
static char *load_read_line(char *str, int num, void *stream)
{
    load_t *ld = stream;
    ssize_t n;

    if (ld->err_line || ld->read_errno)
        return NULL;
    errno = 0;
    n = getline(&ld->buf, &ld->cap, ld->fp);
    if (n < 0) {
        if (ferror(ld->fp))
            ld->read_errno = errno ? errno : EIO;
        return NULL;
    }
    ld->lineno++;
    while (n > 0 && (ld->buf[n - 1] == '\n' || ld->buf[n - 1] == '\r'))
        ld->buf[--n] = '\0';
    if (check_line(ld, ld->buf, (size_t)n, num) < 0)
        return NULL;
    memcpy(str, ld->buf, (size_t)n + 1);
    return str;
}

/* inih's handler: 1 to go on, 0 on error (the message is in ld). */
static int load_on_setting(void *user, const char *section, const char *key, const char *value)
{
    load_t *ld = user;
    const cchc_cfg_entry_t *e;
    char what[MSG_MAX];
    char list[MSG_MAX];

    if (ld->err_line)
        return 0;
    if (section[0] == '\0')
        return load_fail(ld, "%s: setting outside any section (expected a [section] line above it)", key);
    if (key[0] == '\0')
        return load_fail(ld, "[%s] (no key): value without a key (expected key = value)", section);
    e = find_entry(ld->table, section, key);
    if (e) {
        /* A setting given twice simply takes the later value. */
        if (set_value(e, ld->obj, value, what, sizeof what) < 0)
            return load_fail(ld, "[%s] %s: %s", section, key, what);
        return 1;
    }
    if (section_known(ld->table, section)) {
        list_keys(ld->table, section, list, sizeof list);
        return load_fail(ld, "[%s] %s: unknown setting (known in [%s]: %s)", section, key, section, list);
    }
    if (ld->extra) {
        what[0] = '\0';
        if (ld->extra(ld->extra_ctx, section, key, value, what, sizeof what) == 0)
            return 1;
        if (what[0])
            return load_fail(ld, "[%s] %s: %s", section, key, what);
    }
    list_sections(ld->table, list, sizeof list);
    return load_fail(ld, "[%s] %s: unknown section (known sections: %s)", section, key, list);
}

/* Contract in config.h. Lines are "key = value" (or "key: value"), "[section]" and
 * comments starting with # or ; (also " ;" after a value). A setting given twice takes
 * the later value. Indented lines are refused, because inih would read one as the
 * continuation of the setting above. Parsing stops at the first error; settings before
 * it have already been applied to obj. */
int cchc_config_load_file(const cchc_cfg_entry_t *table, void *obj, const char *path,
                          cchc_cfg_extra_fn extra, void *extra_ctx, char *err, size_t errlen)
{
    load_t ld = {.table = table, .obj = obj, .extra = extra, .extra_ctx = extra_ctx};
    int rc;

    ld.fp = fopen(path, "r");
    if (!ld.fp) {
        set_err(err, errlen, "cannot read config file '%s': %s", path, strerror(errno));
        return -1;
    }
    rc = ini_parse_stream(load_read_line, &ld, load_on_setting, &ld);
    free(ld.buf);
    fclose(ld.fp);

    if (ld.read_errno) {
        set_err(err, errlen, "cannot read config file '%s': %s", path, strerror(ld.read_errno));
        return -1;
    }
    /* inih keeps going after its own syntax errors, so one may precede ours; check_line
     * should have caught any, this is the safety net. */
    if (rc > 0 && (ld.err_line == 0 || rc < ld.err_line)) {
        set_err(err, errlen, "%s:%d: cannot parse this line (expected key = value, [section] or a # comment)",
                path, rc);
        return -1;
    }
    if (ld.err_line) {
        set_err(err, errlen, "%s:%d: %s", path, ld.err_line, ld.msg);
        return -1;
    }
    if (rc < 0) {
        set_err(err, errlen, "cannot read config file '%s': %s", path, strerror(ENOMEM));
        return -1;
    }
    return 0;
}

/* ---- command line -------------------------------------------------------------------- */

/* Contract in config.h. Errors read "collector.batch_size: 'ten' is not ...". */
int cchc_config_set(const cchc_cfg_entry_t *table, void *obj, const char *name, const char *value,
                    char *err, size_t errlen)
{
    const cchc_cfg_entry_t *e = find_dotted(table, name);
    char what[MSG_MAX];

    if (!e) {
        set_err(err, errlen, "%s: unknown setting (expected section.key as listed by --help)", name);
        return -1;
    }
    if (set_value(e, obj, value, what, sizeof what) < 0) {
        set_err(err, errlen, "%s: %s", name, what);
        return -1;
    }
    return 0;
}

/* Contract in config.h. argv[0] is never looked at; "--" ends the overrides (it and
 * everything after it stay). "--section.key VALUE" refuses a VALUE starting with "--",
 * which is almost always a forgotten value; "--section.key=--x" still works. On failure
 * argv still holds every argument not applied, in order, and argv[*argc] is NULL. */
int cchc_config_apply_args(const cchc_cfg_entry_t *table, void *obj, int *argc, char **argv,
                           char *err, size_t errlen)
{
    int n = *argc, out = 1, i = 1, rc = 0;
    char what[MSG_MAX];
    char name[256];

    while (i < n) {
        const char *arg = argv[i];
        const char *eq, *value;
        const cchc_cfg_entry_t *e;
        size_t nl;
        int used;

        if (strcmp(arg, "--") == 0)
            break;
        if (strncmp(arg, "--", 2) != 0) {
            argv[out++] = argv[i++];
            continue;
        }
        eq = strchr(arg + 2, '=');
        nl = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (nl >= sizeof name) {
            argv[out++] = argv[i++];
            continue;
        }
        memcpy(name, arg + 2, nl);
        name[nl] = '\0';
        e = find_dotted(table, name);
        if (!e) {
            argv[out++] = argv[i++];
            continue;
        }
        if (eq) {
            value = eq + 1;
            used = 1;
        } else if (i + 1 < n && strncmp(argv[i + 1], "--", 2) != 0) {
            value = argv[i + 1];
            used = 2;
        } else {
            set_err(err, errlen, "--%s: missing value (expected --%s=VALUE or --%s VALUE)", name, name, name);
            rc = -1;
            break;
        }
        if (set_value(e, obj, value, what, sizeof what) < 0) {
            set_err(err, errlen, "--%s: %s", name, what);
            rc = -1;
            break;
        }
        i += used;
    }
    while (i < n)
        argv[out++] = argv[i++];
    argv[out] = NULL;
    *argc = out;
    return rc;
}

/* ---- --help and the example file ------------------------------------------------------ */

/* Prints text as words wrapped to WRAP_WIDTH, each line starting with prefix. A word
 * longer than a line gets a line of its own. */
static void print_wrapped(FILE *out, const char *prefix, const char *text)
{
    size_t plen = strlen(prefix);
    size_t col = 0;
    const char *p = text;

    while (*p) {
        size_t wl;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        wl = strcspn(p, " ");
        if (col > 0 && col + 1 + wl > WRAP_WIDTH) {
            fputc('\n', out);
            col = 0;
        }
        if (col == 0) {
            fputs(prefix, out);
            col = plen;
        } else {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, wl, out);
        col += wl;
        p += wl;
    }
    if (col > 0)
        fputc('\n', out);
}

static const char *type_placeholder(cchc_cfg_type_t t)
{
    switch (t) {
    case CCHC_CFG_INT:
        return "NUMBER";
    case CCHC_CFG_BOOL:
        return "BOOL";
    case CCHC_CFG_DURATION:
        return "DURATION";
    case CCHC_CFG_STRING:
        break;
    }
    return "TEXT";
}

/* Contract in config.h. */
void cchc_config_print_help(const cchc_cfg_entry_t *table, FILE *out)
{
    for (const cchc_cfg_entry_t *e = table; e->section; e++) {
        char head[256], tail[256], bounds[80];

        format_bounds(e, bounds, sizeof bounds);
        snprintf(head, sizeof head, "  --%s.%s=%s", e->section, e->key, type_placeholder(e->type));
        snprintf(tail, sizeof tail, "(default: %s%s%s%s%s)", e->type == CCHC_CFG_STRING ? "\"" : "",
                 default_text(e), e->type == CCHC_CFG_STRING ? "\"" : "", bounds[0] ? "; " : "", bounds);
        if (strlen(head) + 2 + strlen(tail) <= WRAP_WIDTH)
            fprintf(out, "%s  %s\n", head, tail);
        else
            fprintf(out, "%s\n" HELP_INDENT "%s\n", head, tail);
        if (e->help)
            print_wrapped(out, HELP_INDENT, e->help);
    }
}

/* Contract in config.h. Sections come out in order of first appearance, each holding
 * all of its settings, so the table need not be sorted. The output is read back by
 * cchc_config_load_file unchanged (tests/unit/test_config.c checks). */
void cchc_config_print_example(const cchc_cfg_entry_t *table, FILE *out)
{
    fputs("# Every setting at its default. Lines starting with # are comments; a setting\n"
          "# given twice takes the later value. Any setting can also be given on the\n"
          "# command line as --section.key=value, which overrides this file.\n",
          out);
    for (const cchc_cfg_entry_t *s = table; s->section; s++) {
        if (section_first(table, s) != s)
            continue; /* this section was printed with its first entry */
        fprintf(out, "\n[%s]\n", s->section);
        for (const cchc_cfg_entry_t *e = s; e->section; e++) {
            char kind[160], bounds[80];
            const char *def = default_text(e);

            if (strcmp(e->section, s->section) != 0)
                continue;
            format_bounds(e, bounds, sizeof bounds);
            switch (e->type) {
            case CCHC_CFG_INT:
                snprintf(kind, sizeof kind, "Whole number%s%s.", bounds[0] ? ", " : "", bounds);
                break;
            case CCHC_CFG_DURATION:
                snprintf(kind, sizeof kind, "Duration (250ms, 5s, 2m, 1h, 1d; a bare number is seconds)%s%s.",
                         bounds[0] ? ", " : "", bounds);
                break;
            case CCHC_CFG_BOOL:
                snprintf(kind, sizeof kind, "true or false.");
                break;
            case CCHC_CFG_STRING:
                snprintf(kind, sizeof kind, "Text.");
                break;
            }
            if (e != s)
                fputc('\n', out);
            if (e->help)
                print_wrapped(out, "# ", e->help);
            print_wrapped(out, "# ", kind);
            fprintf(out, "%s =%s%s\n", e->key, def[0] ? " " : "", def);
        }
    }
}

void cchc_config_scrub_secret_arg(char *arg)
{
    for (char *p = strstr(arg, "password"); p; p = strstr(p, "password")) {
        p += strlen("password");
        while (*p == ' ')
            p++;
        if (*p != '=')
            continue;
        p++;
        while (*p == ' ')
            p++;
        char quote = *p == '\'' ? '\'' : '\0';
        if (quote)
            p++;
        for (; *p && (quote ? *p != quote : *p != ' '); p++)
            *p = 'x';
    }
}
