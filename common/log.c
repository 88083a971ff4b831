/* One line per event on stderr, each written with a single write(2) so processes never interleave. */
#include "log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* A write of up to PIPE_BUF (4096 on Linux) bytes to a pipe is never split by another
 * writer's, so a line is at most that long; a longer event is cut and says so. */
#define LOG_LINE_MAX 4096
#define LOG_CUT_MARK " log_truncated=true"

static const char *const level_names[] = {"debug", "info", "warn", "error"};

/* Set once by cchc_log_init before threads start; read-only afterwards. */
static char log_prog[64] = "cchc";
static atomic_int log_min_level = CCHC_LOG_INFO;

/* Contract in log.h. Call before starting threads: prog is copied (cut to 63 bytes). */
void cchc_log_init(const char *prog, cchc_log_level_t min_level)
{
    if (prog && prog[0])
        snprintf(log_prog, sizeof log_prog, "%s", prog);
    atomic_store(&log_min_level, (int)min_level);
}

/* Contract in log.h. Case does not matter. */
int cchc_log_level_parse(const char *text, cchc_log_level_t *out)
{
    if (!text)
        return -1;
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcasecmp(text, level_names[i]) == 0) {
            *out = (cchc_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

/* Writes all of buf, retrying after signals and short writes; gives up on other errors
 * (there is nowhere left to report them). */
static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* Contract in log.h. The line is built in a stack buffer, so threads share nothing but
 * the file descriptor; errno is preserved so a caller can log before reporting it. */
void cchc_log(cchc_log_level_t level, const char *event, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    const size_t cap = sizeof line - 1; /* room kept for the newline */
    int saved_errno = errno;
    struct timespec ts;
    struct tm tm;
    size_t n;
    int k;

    if ((int)level < atomic_load(&log_min_level))
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, cap, "ts=%Y-%m-%dT%H:%M:%S", &tm);
    k = snprintf(line + n, cap - n, ".%03ldZ level=%s prog=%s event=%s", ts.tv_nsec / 1000000L,
                 (unsigned)level < sizeof level_names / sizeof level_names[0] ? level_names[level] : "unknown", log_prog,
                 event && event[0] ? event : "-");
    if (k > 0)
        n = n + (size_t)k < cap ? n + (size_t)k : cap;
    if (fmt && fmt[0] && n + 1 < cap) {
        va_list ap;

        line[n++] = ' ';
        va_start(ap, fmt);
        k = vsnprintf(line + n, cap - n, fmt, ap);
        va_end(ap);
        if (k <= 0) {
            n--; /* nothing came of fmt: drop the separating space */
        } else if (n + (size_t)k >= cap) {
            n = cap - (sizeof LOG_CUT_MARK - 1);
            memcpy(line + n, LOG_CUT_MARK, sizeof LOG_CUT_MARK - 1);
            n = cap;
        } else {
            n += (size_t)k;
        }
    }
    line[n++] = '\n';
    write_all(STDERR_FILENO, line, n);
    errno = saved_errno;
}

/* Bytes in the UTF-8 sequence led by c (1 for ASCII and for stray bytes), so truncation
 * never splits a character such as the "â" of "Lai Châu". */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xF0 && c <= 0xF7)
        return 4;
    if (c >= 0xE0)
        return c <= 0xEF ? 3 : 1;
    if (c >= 0xC0)
        return 2;
    return 1;
}

/* How many output bytes s[i..] starts with: an escape, or a whole UTF-8 sequence. */
static size_t quoted_piece(const unsigned char *s, size_t *in_len)
{
    unsigned char c = s[0];

    *in_len = 1;
    if (c == '"' || c == '\\')
        return 2;
    if (c < 0x20 || c == 0x7F)
        return 4;
    if (c >= 0x80) {
        size_t want = utf8_len(c), got = 1;
        while (got < want && s[got] >= 0x80 && s[got] < 0xC0)
            got++;
        *in_len = got;
        return got;
    }
    return 1;
}

/* Contract in log.h. NULL quotes as "". When s does not fit, the output is still a
 * closed quoted string, ending in ... inside the quotes, and never splits a UTF-8
 * character. A buffer of fewer than 3 bytes gets the empty string. */
const char *cchc_log_quote(const char *s, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t need = 2, in, out = 0, limit;

    if (len == 0)
        return buf;
    if (len < 3) {
        /* Room for at most one quote: a lone '"' would be worse than nothing. */
        buf[0] = '\0';
        return buf;
    }
    for (const unsigned char *q = p; *q; q += in)
        need += quoted_piece(q, &in);
    /* Leave room for the closing quote and NUL, and for "..." when cutting. */
    limit = need + 1 <= len ? len - 2 : len >= 6 ? len - 5 : len - 2;
    buf[out++] = '"';
    for (; *p; p += in) {
        size_t piece = quoted_piece(p, &in);
        if (out + piece > limit)
            break;
        if (*p == '"' || *p == '\\') {
            buf[out++] = '\\';
            buf[out++] = (char)*p;
        } else if (*p < 0x20 || *p == 0x7F) {
            buf[out++] = '\\';
            buf[out++] = 'x';
            buf[out++] = hex[*p >> 4];
            buf[out++] = hex[*p & 0xF];
        } else {
            memcpy(buf + out, p, in);
            out += in;
        }
    }
    if (*p && len >= 6) {
        memcpy(buf + out, "...", 3);
        out += 3;
    }
    buf[out++] = '"';
    buf[out] = '\0';
    return buf;
}
