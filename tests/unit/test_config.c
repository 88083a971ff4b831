/* Unit tests for common/config.c (the declarative config table) and cchc_log_quote / cchc_log. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"

/* ---- a demo table holding all four types, sections interleaved on purpose ---------- */

typedef struct {
    char *name;
    bool verbose;
    char *spool_path;
    int64_t batch_size;
    int64_t flush_ms;
    int64_t skew;
} demo_t;

#define D(f) offsetof(demo_t, f)

static const cchc_cfg_entry_t demo_table[] = {
    {"agent", "name", CCHC_CFG_STRING, D(name), "lai-chau-01", 0, 0,
     "Name this agent reports under. It appears in the collector's logs and in every "
     "report the agent sends, so keep it stable across restarts and reinstalls."},
    {"collector", "batch_size", CCHC_CFG_INT, D(batch_size), "100", 1, 100000,
     "Most reports written in one transaction."},
    {"agent", "verbose", CCHC_CFG_BOOL, D(verbose), "false", 0, 0, "Log every report sent."},
    {"collector", "flush_interval", CCHC_CFG_DURATION, D(flush_ms), "5s", 100, 3600000,
     "Longest a report waits for its batch to fill."},
    {"agent", "spool_path", CCHC_CFG_STRING, D(spool_path), NULL, 0, 0,
     "Where unsent reports wait. Empty: the working directory."},
    {"collector", "skew", CCHC_CFG_INT, D(skew), "-3", 0, 0, "Clock skew allowed, unbounded."},
    CCHC_CFG_END,
};

/* ---- temporary files ------------------------------------------------------------------ */

static char tmpdir[1024];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/cchc-test-config-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Writes text to tmpdir/name; returns the path in a static buffer (one at a time). */
static const char *write_file(const char *name, const char *text)
{
    static char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    return path;
}

static int demo_setup(void **state)
{
    demo_t *d = calloc(1, sizeof *d);
    char err[256];

    if (!d || cchc_config_defaults(demo_table, d, err, sizeof err) != 0)
        return -1;
    *state = d;
    return 0;
}

static int demo_teardown(void **state)
{
    cchc_config_free(demo_table, *state);
    free(*state);
    return 0;
}

/* ---- defaults, free --------------------------------------------------------------------- */

static void test_defaults(void **state)
{
    demo_t *d = *state;

    assert_string_equal(d->name, "lai-chau-01");
    assert_false(d->verbose);
    assert_non_null(d->spool_path);
    assert_string_equal(d->spool_path, "");
    assert_int_equal(d->batch_size, 100);
    assert_int_equal(d->flush_ms, 5000);
    assert_int_equal(d->skew, -3);
}

static void test_free_twice(void **state)
{
    demo_t *d = *state;

    cchc_config_free(demo_table, d);
    assert_null(d->name);
    assert_null(d->spool_path);
    cchc_config_free(demo_table, d);
    assert_null(d->name);
}

typedef struct {
    char *s;
    int64_t n;
} small_t;

static void test_bad_default(void **state)
{
    const cchc_cfg_entry_t bad_text[] = {
        {"t", "s", CCHC_CFG_STRING, offsetof(small_t, s), "x", 0, 0, NULL},
        {"t", "n", CCHC_CFG_INT, offsetof(small_t, n), "ten", 1, 10, NULL},
        CCHC_CFG_END,
    };
    const cchc_cfg_entry_t bad_null[] = {
        {"t", "n", CCHC_CFG_INT, offsetof(small_t, n), NULL, 1, 10, NULL},
        CCHC_CFG_END,
    };
    small_t o;
    char err[256];

    memset(&o, 0xA5, sizeof o); /* defaults must not free what was there */
    assert_int_equal(cchc_config_defaults(bad_text, &o, err, sizeof err), -1);
    assert_string_equal(err, "[t] n: default 'ten' is not a whole number (expected 1..10)");
    assert_null(o.s); /* nothing held after a failure */

    assert_int_equal(cchc_config_defaults(bad_null, &o, err, sizeof err), -1);
    assert_string_equal(err, "[t] n: default '0' is out of range (expected 1..10)");
}

/* ---- files -------------------------------------------------------------------------------- */

