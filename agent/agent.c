/* agent: services drive addresses and announcements; start-up and graceful exit. */
#define _GNU_SOURCE /* asprintf, execvpe */
#include "agent/agent_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

#define DRAIN_POLL     SEC(1)
#define EXIT_FLUSH_MAX SEC(2)
#define EXIT_POLL      MSEC(20)

static void shutdown_withdraw(void *arg);
static void shutdown_finish(struct agent *a);

static const char *const mode_names[] = {
    [AGENT_MODE_NONE] = "withdrawn",
    [AGENT_MODE_NORMAL] = "announced",
    [AGENT_MODE_GSHUT] = "draining",
    [AGENT_MODE_DOWNATTR] = "announced-down",
};

const char *
agent_mode_name(enum agent_mode m)
{
	return (unsigned)m < nitems(mode_names) ? mode_names[m] : "?";
}

/* ---- routes ---- */

static void
attrs_add_comms(struct bgp_pathattrs *pa, const uint32_t *c, size_t n)
{
	size_t i;

	for (i = 0; i < n && pa->ncomm < BGP_MAX_COMM; i++)
		pa->comm[pa->ncomm++] = c[i];
}

/* svc_attrs: the path attributes a service's prefixes carry in mode m. */
static void
svc_attrs(const struct cfg_service *c, enum agent_mode m, struct bgp_pathattrs *pa)
{
	size_t i;

	memset(pa, 0, sizeof(*pa));
	pa->has_med = c->med_set;
	pa->med = c->med;
	pa->prepend = (uint8_t)c->as_path_prepend;
	for (i = 0; i < c->n_large_communities && pa->nlcomm < BGP_MAX_LCOMM; i++) {
		pa->lcomm[pa->nlcomm].global = c->large_communities[i].global;
		pa->lcomm[pa->nlcomm].local1 = c->large_communities[i].local1;
		pa->lcomm[pa->nlcomm++].local2 = c->large_communities[i].local2;
	}
	if (m == AGENT_MODE_DOWNATTR) {
		if (c->down_med_set) {
			pa->has_med = true;
			pa->med = c->down_med;
		}
		pa->prepend = (uint8_t)c->down_as_path_prepend;
		if (c->n_down_communities > 0)
			attrs_add_comms(pa, c->down_communities, c->n_down_communities);
		else
			attrs_add_comms(pa, c->communities, c->n_communities);
		return;
	}
	attrs_add_comms(pa, c->communities, c->n_communities);
	if (m == AGENT_MODE_GSHUT) {
		uint32_t gs = CFG_COMM_GRACEFUL_SHUTDOWN;

		attrs_add_comms(pa, &gs, 1);
	}
}

static bool
svc_has_peer(const struct cfg_service *c, const struct cfg_peer *p)
{
	size_t i;

	if (c->peers_all)
		return true;
	for (i = 0; i < c->n_peers; i++)
		if (c->peers[i] == p)
			return true;
	return false;
}

void
agent_reconcile(struct agent *a)
{
	struct bgp_route *r = NULL;
	size_t i, j, k, n, cap = 0;

	if (a->bgp == NULL)
		return;
	for (i = 0; i < a->cfg->n_services; i++)
		cap += a->cfg->services[i].n_prefixes;
	r = xcalloc(cap ? cap : 1, sizeof(*r));
	for (i = 0; i < a->cfg->n_peers; i++) {
		if (a->peers[i].p == NULL)
			continue;
		n = 0;
		for (j = 0; j < a->cfg->n_services; j++) {
			struct asvc *s = a->svcs[j];
			struct bgp_pathattrs pa;

			if (s == NULL || s->mode == AGENT_MODE_NONE ||
			    !svc_has_peer(s->c, a->peers[i].c))
				continue;
			svc_attrs(s->c, s->mode, &pa);
			for (k = 0; k < s->c->n_prefixes; k++) {
				r[n].prefix = s->c->prefixes[k];
				r[n++].attrs = pa;
			}
		}
		bgp_peer_set_routes(a->peers[i].p, r, n);
	}
	free(r);
}

