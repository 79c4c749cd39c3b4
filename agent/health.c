/* health: service state from probe states, drain flag, hold_down. */
#include "agent/health.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "lib/util.h"

struct health_probe {
	char *name;
	enum probe_state state;
	char reason[PROBE_REASON_MAX];
};

struct health {
	char *name;
	enum health_require require;
	unsigned require_n;
	usec_t hold_down;
	char *drain_file;
	struct health_probe *probes;
	size_t nprobes;
	health_cb cb;
	void *arg;
	enum health_state state;
	bool drained;
	bool went_down; /* down_since is meaningful */
	usec_t down_since;
	usec_t next_event;
	struct health_counters cnt;
};

static const char *const health_state_names[] = {
    [HEALTH_DOWN] = "down",
    [HEALTH_UP] = "up",
    [HEALTH_DRAINED] = "drained",
};

const char *
health_state_name(enum health_state s)
{
	return (unsigned)s < nitems(health_state_names) ? health_state_names[s] : "?";
}

bool
health_rule_holds(enum health_require r, unsigned require_n, size_t nup, size_t n)
{
	if (n == 0)
		return true;
	switch (r) {
	case HEALTH_REQ_ALL: return nup == n;
	case HEALTH_REQ_ANY: return nup >= 1;
	case HEALTH_REQ_ATLEAST: return nup >= MAX(require_n, 1u);
	}
	return false;
}

int
health_require_parse(const char *s, enum health_require *r, unsigned *n)
{
	unsigned long v;
	char *end;

	*n = 0;
	if (strcmp(s, "all") == 0) {
		*r = HEALTH_REQ_ALL;
		return 0;
	}
	if (strcmp(s, "any") == 0) {
		*r = HEALTH_REQ_ANY;
		return 0;
	}
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*r = HEALTH_REQ_ATLEAST;
	*n = (unsigned)v;
	return 0;
}

struct health *
health_new(const struct health_cfg *cfg, health_cb cb, void *arg)
{
	struct health *h = xcalloc(1, sizeof(*h));
	size_t i;

	h->name = xstrdup(cfg->name != NULL ? cfg->name : "?");
	h->require = cfg->require;
	h->require_n = cfg->require_n;
	h->hold_down = cfg->hold_down;
	h->drain_file = cfg->drain_file != NULL ? xstrdup(cfg->drain_file) : NULL;
	h->nprobes = cfg->nprobes;
	h->probes = xcalloc(MAX(cfg->nprobes, 1u), sizeof(*h->probes));
	for (i = 0; i < cfg->nprobes; i++) {
		h->probes[i].name = xstrdup(cfg->probes[i]);
		h->probes[i].state = PROBE_DOWN;
		snprintf(h->probes[i].reason, sizeof(h->probes[i].reason), "not checked yet");
	}
	h->cb = cb;
	h->arg = arg;
	h->state = HEALTH_DOWN;
	return h;
}

void
health_free(struct health *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nprobes; i++)
		free(h->probes[i].name);
	free(h->probes);
	free(h->drain_file);
	free(h->name);
	free(h);
}

int
health_probe_index(const struct health *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nprobes; i++)
		if (strcmp(h->probes[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void PRINTF_LIKE(4, 5) append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = MIN(len, *off + (size_t)n);
}

static size_t
health_nup(const struct health *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->nprobes; i++)
		n += h->probes[i].state == PROBE_UP;
	return n;
}

/* health_why: the drain flag and every probe's state and last reason, for the log. */
static void
health_why(const struct health *h, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	if (h->drained)
		append(buf, len, &off, "drain file %s present; ",
		    h->drain_file != NULL ? h->drain_file : "(none)");
	append(buf, len, &off, "%zu/%zu probes up", health_nup(h), h->nprobes);
	for (i = 0; i < h->nprobes; i++)
		append(buf, len, &off, "%s%s %s: %s", i == 0 ? ": " : ", ", h->probes[i].name,
		    probe_state_name(h->probes[i].state), h->probes[i].reason);
}

/* health_change_state: the one place a transition happens: log, count, remember when it
 * went down, report. */
static void
health_change_state(struct health *h, enum health_state to, usec_t now)
{
	enum health_state from = h->state;
	char why[1024];

	h->state = to;
	h->next_event = 0;
	h->cnt.transitions++;
	switch (to) {
	case HEALTH_UP: h->cnt.to_up++; break;
	case HEALTH_DRAINED: h->cnt.to_drained++; break;
	case HEALTH_DOWN:
		h->cnt.to_down++;
		h->went_down = true;
		h->down_since = now;
		break;
	}
	health_why(h, why, sizeof(why));
	log_info("service %s: %s -> %s (%s)", h->name, health_state_name(from),
	    health_state_name(to), why);
	if (h->cb != NULL)
		h->cb(h, from, to, h->arg);
}

/* health_target: where the inputs point, before hold_down. */
static enum health_state
health_target(const struct health *h)
{
	if (h->drained)
		return HEALTH_DRAINED;
	if (health_rule_holds(h->require, h->require_n, health_nup(h), h->nprobes))
		return HEALTH_UP;
	return HEALTH_DOWN;
}

enum health_state
health_evaluate(struct health *h, usec_t now)
{
	enum health_state want = health_target(h);

	switch (h->state) {
	case HEALTH_DOWN:
		if (want == HEALTH_UP && h->went_down && now < h->down_since + h->hold_down)
			h->next_event = h->down_since + h->hold_down; /* held down */
		else if (want != HEALTH_DOWN)
			health_change_state(h, want, now);
		else
			h->next_event = 0;
		break;
	case HEALTH_UP:
	case HEALTH_DRAINED:
		if (want != h->state)
			health_change_state(h, want, now);
		break;
	}
	return h->state;
}

enum health_state
health_probe_update(struct health *h, size_t i, enum probe_state st, const char *reason, usec_t now)
{
	if (i < h->nprobes) {
		h->probes[i].state = st;
		snprintf(h->probes[i].reason, sizeof(h->probes[i].reason), "%s",
		    reason != NULL ? reason : "");
	}
	return health_evaluate(h, now);
}

enum health_state
health_set_drained(struct health *h, bool drained, usec_t now)
{
	h->drained = drained;
	return health_evaluate(h, now);
}

enum health_state
health_poll_drain(struct health *h, usec_t now)
{
	struct stat st;
	bool drained = false;

	if (h->drain_file != NULL) {
		if (stat(h->drain_file, &st) == 0)
			drained = true;
		else if (errno != ENOENT && errno != ENOTDIR)
			log_warn("service %s: drain_file %s", h->name, h->drain_file);
	}
	return health_set_drained(h, drained, now);
}

usec_t
health_next_event(const struct health *h)
{
	return h->next_event;
}

enum health_state
health_get_state(const struct health *h)
{
	return h->state;
}

const char *
health_name(const struct health *h)
{
	return h->name;
}

const struct health_counters *
health_counters(const struct health *h)
{
	return &h->cnt;
}
