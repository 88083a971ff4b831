/* JSON format: one object, one row object per line; numbers as numbers, no data as null.
 * The schema is documented in README.md ("Reports for Home Affairs"). */
#include <string.h>

#include "format.h"
#include "writer.h"

static int write_value(const cchc_column_t *col, const char *raw, FILE *out)
{
    if (raw == NULL)
        return fputs("null", out) < 0 ? -1 : 0;
    switch (col->type) {
    case CCHC_COL_INT:
    case CCHC_COL_DECIMAL:
    case CCHC_COL_PCT:
        /* PostgreSQL's text of a numeric is a JSON number; anything else (NaN) is no number */
        return fputs(cchc_fmt_is_json_number(raw) ? raw : "null", out) < 0 ? -1 : 0;
    case CCHC_COL_BOOL:
        if (strcmp(raw, "t") == 0 || strcmp(raw, "f") == 0)
            return fputs(raw[0] == 't' ? "true" : "false", out) < 0 ? -1 : 0;
        break;
    case CCHC_COL_TIME: {
        cchc_time_t t;
        char buf[48];
        if (cchc_fmt_time_parse(raw, &t) == 0)
            return cchc_fmt_json_string(out, cchc_fmt_time_iso(&t, buf, sizeof buf));
        break;
    }
    case CCHC_COL_TEXT:
    case CCHC_COL_CODE:
    case CCHC_COL_ENUM: /* the stable code, not the label */
    case CCHC_COL_DATE:
        break;
    }
    return cchc_fmt_json_string(out, raw);
}

static int write_rows(const cchc_section_t *s, FILE *out)
{
    size_t ncols = cchc_section_ncols(s), nrows = cchc_section_nrows(s);
    fputs("[", out);
    for (size_t row = 0; row < nrows; row++) {
        fputs(row == 0 ? "\n    {" : ",\n    {", out);
        for (size_t c = 0; c < ncols; c++) {
            const cchc_column_t *col = cchc_section_column(s, c);
            if (c > 0)
                fputs(", ", out);
            if (cchc_fmt_json_string(out, col->key) != 0 || fputs(": ", out) < 0 ||
                write_value(col, cchc_section_cell(s, row, c), out) != 0)
                return -1;
        }
        fputs("}", out);
    }
    fputs(nrows > 0 ? "\n  ]" : "]", out);
    return ferror(out) ? -1 : 0;
}

static void field(FILE *out, const char *key, const char *value)
{
    fputs("  ", out);
    cchc_fmt_json_string(out, key);
    fputs(": ", out);
    if (value && *value)
        cchc_fmt_json_string(out, value);
    else
        fputs("null", out);
    fputs(",\n", out);
}

int cchc_write_json(const cchc_report_t *r, FILE *out)
{
    fputs("{\n", out);
    field(out, "report", cchc_report_name(r));
    field(out, "title", cchc_report_title(r));
    field(out, "period", cchc_report_period(r));
    field(out, "version", cchc_report_version(r));
    field(out, "lang", cchc_report_lang(r) == CCHC_LANG_EN ? "en" : "vi");
    field(out, "generated_at", cchc_report_generated_at(r));
    size_t n = cchc_report_section_count(r);
    for (size_t i = 0; i < n; i++) {
        const cchc_section_t *s = cchc_report_section(r, i);
        fputs("  ", out);
        /* the first section is "rows"; the others go by their key ("rates") */
        cchc_fmt_json_string(out, i == 0 ? "rows" : cchc_section_key(s));
        fputs(": ", out);
        if (write_rows(s, out) != 0)
            return -1;
        fputs(i + 1 < n ? ",\n" : "\n", out);
    }
    if (n == 0)
        fputs("  \"rows\": []\n", out);
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}
