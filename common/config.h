/* Declarative configuration: one table per daemon drives INI parsing, command-line
 * overrides, bounds checks, --help and the example file, so they cannot disagree. */
#ifndef CCHC_CONFIG_H
#define CCHC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    CCHC_CFG_STRING,   /* char * (heap, owned by the config object; "" when unset) */
    CCHC_CFG_INT,      /* int64_t, bounded by min..max */
    CCHC_CFG_BOOL,     /* bool: true/false, yes/no, on/off, 1/0 */
    CCHC_CFG_DURATION, /* int64_t milliseconds; text "250ms", "5s", "2m", "1h", "1d" or a bare
                        * number of seconds; bounded by min..max (milliseconds) */
} cchc_cfg_type_t;

typedef struct {
    const char *section; /* INI section, e.g. "collector" */
    const char *key;     /* key in that section, e.g. "batch_size" */
    cchc_cfg_type_t type;
    size_t offset;       /* offsetof(the daemon's config struct, field) */
    const char *def;     /* default as text (parsed like a file value); NULL = "" / 0 / false */
    int64_t min, max;    /* bounds for INT and DURATION (both 0 = unbounded) */
    const char *help;    /* one or more sentences for --help and the example file */
} cchc_cfg_entry_t;

/* The table ends with an entry whose section is NULL. */
#define CCHC_CFG_END {NULL, NULL, CCHC_CFG_STRING, 0, NULL, 0, 0, NULL}

/* Called for a key in a section that the table does not name (e.g. "[source.tickets]").
 * Return 0 to accept it, -1 to refuse it with a message in err. */
typedef int (*cchc_cfg_extra_fn)(void *ctx, const char *section, const char *key,
                                 const char *value, char *err, size_t errlen);

/* Sets every field of obj to its default. Returns 0, or -1 with err (a bad default is a bug). */
int cchc_config_defaults(const cchc_cfg_entry_t *table, void *obj, char *err, size_t errlen);

/* Reads an INI file over obj (defaults should be set first). Unknown keys in known
 * sections, unknown sections (unless extra accepts them), values that do not parse and
 * values out of bounds are errors: -1 with err as "FILE:LINE: [section] key: what is
 * wrong (what is expected)". A missing or unreadable file: -1 with the file name and
 * strerror. extra may be NULL. */
int cchc_config_load_file(const cchc_cfg_entry_t *table, void *obj, const char *path,
                          cchc_cfg_extra_fn extra, void *extra_ctx, char *err, size_t errlen);

/* Sets one setting named "section.key" from text, with the same checks as the file.
 * Returns 0, or -1 with err naming the setting. */
int cchc_config_set(const cchc_cfg_entry_t *table, void *obj, const char *name, const char *value,
                    char *err, size_t errlen);

/* Applies command-line overrides: every argument "--section.key=value" or the pair
 * "--section.key" "value" whose name is in the table is applied and removed from
 * argv (argc is updated); other arguments are left in order. Returns 0, or -1 with err. */
int cchc_config_apply_args(const cchc_cfg_entry_t *table, void *obj, int *argc, char **argv,
                           char *err, size_t errlen);

/* Prints one block per setting: "  --section.key=VALUE  (default: ...; min..max)\n      help". */
void cchc_config_print_help(const cchc_cfg_entry_t *table, FILE *out);

/* Prints a commented example INI file holding every setting at its default. */
void cchc_config_print_example(const cchc_cfg_entry_t *table, FILE *out);

/* Frees the STRING fields of obj (sets them to NULL); obj itself is the caller's. */
void cchc_config_free(const cchc_cfg_entry_t *table, void *obj);

/* Overwrites in place the value of every "password=VALUE" inside arg (a libpq
 * connection string given on the command line) with 'x', so that ps and
 * /proc/PID/cmdline do not show it. Call after the argument has been read. */
void cchc_config_scrub_secret_arg(char *arg);

/* Parses a duration text as above into milliseconds. Returns 0 or -1. */
int cchc_parse_duration_ms(const char *text, int64_t *out_ms);

#endif
