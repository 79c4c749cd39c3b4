/* mono: monotonic time and durations. */
#include "lib/mono.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

usec_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (usec_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

usec_t
mono_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (usec_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

static const struct {
	const char *unit;
	usec_t mult;
} units[] = {
    {"us", 1},
    {"ms", USEC_PER_MSEC},
    {"s", USEC_PER_SEC},
    {"m", 60 * USEC_PER_SEC},
    {"h", 3600 * USEC_PER_SEC},
    {"d", 86400 * USEC_PER_SEC},
};

int
duration_parse(const char *s, usec_t *out)
{
	char *end;
	unsigned long long v;
	size_t i;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || v > 1000000000ULL)
		return -1;
	if (*end == '\0') {
		if (v != 0)
			return -1;
		*out = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			*out = (usec_t)v * units[i].mult;
			return 0;
		}
	}
	return -1;
}

char *
duration_fmt(usec_t d, char *buf, size_t len)
{
	if (d % (3600 * USEC_PER_SEC) == 0 && d >= 3600 * USEC_PER_SEC)
		snprintf(buf, len, "%lldh", (long long)(d / (3600 * USEC_PER_SEC)));
	else if (d % (60 * USEC_PER_SEC) == 0 && d >= 60 * USEC_PER_SEC)
		snprintf(buf, len, "%lldm", (long long)(d / (60 * USEC_PER_SEC)));
	else if (d % USEC_PER_SEC == 0)
		snprintf(buf, len, "%llds", (long long)(d / USEC_PER_SEC));
	else if (d % USEC_PER_MSEC == 0)
		snprintf(buf, len, "%lldms", (long long)(d / USEC_PER_MSEC));
	else
		snprintf(buf, len, "%lldus", (long long)d);
	return buf;
}