/* ---- on_change ---- */

static void
on_change_reaped(pid_t pid, int status, void *arg)
{
	struct achild *c = arg;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warnx("service %s: on_change (pid %d) exited with status %d", c->service,
		    (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	LIST_REMOVE(c, entry);
	free(c);
}

/* run_on_change: fork/exec the service's on_change with SERVICE, STATE and REASON in a
 * clean environment; reaped through the loop, never waited for. */
static void
run_on_change(struct asvc *s, const char *state)
{
	const struct cfg_argv *cmd = &s->c->on_change;
	char env_svc[256], env_state[64], env_reason[256];
	char *envp[] = {env_svc, env_state, env_reason, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
	struct achild *c;
	pid_t pid;

	if (cmd->argc == 0)
		return;
	snprintf(env_svc, sizeof(env_svc), "SERVICE=%s", s->c->name);
	snprintf(env_state, sizeof(env_state), "STATE=%s", state);
	snprintf(env_reason, sizeof(env_reason), "REASON=%s", s->reason);
	pid = fork();
	if (pid == -1) {
		log_warn("service %s: on_change fork", s->c->name);
		return;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		loop_child_reset_signals();
		if (fd >= 0) {
			dup2(fd, 0);
			if (fd > 2)
				close(fd);
		}
		execvpe(cmd->argv[0], cmd->argv, envp);
		_exit(127);
	}
	c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	snprintf(c->service, sizeof(c->service), "%s", s->c->name);
	if (loop_child_watch(s->a->l, pid, on_change_reaped, c) == -1) {
		log_warn("service %s: cannot watch on_change pid %d", s->c->name, (int)pid);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&s->a->children, c, entry);
}

/* ---- service state ---- */

const char *
agent_svc_state(const struct asvc *s)
{
	switch (s->mode) {
	case AGENT_MODE_NORMAL: return "up";
	case AGENT_MODE_GSHUT: return "draining";
	case AGENT_MODE_DOWNATTR: return "down";
	case AGENT_MODE_NONE: break;
	}
	return health_get_state(s->h) == HEALTH_DOWN && !s->admin_drained ? "down" : "drained";
}

static void
gshut_done(void *arg)
{
	struct asvc *s = arg;

	agent_svc_update(s, "graceful-shutdown phase over");
}

/* svc_target: the mode a service should be in now. Failures withdraw at once; only a
 * drain (file, operator, exit) of an announced service goes through GRACEFUL_SHUTDOWN. */
static enum agent_mode
svc_target(struct asvc *s)
{
	struct agent *a = s->a;
	enum health_state hs = health_get_state(s->h);
	bool running = a->phase == AGENT_RUNNING;

	if (a->phase >= AGENT_WITHDRAWING || a->link_down)
		return AGENT_MODE_NONE;
	if (hs == HEALTH_UP && !s->admin_drained && running)
		return AGENT_MODE_NORMAL;
	if (hs == HEALTH_DOWN) {
		if (s->c->down_action == CFG_DOWN_ANNOUNCE && running && !s->admin_drained)
			return AGENT_MODE_DOWNATTR;
		return AGENT_MODE_NONE;
	}
	if (s->mode == AGENT_MODE_NORMAL && a->cfg->agent.drain_time > 0)
		return AGENT_MODE_GSHUT;
	if (s->mode == AGENT_MODE_GSHUT && loop_timer_pending(&s->gshut))
		return AGENT_MODE_GSHUT;
	return AGENT_MODE_NONE;
}

void
agent_svc_update(struct asvc *s, const char *why)
{
	struct agent *a = s->a;
	enum agent_mode old = s->mode, new = svc_target(s);
	const char *old_state = agent_svc_state(s);

	if (why != NULL && why[0] != '\0')
		snprintf(s->reason, sizeof(s->reason), "%s", why);
	if (new == old)
		return;
	if (new == AGENT_MODE_GSHUT)
		loop_timer_set(a->l, &s->gshut, a->cfg->agent.drain_time);
	else
		loop_timer_cancel(a->l, &s->gshut);
	s->mode = new;
	s->since = loop_now(a->l);
	s->transitions++;
	log_info("service %s: %s -> %s (%s)", s->c->name, agent_mode_name(old),
	    agent_mode_name(new), s->reason);
	agent_reconcile(a);
	if (strcmp(old_state, agent_svc_state(s)) != 0)
		run_on_change(s, agent_svc_state(s));
}

static void
hold_down_over(void *arg)
{
	struct asvc *s = arg;

	health_evaluate(s->h, loop_now(s->a->l));
}

/* arm_hold_down: re-evaluate when hold_down may let the service come back. */
static void
arm_hold_down(struct asvc *s)
{
	usec_t next = health_next_event(s->h);

	if (next > 0)
		loop_timer_set_at(s->a->l, &s->hold_down, next);
	else
		loop_timer_cancel(s->a->l, &s->hold_down);
}

static void
on_health(struct health *h, enum health_state from, enum health_state to, void *arg)
{
	struct asvc *s = arg;
	char why[160];

	(void)h;
	if (s->quiet)
		return;
	snprintf(
	    why, sizeof(why), "health %s -> %s", health_state_name(from), health_state_name(to));
	agent_svc_update(s, why);
}

/* ---- probes ---- */

const usec_t agent_hist_bounds[AGENT_HIST_N] = {
    MSEC(1),
    MSEC(2),
    MSEC(5),
    MSEC(10),
    MSEC(25),
    MSEC(50),
    MSEC(100),
    MSEC(250),
    MSEC(500),
    SEC(1),
    SEC(2),
    SEC(5),
};

static void
on_probe(struct probe *p, const struct probe_result *r, void *arg)
{
	struct aprobe *ap = arg;
	struct agent *a = ap->a;
	usec_t now = loop_now(a->l);
	size_t i, j;

	(void)p;
	for (i = 0; i < AGENT_HIST_N; i++)
		if (r->latency <= agent_hist_bounds[i])
			break;
	ap->hist[i]++;
	ap->latency_sum += (double)r->latency / USEC_PER_SEC;
	ap->latency_count++;
	if (!r->changed)
		return;
	ap->since = now;
	for (i = 0; i < a->cfg->n_services; i++) {
		struct asvc *s = a->svcs[i];

		for (j = 0; s != NULL && j < s->c->n_probes; j++) {
			if (s->probes[j] != ap)
				continue;
			snprintf(s->reason, sizeof(s->reason), "probe %s %s: %s", ap->c->name,
			    probe_state_name(r->state), r->reason ? r->reason : "ok");
			health_probe_update(s->h, j, r->state, r->reason, now);
			arm_hold_down(s);
		}
	}
}

static enum probe_type
probe_type_of(enum cfg_probe_type t)
{
	switch (t) {
	case CFG_PROBE_DNS: return PROBE_T_DNS;
	case CFG_PROBE_TCP: return PROBE_T_TCP;
	case CFG_PROBE_HTTP: return PROBE_T_HTTP;
	case CFG_PROBE_EXEC: break;
	}
	return PROBE_T_EXEC;
}

struct aprobe *
agent_probe_new(struct agent *a, const struct cfg_probe *c)
{
	struct probe_range *ranges = xcalloc(c->n_expect_status + 1, sizeof(*ranges));
	struct aprobe *ap = xcalloc(1, sizeof(*ap));
	struct probe_cfg pc;
	size_t i;

	ap->a = a;
	ap->c = c;
	ap->since = loop_now(a->l);
	memset(&pc, 0, sizeof(pc));
	pc.name = c->name;
	pc.type = probe_type_of(c->type);
	pc.interval = c->interval;
	pc.timeout = c->timeout;
	pc.rise = c->rise;
	pc.fall = c->fall;
	pc.dns.server = c->server;
	pc.dns.tcp = c->transport == CFG_TRANSPORT_TCP;
	pc.dns.qname = c->qname;
	pc.dns.qtype = c->qtype;
	pc.dns.expect_rcode = c->expect_rcode;
	pc.dns.expect_aa = c->expect_aa;
	pc.dns.expect_answer = c->expect_answer;
	pc.tcp.target = c->target;
	pc.http.url = c->url;
	pc.http.method = c->method;
	for (i = 0; i < c->n_expect_status; i++) {
		ranges[i].lo = (uint16_t)c->expect_status[i].lo;
		ranges[i].hi = (uint16_t)c->expect_status[i].hi;
	}
	pc.http.expect_status = ranges;
	pc.http.n_expect_status = c->n_expect_status;
	pc.http.expect_body = c->expect_body;
	pc.http.tls_verify = c->tls_verify;
	pc.exec.argv = c->command.argv;
	ap->p = probe_new(a->l, &pc, on_probe, ap);
	free(ranges);
	if (ap->p == NULL)
		log_warnx("probe %s: cannot be set up; it stays down", c->name);
	else
		probe_start(ap->p);
	return ap;
}

void
agent_probe_free(struct aprobe *ap)
{
	if (ap == NULL)
		return;
	probe_free(ap->p);
	free(ap);
}

struct aprobe *
agent_find_probe(struct agent *a, const struct cfg_probe *c)
{
	size_t i;

	for (i = 0; i < a->cfg->n_probes; i++)
		if (a->probes[i] != NULL && a->probes[i]->c == c)
			return a->probes[i];
	return NULL;
}

struct asvc *
agent_svc_new(struct agent *a, const struct cfg_service *c)
{
	static const enum health_require req[] = {
	    [CFG_REQUIRE_ALL] = HEALTH_REQ_ALL,
	    [CFG_REQUIRE_ANY] = HEALTH_REQ_ANY,
	    [CFG_REQUIRE_N] = HEALTH_REQ_ATLEAST,
	};
	const char **names = xcalloc(c->n_probes + 1, sizeof(*names));
	struct health_cfg hc = {
	    .name = c->name,
	    .require = req[c->require],
	    .require_n = c->require_n,
	    .hold_down = c->hold_down,
	    .drain_file = c->drain_file,
	    .nprobes = c->n_probes,
	};
	struct asvc *s = xcalloc(1, sizeof(*s));
	usec_t now = loop_now(a->l);
	size_t i;

	s->a = a;
	s->c = c;
	s->quiet = true;
	s->mode = AGENT_MODE_NONE;
	s->since = now;
	snprintf(s->reason, sizeof(s->reason), "start");
	loop_timer_init(&s->gshut, gshut_done, s);
	loop_timer_init(&s->hold_down, hold_down_over, s);
	s->probes = xcalloc(c->n_probes + 1, sizeof(*s->probes));
	for (i = 0; i < c->n_probes; i++) {
		names[i] = c->probes[i]->name;
		s->probes[i] = agent_find_probe(a, c->probes[i]);
	}
	hc.probes = names;
	s->h = health_new(&hc, on_health, s);
	free(names);
	/* A probe shared with a running service may already be up. */
	for (i = 0; i < c->n_probes; i++)
		if (s->probes[i] != NULL && s->probes[i]->p != NULL &&
		    probe_get_state(s->probes[i]->p) == PROBE_UP)
			health_probe_update(s->h, i, PROBE_UP, "up", now);
	health_poll_drain(s->h, now);
	health_evaluate(s->h, now);
	s->quiet = false;
	return s;
}

void
agent_svc_free(struct asvc *s)
{
	if (s == NULL)
		return;
	loop_timer_cancel(s->a->l, &s->gshut);
	loop_timer_cancel(s->a->l, &s->hold_down);
	health_free(s->h);
	free(s->probes);
	free(s);
}

/* ---- peers ---- */

void
agent_peer_conf(const struct agent *a, const struct cfg_peer *c, struct bgp_peer_conf *pc)
{
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "%s", c->name);
	pc->remote = c->address;
	pc->port = c->port;
	pc->local = c->local_address;
	pc->local_as = a->cfg->agent.asn;
	pc->remote_as = c->asn;
	pc->router_id = ntohl(a->cfg->agent.router_id.s_addr);
	pc->passive = c->passive;
	pc->hold_time = c->hold_time;
	pc->connect_retry = c->connect_retry;
	if (c->password != NULL) {
		pc->password_len = MIN(strlen(c->password), sizeof(pc->password));
		memcpy(pc->password, c->password, pc->password_len);
	}
	pc->ttl_security = c->ttl_security;
	pc->ebgp_multihop = (uint8_t)c->ebgp_multihop;
	pc->next_hop[BGP_FAM_IPV4] = c->next_hop_ipv4;
	pc->next_hop[BGP_FAM_IPV6] = c->next_hop_ipv6;
	pc->family[BGP_FAM_IPV4] = c->family_ipv4;
	pc->family[BGP_FAM_IPV6] = c->family_ipv6;
	pc->shutdown = c->shutdown;
}

struct bgp_peer *
agent_peer_add(struct agent *a, const struct cfg_peer *c)
{
	struct bgp_peer_conf pc;
	struct bgp_peer *p;

	agent_peer_conf(a, c, &pc);
	p = bgp_peer_add(a->bgp, &pc);
	explicit_bzero(pc.password, sizeof(pc.password));
	if (p == NULL)
		log_warnx("peer %s: cannot be started", c->name);
	return p;
}

/* ---- addresses ---- */

/* link_change: the anycast addresses cannot receive traffic while their interface is down
 * or gone, so every service is withdrawn until it is back. */
static void
link_change(struct agent *a, bool down, const char *why)
{
	size_t i;

	if (a->link_down == down)
		return;
	a->link_down = down;
	if (down)
		log_warnx(
		    "interface %s %s: withdrawing every service", a->cfg->agent.interface, why);
	else
		log_info("interface %s %s: services announced again as their health allows",
		    a->cfg->agent.interface, why);
	for (i = 0; a->svcs != NULL && i < a->cfg->n_services; i++)
		if (a->svcs[i] != NULL)
			agent_svc_update(a->svcs[i], down ? "interface down" : "interface up");
}

static void
on_nl(enum nl_event ev, const struct prefix *p, int err, void *arg)
{
	struct agent *a = arg;

	(void)p;
	(void)err;
	switch (ev) {
	case NL_EV_LINK_DOWN:
	case NL_EV_LINK_GONE:
	case NL_EV_LINK_UP:
	case NL_EV_LINK_BACK:
		link_change(a, !nl_link_up(a->nl), nl_link_up(a->nl) ? "is up" : "is down or gone");
		break;
	case NL_EV_RESTORED:
	case NL_EV_ERROR: break;
	}
}

int
agent_sync_addresses(struct agent *a)
{
	struct prefix *want;
	size_t i, j, n = 0, cap = 0;
	int rc;

	for (i = 0; i < a->cfg->n_services; i++)
		cap += a->cfg->services[i].n_prefixes;
	want = xcalloc(cap ? cap : 1, sizeof(*want));
	for (i = 0; i < a->cfg->n_services; i++)
		for (j = 0; j < a->cfg->services[i].n_prefixes; j++)
			if (prefix_is_host(&a->cfg->services[i].prefixes[j]))
				want[n++] = a->cfg->services[i].prefixes[j];
	rc = nl_sync(a->nl, want, n);
	free(want);
	return rc;
}

/* ---- operator drains, remembered across restarts ---- */

static char *
drained_path(const struct agent *a)
{
	char *p;

	if (asprintf(&p, "%s/drained", a->cfg->agent.state_dir) == -1)
		fatal("asprintf");
	return p;
}

static void
drained_load(struct agent *a)
{
	char *path = drained_path(a), line[256];
	FILE *f = fopen(path, "r");
	size_t i;

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			for (i = 0; i < a->cfg->n_services; i++) {
				if (strcmp(a->cfg->services[i].name, line) == 0) {
					a->svcs[i]->admin_drained = true;
					log_info("service %s: drained by an operator (remembered)",
					    line);
				}
			}
		}
		fclose(f);
	}
	free(path);
}

