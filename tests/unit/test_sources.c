/* Unit tests of the agent's sources: the three parsers, the exec source's limits, the file source. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "source.h"

#define assert_contains(hay, needle)                                                           \
    do {                                                                                       \
        if (!strstr((hay), (needle)))                                                          \
            fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));                      \
    } while (0)

/* ---- helpers ------------------------------------------------------------------ */

static int64_t value_of(const cchc_figures_t *f, const char *code)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].code, code) == 0)
            return f->items[i].value;
    fail_msg("indicator %s not in the set", code);
    return 0;
}

/* The parsers must not read past len nor need a NUL: give them an exact-size heap
 * copy, so AddressSanitizer sees any overread. */
static char *exact_copy(const char *text, size_t len)
{
    char *p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, text, len);
    return p;
}

static int cmd_n(const char *text, size_t len, cchc_figures_t *out, char *err, size_t errlen)
{
    char *p = exact_copy(text, len);
    int rc = cchc_parse_command_output(p, len, out, err, errlen);
    free(p);
    return rc;
}

static int file_n(const char *text, size_t len, const char *fmt, cchc_figures_t *out, char *err,
                  size_t errlen)
{
    char *p = exact_copy(text, len);
    int rc = cchc_parse_export_file(p, len, fmt, out, err, errlen);
    free(p);
    return rc;
}

/* Parses text (a C string, NUL not included) and expects success. */
#define PARSE_OK(fn_call)                                                                      \
    do {                                                                                       \
        err[0] = '\0';                                                                         \
        if ((fn_call) != 0)                                                                    \
            fail_msg("parse failed: %s", err);                                                 \
    } while (0)

