/* log: levelled logging to stderr or syslog, with rate limiting of repeated messages. */
#ifndef PHAROS_LOG_H
#define PHAROS_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* log_init: name the program, set the level, and log to syslog when to_syslog is set
 * (stderr otherwise; under systemd stderr reaches the journal). */
void log_init(const char *progname, enum log_level level, int to_syslog);

/* log_set_level: change the level (SIGHUP applies a new log_level this way). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* log_level_parse: "error", "warning", "info", "debug" to a level; 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);

/* log_warn appends ": strerror(errno)"; the x variants do not. fatal/fatalx exit(1). */
void log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_warnx(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_info(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_debug(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_err(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_errx(const char *fmt, ...) PRINTF_LIKE(1, 2);
__attribute__((noreturn)) void fatal(const char *fmt, ...) PRINTF_LIKE(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* log_vmsg: the primitive the helpers use; errnum 0 means no strerror suffix. */
void log_vmsg(enum log_level level, int errnum, const char *fmt, va_list ap);

/* log_suppressed: how many messages rate limiting has dropped since start. */
unsigned long log_suppressed(void);

#endif
