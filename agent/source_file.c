/* The "file" source: figures from a file another program exports (CSV or indicator=value). */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

/* An export of a few dozen figures is a few KiB; anything near this is not one. */
#define FILE_MAX (4 * 1024 * 1024)

/* "csv" or "kv" for conf->format, resolving "auto" (or unset) by the extension. */
static const char *file_format(const char *format, const char *path)
{
    if (!format || !format[0] || strcmp(format, "auto") == 0) {
        const char *base = strrchr(path, '/');
        const char *dot = strrchr(base ? base + 1 : path, '.');
        return dot && strcasecmp(dot, ".csv") == 0 ? "csv" : "kv";
    }
    if (strcmp(format, "csv") == 0 || strcmp(format, "kv") == 0)
        return format;
    return NULL;
}

/* Reads all of path into a malloc'd buffer the caller frees. Returns 0, or -1 with
 * err (without the source's name; the caller adds it). */
static int slurp(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    /* O_NONBLOCK: a FIFO put in the file's place must not hang the agent at open. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        cchc_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        cchc_errf(err, errlen, "cannot stat %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        cchc_errf(err, errlen, "%s is not a regular file (an exported file expected)", path);
        close(fd);
        return -1;
    }

    /* Sized by what read() gives, not by st_size: the exporter may be rewriting it. */
    size_t cap = st.st_size > 0 && st.st_size <= FILE_MAX ? (size_t)st.st_size + 1 : 65536;
    char *data = malloc(cap);
    size_t n = 0;
    if (!data)
        goto oom;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap * 2 > FILE_MAX + 1 ? FILE_MAX + 1 : cap * 2;
            char *nd = realloc(data, ncap);
            if (!nd)
                goto oom;
            data = nd;
            cap = ncap;
        }
        ssize_t r = read(fd, data + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            cchc_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > FILE_MAX) {
            cchc_errf(err, errlen, "%s is larger than 4 MiB (an export of at most %d bytes expected)",
                 path, FILE_MAX);
            goto fail;
        }
    }
    close(fd);
    *buf = data;
    *len = n;
    return 0;

oom:
    cchc_errf(err, errlen, "cannot read %s: out of memory", path);
fail:
    free(data);
    close(fd);
    return -1;
}

static int file_read(const cchc_source_conf_t *conf, cchc_figures_t *out, char *err, size_t errlen)
{
    const char *name = conf->name ? conf->name : "(unnamed)";
    if (!conf->path || !conf->path[0]) {
        cchc_errf(err, errlen, "source %s: no path set (path = the exported file expected)", name);
        return -1;
    }
    const char *format = file_format(conf->format, conf->path);
    if (!format) {
        cchc_errf(err, errlen, "source %s: format \"%s\" unknown (csv, kv or auto expected)", name,
             conf->format);
        return -1;
    }

    char msg[512];
    char *buf = NULL;
    size_t len = 0;
    if (slurp(conf->path, &buf, &len, msg, sizeof msg) < 0) {
        cchc_errf(err, errlen, "source %s: %s", name, msg);
        return -1;
    }
    int rc = cchc_parse_export_file(buf, len, format, out, msg, sizeof msg);
    if (rc < 0)
        cchc_errf(err, errlen, "source %s: %s: %s", name, conf->path, msg);
    free(buf);
    return rc;
}

const cchc_source_type_t cchc_source_file = {
    .name = "file",
    .read = file_read,
};
