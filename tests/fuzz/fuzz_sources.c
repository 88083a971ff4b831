/* fuzz_sources: what a site's command or exported file gives the agent, through the
 * command-output parser and the csv and kv export parsers, each on the whole input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every parser promises: on success, figures with valid codes and no repeats;
 * on failure, a message in printable ASCII (it ends up in a log line). */
static void check(const char *which, int rc, const cchc_figures_t *f, const char *err)
{
    if (rc != 0) {
        if (rc != -1 || err[0] == '\0' || !cchc_fuzz_printable(err, strlen(err))) {
            fprintf(stderr, "fuzz_sources: %s: rc %d, bad message \"%s\"\n", which, rc, err);
            abort();
        }
        if (f->n != 0)
            abort(); /* a bad input leaves nothing behind */
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        const char *code = f->items[i].code;
        size_t len = strlen(code);
        if (len == 0 || len > CCHC_CODE_MAX ||
            strspn(code, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len) {
            fprintf(stderr, "fuzz_sources: %s: bad code \"%s\"\n", which, code);
            abort();
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(f->items[j].code, code) == 0)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"csv", "kv"};
    const char *buf = (const char *)data; /* not NUL-terminated: the parsers must not care */
    cchc_figures_t f = {0};
    char err[512];
    int rc;

    err[0] = '\0';
    rc = cchc_parse_command_output(buf, size, &f, err, sizeof err);
    check("command output", rc, &f, err);
    cchc_figures_free(&f);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        err[0] = '\0';
        rc = cchc_parse_export_file(buf, size, formats[i], &f, err, sizeof err);
        check(formats[i], rc, &f, err);
        cchc_figures_free(&f);
    }
    return 0;
}
