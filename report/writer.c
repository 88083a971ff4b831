/* Chooses the writer for a format and opens the output: stdout or a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "writer.h"

int cchc_format_parse(const char *text, cchc_format_t *out)
{
    static const char *const names[] = {"table", "csv", "xlsx", "json"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (cchc_format_t)i;
            return 0;
        }
    }
    return -1;
}

char *cchc_writer_sibling_path(const char *path, const char *key)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot == NULL || (slash && dot < slash) || dot == (slash ? slash + 1 : path))
        dot = path + strlen(path); /* no extension: append */
    size_t head = (size_t)(dot - path);
    size_t len = strlen(path) + strlen(key) + 2;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%.*s-%s%s", (int)head, path, key, dot);
    return out;
}

/* Closes f (unless stdout) and reports a write error on it. */
static int finish(FILE *f, const char *name, int rc, char *err, size_t errlen)
{
    int e = errno;
    if (f == stdout) {
        if (fflush(f) != 0 || ferror(f))
            rc = -1, e = errno;
    } else if (fclose(f) != 0) {
        rc = -1, e = errno;
    }
    if (rc != 0)
        snprintf(err, errlen, "cannot write %s: %s", name, strerror(e ? e : EIO));
    return rc;
}

static FILE *open_out(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return f;
}

static int write_csv(const cchc_report_t *r, const char *path, char *err, size_t errlen)
{
    size_t n = cchc_report_section_count(r);
    if (path == NULL) {
        int rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (i > 0)
                fputs("\r\n", stdout);
            rc = cchc_write_csv_section(r, cchc_report_section(r, i), stdout, i == 0);
        }
        return finish(stdout, "the standard output", rc, err, errlen);
    }
    for (size_t i = 0; i < n; i++) {
        const cchc_section_t *s = cchc_report_section(r, i);
        char *name = i == 0 ? strdup(path) : cchc_writer_sibling_path(path, cchc_section_key(s));
        if (name == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        FILE *f = open_out(name, err, errlen);
        int rc = f ? finish(f, name, cchc_write_csv_section(r, s, f, true), err, errlen) : -1;
        free(name);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int cchc_report_write(const cchc_report_t *r, cchc_format_t fmt, const char *path, char *err,
                      size_t errlen)
{
    if (fmt == CCHC_FORMAT_XLSX) {
        if (path == NULL) {
            snprintf(err, errlen, "the xlsx format needs --output FILE");
            return -1;
        }
        return cchc_write_xlsx(r, path, err, errlen);
    }
    if (fmt == CCHC_FORMAT_CSV)
        return write_csv(r, path, err, errlen);
    FILE *f = path ? open_out(path, err, errlen) : stdout;
    if (f == NULL)
        return -1;
    errno = 0;
    int rc = fmt == CCHC_FORMAT_JSON ? cchc_write_json(r, f) : cchc_write_table(r, f);
    return finish(f, path ? path : "the standard output", rc, err, errlen);
}
