/* Pure text helpers of cchc-report: display width, CSV fields, JSON strings, exact decimals, times. */
#include "format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t first, last;
} cp_range_t;

/* Zero-width: combining marks (Vietnamese tone marks typed as a base letter plus
 * U+0300, U+0301, U+0303, U+0309, U+0323 ...), format characters, variation selectors. */
static const cp_range_t zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/* Two columns: East Asian Wide and Fullwidth (Unicode 15, main blocks and emoji). */
static const cp_range_t double_width[] = {
    {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
    {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
    {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
    {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
    {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
    {0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
    {0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
    {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x303E},
    {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
    {0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251},
    {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

static bool in_ranges(uint32_t cp, const cp_range_t *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].first)
            hi = mid;
        else if (cp > r[mid].last)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

int cchc_fmt_cp_width(unsigned long cp)
{
    if (cp >= 0x20 && cp < 0x7F) /* printable ASCII: most of every report */
        return 1;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (in_ranges((uint32_t)cp, zero_width, sizeof zero_width / sizeof *zero_width))
        return 0;
    if (in_ranges((uint32_t)cp, double_width, sizeof double_width / sizeof *double_width))
        return 2;
    return 1;
}

/* Decodes one UTF-8 sequence at s. Returns its length (1..4) and the code point in
 * *cp, or 0 if s does not start a valid, shortest-form sequence. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

size_t cchc_fmt_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        if (*p >= 0x20 && *p < 0x7F) { /* printable ASCII: one column, no decoding */
            w++;
            p++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 0) {
            w++;
            p++;
            continue;
        }
        w += (size_t)cchc_fmt_cp_width(cp);
        p += n;
    }
    return w;
}

int cchc_fmt_csv_field(FILE *out, const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ';
    if (!quote)
        return fputs(s, out) < 0 ? -1 : 0;
    if (putc('"', out) == EOF)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && putc('"', out) == EOF)
            return -1;
        if (putc(*p, out) == EOF)
            return -1;
    }
    return putc('"', out) == EOF ? -1 : 0;
}

int cchc_fmt_json_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (putc('"', out) == EOF)
        return -1;
    while (*p) {
        int rc;
        if (*p == '"' || *p == '\\') {
            rc = fprintf(out, "\\%c", *p);
            p++;
        } else if (*p < 0x20) {
            switch (*p) {
            case '\n': rc = fputs("\\n", out); break;
            case '\r': rc = fputs("\\r", out); break;
            case '\t': rc = fputs("\\t", out); break;
            case '\b': rc = fputs("\\b", out); break;
            case '\f': rc = fputs("\\f", out); break;
            default: rc = fprintf(out, "\\u%04x", *p); break;
            }
            p++;
        } else if (*p < 0x80) {
            rc = putc(*p, out);
            p++;
        } else {
            uint32_t cp;
            size_t n = utf8_decode(p, &cp);
            if (n == 0) {
                rc = fputs("\xEF\xBF\xBD", out); /* U+FFFD */
                p++;
            } else {
                rc = fwrite(p, 1, n, out) == n ? 0 : EOF;
                p += n;
            }
        }
        if (rc < 0)
            return -1;
    }
    return putc('"', out) == EOF ? -1 : 0;
}

bool cchc_fmt_is_json_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* Appends text to out at *o; false when it does not fit (with the NUL). */
static bool put(char *out, size_t len, size_t *o, const char *text, size_t n)
{
    if (*o + n >= len)
        return false;
    memcpy(out + *o, text, n);
    *o += n;
    out[*o] = '\0';
    return true;
}

int cchc_fmt_decimal(const char *num, int decimals, const cchc_numfmt_t *nf, char *out, size_t len)
{
    if (len == 0)
        return -1;
    out[0] = '\0';
    const char *p = num;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    size_t ni = strspn(p, "0123456789");
    const char *ip = p;
    p += ni;
    size_t nfrac = 0;
    const char *fp = NULL;
    if (*p == '.') {
        fp = ++p;
        nfrac = strspn(p, "0123456789");
        p += nfrac;
    }
    if (*p != '\0' || (ni == 0 && nfrac == 0))
        return -1;

    /* digits = integer part (with one leading 0 for a carry) + the kept fraction */
    size_t keep = decimals < 0 ? nfrac : (size_t)decimals;
    size_t nd = 1 + ni + keep;
    char *d = malloc(nd + 1);
    if (d == NULL)
        return -1;
    d[0] = '0';
    memcpy(d + 1, ip, ni);
    for (size_t i = 0; i < keep; i++)
        d[1 + ni + i] = i < nfrac ? fp[i] : '0';
    d[nd] = '\0';
    if (keep < nfrac && fp[keep] >= '5') {
        /* half away from zero: round the magnitude up */
        size_t i = nd;
        while (i-- > 0) {
            if (d[i] == '9') {
                d[i] = '0';
            } else {
                d[i]++;
                break;
            }
        }
    }
    /* integer digits without leading zeros (at least one) */
    size_t int_len = 1 + ni, start = 0;
    while (start + 1 < int_len && d[start] == '0')
        start++;
    bool zero = strspn(d, "0") == nd;

    size_t o = 0;
    bool ok = true;
    if (neg && !zero)
        ok = put(out, len, &o, "-", 1);
    else if (nf->plus && !zero)
        ok = put(out, len, &o, "+", 1);
    size_t glen = strlen(nf->group);
    for (size_t i = start; ok && i < int_len; i++) {
        ok = put(out, len, &o, &d[i], 1);
        size_t left = int_len - i - 1;
        if (ok && glen > 0 && left > 0 && left % 3 == 0)
            ok = put(out, len, &o, nf->group, glen);
    }
    if (ok && keep > 0) {
        ok = put(out, len, &o, &nf->point, 1) && put(out, len, &o, d + int_len, keep);
    }
    free(d);
    if (!ok) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* Reads exactly n digits at *p into *v and advances; false if they are not digits. */
static bool take_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return true;
}

int cchc_fmt_time_parse(const char *text, cchc_time_t *t)
{
    const char *p = text;
    int sec;
    memset(t, 0, sizeof *t);
    if (!take_digits(&p, 4, &t->year) || *p++ != '-' || !take_digits(&p, 2, &t->month) ||
        *p++ != '-' || !take_digits(&p, 2, &t->day) || (*p != ' ' && *p != 'T'))
        return -1;
    p++;
    if (!take_digits(&p, 2, &t->hour) || *p++ != ':' || !take_digits(&p, 2, &t->minute) ||
        *p++ != ':' || !take_digits(&p, 2, &sec))
        return -1;
    t->second = sec;
    if (*p == '.') {
        p++;
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n >= sizeof t->frac)
            return -1;
        memcpy(t->frac, p, n);
        t->frac[n] = '\0';
        double scale = 0.1;
        for (size_t i = 0; i < n; i++, scale /= 10)
            t->second += (p[i] - '0') * scale;
        p += n;
    }
    if (*p == 'Z') {
        strcpy(t->offset, "+00:00");
        p++;
    } else if (*p == '+' || *p == '-') {
        char sign = *p++;
        int oh, om = 0, os = 0;
        if (!take_digits(&p, 2, &oh))
            return -1;
        if (*p == ':') {
            p++;
            if (!take_digits(&p, 2, &om))
                return -1;
            if (*p == ':') {
                p++;
                if (!take_digits(&p, 2, &os))
                    return -1;
            }
        }
        (void)os; /* historical second offsets: shown to the minute */
        snprintf(t->offset, sizeof t->offset, "%c%02d:%02d", sign, oh, om);
    }
    if (*p != '\0' || t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31 || t->hour > 24 ||
        t->minute > 59 || sec > 60)
        return -1;
    return 0;
}

const char *cchc_fmt_time_iso(const cchc_time_t *t, char *out, size_t len)
{
    snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d%s%s%s", t->year, t->month, t->day, t->hour,
             t->minute, (int)t->second, t->frac[0] ? "." : "", t->frac, t->offset);
    return out;
}

const char *cchc_fmt_time_short(const cchc_time_t *t, char *out, size_t len)
{
    snprintf(out, len, "%04d-%02d-%02d %02d:%02d:%02d%s%s", t->year, t->month, t->day, t->hour,
             t->minute, (int)t->second, t->offset[0] ? " " : "", t->offset);
    return out;
}
