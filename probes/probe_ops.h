/* probe_ops: the interface each probe type implements (private to probes/).
 *
 * A type's create() gets the probe's own copy of the configuration (valid until
 * destroy()). start() begins one check and ends it, now or later from a loop callback,
 * with exactly one probe_check_done(); that call must be the type's last use of its
 * state in that callback, since the result callback may free the probe. cancel() aborts
 * the check in flight (hard timeout, stop, free) and releases everything the check held;
 * it reports nothing. Adding a type: one file with its ops, one entry in probe.c. */
#ifndef PHAROS_PROBE_OPS_H
#define PHAROS_PROBE_OPS_H

#include <stdbool.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "probes/probe.h"

struct probe_ops {
	const char *name;
	/* create: per-probe state, or NULL (logged) when the configuration is unusable. */
	void *(*create)(struct probe *p, struct loop *l, const struct probe_cfg *cfg);
	void (*start)(void *st);
	void (*cancel)(void *st);
	void (*destroy)(void *st);
};

/* probe_check_done: the check in flight ended with ok and a printf-style reason; late or
 * duplicate calls are ignored. */
void probe_check_done(struct probe *p, bool ok, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* probe_errno_reason: a short reason for a socket errno ("connection refused"). */
const char *probe_errno_reason(int err);

extern const struct probe_ops probe_dns_ops;
extern const struct probe_ops probe_tcp_ops;
extern const struct probe_ops probe_http_ops;
extern const struct probe_ops probe_exec_ops;

#endif
