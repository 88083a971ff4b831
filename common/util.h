/* Small helpers both daemons use: clocks, random bytes, hex and UUID text. */
#ifndef CCHC_UTIL_H
#define CCHC_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock time, Unix milliseconds. */
int64_t cchc_now_ms(void);

/* Monotonic time in milliseconds, for timeouts and intervals. */
int64_t cchc_mono_ms(void);
int64_t cchc_mono_us(void); /* the same clock in microseconds */

/* Fills buf with n bytes from getrandom(2). Returns 0 or -1 (errno set). */
int cchc_random_bytes(void *buf, size_t n);

/* A uniformly random double in [0, 1), from getrandom(2) (falls back to 0.5). */
double cchc_random_unit(void);

/* Writes 16 bytes as a lowercase UUID ("8-4-4-4-12") into out (at least 37 bytes). */
void cchc_uuid_format(const uint8_t id[16], char out[37]);

/* Parses the text of a UUID (with or without dashes) into 16 bytes. Returns 0 or -1. */
int cchc_uuid_parse(const char *text, uint8_t id[16]);

/* Formats Unix milliseconds as "2026-11-23T21:40:01Z" (UTC) into out (at least 32 bytes);
 * 0 is written as "never". Returns out. */
const char *cchc_time_format(int64_t unix_ms, char *out, size_t len);

/* Reads one event from a ZeroMQ socket monitor (zmq_socket_monitor's PAIR end)
 * without blocking. Returns 0 with the event and its value, or -1 if none was ready
 * or it was malformed. */
int cchc_monitor_recv(void *monitor, uint16_t *event, uint32_t *value);

/* snprintf into a caller's error buffer; a NULL err or errlen 0 is fine (nothing written). */
void cchc_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies src into dst (size len, len > 0), always NUL-terminated, truncating. Returns dst. */
char *cchc_strlcpy(char *dst, const char *src, size_t len);

#endif
