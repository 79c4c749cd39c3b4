/* agent_impl: the agent's internal state, shared by agent.c, reload.c and status.c. */
#ifndef PHAROS_AGENT_IMPL_H
#define PHAROS_AGENT_IMPL_H

#include <stdbool.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "agent/agent.h"
#include "agent/config.h"
#include "agent/health.h"
#include "bgp/bgp.h"
#include "lib/loop.h"
#include "netlink/nl.h"
#include "probes/probe.h"

/* Upper bounds of the probe latency histogram buckets (pharos_probe_duration_seconds);
 * aprobe->hist[i] counts results <= bound i, hist[AGENT_HIST_N] those above them all. */
#define AGENT_HIST_N 12
extern const usec_t agent_hist_bounds[AGENT_HIST_N];

/* One running probe; shared by every service that lists it. */
struct aprobe {
	const struct cfg_probe *c; /* into agent->cfg */
	struct probe *p;
	struct agent *a;
	usec_t since;                    /* last state change */
	uint64_t hist[AGENT_HIST_N + 1]; /* per bucket, not cumulative */
	double latency_sum;              /* seconds */
	uint64_t latency_count;
};

/* One service's running state. */
struct asvc {
	const struct cfg_service *c; /* into agent->cfg */
	struct agent *a;
	struct health *h;
	struct aprobe **probes; /* c->n_probes, parallel to c->probes */
	enum agent_mode mode;
	usec_t since; /* last mode change */
	bool admin_drained;
	bool quiet;              /* being built: health transitions are applied by the builder */
	char reason[160];        /* why the last transition happened */
	struct loop_timer gshut; /* end of the graceful-shutdown phase */
	struct loop_timer hold_down; /* re-evaluate when hold_down ends */
	uint64_t transitions;
};

/* One configured peer. */
struct apeer {
	const struct cfg_peer *c;
	struct bgp_peer *p;
};

/* An on_change program still running. */
struct achild {
	pid_t pid;
	char service[64];
	LIST_ENTRY(achild) entry;
};

enum agent_phase {
	AGENT_RUNNING,
	AGENT_DRAINING,    /* SIGTERM: graceful-shutdown phase */
	AGENT_WITHDRAWING, /* SIGTERM: withdrawals on their way */
	AGENT_STOPPED,
};

struct agent {
	struct loop *l;
	struct cfg *cfg;
	char *config_path;
	struct nl *nl;
	struct bgp *bgp;
	struct aprobe **probes; /* parallel to cfg->probes; each allocated alone */
	struct asvc **svcs;     /* parallel to cfg->services; each allocated alone */
	struct apeer *peers;    /* parallel to cfg->peers */
	enum agent_phase phase;
	struct loop_timer drain_poll;
	struct loop_timer exit_timer;
	usec_t exit_deadline;
	usec_t started;
	uint64_t reloads, reload_failures;
	bool link_down; /* the interface is down or gone: nothing can be delivered */
	LIST_HEAD(, achild) children;
};

/* agent_reconcile: recompute every peer's routes and the address set, and apply. */
void agent_reconcile(struct agent *a);

/* agent_svc_update: recompute a service's mode after a health or drain change. */
void agent_svc_update(struct asvc *s, const char *why);

/* agent_probe_new / agent_svc_new and their _free: create and destroy the running objects
 * of a configuration section (at start, and by reload.c for what changed). A new service
 * starts from the current states of its probes. */
struct aprobe *agent_probe_new(struct agent *a, const struct cfg_probe *c);
void agent_probe_free(struct aprobe *ap);
struct asvc *agent_svc_new(struct agent *a, const struct cfg_service *c);
void agent_svc_free(struct asvc *s);

/* agent_find_probe: the running probe for configuration section c, or NULL. */
struct aprobe *agent_find_probe(struct agent *a, const struct cfg_probe *c);

/* agent_sync_addresses: put every host prefix of every service on the interface. */
int agent_sync_addresses(struct agent *a);
struct bgp_peer *agent_peer_add(struct agent *a, const struct cfg_peer *c);
void agent_peer_conf(const struct agent *a, const struct cfg_peer *c, struct bgp_peer_conf *pc);

/* agent_svc_state: what an operator calls a service's state: "up", "draining", "down"
 * or "drained" (on_change's STATE, status and metrics). */
const char *agent_svc_state(const struct asvc *s);

/* agent_drained_save: write the operator-drained services to state_dir. */
void agent_drained_save(struct agent *a);

#endif
