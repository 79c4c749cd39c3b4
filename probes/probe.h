/* probe: health probes (dns, tcp, http, exec) run on the event loop, with rise/fall
 * hysteresis; each result is reported upward through a callback agent/ registers.
 *
 * A probe owns a private copy of its configuration. Checks never overlap: the next one
 * is scheduled one interval (less 0-10 % jitter) after the previous one started, or at
 * once when the previous one ran longer. Every check ends in exactly one result: ok, fail
 * (with a short reason) or timeout (the hard per-check timeout). */
#ifndef PHAROS_PROBE_H
#define PHAROS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/loop.h"
#include "lib/mono.h"

/* Longest reason kept, NUL included ("connection refused", "status 503", a line of
 * an exec probe's output); longer ones are cut. */
#define PROBE_REASON_MAX 128

enum probe_type {
	PROBE_T_DNS,
	PROBE_T_TCP,
	PROBE_T_HTTP,
	PROBE_T_EXEC,
	PROBE_T_COUNT,
};

enum probe_state {
	PROBE_DOWN,
	PROBE_UP,
};

/* One inclusive range of HTTP status codes ("200" is 200-200). */
struct probe_range {
	uint16_t lo, hi;
};

/* The parsed values of a [probe:NAME] section; agent/ fills it, probe_new() copies it. */
struct probe_cfg {
	const char *name;
	enum probe_type type;
	usec_t interval; /* between check starts */
	usec_t timeout;  /* hard limit per check */
	unsigned rise;   /* consecutive successes to go up */
	unsigned fall;   /* consecutive failures to go down */
	struct {
		struct endpoint server;
		bool tcp; /* transport = tcp */
		const char *qname;
		uint16_t qtype;
		uint8_t expect_rcode;
		bool expect_aa;
		const char *expect_answer; /* NULL: not checked */
	} dns;
	struct {
		struct endpoint target;
	} tcp;
	struct {
		const char *url;
		const char *method; /* NULL: GET */
		const struct probe_range *expect_status;
		size_t n_expect_status;  /* 0: 200-299 */
		const char *expect_body; /* NULL: not checked */
		bool tls_verify;
	} http;
	struct {
		char *const *argv; /* NULL-terminated, argv[0] a path or a name looked up in PATH */
	} exec;
};

/* What one check found, as passed to the callback; reason is borrowed for the call. */
struct probe_result {
	bool ok;
	bool timeout;
	const char *reason;
	usec_t latency;
	enum probe_state state; /* after this result */
	bool changed;           /* this result moved the state */
};

struct probe_counters {
	uint64_t ok;
	uint64_t fail; /* failures other than timeouts */
	uint64_t timeout;
};

/* The rise/fall hysteresis: a state and the length of the current streak of results
 * that disagree with it. */
struct probe_fsm {
	enum probe_state state;
	unsigned streak;
	const char *name; /* for the transition log line; NULL: silent */
};

struct probe;

/* probe_cb: called once per finished check; the callback may stop or free the probe. */
typedef void (*probe_cb)(struct probe *p, const struct probe_result *r, void *arg);

/* probe_new: a probe of cfg->type on loop l reporting to cb; deep-copies cfg; starts
 * idle and down (see probe_start). The caller frees it with probe_free(); NULL (logged)
 * when the type cannot be set up. */
struct probe *probe_new(struct loop *l, const struct probe_cfg *cfg, probe_cb cb, void *arg);

/* probe_free: stop the probe, abort its check in flight and free everything; NULL ok. */
void probe_free(struct probe *p);

/* probe_start: schedule checks, the first one soon at a random moment. */
void probe_start(struct probe *p);

/* probe_stop: stop scheduling and abort a check in flight (no result is reported). */
void probe_stop(struct probe *p);

/* probe_check_now: run one check at once unless one is in flight (then nothing). */
void probe_check_now(struct probe *p);

/* probe_busy: a check is in flight. */
bool probe_busy(const struct probe *p);

/* probe_name / probe_get_state / probe_counters / probe_last_reason / probe_last_latency:
 * read-only views, owned by the probe. */
const char *probe_name(const struct probe *p);
enum probe_state probe_get_state(const struct probe *p);
const struct probe_counters *probe_counters(const struct probe *p);
const char *probe_last_reason(const struct probe *p);
usec_t probe_last_latency(const struct probe *p);

/* probe_type_name / probe_state_name: static names ("dns", "up"). */
const char *probe_type_name(enum probe_type t);
const char *probe_state_name(enum probe_state s);

/* probe_type_parse: "dns", "tcp", "http", "exec" to a type; 0 or -1. */
int probe_type_parse(const char *s, enum probe_type *t);

/* probe_fsm_init: down, no streak (a probe starts down); name (borrowed, may be NULL)
 * labels the log line of each transition. */
void probe_fsm_init(struct probe_fsm *f, const char *name);

/* probe_fsm_step: feed one result with its reason; rise consecutive successes make it
 * up, fall consecutive failures down (0 counts as 1). True when the state changed. */
bool probe_fsm_step(struct probe_fsm *f, bool ok, const char *reason, unsigned rise, unsigned fall);

#endif