void
agent_drained_save(struct agent *a)
{
	char *path = drained_path(a), *tmp;
	FILE *f;
	size_t i;

	if (asprintf(&tmp, "%s.tmp", path) == -1)
		fatal("asprintf");
	mkdir(a->cfg->agent.state_dir, 0755);
	f = fopen(tmp, "w");
	if (f == NULL) {
		log_warn("cannot write %s", tmp);
		goto out;
	}
	for (i = 0; i < a->cfg->n_services; i++)
		if (a->svcs[i]->admin_drained)
			fprintf(f, "%s\n", a->cfg->services[i].name);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0)
		log_warn("cannot write %s", path);
out:
	free(tmp);
	free(path);
}

int
agent_drain(struct agent *a, const char *service, bool drain)
{
	bool all = strcmp(service, "all") == 0, found = false;
	size_t i;

	for (i = 0; i < a->cfg->n_services; i++) {
		struct asvc *s = a->svcs[i];

		if (!all && strcmp(s->c->name, service) != 0)
			continue;
		found = true;
		if (s->admin_drained == drain)
			continue;
		s->admin_drained = drain;
		agent_svc_update(s, drain ? "drained by an operator" : "undrained by an operator");
	}
	if (found)
		agent_drained_save(a);
	return found ? 0 : -1;
}

