/* probe: the framework: type table, scheduling with jitter, hard timeouts, hysteresis. */
#include "probes/probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"
#include "probes/probe_ops.h"

/* One entry per type. */
static const struct probe_ops *const probe_types[PROBE_T_COUNT] = {
    [PROBE_T_DNS] = &probe_dns_ops,
    [PROBE_T_TCP] = &probe_tcp_ops,
    [PROBE_T_HTTP] = &probe_http_ops,
    [PROBE_T_EXEC] = &probe_exec_ops,
};

static const char *const probe_type_names[PROBE_T_COUNT] = {
    [PROBE_T_DNS] = "dns",
    [PROBE_T_TCP] = "tcp",
    [PROBE_T_HTTP] = "http",
    [PROBE_T_EXEC] = "exec",
};

struct probe {
	struct probe_cfg cfg; /* our own deep copy */
	const struct probe_ops *ops;
	void *st;
	struct loop *loop;
	probe_cb cb;
	void *arg;
	struct loop_timer next;     /* the next check */
	struct loop_timer deadline; /* the hard timeout of the check in flight */
	bool scheduled;             /* probe_start() was called */
	bool running;               /* a check is in flight */
	usec_t check_start;
	struct probe_fsm fsm;
	struct probe_counters cnt;
	usec_t latency;
	char reason[PROBE_REASON_MAX];
};

/* ---- hysteresis ---- */

void
probe_fsm_init(struct probe_fsm *f, const char *name)
{
	f->state = PROBE_DOWN;
	f->streak = 0;
	f->name = name;
}

/* probe_change_state: the one place a probe changes state; logs old -> new (reason). */
static bool
probe_change_state(struct probe_fsm *f, enum probe_state to, const char *reason)
{
	if (f->name != NULL)
		log_info("probe %s: %s -> %s (%s)", f->name, probe_state_name(f->state),
		    probe_state_name(to), reason);
	f->state = to;
	f->streak = 0;
	return true;
}

/* streak counts results that disagree with the state; one agreeing result resets it. */
bool
probe_fsm_step(struct probe_fsm *f, bool ok, const char *reason, unsigned rise, unsigned fall)
{
	switch (f->state) {
	case PROBE_DOWN:
		if (!ok)
			f->streak = 0;
		else if (++f->streak >= MAX(rise, 1u))
			return probe_change_state(f, PROBE_UP, reason);
		break;
	case PROBE_UP:
		if (ok)
			f->streak = 0;
		else if (++f->streak >= MAX(fall, 1u))
			return probe_change_state(f, PROBE_DOWN, reason);
		break;
	}
	return false;
}

/* ---- names ---- */

const char *
probe_type_name(enum probe_type t)
{
	return (unsigned)t < PROBE_T_COUNT ? probe_type_names[t] : "?";
}

const char *
probe_state_name(enum probe_state s)
{
	return s == PROBE_UP ? "up" : "down";
}

int
probe_type_parse(const char *s, enum probe_type *t)
{
	unsigned i;

	for (i = 0; i < PROBE_T_COUNT; i++) {
		if (strcmp(s, probe_type_names[i]) == 0) {
			*t = (enum probe_type)i;
			return 0;
		}
	}
	return -1;
}

const char *
probe_errno_reason(int err)
{
	switch (err) {
	case ECONNREFUSED: return "connection refused";
	case EHOSTUNREACH: return "host unreachable";
	case ENETUNREACH: return "network unreachable";
	case ECONNRESET: return "connection reset";
	case ETIMEDOUT: return "timeout";
	default: return strerror(err);
	}
}

/* ---- configuration copy ---- */

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
cfg_copy(struct probe_cfg *dst, const struct probe_cfg *src)
{
	struct probe_range *r = NULL;
	char **argv = NULL;
	size_t n;

	*dst = *src;
	dst->name = xstrdup(src->name != NULL ? src->name : "?");
	dst->dns.qname = dup_or_null(src->dns.qname);
	dst->dns.expect_answer = dup_or_null(src->dns.expect_answer);
	dst->http.url = dup_or_null(src->http.url);
	dst->http.method = dup_or_null(src->http.method);
	dst->http.expect_body = dup_or_null(src->http.expect_body);
	if (src->http.n_expect_status > 0) {
		r = xreallocarray(NULL, src->http.n_expect_status, sizeof(*r));
		memcpy(r, src->http.expect_status, src->http.n_expect_status * sizeof(*r));
	}
	dst->http.expect_status = r;
	if (src->exec.argv != NULL) {
		for (n = 0; src->exec.argv[n] != NULL; n++)
			;
		argv = xcalloc(n + 1, sizeof(*argv));
		while (n-- > 0)
			argv[n] = xstrdup(src->exec.argv[n]);
	}
	dst->exec.argv = argv;
}

