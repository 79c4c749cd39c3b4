/* agent: the pharosd daemon: services drive addresses and BGP announcements.
 *
 * The agent holds the running configuration, one probe per [probe:NAME], one health per
 * [service:NAME], the netlink address set and the BGP speaker, and reconciles: every
 * change of health, drain or configuration recomputes what each peer should hold, and
 * bgp/ sends only the difference. Addresses go on the interface before anything is
 * announced, and a removed service is withdrawn before its addresses are removed. */
#ifndef PHAROS_AGENT_H
#define PHAROS_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "agent/config.h"
#include "lib/loop.h"

struct agent;

/* What a service tells its peers. */
enum agent_mode {
	AGENT_MODE_NONE,     /* withdrawn */
	AGENT_MODE_NORMAL,   /* up: its own attributes */
	AGENT_MODE_GSHUT,    /* draining: + GRACEFUL_SHUTDOWN (RFC 8326) for drain_time */
	AGENT_MODE_DOWNATTR, /* down with down_action = announce: the down_* attributes */
};

/* agent_new: an agent on loop l for cfg (taken over; freed with the agent), which will
 * re-read config_path on reload. The caller frees it with agent_free(). */
struct agent *agent_new(struct loop *l, struct cfg *cfg, const char *config_path);

/* agent_start: addresses first, then BGP sessions, then probes; 0, or -1 (logged) when the
 * interface cannot be managed. */
int agent_start(struct agent *a);

/* agent_reload: read and validate the configuration again; on errors log each of them and
 * keep running unchanged (-1); else apply only the difference (0). errs, if not NULL,
 * also receives the error lines (for pharosctl). */
int agent_reload(struct agent *a, FILE *errs);

/* agent_shutdown: the graceful exit of SIGTERM: drain every announced service for
 * drain_time, withdraw, Cease every session, remove owned addresses, then break the loop.
 * A second call skips what is left of the drain. */
void agent_shutdown(struct agent *a);

/* agent_drain / agent_undrain: an operator's drain of one service (or all with "all"),
 * remembered in state_dir across restarts; 0, or -1 when no such service. */
int agent_drain(struct agent *a, const char *service, bool drain);

/* agent_free: free everything (call after the loop has stopped). */
void agent_free(struct agent *a);

/* agent_status_json: the full status (services, probes, peers, addresses) as one JSON
 * object written to f. */
void agent_status_json(struct agent *a, FILE *f);

/* agent_metrics: the Prometheus text exposition of the agent's metrics written to f. */
void agent_metrics(struct agent *a, FILE *f);

/* agent_status_line: a one-line summary for systemd STATUS= into buf. */
const char *agent_status_line(struct agent *a, char *buf, size_t len);

/* agent_mode_name: "withdrawn", "announced", "draining", "announced-down". */
const char *agent_mode_name(enum agent_mode m);

#endif