static void test_good_file(void **state)
{
    demo_t *d = *state;
    char err[256] = "";
    const char *path = write_file("good.ini",
                                  "# cchc agent, test file\n"
                                  "; another comment style\n"
                                  "\n"
                                  "[agent]\n"
                                  "name = Sở Nội vụ Lai Châu\n"
                                  "verbose=YES\n"
                                  "spool_path = /var/lib/cchc/spool   ; inline comment\n"
                                  "   # an indented comment is still a comment\n"
                                  "[collector]\n"
                                  "batch_size = 10\n"
                                  "flush_interval = 250ms\n"
                                  "skew: -7\n"
                                  "batch_size = 250\n");

    assert_int_equal(cchc_config_load_file(demo_table, d, path, NULL, NULL, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_string_equal(d->name, "Sở Nội vụ Lai Châu");
    assert_true(d->verbose);
    assert_string_equal(d->spool_path, "/var/lib/cchc/spool");
    assert_int_equal(d->batch_size, 250); /* given twice: the later wins */
    assert_int_equal(d->flush_ms, 250);
    assert_int_equal(d->skew, -7);
}

static void test_crlf_bom_file(void **state)
{
    demo_t *d = *state;
    char err[256] = "";
    const char *path = write_file("crlf.ini", "\xEF\xBB\xBF[agent]\r\nname = win\r\n\r\n[collector]\r\nskew = 4\r\n");

    assert_int_equal(cchc_config_load_file(demo_table, d, path, NULL, NULL, err, sizeof err), 0);
    assert_string_equal(d->name, "win");
    assert_int_equal(d->skew, 4);
}

typedef struct {
    const char *text;
    int line;
    const char *msg;
} bad_case_t;

static void test_bad_files(void **state)
{
    static char long_line[300];
    const bad_case_t cases[] = {
        {"[collector]\nbatch_size = ten\n", 2,
         "[collector] batch_size: 'ten' is not a whole number (expected 1..100000)"},
        {"# header\n\n[agent]\nname = x\n\n[collector]\nbatch_size = ten\n", 7,
         "[collector] batch_size: 'ten' is not a whole number (expected 1..100000)"},
        {"[collector]\nbatch_size = 0\n", 2, "[collector] batch_size: '0' is out of range (expected 1..100000)"},
        {"[collector]\nbatch_size = 100001\n", 2,
         "[collector] batch_size: '100001' is out of range (expected 1..100000)"},
        {"[collector]\nbatch_size = 99999999999999999999\n", 2,
         "[collector] batch_size: '99999999999999999999' is out of range (expected 1..100000)"},
        {"[collector]\nbatch_size = 10.5\n", 2,
         "[collector] batch_size: '10.5' is not a whole number (expected 1..100000)"},
        {"[collector]\nbatch_size = 0x10\n", 2,
         "[collector] batch_size: '0x10' is not a whole number (expected 1..100000)"},
        {"[collector]\nbatch_size =\n", 2, "[collector] batch_size: '' is not a whole number (expected 1..100000)"},
        {"[collector]\nskew = abc\n", 2,
         "[collector] skew: 'abc' is not a whole number (expected digits with an optional sign)"},
        {"[collector]\nskew = 9223372036854775808\n", 2,
         "[collector] skew: '9223372036854775808' is out of range "
         "(expected -9223372036854775808..9223372036854775807)"},
        {"[agent]\nverbose = maybe\n", 2,
         "[agent] verbose: 'maybe' is not a boolean (expected true/false, yes/no, on/off or 1/0)"},
        {"[collector]\nflush_interval = 5x\n", 2,
         "[collector] flush_interval: '5x' is not a duration "
         "(expected 100ms..1h as a whole number with ms, s, m, h or d)"},
        {"[collector]\nflush_interval = -5s\n", 2,
         "[collector] flush_interval: '-5s' is not a duration "
         "(expected 100ms..1h as a whole number with ms, s, m, h or d)"},
        {"[collector]\nflush_interval = 2h\n", 2,
         "[collector] flush_interval: '2h' is out of range (expected 100ms..1h)"},
        {"[collector]\nflush_interval = 50ms\n", 2,
         "[collector] flush_interval: '50ms' is out of range (expected 100ms..1h)"},
        {"[collector]\nflush_interval = 99999999999999999999d\n", 2,
         "[collector] flush_interval: '99999999999999999999d' is out of range (expected 100ms..1h)"},
        {"[collector]\nbatch_sise = 5\n", 2,
         "[collector] batch_sise: unknown setting (known in [collector]: batch_size, flush_interval, skew)"},
        {"[agent]\nname = x\n[source.tickets]\npath = /x\n", 4,
         "[source.tickets] path: unknown section (known sections: agent, collector)"},
        {"name = x\n", 1, "name: setting outside any section (expected a [section] line above it)"},
        {"[agent]\nname x\n", 2, "'name x' is not a setting (expected key = value, [section] or a # comment)"},
        {"[agent]\nname ; = x\n", 2, "'name' is not a setting (expected key = value, [section] or a # comment)"},
        {"[agent\nname = x\n", 1, "'[agent' has no closing ']' (expected [section])"},
        {"[agent]\nname = a\n  verbose = yes\n", 3,
         "indented line (expected settings and [section] lines to start in the first column)"},
        {"[agent]\n= 5\n", 2, "[agent] (no key): value without a key (expected key = value)"},
        {"[agent]\nname = a\n[collector]\nbatch_size = ten\nskew = x\n", 4,
         "[collector] batch_size: 'ten' is not a whole number (expected 1..100000)"},
        {long_line, 2, "line is longer than 199 characters (expected a shorter line)"},
    };
    char err[512], want[1024];

    snprintf(long_line, sizeof long_line, "[agent]\nname = %0250d\n", 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        demo_t *d = *state;
        char name[32];
        const char *path;

        snprintf(name, sizeof name, "bad%zu.ini", i);
        path = write_file(name, cases[i].text);
        err[0] = '\0';
        assert_int_equal(cchc_config_load_file(demo_table, d, path, NULL, NULL, err, sizeof err), -1);
        snprintf(want, sizeof want, "%s:%d: %s", path, cases[i].line, cases[i].msg);
        if (strcmp(err, want) != 0)
            fail_msg("case %zu:\n  got  %s\n  want %s", i, err, want);
    }
}

static void test_missing_file(void **state)
{
    demo_t *d = *state;
    char err[512], path[PATH_MAX + 32], want[PATH_MAX + 128];

    snprintf(path, sizeof path, "%s/nope.ini", tmpdir);
    assert_int_equal(cchc_config_load_file(demo_table, d, path, NULL, NULL, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot read config file '%s': No such file or directory", path);
    assert_string_equal(err, want);

    assert_int_equal(cchc_config_load_file(demo_table, d, tmpdir, NULL, NULL, err, sizeof err), -1);
    snprintf(want, sizeof want, "cannot read config file '%s': Is a directory", tmpdir);
    assert_string_equal(err, want);
    assert_string_equal(d->name, "lai-chau-01");
}

/* ---- the extra-section callback --------------------------------------------------------- */

typedef struct {
    int calls;
    char seen[8][96];
} extra_t;

static int demo_extra(void *ctx, const char *section, const char *key, const char *value, char *err,
                      size_t errlen)
{
    extra_t *x = ctx;

    if (strncmp(section, "source.", 7) != 0)
        return -1; /* no message: the loader says "unknown section" */
    if (strcmp(key, "path") != 0 && strcmp(key, "interval") != 0) {
        snprintf(err, errlen, "not a source setting (expected path or interval)");
        return -1;
    }
    if (x->calls < 8)
        snprintf(x->seen[x->calls], sizeof x->seen[0], "%s|%s|%s", section, key, value);
    x->calls++;
    return 0;
}

static void test_extra_sections(void **state)
{
    demo_t *d = *state;
    extra_t x = {0};
    char err[512], want[1024];
    const char *path = write_file("extra.ini", "[agent]\n"
                                               "name = a\n"
                                               "[source.tickets]\n"
                                               "path = /srv/tickets\n"
                                               "interval = 5m\n"
                                               "[source.files]\n"
                                               "path = /srv/files\n");

    assert_int_equal(cchc_config_load_file(demo_table, d, path, demo_extra, &x, err, sizeof err), 0);
    assert_int_equal(x.calls, 3);
    assert_string_equal(x.seen[0], "source.tickets|path|/srv/tickets");
    assert_string_equal(x.seen[1], "source.tickets|interval|5m");
    assert_string_equal(x.seen[2], "source.files|path|/srv/files");
    assert_string_equal(d->name, "a");

    /* A refusal with a message gives a file:line error carrying that message. */
    memset(&x, 0, sizeof x);
    path = write_file("extra_bad.ini", "[source.tickets]\npath = /x\ncolor = red\n");
    assert_int_equal(cchc_config_load_file(demo_table, d, path, demo_extra, &x, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: [source.tickets] color: not a source setting (expected path or interval)",
             path);
    assert_string_equal(err, want);

    /* A refusal without a message reads as an unknown section. */
    path = write_file("extra_unknown.ini", "[agent]\nname = b\n\n[sink]\nurl = x\n");
    assert_int_equal(cchc_config_load_file(demo_table, d, path, demo_extra, &x, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:5: [sink] url: unknown section (known sections: agent, collector)", path);
    assert_string_equal(err, want);

    /* Unknown keys in a known section never reach the callback. */
    memset(&x, 0, sizeof x);
    path = write_file("extra_known.ini", "[collector]\npath = /x\n");
    assert_int_equal(cchc_config_load_file(demo_table, d, path, demo_extra, &x, err, sizeof err), -1);
    assert_int_equal(x.calls, 0);
    snprintf(want, sizeof want,
             "%s:2: [collector] path: unknown setting (known in [collector]: batch_size, flush_interval, skew)",
             path);
    assert_string_equal(err, want);
}

/* ---- durations --------------------------------------------------------------------------- */

static void test_durations(void **state)
{
    static const struct {
        const char *text;
        int rc;
        int64_t ms;
    } cases[] = {
        {"250ms", 0, 250},
        {"5s", 0, 5000},
        {"2m", 0, 120000},
        {"1h", 0, 3600000},
        {"1d", 0, 86400000},
        {"10", 0, 10000},
        {"0", 0, 0},
        {"0ms", 0, 0},
        {"007s", 0, 7000},
        {"9223372036854775807ms", 0, INT64_MAX},
        {"9223372036854775s", 0, INT64_C(9223372036854775000)},
        {"106751991167d", 0, INT64_C(106751991167) * 86400000},
        {"9223372036854775808ms", -1, 0},
        {"9223372036854776s", -1, 0},
        {"9223372036854775808", -1, 0},
        {"106751991168d", -1, 0},
        {"99999999999999999999999999h", -1, 0},
        {"", -1, 0},
        {"s", -1, 0},
        {"ms", -1, 0},
        {"-5s", -1, 0},
        {"+5s", -1, 0},
        {"5x", -1, 0},
        {"5 s", -1, 0},
        {" 5s", -1, 0},
        {"5s ", -1, 0},
        {"1.5s", -1, 0},
        {"5sec", -1, 0},
        {"5S", -1, 0},
        {"1h30m", -1, 0},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ms = -12345;
        int rc = cchc_parse_duration_ms(cases[i].text, &ms);
        if (rc != cases[i].rc)
            fail_msg("'%s': rc %d, want %d", cases[i].text, rc, cases[i].rc);
        if (rc == 0 && ms != cases[i].ms)
            fail_msg("'%s': %lld ms, want %lld", cases[i].text, (long long)ms, (long long)cases[i].ms);
        if (rc != 0 && ms != -12345)
            fail_msg("'%s': output written on failure", cases[i].text);
    }
    assert_int_equal(cchc_parse_duration_ms(NULL, &(int64_t){0}), -1);
}

/* ---- cchc_config_set and command-line overrides ----------------------------------------- */

static void test_set(void **state)
{
    demo_t *d = *state;
    char err[256];

    assert_int_equal(cchc_config_set(demo_table, d, "collector.skew", "-9223372036854775808", err, sizeof err), 0);
    assert_true(d->skew == INT64_MIN);
    assert_int_equal(cchc_config_set(demo_table, d, "collector.skew", "+5", err, sizeof err), 0);
    assert_int_equal(d->skew, 5);
    assert_int_equal(cchc_config_set(demo_table, d, "agent.verbose", "on", err, sizeof err), 0);
    assert_true(d->verbose);
    assert_int_equal(cchc_config_set(demo_table, d, "agent.name", "", err, sizeof err), 0);
    assert_string_equal(d->name, "");

    assert_int_equal(cchc_config_set(demo_table, d, "collector.batch_size", "ten", err, sizeof err), -1);
    assert_string_equal(err, "collector.batch_size: 'ten' is not a whole number (expected 1..100000)");
    assert_int_equal(d->batch_size, 100); /* untouched on failure */
    assert_int_equal(cchc_config_set(demo_table, d, "collector.nope", "1", err, sizeof err), -1);
    assert_string_equal(err, "collector.nope: unknown setting (expected section.key as listed by --help)");
    assert_int_equal(cchc_config_set(demo_table, d, "batch_size", "1", err, sizeof err), -1);
}

static void test_args(void **state)
{
    demo_t *d = *state;
    char err[256];
    char *argv[] = {"cchc-agent", "-v", "--collector.batch_size=42", "agent.ini", "--agent.name", "Tam Đường",
                    "--unknown.key=1", "--agent.verbose", "yes", "--collector.flush_interval=2m",
                    "--agent.spool_path=", "--help", "--", "--collector.batch_size=7", NULL};
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;

    assert_int_equal(cchc_config_apply_args(demo_table, d, &argc, argv, err, sizeof err), 0);
    assert_int_equal(argc, 7);
    assert_string_equal(argv[0], "cchc-agent");
    assert_string_equal(argv[1], "-v");
    assert_string_equal(argv[2], "agent.ini");
    assert_string_equal(argv[3], "--unknown.key=1");
    assert_string_equal(argv[4], "--help");
    assert_string_equal(argv[5], "--");
    assert_string_equal(argv[6], "--collector.batch_size=7");
    assert_null(argv[7]);
    assert_int_equal(d->batch_size, 42);
    assert_string_equal(d->name, "Tam Đường");
    assert_true(d->verbose);
    assert_int_equal(d->flush_ms, 120000);
    assert_string_equal(d->spool_path, "");
}

static void test_args_errors(void **state)
{
    demo_t *d = *state;
    char err[256];
    char *bad[] = {"prog", "x", "--collector.batch_size=ten", "y", NULL};
    char *missing[] = {"prog", "--agent.name", NULL};
    char *swallow[] = {"prog", "--agent.name", "--agent.verbose=1", NULL};
    int argc = 4;

    assert_int_equal(cchc_config_apply_args(demo_table, d, &argc, bad, err, sizeof err), -1);
    assert_string_equal(err, "--collector.batch_size: 'ten' is not a whole number (expected 1..100000)");
    assert_int_equal(d->batch_size, 100);
    /* What was not applied stays, in order. */
    assert_int_equal(argc, 4);
    assert_string_equal(bad[1], "x");
    assert_string_equal(bad[2], "--collector.batch_size=ten");
    assert_string_equal(bad[3], "y");

    argc = 2;
    assert_int_equal(cchc_config_apply_args(demo_table, d, &argc, missing, err, sizeof err), -1);
    assert_string_equal(err, "--agent.name: missing value (expected --agent.name=VALUE or --agent.name VALUE)");

    argc = 3;
    assert_int_equal(cchc_config_apply_args(demo_table, d, &argc, swallow, err, sizeof err), -1);
    assert_string_equal(err, "--agent.name: missing value (expected --agent.name=VALUE or --agent.name VALUE)");
    assert_string_equal(d->name, "lai-chau-01");
}

/* ---- --help and the example file ---------------------------------------------------------- */

static void assert_lines_fit(const char *text, size_t width)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (n > width)
            fail_msg("line longer than %zu columns: %.*s", width, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static void test_help(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    cchc_config_print_help(demo_table, f);
    assert_int_equal(fclose(f), 0);

    for (const cchc_cfg_entry_t *e = demo_table; e->section; e++) {
        char opt[128];
        snprintf(opt, sizeof opt, "--%s.%s=", e->section, e->key);
        if (!strstr(text, opt))
            fail_msg("--help lacks %s:\n%s", opt, text);
    }
    assert_non_null(strstr(text, "  --agent.name=TEXT  (default: \"lai-chau-01\")\n"
                                 "      Name this agent reports under."));
    assert_non_null(strstr(text, "  --collector.batch_size=NUMBER  (default: 100; 1..100000)\n"
                                 "      Most reports written in one transaction.\n"));
    assert_non_null(strstr(text, "  --agent.verbose=BOOL  (default: false)\n"));
    assert_non_null(strstr(text, "  --collector.flush_interval=DURATION  (default: 5s; 100ms..1h)\n"));
    assert_non_null(strstr(text, "  --agent.spool_path=TEXT  (default: \"\")\n"));
    assert_non_null(strstr(text, "  --collector.skew=NUMBER  (default: -3)\n"));
    /* The long help of agent.name is wrapped, not cut. */
    assert_non_null(strstr(text, "restarts and"));
    assert_non_null(strstr(text, "reinstalls."));
    assert_lines_fit(text, 78);
    free(text);
}

static void test_example_round_trip(void **state)
{
    demo_t *d = *state;
    demo_t fresh = {0};
    char err[512] = "";
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const char *path, *agent, *collector;

    assert_non_null(f);
    cchc_config_print_example(demo_table, f);
    assert_int_equal(fclose(f), 0);

    /* Grouped by section although the table interleaves them. */
    agent = strstr(text, "\n[agent]\n");
    collector = strstr(text, "\n[collector]\n");
    assert_non_null(agent);
    assert_non_null(collector);
    assert_null(strstr(agent + 1, "\n[agent]\n"));
    assert_null(strstr(collector + 1, "\n[collector]\n"));
    assert_true(agent < collector);
    assert_true(strstr(text, "\nspool_path =\n") < collector);
    assert_true(strstr(text, "\nbatch_size = 100\n") > collector);
    assert_non_null(strstr(text, "# Most reports written in one transaction.\n# Whole number, 1..100000.\n"
                                 "batch_size = 100\n"));
    assert_non_null(strstr(text, "\nflush_interval = 5s\n"));
    assert_non_null(strstr(text, "\nname = lai-chau-01\n"));
    assert_lines_fit(text, 78);

    /* Move every setting off its default, then load the example: all must come back. */
    assert_int_equal(cchc_config_set(demo_table, d, "agent.name", "other", err, sizeof err), 0);
    assert_int_equal(cchc_config_set(demo_table, d, "agent.verbose", "true", err, sizeof err), 0);
    assert_int_equal(cchc_config_set(demo_table, d, "agent.spool_path", "/x", err, sizeof err), 0);
    assert_int_equal(cchc_config_set(demo_table, d, "collector.batch_size", "7", err, sizeof err), 0);
    assert_int_equal(cchc_config_set(demo_table, d, "collector.flush_interval", "1h", err, sizeof err), 0);
    assert_int_equal(cchc_config_set(demo_table, d, "collector.skew", "99", err, sizeof err), 0);

    path = write_file("example.ini", text);
    if (cchc_config_load_file(demo_table, d, path, NULL, NULL, err, sizeof err) != 0)
        fail_msg("example does not load back: %s\n%s", err, text);
    assert_int_equal(cchc_config_defaults(demo_table, &fresh, err, sizeof err), 0);
    assert_string_equal(d->name, fresh.name);
    assert_int_equal(d->verbose, fresh.verbose);
    assert_string_equal(d->spool_path, fresh.spool_path);
    assert_int_equal(d->batch_size, fresh.batch_size);
    assert_int_equal(d->flush_ms, fresh.flush_ms);
    assert_int_equal(d->skew, fresh.skew);
    cchc_config_free(demo_table, &fresh);
    free(text);
}

/* ---- log ------------------------------------------------------------------------------------ */

static void test_log_quote(void **state)
{
    char buf[64], small[12];

    assert_string_equal(cchc_log_quote("plain", buf, sizeof buf), "\"plain\"");
    assert_string_equal(cchc_log_quote("", buf, sizeof buf), "\"\"");
    assert_string_equal(cchc_log_quote(NULL, buf, sizeof buf), "\"\"");
    assert_string_equal(cchc_log_quote("two words", buf, sizeof buf), "\"two words\"");
    assert_string_equal(cchc_log_quote("say \"hi\"", buf, sizeof buf), "\"say \\\"hi\\\"\"");
    assert_string_equal(cchc_log_quote("C:\\dir", buf, sizeof buf), "\"C:\\\\dir\"");
    assert_string_equal(cchc_log_quote("a\nb\tc\x7f", buf, sizeof buf), "\"a\\x0ab\\x09c\\x7f\"");
    assert_string_equal(cchc_log_quote("Lai Châu", buf, sizeof buf), "\"Lai Châu\"");

    /* Cut to fit: still closed, marked with ..., never splitting an escape or a character. */
    assert_string_equal(cchc_log_quote("abcdefghijklmnop", small, sizeof small), "\"abcdef...\"");
    assert_string_equal(cchc_log_quote("abcdefghi", small, sizeof small), "\"abcdefghi\"");
    assert_string_equal(cchc_log_quote("abcde\"fghij", small, sizeof small), "\"abcde...\"");
    assert_string_equal(cchc_log_quote("abcde\nfghij", small, sizeof small), "\"abcde...\"");
    /* 13 bytes leave room for "Lai Ch" and one byte more: not enough for the whole "â". */
    assert_string_equal(cchc_log_quote("Lai Châu Province", buf, 13), "\"Lai Ch...\"");
    assert_string_equal(cchc_log_quote("Lai Châu Province", buf, 14), "\"Lai Châ...\"");
    assert_string_equal(cchc_log_quote("abcdef", buf, 3), "\"\"");
    assert_string_equal(cchc_log_quote("abcdef", buf, 5), "\"ab\"");
    assert_string_equal(cchc_log_quote("abcdef", buf, 2), "");
}

/* Runs fn with stderr redirected to a file and returns what it wrote (caller frees). */
static char *capture_stderr(void (*fn)(void))
{
    char path[PATH_MAX];
    int saved = dup(STDERR_FILENO), fd;
    char *text;
    FILE *f;
    long n;

    snprintf(path, sizeof path, "%s/stderr.txt", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    close(fd);
    fn();
    dup2(saved, STDERR_FILENO);
    close(saved);

    f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

static void log_some(void)
{
    char q[64];

    cchc_log_init("cchc-collector", CCHC_LOG_INFO);
    cchc_debug("hidden", "x=%d", 1);
    cchc_info("batch_committed", "reports=%d unit=%s", 100, cchc_log_quote("Sở Nội vụ", q, sizeof q));
    cchc_error("bare", "%s", "");
}

static void log_long(void)
{
    static char big[6000];

    memset(big, 'a', sizeof big - 1);
    cchc_log_init("p", CCHC_LOG_DEBUG);
    errno = ENOENT;
    cchc_debug("long", "v=%s", big);
    assert_int_equal(errno, ENOENT); /* logging keeps errno */
}

static void test_log_lines(void **state)
{
    char *text = capture_stderr(log_some);
    const char *second;
    cchc_log_level_t lv;

    /* ts=2026-11-23T21:40:01.123Z */
    assert_int_equal(strncmp(text, "ts=", 3), 0);
    assert_true(text[7] == '-' && text[10] == '-' && text[13] == 'T' && text[16] == ':' && text[19] == ':' &&
                text[22] == '.' && text[26] == 'Z' && text[27] == ' ');
    assert_int_equal(strncmp(text + 28, "level=info prog=cchc-collector event=batch_committed "
                                        "reports=100 unit=\"Sở Nội vụ\"\n",
                             strlen("level=info prog=cchc-collector event=batch_committed "
                                    "reports=100 unit=\"Sở Nội vụ\"\n")),
                     0);
    second = strchr(text, '\n') + 1;
    assert_string_equal(second + 28, "level=error prog=cchc-collector event=bare\n");
    assert_null(strstr(text, "hidden"));
    free(text);

    text = capture_stderr(log_long);
    assert_int_equal(strlen(text), 4096);
    assert_non_null(strstr(text, "level=debug prog=p event=long v=aaaa"));
    assert_string_equal(text + 4096 - strlen(" log_truncated=true\n"), " log_truncated=true\n");
    free(text);
    cchc_log_init("test_config", CCHC_LOG_INFO);

    assert_int_equal(cchc_log_level_parse("warn", &lv), 0);
    assert_int_equal(lv, CCHC_LOG_WARN);
    assert_int_equal(cchc_log_level_parse("DEBUG", &lv), 0);
    assert_int_equal(lv, CCHC_LOG_DEBUG);
    assert_int_equal(cchc_log_level_parse("verbose", &lv), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_free_twice, demo_setup, demo_teardown),
        cmocka_unit_test(test_bad_default),
        cmocka_unit_test_setup_teardown(test_good_file, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_crlf_bom_file, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_extra_sections, demo_setup, demo_teardown),
        cmocka_unit_test(test_durations),
        cmocka_unit_test_setup_teardown(test_set, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_args, demo_setup, demo_teardown),
        cmocka_unit_test_setup_teardown(test_args_errors, demo_setup, demo_teardown),
        cmocka_unit_test(test_help),
        cmocka_unit_test_setup_teardown(test_example_round_trip, demo_setup, demo_teardown),
        cmocka_unit_test(test_log_quote),
        cmocka_unit_test(test_log_lines),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
