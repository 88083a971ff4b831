/* Small helpers both daemons use: clocks, random bytes, hex and UUID text. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <zmq.h>

int64_t cchc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cchc_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t cchc_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cchc_random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

double cchc_random_unit(void)
{
    uint64_t r;
    if (cchc_random_bytes(&r, sizeof r) != 0)
        return 0.5;
    return (double)(r >> 11) / (double)(UINT64_C(1) << 53);
}

void cchc_uuid_format(const uint8_t id[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[id[i] >> 4];
        out[o++] = hex[id[i] & 15];
    }
    out[o] = '\0';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int cchc_uuid_parse(const char *text, uint8_t id[16])
{
    int n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-')
            continue;
        int hi = hexval((unsigned char)p[0]);
        int lo = p[1] ? hexval((unsigned char)p[1]) : -1;
        if (hi < 0 || lo < 0 || n >= 16)
            return -1;
        id[n++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    return n == 16 ? 0 : -1;
}

const char *cchc_time_format(int64_t unix_ms, char *out, size_t len)
{
    if (unix_ms == 0) {
        cchc_strlcpy(out, "never", len);
        return out;
    }
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

char *cchc_strlcpy(char *dst, const char *src, size_t len)
{
    size_t n = strlen(src);
    if (n >= len)
        n = len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

void cchc_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int cchc_monitor_recv(void *monitor, uint16_t *event, uint32_t *value)
{
    /* Two frames: 2 bytes event + 4 bytes value, then the endpoint (unused here). */
    zmq_msg_t ev, addr;
    zmq_msg_init(&ev);
    zmq_msg_init(&addr);
    int rc = -1;
    if (zmq_msg_recv(&ev, monitor, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&ev) &&
        zmq_msg_recv(&addr, monitor, ZMQ_DONTWAIT) >= 0 && zmq_msg_size(&ev) >= 6) {
        memcpy(event, zmq_msg_data(&ev), 2);
        memcpy(value, (uint8_t *)zmq_msg_data(&ev) + 2, 4);
        rc = 0;
    }
    zmq_msg_close(&ev);
    zmq_msg_close(&addr);
    return rc;
}