static void
cfg_free(struct probe_cfg *c)
{
	size_t i;

	free((char *)c->name);
	free((char *)c->dns.qname);
	free((char *)c->dns.expect_answer);
	free((char *)c->http.url);
	free((char *)c->http.method);
	free((char *)c->http.expect_body);
	free((struct probe_range *)c->http.expect_status);
	if (c->exec.argv != NULL) {
		for (i = 0; c->exec.argv[i] != NULL; i++)
			free(c->exec.argv[i]);
		free((char **)c->exec.argv);
	}
}

/* ---- scheduling ---- */

static void probe_on_next(void *arg);
static void probe_on_deadline(void *arg);

struct probe *
probe_new(struct loop *l, const struct probe_cfg *cfg, probe_cb cb, void *arg)
{
	struct probe *p;

	if ((unsigned)cfg->type >= PROBE_T_COUNT || probe_types[cfg->type] == NULL) {
		log_warnx(
		    "probe %s: type %s is not supported", cfg->name, probe_type_name(cfg->type));
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	cfg_copy(&p->cfg, cfg);
	p->ops = probe_types[cfg->type];
	p->loop = l;
	p->cb = cb;
	p->arg = arg;
	loop_timer_init(&p->next, probe_on_next, p);
	loop_timer_init(&p->deadline, probe_on_deadline, p);
	probe_fsm_init(&p->fsm, p->cfg.name);
	snprintf(p->reason, sizeof(p->reason), "not checked yet");
	p->st = p->ops->create(p, l, &p->cfg);
	if (p->st == NULL) {
		cfg_free(&p->cfg);
		free(p);
		return NULL;
	}
	return p;
}

static void
probe_abort(struct probe *p)
{
	if (!p->running)
		return;
	p->running = false;
	loop_timer_cancel(p->loop, &p->deadline);
	p->ops->cancel(p->st);
}

void
probe_stop(struct probe *p)
{
	p->scheduled = false;
	loop_timer_cancel(p->loop, &p->next);
	probe_abort(p);
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	probe_stop(p);
	p->ops->destroy(p->st);
	cfg_free(&p->cfg);
	free(p);
}

/* jittered: d minus up to 10 %, so that probes started together drift apart. Never
 * later than d: the next check starts within one interval, which keeps detection under
 * fall x interval + timeout. */
static usec_t
jittered(usec_t d)
{
	return d - (usec_t)rand_range(0, (uint64_t)(d / 10));
}

void
probe_start(struct probe *p)
{
	usec_t first = MIN(p->cfg.interval, SEC(1)) / 10;

	p->scheduled = true;
	if (!p->running)
		loop_timer_set(p->loop, &p->next, (usec_t)rand_range(0, (uint64_t)first));
}

/* probe_begin: the type's start() may finish the check (and the callback free the
 * probe) before it returns, so nothing touches p afterwards. */
static void
probe_begin(struct probe *p)
{
	p->running = true;
	p->check_start = mono_now();
	loop_timer_set_at(p->loop, &p->deadline, p->check_start + p->cfg.timeout);
	p->ops->start(p->st);
}

static void
probe_on_next(void *arg)
{
	probe_begin(arg);
}

void
probe_check_now(struct probe *p)
{
	if (p->running)
		return;
	loop_timer_cancel(p->loop, &p->next);
	probe_begin(p);
}

static void
probe_finish(struct probe *p, bool ok, bool timeout)
{
	struct probe_result r = {.ok = ok, .timeout = timeout, .reason = p->reason};
	usec_t now = mono_now(), when;

	p->latency = now - p->check_start;
	if (ok)
		p->cnt.ok++;
	else if (timeout)
		p->cnt.timeout++;
	else
		p->cnt.fail++;
	r.latency = p->latency;
	r.changed = probe_fsm_step(&p->fsm, ok, p->reason, p->cfg.rise, p->cfg.fall);
	r.state = p->fsm.state;
	if (!r.changed)
		log_debug("probe %s: %s (%s)", p->cfg.name, ok ? "ok" : "fail", p->reason);
	if (p->scheduled) {
		when = p->check_start + jittered(p->cfg.interval);
		loop_timer_set_at(p->loop, &p->next, MAX(when, now));
	}
	if (p->cb != NULL)
		p->cb(p, &r, p->arg);
}

void
probe_check_done(struct probe *p, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (!p->running)
		return;
	p->running = false;
	loop_timer_cancel(p->loop, &p->deadline);
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
	probe_finish(p, ok, false);
}

static void
probe_on_deadline(void *arg)
{
	struct probe *p = arg;

	if (!p->running)
		return;
	p->running = false;
	p->ops->cancel(p->st);
	snprintf(p->reason, sizeof(p->reason), "timeout");
	probe_finish(p, false, true);
}

/* ---- accessors ---- */

bool
probe_busy(const struct probe *p)
{
	return p->running;
}

const char *
probe_name(const struct probe *p)
{
	return p->cfg.name;
}

enum probe_state
probe_get_state(const struct probe *p)
{
	return p->fsm.state;
}

const struct probe_counters *
probe_counters(const struct probe *p)
{
	return &p->cnt;
}

const char *
probe_last_reason(const struct probe *p)
{
	return p->reason;
}

usec_t
probe_last_latency(const struct probe *p)
{
	return p->latency;
}
