/* health: service health, as pure logic. A service is up when its require rule (all /
 * any / at least N) holds over its probes' states, drained while its drain file exists,
 * and once down it stays down for at least hold_down. Feed it probe state changes, the
 * drain flag and the time; read its state. Every transition is logged once, with the
 * probe results behind it, counted, and reported through a callback. */
#ifndef PHAROS_HEALTH_H
#define PHAROS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/mono.h"
#include "probes/probe.h"

enum health_require {
	HEALTH_REQ_ALL,
	HEALTH_REQ_ANY,
	HEALTH_REQ_ATLEAST, /* require = N */
};

enum health_state {
	HEALTH_DOWN,
	HEALTH_UP,
	HEALTH_DRAINED,
};

/* The parsed values of a [service:NAME] section that health needs; health_new() copies. */
struct health_cfg {
	const char *name;
	enum health_require require;
	unsigned require_n; /* for HEALTH_REQ_ATLEAST */
	usec_t hold_down;
	const char *drain_file;    /* NULL: none */
	const char *const *probes; /* probe names, nprobes of them */
	size_t nprobes;
};

struct health_counters {
	uint64_t transitions;
	uint64_t to_up, to_down, to_drained;
};

struct health;

/* health_cb: called once per transition, after it was applied and logged. */
typedef void (*health_cb)(
    struct health *h, enum health_state from, enum health_state to, void *arg);

/* health_new: a service, down, every probe down, nothing drained; the caller frees it with
 * health_free(). A service without probes is up whatever the rule. */
struct health *health_new(const struct health_cfg *cfg, health_cb cb, void *arg);

/* health_free: free h; NULL ok. */
void health_free(struct health *h);

/* health_probe_index: the position of probe name in the service's list, or -1. */
int health_probe_index(const struct health *h, const char *name);

/* health_probe_update: probe i is now st (reason kept for the log), then evaluate. */
enum health_state health_probe_update(
    struct health *h, size_t i, enum probe_state st, const char *reason, usec_t now);

/* health_set_drained: the drain file appeared or went away, then evaluate. */
enum health_state health_set_drained(struct health *h, bool drained, usec_t now);

/* health_poll_drain: stat the drain file (if any) and apply health_set_drained(); the
 * agent calls it on a periodic timer. The only function here that touches the system. */
enum health_state health_poll_drain(struct health *h, usec_t now);

/* health_evaluate: apply the rules at time now; the agent calls it again at
 * health_next_event() when hold_down delays a return to up. Returns the state. */
enum health_state health_evaluate(struct health *h, usec_t now);

/* health_next_event: when hold_down ends and an evaluation may bring the service up,
 * or 0 when nothing is pending. */
usec_t health_next_event(const struct health *h);

/* health_get_state / health_name / health_counters: read-only views owned by h. */
enum health_state health_get_state(const struct health *h);
const char *health_name(const struct health *h);
const struct health_counters *health_counters(const struct health *h);

/* health_rule_holds: the require rule over nup of n probes up (pure). */
bool health_rule_holds(enum health_require r, unsigned require_n, size_t nup, size_t n);

/* health_require_parse: "all", "any" or a number N >= 1; 0 or -1. */
int health_require_parse(const char *s, enum health_require *r, unsigned *n);

/* health_state_name: "down", "up", "drained". */
const char *health_state_name(enum health_state s);

#endif