/* ---- lifecycle ---- */

static void
drain_poll(void *arg)
{
	struct agent *a = arg;
	usec_t now = loop_now(a->l);
	size_t i;

	for (i = 0; i < a->cfg->n_services; i++) {
		health_poll_drain(a->svcs[i]->h, now);
		arm_hold_down(a->svcs[i]);
	}
	loop_timer_set(a->l, &a->drain_poll, DRAIN_POLL);
}

static void
exit_tick(void *arg)
{
	struct agent *a = arg;

	if (a->phase == AGENT_DRAINING) {
		shutdown_withdraw(a);
		return;
	}
	if (bgp_pending_output(a->bgp) == 0 || loop_now(a->l) >= a->exit_deadline) {
		shutdown_finish(a);
		return;
	}
	loop_timer_set(a->l, &a->exit_timer, EXIT_POLL);
}

struct agent *
agent_new(struct loop *l, struct cfg *cfg, const char *config_path)
{
	struct agent *a = xcalloc(1, sizeof(*a));

	a->l = l;
	a->cfg = cfg;
	a->config_path = xstrdup(config_path);
	a->phase = AGENT_RUNNING;
	a->started = loop_now(l);
	loop_timer_init(&a->drain_poll, drain_poll, a);
	loop_timer_init(&a->exit_timer, exit_tick, a);
	LIST_INIT(&a->children);
	return a;
}

