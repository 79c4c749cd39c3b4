/* log: levelled logging with rate limiting of identical messages.
 *
 * A flapping probe or a peer that keeps resetting must not flood the journal: an identical
 * rendered message is printed at most RL_BURST times per RL_WINDOW; the rest are counted
 * and the count is reported with the next copy printed after the window. */
#include "lib/log.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib/mono.h"

#define RL_SLOTS  64
#define RL_BURST  5
#define RL_WINDOW SEC(60)

struct rl_slot {
	uint64_t hash;
	usec_t start;
	unsigned count;
	unsigned dropped;
};

static const char *log_prog = "pharos";
static enum log_level log_level = LOG_LVL_INFO;
static int log_syslog;
static int log_stamp; /* wall-clock stamps on stderr, unless journald adds its own */
static struct rl_slot rl_slots[RL_SLOTS];
static unsigned long rl_total;

void
log_init(const char *progname, enum log_level level, int to_syslog)
{
	log_prog = progname;
	log_level = level;
	log_syslog = to_syslog;
	log_stamp = getenv("JOURNAL_STREAM") == NULL;
	if (to_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	static const char *names[] = {"error", "warning", "info", "debug"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warn") == 0) {
		*out = LOG_LVL_WARN;
		return 0;
	}
	return -1;
}

unsigned long
log_suppressed(void)
{
	return rl_total;
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

/* rl_admit: 1 to print (with *dropped set to what was suppressed before), 0 to drop. */
static int
rl_admit(const char *msg, unsigned *dropped)
{
	uint64_t h = fnv1a(msg);
	struct rl_slot *s = &rl_slots[h % RL_SLOTS];
	usec_t now = mono_now();

	*dropped = 0;
	if (s->hash != h || now - s->start >= RL_WINDOW) {
		if (s->hash == h)
			*dropped = s->dropped;
		s->hash = h;
		s->start = now;
		s->count = 1;
		s->dropped = 0;
		return 1;
	}
	if (++s->count <= RL_BURST)
		return 1;
	s->dropped++;
	rl_total++;
	return 0;
}

static const char *const level_names[] = {"error", "warning", "info", "debug"};
static const int level_prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};

void
log_vmsg(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	char msg[1024];
	char note[64] = "";
	unsigned dropped;
	int n;

	if (level > log_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	if (level != LOG_LVL_ERR && !rl_admit(msg, &dropped))
		return;
	if (level != LOG_LVL_ERR && dropped)
		snprintf(note, sizeof(note), " (%u identical messages suppressed)", dropped);
	if (log_syslog) {
		syslog(level_prio[level], "%s%s", msg, note);
	} else if (log_stamp) {
		usec_t now = mono_wall();
		time_t t = (time_t)(now / USEC_PER_SEC);
		struct tm tm;
		char ts[32];

		localtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03d %s: %s: %s%s\n", ts, (int)(now % USEC_PER_SEC / 1000),
		    log_prog, level_names[level], msg, note);
	} else {
		fprintf(stderr, "%s: %s: %s%s\n", log_prog, level_names[level], msg, note);
		fflush(stderr);
	}
}

#define LOG_FN(name, lvl, with_errno)                                                              \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		int e = errno;                                                                     \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_vmsg(lvl, with_errno ? e : 0, fmt, ap);                                        \
		va_end(ap);                                                                        \
		errno = e;                                                                         \
	}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)
LOG_FN(log_err, LOG_LVL_ERR, 1)
LOG_FN(log_errx, LOG_LVL_ERR, 0)

void
fatal(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
