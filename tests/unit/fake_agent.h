/* fake_agent: a struct agent built by hand for status and control tests: two probes (one
 * up through its health, none with a real probe behind it), two services (one with an
 * awkward name to exercise escaping), no peers, no netlink, no BGP. */
#ifndef PHAROS_TEST_FAKE_AGENT_H
#define PHAROS_TEST_FAKE_AGENT_H

#include <stdlib.h>
#include <string.h>

#include "agent/agent_impl.h"
#include "lib/util.h"

#define FAKE_AWKWARD "we\"b\\1\n\t\x01"

struct fake_agent {
	struct loop *l;
	struct cfg cfg;
	struct cfg_probe probes[2];
	struct cfg_service svcs[2];
	const struct cfg_probe *svc_probes[2][1];
	struct prefix pfx[2];
	struct agent a;
	struct aprobe ap[2];
	struct aprobe *app[2];
	struct asvc s[2];
	struct asvc *sp[2];
	struct aprobe *sprobes[2][1];
	char state_dir[64];
};

static inline void
fake_agent_init(struct fake_agent *f)
{
	const char *why;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->l = loop_new();
	snprintf(f->state_dir, sizeof(f->state_dir), "/tmp/pharos-fake.XXXXXX");
	if (mkdtemp(f->state_dir) == NULL)
		abort();
	f->cfg.agent.asn = 64501;
	f->cfg.agent.router_id.s_addr = htonl(0xC0000202); /* 192.0.2.2 */
	f->cfg.agent.interface = "lo";
	f->cfg.agent.state_dir = f->state_dir;
	f->cfg.probes = f->probes;
	f->cfg.n_probes = 2;
	f->cfg.services = f->svcs;
	f->cfg.n_services = 2;
	f->probes[0].name = "tcp-80";
	f->probes[0].type = CFG_PROBE_TCP;
	f->probes[1].name = FAKE_AWKWARD;
	f->probes[1].type = CFG_PROBE_EXEC;
	prefix_parse("203.0.113.80/32", &f->pfx[0], &why);
	prefix_parse("2001:db8::80/128", &f->pfx[1], &why);
	f->svcs[0].name = "web";
	f->svcs[1].name = FAKE_AWKWARD;
	for (i = 0; i < 2; i++) {
		struct health_cfg hc = {.name = f->svcs[i].name, .nprobes = 1};
		const char *pn[1] = {f->probes[i].name};

		f->svcs[i].prefixes = &f->pfx[i];
		f->svcs[i].n_prefixes = 1;
		f->svc_probes[i][0] = &f->probes[i];
		f->svcs[i].probes = f->svc_probes[i];
		f->svcs[i].n_probes = 1;
		f->ap[i].c = &f->probes[i];
		f->ap[i].a = &f->a;
		f->app[i] = &f->ap[i];
		hc.probes = pn;
		f->s[i].c = &f->svcs[i];
		f->s[i].a = &f->a;
		f->s[i].h = health_new(&hc, NULL, NULL);
		f->sprobes[i][0] = &f->ap[i];
		f->s[i].probes = f->sprobes[i];
		f->s[i].since = loop_now(f->l);
		snprintf(f->s[i].reason, sizeof(f->s[i].reason), "start");
		f->sp[i] = &f->s[i];
	}
	/* web is up and announced; the awkward one is down. */
	health_probe_update(f->s[0].h, 0, PROBE_UP, "up", loop_now(f->l));
	f->s[0].mode = AGENT_MODE_NORMAL;
	f->s[0].transitions = 1;
	snprintf(f->s[1].reason, sizeof(f->s[1].reason), "probe %s", FAKE_AWKWARD);
	/* latencies: 3 ms, 3 ms, 40 ms, 9 s (above every bound) */
	f->ap[0].hist[2] = 2;
	f->ap[0].hist[5] = 1;
	f->ap[0].hist[12] = 1;
	f->ap[0].latency_sum = 0.003 + 0.003 + 0.040 + 9.0;
	f->ap[0].latency_count = 4;
	f->a.l = f->l;
	f->a.cfg = &f->cfg;
	f->a.probes = f->app;
	f->a.svcs = f->sp;
	f->a.phase = AGENT_RUNNING;
	f->a.started = loop_now(f->l);
	f->a.reloads = 3;
	loop_timer_init(&f->a.drain_poll, NULL, NULL);
	for (i = 0; i < 2; i++) {
		loop_timer_init(&f->s[i].gshut, NULL, NULL);
		loop_timer_init(&f->s[i].hold_down, NULL, NULL);
	}
}

static inline void
fake_agent_free(struct fake_agent *f)
{
	char path[128];
	size_t i;

	for (i = 0; i < 2; i++)
		health_free(f->s[i].h);
	snprintf(path, sizeof(path), "%s/drained", f->state_dir);
	unlink(path);
	rmdir(f->state_dir);
	loop_free(f->l);
}

#endif