int
agent_start(struct agent *a)
{
	struct bgp_callbacks cb = {0};
	struct cfg *cfg = a->cfg;
	size_t i;

	a->nl = nl_open(a->l, cfg->agent.interface, cfg->agent.state_dir, on_nl, a);
	if (a->nl == NULL)
		return -1;
	a->link_down = !nl_link_up(a->nl);
	if (agent_sync_addresses(a) == -1)
		log_warnx("not every address could be put on %s", cfg->agent.interface);
	a->bgp = bgp_new(a->l, &cb, a);
	a->peers = xcalloc(cfg->n_peers + 1, sizeof(*a->peers));
	for (i = 0; i < cfg->n_peers; i++) {
		a->peers[i].c = &cfg->peers[i];
		a->peers[i].p = agent_peer_add(a, &cfg->peers[i]);
	}
	a->probes = xcalloc(cfg->n_probes + 1, sizeof(*a->probes));
	for (i = 0; i < cfg->n_probes; i++)
		a->probes[i] = agent_probe_new(a, &cfg->probes[i]);
	a->svcs = xcalloc(cfg->n_services + 1, sizeof(*a->svcs));
	for (i = 0; i < cfg->n_services; i++)
		a->svcs[i] = agent_svc_new(a, &cfg->services[i]);
	drained_load(a);
	for (i = 0; i < cfg->n_services; i++)
		agent_svc_update(a->svcs[i], NULL);
	agent_reconcile(a);
	loop_timer_set(a->l, &a->drain_poll, DRAIN_POLL);
	log_info("started: %zu services, %zu peers, %zu probes on %s", cfg->n_services,
	    cfg->n_peers, cfg->n_probes, cfg->agent.interface);
	return 0;
}