/* Parses and expects exactly the error text want. */
static void expect_cmd_error(const char *text, const char *want)
{
    cchc_figures_t f = {0};
    char err[512] = "";
    assert_int_equal(cmd_n(text, strlen(text), &f, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_int_equal(f.n, 0);
    cchc_figures_free(&f);
}

static void expect_file_error(const char *text, const char *fmt, const char *want)
{
    cchc_figures_t f = {0};
    char err[512] = "";
    assert_int_equal(file_n(text, strlen(text), fmt, &f, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_int_equal(f.n, 0);
    cchc_figures_free(&f);
}

/* ---- figures and the type table ---------------------------------------------------- */

static void test_figures_set(void **state)
{
    cchc_figures_t f = {0};
    assert_int_equal(cchc_figures_set(&f, "a", 1), 0);
    assert_int_equal(cchc_figures_set(&f, "b", 2), 0);
    assert_int_equal(cchc_figures_set(&f, "a", 3), 0);
    assert_int_equal(f.n, 2);
    assert_int_equal(value_of(&f, "a"), 3);
    assert_int_equal(cchc_figures_set(&f, "", 1), -1);
    assert_int_equal(cchc_figures_set(&f, NULL, 1), -1);
    char longest[CCHC_CODE_MAX + 2];
    memset(longest, 'x', sizeof longest);
    longest[CCHC_CODE_MAX] = '\0';
    assert_int_equal(cchc_figures_set(&f, longest, 1), 0);
    longest[CCHC_CODE_MAX] = 'x';
    longest[CCHC_CODE_MAX + 1] = '\0';
    assert_int_equal(cchc_figures_set(&f, longest, 1), -1);
    for (int i = 0; i < 100; i++) {
        char code[16];
        snprintf(code, sizeof code, "c%d", i);
        assert_int_equal(cchc_figures_set(&f, code, i), 0);
    }
    assert_int_equal(f.n, 103);
    assert_int_equal(value_of(&f, "c99"), 99);
    cchc_figures_free(&f);
    assert_null(f.items);
    assert_int_equal(f.n, 0);
    cchc_figures_free(&f);
}

static void test_source_type_find(void **state)
{
    const cchc_source_type_t *t = cchc_source_type_find("exec");
    assert_non_null(t);
    assert_string_equal(t->name, "exec");
    assert_non_null(t->read);
    t = cchc_source_type_find("file");
    assert_non_null(t);
    assert_string_equal(t->name, "file");
    assert_null(cchc_source_type_find("odbc"));
    assert_null(cchc_source_type_find(""));
    assert_null(cchc_source_type_find(NULL));
}

/* ---- command output ------------------------------------------------------------------ */

static void test_cmd_accepts(void **state)
{
    cchc_figures_t f = {0};
    char err[512];
    const char text[] = "# figures for Q1\n"
                        "dossier_received 120\n"
                        "\n"
                        "   \t\n"
                        "dossier_received_online\t\t60\r\n"
                        "  on_time   +58  \n"
                        "  # indented comment\n"
                        "Late.Count-2 -3\n"
                        "zero 000";
    PARSE_OK(cmd_n(text, sizeof text - 1, &f, err, sizeof err));
    assert_int_equal(f.n, 5);
    assert_int_equal(value_of(&f, "dossier_received"), 120);
    assert_int_equal(value_of(&f, "dossier_received_online"), 60);
    assert_int_equal(value_of(&f, "on_time"), 58);
    assert_int_equal(value_of(&f, "Late.Count-2"), -3);
    assert_int_equal(value_of(&f, "zero"), 0);
    /* Order is the input's. */
    assert_string_equal(f.items[0].code, "dossier_received");
    cchc_figures_free(&f);

    /* Empty input, and no input at all. */
    PARSE_OK(cmd_n("", 0, &f, err, sizeof err));
    PARSE_OK(cchc_parse_command_output(NULL, 0, &f, err, sizeof err));
    assert_int_equal(f.n, 0);

    /* A BOM, and int64's ends. */
    const char ends[] = "\xEF\xBB\xBFmax 9223372036854775807\nmin -9223372036854775808\n";
    PARSE_OK(cmd_n(ends, sizeof ends - 1, &f, err, sizeof err));
    assert_int_equal(value_of(&f, "max"), INT64_MAX);
    assert_int_equal(value_of(&f, "min"), INT64_MIN);
    cchc_figures_free(&f);

    /* Adds to what other sources gave, replacing a code they gave too. */
    assert_int_equal(cchc_figures_set(&f, "a", 1), 0);
    assert_int_equal(cchc_figures_set(&f, "b", 2), 0);
    PARSE_OK(cmd_n("b 20\nc 30\n", 10, &f, err, sizeof err));
    assert_int_equal(f.n, 3);
    assert_int_equal(value_of(&f, "a"), 1);
    assert_int_equal(value_of(&f, "b"), 20);
    assert_int_equal(value_of(&f, "c"), 30);
    cchc_figures_free(&f);
}

static void test_cmd_rejects(void **state)
{
    expect_cmd_error("a 1\nb\n", "line 2: indicator b has no value (a whole number expected)");
    expect_cmd_error("a 1 2\n",
                     "line 1: more than two fields: \"a 1 2\" (\"indicator value\" expected)");
    expect_cmd_error("a 1\n\n# c\nb x\n",
                     "line 4: value \"x\" of b is not a whole number (decimal digits with an "
                     "optional sign expected)");
    expect_cmd_error("a 1.5\n", "line 1: value \"1.5\" of a is not a whole number (decimal digits "
                                "with an optional sign expected)");
    expect_cmd_error("a -\n", "line 1: value \"-\" of a is not a whole number (decimal digits with "
                              "an optional sign expected)");
    expect_cmd_error("a +-1\n", "line 1: value \"+-1\" of a is not a whole number (decimal digits "
                                "with an optional sign expected)");
    expect_cmd_error("a 9223372036854775808\n",
                     "line 1: value \"9223372036854775808\" of a is out of range (a whole number "
                     "from -9223372036854775808 to 9223372036854775807 expected)");
    expect_cmd_error("ok 1\na -9223372036854775809\n",
                     "line 2: value \"-9223372036854775809\" of a is out of range (a whole number "
                     "from -9223372036854775808 to 9223372036854775807 expected)");
    expect_cmd_error("a 99999999999999999999999999\n",
                     "line 1: value \"99999999999999999999999999\" of a is out of range (a whole "
                     "number from -9223372036854775808 to 9223372036854775807 expected)");
    expect_cmd_error("a 1\nb 2\r\na 3\n", "line 3: indicator a given twice (first on line 1)");
    expect_cmd_error("a/b 1\n", "line 1: indicator code \"a/b\" has a character that is not "
                                "allowed at position 2 (letters, digits, '_', '.' or '-' expected)");
    expect_cmd_error("c\xc3\xb4ng 1\n",
                     "line 1: indicator code \"c??ng\" has a character that is not allowed at "
                     "position 2 (letters, digits, '_', '.' or '-' expected)");
    char longcode[100];
    memset(longcode, 'k', 64);
    strcpy(longcode + 64, " 1\n");
    expect_cmd_error(longcode, "line 1: indicator code \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\" is "
                               "64 characters long (at most 63 expected)");

    /* An embedded NUL byte: the length says where the input ends, not a NUL. */
    cchc_figures_t f = {0};
    char err[512] = "";
    const char nul[] = "a 1\nb \0 2\nc 3\n";
    assert_int_equal(cmd_n(nul, sizeof nul - 1, &f, err, sizeof err), -1);
    assert_string_equal(err, "line 2: NUL byte at column 3 (text expected)");
    const char nul_in_comment[] = "# \0\n";
    assert_int_equal(cmd_n(nul_in_comment, sizeof nul_in_comment - 1, &f, err, sizeof err), -1);
    assert_string_equal(err, "line 1: NUL byte at column 3 (text expected)");

    /* A failed parse adds nothing, even what its good lines gave. */
    assert_int_equal(cchc_figures_set(&f, "x", 9), 0);
    assert_int_equal(cmd_n("a 1\nb 2\nb 3\n", 12, &f, err, sizeof err), -1);
    assert_string_equal(err, "line 3: indicator b given twice (first on line 2)");
    assert_int_equal(f.n, 1);
    assert_int_equal(value_of(&f, "x"), 9);
    cchc_figures_free(&f);

    /* Only the given bytes count: "a 12" cut to three bytes is "a 1". */
    PARSE_OK(cmd_n("a 12", 3, &f, err, sizeof err));
    assert_int_equal(value_of(&f, "a"), 1);
    cchc_figures_free(&f);
}

static void test_cmd_many_indicators(void **state)
{
    /* Past the per-source bound the parser refuses rather than slowing down. */
    size_t cap = 5000 * 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = 0;
    for (int i = 0; i < 5000; i++)
        len += (size_t)snprintf(text + len, cap - len, "i%d %d\n", i, i);
    cchc_figures_t f = {0};
    char err[512] = "";
    assert_int_equal(cmd_n(text, len, &f, err, sizeof err), -1);
    assert_string_equal(err, "line 4097: more than 4096 indicators (at most 4096 in one source "
                             "expected)");
    /* 4096 are fine. */
    len = 0;
    for (int i = 0; i < 4096; i++)
        len += (size_t)snprintf(text + len, cap - len, "i%d %d\n", i, i);
    PARSE_OK(cmd_n(text, len, &f, err, sizeof err));
    assert_int_equal(f.n, 4096);
    assert_int_equal(value_of(&f, "i4095"), 4095);
    cchc_figures_free(&f);
    free(text);
}

/* ---- kv files ------------------------------------------------------------------------ */

static void test_kv(void **state)
{
    cchc_figures_t f = {0};
    char err[512];
    const char text[] = "\xEF\xBB\xBF# exported 2026-03-31\r\n"
                        "dossier_received=120\r\n"
                        "\r\n"
                        "  dossier_received_online = 60  \r\n"
                        "late=-2\r\n"
                        "plus=+7";
    PARSE_OK(file_n(text, sizeof text - 1, "kv", &f, err, sizeof err));
    assert_int_equal(f.n, 4);
    assert_int_equal(value_of(&f, "dossier_received"), 120);
    assert_int_equal(value_of(&f, "dossier_received_online"), 60);
    assert_int_equal(value_of(&f, "late"), -2);
    assert_int_equal(value_of(&f, "plus"), 7);
    cchc_figures_free(&f);

    expect_file_error("a=1\nb 2\n", "kv", "line 2: no '=' in \"b 2\" (indicator=value expected)");
    expect_file_error("=5\n", "kv",
                      "line 1: no indicator code (an indicator code before the value expected)");
    expect_file_error("a=\n", "kv", "line 1: indicator a has no value (a whole number expected)");
    expect_file_error("a=1=2\n", "kv",
                      "line 1: value \"1=2\" of a is not a whole number (decimal digits with an "
                      "optional sign expected)");
    expect_file_error("a=1\r\n# x\r\nb=2\r\na=3\r\n", "kv",
                      "line 4: indicator a given twice (first on line 1)");
    expect_file_error("a=18446744073709551616\n", "kv",
                      "line 1: value \"18446744073709551616\" of a is out of range (a whole number "
                      "from -9223372036854775808 to 9223372036854775807 expected)");
    const char nul[] = "a=1\nb=\0\n";
    assert_int_equal(file_n(nul, sizeof nul - 1, "kv", &f, err, sizeof err), -1);
    assert_string_equal(err, "line 2: NUL byte at column 3 (text expected)");
    expect_file_error("a=1\n", "xml", "format \"xml\" unknown (csv or kv expected)");
    expect_file_error("a=1\n", NULL, "format \"\" unknown (csv or kv expected)");
}

/* ---- csv files ----------------------------------------------------------------------- */

static void test_csv_accepts(void **state)
{
    cchc_figures_t f = {0};
    char err[512];

    const char excel[] = "\xEF\xBB\xBF\"Indicator\",\"VALUE\"\r\n"
                         "dossier_received,120\r\n"
                         "\"dossier_received_online\",\"60\"\r\n"
                         " spaced , -4 \r\n"
                         "\"quoted_spaces\"  ,  \"+5\"  \r\n"
                         "trailing,7,,\r\n"
                         ",,\r\n"
                         "\r\n"
                         "# a comment\r\n"
                         "last,8";
    PARSE_OK(file_n(excel, sizeof excel - 1, "csv", &f, err, sizeof err));
    assert_int_equal(f.n, 6);
    assert_int_equal(value_of(&f, "dossier_received"), 120);
    assert_int_equal(value_of(&f, "dossier_received_online"), 60);
    assert_int_equal(value_of(&f, "spaced"), -4);
    assert_int_equal(value_of(&f, "quoted_spaces"), 5);
    assert_int_equal(value_of(&f, "trailing"), 7);
    assert_int_equal(value_of(&f, "last"), 8);
    cchc_figures_free(&f);

    /* No header, LF only, final newline present. */
    PARSE_OK(file_n("a,1\nb,2\n", 8, "csv", &f, err, sizeof err));
    assert_int_equal(f.n, 2);
    assert_int_equal(value_of(&f, "b"), 2);
    cchc_figures_free(&f);

    /* A header after blank lines and comments is still the first row. */
    PARSE_OK(file_n("\n# x\nindicator,value\na,1\n", 24, "csv", &f, err, sizeof err));
    assert_int_equal(f.n, 1);
    cchc_figures_free(&f);

    PARSE_OK(file_n("", 0, "csv", &f, err, sizeof err));
    assert_int_equal(f.n, 0);
}

static void test_csv_rejects(void **state)
{
    /* Only the first row may be a header. */
    expect_file_error("a,1\nindicator,value\n", "csv",
                      "line 2: value \"value\" of indicator is not a whole number (decimal digits "
                      "with an optional sign expected)");
    expect_file_error("indicator,value\na,1\nb\n", "csv",
                      "line 3: 1 field (2 expected: indicator,value)");
    expect_file_error("a;1\n", "csv", "line 1: 1 field (2 expected: indicator,value)");
    expect_file_error("a,1,2\n", "csv", "line 1: 3 fields (2 expected: indicator,value)");
    expect_file_error("a,1\r\nb,\"2\r\n", "csv",
                      "line 2: quoted field not closed (a closing '\"' expected)");
    expect_file_error("\"a\"x,1\n", "csv",
                      "line 1: text after a closing quote (',' or the end of the line expected)");
    /* A quoted comma or quote is kept, and a code cannot hold it. */
    expect_file_error("\"a,b\",1\n", "csv",
                      "line 1: indicator code \"a,b\" has a character that is not allowed at "
                      "position 2 (letters, digits, '_', '.' or '-' expected)");
    expect_file_error("\"a\"\"b\",1\n", "csv",
                      "line 1: indicator code \"a\"\"b\" has a character that is not allowed at "
                      "position 2 (letters, digits, '_', '.' or '-' expected)");
    /* A quoted field may span lines; later rows keep their real line numbers, and an
     * error in a spanning row names the line it starts on. */
    expect_file_error("a,1\n\"b\nc\",2\nd,x\n", "csv",
                      "line 2: indicator code \"b?c\" has a character that is not allowed at "
                      "position 2 (letters, digits, '_', '.' or '-' expected)");
    expect_file_error("a,\"1\"\nb,\"2\r\n\"\r\nc,1\r\nc,x\r\n", "csv",
                      "line 2: value \"2??\" of b is not a whole number (decimal digits with an "
                      "optional sign expected)");
    expect_file_error("a,1\r\nb,2\r\nc,\"3\"\r\nb,4\r\n", "csv",
                      "line 4: indicator b given twice (first on line 2)");
    expect_file_error("indicator,value\r\nx,1\r\nx,2\r\n", "csv",
                      "line 3: indicator x given twice (first on line 2)");
    expect_file_error("a,-9223372036854775809\n", "csv",
                      "line 1: value \"-9223372036854775809\" of a is out of range (a whole number "
                      "from -9223372036854775808 to 9223372036854775807 expected)");
    expect_file_error("a,\n", "csv", "line 1: indicator a has no value (a whole number expected)");
    expect_file_error(",5\n", "csv",
                      "line 1: no indicator code (an indicator code before the value expected)");

    cchc_figures_t f = {0};
    char err[512] = "";
    const char nul_plain[] = "a,1\nb,1\0\n";
    assert_int_equal(file_n(nul_plain, sizeof nul_plain - 1, "csv", &f, err, sizeof err), -1);
    assert_string_equal(err, "line 2: NUL byte at column 4 (text expected)");
    const char nul_quoted[] = "a,1\n\"b\nc\0\",1\n";
    assert_int_equal(file_n(nul_quoted, sizeof nul_quoted - 1, "csv", &f, err, sizeof err), -1);
    assert_string_equal(err, "line 3: NUL byte at column 2 (text expected)");
    const char nul_after_quote[] = "\"a\"\0,1\n";
    assert_int_equal(
        file_n(nul_after_quote, sizeof nul_after_quote - 1, "csv", &f, err, sizeof err), -1);
    assert_string_equal(err, "line 1: NUL byte at column 4 (text expected)");
    const char nul_comment[] = "#\0\n";
    assert_int_equal(file_n(nul_comment, sizeof nul_comment - 1, "csv", &f, err, sizeof err), -1);
    assert_string_equal(err, "line 1: NUL byte at column 2 (text expected)");
    assert_int_equal(f.n, 0);
}

/* Every prefix of some tricky inputs, each in an exact-size buffer: whatever the
 * answer, no read past the end (AddressSanitizer watches). */
static void test_parsers_never_overread(void **state)
{
    static const char *const inputs[] = {
        "\xEF\xBB\xBF\"a\"\"b\",\"1\"\r\n\"c\nd\",2\r\n",
        "indicator,value\r\n\"x\"  ,  \"-9223372036854775808\"  \r\n",
        "a = 1\r\n# c\r\n b=\t2\r\n",
        "a 1\r\n  # c\r\nb\t-2\r\n",
    };
    static const char *const formats[] = {"csv", "kv"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        for (size_t k = 0; k <= len; k++) {
            cchc_figures_t f = {0};
            char err[512];
            cmd_n(inputs[i], k, &f, err, sizeof err);
            for (size_t j = 0; j < 2; j++)
                file_n(inputs[i], k, formats[j], &f, err, sizeof err);
            cchc_figures_free(&f);
        }
    }
}

/* ---- exec source ---------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_exec(const char *command, int64_t timeout_ms, cchc_figures_t *f, char *err,
                    size_t errlen)
{
    cchc_source_conf_t conf = {
        .name = (char *)"tickets",
        .type = (char *)"exec",
        .command = (char *)command,
        .timeout_ms = timeout_ms,
    };
    const cchc_source_type_t *t = cchc_source_type_find("exec");
    assert_non_null(t);
    err[0] = '\0';
    return t->read(&conf, f, err, errlen);
}

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            n++;
    return n;
}

static void assert_no_children(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static void test_exec_success(void **state)
{
    cchc_figures_t f = {0};
    char err[512];
    assert_int_equal(run_exec("printf 'a 1\\nb -2\\n'; echo 'warning: ignored' >&2", 5000, &f,
                              err, sizeof err),
                     0);
    assert_int_equal(f.n, 2);
    assert_int_equal(value_of(&f, "a"), 1);
    assert_int_equal(value_of(&f, "b"), -2);
    cchc_figures_free(&f);

    /* stdin is /dev/null: a command reading it does not hang. */
    assert_int_equal(run_exec("cat; echo c 3", 5000, &f, err, sizeof err), 0);
    assert_int_equal(value_of(&f, "c"), 3);
    cchc_figures_free(&f);

    /* The command gets SIGPIPE at its default even if the agent ignores it (an
     * ignored signal would stay ignored across exec). */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    assert_int_equal(run_exec("m=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status); "
                              "echo \"pipe_ignored $(( (0x$m >> 13 - 1) & 1 ))\"",
                              5000, &f, err, sizeof err),
                     0);
    signal(SIGPIPE, old);
    assert_int_equal(f.n, 1);
    assert_int_equal(value_of(&f, "pipe_ignored"), 0);
    cchc_figures_free(&f);

    /* No output is no figures, not an error. */
    assert_int_equal(run_exec("true", 5000, &f, err, sizeof err), 0);
    assert_int_equal(f.n, 0);
    assert_no_children();
}

static void test_exec_failures(void **state)
{
    cchc_figures_t f = {0};
    char err[512];
    int fds = count_fds();
    assert_int_equal(run_exec("echo 'a 1'; printf 'db: connection refused\\nmore\\n' >&2; exit 3",
                              5000, &f, err, sizeof err),
                     -1);
    assert_string_equal(err, "source tickets: command exited with status 3: db: connection refused");
    assert_int_equal(f.n, 0);

    assert_int_equal(run_exec("exit 1", 5000, &f, err, sizeof err), -1);
    assert_string_equal(err, "source tickets: command exited with status 1: (nothing on stderr)");

    assert_int_equal(run_exec("no-such-command-cchc", 5000, &f, err, sizeof err), -1);
    assert_contains(err, "source tickets: command exited with status 127: ");
    assert_contains(err, "not found");

    assert_int_equal(run_exec("echo dying >&2; kill -TERM $$", 5000, &f, err, sizeof err), -1);
    assert_string_equal(err, "source tickets: command killed by signal 15 (SIGTERM): dying");

    assert_int_equal(run_exec("echo 'a 1'; echo 'b x'", 5000, &f, err, sizeof err), -1);
    assert_string_equal(err, "source tickets: command output: line 2: value \"x\" of b is not a "
                             "whole number (decimal digits with an optional sign expected)");
    assert_int_equal(f.n, 0);

    assert_int_equal(run_exec("", 5000, &f, err, sizeof err), -1);
    assert_string_equal(err, "source tickets: no command set (command = a shell command expected)");
    assert_no_children();
    assert_int_equal(count_fds(), fds);
}

/* State of a process from /proc, or 0 if it is gone. */
static char proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' ? paren[2] : 0;
}

static void test_exec_timeout_kills_the_group(void **state)
{
    char dir[] = "/tmp/cchc-exec-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[256], pidfile[64];
    snprintf(pidfile, sizeof pidfile, "%s/pid", dir);
    /* A grandchild in the background holds stdout too: the group must go, not just sh. */
    snprintf(cmd, sizeof cmd, "sleep 5 & echo $! > %s; sleep 5", pidfile);

    cchc_figures_t f = {0};
    char err[512];
    int fds = count_fds();
    int64_t t0 = now_ms();
    assert_int_equal(run_exec(cmd, 200, &f, err, sizeof err), -1);
    int64_t took = now_ms() - t0;
    assert_string_equal(err, "source tickets: command timed out after 200 ms (killed; a faster "
                             "command or a larger timeout expected)");
    assert_in_range(took, 190, 1000);
    assert_no_children();

    FILE *pf = fopen(pidfile, "r");
    assert_non_null(pf);
    int gpid = 0;
    assert_int_equal(fscanf(pf, "%d", &gpid), 1);
    fclose(pf);
    /* SIGKILL is delivered at once, but give the kernel a moment to show it. An
     * orphan whose new parent does not reap shows as a zombie: dead all the same. */
    char st = proc_state(gpid);
    for (int i = 0; i < 100 && st != 0 && st != 'Z'; i++) {
        usleep(10000);
        st = proc_state(gpid);
    }
    if (st != 0 && st != 'Z')
        fail_msg("background sleep %d still running (state %c)", gpid, st);
    remove(pidfile);
    rmdir(dir);

    /* sleep 5 with nothing else. */
    t0 = now_ms();
    assert_int_equal(run_exec("sleep 5", 200, &f, err, sizeof err), -1);
    assert_in_range(now_ms() - t0, 190, 1000);
    assert_contains(err, "timed out after 200 ms");
    assert_no_children();

    /* A shell that closes its output and lingers is timed out as well. */
    t0 = now_ms();
    assert_int_equal(run_exec("exec >&- 2>&-; sleep 5", 200, &f, err, sizeof err), -1);
    assert_in_range(now_ms() - t0, 190, 1000);
    assert_contains(err, "timed out after 200 ms");
    assert_no_children();
    assert_int_equal(count_fds(), fds);
}

static void test_exec_output_cap(void **state)
{
    cchc_figures_t f = {0};
    char err[512];
    int fds = count_fds();
    int64_t t0 = now_ms();
    assert_int_equal(run_exec("yes 'a 1'", 10000, &f, err, sizeof err), -1);
    assert_in_range(now_ms() - t0, 0, 5000);
    assert_string_equal(err, "source tickets: command wrote more than 1 MiB to stdout (killed; at "
                             "most 1048576 bytes of \"indicator value\" lines expected)");
    assert_no_children();

    assert_int_equal(run_exec("head -c 1048577 /dev/zero", 10000, &f, err, sizeof err), -1);
    assert_contains(err, "more than 1 MiB");

    /* Exactly 1 MiB is allowed (and here fails only for what it says). */
    assert_int_equal(run_exec("head -c 1048576 /dev/zero | tr '\\0' ' '", 10000, &f, err,
                              sizeof err),
                     0);
    assert_int_equal(f.n, 0);

    /* Lots of stderr neither blocks the command nor grows without bound. */
    assert_int_equal(run_exec("head -c 3000000 /dev/zero | tr '\\0' x >&2; echo a 1", 10000, &f,
                              err, sizeof err),
                     0);
    assert_int_equal(value_of(&f, "a"), 1);
    cchc_figures_free(&f);
    assert_no_children();
    assert_int_equal(count_fds(), fds);
}

/* ---- file source ------------------------------------------------------------------------ */

typedef struct {
    char dir[256];
} tmpdir_t;

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int dir_setup(void **state)
{
    tmpdir_t *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/cchc-src-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int dir_teardown(void **state)
{
    tmpdir_t *t = *state;
    nftw(t->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int run_file(const char *path, const char *format, cchc_figures_t *f, char *err,
                    size_t errlen)
{
    cchc_source_conf_t conf = {
        .name = (char *)"export",
        .type = (char *)"file",
        .path = (char *)path,
        .format = (char *)format,
    };
    err[0] = '\0';
    return cchc_source_type_find("file")->read(&conf, f, err, errlen);
}

static void test_file_source(void **state)
{
    tmpdir_t *t = *state;
    char csv[300], kv[300], missing[300], big[300], bad[300], want[800];
    snprintf(csv, sizeof csv, "%s/figures.CSV", t->dir);
    snprintf(kv, sizeof kv, "%s/figures.txt", t->dir);
    snprintf(missing, sizeof missing, "%s/none.csv", t->dir);
    snprintf(big, sizeof big, "%s/big.csv", t->dir);
    snprintf(bad, sizeof bad, "%s/bad.kv", t->dir);
    write_text(csv, "\xEF\xBB\xBFindicator,value\r\ndossier_received,120\r\n\"on_time\",\"99\"\r\n");
    write_text(kv, "# from the one-stop shop\ndossier_received = 7\nlate=1\n");
    write_text(bad, "a=1\nb=two\n");

    cchc_figures_t f = {0};
    char err[1024];
    /* auto: .csv (any case) is CSV, anything else is kv. */
    assert_int_equal(run_file(csv, "auto", &f, err, sizeof err), 0);
    assert_int_equal(f.n, 2);
    assert_int_equal(value_of(&f, "dossier_received"), 120);
    assert_int_equal(value_of(&f, "on_time"), 99);
    assert_int_equal(run_file(kv, NULL, &f, err, sizeof err), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(value_of(&f, "dossier_received"), 7);
    assert_int_equal(value_of(&f, "late"), 1);
    cchc_figures_free(&f);

    /* An explicit format wins over the extension. */
    assert_int_equal(run_file(kv, "csv", &f, err, sizeof err), -1);
    snprintf(want, sizeof want, "source export: %s: line 2: 1 field (2 expected: indicator,value)",
             kv);
    assert_string_equal(err, want);
    assert_int_equal(run_file(kv, "kv", &f, err, sizeof err), 0);
    cchc_figures_free(&f);

    assert_int_equal(run_file(bad, "auto", &f, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "source export: %s: line 2: value \"two\" of b is not a whole number (decimal digits "
             "with an optional sign expected)",
             bad);
    assert_string_equal(err, want);
    assert_int_equal(f.n, 0);

    assert_int_equal(run_file(missing, "auto", &f, err, sizeof err), -1);
    snprintf(want, sizeof want, "source export: cannot open %s: No such file or directory",
             missing);
    assert_string_equal(err, want);

    assert_int_equal(run_file(t->dir, "csv", &f, err, sizeof err), -1);
    snprintf(want, sizeof want, "source export: %s is not a regular file (an exported file expected)",
             t->dir);
    assert_string_equal(err, want);

    assert_int_equal(run_file(csv, "xls", &f, err, sizeof err), -1);
    assert_string_equal(err, "source export: format \"xls\" unknown (csv, kv or auto expected)");

    assert_int_equal(run_file("", "csv", &f, err, sizeof err), -1);
    assert_string_equal(err, "source export: no path set (path = the exported file expected)");

    /* Over 4 MiB is refused before parsing. */
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4 * 1024 * 1024 + 1), 0);
    close(fd);
    assert_int_equal(run_file(big, "auto", &f, err, sizeof err), -1);
    snprintf(want, sizeof want,
             "source export: %s is larger than 4 MiB (an export of at most 4194304 bytes expected)",
             big);
    assert_string_equal(err, want);
    assert_int_equal(f.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_set),
        cmocka_unit_test(test_source_type_find),
        cmocka_unit_test(test_cmd_accepts),
        cmocka_unit_test(test_cmd_rejects),
        cmocka_unit_test(test_cmd_many_indicators),
        cmocka_unit_test(test_kv),
        cmocka_unit_test(test_csv_accepts),
        cmocka_unit_test(test_csv_rejects),
        cmocka_unit_test(test_parsers_never_overread),
        cmocka_unit_test(test_exec_success),
        cmocka_unit_test(test_exec_failures),
        cmocka_unit_test(test_exec_timeout_kills_the_group),
        cmocka_unit_test(test_exec_output_cap),
        cmocka_unit_test_setup_teardown(test_file_source, dir_setup, dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
