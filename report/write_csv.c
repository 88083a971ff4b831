/* CSV format: RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with a BOM for spreadsheet programs. */
#include "format.h"
#include "writer.h"

#define CELL_BUF 96

int cchc_write_csv_section(const cchc_report_t *r, const cchc_section_t *s, FILE *out, bool bom)
{
    size_t ncols = cchc_section_ncols(s), nrows = cchc_section_nrows(s);
    if (bom)
        fputs("\xEF\xBB\xBF", out);
    for (size_t c = 0; c < ncols; c++) {
        if (c > 0)
            putc(',', out);
        if (cchc_fmt_csv_field(out, cchc_section_column(s, c)->header) != 0)
            return -1;
    }
    fputs("\r\n", out);
    for (size_t row = 0; row < nrows; row++) {
        for (size_t c = 0; c < ncols; c++) {
            char buf[CELL_BUF];
            const char *raw = cchc_section_cell(s, row, c);
            if (c > 0)
                putc(',', out);
            /* no data is an empty field, never 0 */
            const char *text = cchc_cell_display(cchc_section_column(s, c), raw, CCHC_STYLE_PLAIN,
                                                 cchc_report_lang(r), buf, sizeof buf);
            if (cchc_fmt_csv_field(out, text) != 0)
                return -1;
        }
        fputs("\r\n", out);
    }
    return ferror(out) ? -1 : 0;
}