static void
shutdown_withdraw(void *arg)
{
	struct agent *a = arg;
	size_t i;

	a->phase = AGENT_WITHDRAWING;
	for (i = 0; i < a->cfg->n_services; i++)
		agent_svc_update(a->svcs[i], "shutting down");
	a->exit_deadline = loop_now(a->l) + EXIT_FLUSH_MAX;
	loop_timer_set(a->l, &a->exit_timer, 0);
}

static void
shutdown_finish(struct agent *a)
{
	size_t i;

	if (a->phase == AGENT_STOPPED)
		return;
	a->phase = AGENT_STOPPED;
	loop_timer_cancel(a->l, &a->exit_timer);
	loop_timer_cancel(a->l, &a->drain_poll);
	for (i = 0; a->probes != NULL && i < a->cfg->n_probes; i++)
		probe_stop(a->probes[i]->p);
	bgp_free(a->bgp, "pharosd shutting down");
	a->bgp = NULL;
	nl_close(a->nl, a->cfg->agent.keep_addresses);
	a->nl = NULL;
	log_info("stopped");
	loop_break(a->l);
}

void
agent_shutdown(struct agent *a)
{
	bool draining = false;
	size_t i;

	if (a->phase != AGENT_RUNNING) {
		log_info("second stop request: exiting now");
		shutdown_finish(a);
		return;
	}
	log_info("stopping: draining announced services for %lld ms",
	    (long long)(a->cfg->agent.drain_time / USEC_PER_MSEC));
	a->phase = AGENT_DRAINING;
	for (i = 0; i < a->cfg->n_services; i++) {
		agent_svc_update(a->svcs[i], "shutting down");
		draining |= a->svcs[i]->mode == AGENT_MODE_GSHUT;
	}
	loop_timer_set(a->l, &a->exit_timer, draining ? a->cfg->agent.drain_time : 0);
}

void
agent_free(struct agent *a)
{
	struct achild *c;
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; a->svcs != NULL && i < a->cfg->n_services; i++)
		agent_svc_free(a->svcs[i]);
	for (i = 0; a->probes != NULL && i < a->cfg->n_probes; i++)
		agent_probe_free(a->probes[i]);
	if (a->bgp != NULL)
		bgp_free(a->bgp, NULL);
	if (a->nl != NULL)
		nl_close(a->nl, true);
	loop_timer_cancel(a->l, &a->exit_timer);
	loop_timer_cancel(a->l, &a->drain_poll);
	while ((c = LIST_FIRST(&a->children)) != NULL) {
		/* Still running: the loop reaps it if it ends in time; we stop caring. */
		loop_child_forget(a->l, c->pid);
		LIST_REMOVE(c, entry);
		free(c);
	}
	free(a->svcs);
	free(a->probes);
	free(a->peers);
	free(a->config_path);
	cfg_free(a->cfg);
	free(a);
}
