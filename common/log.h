/* One line per event on stderr: "ts=... level=... prog=... event=... key=value ...". */
#ifndef CCHC_LOG_H
#define CCHC_LOG_H

#include <stdarg.h>
#include <stddef.h>

typedef enum { CCHC_LOG_DEBUG = 0, CCHC_LOG_INFO, CCHC_LOG_WARN, CCHC_LOG_ERROR } cchc_log_level_t;

/* Sets the program name on every line and the lowest level printed. */
void cchc_log_init(const char *prog, cchc_log_level_t min_level);

/* Parses "debug", "info", "warn", "error". Returns 0 or -1. */
int cchc_log_level_parse(const char *text, cchc_log_level_t *out);

/* Logs `event` followed by the printf-formatted rest, which should be key=value pairs.
 * Values that may hold spaces should be formatted with %s of cchc_log_quote(). */
void cchc_log(cchc_log_level_t level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define cchc_debug(ev, ...) cchc_log(CCHC_LOG_DEBUG, ev, __VA_ARGS__)
#define cchc_info(ev, ...) cchc_log(CCHC_LOG_INFO, ev, __VA_ARGS__)
#define cchc_warn(ev, ...) cchc_log(CCHC_LOG_WARN, ev, __VA_ARGS__)
#define cchc_error(ev, ...) cchc_log(CCHC_LOG_ERROR, ev, __VA_ARGS__)

/* Quotes s for a log value ("..." with \" and \\ escaped, control bytes as \xNN)
 * into buf; returns buf. Truncates to fit. */
const char *cchc_log_quote(const char *s, char *buf, size_t len);

#endif
