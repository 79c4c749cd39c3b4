/* mono: the one time type of pharos, microseconds on CLOCK_MONOTONIC, plus duration
 * parsing and printing. Wall time appears only in log lines. */
#ifndef PHAROS_MONO_H
#define PHAROS_MONO_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t usec_t;

#define USEC_PER_MSEC ((usec_t)1000)
#define USEC_PER_SEC  ((usec_t)1000000)
#define MSEC(n)       ((usec_t)(n)*USEC_PER_MSEC)
#define SEC(n)        ((usec_t)(n)*USEC_PER_SEC)

/* mono_now: the current CLOCK_MONOTONIC time in microseconds. */
usec_t mono_now(void);

/* mono_wall: the current CLOCK_REALTIME time in microseconds since the epoch. */
usec_t mono_wall(void);

/* duration_parse: parse "250ms", "1s", "2m", "1h", "500us", "0" into *out; a bare number
 * other than 0 is rejected (units are required). 0 or -1. */
int duration_parse(const char *s, usec_t *out);

/* duration_fmt: print d compactly ("250ms", "3s", "2m", "1.5s") into buf; returns buf. */
char *duration_fmt(usec_t d, char *buf, size_t len);

#endif
