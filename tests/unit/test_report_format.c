/* cchc-report's pure formatting: display width, CSV fields, JSON strings, exact decimals,
 * times, and the table / CSV / JSON writers on a small hand-made report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "i18n.h"
#include "model.h"
#include "writer.h"

/* Runs fn on a memory stream and returns what it wrote (the caller frees it). */
typedef int (*write_fn)(FILE *out, const void *arg);

static char *capture(write_fn fn, const void *arg, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *rc = fn(f, arg);
    fclose(f);
    return buf;
}

static int csv_field(FILE *out, const void *s) { return cchc_fmt_csv_field(out, s); }
static int json_string(FILE *out, const void *s) { return cchc_fmt_json_string(out, s); }

static void assert_csv(const char *in, const char *want)
{
    int rc;
    char *got = capture(csv_field, in, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
}

static void assert_json(const char *in, const char *want)
{
    int rc;
    char *got = capture(json_string, in, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, want);
    free(got);
}

static void test_width_ascii_and_vietnamese(void **state)
{
    (void)state;
    assert_int_equal(cchc_fmt_width(""), 0);
    assert_int_equal(cchc_fmt_width("LC"), 2);
    /* precomposed letters (ỉ, â, ố, ạ, ...) are one column each, though 2-3 bytes */
    assert_int_equal(cchc_fmt_width("Tỉnh Lai Châu"), 13);
    assert_true(strlen("Tỉnh Lai Châu") > 13);
    assert_int_equal(cchc_fmt_width("Sở Nội vụ"), 9);
    assert_int_equal(cchc_fmt_width("Số hồ sơ giải quyết trước và đúng hạn"), 37);
    assert_int_equal(cchc_fmt_width("Đạt"), 3);
    assert_int_equal(cchc_fmt_width("Chưa có số liệu"), 15);
    assert_int_equal(cchc_fmt_width("Phòng Hành chính – Quản trị"), 27); /* en dash: 1 */
    assert_int_equal(cchc_fmt_width("—"), 1);                           /* em dash: 1 */
}

static void test_width_combining_wide_invalid(void **state)
{
    (void)state;
    /* decomposed: "a" + U+0301 (acute), "e" + U+0302 + U+0301 ("ế" typed with two marks) */
    assert_int_equal(cchc_fmt_width("a\xCC\x81"), 1);
    assert_int_equal(cchc_fmt_width("e\xCC\x82\xCC\x81"), 1);
    /* "Tỉnh" with the hook above (U+0309) as a combining mark: still 4 */
    assert_int_equal(cchc_fmt_width("Ti\xCC\x89nh"), 4);
    /* dot below U+0323 */
    assert_int_equal(cchc_fmt_width("a\xCC\xA3"), 1);
    /* East Asian wide: 2 each */
    assert_int_equal(cchc_fmt_width("中文"), 4);
    assert_int_equal(cchc_fmt_width("ｱ"), 1);  /* halfwidth katakana */
    assert_int_equal(cchc_fmt_width("Ａ"), 2); /* fullwidth A */
    /* zero-width space and BOM */
    assert_int_equal(cchc_fmt_width("a\xE2\x80\x8B" "b"), 2);
    assert_int_equal(cchc_fmt_width("\xEF\xBB\xBF" "ab"), 2);
    /* control characters take no column */
    assert_int_equal(cchc_fmt_width("a\tb"), 2);
    /* invalid UTF-8: each bad byte 1 (a lone continuation, a truncated sequence,
     * an overlong "/" and a surrogate) */
    assert_int_equal(cchc_fmt_width("\x80"), 1);
    assert_int_equal(cchc_fmt_width("\xE1\xBB"), 2);
    assert_int_equal(cchc_fmt_width("\xC0\xAF"), 2);
    assert_int_equal(cchc_fmt_width("\xED\xA0\x80"), 3);
    assert_int_equal(cchc_fmt_cp_width(0x0300), 0);
    assert_int_equal(cchc_fmt_cp_width(0x1EA1), 1); /* ạ */
    assert_int_equal(cchc_fmt_cp_width(0x4E00), 2);
    assert_int_equal(cchc_fmt_cp_width(0x1F600), 2);
}

static void test_csv_quoting(void **state)
{
    (void)state;
    assert_csv("plain", "plain");
    assert_csv("Tỉnh Lai Châu", "Tỉnh Lai Châu");
    assert_csv("", "");
    assert_csv(NULL, "");
    assert_csv("a,b", "\"a,b\"");
    assert_csv("say \"hi\"", "\"say \"\"hi\"\"\"");
    assert_csv("\"", "\"\"\"\"");
    assert_csv("two\nlines", "\"two\nlines\"");
    assert_csv("cr\r", "\"cr\r\"");
    assert_csv(" lead", "\" lead\"");
    assert_csv("trail ", "\"trail \"");
    assert_csv("in side", "in side");
    assert_csv("Tỷ lệ khai thác, sử dụng lại", "\"Tỷ lệ khai thác, sử dụng lại\"");
    assert_csv("≥", "≥");
}

static void test_json_escaping(void **state)
{
    (void)state;
    assert_json("", "\"\"");
    assert_json(NULL, "\"\"");
    assert_json("abc", "\"abc\"");
    assert_json("a\"b", "\"a\\\"b\"");
    assert_json("a\\b", "\"a\\\\b\"");
    assert_json("l1\nl2\r\t", "\"l1\\nl2\\r\\t\"");
    assert_json("\b\f", "\"\\b\\f\"");
    assert_json("\x01\x1f", "\"\\u0001\\u001f\"");
    assert_json("/", "\"/\"");
    assert_json("Đạt – Chưa đạt", "\"Đạt – Chưa đạt\"");
    assert_json("中", "\"中\"");
    assert_json("\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\"");
    /* not UTF-8: each bad byte becomes U+FFFD, the text around it stays */
    assert_json("a\xFF" "b", "\"a\xEF\xBF\xBD" "b\"");
    assert_json("\xC3", "\"\xEF\xBF\xBD\"");
    assert_json("\xE1\xBB" "x", "\"\xEF\xBF\xBD\xEF\xBF\xBD" "x\"");
    assert_json("\x7f", "\"\x7f\"");
}

static void test_json_number(void **state)
{
    (void)state;
    assert_true(cchc_fmt_is_json_number("0"));
    assert_true(cchc_fmt_is_json_number("-12"));
    assert_true(cchc_fmt_is_json_number("80.000"));
    assert_true(cchc_fmt_is_json_number("85.7142857142857143"));
    assert_true(cchc_fmt_is_json_number("-0.5"));
    assert_true(cchc_fmt_is_json_number("1e5"));
    assert_true(cchc_fmt_is_json_number("1.5E-3"));
    assert_false(cchc_fmt_is_json_number(""));
    assert_false(cchc_fmt_is_json_number("NaN"));
    assert_false(cchc_fmt_is_json_number("Infinity"));
    assert_false(cchc_fmt_is_json_number("012"));
    assert_false(cchc_fmt_is_json_number("1."));
    assert_false(cchc_fmt_is_json_number(".5"));
    assert_false(cchc_fmt_is_json_number("+1"));
    assert_false(cchc_fmt_is_json_number("1 "));
}

static void assert_dec(const char *num, int decimals, char point, const char *group, bool plus,
                       const char *want)
{
    char out[64];
    cchc_numfmt_t nf = {point, group, plus};
    assert_int_equal(cchc_fmt_decimal(num, decimals, &nf, out, sizeof out), 0);
    assert_string_equal(out, want);
}

static void test_decimal_rounding(void **state)
{
    (void)state;
    /* half away from zero, like PostgreSQL's round(numeric) */
    assert_dec("2.345", 2, '.', "", false, "2.35");
    assert_dec("2.344999", 2, '.', "", false, "2.34");
    assert_dec("-2.345", 2, '.', "", false, "-2.35");
    assert_dec("99.995", 2, '.', "", false, "100.00");
    assert_dec("99.994999999999999999999", 2, '.', "", false, "99.99");
    assert_dec("999.9999", 2, '.', "", false, "1000.00");
    assert_dec("80", 2, '.', "", false, "80.00");
    assert_dec("80.000", 2, '.', "", false, "80.00");
    assert_dec("85.7142857142857143", 2, '.', "", false, "85.71");
    assert_dec("0.005", 2, '.', "", false, "0.01");
    assert_dec("0.004", 2, '.', "", false, "0.00");
    /* a value that rounds to zero has no sign */
    assert_dec("-0.004", 2, '.', "", false, "0.00");
    assert_dec("-0", 0, '.', "", false, "0");
    assert_dec("0", 2, '.', "", true, "0.00");
    /* integers, rounded to whole numbers */
    assert_dec("1260", 0, '.', "", false, "1260");
    assert_dec("1260.5", 0, '.', "", false, "1261");
    assert_dec("007", 0, '.', "", false, "7");
    /* decimals < 0 keeps the digits as written */
    assert_dec("80.000", -1, '.', "", false, "80.000");
    assert_dec("12", -1, '.', "", false, "12");
    /* exact far beyond a double */
    assert_dec("123456789012345678901234567890.125", 2, '.', "", false,
               "123456789012345678901234567890.13");
}

static void test_decimal_separators(void **state)
{
    (void)state;
    /* Vietnamese: '.' groups thousands, ',' is the decimal point */
    assert_dec("1234567", 0, ',', ".", false, "1.234.567");
    assert_dec("1234567.891", 2, ',', ".", false, "1.234.567,89");
    assert_dec("85.71428", 2, ',', ".", false, "85,71");
    assert_dec("-1234", 0, ',', ".", false, "-1.234");
    assert_dec("999", 0, ',', ".", false, "999");
    assert_dec("1000", 0, ',', ".", false, "1.000");
    assert_dec("100000", 0, ',', ".", false, "100.000");
    /* English */
    assert_dec("1234567.891", 2, '.', ",", false, "1,234,567.89");
    assert_dec("999999.999", 2, '.', ",", false, "1,000,000.00");
    /* gaps carry a sign */
    assert_dec("5.2380952", 2, '.', "", true, "+5.24");
    assert_dec("-3.2", 2, ',', ".", true, "-3,20");
}

static void test_decimal_refused(void **state)
{
    (void)state;
    char out[64], tiny[4];
    cchc_numfmt_t nf = {'.', "", false};
    assert_int_equal(cchc_fmt_decimal("", 2, &nf, out, sizeof out), -1);
    assert_int_equal(cchc_fmt_decimal("NaN", 2, &nf, out, sizeof out), -1);
    assert_int_equal(cchc_fmt_decimal("1e5", 2, &nf, out, sizeof out), -1);
    assert_int_equal(cchc_fmt_decimal("1.2.3", 2, &nf, out, sizeof out), -1);
    assert_int_equal(cchc_fmt_decimal("-", 2, &nf, out, sizeof out), -1);
    assert_int_equal(cchc_fmt_decimal(".", 2, &nf, out, sizeof out), -1);
    assert_int_equal(cchc_fmt_decimal("12 ", 2, &nf, out, sizeof out), -1);
    /* too small a buffer: refused, not cut */
    assert_int_equal(cchc_fmt_decimal("12345", 0, &nf, tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "");
    assert_int_equal(cchc_fmt_decimal(".5", 0, &nf, out, sizeof out), 0);
    assert_string_equal(out, "1");
}

static void test_time(void **state)
{
    (void)state;
    cchc_time_t t;
    char out[48];
    assert_int_equal(cchc_fmt_time_parse("2026-10-05 09:12:00+07", &t), 0);
    assert_string_equal(cchc_fmt_time_iso(&t, out, sizeof out), "2026-10-05T09:12:00+07:00");
    assert_string_equal(cchc_fmt_time_short(&t, out, sizeof out), "2026-10-05 09:12:00 +07:00");
    assert_int_equal(cchc_fmt_time_parse("2026-10-05 09:12:07.123456+05:30", &t), 0);
    assert_string_equal(cchc_fmt_time_iso(&t, out, sizeof out), "2026-10-05T09:12:07.123456+05:30");
    assert_true(t.second > 7.1234 && t.second < 7.1235);
    assert_int_equal(cchc_fmt_time_parse("1901-01-01 00:00:00-03:30:15", &t), 0);
    assert_string_equal(cchc_fmt_time_iso(&t, out, sizeof out), "1901-01-01T00:00:00-03:30");
    assert_int_equal(cchc_fmt_time_parse("2026-10-05T09:12:00Z", &t), 0);
    assert_string_equal(cchc_fmt_time_iso(&t, out, sizeof out), "2026-10-05T09:12:00+00:00");
    assert_int_equal(cchc_fmt_time_parse("2026-10-05 09:12:00", &t), 0);
    assert_string_equal(cchc_fmt_time_iso(&t, out, sizeof out), "2026-10-05T09:12:00");
    assert_int_equal(cchc_fmt_time_parse("2026-10-05", &t), -1);
    assert_int_equal(cchc_fmt_time_parse("2026-13-05 09:12:00+07", &t), -1);
    assert_int_equal(cchc_fmt_time_parse("2026-10-05 09:12:00+07 ", &t), -1);
    assert_int_equal(cchc_fmt_time_parse("infinity", &t), -1);
}

/* A small report: a parent and a child unit, a figure reported and one not. */
static const cchc_label_t status_labels[] = {{"met", "Đạt"}, {"not_met", "Chưa đạt"}, {NULL, NULL}};

static cchc_report_t *sample(void)
{
    cchc_report_t *r = cchc_report_new("summary", "2026-Q3", "revised", "Tổng hợp quý III/2026",
                                       "2026-11-23T00:00:00Z", CCHC_LANG_VI);
    assert_non_null(r);
    cchc_section_t *s = cchc_report_add_section(r, "figures", "Số liệu", "Số liệu");
    assert_non_null(s);
    const cchc_column_t cols[] = {
        {.key = "unit_code", .header = "Mã", .type = CCHC_COL_CODE, .flags = CCHC_COLF_TABLE_HIDE, .group = 1},
        {.key = "unit_name", .header = "Đơn vị", .type = CCHC_COL_TEXT, .flags = CCHC_COLF_INDENT, .group = 1},
        {.key = "depth", .header = "Cấp", .type = CCHC_COL_INT,
         .flags = CCHC_COLF_TABLE_HIDE | CCHC_COLF_DEPTH, .group = 1},
        {.key = "value", .header = "Số liệu", .type = CCHC_COL_INT},
        {.key = "pct", .header = "Tỷ lệ (%)", .type = CCHC_COL_PCT},
        {.key = "status", .header = "Kết quả", .type = CCHC_COL_ENUM, .labels = status_labels},
        {.key = "note", .header = "Ghi chú", .type = CCHC_COL_TEXT},
    };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        assert_int_equal(cchc_section_add_column(s, &cols[i]), (int)i);
    const char *rows[][7] = {
        {"LC", "Tỉnh Lai Châu", "0", "1234567", "85.7142857", "met", "a, \"b\""},
        {"LC", "Tỉnh Lai Châu", "0", NULL, NULL, "not_met", NULL},
        {"SNV", "Sở Nội vụ", "1", "0", "100", NULL, "x"},
    };
    for (size_t i = 0; i < 3; i++) {
        long row = cchc_section_add_row(s);
        assert_int_equal(row, (long)i);
        for (size_t c = 0; c < 7; c++)
            assert_int_equal(cchc_section_set(s, (size_t)row, c, rows[i][c]), 0);
    }
    cchc_section_mark(s, 1, CCHC_MARK_BAD);
    assert_int_equal(cchc_report_add_note(r, "— = chưa báo cáo"), 0);
    return r;
}

static int table(FILE *out, const void *r) { return cchc_write_table(r, out); }
static int json(FILE *out, const void *r) { return cchc_write_json(r, out); }
static int csv(FILE *out, const void *r)
{
    return cchc_write_csv_section(r, cchc_report_section(r, 0), out, true);
}

static void test_table_writer(void **state)
{
    (void)state;
    cchc_report_t *r = sample();
    int rc;
    char *got = capture(table, r, &rc);
    assert_int_equal(rc, 0);
    /* aligned by display width: the Vietnamese names take fewer columns than bytes; the
     * repeated unit is left blank; the child indented; no figure is '—', never 0; the
     * row marked bad has '!'; no trailing blanks */
    assert_string_equal(got,
        "Tổng hợp quý III/2026\n"
        "\n"
        "Số liệu\n"
        "   Đơn vị           Số liệu  Tỷ lệ (%)  Kết quả   Ghi chú\n"
        "-  -------------  ---------  ---------  --------  -------\n"
        "   Tỉnh Lai Châu  1.234.567      85,71  Đạt       a, \"b\"\n"
        "!                         —          —  Chưa đạt  —\n"
        "     Sở Nội vụ            0     100,00  —         x\n"
        "\n"
        "— = chưa báo cáo\n");
    free(got);
    cchc_report_destroy(&r);
    assert_null(r);
    cchc_report_destroy(&r); /* NULL is fine */
}

static void test_csv_writer(void **state)
{
    (void)state;
    cchc_report_t *r = sample();
    int rc;
    char *got = capture(csv, r, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got,
        "\xEF\xBB\xBF"
        "Mã,Đơn vị,Cấp,Số liệu,Tỷ lệ (%),Kết quả,Ghi chú\r\n"
        "LC,Tỉnh Lai Châu,0,1234567,85.71,Đạt,\"a, \"\"b\"\"\"\r\n"
        "LC,Tỉnh Lai Châu,0,,,Chưa đạt,\r\n"
        "SNV,Sở Nội vụ,1,0,100.00,,x\r\n");
    free(got);
    cchc_report_destroy(&r);
}

static void test_json_writer(void **state)
{
    (void)state;
    cchc_report_t *r = sample();
    int rc;
    char *got = capture(json, r, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got,
        "{\n"
        "  \"report\": \"summary\",\n"
        "  \"title\": \"Tổng hợp quý III/2026\",\n"
        "  \"period\": \"2026-Q3\",\n"
        "  \"version\": \"revised\",\n"
        "  \"lang\": \"vi\",\n"
        "  \"generated_at\": \"2026-11-23T00:00:00Z\",\n"
        "  \"rows\": [\n"
        "    {\"unit_code\": \"LC\", \"unit_name\": \"Tỉnh Lai Châu\", \"depth\": 0, \"value\": 1234567, "
        "\"pct\": 85.7142857, \"status\": \"met\", \"note\": \"a, \\\"b\\\"\"},\n"
        "    {\"unit_code\": \"LC\", \"unit_name\": \"Tỉnh Lai Châu\", \"depth\": 0, \"value\": null, "
        "\"pct\": null, \"status\": \"not_met\", \"note\": null},\n"
        "    {\"unit_code\": \"SNV\", \"unit_name\": \"Sở Nội vụ\", \"depth\": 1, \"value\": 0, "
        "\"pct\": 100, \"status\": null, \"note\": \"x\"}\n"
        "  ]\n"
        "}\n");
    free(got);
    cchc_report_destroy(&r);
}

static void test_cell_display(void **state)
{
    (void)state;
    char buf[64];
    cchc_column_t pct = {.key = "pct", .header = "%", .type = CCHC_COL_PCT};
    assert_string_equal(cchc_cell_display(&pct, "85.715", CCHC_STYLE_TABLE, CCHC_LANG_VI, buf, sizeof buf), "85,72");
    assert_string_equal(cchc_cell_display(&pct, "85.715", CCHC_STYLE_TABLE, CCHC_LANG_EN, buf, sizeof buf), "85.72");
    assert_string_equal(cchc_cell_display(&pct, "85.715", CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf), "85.72");
    assert_string_equal(cchc_cell_display(&pct, NULL, CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf), "");
    cchc_column_t b = {.key = "late", .header = "late", .type = CCHC_COL_BOOL,
                       .labels = cchc_labels(CCHC_LABELS_LATE, CCHC_LANG_VI)};
    assert_string_equal(cchc_cell_display(&b, "t", CCHC_STYLE_TABLE, CCHC_LANG_VI, buf, sizeof buf), "trễ hạn");
    cchc_column_t st = {.key = "status", .header = "s", .type = CCHC_COL_ENUM,
                        .labels = cchc_labels(CCHC_LABELS_TARGET_STATUS, CCHC_LANG_VI)};
    assert_string_equal(cchc_cell_display(&st, "met", CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf), "Đạt");
    assert_string_equal(cchc_cell_display(&st, "not_met", CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf), "Chưa đạt");
    assert_string_equal(cchc_cell_display(&st, "no_data", CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf), "Chưa có số liệu");
    st.labels = cchc_labels(CCHC_LABELS_TARGET_STATUS, CCHC_LANG_EN);
    assert_string_equal(cchc_cell_display(&st, "not_met", CCHC_STYLE_PLAIN, CCHC_LANG_EN, buf, sizeof buf), "not met");
    assert_string_equal(cchc_cell_display(&st, "other", CCHC_STYLE_PLAIN, CCHC_LANG_EN, buf, sizeof buf), "other");
    cchc_column_t t = {.key = "at", .header = "at", .type = CCHC_COL_TIME};
    assert_string_equal(cchc_cell_display(&t, "2026-10-05 09:12:00+07", CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf),
                        "2026-10-05T09:12:00+07:00");
    cchc_column_t gap = {.key = "gap", .header = "gap", .type = CCHC_COL_DECIMAL,
                         .flags = CCHC_COLF_SIGNED, .decimals = 2};
    assert_string_equal(cchc_cell_display(&gap, "0.1587", CCHC_STYLE_PLAIN, CCHC_LANG_VI, buf, sizeof buf), "+0.16");
    assert_string_equal(cchc_cell_display(&gap, "-10", CCHC_STYLE_TABLE, CCHC_LANG_VI, buf, sizeof buf), "-10,00");
}

static void test_misc(void **state)
{
    (void)state;
    cchc_format_t f;
    assert_int_equal(cchc_format_parse("xlsx", &f), 0);
    assert_int_equal(f, CCHC_FORMAT_XLSX);
    assert_int_equal(cchc_format_parse("XLSX", &f), -1);
    assert_int_equal(cchc_format_parse("pdf", &f), -1);
    cchc_lang_t l;
    assert_int_equal(cchc_lang_parse("en", &l), 0);
    assert_int_equal(l, CCHC_LANG_EN);
    assert_int_equal(cchc_lang_parse("fr", &l), -1);
    char *p = cchc_writer_sibling_path("out/q3.csv", "rates");
    assert_string_equal(p, "out/q3-rates.csv");
    free(p);
    p = cchc_writer_sibling_path("out.d/q3", "rates");
    assert_string_equal(p, "out.d/q3-rates");
    free(p);
    p = cchc_writer_sibling_path(".hidden", "rates");
    assert_string_equal(p, ".hidden-rates");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width_ascii_and_vietnamese),
        cmocka_unit_test(test_width_combining_wide_invalid),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_number),
        cmocka_unit_test(test_decimal_rounding),
        cmocka_unit_test(test_decimal_separators),
        cmocka_unit_test(test_decimal_refused),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_cell_display),
        cmocka_unit_test(test_table_writer),
        cmocka_unit_test(test_csv_writer),
        cmocka_unit_test(test_json_writer),
        cmocka_unit_test(test_misc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
